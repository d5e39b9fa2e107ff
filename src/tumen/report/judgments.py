"""Key judgments: a likelihood on a fixed scale and a separate confidence, chosen by code.

The register (``data/judgments.yaml``, the report parameter ``judgments_yaml``) states each
key judgment of the report and how the results decide it; :func:`assess` reads the results
of the build and chooses, for each judgment,

- a **likelihood** in the words of the fixed scale of ICD 203 (:data:`SCALE`, each word with
  its probability band): the word of the last threshold the deciding result reaches;
- a **confidence** (``low``, ``moderate``, ``high``: how good the evidence is, not how
  likely the judgment) with its reason: the lowest level any confidence rule gives;
  synthetic inputs always give ``low``, and the judgment is then marked illustrative;
- the results it rests on.

Nothing in the register is a likelihood or a confidence: only thresholds on results. Prose
elsewhere in the report may use the scale's words but no other likelihood wording
(:func:`find_off_scale` finds "probably", "highly likely", "certainly", ...).

The register format
-------------------
::

    judgments:
      - id: rail_rise                       # lower-case snake_case
        statement: "The peak count was more than ordinary variation"   # one sentence
        likelihood:
          result: rail.peak_to_baseline_max # the result that decides the word
          direction: at_least               # at_least (default): larger is likelier;
                                            # at_most: smaller is likelier
          thresholds:                       # [threshold, word]: the word once the result
            - [0, unlikely]                 # reaches the threshold (at_least: >=, in
            - [1.5, likely]                 # increasing order; at_most: <=, decreasing)
        confidence:                         # rules; the lowest level wins
          - result: rail.baseline_n_images
            thresholds: [[0, low], [30, moderate]]
            reason: "the baseline holds {rail.baseline_n_images} images"
        rests_on: [rail.peak_railcars, rail.baseline_max]   # results shown with the judgment

A value that reaches no threshold takes the lowest word (``almost no chance``; for a
confidence rule ``low``); a result that is missing or not a number makes the judgment "not
assessed", with the reason.

>>> likelihood_word(0.97)
'almost certain'
>>> find_off_scale("It is probably so; it is likely so.")
['probably']
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from tumen.engine.params import parse_yaml
from tumen.engine.results import render
from tumen.errors import DataError

#: The ICD 203 likelihood scale: word -> (lowest, highest) probability of its band.
SCALE = {
    "almost no chance": (0.01, 0.05),
    "very unlikely": (0.05, 0.20),
    "unlikely": (0.20, 0.45),
    "roughly even chance": (0.45, 0.55),
    "likely": (0.55, 0.80),
    "very likely": (0.80, 0.95),
    "almost certain": (0.95, 0.99),
}
#: Confidence levels, lowest first.
CONFIDENCE = ("low", "moderate", "high")
#: Likelihood wording outside the scale (whole words, any case).
OFF_SCALE = (
    "probably",
    "probable",
    "improbable",
    "improbably",
    "highly likely",
    "highly unlikely",
    "most likely",
    "most unlikely",
    "quite likely",
    "fairly likely",
    "extremely likely",
    "extremely unlikely",
    "certainly",
    "definitely",
    "surely",
    "presumably",
    "doubtless",
    "in all likelihood",
    "chances are",
    "perhaps",
)
_OFF_RE = re.compile(r"\b(" + "|".join(re.escape(w) for w in OFF_SCALE) + r")\b", re.I)
_ID_RE = re.compile(r"^[a-z][a-z0-9_]*$")


def likelihood_word(p: float) -> str:
    """The scale word whose band holds probability ``p`` (bands closed below).

    >>> likelihood_word(0.5), likelihood_word(0.01), likelihood_word(0.8)
    ('roughly even chance', 'almost no chance', 'very likely')
    """
    word = "almost no chance"
    for w, (low, _) in SCALE.items():
        if p >= low:
            word = w
    return word


def band(word: str) -> str:
    """The probability band of a scale word, as words: "95–99%"."""
    low, high = SCALE[word]
    return f"{low * 100:.0f}–{high * 100:.0f}%"


def find_off_scale(text: str) -> list[str]:
    """Likelihood wording in ``text`` that is not a word of the scale (lower case)."""
    return [m.group(1).lower() for m in _OFF_RE.finditer(text)]


@dataclass(frozen=True)
class Judgment:
    """One assessed key judgment."""

    id: str
    statement: str
    likelihood: str | None  #: a word of SCALE, or None when not assessed
    confidence: str  #: low, moderate or high
    reason: str  #: why that confidence (and, when not assessed, why not)
    rests_on: tuple[str, ...]
    illustrative: bool  #: rests on synthetic inputs
    deciding: tuple[str, ...] = ()  #: the likelihood's result, then the confidence rules' results


# --- reading --------------------------------------------------------------------------


def read(path: str | Path) -> list[dict]:
    """Read and check a judgments register.

    Raises
    ------
    DataError
        Naming file, line and field: not a mapping with a list ``judgments``, a bad id, an
        empty statement, a word not on the scale, thresholds out of order or a confidence
        level not in :data:`CONFIDENCE`.
    """
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise DataError(
            f"cannot read the judgments register: {exc.strerror}",
            file=path,
            hint='set report.judgments_yaml to an existing file, or to ""',
        ) from None
    data = parse_yaml(text, path, DataError)
    items = data.get("judgments") if isinstance(data, dict) else None
    if not isinstance(items, list):
        raise DataError(
            "expected a mapping with a list 'judgments'", file=path, line=1, field="judgments"
        )
    seen = set()
    for i, item in enumerate(items):
        where = {
            "file": path,
            "line": _line_of(text, item.get("id") if isinstance(item, dict) else None),
        }
        if not isinstance(item, dict):
            raise DataError(f"judgment {i + 1} is not a mapping", field="judgments", **where)
        _check(item, seen, where)
    return items


def _line_of(text: str, ident) -> int | None:
    for n, line in enumerate(text.splitlines(), start=1):
        if ident and re.match(rf"^\s*-?\s*id:\s*['\"]?{re.escape(str(ident))}['\"]?\s*$", line):
            return n
    return None


def _check(item: dict, seen: set, where: dict) -> None:
    """Raise DataError when one judgment breaks the format (module docstring)."""
    ident = item.get("id")
    if not isinstance(ident, str) or not _ID_RE.match(ident) or ident in seen:
        raise DataError(
            f"judgment id {ident!r} is missing, repeated or not snake_case", field="id", **where
        )
    seen.add(ident)
    if not isinstance(item.get("statement"), str) or not item["statement"].strip():
        raise DataError(f"judgment {ident!r} has no statement", field=f"{ident}.statement", **where)
    lk = item.get("likelihood")
    if not isinstance(lk, dict) or not isinstance(lk.get("result"), str):
        raise DataError(
            f"judgment {ident!r} needs likelihood.result",
            field=f"{ident}.likelihood",
            **where,
            hint="the result whose value decides the scale word",
        )
    direction = lk.get("direction", "at_least")
    if direction not in ("at_least", "at_most"):
        raise DataError(
            f"direction {direction!r} is not at_least or at_most",
            field=f"{ident}.likelihood.direction",
            **where,
        )
    _check_thresholds(lk.get("thresholds"), SCALE, direction, f"{ident}.likelihood", where)
    rules = item.get("confidence") or []
    if not isinstance(rules, list):
        raise DataError("confidence must be a list of rules", field=f"{ident}.confidence", **where)
    for k, rule in enumerate(rules):
        field = f"{ident}.confidence[{k}]"
        if (
            not isinstance(rule, dict)
            or not isinstance(rule.get("result"), str)
            or not isinstance(rule.get("reason"), str)
        ):
            raise DataError(
                "a confidence rule needs result, thresholds and reason", field=field, **where
            )
        _check_thresholds(rule.get("thresholds"), CONFIDENCE, "at_least", field, where)
    rests = item.get("rests_on", [])
    if not isinstance(rests, list) or not all(isinstance(r, str) for r in rests):
        raise DataError(
            "rests_on must be a list of result names", field=f"{ident}.rests_on", **where
        )


def _check_thresholds(pairs, words, direction: str, field: str, where: dict) -> None:
    if (
        not isinstance(pairs, list)
        or not pairs
        or not all(
            isinstance(p, list)
            and len(p) == 2
            and isinstance(p[0], (int, float))
            and not isinstance(p[0], bool)
            for p in pairs
        )
    ):
        raise DataError(
            "thresholds must be a list of [number, word]", field=f"{field}.thresholds", **where
        )
    for _, word in pairs:
        if word not in words:
            raise DataError(
                f"{word!r} is not one of: {', '.join(words)}", field=f"{field}.thresholds", **where
            )
    values = [p[0] for p in pairs]
    ordered = sorted(values) if direction == "at_least" else sorted(values, reverse=True)
    if values != ordered or len(set(values)) != len(values):
        raise DataError(
            "thresholds are out of order",
            field=f"{field}.thresholds",
            **where,
            hint="increasing for at_least, decreasing for at_most",
        )


# --- assessing ------------------------------------------------------------------------


def assess(
    items: list[dict], records: Mapping[str, Mapping], synthetic_notebooks: set[str] = frozenset()
) -> list[Judgment]:
    """Choose each judgment's likelihood word and confidence from the results.

    Parameters
    ----------
    items : list of dict
        From :func:`read`.
    records : mapping
        Every result record of the build (:func:`tumen.engine.results.load_all`, with ``notebook``).
    synthetic_notebooks : set of str
        Notebooks (file stems) that read synthetic inputs: a judgment resting on one of
        their results is illustrative and of low confidence.

    Returns
    -------
    list of Judgment
    """
    return [_assess_one(item, records, synthetic_notebooks) for item in items]


def _assess_one(item: dict, records: Mapping[str, Mapping], synthetic_notebooks) -> Judgment:
    """One judgment of :func:`assess`."""
    lk = item["likelihood"]
    names = [
        lk["result"],
        *(r["result"] for r in item.get("confidence") or []),
        *item.get("rests_on", []),
    ]
    rests = tuple(dict.fromkeys([lk["result"], *item.get("rests_on", [])]))
    illustrative = any(records.get(n, {}).get("notebook") in synthetic_notebooks for n in names)
    deciding = [lk["result"], *(r["result"] for r in item.get("confidence") or [])]
    missing = [n for n in names if records.get(n, {}).get("value") is None]
    missing += [
        n
        for n in deciding
        if n not in missing
        and (
            isinstance(records[n]["value"], (bool, str))
            or not isinstance(records[n]["value"], (int, float))
        )
    ]
    if missing:
        return Judgment(
            item["id"],
            item["statement"],
            None,
            "low",
            f"not assessed: {', '.join(missing)} not recorded as a number in this build",
            rests,
            illustrative,
            tuple(deciding),
        )
    word = _choose(
        records[lk["result"]]["value"],
        lk["thresholds"],
        lk.get("direction", "at_least"),
        "almost no chance",
    )
    level, reasons = "high", []
    for rule in item.get("confidence") or []:
        got = _choose(records[rule["result"]]["value"], rule["thresholds"], "at_least", "low")
        reasons.append(render(rule["reason"], records, html=False))
        level = min(level, got, key=CONFIDENCE.index)
    if illustrative:
        level = "low"
        reasons.insert(0, "synthetic inputs")
    reason = "; ".join(reasons) or "no rule limits it"
    return Judgment(
        item["id"], item["statement"], word, level, reason, rests, illustrative, tuple(deciding)
    )


def _choose(value, pairs, direction: str, below: str) -> str:
    """The word of the last threshold ``value`` reaches (module docstring)."""
    word = below
    for threshold, w in pairs:
        if (value >= threshold) if direction == "at_least" else (value <= threshold):
            word = w
    return word


def to_html(
    judgments: list[Judgment],
    records: Mapping[str, Mapping] | None = None,
    sections: Mapping[str, tuple[str, str]] | None = None,
) -> str:
    """The compact list of the report's opening (every word from data escaped).

    Each item names the section whose result decides it (``sections``: notebook stem ->
    (link, title), found from ``records``), links its likelihood and its confidence to the
    results that chose them, and gives the confidence's reason in words.
    """
    esc = html.escape
    records = records or {}
    sections = sections or {}
    items = []
    for j in judgments:
        first = j.deciding[0] if j.deciding else (j.rests_on[0] if j.rests_on else "")
        link, title = sections.get((records.get(first) or {}).get("notebook", ""), ("", ""))
        where = (
            f'<a class="judgment-section" href="{esc(link)}">{esc(title)}</a> '
            if link and title
            else ""
        )
        if j.likelihood is None:
            head = '<span class="likelihood">Not assessed</span>'
        else:
            word = f"{j.likelihood[0].upper()}{j.likelihood[1:]} ({band(j.likelihood)})"
            head = _linked("likelihood", word, first, records)
        conf = _linked(
            "confidence-level",
            f"{j.confidence} confidence",
            j.deciding[1] if len(j.deciding) > 1 else "",
            records,
        )
        items.append(
            f'<li class="judgment{" illustrative" if j.illustrative else ""}" '
            f'data-judgment="{esc(j.id)}">{where}<span class="judgment-text">{head}, {conf}: '
            f"{esc(j.statement.rstrip('.'))}.</span> "
            f'<span class="confidence">Confidence {esc(j.confidence)}: {esc(j.reason)}.</span>'
            + (
                ' <span class="illustrative-note">Illustrative only.</span>'
                if j.illustrative
                else ""
            )
            + "</li>"
        )
    return "".join(items)


def _linked(cls: str, text: str, result: str, records: Mapping[str, Mapping]) -> str:
    """``text`` as a link to the provenance row of ``result`` when the build recorded it."""
    esc = html.escape
    if result and result in records:
        desc = str(records[result].get("description") or "")[:200]
        return (
            f'<a class="{cls}" href="#r-{esc(result)}" title="{esc(desc, quote=True)}">'
            f"{esc(text)}</a>"
        )
    return f'<span class="{cls}">{esc(text)}</span>'
