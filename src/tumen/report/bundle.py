"""The download bundle: the report's data in files a reader can take away.

``report/<variant>/data.zip`` sits next to the report and is linked from its appendix. It
holds, as far as the build has them:

``port_calls.csv``
    every port call of the vessel shuttle with its evidence (the shuttle notebook's table);
``railcar_counts.csv``
    the railcar count of every image of the rail-traffic site;
``sites.geojson``
    the gazetteer's places (points, WGS84), with their geofence radius and source;
``routes.geojson``
    the rail and sea routes the report draws (lines, WGS84), written by the overview
    notebook with :func:`write_routes`;
``results.json``
    every number the report cites (name → value, unit, description, notebook);
``provenance.json``
    the full provenance record (:func:`tumen.engine.provenance.full_record`);
``README.txt``
    what each file is.

Every CSV passes through :func:`tumen.report.tables.to_csv_text`, so text taken from the data (a
ship's broadcast name) never runs as a spreadsheet formula. The zip is deterministic:
members in a fixed order, fixed timestamps and permissions, fixed compression.

>>> write_bundle(params.load("params.yaml"))                       # doctest: +SKIP
PosixPath('report/default/data.zip')
"""

from __future__ import annotations

import io
import json
import math
import zipfile
from collections.abc import Mapping
from pathlib import Path

import pandas as pd

from tumen import paths
from tumen.engine import params as _params
from tumen.engine import results as _results
from tumen.geo import gazetteer
from tumen.report import tables

#: File name of the bundle in ``report/<variant>/``.
NAME = "data.zip"
#: The time stamp of every member (the earliest a zip file can hold): no clock, no commit.
ZIP_TIME = (1980, 1, 1, 0, 0, 0)
#: Coordinates in the GeoJSON files, decimal places of a degree (about 0.1 m).
COORD_DIGITS = 6


def _line(lat, lon) -> list[list[float]]:
    return [
        [round(float(x), COORD_DIGITS), round(float(y), COORD_DIGITS)]
        for x, y in zip(lon, lat)
        if math.isfinite(float(x)) and math.isfinite(float(y))
    ]


def routes_geojson(routes: Mapping[str, object]) -> dict:
    """A GeoJSON FeatureCollection of routes (LineStrings, lon/lat degrees WGS84).

    Parameters
    ----------
    routes : mapping of str to route
        Name → a :class:`tumen.geo.rail.RailRoute` or :class:`tumen.geo.sea.SeaRoute`
        (anything with ``lat``, ``lon`` and ``length_km``); ``None`` values are skipped.

    >>> class R: lat, lon, length_km = [42.0, 42.5], [130.0, 131.0], 100.04
    >>> routes_geojson({"sea": R()})["features"][0]["properties"]
    {'name': 'sea', 'length_km': 100.0}
    """
    features = []
    for name, route in routes.items():
        if route is None:
            continue
        features.append(
            {
                "type": "Feature",
                "properties": {"name": str(name), "length_km": round(float(route.length_km), 1)},
                "geometry": {"type": "LineString", "coordinates": _line(route.lat, route.lon)},
            }
        )
    return {"type": "FeatureCollection", "features": features}


def write_routes(routes: Mapping[str, object], path: str | Path) -> Path:
    """Write :func:`routes_geojson` to ``path`` (a notebook's ``tables_dir``); return it."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(_json(routes_geojson(routes)), encoding="utf-8")
    return path


def sites_geojson(sites: pd.DataFrame) -> dict:
    """The gazetteer as a GeoJSON FeatureCollection of points (lon/lat degrees WGS84)."""
    features = []
    for row in sites.sort_values("id").itertuples(index=False):
        props = {
            "id": row.id,
            "name": row.name,
            "country": row.country,
            "kind": row.kind,
            "radius_km": _number(row.radius_km),
            "uncertainty_km": _number(row.uncertainty_km),
            "source": row.source,
        }
        features.append(
            {
                "type": "Feature",
                "properties": props,
                "geometry": {
                    "type": "Point",
                    "coordinates": [
                        round(float(row.lon), COORD_DIGITS),
                        round(float(row.lat), COORD_DIGITS),
                    ],
                },
            }
        )
    return {"type": "FeatureCollection", "features": features}


def _number(value):
    try:
        value = float(value)
    except (TypeError, ValueError):
        return None
    return value if math.isfinite(value) else None


def _json(obj) -> str:
    return json.dumps(obj, indent=1, sort_keys=True, ensure_ascii=False, default=str) + "\n"


def railcar_counts(cfg: _params.Config, root: Path) -> pd.DataFrame | None:
    """The rail notebook's observations of its site (one row per image), or None."""
    try:
        nb = cfg.notebook("rail_traffic")
    except Exception:  # noqa: BLE001 - a report without the rail notebook has no counts
        return None
    csv_path, site = nb.params.get("observations_csv"), nb.params.get("site")
    if not csv_path or not site or not (root / csv_path).exists():
        return None
    df = tables.read_table(root / csv_path, ["site", "acquired", "railcars"]).drop(columns="line")
    df = df[df["site"] == site].reset_index(drop=True)  # text as written; numbers pass as they are
    return df


