"""The pipeline's routes on the command line: ``python -m tumen.geo.routes``.

Prints the Rajin -> Dunai sea route (:mod:`tumen.geo.sea`) and the Dunai -> Tikhoretsk rail
routes within Russia and through any country (:mod:`tumen.geo.rail`), each with its snaps
and healed gaps, so the assumptions behind a route can be read without building the report.
"""

from __future__ import annotations

import argparse

from tumen.geo.rail import rail_route
from tumen.geo.sea import sea_route


def main(argv=None) -> int:
    """Print the pipeline's routes with their snaps and healed gaps.

    Usage: ``python -m tumen.geo.routes [--heal-gap-km 5]``.
    """
    ap = argparse.ArgumentParser(
        description="Print the Rajin -> Dunai sea route and the Dunai -> Tikhoretsk rail routes."
    )
    ap.add_argument("--heal-gap-km", type=float, default=5.0)
    args = ap.parse_args(argv)
    print(sea_route("rajin_port", "dunai_port").report())
    for countries in (("RUS",), None):
        print(
            rail_route(
                "dunai_port", "tikhoretsk_depot", countries=countries, heal_gap_km=args.heal_gap_km
            ).report()
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
