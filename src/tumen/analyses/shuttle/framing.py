"""The frame of the shuttle section: its title and background, and the closing subsection on
what AIS gaps, identities and container counts cannot prove.

The closing words name the strongest alternative to a shuttle (ordinary traffic whose
silences are poor reception) and say how many neighbouring ships the comparison that tells
the two apart rests on (:func:`tumen.analyses.shuttle.reception.other_ships_words`).

>>> describe_limits(res, home="Rajin", away="Vostochny")  # doctest: +SKIP
"""

from __future__ import annotations

from tumen.analyses.shuttle.reception import is_reception_weak, other_ships_words
from tumen.engine.results import escape_text


def describe_intro(res, background: str, *, home: str, away: str):
    """The section title (between the two ports) and the ``background`` paragraph.

    ``background`` is the author's Markdown, shown as written; the port names are literal.
    """
    from IPython.display import Markdown  # noqa: PLC0415 - IPython only where a notebook shows output

    title = f"# The vessel shuttle between {escape_text(home)} and {escape_text(away)}"
    return Markdown(title + ("\n\n" + background.strip() if background.strip() else ""))


_LIMITS = """## What AIS gaps cannot prove

An AIS silence shows that no report from a ship reached a receiver, not that its
transponder was switched off. Reception fails for ordinary reasons: distance from the coast,
a receiver outage, message collisions in busy waters, and the hours between satellite
passes. The argument therefore rests on comparison: a ship that stays silent for weeks where
other ships are heard every few hours has likely switched its transponder off, while a
silence of a few hours proves nothing.

AIS identity is what a ship says about itself. A ship can broadcast another name or MMSI, and
two ships can share a name; the static reports tie a name to an MMSI, not to a hull. In the
images a ship is identified by its length, shape and colour, with the analyst's confidence in
each sighting; a misidentified sighting would add a call that did not happen, which the
passage check above catches only when the times are impossible.

Between two pieces of evidence a silent ship could have gone anywhere it had time to reach:
a round trip says the ship was at {home_name}, then at {away_name}, then at {home_name} again, not that it
sailed straight between them or carried the same cargo both ways. Container counts are
counts of boxes visible on the quay and on deck; they say nothing about what the boxes hold,
whether a box seen at {home_name} is the one seen at {away_name}, or where it went next. The depot
section follows the cargo's likely route inland.

Finally, when the observations are the synthetic examples shipped with this report
(generated to match the published figures; the first page says so), the numbers above show
that the method works and what it can and cannot establish. They are not evidence about the
ships."""


_ALTERNATIVE = """

**The strongest alternative.** The ships may have been ordinary commercial traffic between
the two ports, with AIS gaps from poor reception rather than transponders switched off.
What tells the two apart is the reception of the neighbouring ships: if other ships at
{home_name} are heard steadily through the hours the ships of interest are silent, poor
reception does not explain the silences. """


def describe_limits(res, *, home: str, away: str):
    """The closing subsection: what AIS gaps, identities and counts cannot prove.

    Names the strongest alternative to the shuttle (ordinary commercial traffic whose
    silences are poor reception) and how many neighbouring ships the comparison that tells
    them apart rests on.
    """
    text = _LIMITS + _ALTERNATIVE
    if "shuttle.home_traffic_vessels" not in res or res["shuttle.home_traffic_reports"] == 0:
        text += (
            "Here no other ship was heard at {home_name}, so the data cannot tell the two "
            "apart; a receiver's log of those hours or the tracks of other ships would."
        )
    else:
        text += (
            "Here that comparison "
            + other_ships_words(res)
            + (
                "; so few ships cannot rule out poor reception, and the tracks of more "
                "ships, or a receiver's log of those hours, would be needed."
                if "shuttle.min_reception_ships" in res and is_reception_weak(res)
                else "; a receiver's log of the silent hours would make it firmer."
            )
        )
    return res.md(text, home_name=home, away_name=away)
