"""The map frame: projections fitted to an extent, the figure, and the offline basemap.

:func:`new_map` returns a figure and cartopy axes with the basemap drawn in the house style
(:mod:`tumen.geo.maps.style`) from the offline Natural Earth layers of ``data/geo/`` (via
:func:`tumen.geo.world.configure_cartopy`, never a download): the detailed regional layers
where the map lies inside one region, the world-wide 10m layers elsewhere. Local maps use a
Lambert conformal conic projection fitted to their extent; Russia-wide maps an Albers
equal-area conic.

Extents are ``(lon_min, lon_max, lat_min, lat_max)`` in degrees WGS84, as cartopy's
``set_extent`` takes them. Only the map modules import cartopy at their top (it takes
about a second): the rest of :mod:`tumen.geo` imports it only when a map is configured.
"""

from __future__ import annotations

import cartopy.crs as ccrs
import cartopy.feature as cfeature
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from tumen.geo.borders import get_country
from tumen.geo.maps.style import DPI, STYLE
from tumen.geo.world import configure_cartopy, get_region_covering, get_world_layer

#: Extent of the Russia-wide maps (degrees): Ukraine to the Pacific.
RUSSIA_EXTENT = (30.0, 140.0, 40.0, 61.0)


def local_projection(extent):
    """Return a Lambert conformal conic projection fitted to an extent (degrees)."""
    return _fitted_conic(ccrs.LambertConformal, extent)


def conic_projection(extent):
    """Return an Albers equal-area conic projection for a continental extent (degrees)."""
    return _fitted_conic(ccrs.AlbersEqualArea, extent)


def _fitted_conic(crs_class, extent):
    """Return a conic CRS centred on an extent, standard parallels at 1/6 and 5/6 of it."""
    x0, x1, y0, y1 = extent
    span = y1 - y0
    return crs_class(
        central_longitude=(x0 + x1) / 2,
        central_latitude=(y0 + y1) / 2,
        standard_parallels=(y0 + span / 6, y1 - span / 6),
    )


def new_map(
    extent,
    *,
    scale: str = "10m",
    projection=None,
    figsize=(7.0, 6.0),
    highlight=(),
    fig: Figure | None = None,
    rect=None,
):
    """Return a new figure and map axes with the basemap drawn.

    Parameters
    ----------
    extent : (lon_min, lon_max, lat_min, lat_max)
        Degrees WGS84.
    scale : {"10m", "50m"}
        Natural Earth scale: 10m for the regional boxes, 50m (simplified) Russia-wide.
    projection : cartopy CRS, optional
        Default: :func:`local_projection` for 10m, :func:`conic_projection` for 50m.
    figsize : (float, float)
        Width and largest height, inches; the height follows the map's aspect.
    highlight : sequence of str
        ``ADM0_A3`` codes of countries to tint (e.g. ``("UKR",)``).
    fig, rect : optional
        Draw into an existing figure at ``rect`` (figure fraction), e.g. for an inset.

    Returns
    -------
    (matplotlib.figure.Figure, cartopy.mpl.geoaxes.GeoAxes)
    """
    configure_cartopy()
    if projection is None:
        projection = local_projection(extent) if scale == "10m" else conic_projection(extent)
    if fig is None:
        fig = Figure(figsize=figsize, dpi=DPI)
        FigureCanvasAgg(fig)
    ax = (
        fig.add_axes(rect, projection=projection)
        if rect is not None
        else fig.add_axes([0.02, 0.02, 0.96, 0.96], projection=projection)
    )
    ax.set_extent(extent, crs=ccrs.PlateCarree())
    if rect is None:
        _fit_figure(fig, ax, figsize)
    add_basemap(ax, scale, highlight)
    return fig, ax


