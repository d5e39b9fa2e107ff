"""The route map of the shuttle section: the sea route between the ports with their geofences,
AIS traffic density, where each ship fell silent and was heard again, ships seen at sea in
imagery, and an inset per port (:func:`plot_route_map`). It draws computed tables: the
sightings at sea come from :func:`tumen.analyses.shuttle.observations.get_sightings_at_sea`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd
from matplotlib.colors import LogNorm
from matplotlib.lines import Line2D
from matplotlib.ticker import FuncFormatter, NullFormatter

from tumen.ais.tracks import get_sites
from tumen.analyses.shuttle.plots import PALETTE
from tumen.analyses.shuttle.ports import get_map_extent
from tumen.geo import coast
from tumen.geo.earth import EARTH_RADIUS_KM
from tumen.geo.maps import frame, marks
from tumen.geo.maps import style as map_style


def plot_route_map(
    route,
    sites: pd.DataFrame,
    ports: Sequence[str],
    *,
    density=None,
    gaps: pd.DataFrame | None = None,
    sea_sightings: pd.DataFrame | None = None,
    vessels: Sequence[str] | None = None,
    extent=None,
    labels: Mapping[str, str] | None = None,
    positions: pd.DataFrame | None = None,
    traffic: pd.DataFrame | None = None,
    insets=None,
    context: Sequence[str] = (),
    vessel_labels: Mapping[str, str] | None = None,
):
    """Map the sea route between the ports with their geofences, AIS traffic density, where
    each vessel fell silent and was heard again, and ships seen at sea in imagery.

    Parameters
    ----------
    route : tumen.geo.sea.SeaRoute or None
        The water-only route between the ports; None when it could not be computed (the
        map then says so).
    sites : pandas.DataFrame
        Gazetteer (:func:`tumen.geo.gazetteer.load_sites`).
    ports : sequence of str
        Site ids of the ports (marked, labelled, geofence drawn).
    density : xarray.DataArray, optional
        Position reports per cell (:func:`tumen.ais.clean.to_density_grid`, dims ``lat, lon`` at
        cell centres, degrees), drawn in grey on a log scale; empty cells are not drawn.
    gaps : pandas.DataFrame, optional
        From :func:`tumen.ais.tracks.get_gaps`: the last fix before each silence (filled
        triangle down) and the first after it (open triangle up), coloured by vessel.
    sea_sightings : pandas.DataFrame, optional
        From :func:`tumen.analyses.shuttle.observations.get_sightings_at_sea`: images of the
        vessels under way at sea (diamonds), ``vessel`` as in ``vessels``.
    vessels : sequence of str, optional
        Colour order of the vessels (default: as they appear in ``gaps``).
    extent : (lon_min, lon_max, lat_min, lat_max), optional
        Degrees; default the route with a margin.
    labels : mapping of str to str, optional
        Site id -> label.
    positions : pandas.DataFrame, optional
        AIS fixes of the vessels (``vessel, lat, lon``), drawn as dots in the port insets.
    traffic : pandas.DataFrame, optional
        AIS fixes of other ships (``lat, lon``), grey dots in the port insets.
    insets : sequence of (left, bottom, width, height), optional
        Axes fractions of one inset map per port (about 10 km across) showing its geofence
        and the vessels' AIS fixes there; default none.
    context : sequence of str
        Other site ids to mark for orientation (e.g. ``vladivostok``).
    vessel_labels : mapping of str to str, optional
        Vessel -> legend label (default: the vessel as named).

    Returns
    -------
    matplotlib.figure.Figure
    """
    import cartopy.crs as ccrs  # noqa: PLC0415 - cartopy is heavy: loaded when a map is drawn

    fig, ax = frame.new_map(_map_extent(extent, route, sites, ports, positions), figsize=(7.2, 6.0))
    pc = ccrs.PlateCarree()
    if density is not None and int(density.sum()) > 0:
        _draw_density(fig, ax, density, pc)
    handles = _draw_route(ax, route)
    port_sites = get_sites(sites, ports)
    handles += _draw_geofences(ax, port_sites, pc)
    names = (
        list(vessels)
        if vessels is not None
        else list(dict.fromkeys(gaps["vessel"]))
        if gaps is not None
        else []
    )
    colours = {v: PALETTE[(i + 3) % len(PALETTE)] for i, v in enumerate(names)}
    if gaps is not None and len(gaps):
        handles += _draw_silences(ax, gaps, names, colours, pc)
    if sea_sightings is not None:
        handles += _draw_sea_sightings(ax, sea_sightings, names, colours, pc)
    handles += _vessel_handles(names, colours, vessel_labels)
    legend = _add_legend(ax, handles)
    marks.add_scale_bar(ax, (0.04, 0.05))
    marks.add_attribution(ax)
    obstacles = [legend] + list(ax.texts)
    for rect, (_, port) in zip(insets or (), port_sites.iterrows()):
        inset = _port_inset(fig, ax, rect, port, positions, traffic, colours, labels)
        obstacles.append(inset.patch)
    marks.add_sites(ax, sites, list(ports) + list(context), labels=labels, obstacles=obstacles)
    return fig


def _draw_geofences(ax, port_sites: pd.DataFrame, pc) -> list:
    """Each port's geofence, dashed; the legend entry."""
    for _, p in port_sites.iterrows():
        lat, lon = _circle(p["lat"], p["lon"], p["radius_km"])
        ax.plot(lon, lat, transform=pc, color=map_style.STYLE["port"], lw=0.9, ls="--", zorder=4)
    return [
        Line2D(
            [],
            [],
            color=map_style.STYLE["port"],
            lw=0.9,
            ls="--",
            label=f"Port geofence (insets: {coast.SHORE_RESOLUTION})",
        )
    ]


