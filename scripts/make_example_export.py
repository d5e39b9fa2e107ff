"""Write the example AIS as a commercial provider's CSV export (for the README's worked example).

Purpose: show, on the shipped synthetic example, how a real export is analysed: day-first
timestamps to the minute (``dd/mm/yyyy HH:MM``), no ship names, only MMSI and IMO numbers.
The export is derived from ``data/ais/*.nmea`` (synthetic, see data/sources.yaml): every
decoded position report, at most one per ship and minute (the first), with the IMO number
the ship broadcast in its static reports. It is never run by the build.

Usage::

    .venv/bin/python scripts/make_example_export.py            # writes data/ais/example_export.csv.gz
    .venv/bin/python -m tumen sources --update                  # then record the new sha256
"""

from __future__ import annotations

import argparse
import gzip
import sys
from pathlib import Path

import pandas as pd

from tumen.ais import readers as ais_readers

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "data" / "ais" / "example_export.csv.gz"


def make_export(nmea_files: list[Path]) -> bytes:
    """The CSV export as gzip bytes (deterministic: no time stamp in the gzip header)."""
    data = ais_readers.read_ais([str(p) for p in nmea_files], "nmea")
    pos = data.positions.sort_values(["time", "mmsi", "source_file", "source_line"], kind="stable")
    pos = pos.assign(minute=pos["time"].dt.floor("min"))
    pos = pos.drop_duplicates(["mmsi", "minute"], keep="first")
    imo = data.vessels.dropna(subset=["imo"]).drop_duplicates("mmsi").set_index("mmsi")["imo"]
    table = {
        "Timestamp (UTC)": pos["minute"].dt.strftime("%d/%m/%Y %H:%M"),
        "MMSI": pos["mmsi"].astype("int64"),
        "IMO": pos["mmsi"].map(imo).astype("Int64").astype(str).replace("<NA>", ""),
        "Latitude": pos["lat"].map("{:.5f}".format),
        "Longitude": pos["lon"].map("{:.5f}".format),
        "SOG": pos["sog"].map(lambda v: "" if v != v else f"{v:.1f}"),
    }

    text = pd.DataFrame(table).to_csv(index=False, lineterminator="\n")
    return gzip.compress(text.encode("utf-8"), mtime=0)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args(argv)
    files = sorted((ROOT / "data" / "ais").glob("*.nmea"))
    args.out.write_bytes(make_export([f.relative_to(ROOT) for f in files]))
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