def _fit_figure(fig, ax, figsize) -> None:
    """Resize the figure to the map's aspect so there is no blank band around it."""
    (x0, x1), (y0, y1) = ax.get_xlim(), ax.get_ylim()
    aspect = (y1 - y0) / (x1 - x0)
    width, max_height = figsize
    height = width * aspect
    if height > max_height:
        width, height = max_height / aspect, max_height
    fig.set_size_inches(round(width, 2), round(height, 2))


def add_basemap(ax, scale: str = "10m", highlight=()) -> None:
    """Draw sea, land, lakes, coastline and land borders in the house style.

    Parameters
    ----------
    ax : GeoAxes
    scale : {"10m", "50m"}
    highlight : sequence of str
        Countries (``ADM0_A3``) to tint with the highlight colour (inside the detailed
        regions; see :func:`has_detail`).
    """
    ax.set_facecolor(STYLE["sea"])
    if scale == "10m" and not has_detail(ax):
        _add_world_basemap(ax)
    else:
        _add_regional_basemap(ax, scale, highlight)
    ax.spines["geo"].set_edgecolor("#888888")
    ax.spines["geo"].set_linewidth(0.6)


def _add_regional_basemap(ax, scale: str, highlight) -> None:
    """Draw the offline layers of one scale with cartopy's Natural Earth features."""
    ax.add_feature(
        cfeature.NaturalEarthFeature("physical", "land", scale),
        facecolor=STYLE["land"],
        edgecolor="none",
        zorder=0.5,
    )
    for code in highlight:
        ax.add_geometries(
            [get_country(code, scale)],
            ccrs.PlateCarree(),
            facecolor=STYLE["highlight"],
            edgecolor="none",
            zorder=0.6,
        )
    ax.add_feature(
        cfeature.NaturalEarthFeature("physical", "lakes", scale),
        facecolor=STYLE["sea"],
        edgecolor=STYLE["coast"],
        linewidth=0.3,
        zorder=0.7,
    )
    ax.add_feature(
        cfeature.NaturalEarthFeature("physical", "coastline", scale),
        facecolor="none",
        edgecolor=STYLE["coast"],
        linewidth=0.5,
        zorder=0.8,
    )
    ax.add_feature(
        cfeature.NaturalEarthFeature("cultural", "admin_0_boundary_lines_land", scale),
        facecolor="none",
        edgecolor=STYLE["border"],
        linewidth=0.6,
        linestyle=(0, (4, 1.5, 1, 1.5)),
        zorder=0.9,
    )


def has_detail(ax) -> bool:
    """Whether the map's extent lies inside one detailed 10m region of ``data/geo``.

    Outside the regions a 10m map is drawn from the world-wide layers: land, coastline
    and land borders, without lakes or country tints.
    """
    x0, x1, y0, y1 = ax.get_extent(crs=ccrs.PlateCarree())
    return get_region_covering([x0, x1], [y0, y1], "10m") is not None


def _add_world_basemap(ax) -> None:
    """Draw land, coastline and land borders from the world-wide 10m layers."""
    x0, x1, y0, y1 = ax.get_extent(crs=ccrs.PlateCarree())
    pad = max(x1 - x0, y1 - y0) * 0.25
    bounds = (x0 - pad, max(y0 - pad, -90.0), x1 + pad, min(y1 + pad, 90.0))
    pc = ccrs.PlateCarree()
    ax.add_geometries(
        get_world_layer("land", bounds),
        pc,
        facecolor=STYLE["land"],
        edgecolor="none",
        zorder=0.5,
    )
    ax.add_geometries(
        get_world_layer("coastline", bounds),
        pc,
        facecolor="none",
        edgecolor=STYLE["coast"],
        linewidth=0.5,
        zorder=0.8,
    )
    ax.add_geometries(
        get_world_layer("admin_0_boundary_lines_land", bounds),
        pc,
        facecolor="none",
        edgecolor=STYLE["border"],
        linewidth=0.6,
        linestyle=(0, (4, 1.5, 1, 1.5)),
        zorder=0.9,
    )