def _vessel_handles(names: Sequence[str], colours: Mapping, vessel_labels) -> list:
    """A legend entry per vessel, in its colour."""
    return [
        Line2D(
            [],
            [],
            ls="none",
            marker="s",
            color=colours[v],
            mec="black",
            label=dict(vessel_labels or {}).get(v, v),
        )
        for v in names
    ]


def _map_extent(extent, route, sites, ports, positions) -> tuple:
    """The extent given; else the route with a margin; else the ports and the tracks."""
    if extent is None and route is None:
        extent = get_map_extent(None, sites, ports, positions=positions)
    if extent is None:
        pad_lon = 0.2 * (route.lon.max() - route.lon.min()) + 0.2
        pad_lat = 0.2 * (route.lat.max() - route.lat.min()) + 0.2
        extent = (
            route.lon.min() - pad_lon,
            route.lon.max() + pad_lon,
            route.lat.min() - pad_lat,
            route.lat.max() + pad_lat,
        )
    return tuple(extent)


def _draw_density(fig, ax, density, pc) -> None:
    """Position reports per cell in grey on a log scale, with a colour bar."""
    lat_e, lon_e = _edges(density["lat"].to_numpy()), _edges(density["lon"].to_numpy())
    counts = np.where(density.to_numpy() > 0, density.to_numpy(), np.nan).astype(float)
    mesh = ax.pcolormesh(
        lon_e,
        lat_e,
        counts,
        transform=pc,
        cmap="Greys",
        shading="flat",
        norm=LogNorm(vmin=1, vmax=max(float(np.nanmax(counts)), 10.0)),
        alpha=0.85,
        zorder=0.85,
        rasterized=True,
    )
    cax = ax.inset_axes([0.58, 0.93, 0.38, 0.022])
    bar = fig.colorbar(
        mesh, cax=cax, orientation="horizontal", format=FuncFormatter(lambda v, _: f"{v:,.0f}")
    )
    bar.ax.xaxis.set_minor_formatter(NullFormatter())  # plain numbers, decades only
    bar.ax.tick_params(labelsize=map_style.FONT["small"], length=2, pad=1)
    bar.set_label(
        "AIS position reports per cell, all ships", fontsize=map_style.FONT["small"], labelpad=2
    )
    bar.ax.xaxis.set_label_position("bottom")


def _draw_route(ax, route) -> list:
    """The sea route, or a note that there is none; the legend entries."""
    if route is None:
        ax.text(
            0.5,
            0.5,
            "No sea route: it could not be computed for these ports",
            transform=ax.transAxes,
            ha="center",
            va="center",
            fontsize=map_style.FONT["small"],
            zorder=10,
            bbox=dict(facecolor="white", edgecolor="none", alpha=0.85, pad=1.5),
        )
        return []
    marks.add_route(ax, route.lat, route.lon, color=map_style.STYLE["sea_route"], linewidth=2.0)
    marks.add_snaps(ax, route.snaps, color=map_style.STYLE["sea_route"])
    return [
        Line2D(
            [],
            [],
            color=map_style.STYLE["sea_route"],
            lw=2,
            label="Shortest water route between the ports",
        )
    ]


def _draw_silences(ax, gaps: pd.DataFrame, names: Sequence[str], colours: Mapping, pc) -> list:
    """The last fix before each silence and the first after it; the legend entries."""
    for v in names:
        g = gaps[gaps["vessel"] == v]
        kw = dict(
            transform=pc,
            linestyle="none",
            markersize=7,
            zorder=8,
            markeredgecolor="black",
            markeredgewidth=0.7,
        )
        b, a = g.dropna(subset=["lat_before"]), g.dropna(subset=["lat_after"])
        ax.plot(b["lon_before"], b["lat_before"], marker="v", color=colours[v], **kw)
        ax.plot(
            a["lon_after"],
            a["lat_after"],
            marker="^",
            color=colours[v],
            markerfacecolor="white",
            **kw,
        )
    return [
        Line2D(
            [],
            [],
            ls="none",
            marker="v",
            color="#777777",
            mec="black",
            label="Last AIS fix before a silence",
        ),
        Line2D(
            [],
            [],
            ls="none",
            marker="^",
            mfc="white",
            mec="black",
            label="First AIS fix after it",
        ),
    ]


