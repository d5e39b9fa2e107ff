"""The distance step of the route section: how far the depot and its town are from a
neighbouring country (Ukraine in the example).

:func:`study_distances` measures from the depot and from the town: geodesic to the nearest
point of the country's territory, of the land border, of a named part of it (Crimea), and
the distance by rail to the nearest railway border crossing; :func:`line_measure` adds the
distance to a line the author supplies (the line of contact at a date). Each distance is a
:class:`Measure`, set beside the published figures by :mod:`.verdicts`.

Coordinates are degrees WGS84; distances are km, geodesic on WGS84 unless said to be along
the railway.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import shapely

from tumen.errors import ParameterError
from tumen.geo import borders, earth, gazetteer, lines
from tumen.geo import rail as geo_rail

#: Kilometres per international mile.
KM_PER_MI = 1.609344


@dataclass(frozen=True)
class Measure:
    """One measured distance from a reference point.

    Attributes
    ----------
    key : str
        Short stable name, e.g. ``"depot_to_border"`` (used in result names).
    label : str
        What was measured, for tables, e.g. ``"Depot → land border (straight line)"``.
    km : float
        The distance, km.
    lat, lon : float
        The far end (nearest point, or where the railway crosses), degrees WGS84.
    reason : str
        Why a published figure that fits this measure rather than the headline one
        differs from it (a phrase, no numbers), e.g. ``"measured from the town centre"``.
    """

    key: str
    label: str
    km: float
    lat: float
    lon: float
    reason: str

    @property
    def mi(self) -> float:
        """The distance in international miles."""
        return self.km / KM_PER_MI


def distance_interval(distance_km: float, uncertainty_km: float) -> tuple[float, float]:
    """Return the range of a distance when its start point may be off by ``uncertainty_km``.

    Distance to a fixed set is 1-Lipschitz: moving the start by ``u`` changes it by at
    most ``u``, and moving straight towards or away from the nearest point changes it by
    exactly ``u``, so the interval is tight (floored at 0).

    >>> distance_interval(194.6, 1.0)
    (193.6, 195.6)
    """
    if not uncertainty_km >= 0:
        raise ParameterError(
            f"uncertainty must be >= 0 km, got {uncertainty_km!r}", field="uncertainty_km"
        )
    return (max(distance_km - uncertainty_km, 0.0), distance_km + uncertainty_km)


@dataclass(frozen=True)
class DistanceStudy:
    """Distances from the depot (and its town) to a neighbouring country.

    Attributes
    ----------
    depot, town : tumen.geo.gazetteer.Site
    territory, border : tumen.geo.borders.NearestPoint
        Depot → nearest point of the country's territory; → of the land border.
    town_territory, town_border : tumen.geo.borders.NearestPoint
        The same from the town.
    part : tumen.geo.borders.NearestPoint or None
        Depot → nearest point of a named part of the territory (Crimea), when asked.
    part_name : str
        Its name.
    rail : tumen.geo.rail.BorderCrossing
        Depot → the nearest railway border crossing, along the network.
    country, neighbour : str
        ``ADM0_A3`` codes: the country measured to, and the one the depot lies in.
    border_at_end : bool
        True when the nearest land-border point is an end of the land border (where it
        meets the sea, or the edge of the data), not a point along it.
    """

    depot: gazetteer.Site
    town: gazetteer.Site
    territory: borders.NearestPoint
    border: borders.NearestPoint
    town_territory: borders.NearestPoint
    town_border: borders.NearestPoint
    part: borders.NearestPoint | None
    part_name: str
    rail: geo_rail.BorderCrossing
    country: str
    neighbour: str
    border_at_end: bool = False

    @property
    def nearest_in_part(self) -> bool:
        """True when the nearest point of the territory lies in the named part."""
        return self.part is not None and math.isclose(
            self.part.distance_km, self.territory.distance_km, abs_tol=1e-6
        )

    def interval(self, which: str = "border") -> tuple[float, float]:
        """Return the depot's distance to ``"border"`` or ``"territory"`` as an interval
        over the depot's gazetteer uncertainty, km."""
        point = {"border": self.border, "territory": self.territory}[which]
        return distance_interval(point.distance_km, self.depot.uncertainty_km)

    def town_interval(self) -> tuple[float, float]:
        """Return the town's distance to the border over its gazetteer uncertainty, km."""
        return distance_interval(self.town_border.distance_km, self.town.uncertainty_km)

    def measures(self) -> list[Measure]:
        """Return every measure, the headline (depot → land border) first."""
        name = borders.get_country_name(self.country)
        out = [
            Measure(
                "depot_to_border",
                "Depot → land border (straight line)",
                self.border.distance_km,
                self.border.lat,
                self.border.lon,
                "the straight line to the recognised land border",
            ),
            Measure(
                "depot_to_territory",
                f"Depot → {name}'s territory, coast included (straight line)",
                self.territory.distance_km,
                self.territory.lat,
                self.territory.lon,
                f"the distance to the nearest coast of {name}",
            ),
            Measure(
                "town_to_border",
                f"{self.town.name} town centre → land border (straight line)",
                self.town_border.distance_km,
                self.town_border.lat,
                self.town_border.lon,
                "the distance from the town centre",
            ),
            Measure(
                "town_to_territory",
                f"{self.town.name} town centre → {name}'s territory (straight line)",
                self.town_territory.distance_km,
                self.town_territory.lat,
                self.town_territory.lon,
                "the distance from the town centre to the nearest coast",
            ),
        ]
        if self.part is not None:
            out.append(
                Measure(
                    "depot_to_part",
                    f"Depot → {self.part_name} (straight line)",
                    self.part.distance_km,
                    self.part.lat,
                    self.part.lon,
                    f"the distance to {self.part_name}",
                )
            )
        out.append(
            Measure(
                "depot_to_border_rail",
                "Depot → border along the railway",
                self.rail.total_km,
                self.rail.lat,
                self.rail.lon,
                "the distance along the railway to the nearest rail border crossing",
            )
        )
        return out


