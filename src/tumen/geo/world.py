"""The offline world: cartopy pointed at ``data/geo/``, its clip boxes and world-wide layers.

:func:`configure_cartopy` points cartopy at ``data/geo/`` (written by
``scripts/build_geodata.py``) and replaces its downloaders with ones that raise
:class:`~tumen.errors.DataError`, so a map can never reach for the network;
:func:`use_geo_dir` checks a notebook's ``geo_dir`` parameter and does the same.
:func:`get_regions` and :func:`get_region_covering` read the clip boxes of the detailed
layers; :func:`get_world_layer` reads the Natural Earth 10m layers that cover the whole
world, for places outside those boxes. :data:`ATTRIBUTION` is the credit the data licences
require on every map.

Coordinates are degrees WGS84 (EPSG:4326).
"""

from __future__ import annotations

import functools
import json
from pathlib import Path

import numpy as np
import shapefile
import shapely
from shapely.geometry import shape

from tumen import paths
from tumen.errors import DataError, ParameterError

#: Map attribution required by the data licences (Natural Earth; OpenStreetMap ODbL).
ATTRIBUTION = "Natural Earth; © OpenStreetMap contributors"


def configure_cartopy(data_dir: Path | str | None = None) -> Path:
    """Point cartopy at the offline layers and forbid every download.

    Sets ``cartopy.config['pre_existing_data_dir']`` and ``['data_dir']`` to
    ``data/geo`` and replaces the Natural Earth and GSHHS downloaders with ones that
    raise :class:`DataError` naming the missing layer. Safe to call repeatedly.

    Parameters
    ----------
    data_dir : path, optional
        Directory holding ``shapefiles/natural_earth/...``; default ``data/geo``.

    Returns
    -------
    pathlib.Path
        The directory cartopy now reads.
    """
    # cartopy takes about a second to import: only a notebook that draws a map pays for it
    import cartopy  # noqa: PLC0415 - heavy, imported only when a map is configured
    import cartopy.io.shapereader as shpreader  # noqa: PLC0415 - as above

    directory = Path(data_dir) if data_dir is not None else paths.geo()
    if not (directory / "shapefiles" / "natural_earth").is_dir():
        raise DataError(
            "offline Natural Earth layers are missing",
            file=directory,
            hint="run scripts/build_geodata.py (see its docstring)",
        )
    cartopy.config["pre_existing_data_dir"] = directory
    cartopy.config["data_dir"] = directory
    for key, base in (
        (("shapefiles", "natural_earth"), shpreader.NEShpDownloader),
        (("shapefiles", "gshhs"), shpreader.GSHHSShpDownloader),
    ):
        current = cartopy.config["downloaders"].get(key)
        if not isinstance(current, _NoDownload):
            cartopy.config["downloaders"][key] = _no_download_class(base)(
                target_path_template=str(
                    directory / "shapefiles" / "_never_downloaded" / "{name}.shp"
                ),
                pre_downloaded_path_template=(
                    base.default_downloader().pre_downloaded_path_template
                ),
            )
    return directory


class _NoDownload:
    """Marker base of the downloaders installed by :func:`configure_cartopy`."""


@functools.cache
def _no_download_class(base: type) -> type:
    """Return a subclass of a cartopy downloader whose download step raises DataError."""

    def acquire_resource(self, target_path, format_dict):
        name = (
            "ne_{resolution}_{name}".format(**format_dict)
            if "resolution" in format_dict
            else str(format_dict)
        )
        raise DataError(
            f"map layer {name} is not in the offline data and will not be downloaded",
            file=paths.geo(),
            hint="use a layer and scale that scripts/build_geodata.py writes "
            "(10m regional, 50m Russia-wide, 110m coastline)",
        )

    return type(
        f"NoDownload{base.__name__}", (base, _NoDownload), {"acquire_resource": acquire_resource}
    )


