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
MMSI (Paolo et al. 2024 match imagery to AIS the same way, at scale).
:func:`record_sighting_checks` records the counts under ``shuttle.*``,
:func:`to_sighting_check_display` makes the report's table and
:func:`describe_sighting_checks` its sentence.

>>> table = check_sightings(sightings, positions, max_speed_kn=14.0)   # doctest: +SKIP
>>> record_sighting_checks(res, table, vessels)                        # doctest: +SKIP
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from tumen.ais.decode import to_hours
from tumen.ais.tracks import get_sites
from tumen.analyses.shuttle.text import get_display_name, join_words
from tumen.analyses.shuttle.vessels import to_result_name
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
_SIDES = ("before", "after")
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
        Sightings of the ships of interest (:func:`tumen.analyses.shuttle.analysis.label_sightings`):
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
    see :func:`tumen.analyses.shuttle.analysis.validate_sightings`), else 0."""
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
    fleet's MMSIs) is sorted, cleaned as :func:`tumen.ais.decode.clean` cleans it (exact repeats
    and flagged jumps left out, as the analysis leaves them out), named by the fleet
    (:func:`tumen.ais.decode.add_vessel`) and searched for each sighting's nearest fixes
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
        ``vessel, mmsi`` (:func:`tumen.ais.decode.get_fleet`).
    max_speed_kn : float
        Fastest plausible speed of the ships, knots.
    max_jump_kn : float
        Implied speed marking a fix as a jump (:func:`tumen.ais.decode.add_jump_flag`), knots.
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
    from tumen.ais import dask_ops as ais_dask

    if not len(fleet) or not len(sightings):  # no MMSI to read: every sighting has no AIS
        return check_sightings(
            sightings,
            pd.DataFrame(columns=["vessel", "time", "lat", "lon"]),
            max_speed_kn=max_speed_kn,
            sites=sites,
        )
    _check_inputs(
        sightings, pd.DataFrame(columns=["vessel", "time", "lat", "lon"]), max_speed_kn, "vessel"
    )
    columns = ais_dask.DETECTION_COLUMNS if clean else ais_dask.DETECTION_COLUMNS[:4]
    frame = ais_dask._fleet_only(ais_dask.to_dask(positions, columns), fleet)
    parts = ais_dask.map_vessels(
        ais_dask.by_vessel(frame, "mmsi"),
        _fixes_partition,
        sightings=sightings,
        fleet=fleet,
        clean=clean,
        max_jump_kn=max_jump_kn,
    )
    results = ais_dask.compute(parts, dask_scheduler=dask_scheduler)[0]
    fixes = combine_nearest_fixes(list(results) or [_empty_fixes(len(sightings))])
    return _judge(sightings, fixes, max_speed_kn, sites)


def _fixes_partition(
    part: pd.DataFrame, *, sightings, fleet, clean: bool, max_jump_kn: float
) -> pd.DataFrame:
    from tumen.ais import dask_ops as ais_dask
    from tumen.ais import decode as ais

    p = ais_dask._sorted_positions(part)
    if clean:
        p = ais_dask._clean(p, max_jump_kn)[0]
    p = ais.add_vessel(p, fleet)
    return get_nearest_fixes(sightings, p[p["vessel"].notna()], by="vessel")


def _empty_fixes(n: int) -> pd.DataFrame:
    frame = {}
    for side in _SIDES:
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
                    "call tumen.ais.decode.add_vessel(positions, fleet) first"
                    if missing[0] == "vessel" and what == "positions"
                    else f"{what} have: {', '.join(map(str, frame.columns))}"
                ),
            )


# --- results, table and words ---------------------------------------------------------


def record_sighting_checks(res, table: pd.DataFrame, vessels: Sequence[str]) -> dict:
    """Record the counts of :func:`check_sightings` under ``shuttle.*``.

    Records ``sightings_checked``, ``sightings_fitting``, ``sightings_not_fitting``,
    ``sightings_no_ais``, ``sightings_max_needed_kn`` (the largest finite speed any image
    needs; None without one) and, per ship of interest ``<v>``
    (:func:`tumen.analyses.shuttle.analysis.to_result_name`), ``<v>.sightings_checked``,
    ``<v>.sightings_not_fitting`` and ``<v>.sightings_no_ais``.

    Returns
    -------
    dict
        Each result name recorded (without ``shuttle.``) and its value.
    """
    out, rec = res.recorder("shuttle")
    verdict = table["verdict"]
    rec(
        "sightings_checked",
        len(table),
        "images",
        "Satellite images of the ships of interest set against their AIS tracks",
    )
    rec(
        "sightings_fitting",
        int((verdict == FITS).sum()),
        "images",
        "Images the ship could have reached from its last fix and left for its next",
    )
    rec(
        "sightings_not_fitting",
        int((verdict == NOT_FIT).sum()),
        "images",
        "Images that need a speed above the fastest plausible one to fit the AIS track",
    )
    rec(
        "sightings_no_ais",
        int((verdict == NO_AIS).sum()),
        "images",
        "Images with no AIS fix of the ship before or after them",
    )
    finite = table["needed_kn"][np.isfinite(table["needed_kn"].to_numpy(float))]
    rec(
        "sightings_max_needed_kn",
        float(finite.max()) if len(finite) else None,
        "kn",
        "Largest speed any image needs to fit its ship's AIS track",
    )
    for vessel in vessels:
        v, mine = to_result_name(vessel), table["vessel"] == vessel
        rec(
            f"{v}.sightings_checked",
            int(mine.sum()),
            "images",
            f"Satellite images of {vessel} set against its AIS track",
        )
        rec(
            f"{v}.sightings_not_fitting",
            int((mine & (verdict == NOT_FIT)).sum()),
            "images",
            f"Images of {vessel} that do not fit its AIS track",
        )
        rec(
            f"{v}.sightings_no_ais",
            int((mine & (verdict == NO_AIS)).sum()),
            "images",
            f"Images of {vessel} with no AIS fix before or after them",
        )
    return out


def to_sighting_check_display(
    table: pd.DataFrame, *, site_names: Mapping[str, str] | None = None, closest: int | None = None
) -> pd.DataFrame:
    """One row per image for the report: where the ship was imaged, its fixes around it.

    Parameters
    ----------
    table : pandas.DataFrame
        The checks, as :func:`check_sightings` returns them.
    site_names : mapping of str to str, optional
        The name to show for each site id.
    closest : int, optional
        Keep every image that does not fit or has no AIS, and of the images that fit only
        the ``closest`` that need the highest speed (the nearest to not fitting); None:
        every image.

    Returns
    -------
    pandas.DataFrame
        ``vessel``, ``image`` (``DD Mon HH:MM`` UTC), ``place`` (the site's name, or
        ``lat N, lon E``), ``last fix before`` and ``first fix after`` (time and distance
        from the imaged place in nautical miles, ``inside the geofence`` for a sighting
        placed by its site, or ``none``), ``speed needed (kn)`` (``at once`` when a fix at
        the imaged time is elsewhere, empty without AIS), ``verdict``; the images that do
        not fit first, then those without AIS, then the rest, each by vessel and time.
    """
    fmt = "%d\u00a0%b\u00a0%H:%M"  # no-break spaces: a time never wraps in a table cell
    names = dict(site_names or {})
    place = [
        names.get(site, site) if isinstance(site, str) else f"{a:.3f}\u00a0N, {b:.3f}\u00a0E"
        for site, a, b in zip(table["site"], table["lat"], table["lon"])
    ]
    fixes = {}
    for side in _SIDES:
        when = table[f"fix_{side}"].dt.strftime(fmt)
        fixes[side] = [
            "none"
            if pd.isna(t)
            else f"{t}, inside the geofence"
            if km == 0 < tol
            else f"{t}, {km / KM_PER_NM:,.0f}\u00a0nm away"
            for t, km, tol in zip(when, table[f"{side}_km"], table["place_km"])
        ]
    needed = [
        "" if np.isnan(k) else "at once" if np.isinf(k) else f"{k:,.1f}"
        for k in table["needed_kn"].to_numpy(float)
    ]
    out = pd.DataFrame(
        {
            "vessel": table["vessel"].to_numpy(object),
            "image": table["observed"].dt.strftime(fmt).to_numpy(object),
            "place": place,
            "last fix before": fixes["before"],
            "first fix after": fixes["after"],
            "speed needed (kn)": needed,
            "verdict": table["verdict"].to_numpy(object),
        }
    )
    rank = table["verdict"].map({NOT_FIT: 0, NO_AIS: 1, FITS: 2}).to_numpy()
    if closest is not None:
        fits = np.flatnonzero(rank == 2)
        speed = np.nan_to_num(table["needed_kn"].to_numpy(float)[fits], nan=-1.0)
        kept = fits[np.argsort(-speed, kind="stable")[: max(closest, 0)]]
        keep = np.isin(np.arange(len(table)), kept) | (rank < 2)
        out, table, rank = out[keep], table[keep], rank[keep]
    order = np.lexsort((table["observed"].array.asi8, table["vessel"].astype(str).to_numpy(), rank))
    return out.iloc[order].reset_index(drop=True)


def describe_sighting_checks(
    res, vessels: Sequence[str], *, table_name: str = "shuttle_sighting_checks"
):
    """The paragraph on the sightings check (needs :func:`record_sighting_checks` and
    ``shuttle.max_speed_kn``).

    Parameters
    ----------
    res : tumen.engine.results.Results
    vessels : sequence of str
        The ``vessels`` entries.
    table_name : str
        Name of the table of checks (cross-reference).

    Returns
    -------
    IPython.display.Markdown
    """
    words = {f"v{i}": get_display_name(v) for i, v in enumerate(vessels)}
    ships = join_words(["{v%d}" % i for i in range(len(vessels))])
    if not res["shuttle.sightings_checked"]:
        return res.md(
            "No satellite image of " + ships + " was available to set against the AIS tracks.",
            **words,
        )
    n = res["shuttle.sightings_checked"]
    text = (
        "Each satellite image of " + ships + " was set against the ship's AIS track "
        "({tab:%s}): the last fix before the image, the first after it, and the speed the "
        "ship would need to have sailed from the one to the imaged place and on to the "
        "other. "
        % table_name
        + (
            "All {shuttle.sightings_checked} images"
            if res["shuttle.sightings_fitting"] == n > 1
            else "The one image"
            if res["shuttle.sightings_fitting"] == n
            else ("Of the {shuttle.sightings_checked} images, " if n > 1 else "Of the one image, ")
            + "{shuttle.sightings_fitting}"
        )
        + (" fits" if res["shuttle.sightings_fitting"] == 1 else " fit")
        + " at no more than {shuttle.max_speed_kn:g} knots"
    )
    if res["shuttle.sightings_no_ais"]:
        text += (
            " and {shuttle.sightings_no_ais} cannot be tested: the ship has no AIS fix "
            "before or after " + ("it" if res["shuttle.sightings_no_ais"] == 1 else "them")
        )
    bad = res["shuttle.sightings_not_fitting"]
    if not bad:
        return res.md(text + ". None puts a ship where its track could not have taken it.", **words)
    slugs = [to_result_name(v) for v in vessels]
    per_ship = [
        ("{v%d} ({shuttle.%s.sightings_not_fitting} of {shuttle.%s.sightings_checked})" % (i, s, s))
        for i, s in enumerate(slugs)
        if res[f"shuttle.{s}.sightings_not_fitting"]
    ]
    text += (
        "; {shuttle.sightings_not_fitting} "
        + ("does" if bad == 1 else "do")
        + " not fit, of "
        + join_words(per_ship)
        + ". An image that does not fit is a finding in itself: either the ship in the "
        "image is not the one that sent the track (a misidentification), or the track is "
        "not the ship's (a spoofed or borrowed identity); the table gives the distance "
        "and time to each fix and the speed that would be needed."
    )
    return res.md(text, **words)
