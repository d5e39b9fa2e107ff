"""The sightings check in the report: the counts recorded, the table of images and the
sentence.

:func:`tumen.analyses.shuttle.sighting_checks.check_sightings` sets each satellite image of
a ship of interest against its AIS track; here :func:`record_sighting_checks` records the
counts under ``shuttle.*``, :func:`to_sighting_check_display` makes the report's table and
:func:`describe_sighting_checks` its sentence.

>>> table = sighting_checks.check_sightings(sightings, positions, max_speed_kn=14.0)  # doctest: +SKIP
>>> record_sighting_checks(res, table, vessels)                                      # doctest: +SKIP
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from tumen.analyses.shuttle.sighting_checks import FITS, NO_AIS, NOT_FIT, SIDES
from tumen.analyses.shuttle.vessels import to_result_name
from tumen.analyses.shuttle.words import get_display_name
from tumen.geo.earth import KM_PER_NM
from tumen.report.words import join_words


def record_sighting_checks(res, table: pd.DataFrame, vessels: Sequence[str]) -> dict:
    """Record the counts of the checks
    (:func:`tumen.analyses.shuttle.sighting_checks.check_sightings`) under ``shuttle.*``.

    Records ``sightings_checked``, ``sightings_fitting``, ``sightings_not_fitting``,
    ``sightings_no_ais``, ``sightings_max_needed_kn`` (the largest finite speed any image
    needs; None without one) and, per ship of interest ``<v>``
    (:func:`tumen.analyses.shuttle.vessels.to_result_name`), ``<v>.sightings_checked``,
    ``<v>.sightings_not_fitting`` and ``<v>.sightings_no_ais``.

    Returns
    -------
    dict
        Each result name recorded (without ``shuttle.``) and its value.
    """
    rows = get_sighting_results(table, vessels)
    out, rec = res.recorder("shuttle")
    for name, value, unit, description in rows:
        rec(name, value, unit, description)
    return out


def get_sighting_results(table: pd.DataFrame, vessels: Sequence[str]) -> list[tuple]:
    """What :func:`record_sighting_checks` records, in its order: ``(name, value, unit,
    description)`` rows (names without ``shuttle.``)."""
    verdict = table["verdict"]
    finite = table["needed_kn"][np.isfinite(table["needed_kn"].to_numpy(float))]
    rows = [
        (
            "sightings_checked",
            len(table),
            "images",
            "Satellite images of the ships of interest set against their AIS tracks",
        ),
        (
            "sightings_fitting",
            int((verdict == FITS).sum()),
            "images",
            "Images the ship could have reached from its last fix and left for its next",
        ),
        (
            "sightings_not_fitting",
            int((verdict == NOT_FIT).sum()),
            "images",
            "Images that need a speed above the fastest plausible one to fit the AIS track",
        ),
        (
            "sightings_no_ais",
            int((verdict == NO_AIS).sum()),
            "images",
            "Images with no AIS fix of the ship before or after them",
        ),
        (
            "sightings_max_needed_kn",
            float(finite.max()) if len(finite) else None,
            "kn",
            "Largest speed any image needs to fit its ship's AIS track",
        ),
    ]
    for vessel in vessels:
        v, mine = to_result_name(vessel), table["vessel"] == vessel
        rows += [
            (
                f"{v}.sightings_checked",
                int(mine.sum()),
                "images",
                f"Satellite images of {vessel} set against its AIS track",
            ),
            (
                f"{v}.sightings_not_fitting",
                int((mine & (verdict == NOT_FIT)).sum()),
                "images",
                f"Images of {vessel} that do not fit its AIS track",
            ),
            (
                f"{v}.sightings_no_ais",
                int((mine & (verdict == NO_AIS)).sum()),
                "images",
                f"Images of {vessel} with no AIS fix before or after them",
            ),
        ]
    return rows


def to_sighting_check_display(
    table: pd.DataFrame, *, site_names: Mapping[str, str] | None = None, closest: int | None = None
) -> pd.DataFrame:
    """One row per image for the report: where the ship was imaged, its fixes around it.

    Parameters
    ----------
    table : pandas.DataFrame
        The checks, as :func:`tumen.analyses.shuttle.sighting_checks.check_sightings`
        returns them.
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
    for side in SIDES:
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
    return _findings_first(out, table, closest)


def _findings_first(out: pd.DataFrame, table: pd.DataFrame, closest: int | None) -> pd.DataFrame:
    """The display rows ``out`` of ``table``: the images that do not fit first, then those
    without AIS, then (the ``closest`` of) those that fit, each by vessel and time."""
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
    return res.md(text + _not_fitting_words(res, vessels, bad), **words)


def _not_fitting_words(res, vessels: Sequence[str], bad: int) -> str:
    """Which ships' images do not fit, and what that means (template words)."""
    slugs = [to_result_name(v) for v in vessels]
    per_ship = [
        ("{v%d} ({shuttle.%s.sightings_not_fitting} of {shuttle.%s.sightings_checked})" % (i, s, s))
        for i, s in enumerate(slugs)
        if res[f"shuttle.{s}.sightings_not_fitting"]
    ]
    return (
        "; {shuttle.sightings_not_fitting} "
        + ("does" if bad == 1 else "do")
        + " not fit, of "
        + join_words(per_ship)
        + ". An image that does not fit is a finding in itself: either the ship in the "
        "image is not the one that sent the track (a misidentification), or the track is "
        "not the ship's (a spoofed or borrowed identity); the table gives the distance "
        "and time to each fix and the speed that would be needed."
    )
