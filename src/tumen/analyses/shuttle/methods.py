"""The methods box of the shuttle section: what was observed (AIS files, their receivers, the
satellite images) and the rules that turn it into gaps and port calls.

:func:`record_methods` records the box's own numbers (files, images, resolution, geofence
radii, the call rule), :func:`get_methods` builds the box from them and from the results
:func:`tumen.analyses.shuttle.record.record_results` recorded, and
:func:`describe_methods` shows it in the notebook. The receiver kind of each AIS file is read
from its name (:func:`get_receivers`).

>>> describe_methods(res, files, sightings, home="Rajin", away="Vostochny", **rules)  # doctest: +SKIP
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

import pandas as pd

from tumen.report import methods
from tumen.report.words import join_words

#: Words in an AIS file's name that say which kind of receiver heard it, and how the box
#: names that kind. A file matching none is "receiver not stated".
RECEIVER_WORDS = {"satellite": ("sat",), "terrestrial": ("terr", "coast", "shore")}


def get_receivers(files: Iterable[str]) -> dict[str, list[str]]:
    """Group AIS files by the receiver kind their names give: satellite, terrestrial or "".

    >>> get_receivers(["a/terrestrial.nmea", "a/satellite.nmea", "a/feed.csv"])
    {'terrestrial': ['terrestrial.nmea'], 'satellite': ['satellite.nmea'], '': ['feed.csv']}
    """
    out: dict[str, list[str]] = {}
    for f in files:
        name = Path(str(f)).name
        kind = next(
            (k for k, parts in RECEIVER_WORDS.items() if any(w in name.lower() for w in parts)), ""
        )
        out.setdefault(kind, []).append(name)
    return out


def receiver_words(receivers: Mapping[str, list[str]], most: int = 3) -> str:
    """``terrestrial receivers (a.nmea) and satellites (b.nmea)``, at most ``most`` names each."""
    nouns = {
        "terrestrial": "terrestrial receivers",
        "satellite": "satellites",
        "": "receivers the file names do not state",
    }
    parts = []
    for kind in ("terrestrial", "satellite", ""):
        names = receivers.get(kind, [])
        if names:
            shown = ", ".join(names[:most]) + (
                f" and {len(names) - most} more" if len(names) > most else ""
            )
            parts.append(f"{nouns[kind]} ({shown})")
    return join_words(parts)


def count_images(sightings: pd.DataFrame) -> int:
    """Distinct images of the sightings: one per image id, one per row without an id."""
    ids = (
        sightings["image_id"] if "image_id" in sightings else pd.Series(None, index=sightings.index)
    )
    named = ids.notna() & (ids.astype(str).str.strip() != "")
    return int(ids[named].astype(str).str.strip().nunique() + (~named).sum())


def record_methods(
    res,
    files: Sequence[str],
    sightings: pd.DataFrame,
    *,
    radius_km: Mapping[str, float],
    max_sog_kn: float,
    min_dwell_h: float,
) -> dict:
    """Record the numbers the methods box cites that no other step records; return them
    (name without ``shuttle.`` -> value). Parameters as in :func:`get_methods`.

    Records ``shuttle.ais_files``, ``shuttle.sighting_images`` (distinct image ids,
    :func:`count_images`), ``shuttle.sighting_gsd_min_m``/``_max_m`` when the sightings
    carry a ``gsd_m`` column with a number, the ports' geofence radii
    (``shuttle.home_geofence_km``, ``shuttle.away_geofence_km``) and the call rule's
    ``shuttle.max_sog_kn`` and ``shuttle.min_dwell_h``.
    """
    n_images = count_images(sightings)
    gsd = (
        methods.get_range(pd.to_numeric(sightings["gsd_m"], errors="coerce"))
        if "gsd_m" in sightings
        else None
    )
    out, rec = res.recorder("shuttle")
    rec("ais_files", len(files), "files", "AIS files read")
    rec(
        "sighting_images",
        n_images,
        "images",
        "Satellite images in the sightings (distinct image ids)",
    )
    if gsd is not None:
        what = "ground sample distance of the images of the sightings"
        rec("sighting_gsd_min_m", gsd[0], "m", f"Smallest {what}")
        rec("sighting_gsd_max_m", gsd[1], "m", f"Largest {what}")
    for end in ("home", "away"):
        rec(
            f"{end}_geofence_km",
            float(radius_km[end]),
            "km",
            f"Geofence radius of the {'loading' if end == 'home' else 'unloading'} port",
        )
    rec(
        "max_sog_kn",
        float(max_sog_kn),
        "kn",
        "Speed over ground below which a ship in a port geofence is in port",
    )
    rec(
        "min_dwell_h",
        float(min_dwell_h),
        "h",
        "Shortest AIS stay in a port geofence that counts as a port call",
    )
    return out


def get_methods(
    res,
    files: Sequence[str],
    sightings: pd.DataFrame,
    *,
    home: str,
    away: str,
    radius_km: Mapping[str, float],
    max_sog_kn: float,
    min_dwell_h: float,
):
    """The methods box of the shuttle section: AIS, its reception, the images, the rules.

    Records the box's own numbers first (:func:`record_methods`); the other numbers were
    recorded by :func:`tumen.analyses.shuttle.record.record_results`. The receiver kind of
    each AIS file is read from its name (:func:`get_receivers`).

    Parameters
    ----------
    res : tumen.engine.results.Results
        The notebook's results, after :func:`tumen.analyses.shuttle.record.record_results`.
    files : sequence of str
        The AIS files read.
    sightings : pandas.DataFrame
        The sightings (:func:`tumen.analyses.shuttle.observations.read_sightings`); optional
        columns ``image_id``, ``provider`` and ``gsd_m`` (m).
    home, away : str
        Short names of the loading and unloading ports (words from data).
    radius_km : mapping
        ``{"home": km, "away": km}``: the ports' geofence radii from the gazetteer.
    max_sog_kn, min_dwell_h : float
        The port-call rule (parameters): slower than this, for at least this long.

    Returns
    -------
    tumen.report.methods.Box
    """
    recorded = record_methods(
        res, files, sightings, radius_km=radius_km, max_sog_kn=max_sog_kn, min_dwell_h=min_dwell_h
    )
    providers = methods.distinct_words(sightings.get("provider", pd.Series(dtype=object)))
    imagery = imagery_words(
        recorded["sighting_images"],
        providers=bool(providers),
        resolution="sighting_gsd_min_m" in recorded,
    )
    return methods.Box(
        get_rows(res, files, imagery),
        {
            "receivers": receiver_words(get_receivers(files)),
            "providers": join_words(providers),
            "home": home,
            "away": away,
        },
    )


def imagery_words(n_images: int, *, providers: bool, resolution: bool) -> str:
    """The template of the box's "Imagery" row: how many images, from whom, how sharp."""
    if not n_images:
        return "No satellite image of the ships of interest in the sightings file."
    return (
        "{shuttle.sighting_images} satellite "
        + ("image" if n_images == 1 else "images")
        + (" from {providers}" if providers else ", provider not recorded")
        + "; resolution "
        + (
            "{shuttle.sighting_gsd_min_m} to {shuttle.sighting_gsd_max_m!u}."
            if resolution
            else "not recorded in the sightings."
        )
    )


