"""The rule that classes an AIS silence, and its thresholds: switched off, reception, unknown.

This module owns the judgement of :mod:`tumen.ais.silences`: the thresholds
(:class:`SilenceRules`, GFW's values where GFW has one), the classes (:data:`CLASSES`), the
class and reason of one measured silence and Global Fishing Watch's verdict beside it
(:func:`explained`: the table of :func:`tumen.ais.silences.explain_silences` from the
measurements of :mod:`tumen.ais.silence_measure`).
"""

from __future__ import annotations

from dataclasses import dataclass, fields

import numpy as np
import pandas as pd

from tumen.ais.silence_measure import SHORE_SEARCH_KM, cell_corner, cell_key
from tumen.ais.tracks import GAP_COLUMNS
from tumen.errors import ParameterError
from tumen.geo.earth import KM_PER_NM

#: The classes of a silence, in the order tables and counts list them.
CLASSES = ("likely switched off", "possibly reception", "undetermined")
#: Thresholds varied by :func:`get_silence_sensitivity`.
VARIED = (
    "neighbour_km",
    "min_neighbour_rate_per_h",
    "gfw_min_gap_h",
    "gfw_min_shore_nm",
    "gfw_min_cell_per_day",
    "gfw_min_fixes_before",
    "before_h",
)
#: Why a silence at the edge of the window cannot be judged, by its ``kind``.
EDGE_REASONS = {
    "before_first": "it runs from the start of the window to the ship's first fix, so where "
    "and how it began is not in the data",
    "after_last": "it runs from the ship's last fix to the end of the window, so how it "
    "ended is not in the data",
    "no_ais": "the ship was never heard in the window",
}


@dataclass(frozen=True)
class SilenceRules:
    """The thresholds of :func:`tumen.ais.silences.explain_silences` (GFW's values where GFW has one).

    Attributes
    ----------
    neighbour_km : float
        Other ships within this distance of where the ship fell silent or reappeared are
        its neighbours, km.
    min_neighbour_rate_per_h : float
        Neighbour reports per hour of silence from which reception is taken to have worked.
    gfw_min_gap_h : float
        GFW: shortest silence, hours (12).
    gfw_min_shore_nm : float
        GFW: least distance from shore where the silence starts, nautical miles (50).
    gfw_min_cell_per_day : float
        GFW: the start cell must receive more than this many positions a day (10); here
        also the reception at or below which a silence without neighbours is "possibly
        reception".
    gfw_min_fixes_before : int
        GFW: fewest positions of the ship in the ``before_h`` hours before (14).
    before_h : float
        GFW: the hours before the silence in which its positions are counted (12).
    cell_deg : float
        Cell size of the reception grid, degrees (GFW: 1).
    """

    neighbour_km: float = 20.0
    min_neighbour_rate_per_h: float = 1.0
    gfw_min_gap_h: float = 12.0
    gfw_min_shore_nm: float = 50.0
    gfw_min_cell_per_day: float = 10.0
    gfw_min_fixes_before: int = 14
    before_h: float = 12.0
    cell_deg: float = 1.0

    def __post_init__(self):
        for f in fields(self):
            value = getattr(self, f.name)
            if (
                isinstance(value, bool)
                or not isinstance(value, (int, float, np.number))
                or not np.isfinite(value)
                or value < 0
            ):
                raise ParameterError(
                    f"{f.name} must be a number >= 0, not {value!r}",
                    field=f.name,
                    hint=f"the default is {f.default!r}",
                )
        if not 0.001 <= self.cell_deg <= 90:
            raise ParameterError(
                f"cell_deg must be between 0.001 and 90, not {self.cell_deg!r}",
                field="cell_deg",
                hint="GFW uses 1-degree cells",
            )
        if self.neighbour_km == 0 or self.before_h == 0:
            raise ParameterError(
                "neighbour_km and before_h must be above 0",
                field="neighbour_km" if self.neighbour_km == 0 else "before_h",
            )


def to_rules(**rules) -> SilenceRules:
    """Return :class:`SilenceRules` from keyword thresholds (unknown names are an error)."""
    names = {f.name for f in fields(SilenceRules)}
    unknown = sorted(set(rules) - names)
    if unknown:
        raise ParameterError(
            f"unknown silence threshold {unknown[0]!r}",
            field=unknown[0],
            hint=f"one of {', '.join(sorted(names))}",
        )
    return SilenceRules(**rules)


