"""Lines an author supplies: a GeoJSON line with its date and source (e.g. a front line).

:func:`read_line` reads and checks the file (naming the line and field of the first
problem) and returns a :class:`Line`.

Coordinates are degrees WGS84 (EPSG:4326), ``[lon, lat]`` as GeoJSON has them.
"""

from __future__ import annotations

import datetime as _dt
import functools
import json
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import shapely
from shapely.geometry import shape

from tumen.errors import DataError


@dataclass(frozen=True)
class Line:
    """A line read from a GeoJSON file, with the date it shows and where it comes from
    (e.g. the line of contact of a war at a date, from a mapping project).

    Attributes
    ----------
    geometry : shapely geometry
        LineString or MultiLineString in (lon, lat) degrees WGS84.
    date : str
        The date the line shows, as given (ISO 8601, e.g. ``"2023-10-13"``).
    source : str
        Who drew it, as given.
    path : str
        The file.
    """

    geometry: object
    date: str
    source: str
    path: str


def read_line(path: str | Path) -> Line:
    """Read a line (e.g. a front line) from GeoJSON: its LineString or MultiLineString
    features joined, with the ``date`` and ``source`` of their ``properties``.

    The file is a FeatureCollection, a Feature or a bare geometry with a top-level
    ``properties`` member; every feature's geometry must be a LineString or
    MultiLineString in lon/lat degrees, and some ``properties`` must give ``date`` (ISO
    8601) and ``source``.

    Raises
    ------
    DataError
        Naming the file, the line and the field of the first problem.

    >>> import tempfile, os
    >>> p = os.path.join(tempfile.mkdtemp(), "front.geojson")
    >>> _ = open(p, "w").write('{"type": "Feature", "properties": {"date": "2023-10-13", '
    ...     '"source": "a map"}, "geometry": {"type": "LineString", "coordinates": [[0, -1], [0, 1]]}}')
    >>> line = read_line(p)
    >>> line.date, line.source, line.geometry.length
    ('2023-10-13', 'a map', 2.0)
    """
    path = Path(path)
    text, data = _read_json(path)
    fail = functools.partial(_fail, path, text)
    parts, props = _line_parts(data, fail)
    given = _date_and_source(props, fail)
    return Line(
        geometry=shapely.union_all(parts),
        date=given["date"],
        source=given["source"],
        path=str(path),
    )


def _read_json(path: Path) -> tuple[str, object]:
    """Return the text of a JSON file and what it holds; DataError when unreadable."""
    try:
        text = path.read_text(encoding="utf-8")
        data = json.loads(text)
    except OSError as exc:
        raise DataError(f"cannot read the line: {exc.strerror}", file=path) from None
    except UnicodeDecodeError:
        raise DataError("the file is not UTF-8 text", file=path, hint="save it as UTF-8") from None
    except ValueError as exc:
        raise DataError(
            f"not JSON: {exc.msg}",
            file=path,
            line=exc.lineno,
            hint="a GeoJSON FeatureCollection of LineString features",
        ) from None
    return text, data


def _fail(
    path: Path,
    text: str,
    message: str,
    field: str,
    pattern: str | None = None,
    nth: int = 0,
    hint: str | None = None,
):
    """Raise, with the line of the ``nth`` match of ``pattern`` (a regex) in the file."""
    found = list(re.finditer(pattern, text)) if pattern else []
    line = text.count("\n", 0, found[nth].start()) + 1 if len(found) > nth else None
    raise DataError(message, file=path, line=line, field=field, hint=hint)


def _features(data, fail) -> list:
    """Return the features of a FeatureCollection, a Feature or a bare geometry."""
    if not isinstance(data, dict):
        fail("expected a GeoJSON object", "type", hint="a FeatureCollection of LineString features")
    if data.get("type") == "FeatureCollection":
        features = data.get("features")
        if not isinstance(features, list) or not features:
            fail("the FeatureCollection has no features", "features", r'"features"\s*:')
    elif data.get("type") == "Feature":
        features = [data]
    else:
        features = [{"type": "Feature", "geometry": data, "properties": data.get("properties")}]
    return features


def _line_parts(data, fail) -> tuple[list, list]:
    """Return the checked line geometries of the features and every ``properties`` given."""
    features = _features(data, fail)
    parts, props = [], [data.get("properties")] if isinstance(data.get("properties"), dict) else []
    for k, feat in enumerate(features):
        where = {"FeatureCollection": f"features[{k}].geometry.", "Feature": "geometry."}.get(
            data.get("type"), ""
        )
        parts.append(_line_geometry(feat, k, where, fail))
        if isinstance(feat.get("properties"), dict):
            props.append(feat["properties"])
    return parts, props


def _line_geometry(feat, k: int, where: str, fail):
    """Return the ``k``-th feature's geometry, checked to be a line in lon/lat degrees."""
    coords = r'"coordinates"\s*:'
    geom = feat.get("geometry") if isinstance(feat, dict) else None
    kind = geom.get("type") if isinstance(geom, dict) else None
    if kind not in ("LineString", "MultiLineString"):
        fail(
            f"geometry type {kind!r} is not a line",
            f"{where}type",
            rf'"type"\s*:\s*"{re.escape(str(kind))}"',
            hint="a LineString or MultiLineString (a polygon's edge: give its boundary)",
        )
    try:
        g = shape(geom)
    except Exception as exc:  # noqa: BLE001 - shapely raises several kinds
        fail(f"unreadable coordinates ({exc})", f"{where}coordinates", coords, k)
    xy = shapely.get_coordinates(g)
    if not len(xy) or not (np.all(np.abs(xy[:, 0]) <= 180) and np.all(np.abs(xy[:, 1]) <= 90)):
        fail(
            "coordinates are not lon/lat degrees (lon within ±180, lat within ±90)",
            f"{where}coordinates",
            coords,
            k,
            hint="GeoJSON is [lon, lat] in WGS84 degrees",
        )
    return g


def _date_and_source(props: list, fail) -> dict:
    """Return the first ``date`` and ``source`` the properties give, the date checked."""
    given = {
        key: next((str(p[key]) for p in props if p.get(key) not in (None, "")), "")
        for key in ("date", "source")
    }
    for key in ("date", "source"):
        if not given[key]:
            fail(
                f"no {key} given for the line",
                f"properties.{key}",
                r'"properties"\s*:',
                hint='every line needs "properties": {"date": "2023-10-13", "source": '
                '"who drew it, with its address"}',
            )
    try:
        _dt.date.fromisoformat(given["date"][:10])
        if len(given["date"]) > 10 and given["date"][10] not in "T ":
            raise ValueError(given["date"])
    except ValueError:
        fail(
            f"date {given['date']!r} is not an ISO 8601 date",
            "properties.date",
            r'"date"\s*:',
            hint="e.g. 2023-10-13",
        )
    return given
