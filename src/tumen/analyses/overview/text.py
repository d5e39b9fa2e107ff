"""The overview's words: the paragraph that walks the pipeline, link by link, from the
results the overview took from the sections it summarises (:mod:`tumen.analyses.overview.record`).

Each link is said as computed, as not computable (with the section's reason), or as not
part of the build (the linked results file is missing): the text never guesses.
"""

from __future__ import annotations

from tumen.analyses.overview.read import OverviewLinks


def _crossing_sentence(link: OverviewLinks, crossing_note: str) -> str:
    if link.crossing is None:
        return ""
    return (
        crossing_note or "Trains from the crossing enter the network at"
    ) + " {crossing}, {overview.khasan_rail_km:,.0f} km of railway from the depot. "


def _sea_sentence(link: OverviewLinks) -> str:
    if link.sea is not None:
        return (
            "The sea shuttle is a short hop: the shortest water route from {loading} to {origin} is "
            "{overview.sea_nm:.0f} nautical miles ({overview.sea_km:.0f} km). "
        )
    if link.shuttle is not None:
        return "The shortest water route from {loading} to {origin} could not be computed ({sea_error}). "
    return (
        "The sea route from {loading} to {origin} is not part of this build: there are no "
        "shuttle results at {shuttle_path}. "
    )


def _rail_sentence(link: OverviewLinks) -> str:
    if link.rail is not None:
        return (
            "From {origin} the shortest railway that stays inside {within} runs "
            "{overview.rail_km:,.0f} km across the continent to {destination} "
            "({overview.rail_total_km:,.0f} km with the straight connectors the network lacks at its "
            "ends), and the depot lies {overview.depot_to_border_km:.0f} km from {country}'s "
            "internationally recognised border ({fig:pipeline_overview_map})."
        )
    if link.route is not None:
        return (
            "No railway joins {origin} and {destination}: {overview.no_route}. "
            "The depot lies {overview.depot_to_border_km:.0f} km from {country}'s internationally "
            "recognised border."
        )
    return (
        "The rail route from {origin} to {destination} and the depot's distance to {country}'s "
        "border are not part of this build: there are no route results at {route_path}."
    )


def describe_pipeline(
    res,
    link: OverviewLinks,
    *,
    crossing_note: str,
    names: dict,
    within: str,
    country: str,
):
    """The overview's paragraph (Markdown): the crossing, the sea leg, the rail leg and the
    depot's distance to the border, each from its section or said to be missing.

    Parameters
    ----------
    res : tumen.engine.results.Results
        Holding the ``overview.*`` results.
    link : OverviewLinks
        What the overview read.
    crossing_note : str
        Words before the crossing station (``""``: a plain sentence).
    names : dict
        Short names: ``crossing``, ``loading``, ``origin``, ``destination``.
    within : str
        The countries the rail route keeps to, in words.
    country : str
        The name of the country whose border the depot is measured to.
    """
    return res.md(
        _crossing_sentence(link, crossing_note) + _sea_sentence(link) + _rail_sentence(link),
        **names,
        within=within,
        country=country,
        sea_error=link.sea_error or "no reason given",
        shuttle_path=link.shuttle_path,
        route_path=link.route_path,
    )