def use_geo_dir(geo_dir: Path | str) -> Path:
    """Check a notebook's ``geo_dir`` parameter and point cartopy at it.

    The geodesy and map functions of this package read the project's ``data/geo`` (via
    :mod:`tumen.paths`); a notebook still names that folder as a parameter so the build
    reruns it when the layers change. This checks that the parameter names that very
    folder, so a variant cannot silently point elsewhere, then calls
    :func:`configure_cartopy`.

    Parameters
    ----------
    geo_dir : path
        The parameter's value, relative to the working directory (the project root when
        the runner executes a notebook) or absolute.

    Returns
    -------
    pathlib.Path
        The directory cartopy now reads.

    Raises
    ------
    ParameterError
        When ``geo_dir`` is not the project's ``data/geo``.
    """
    given, expected = Path(geo_dir).resolve(), paths.geo().resolve()
    if given != expected:
        raise ParameterError(
            f"geo_dir {str(geo_dir)!r} is not the project's offline layers folder {expected}",
            field="geo_dir",
            hint="keep geo_dir = 'data/geo'; other folders are not supported",
        )
    return configure_cartopy(expected)


def get_regions() -> dict:
    """Return ``data/geo/regions.json``: the clip boxes of the offline layers.

    Boxes are ``[lon_min, lat_min, lon_max, lat_max]`` in degrees; ``regions_10m`` holds
    the detailed regional boxes, ``russia_wide_50m`` the light layer's box.
    """
    path = paths.geo() / "regions.json"
    try:
        return json.loads(path.read_text())
    except FileNotFoundError:
        raise DataError("missing", file=path, hint="run scripts/build_geodata.py") from None


def get_region_covering(lons, lats, resolution: str = "10m") -> str | None:
    """Return the name of the clip box that contains all the points, or None.

    Parameters
    ----------
    lons, lats : array_like
        Points, degrees WGS84.
    resolution : {"10m", "50m"}
    """
    regions = get_regions()
    boxes = (
        regions["regions_10m"]
        if resolution == "10m"
        else {"russia_wide": regions["russia_wide_50m"]}
    )
    lons, lats = np.atleast_1d(lons), np.atleast_1d(lats)
    for name, (x0, y0, x1, y1) in boxes.items():
        if (lons >= x0).all() and (lons <= x1).all() and (lats >= y0).all() and (lats <= y1).all():
            return name
    return None


#: Layers of ``data/geo/world/``: Natural Earth 10m over the whole world, for places outside
#: the detailed regional boxes (land and coastline everywhere, land borders outside the
#: regions; lakes and countries stay regional).
WORLD_LAYERS = ("land", "coastline", "admin_0_boundary_lines_land")


def get_world_layer(name: str, bounds) -> list:
    """Return the world-wide 10m features of one layer clipped to a box.

    Parameters
    ----------
    name : {"land", "coastline", "admin_0_boundary_lines_land"}
    bounds : (lon_min, lat_min, lon_max, lat_max)
        Degrees WGS84.

    Returns
    -------
    list of shapely geometries
        The non-empty pieces inside the box, lon/lat degrees.
    """
    if name not in WORLD_LAYERS:
        raise ParameterError(
            f"no world layer {name!r}", field="layer", hint=f"one of {', '.join(WORLD_LAYERS)}"
        )
    geoms, tree = read_world_layer(str(paths.geo()), name)
    clip = shapely.box(*bounds)
    pieces = [geoms[i].intersection(clip) for i in sorted(tree.query(clip).tolist())]
    return [g for g in pieces if not g.is_empty]


@functools.cache
def read_world_layer(geo_dir: str, name: str):
    """Read one world layer of a data directory: (geometries, STRtree), cached."""
    path = Path(geo_dir) / "world" / f"ne_10m_{name}.shp"
    if not path.exists():
        raise DataError(
            "world map layer not found",
            file=path,
            hint="run scripts/build_geodata.py (see its docstring)",
        )
    with shapefile.Reader(str(path), encoding="utf-8") as r:
        geoms = [shape(s.__geo_interface__) for s in r.shapes() if s.points]
    return geoms, shapely.STRtree(geoms)
