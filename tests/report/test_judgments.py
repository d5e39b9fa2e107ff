"""Tests of tumen.report.judgments: the likelihood scale, the register and the words code chooses."""

from pathlib import Path

import pytest

from tumen.errors import DataError
from tumen.report import judgments

ROOT = Path(__file__).resolve().parents[2]

REGISTER = """\
judgments:
  - id: rise
    statement: "The count rose"
    likelihood:
      result: t.ratio
      thresholds: [[0, unlikely], [1.5, likely], [3, almost certain]]
    confidence:
      - result: t.images
        thresholds: [[0, low], [10, moderate], [50, high]]
        reason: "{t.images} images"
    rests_on: [t.peak]
  - id: fits
    statement: "The dates leave time."
    likelihood:
      result: t.speed
      direction: at_most
      thresholds: [[60, unlikely], [40, likely], [25, very likely]]
"""


def rec(value, notebook="01_t"):
    return {"value": value, "unit": "1", "description": "d", "notebook": notebook}


@pytest.fixture
def items(tmp_path):
    path = tmp_path / "judgments.yaml"
    path.write_text(REGISTER, encoding="utf-8")
    return judgments.read(path)


def test_scale_is_the_icd_203_scale_and_bands_are_contiguous():
    words = list(judgments.SCALE)
    assert words == [
        "almost no chance",
        "very unlikely",
        "unlikely",
        "roughly even chance",
        "likely",
        "very likely",
        "almost certain",
    ]
    bands = list(judgments.SCALE.values())
    assert all(a[1] == b[0] for a, b in zip(bands, bands[1:]))
    assert judgments.band("almost certain") == "95–99%"
    assert [judgments.likelihood_word(p) for p in (0.0, 0.05, 0.2, 0.5, 0.55, 0.9, 0.999)] == [
        "almost no chance",
        "very unlikely",
        "unlikely",
        "roughly even chance",
        "likely",
        "very likely",
        "almost certain",
    ]


@pytest.mark.parametrize(
    "ratio, images, word, level",
    [
        (3.65, 141, "almost certain", "high"),  # past the last thresholds
        (2.0, 20, "likely", "moderate"),  # 1.5 <= 2 < 3; 10 <= 20 < 50
        (1.5, 9, "likely", "low"),  # a threshold is reached when equalled
        (0.5, 10, "unlikely", "moderate"),
        (-1.0, 0, "almost no chance", "low"),  # below every threshold: the lowest word
    ],
)
def test_words_are_chosen_from_results_and_thresholds(items, ratio, images, word, level):
    records = {
        "t.ratio": rec(ratio),
        "t.images": rec(images),
        "t.peak": rec(7),
        "t.speed": rec(30.0, "03_r"),
    }
    rise = judgments.assess(items, records)[0]
    assert (rise.likelihood, rise.confidence) == (word, level)
    assert rise.reason == f"{images} images" and rise.rests_on == ("t.ratio", "t.peak")
    assert not rise.illustrative


@pytest.mark.parametrize(
    "speed, word",
    [
        (20.0, "very likely"),
        (25.0, "very likely"),
        (30.0, "likely"),
        (55.0, "unlikely"),
        (61.0, "almost no chance"),
    ],
)
def test_at_most_thresholds_read_downwards(items, speed, word):
    got = judgments.assess(
        items, {"t.ratio": rec(1), "t.images": rec(1), "t.peak": rec(1), "t.speed": rec(speed)}
    )[1]
    assert got.likelihood == word and got.confidence == "high"  # no rule limits it
    assert got.reason == "no rule limits it"


def test_synthetic_inputs_make_a_judgment_illustrative_and_of_low_confidence(items):
    records = {
        "t.ratio": rec(3.65),
        "t.images": rec(141),
        "t.peak": rec(7),
        "t.speed": rec(30.0, "03_r"),
    }
    rise, fits = judgments.assess(items, records, synthetic_notebooks={"01_t"})
    assert rise.illustrative and rise.confidence == "low"
    assert rise.likelihood == "almost certain"  # the likelihood still follows the result
    assert rise.reason.startswith("synthetic inputs")
    assert not fits.illustrative  # rests on another notebook's results
    html = judgments.to_html([rise, fits])
    assert "Illustrative only." in html and html.count('class="judgment illustrative"') == 1
    assert '<span class="likelihood">Almost certain (95–99%)</span>' in html
    # with the build's records, the words link to the results that chose them
    linked = judgments.to_html([rise], records, {"01_t": ("#nb-t", "Section <T>")})
    assert '<a class="likelihood" href="#r-t.ratio"' in linked
    assert '<a class="judgment-section" href="#nb-t">Section &lt;T&gt;</a>' in linked


def test_a_missing_result_leaves_the_judgment_not_assessed(items):
    got = judgments.assess(
        items, {"t.ratio": rec(None), "t.images": rec(3), "t.peak": rec(1), "t.speed": rec("fast")}
    )
    assert got[0].likelihood is None and "t.ratio" in got[0].reason
    assert got[1].likelihood is None and "t.speed" in got[1].reason
    assert "Not assessed" in judgments.to_html(got)


@pytest.mark.parametrize(
    "old, new, field",
    [
        ("id: rise", "id: Rise", "id"),
        ('statement: "The count rose"', 'statement: ""', "rise.statement"),
        ("[1.5, likely]", "[1.5, probable]", "rise.likelihood.thresholds"),
        (
            "[1.5, likely], [3, almost certain]",
            "[3, likely], [1.5, almost certain]",
            "rise.likelihood.thresholds",
        ),
        ("[10, moderate]", "[10, medium]", "rise.confidence[0].thresholds"),
        ("direction: at_most", "direction: down", "fits.likelihood.direction"),
    ],
)
def test_register_errors_name_file_line_and_field(tmp_path, old, new, field):
    path = tmp_path / "judgments.yaml"
    path.write_text(REGISTER.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(DataError) as info:
        judgments.read(path)
    assert info.value.field == field and info.value.file == str(path)
    assert info.value.line in (2, 12)


def test_off_scale_wording_is_found_and_scale_words_pass():
    text = (
        "It is likely, very likely or almost certain; roughly even chance; unlikely. "
        "It was probably so, most likely so, Certainly so and highly likely."
    )
    assert judgments.find_off_scale(text) == [
        "probably",
        "most likely",
        "certainly",
        "highly likely",
    ]
    assert judgments.find_off_scale("almost certain; likely; the likely route") == []


def test_shipped_register_reads_and_rests_on_recorded_results():
    items = judgments.read(ROOT / "data" / "judgments.yaml")
    assert items and all(i["statement"] for i in items)
    prefixes = {i["likelihood"]["result"].split(".")[0] for i in items}
    assert prefixes <= {"rail", "shuttle", "route", "overview"}