def contents(
    cfg: _params.Config, root: Path | None = None, record: bytes | None = None
) -> dict[str, bytes]:
    """The members of the bundle by name (bytes), from the build's outputs and inputs."""
    root = root or paths.root()
    results_dir = root / cfg.dirs.results
    files: dict[str, bytes] = {}
    calls = results_dir / "port_calls.csv"
    if calls.exists():  # written by the shuttle notebook; neutralised again all the same
        frame = pd.read_csv(calls, dtype=str, keep_default_na=False)  # numbers stay as written
        files["port_calls.csv"] = tables.to_csv_text(frame).encode("utf-8")
    counts = railcar_counts(cfg, root)
    if counts is not None:
        files["railcar_counts.csv"] = tables.to_csv_text(counts).encode("utf-8")
    gazetteers = sorted(
        {nb.params["sites_csv"] for nb in cfg.notebooks if nb.params.get("sites_csv")}
    )
    if gazetteers:
        sites = pd.concat([gazetteer.load_sites(root / g) for g in gazetteers])
        sites = sites.drop_duplicates(subset="id", keep="first")
        files["sites.geojson"] = _json(sites_geojson(sites)).encode("utf-8")
    routes = results_dir / "routes.geojson"
    if routes.exists():
        files["routes.geojson"] = routes.read_bytes()
    records = _results.load_all(results_dir) if results_dir.exists() else {}
    files["results.json"] = _json(records).encode("utf-8")
    if record is not None:
        files["provenance.json"] = record
    files["README.txt"] = _readme(cfg, sorted(files)).encode("utf-8")
    return files


_ABOUT = {
    "README.txt": "this file",
    "port_calls.csv": "every port call of the vessel shuttle: ship, port, times (UTC), "
    "evidence (AIS fixes, satellite images), containers, AIS dark or not",
    "railcar_counts.csv": "the railcar count of every satellite image of the rail-traffic site",
    "sites.geojson": "the places of the gazetteer (points, WGS84 lon/lat), with geofence radius",
    "routes.geojson": "the rail and sea routes the report draws (lines, WGS84 lon/lat)",
    "results.json": "every number the report cites: name -> value, unit, description, notebook",
    "provenance.json": "the full provenance record: build, inputs with sha256, parameters, "
    "results, software",
}


def _readme(cfg: _params.Config, names: list[str]) -> str:
    lines = [
        f'Data of the report "{cfg.report["title"]}" (variant {cfg.variant}).',
        "",
        "Text cells of the CSV files that would start with =, +, -, @, a tab or a carriage "
        "return begin with an apostrophe, so that no spreadsheet runs them as formulas.",
        "",
    ]
    lines += [f"{name}: {_ABOUT.get(name, '')}" for name in names]
    return "\n".join(lines) + "\n"


def to_zip(files: Mapping[str, bytes]) -> bytes:
    """A deterministic zip of ``files``: sorted names, fixed time stamps, modes, compression."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for name in sorted(files):
            info = zipfile.ZipInfo(name, date_time=ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            info.create_system = 3  # Unix, whatever the machine
            zf.writestr(info, files[name], compress_type=zipfile.ZIP_DEFLATED, compresslevel=9)
    return buf.getvalue()