def get_rows(res, files: Sequence[str], imagery: str) -> tuple[tuple[str, str], ...]:
    """The box's ``(label, template)`` rows: observed, reception, imagery and the two rules."""
    ships = "ship" if res["shuttle.ais_vessels"] == 1 else "ships"
    window = (
        "; period analysed {shuttle.window_start} to {shuttle.window_end}"
        if "shuttle.window_start" in res
        else ""
    )
    return (
        (
            "Observed",
            "AIS: {shuttle.ais_messages} records in {shuttle.ais_files} "
            + ("file" if len(files) == 1 else "files")
            + "; {shuttle.ais_positions} position "
            "reports kept, from {shuttle.ais_vessels} " + ships + window + ".",
        ),
        (
            "Reception",
            "Heard by {receivers}, as the file names say." if files else "No AIS file was read.",
        ),
        ("Imagery", imagery),
        (
            "Gap rule",
            "A silence longer than {shuttle.min_gap_h!u} between two reports of a ship is a gap.",
        ),
        (
            "Call rule",
            "A ship is in port when AIS places it inside the port's geofence ({home} "
            "{shuttle.home_geofence_km!u}, {away} {shuttle.away_geofence_km!u}) slower than "
            "{shuttle.max_sog_kn!u} for at least {shuttle.min_dwell_h!u}, or an image shows it "
            "berthed or anchored there; evidence at most {shuttle.max_call_h!u} apart is one call.",
        ),
    )


def describe_methods(res, files: Sequence[str], sightings: pd.DataFrame, **rules):
    """The methods box that opens the shuttle section, as a notebook output (:func:`get_methods`)."""
    return methods.show(res, get_methods(res, files, sightings, **rules))
