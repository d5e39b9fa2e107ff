"""What the overview reads from the sections it summarises (linked sections): the route
section's rail routes, numbers and distance to the border, the shuttle section's sea route.

The overview computes nothing itself: :func:`read_links` takes the results files of the
route and shuttle sections (parameters ``route_results`` and ``shuttle_results``) and the
route files they left beside them (:func:`tumen.engine.links.files_dir`,
:mod:`tumen.geo.route_files`). A section that is not part of the build (no results file)
is said so, not guessed at.
"""

from __future__ import annotations

from dataclasses import dataclass

from tumen.engine import links, results
from tumen.errors import ParameterError
from tumen.geo import route_files

#: The route section's route file (routes ``route`` and ``crossing``).
RAIL_FILE = "routes.geojson"
#: The shuttle section's route file (route ``sea``).
SEA_FILE = "sea_route.geojson"


@dataclass(frozen=True)
class OverviewLinks:
    """The routes and numbers the overview takes from the sections it summarises.

    Attributes
    ----------
    route_path, shuttle_path : str
        The linked results files (``""``: not linked).
    route, shuttle : dict or None
        Their results records; None when the file does not exist (section not built).
    rail, crossing : tumen.geo.rail.RailRoute or None
        Origin → depot and crossing station → depot, as the route section computed them.
    sea : tumen.geo.sea.SeaRoute or None
        Loading port → origin, as the shuttle section computed it.
    sea_error : str
        Why the shuttle section has no sea route (``""``: it has one, or is not built).
    """

    route_path: str
    shuttle_path: str
    route: dict | None
    shuttle: dict | None
    rail: object | None
    crossing: object | None
    sea: object | None
    sea_error: str

    def value(self, name: str):
        """A linked result's value (``route.*`` or ``shuttle.*``), or None when absent."""
        records = self.route if name.startswith("route.") else self.shuttle
        return (records or {}).get(name, {}).get("value")


def _route_file(results_path: str, name: str, found: bool) -> route_files.RouteFile:
    """The route file a section left beside its results (empty when the section is not built)."""
    if not found:
        return route_files.RouteFile()
    return route_files.read_routes(links.files_dir(results_path) / name)


def check_ends(route, ends: tuple[str, str], field: str) -> None:
    """Raise when a linked route does not join the overview's two places (site ids, either
    way round): the overview would otherwise name places the route does not reach."""
    if route is None:
        return
    got = (route.snaps[0].label, route.snaps[-1].label)
    if set(got) != set(ends):
        raise ParameterError(
            f"the linked route joins {got[0]} and {got[1]}, not {ends[0]} and {ends[1]}",
            field=field,
            hint="give the overview the places of the section it links to",
        )


def read_links(route_results: str, shuttle_results: str) -> OverviewLinks:
    """Read the route and shuttle sections' results and route files.

    >>> read_links("", "").rail is None
    True
    """
    route = results.load_linked(route_results)
    shuttle = results.load_linked(shuttle_results)
    rail = _route_file(route_results, RAIL_FILE, route is not None)
    sea = _route_file(shuttle_results, SEA_FILE, shuttle is not None)
    return OverviewLinks(
        route_path=str(route_results),
        shuttle_path=str(shuttle_results),
        route=route,
        shuttle=shuttle,
        rail=rail.routes.get("route"),
        crossing=rail.routes.get("crossing"),
        sea=sea.routes.get("sea"),
        sea_error=sea.missing.get("sea", ""),
    )