def study_distances(
    depot: str,
    town: str,
    *,
    country: str = "UKR",
    neighbour: str = "RUS",
    part_name: str = "",
    part_box: Sequence[float] | None = None,
    sites=None,
    heal_gap_km: float = 5.0,
    network_dir=None,
) -> DistanceStudy:
    """Measure how far the depot and its town are from a neighbouring country.

    Parameters
    ----------
    depot, town : str
        Site ids.
    country : str
        ``ADM0_A3`` of the country measured to (Natural Earth German-view edition:
        internationally recognised borders, Crimea is Ukraine).
    neighbour : str
        ``ADM0_A3`` of the country the depot lies in (the land border is theirs).
    part_name : str
        Name of a part of ``country`` to measure to as well (e.g. ``"Crimea"``).
    part_box : (lon_min, lat_min, lon_max, lat_max), optional
        Degrees WGS84: the part is the country's territory inside this box.
    sites, heal_gap_km, network_dir : optional
        Gazetteer; for the rail route to the border crossing.
    """
    sites = gazetteer.load_sites() if sites is None else sites
    d, t = gazetteer.get_site(depot, sites), gazetteer.get_site(town, sites)
    part = None if part_box is None else distance_to_part(d, country, part_box, part_name)
    border = borders.distance_to_border(d.lat, d.lon, neighbour, country)
    at_end = is_border_end(border, neighbour, country)
    return DistanceStudy(
        depot=d,
        town=t,
        territory=borders.distance_to_country(d.lat, d.lon, country),
        border=border,
        border_at_end=at_end,
        town_territory=borders.distance_to_country(t.lat, t.lon, country),
        town_border=borders.distance_to_border(t.lat, t.lon, neighbour, country),
        part=part,
        part_name=part_name,
        rail=geo_rail.rail_route_to_border(
            depot,
            country=neighbour,
            neighbour=country,
            heal_gap_km=heal_gap_km,
            sites=sites,
            network_dir=network_dir,
        ),
        country=country,
        neighbour=neighbour,
    )


def distance_to_part(
    depot: gazetteer.Site, country: str, part_box: Sequence[float], part_name: str = ""
) -> borders.NearestPoint:
    """The depot's nearest point of the part of ``country`` inside ``part_box``
    ((lon_min, lat_min, lon_max, lat_max), degrees), e.g. Crimea."""
    if len(part_box) != 4:
        raise ParameterError(
            f"part box must be [lon_min, lat_min, lon_max, lat_max], got {part_box!r}",
            field="crimea_box",
        )
    shape = borders.get_country(country).intersection(shapely.box(*part_box))
    if shape.is_empty:
        raise ParameterError(
            f"the box {part_box!r} holds no territory of {country}", field="crimea_box"
        )
    return borders.distance_to_geometry(depot.lat, depot.lon, shape, part_name or "part", "10m")


def is_border_end(border: borders.NearestPoint, neighbour: str, country: str) -> bool:
    """True when a nearest land-border point is an end of the land border between the two
    countries (where it meets the sea, or the edge of the data), not a point along it."""
    line = borders.get_border(neighbour, country)
    ends = [c for g in getattr(line, "geoms", [line]) for c in (g.coords[0], g.coords[-1])]
    return any(earth.distance_km(border.lat, border.lon, y, x) < 0.01 for x, y in ends)


#: Why a published distance may differ from the recognised border when no line of contact
#: is supplied: the reading the report names but cannot measure.
LINE_OF_CONTACT_READING = "the straight line to the line of contact"


def line_measure(depot: gazetteer.Site, line: lines.Line) -> Measure:
    """The straight-line (geodesic) distance from the depot to a supplied line, e.g. the
    line of contact at a date, as a :class:`Measure` (key ``depot_to_line_of_contact``).

    >>> import shapely
    >>> site = gazetteer.Site("d", "D", "XXX", "depot", 0.0, 1.0, 0.0, 0.0, "")
    >>> m = line_measure(site, lines.Line(shapely.LineString([(0, -1), (0, 1)]), "2023-10-13", "s", ""))
    >>> round(m.km, 2), m.key                       # one degree along the equator
    (111.32, 'depot_to_line_of_contact')
    """
    near = borders.distance_to_geometry(depot.lat, depot.lon, line.geometry, "line of contact")
    return Measure(
        "depot_to_line_of_contact",
        f"Depot → line of contact of {line.date} (straight line)",
        near.distance_km,
        near.lat,
        near.lon,
        f"{LINE_OF_CONTACT_READING} of {line.date}",
    )
