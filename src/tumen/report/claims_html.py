"""Show claims in the report: the room of the sections' claims tables and citations.

:func:`to_html` displays an :func:`~tumen.report.claims_compare.assess` table as a numbered
report table (each source citing its reference, each verdict styled by kind, calibration
checks apart); :func:`cite_html` is the "[n]" citation linked to the reference list.
"""

from __future__ import annotations

import html
import re

import pandas as pd
from IPython.display import HTML


def to_display(table: pd.DataFrame) -> pd.DataFrame:
    """The columns a claims table shows (plain text): claim, source [n], statement,
    published, reproduced, verdict (its label) and why."""
    return pd.DataFrame(
        {
            "source": [f"{s} [{r}]" for s, r in zip(table["source"], table["ref"])],
            "statement": table["statement"],
            "published": table["published"],
            "reproduced": table["reproduced"],
            "verdict": table["label"],
            "why": table["reason"],
        },
        index=table.index,
    )


def to_html(table: pd.DataFrame, name: str, caption: str):
    """Display an :func:`assess` table as a numbered report table.

    Each source cites its reference ("[n]", a link to the reference list); each verdict
    cell has the class ``verdict verdict-<kind>``, plus ``verdict-calibration`` for a
    calibration check, so the stylesheet shows calibration visibly apart. All text from
    data is escaped.
    """
    esc = html.escape
    head = ["claim", "source", "statement", "published", "reproduced", "verdict", "why"]
    body = []
    for cid, row in table.iterrows():
        cls = f"verdict verdict-{row['verdict']}" + (
            " verdict-calibration" if row["calibration"] else ""
        )
        body.append(
            f'<tr class="claim-row" data-claim="{esc(str(cid))}"><td>{esc(str(cid))}</td>'
            f"<td>{esc(row['source'])} {cite_html(row['ref'])}</td>"
            + "".join(
                f"<td>{esc(str(row[c]))}</td>" for c in ("statement", "published", "reproduced")
            )
            + f'<td class="{cls}">{esc(row["label"])}</td><td>{esc(row["reason"])}</td></tr>'
        )
    ident = re.sub(r"[^a-z0-9_]", "_", name.lower())
    return HTML(
        f'<div class="table-wrap"><table class="tumen-table claims-table" '
        f'id="tab-{ident}"><caption>{esc(caption)}</caption><thead><tr>'
        + "".join(f"<th>{h}</th>" for h in head)
        + "</tr></thead><tbody>"
        + "".join(body)
        + "</tbody></table></div>"
    )


def cite_html(ref: int) -> str:
    """The citation of reference ``ref``: "[n]", linked to the reference list."""
    return f'<a class="cite" href="#ref-{int(ref)}">[{int(ref)}]</a>'
