"""Sightings against tracks: could the ship be where the satellite image shows it?

A satellite image puts a named ship at a place and a time; its AIS track puts it
somewhere else before and after. For each sighting of a ship of interest,
:func:`check_sightings` finds the ship's last AIS fix at or before the imaged time and its
first fix after it, and the speed the ship would need to have sailed from the one to the
imaged place and on to the other (great circle, :func:`tumen.geo.earth.haversine_km`; the larger
of the two). A sighting placed only by its site (no coordinates of its own: its place is
the site's centre) may have been anywhere in the site's geofence, so with ``sites`` its
distances are measured to the geofence's edge. The sighting ``fits`` when the speed is
at most ``max_speed_kn``, ``does not fit`` when it is more, and has ``no AIS`` when the
ship has no fix on either side (a sighting with a fix on one side only is judged on that
side). A sighting that does not fit is a
finding, not an error: the ship in the image is not the one that sent the track (a
misidentification), or the track is not the ship's (a spoofed or borrowed identity).

:func:`check_sightings_dask` gives the same table from a positions store partitioned by
MMSI (Paolo et al. 2024 match imagery to AIS the same way, at scale). The counts, the
report's table and the sentence are in :mod:`tumen.analyses.shuttle.sightings`.

>>> table = check_sightings(sightings, positions, max_speed_kn=14.0)   # doctest: +SKIP
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from tumen.ais import fleet as ais_fleet
from tumen.ais.timecols import to_hours
from tumen.ais.tracks import get_sites
from tumen.errors import DataError, ParameterError
from tumen.geo.earth import KM_PER_NM, haversine_km

FITS, NOT_FIT, NO_AIS = "fits", "does not fit", "no AIS"
#: Columns of :func:`check_sightings`.
CHECK_COLUMNS = [
    "vessel",
    "observed",
    "site",
    "lat",
    "lon",
    "place_km",
    "image_id",
    "fix_before",
    "before_km",
    "before_h",
    "fix_after",
    "after_km",
    "after_h",
    "needed_kn",
    "verdict",
    "reason",
]
#: The two fixes around an image, in the order of the columns of :func:`check_sightings`.
SIDES = ("before", "after")
_FIX = ["time", "lat", "lon", "mmsi"]


def check_sightings(
    sightings: pd.DataFrame,
    positions: pd.DataFrame,
    *,
    max_speed_kn: float,
    by: str = "vessel",
    sites=None,
) -> pd.DataFrame:
    """Each sighting against its ship's AIS track: the speed it needs, and the verdict.

    Parameters
    ----------
    sightings : pandas.DataFrame
        Sightings of the ships of interest (:func:`tumen.analyses.shuttle.observations.label_sightings`):
        ``vessel, observed, lat, lon`` (the site's centre when only a site was given),
        ``site`` and ``image_id`` when present.
    positions : pandas.DataFrame
        AIS fixes with ``by, time, lat, lon`` (``mmsi`` breaks ties between MMSIs of one
        ship); drop flagged jumps first, as the analysis does.
    max_speed_kn : float
        Fastest plausible speed of the ships, knots.
    by : str
        The column of ``positions`` naming the ship as ``sightings.vessel`` does.
    sites : pandas.DataFrame or mapping, optional
        The gazetteer (:func:`tumen.ais.tracks.get_sites`): a sighting at its site's centre
        (placed by the site alone) is taken to be anywhere within ``radius_km`` of it.

    Returns
    -------
    pandas.DataFrame
        One row per sighting, in the order of ``sightings``: ``vessel, observed, site,
        lat, lon, place_km`` (how far from ``lat, lon`` the ship may have been: the
        site's radius for a sighting placed by its site alone, else 0), ``image_id``;
        ``fix_before`` (UTC time of the last fix at or before the image, NaT when none),
        ``before_km`` (from it to the imaged place, less ``place_km``, at least 0),
        ``before_h``
        (hours between them); ``fix_after, after_km, after_h`` likewise for the first fix
        after; ``needed_kn`` (the larger of the two speeds, knots; ``inf`` when a fix at
        the imaged time is elsewhere; NaN with no fix), ``verdict`` (``fits``, ``does not
        fit``, ``no AIS``) and ``reason`` (words).

    >>> check_sightings(sightings, positions, max_speed_kn=14.0)      # doctest: +SKIP
    """
    _check_inputs(sightings, positions, max_speed_kn, by)
    fixes = get_nearest_fixes(sightings, positions, by=by)
    return _judge(sightings, fixes, max_speed_kn, sites)


def get_place_km(sightings: pd.DataFrame, sites=None) -> np.ndarray:
    """How far from its ``lat, lon`` each sighting's ship may have been, km: the site's
    ``radius_km`` when ``lat, lon`` are the site's centre (the sighting gave only a site,
    see :func:`tumen.analyses.shuttle.observations.validate_sightings`), else 0."""
    out = np.zeros(len(sightings))
    if sites is None or "site" not in sightings.columns or not len(sightings):
        return out
    centre = get_sites(sites).set_index("id")
    site = sightings["site"].reset_index(drop=True)
    known = site.isin(centre.index).to_numpy()
    ids = site[known]
    lat, lon = sightings["lat"].to_numpy(float)[known], sightings["lon"].to_numpy(float)[known]
    at_centre = (lat == centre["lat"].reindex(ids).to_numpy()) & (
        lon == centre["lon"].reindex(ids).to_numpy()
    )
    radius = centre["radius_km"].reindex(ids).to_numpy()
    out[np.flatnonzero(known)[at_centre]] = radius[at_centre]
    return out


def get_nearest_fixes(
    sightings: pd.DataFrame, positions: pd.DataFrame, *, by: str = "vessel"
) -> pd.DataFrame:
    """The last fix at or before and the first fix after each sighting, of its ship.

    Returns
    -------
    pandas.DataFrame
        One row per sighting (index 0..n-1 in its order): ``before_time, before_lat,
        before_lon, before_mmsi`` and ``after_*`` (NaT / NaN when there is no such fix).
        Among fixes at the same time the one of the higher MMSI is "before" and the
        lower "after" (an order that does not depend on how the fixes are partitioned).
    """
    cols = [by, "time", "lat", "lon"] + (["mmsi"] if "mmsi" in positions.columns else [])
    p = positions.loc[positions[by].notna(), cols]
    if "mmsi" not in p.columns:
        p = p.assign(mmsi=-1)
    p = p.sort_values([by, "time", "mmsi"], kind="stable", ignore_index=True)
    observed = pd.DatetimeIndex(sightings["observed"]).as_unit("ns").asi8
    out = _empty_fixes(len(sightings))
    vessel = sightings["vessel"].to_numpy(object)
    for name, g in p.groupby(by, sort=False):
        rows = np.flatnonzero(vessel == name)
        if not len(rows):
            continue
        t = pd.DatetimeIndex(g["time"]).as_unit("ns").asi8
        after = np.searchsorted(t, observed[rows], side="right")
        for side, pick in (("before", after - 1), ("after", after)):
            ok = (pick >= 0) & (pick < len(g))
            for col in _FIX:
                out.loc[rows[ok], f"{side}_{col}"] = g[col].to_numpy()[pick[ok]]
    return out


def combine_nearest_fixes(parts: Sequence[pd.DataFrame]) -> pd.DataFrame:
    """Join :func:`get_nearest_fixes` of disjoint sets of MMSIs: the latest fix before
    (higher MMSI on a tie) and the earliest after (lower MMSI) of any part."""
    if len(parts) == 1:
        return parts[0]
    out = _empty_fixes(len(parts[0]))
    stacked = pd.concat([p.assign(i=np.arange(len(p))) for p in parts], ignore_index=True)
    for side, last in (("before", True), ("after", False)):
        cols = [f"{side}_{c}" for c in _FIX]
        s = stacked.dropna(subset=[f"{side}_time"])
        s = s.sort_values([f"{side}_time", f"{side}_mmsi"], ascending=not last, kind="stable")
        s = s.drop_duplicates("i", keep="first")
        for col in cols:
            out.loc[s["i"].to_numpy(), col] = s[col].to_numpy()
    return out


def check_sightings_dask(
    sightings: pd.DataFrame,
    positions,
    fleet: pd.DataFrame,
    *,
    max_speed_kn: float,
    max_jump_kn: float = 50.0,
    clean: bool = True,
    sites=None,
    dask_scheduler=None,
) -> pd.DataFrame:
    """:func:`check_sightings` on a positions store or Dask DataFrame, by partition.

    Each partition (all fixes of its MMSIs; a store reads only the files holding the
    fleet's MMSIs) is sorted, cleaned as :func:`tumen.ais.clean.clean` cleans it (exact repeats
    and flagged jumps left out, as the analysis leaves them out), named by the fleet
    (:func:`tumen.ais.fleet.add_vessel`) and searched for each sighting's nearest fixes
    (:func:`get_nearest_fixes`); :func:`combine_nearest_fixes` keeps the nearest of all
    partitions, so a ship with MMSIs in several partitions gets the same fixes.

    Parameters
    ----------
    sightings : pandas.DataFrame
        As in :func:`check_sightings` (named by the fleet's ``vessel``).
    positions : tumen.ais.store.AisStore, dask.dataframe.DataFrame or pandas.DataFrame
        Raw positions (``mmsi, time, lat, lon``; ``sog, cog, heading, nav_status`` too
        when ``clean``).
    fleet : pandas.DataFrame
        ``vessel, mmsi`` (:func:`tumen.ais.fleet.get_fleet`).
    max_speed_kn : float
        Fastest plausible speed of the ships, knots.
    max_jump_kn : float
        Implied speed marking a fix as a jump (:func:`tumen.ais.clean.add_jump_flag`), knots.
    clean : bool
        Leave out exact repeats and flagged jumps first.
    sites : pandas.DataFrame or mapping, optional
        As in :func:`check_sightings`.
    dask_scheduler : optional
        Where to run (see :mod:`tumen.ais.dask_ops`).

    Returns
    -------
    pandas.DataFrame
        Equal to ``check_sightings(sightings, <clean positions with vessel>, ...)``.
    """
    no_fixes = pd.DataFrame(columns=["vessel", "time", "lat", "lon"])
    if not len(fleet) or not len(sightings):  # no MMSI to read: every sighting has no AIS
        return check_sightings(sightings, no_fixes, max_speed_kn=max_speed_kn, sites=sites)
    _check_inputs(sightings, no_fixes, max_speed_kn, "vessel")
    fixes = get_nearest_fixes_dask(
        sightings,
        positions,
        fleet,
        max_jump_kn=max_jump_kn,
        clean=clean,
        dask_scheduler=dask_scheduler,
    )
    return _judge(sightings, fixes, max_speed_kn, sites)


def get_nearest_fixes_dask(
    sightings: pd.DataFrame,
    positions,
    fleet: pd.DataFrame,
    *,
    max_jump_kn: float = 50.0,
    clean: bool = True,
    dask_scheduler=None,
) -> pd.DataFrame:
    """:func:`get_nearest_fixes` of the fleet's ships in a positions store or Dask DataFrame,
    partition by partition, combined (:func:`combine_nearest_fixes`); arguments as in
    :func:`check_sightings_dask`."""
    from tumen.ais import dask_ops as ais_dask  # noqa: PLC0415 - dask loads only for the store path

    columns = ais_dask.DETECTION_COLUMNS if clean else ais_dask.DETECTION_COLUMNS[:4]
    frame = ais_dask.keep_fleet(ais_dask.to_dask(positions, columns), fleet)
    parts = ais_dask.map_vessels(
        ais_dask.by_vessel(frame, "mmsi"),
        _fixes_partition,
        sightings=sightings,
        fleet=fleet,
        clean=clean,
        max_jump_kn=max_jump_kn,
    )
    results = ais_dask.compute(parts, dask_scheduler=dask_scheduler)[0]
    return combine_nearest_fixes(list(results) or [_empty_fixes(len(sightings))])


def _fixes_partition(
    part: pd.DataFrame, *, sightings, fleet, clean: bool, max_jump_kn: float
) -> pd.DataFrame:
    from tumen.ais import dask_ops as ais_dask  # noqa: PLC0415 - dask loads only for the store path

    p = ais_dask.sort_partition(part)
    if clean:
        p = ais_dask.clean_partition(p, max_jump_kn)[0]
    p = ais_fleet.add_vessel(p, fleet)
    return get_nearest_fixes(sightings, p[p["vessel"].notna()], by="vessel")


def _empty_fixes(n: int) -> pd.DataFrame:
    frame = {}
    for side in SIDES:
        frame[f"{side}_time"] = pd.Series(pd.NaT, index=range(n), dtype="datetime64[ns, UTC]")
        frame[f"{side}_lat"] = np.full(n, np.nan)
        frame[f"{side}_lon"] = np.full(n, np.nan)
        frame[f"{side}_mmsi"] = np.full(n, np.nan)
    return pd.DataFrame(frame, index=range(n))


def _judge(
    sightings: pd.DataFrame, fixes: pd.DataFrame, max_speed_kn: float, sites=None
) -> pd.DataFrame:
    """The table of :func:`check_sightings` from the sightings and their nearest fixes."""
    s = sightings.reset_index(drop=True)
    lat, lon = s["lat"].to_numpy(float), s["lon"].to_numpy(float)
    place_km = get_place_km(s, sites)
    obs = to_hours(s["observed"])
    out = pd.DataFrame(
        {
            "vessel": s["vessel"].to_numpy(object),
            "observed": s["observed"].astype("datetime64[ns, UTC]").array,
        }
    )
    for col in ("site", "image_id"):
        out[col] = s[col].to_numpy(object) if col in s else None
    out.insert(3, "lat", lat)
    out.insert(4, "lon", lon)
    out.insert(5, "place_km", place_km)
    speeds = []
    for side, sign in (("before", 1.0), ("after", -1.0)):
        out[f"fix_{side}"] = fixes[f"{side}_time"].astype("datetime64[ns, UTC]").array
        km = np.fmax(
            haversine_km(
                fixes[f"{side}_lat"].to_numpy(float), fixes[f"{side}_lon"].to_numpy(float), lat, lon
            )
            - place_km,
            0.0,
        ) + np.where(fixes[f"{side}_lat"].isna(), np.nan, 0.0)
        hours = sign * (obs - to_hours(fixes[f"{side}_time"]))
        out[f"{side}_km"], out[f"{side}_h"] = km, hours
        with np.errstate(divide="ignore", invalid="ignore"):
            speeds.append(
                np.where(hours > 0, km / KM_PER_NM / hours, np.where(km > 0, np.inf, 0.0))
            )
        speeds[-1] = np.where(np.isnan(hours), np.nan, speeds[-1])
    with np.errstate(invalid="ignore"):
        needed = np.fmax(speeds[0], speeds[1])
    out["needed_kn"] = needed
    out["verdict"] = np.where(
        np.isnan(needed), NO_AIS, np.where(needed <= max_speed_kn, FITS, NOT_FIT)
    ).astype(object)
    out["reason"] = [
        _reason(out.iloc[i], speeds[0][i], speeds[1][i], max_speed_kn) for i in range(len(out))
    ]
    return out[CHECK_COLUMNS]


def _reason(row, kn_before: float, kn_after: float, max_speed_kn: float) -> str:
    """The verdict in words, e.g. "100 nm in 2.0 h from the last fix before (50.0 kn) …"."""
    if row["verdict"] == NO_AIS:
        return "no AIS fix of the ship before or after the image"
    parts = []
    for side, kn, words in (
        ("before", kn_before, "from the last fix before"),
        ("after", kn_after, "to the first fix after"),
    ):
        if np.isnan(row[f"{side}_h"]):
            parts.append(f"no fix {side}")
        elif np.isinf(kn):
            parts.append(f"{row[f'{side}_km'] / KM_PER_NM:,.0f} nm {words}, at the same time")
        else:
            parts.append(
                f"{row[f'{side}_km'] / KM_PER_NM:,.0f} nm in {row[f'{side}_h']:,.1f} h "
                f"{words} ({kn:,.1f} kn)"
            )
    needed = row["needed_kn"]
    if row["place_km"] > 0:
        parts[0] = f"anywhere within {row['place_km']:,.1f} km of the site's centre: " + parts[0]
    if row["verdict"] == FITS:
        verdict = f"possible at {max_speed_kn:g} kn"
    elif np.isinf(needed):
        verdict = "impossible: a fix at the imaged time is elsewhere"
    else:
        verdict = f"needs {needed:,.1f} kn, more than {max_speed_kn:g} kn"
    return "; ".join(parts) + ": " + verdict


def _check_inputs(sightings, positions, max_speed_kn, by) -> None:
    if not max_speed_kn > 0:
        raise ParameterError(
            f"max_speed_kn must be a speed above 0 knots, not {max_speed_kn!r}",
            field="max_speed_kn",
            hint="e.g. 14.0",
        )
    for frame, cols, what in (
        (sightings, ("vessel", "observed", "lat", "lon"), "sightings"),
        (positions, (by, "time", "lat", "lon"), "positions"),
    ):
        missing = [c for c in cols if c not in frame.columns]
        if missing:
            raise DataError(
                f"{what} have no column {missing[0]!r}",
                field=missing[0],
                hint=(
                    "call tumen.ais.fleet.add_vessel(positions, fleet) first"
                    if missing[0] == "vessel" and what == "positions"
                    else f"{what} have: {', '.join(map(str, frame.columns))}"
                ),
            )