def _draw_sea_sightings(ax, sea: pd.DataFrame, names: Sequence[str], colours: Mapping, pc) -> list:
    """A diamond per image of a vessel under way; the legend entry (when any)."""
    for v in names:
        m = sea[sea["vessel"] == v]
        ax.plot(
            m["lon"],
            m["lat"],
            transform=pc,
            ls="none",
            marker="D",
            markersize=5.5,
            color=colours[v],
            markeredgecolor="black",
            markeredgewidth=0.7,
            zorder=8,
        )
    if not len(sea):
        return []
    return [
        Line2D(
            [],
            [],
            ls="none",
            marker="D",
            color="#777777",
            mec="black",
            label="Seen at sea in a satellite image",
        )
    ]


def _add_legend(ax, handles: list):
    """The legend below the map: inside, it would hide tracks, fixes or sightings."""
    legend = ax.legend(
        handles=handles,
        loc="upper center",
        bbox_to_anchor=(0.5, -0.01),
        ncol=2,
        fontsize=map_style.FONT["small"],
        frameon=False,
        borderpad=0.3,
    )
    legend.set_zorder(11)
    return legend


def _port_inset(fig, ax, rect, port, positions, traffic, colours, labels):
    """A map about 10 km across around one port: geofence, centre, the vessels' AIS fixes.

    The coastline is Natural Earth 1:10m (:data:`tumen.geo.coast.SHORE_RESOLUTION`), the one
    shore distances are measured against; a scale bar gives the inset's own scale.
    """
    import cartopy.crs as ccrs  # noqa: PLC0415 - cartopy is heavy: loaded when a map is drawn

    pc = ccrs.PlateCarree()
    inset = _inset_axes(fig, ax, rect, port)
    lat, lon = _circle(port["lat"], port["lon"], port["radius_km"])
    inset.plot(lon, lat, transform=pc, color=map_style.STYLE["port"], lw=1.0, ls="--", zorder=4)
    inset.plot(
        port["lon"],
        port["lat"],
        transform=pc,
        marker="+",
        color=map_style.STYLE["port"],
        markersize=8,
        zorder=5,
    )
    _draw_fixes(inset, positions, traffic, colours, pc)
    name = (labels or {}).get(port["id"], str(port.get("name", port["id"])).split(" (")[0])
    inset.text(
        0.03,
        0.97,
        f"{name}: geofence {port['radius_km']:g} km",
        fontsize=map_style.FONT["small"],
        transform=inset.transAxes,
        ha="left",
        va="top",
        zorder=10,
        bbox=dict(facecolor="white", edgecolor="none", alpha=0.8, pad=1.2),
    )
    inset.spines["geo"].set_edgecolor("#333333")
    marks.add_scale_bar(inset, (0.06, 0.07), fraction=0.4)
    return inset


def _inset_axes(fig, ax, rect, port):
    """A map 10 km across around the port, at ``rect`` (fractions of ``ax``)."""
    half_lat = np.degrees(5.0 / EARTH_RADIUS_KM)
    half_lon = half_lat / np.cos(np.radians(port["lat"]))
    extent = (
        port["lon"] - half_lon,
        port["lon"] + half_lon,
        port["lat"] - half_lat,
        port["lat"] + half_lat,
    )
    box = ax.transAxes.transform([rect[:2], [rect[0] + rect[2], rect[1] + rect[3]]])
    (x0, y0), (x1, y1) = fig.transFigure.inverted().transform(box)
    _, inset = frame.new_map(extent, scale="10m", fig=fig, rect=[x0, y0, x1 - x0, y1 - y0])
    return inset


def _draw_fixes(inset, positions, traffic, colours: Mapping, pc) -> None:
    """Other ships' AIS fixes in grey, the vessels' in their colours."""
    if traffic is not None:
        inset.plot(
            traffic["lon"],
            traffic["lat"],
            transform=pc,
            ls="none",
            marker="o",
            markersize=1.6,
            color="#666666",
            markeredgecolor="none",
            alpha=0.6,
            zorder=5,
        )
    if positions is not None:
        for v, colour in colours.items():
            p = positions[positions["vessel"] == v]
            inset.plot(
                p["lon"],
                p["lat"],
                transform=pc,
                ls="none",
                marker="o",
                markersize=2.2,
                color=colour,
                markeredgecolor="none",
                alpha=0.8,
                zorder=6,
            )


def _edges(centres: np.ndarray) -> np.ndarray:
    """Cell edges from evenly spaced cell centres."""
    step = np.diff(centres).mean() if len(centres) > 1 else 1.0
    return np.r_[centres - step / 2, centres[-1] + step / 2]


def _circle(lat: float, lon: float, radius_km: float, n: int = 72):
    """Points on a small circle of ``radius_km`` around a centre (degrees, spherical)."""
    theta = np.linspace(0, 2 * np.pi, n)
    dlat = np.degrees(radius_km / EARTH_RADIUS_KM) * np.cos(theta)
    dlon = np.degrees(radius_km / EARTH_RADIUS_KM) * np.sin(theta) / np.cos(np.radians(lat))
    return lat + dlat, lon + dlon