def explained(
    gaps: pd.DataFrame, by: str, m: dict, k_radius: int, k_before: int, rules: SilenceRules
) -> pd.DataFrame:
    """The measurements for one radius and look-back, classed by ``rules``."""
    out = gaps[[by, *GAP_COLUMNS]].reset_index(drop=True)
    lat_b, lat_a = out["lat_before"].to_numpy(float), out["lat_after"].to_numpy(float)
    no_point = np.isnan(lat_b) & np.isnan(lat_a)
    out["shore_km_before"], out["shore_km_after"] = m["shore_before"], m["shore_after"]
    ships, reports = m["ships"][:, k_radius], m["reports"][:, k_radius]
    out["neighbours"] = pd.array(ships, dtype="Int64")
    out["neighbour_positions"] = pd.array(reports, dtype="Int64")
    out.loc[no_point, ["neighbours", "neighbour_positions"]] = pd.NA
    rate = reports / out["duration_h"].to_numpy(float)
    out["neighbour_rate_per_h"] = np.where(no_point, np.nan, rate)
    start = np.isfinite(lat_b)
    keys = cell_key(
        np.where(start, lat_b, 0.0), out["lon_before"].fillna(0.0).to_numpy(float), rules.cell_deg
    )
    cell_lat, cell_lon = cell_corner(keys, rules.cell_deg)
    out["cell_lat"] = np.where(start, cell_lat, np.nan)
    out["cell_lon"] = np.where(start, cell_lon, np.nan)
    in_cell = m["cells"].reindex(keys)
    per_day = (in_cell["positions"] / in_cell["ship_days"]).fillna(0.0).to_numpy(float)
    out["cell_per_day"] = np.where(start, per_day, np.nan)
    out["fixes_before"] = pd.array(m["before"][:, k_before], dtype="Int64")
    out.loc[~start, "fixes_before"] = pd.NA
    judged = [_judge(row, rules) for row in out.to_dict("records")]
    out["class"] = [j[0] for j in judged]
    out["reason"] = [j[1] for j in judged]
    out["gfw"] = np.array([j[2] for j in judged], dtype=bool)
    out["gfw_reason"] = [j[3] for j in judged]
    return out


def _judge(row: dict, rules: SilenceRules) -> tuple[str, str, bool, str]:
    """(class, reason, GFW would count it, GFW's reason) of one silence."""
    km, cell = f"{rules.neighbour_km:g} km", f"{rules.cell_deg:g}° cell"
    if row["kind"] != "between":
        klass, reason = "undetermined", EDGE_REASONS.get(row["kind"], f"a {row['kind']} silence")
    else:
        n, rate, per_day = int(row["neighbours"]), row["neighbour_rate_per_h"], row["cell_per_day"]
        heard = (
            f"{n} other {'ship' if n == 1 else 'ships'} heard within {km} of where it "
            f"fell silent or reappeared, {rate:.1f} reports an hour during the silence"
        )
        if n and rate >= rules.min_neighbour_rate_per_h:
            klass, reason = "likely switched off", heard + ": reception worked there and then"
        else:
            nobody = (
                f"no other ship heard within {km} of where it fell silent or reappeared "
                "during the silence"
                if not n
                else heard + f" (fewer than {rules.min_neighbour_rate_per_h:g})"
            )
            if per_day <= rules.gfw_min_cell_per_day:
                klass, reason = (
                    "possibly reception",
                    (
                        nobody
                        + f", and its {cell} receives {per_day:.1f} reports per ship a day (at most "
                        f"{rules.gfw_min_cell_per_day:g}): the receivers may not have heard it"
                    ),
                )
            else:
                where = f"its {cell} receives {_per_day_text(per_day)}"
                short = (
                    "no neighbour shows that reception worked then"
                    if not n
                    else "so few reports do not show that reception worked throughout"
                )
                klass, reason = "undetermined", nobody + f"; {where}, but {short}"
    gfw, gfw_reason = _gfw(row, rules)
    return klass, reason, gfw, gfw_reason


def _gfw(row: dict, rules: SilenceRules) -> tuple[bool, str]:
    """GFW's rule for a suspected disabling: (counts, the conditions that fail or pass)."""
    if row["kind"] != "between":
        return False, "not a silence between two fixes (" + EDGE_REASONS.get(row["kind"], "") + ")"
    hours, per_day, fixes = row["duration_h"], row["cell_per_day"], int(row["fixes_before"])
    shore = _nm_text(row["shore_km_before"])
    nm = row["shore_km_before"] / KM_PER_NM
    failed = []
    if not hours >= rules.gfw_min_gap_h:
        failed.append(f"lasts {hours:.1f} h (rule: at least {rules.gfw_min_gap_h:g} h)")
    if not nm >= rules.gfw_min_shore_nm:
        failed.append(f"starts {shore} from shore (rule: at least {rules.gfw_min_shore_nm:g} nm)")
    if not per_day > rules.gfw_min_cell_per_day:
        failed.append(
            f"its {rules.cell_deg:g}° cell receives {_per_day_text(per_day)} "
            f"(rule: more than {rules.gfw_min_cell_per_day:g})"
        )
    if not fixes >= rules.gfw_min_fixes_before:
        failed.append(
            f"{fixes} {'report' if fixes == 1 else 'reports'} in the "
            f"{rules.before_h:g} h before (rule: at least {rules.gfw_min_fixes_before})"
        )
    if failed:
        return False, "; ".join(failed)
    return True, (
        f"lasts {hours:.1f} h, starts {shore} from shore, its {rules.cell_deg:g}° "
        f"cell receives {per_day:.1f} reports per ship a day, {fixes} reports in the "
        f"{rules.before_h:g} h before"
    )


def _nm_text(km: float) -> str:
    """A distance from shore in nautical miles, as the reasons give it."""
    if np.isinf(km):
        return f"more than {SHORE_SEARCH_KM / KM_PER_NM:.0f} nm"
    return f"{km / KM_PER_NM:.1f} nm"


def _per_day_text(per_day: float) -> str:
    """A cell's reception, as the reasons give it."""
    return (
        f"{per_day:.1f} reports per ship a day"
        if np.isfinite(per_day)
        else "an unknown number of reports per ship a day"
    )
