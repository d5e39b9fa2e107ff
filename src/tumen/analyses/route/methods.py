"""The methods box of the route section: network and borders, routing, timeline, distances,
each number a recorded ``route.*`` result and each input named from ``data/sources.yaml``.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from tumen.engine import sources
from tumen.report import methods

#: The Natural Earth scale of the country layer the distances are measured on (geo.get_border).
BORDER_SCALE = "10m"


def get_input_source(entries: Mapping[str, dict], path: str) -> str:
    """How the methods box names an input: the first clause of its ``data/sources.yaml``
    source, with its package and version when given; ``""`` when ``path`` (a file, or a
    folder: its first listed file) has no entry.

    >>> get_input_source({"d/r/e.parquet": {"source": "OSM via pkg, cut by x.py",
    ...                   "package": "pkg", "version": "2.0"}}, "d/r")
    'OSM via pkg 2.0'
    """
    want = Path(path).as_posix().rstrip("/")
    for key in sorted(entries):
        if key == want or key.startswith(want + "/"):
            entry = entries[key]
            text = str(entry.get("source", "")).split(",")[0].strip()
            package = str(entry.get("package") or "")
            release = f"{package} {entry.get('version') or ''}".strip()
            if package and package in text:  # "via pkg" -> "via pkg 2.0"
                return text.replace(package, release, 1)
            return f"{text} ({release})" if package else text
    return ""


def get_methods(
    res,
    *,
    within: str,
    network_dir: str,
    geo_dir: str,
    border: str,
    loading: str,
    origin: str,
    speeds_source: str = "",
    entries: Mapping[str, dict] | None = None,
):
    """The methods box of the route section: network and borders, routing, timeline, distances.

    Every number is a result :mod:`tumen.analyses.route.record` recorded; a part of the analysis that did not run (no route,
    no timed sea leg) is said to be missing. The inputs are named from ``data/sources.yaml``.

    Parameters
    ----------
    within : str
        The countries the route may use, as words
        (:func:`tumen.analyses.route.route.countries_text`).
    network_dir, geo_dir : str
        The rail network's folder and the Natural Earth data folder, from the project root.
    border, loading, origin : str
        Names of the country whose border the distances are measured to, of the loading
        port and of the route's origin (the sea leg's ends).
    speeds_source : str
        The author's Markdown citing the freight speeds (cited in the section's timeline, not
        repeated in the box); "" = the speeds are an assumption.
    entries : mapping, optional
        ``data/sources.yaml`` entries by path (default: :func:`tumen.engine.sources.load`).

    Returns a :class:`tumen.report.methods.Box`.
    """
    entries = sources.load() if entries is None else entries
    words = {
        "within": within,
        "border": border,
        "loading": loading,
        "origin": origin,
        **source_words(entries, network_dir, geo_dir),
    }
    rows = (
        (
            "Observed",
            "The railways of {rail_source} and the country borders of "
            "{border_source} at {scale}; places from the gazetteer.",
        ),
        ("Route", route_method(res)),
        ("Sea leg", sea_method(res)),
        ("Speeds", speeds_method(res, speeds_source)),
        (
            "Distances",
            "Geodesic (WGS 84) from the depot and its town to the nearest point of "
            "the land border of {border}, widened by the gazetteer's position uncertainty "
            "({route.depot_uncertainty_km!u} for the depot).",
        ),
    )
    return methods.Box(rows, words)


def source_words(entries: Mapping[str, dict], network_dir: str, geo_dir: str) -> dict:
    """How the methods box names its inputs: the rail network's and the border layer's
    sources (:func:`get_input_source`) and the layer's scale."""
    layer = (
        f"{Path(geo_dir).as_posix()}/shapefiles/natural_earth/cultural/"
        f"ne_{BORDER_SCALE}_admin_0_countries.shp"
    )
    return {
        "rail_source": get_input_source(entries, network_dir) or "a source not listed",
        "border_source": get_input_source(entries, layer) or "a source not listed",
        "scale": f"1:{BORDER_SCALE}",
    }


def route_method(res) -> str:
    """The methods box's route row (a template of ``route.*`` results)."""
    return (
        "The shortest path on the network within {within}; gaps in the track shorter than "
        "{route.heal_gap_km!u} are bridged by a straight link, and each end joins the "
        "nearest point of the network by a straight connector."
        if "route.rail_km" in res
        else "No rail route joins the ends within {within}: {route.no_route}."
    )


def sea_method(res) -> str:
    """The methods box's sea-leg row."""
    return (
        "From {loading} to {origin} the shortest water route, {route.sea_km:,.0f} km at "
        "{route.ship_speed_kn!u}, the shuttle section's fastest plausible speed."
        if "route.sea_km" in res and "route.ship_speed_kn" in res
        else "Not timed: "
        + (
            "the shuttle section's results were not available."
            if "route.rail_km" in res
            else "there is no route to time."
        )
    )


def speeds_method(res, speeds_source: str = "") -> str:
    """The methods box's speeds row (``speeds_source``: see :func:`get_methods`)."""
    return (
        "Average freight speeds of {route.speed_min_kmh} to {route.speed_max_kmh!u} "
        "including stops, "
        + (
            "as published (the source is cited below)"
            if speeds_source.strip()
            else "an assumption (no timetable cited)"
        )
        + "; {route.handling_days} "
        + ("day" if res["route.handling_days"] == 1 else "days")
        + " to unload and make up a train."
        if "route.speed_min_kmh" in res
        else "No timeline: there is no route to time."
    )


def describe_methods(res, **options):
    """The methods box that opens the route section, as a notebook output (:func:`get_methods`)."""
    return methods.show(res, get_methods(res, **options))
