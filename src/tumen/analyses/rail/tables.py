"""The rail tables as the report shows them: the sensitivity variants with readable headers.

:func:`sensitivity_to_display` formats :func:`tumen.analyses.rail.sensitivity.sensitivity`.
"""

from __future__ import annotations

import pandas as pd

from tumen.analyses.rail.sensitivity import plain
from tumen.engine.results import format_value

#: the columns of :func:`sensitivity_to_display`
DISPLAY_COLUMNS = (
    "variant",
    "baseline images",
    "baseline max",
    "baseline mean",
    "peak",
    "peak date",
    "P(X ≥ peak)",
    "robust z",
    "onset between",
)


def sensitivity_to_display(table: pd.DataFrame) -> pd.DataFrame:
    """Return the sensitivity table with readable headers and formatted values, for the report.

    Parameters
    ----------
    table : pandas.DataFrame
        From :func:`tumen.analyses.rail.sensitivity.sensitivity`.

    Returns
    -------
    pandas.DataFrame
        One row per variant (its label), columns: baseline images, baseline max and mean
        (railcars), peak (railcars), peak date, P(X ≥ peak), robust z, onset interval; a
        variant that could not be computed shows its note in the first column.
    """
    rows = []
    for _, row in table.iterrows():
        if row.get("same_as", ""):
            continue  # repeats an earlier variant (get_dropped_variants)
        rows.append(display_row(row))
    return pd.DataFrame(rows, columns=list(DISPLAY_COLUMNS))


def format_cell(value, spec: str = "") -> str:
    """A table cell as the report shows it: ``–`` when missing."""
    value = plain(value)
    return "–" if value is None else format_value(value, spec)


def display_row(row: pd.Series) -> list[str]:
    """One variant's row of :func:`sensitivity_to_display`."""
    if row["note"]:
        return [row["label"], row["note"]] + ["–"] * 7
    onset = (
        "–"
        if plain(row["onset_after"]) is None
        else f"{row['onset_after']} to {row['onset_before']}"
    )
    return [
        row["label"],
        format_cell(row["baseline_n_images"]),
        format_cell(row["baseline_max"]),
        format_cell(row["baseline_mean"], ".1f"),
        format_cell(row["peak_railcars"]),
        format_cell(row["peak_date"]),
        format_cell(row["tail_probability"], ".2g"),
        format_cell(row["robust_z"], ".1f"),
        onset,
    ]
