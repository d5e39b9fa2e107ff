"""The opening timeline (tumen.report.timeline): marks from results, never typed dates."""

from __future__ import annotations

import pandas as pd
import pytest

from tumen.engine import params
from tumen.errors import ParameterError
from tumen.report import timeline

SPEC = [
    {
        "lane": "Counts",
        "items": [
            {"at": "a.onset_after", "to": "a.onset_before", "label": "rise"},
            {"at": "a.peak", "label": "peak"},
            {"at": "a.never", "label": "never recorded"},
        ],
    },
    {"lane": "Ships", "items": [{"at": "b.first", "label": "first call"}]},
    {"lane": "Said", "claims": True},
]


def rec(value):
    return {"value": value, "unit": "date", "description": "d"}


RECORDS = {
    "a.onset_after": rec("2031-03-10"),
    "a.onset_before": rec("2031-03-02"),
    "a.peak": rec("2031-03-10"),
    "b.first": rec("2031-02-01T06:30:00Z"),
    "a.never": rec(None),
    "claim.x1": rec(7),
    "verdict.x2": rec("consistent"),
}

CLAIMS = pd.DataFrame(
    {
        "id": ["x1", "x2", "x3", "x4"],
        "source": ["Agency <A>", "Paper", "Paper", "Agency <A>"],
        "published": ["2031-04-01", "2031-04-01", "2031-05-01", "2031"],
    }
)


def test_marks_come_from_results_and_claims_only():
    tl = timeline.collect(
        SPEC,
        RECORDS,
        claims=CLAIMS,
        events=[{"date": "2031-02-20", "label": "Talks", "source": "Wire"}],
    )
    assert tl.lanes == ["Counts", "Ships", "Said"]
    got = [
        (m.lane, m.start.date().isoformat(), m.end and m.end.date().isoformat(), m.label)
        for m in tl.marks
    ]
    assert got == [
        (
            "Counts",
            "2031-03-02",
            "2031-03-10",
            "rise",
        ),  # a span in date order whatever the order named
        ("Counts", "2031-03-10", None, "peak"),
        ("Ships", "2031-02-01", None, "first call"),  # a UTC time is a date on the axis
        # x1 (recorded as claim.*) and x2 (with a verdict) on one day, one mark naming both
        # sources; x3 not recorded in this build; x4 has no full date
        ("Said", "2031-04-01", None, "Agency <A>, Paper"),
    ]
    assert tl.missing == ["never recorded"]
    assert [e.label for e in tl.events] == ["Talks"]
    caption, alt = timeline.describe(
        tl, [{"date": "2031-02-20", "label": "Talks", "source": "Wire"}]
    )
    assert "Talks, 2031-02-20 (Wire)" in caption and "never recorded" in caption
    assert "Counts: rise 2031-03-02 to 2031-03-10; peak 2031-03-10" in alt


def test_a_build_without_the_results_draws_nothing():
    tl = timeline.collect(SPEC, {}, claims=None)
    assert tl.empty and tl.missing == ["rise", "peak", "never recorded", "first call"]


def test_the_strip_draws_at_print_width():
    import matplotlib.pyplot as plt

    fig = timeline.plot(timeline.collect(SPEC, RECORDS, claims=CLAIMS))
    try:
        assert fig.get_size_inches()[0] == pytest.approx(timeline.WIDTH_IN)
        texts = [t for t in fig.findobj(plt.Text) if t.get_text()]
        assert {"rise", "peak", "first call", "Agency <A>, Paper"} <= {t.get_text() for t in texts}
        assert min(t.get_fontsize() for t in texts) >= 7
    finally:
        plt.close(fig)


def test_a_bad_event_in_the_params_file_names_file_line_and_field(tmp_path):
    (tmp_path / "notebooks").mkdir()
    (tmp_path / "p.yaml").write_text(
        "report:\n  title: T\n  events:\n    - {date: 13 Sept, label: Talks, source: Wire}\n",
        encoding="utf-8",
    )
    with pytest.raises(ParameterError) as err:
        params.load(tmp_path / "p.yaml", root=tmp_path)
    assert err.value.field == "report.events[0]" and err.value.line == 3
    assert "YYYY-MM-DD" in err.value.message
