"""The AIS-at-scale workloads, one per process: ``bench/run.py`` starts each in a fresh
interpreter and measures its wall time, CPU time and peak memory from outside.

Usage (normally through ``bench/run.py``)::

    python bench/ais_bench.py WORKLOAD '<json arguments>'

Workloads: ``prepare`` (synthetic inputs, cached), ``e2e`` (positions archive -> store ->
gaps + port calls), ``ingest`` (the store alone) and ``detectors`` (on that store: gaps +
port calls alone, or with every detector of :data:`DETECTORS`), ``movingpandas`` (the same detection in tumen and in movingpandas),
``decode_single`` (NMEA decoding in one process, vectorised or with the line-by-line pyais
decoder), ``decode_pyais_loop`` (a bare pyais loop) and ``decode_dask`` (on a Dask cluster
of two worker processes). Each prints one line ``RESULT <json>`` last.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import sys
import time
import warnings
from datetime import timedelta
from pathlib import Path

import numpy as np
import pandas as pd
from distributed import Client, LocalCluster
from pyais.messages import NMEAMessage

from tumen.ais import chunks as ais_chunks
from tumen.ais import clean as ais_clean
from tumen.ais import dask_ops as ais_dask
from tumen.ais import encounters as ais_encounters
from tumen.ais import identity as ais_identity
from tumen.ais import nmea as ais_nmea
from tumen.ais import records as ais_records
from tumen.ais import silences as ais_silences
from tumen.ais import store as ais_store
from tumen.ais import synth as ais_synth
from tumen.ais import synth_nmea as ais_synth_nmea
from tumen.ais import tracks, tracks_dask

# --- inputs ---------------------------------------------------------------------------


def prepare(args: dict) -> dict:
    """Write the synthetic inputs of every benchmark under ``args["dir"]`` (once)."""
    out = Path(args["dir"])
    done = out / "done.json"
    if done.is_file():
        return json.loads(done.read_text())
    out.mkdir(parents=True, exist_ok=True)
    info = {}
    for name, n, vessels in (
        ("e2e", args["positions"], args["vessels"]),
        ("mp", args["mp_positions"], args["mp_vessels"]),
    ):
        if not n:
            continue
        t0 = time.perf_counter()
        traffic = ais_synth.get_traffic(n, vessels, seed=args["seed"])
        traffic.positions.to_parquet(
            out / f"{name}_positions.parquet", row_group_size=1_000_000, index=False
        )
        traffic.sites.to_csv(out / "sites.csv", index=False)
        info[name] = {
            "positions": len(traffic.positions),
            "vessels": vessels,
            "planned_dwells": len(traffic.dwells),
            "gaps_over_6h": len(traffic.gaps),
            "seconds": round(time.perf_counter() - t0, 1),
        }
        del traffic
    if args["nmea_lines"]:
        t0 = time.perf_counter()
        n = int(args["nmea_lines"] / (1 + 2 / 30))  # a type 5 (two lines) per 30 reports
        traffic = ais_synth.get_traffic(n, max(n // 2500, 1), seed=args["seed"] + 1)
        (out / "decode.nmea").write_bytes(
            ais_synth_nmea.to_nmea(traffic, seed=args["seed"], noise_rate=0.0005)
        )
        lines = (out / "decode.nmea").read_bytes().count(b"\n")
        info["nmea"] = {
            "lines": lines,
            "positions": len(traffic.positions),
            "bytes": (out / "decode.nmea").stat().st_size,
            "seconds": round(time.perf_counter() - t0, 1),
        }
    done.write_text(json.dumps(info))
    return info


# --- end to end -----------------------------------------------------------------------


def e2e(args: dict) -> dict:
    """Positions archive (Parquet, archive order) -> store -> gaps + port calls.

    ``args["scheduler"]``: None (the local default), a scheduler name or address, or
    ``"local-cluster"`` (a ``LocalCluster`` of one single-threaded worker process per core,
    started here; its start-up is part of the measured time).
    """
    sites = pd.read_csv(args["sites"])
    with _scheduler(args.get("scheduler")) as scheduler:
        t0 = time.perf_counter()
        store = ais_store.ingest(
            args["positions"],
            "parquet",
            cache_dir=args["cache_dir"],
            rows_per_partition=args["rows_per_partition"],
            dask_scheduler=scheduler,
            progress=False,
        )
        t1 = time.perf_counter()
        tables = tracks_dask.get_shuttle_tables(store, sites, dask_scheduler=scheduler)
        t2 = time.perf_counter()
    return {
        "positions": store.n_positions,
        "partitions": store.manifest["partitions"],
        "ingest_s": t1 - t0,
        "detect_s": t2 - t1,
        "gaps": len(tables.gaps),
        "port_calls": len(tables.calls),
        "counts": tables.counts,
        "digest": _digest(tables.gaps, tables.calls),
    }


@contextlib.contextmanager
def _scheduler(name):
    if name != "local-cluster":
        yield name
        return

    with (
        LocalCluster(
            n_workers=os.cpu_count(), threads_per_worker=1, processes=True, dashboard_address=None
        ) as cluster,
        Client(cluster) as client,
    ):
        yield client


def _digest(*frames: pd.DataFrame) -> str:
    """A hash of table contents, to compare results across processes."""
    h = hashlib.sha256()
    for f in frames:
        h.update(pd.util.hash_pandas_object(f.astype(str), index=False).to_numpy().tobytes())
    return h.hexdigest()[:16]


# --- every detector ------------------------------------------------------------------


def ingest(args: dict) -> dict:
    """Write the store the ``detectors`` workload reads (not timed there)."""
    t0 = time.perf_counter()
    store = ais_store.ingest(
        args["positions"],
        "parquet",
        cache_dir=args["cache_dir"],
        rows_per_partition=args["rows_per_partition"],
        progress=False,
    )
    return {
        "positions": store.n_positions,
        "partitions": store.manifest["partitions"],
        "ingest_s": time.perf_counter() - t0,
    }


def _encounters(store, sites: pd.DataFrame, scheduler, tables) -> dict:
    """Encounters among all ships (:mod:`tumen.ais.encounters`), the ports as geofences."""
    table = ais_encounters.get_encounters_dask(store, ports=sites, dask_scheduler=scheduler)
    return {"rows": len(table), "digest": _digest(table)}


def _loitering(store, sites: pd.DataFrame, scheduler, tables) -> dict:
    """Loitering of every ship (:mod:`tumen.ais.encounters`), Global Fishing Watch's rule."""
    table = ais_encounters.get_loitering_dask(store, dask_scheduler=scheduler)
    return {"rows": len(table), "digest": _digest(table)}


#: Ships whose silences the silences detector explains: as in the report, the ships of
#: interest (here the first by MMSI); the neighbours and the cells' reception come from
#: every ship of the store.
SHIPS_OF_INTEREST = 20


def _silences(store, sites: pd.DataFrame, scheduler, tables) -> dict:
    """The silences of :data:`SHIPS_OF_INTEREST` ships explained (:mod:`tumen.ais.silences`):
    shore distances, the neighbour control and cell reception over the whole store."""
    gaps = tables.gaps[tables.gaps["kind"] == "between"]
    ships = np.sort(gaps["mmsi"].unique())[:SHIPS_OF_INTEREST]
    gaps = gaps[gaps["mmsi"].isin(ships)]
    table = ais_silences.explain_silences(gaps, store, by="mmsi", dask_scheduler=scheduler)
    return {"rows": len(table), "digest": _digest(table.drop(columns=["reason", "gfw_reason"]))}


def _identity(store, sites: pd.DataFrame, scheduler, tables) -> dict:
    """Identity checks of every MMSI (:mod:`tumen.ais.identity`): static-record history and
    changes, names shared between MMSIs, tracks split into candidate transmitters."""
    checks = ais_identity.get_identity_checks(store.vessels, store, scheduler=scheduler)
    return {
        "rows": len(checks.splits) + len(checks.changes) + len(checks.shared_names),
        "digest": _digest(checks.splits, checks.changes, checks.shared_names),
    }


#: The detectors timed beside gaps + port calls: name -> callable(store, sites, scheduler,
#: tables) returning ``{"rows": <events found>, "digest": <hash of the table>}``, where
#: ``scheduler`` is what ``dask.compute(scheduler=)`` takes and ``tables`` the gaps and port
#: calls already found. Every detector of the AIS layer is here. (The sightings check needs
#: satellite sightings, which the synthetic archive has not; it looks up a few fixes per
#: sighting.)
DETECTORS = {
    "silences": _silences,
    "identity": _identity,
    "encounters": _encounters,
    "loitering": _loitering,
}


def detectors(args: dict) -> dict:
    """On an existing store: gaps + port calls (:func:`tumen.ais.tracks_dask.get_shuttle_tables`),
    then, when ``args["all"]``, every detector of :data:`DETECTORS` one after the other;
    each step timed (``detect_s`` is the sum)."""
    sites = pd.read_csv(args["sites"])
    store = ais_store.ingest(
        args["positions"],
        "parquet",
        cache_dir=args["cache_dir"],
        rows_per_partition=args["rows_per_partition"],
        progress=False,
    )
    steps = {}
    with _scheduler(args.get("scheduler")) as name, ais_dask.use_scheduler(name) as scheduler:
        t0 = time.perf_counter()
        tables = tracks_dask.get_shuttle_tables(store, sites, dask_scheduler=scheduler)
        steps["gaps_and_port_calls"] = {
            "seconds": time.perf_counter() - t0,
            "rows": len(tables.gaps) + len(tables.calls),
            "digest": _digest(tables.gaps, tables.calls),
        }
        for detector, func in DETECTORS.items() if args["all"] else ():
            t0 = time.perf_counter()
            found = func(store, sites, scheduler, tables)
            steps[detector] = dict(found, seconds=time.perf_counter() - t0)
    return {
        "positions": store.n_positions,
        "partitions": store.manifest["partitions"],
        "detect_s": sum(s["seconds"] for s in steps.values()),
        "steps": steps,
    }


# --- movingpandas ---------------------------------------------------------------------


def movingpandas(args: dict) -> dict:
    """Gaps and port calls by tumen and by movingpandas on the same cleaned positions."""
    sites = tracks.get_sites(pd.read_csv(args["sites"]))
    raw = pd.read_parquet(args["positions"])
    raw["source_file"] = raw["source_file"].astype("str")
    empty = ais_records.empty_data()
    data = ais_clean.clean(
        ais_records.AisData(ais_records.sort_positions(raw), empty.vessels, empty.skipped)
    )
    p = data.positions[~data.positions["is_jump"]].reset_index(drop=True)
    gap_h, dwell_h = args["min_gap_h"], args["min_dwell_h"]

    def ours():
        return (
            tracks.get_gaps(p, gap_h, by="mmsi"),
            tracks.get_ais_port_calls(p, sites, min_dwell_h=dwell_h, by="mmsi"),
        )

    def ours_dask():  # the same input and work: cleaning was done above for all three
        return tracks_dask.get_shuttle_tables(
            p, sites, min_gap_h=gap_h, min_dwell_h=dwell_h, clean=False
        )

    (gaps, calls), t_pandas = _best_of(ours)
    tables, t_dask = _best_of(ours_dask)
    same_as_pandas = tables.gaps.equals(gaps) and tables.calls.equals(calls)

    t0 = time.perf_counter()
    mp_gaps, stops = _movingpandas_detection(p, gap_h, dwell_h, args["max_diameter_m"])
    t_mp = time.perf_counter() - t0
    stops = tracks.add_site(stops, sites)
    return {
        "positions": len(raw),
        "used": len(p),
        "tumen_pandas_s": t_pandas,
        "tumen_dask_s": t_dask,
        "movingpandas_s": t_mp,
        "ratio_pandas": t_mp / t_pandas,
        "ratio_dask": t_mp / t_dask,
        "dask_equals_pandas": bool(same_as_pandas),
        "gaps": _gap_agreement(gaps, mp_gaps),
        "stops": _stop_agreement(calls, stops),
    }


def _best_of(func, repeats: int = 3):
    """(result, fastest wall seconds) of a warm-up call and ``repeats`` timed calls."""
    result, best = func(), float("inf")
    for _ in range(repeats):
        t0 = time.perf_counter()
        result = func()
        best = min(best, time.perf_counter() - t0)
    return result, best


def _movingpandas_detection(
    p: pd.DataFrame, gap_h: float, dwell_h: float, max_diameter_m: float
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """``ObservationGapSplitter`` then ``TrajectoryStopDetector``: gaps and stops."""
    import geopandas as gpd  # noqa: PLC0415 - in the bench venv only (bench/requirements.txt)
    import movingpandas as mpd  # noqa: PLC0415 - as above

    frame = p[["mmsi", "time"]].assign(time=p["time"].dt.tz_convert(None))
    gdf = gpd.GeoDataFrame(
        frame, geometry=gpd.points_from_xy(p["lon"], p["lat"]), crs="EPSG:4326"
    ).set_index("time")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        tc = mpd.TrajectoryCollection(gdf, traj_id_col="mmsi")
        parts = mpd.ObservationGapSplitter(tc).split(gap=timedelta(hours=gap_h))
        stops = mpd.TrajectoryStopDetector(parts).get_stop_segments(
            min_duration=timedelta(hours=dwell_h), max_diameter=max_diameter_m
        )
    segments = pd.DataFrame(
        [
            {"mmsi": _mmsi_of(t), "start": t.get_start_time(), "end": t.get_end_time()}
            for t in parts.trajectories
        ]
    )
    segments = segments.sort_values(["mmsi", "start"], ignore_index=True)
    nxt = segments.groupby("mmsi")["start"].shift(-1)
    mp_gaps = pd.DataFrame({"mmsi": segments["mmsi"], "start": segments["end"], "end": nxt})
    mp_gaps = mp_gaps.dropna().reset_index(drop=True)
    rows = []
    for t in stops.trajectories:
        xy = np.array([(g.x, g.y) for g in t.df.geometry])
        rows.append(
            {
                "mmsi": _mmsi_of(t),
                "start": t.get_start_time(),
                "end": t.get_end_time(),
                "lon": xy[:, 0].mean(),
                "lat": xy[:, 1].mean(),
            }
        )
    return mp_gaps, pd.DataFrame(rows, columns=["mmsi", "start", "end", "lon", "lat"])


def _mmsi_of(trajectory) -> int:
    """The MMSI in a movingpandas trajectory id (``<mmsi>_<part>[_<start>]``)."""
    return int(str(trajectory.id).split("_")[0])


def _gap_agreement(ours: pd.DataFrame, theirs: pd.DataFrame) -> dict:
    """Gaps both find. movingpandas drops a segment of one fix, so a lone fix between two
    silences turns our two gaps into one of theirs: ``both_lone_fixes_merged`` compares
    after merging those pairs on our side."""
    a = _gap_set(ours["mmsi"], ours["start"].dt.tz_convert(None), ours["end"].dt.tz_convert(None))
    b = _gap_set(theirs["mmsi"], pd.to_datetime(theirs["start"]), pd.to_datetime(theirs["end"]))
    merged, lone = _merge_lone_fixes(sorted(a))
    return {
        "tumen": len(a),
        "movingpandas": len(b),
        "both": len(a & b),
        "lone_fixes": lone,
        "both_lone_fixes_merged": len(set(merged) & b),
        "tumen_lone_fixes_merged": len(merged),
    }


def _gap_set(mmsi, start, end) -> set:
    return set(zip(mmsi.astype(int), start, end))


def _merge_lone_fixes(gaps: list[tuple]) -> tuple[list[tuple], int]:
    """Join consecutive gaps of a vessel that meet at one fix (sorted input)."""
    out, lone = [], 0
    for g in gaps:
        if out and out[-1][0] == g[0] and out[-1][2] == g[1]:
            out[-1] = (g[0], out[-1][1], g[2])
            lone += 1
        else:
            out.append(g)
    return out, lone


def _stop_agreement(calls: pd.DataFrame, stops: pd.DataFrame) -> dict:
    """Match calls and stops of the same vessel at the same port that overlap in time."""
    ours = calls.assign(
        start=calls["first_fix"].dt.tz_convert(None), end=calls["last_fix"].dt.tz_convert(None)
    )
    at_port = stops[stops["site"].notna()]
    pairs = ours.reset_index().merge(
        at_port.reset_index(), on=["mmsi", "site"], suffixes=("_t", "_m")
    )
    pairs = pairs[(pairs["start_t"] <= pairs["end_m"]) & (pairs["start_m"] <= pairs["end_t"])]
    d_start = (pairs["start_m"] - pairs["start_t"]).abs().dt.total_seconds() / 60
    d_end = (pairs["end_m"] - pairs["end_t"]).abs().dt.total_seconds() / 60
    return {
        "tumen_port_calls": len(ours),
        "movingpandas_stops": len(stops),
        "movingpandas_stops_at_ports": len(at_port),
        "port_calls_matched": int(pairs["index_t"].nunique()),
        "stops_matched": int(pairs["index_m"].nunique()),
        "median_start_difference_min": float(d_start.median()) if len(pairs) else None,
        "median_end_difference_min": float(d_end.median()) if len(pairs) else None,
    }


# --- NMEA decoding --------------------------------------------------------------------


def decode_single(args: dict) -> dict:
    """:func:`tumen.ais.nmea.read_nmea` in this one process: ``args["engine"]`` ``"numpy"`` (the
    vectorised decoder, the default) or ``"pyais"`` (the line-by-line decoder it replaces);
    the fastest of ``args["calls"]`` calls (default 1), file reading included.
    ``first_call_s``: the first call, which also loads the compiled kernels of
    :mod:`tumen.ais.kernels` from Numba's cache (or compiles them when there is none)."""
    best, first = None, None
    for _ in range(args.get("calls", 1)):
        t0, c0 = time.perf_counter(), time.process_time()
        data = ais_nmea.read_nmea(args["nmea"], engine=args.get("engine", "numpy"))
        seconds, cpu = time.perf_counter() - t0, time.process_time() - c0
        first = seconds if first is None else first
        if best is None or seconds < best[0]:
            best = (seconds, cpu)
    return dict(
        _decode_result(data, best[0], args["nmea"]),
        cpu_s=best[1],
        engine=args.get("engine", "numpy"),
        calls=args.get("calls", 1),
        first_call_s=first,
    )


def decode_pyais_loop(args: dict) -> dict:
    """A bare pyais loop, the library's own rate: every line parsed
    (``NMEAMessage(line)``), single-sentence messages decoded, nothing kept (file reading
    included)."""
    t0, c0 = time.perf_counter(), time.process_time()
    with open(args["nmea"], "rb") as fh:
        lines = fh.read().split(b"\n")
    decoded = 0
    for line in lines:
        try:
            msg = NMEAMessage(line)
            if msg.frag_cnt == 1:
                msg.decode()
                decoded += 1
        except Exception:  # noqa: BLE001 - junk lines: skipped, as a bare loop would
            pass
    seconds, cpu = time.perf_counter() - t0, time.process_time() - c0
    n = Path(args["nmea"]).read_bytes().count(b"\n")
    return {
        "lines": n,
        "decoded": decoded,
        "seconds": seconds,
        "lines_per_s": n / seconds,
        "cpu_s": cpu,
    }


def decode_dask(args: dict) -> dict:
    """:func:`tumen.ais.chunks.read_ais` on a ``LocalCluster`` of worker processes.

    Before the timed read, every worker imports the decoder and loads its compiled kernels
    (:func:`tumen.ais.kernels.warm_up`), as a long-running cluster would have done once:
    ``warm_up_s`` is that step's time, part of ``cluster_startup_s``."""

    t0 = time.perf_counter()
    with (
        LocalCluster(
            n_workers=args["workers"], threads_per_worker=1, processes=True, dashboard_address=None
        ) as cluster,
        Client(cluster) as client,
    ):
        t1 = time.perf_counter()
        client.run(_warm_up_worker)
        startup, warm_up = time.perf_counter() - t0, time.perf_counter() - t1
        before = client.run(time.process_time)
        t0, c0 = time.perf_counter(), time.process_time()
        data = ais_chunks.read_ais(
            args["nmea"],
            "nmea",
            chunk_bytes=args["chunk_bytes"],
            dask_scheduler=client,
            progress=False,
        )
        seconds, client_cpu = time.perf_counter() - t0, time.process_time() - c0
        after = client.run(time.process_time)
    out = _decode_result(data, seconds, args["nmea"])
    worker_cpu = sum(after[w] - before[w] for w in after)
    out.update(
        cluster_startup_s=startup,
        warm_up_s=warm_up,
        workers=args["workers"],
        client_cpu_s=client_cpu,
        worker_cpu_s=worker_cpu,
        chunks=len(
            ais_chunks.plan_chunks(
                [(args["nmea"], Path(args["nmea"]))], "nmea", args["chunk_bytes"]
            )
        ),
        split_messages=_split_messages(args["nmea"], args["chunk_bytes"]),
    )
    return out


def _warm_up_worker() -> None:
    # runs on each dask worker: the imports happen there, in the worker's process
    import tumen.ais.store  # noqa: F401, PLC0415 - the chunked reader and its decoder
    from tumen.ais import kernels as ais_kernels  # noqa: PLC0415 - on the worker

    ais_kernels.warm_up()


def _decode_result(data: ais_records.AisData, seconds: float, path: str) -> dict:
    lines = Path(path).read_bytes().count(b"\n")
    counts = data.skipped["category"].value_counts().to_dict()
    return {
        "lines": lines,
        "positions": len(data.positions),
        "seconds": seconds,
        "lines_per_s": lines / seconds,
        "static": int(counts.get("static", 0)),
        "skipped": {k: int(v) for k, v in counts.items()},
        "digest": _digest(data.positions, data.vessels, data.skipped),
    }


def _split_messages(path: str, chunk_bytes: int) -> int:
    """Two-sentence messages whose parts fall in different chunks."""
    starts = [
        c.first_line for c in ais_chunks.plan_chunks([(path, Path(path))], "nmea", chunk_bytes)
    ]
    chunk_of = lambda n: int(np.searchsorted(starts, n, side="right"))  # noqa: E731
    open_parts, split = {}, 0
    with open(path, "rb") as fh:
        for number, line in enumerate(fh, 1):
            fields = line.split(b"!AIVDM,", 1)[-1].split(b",")
            if len(fields) > 3 and fields[0] == b"2":
                key = (fields[2], fields[3])
                if fields[1] == b"1":
                    open_parts[key] = number
                elif key in open_parts:
                    split += chunk_of(open_parts.pop(key)) != chunk_of(number)
    return split


WORKLOADS = {
    "prepare": prepare,
    "e2e": e2e,
    "ingest": ingest,
    "detectors": detectors,
    "movingpandas": movingpandas,
    "decode_single": decode_single,
    "decode_pyais_loop": decode_pyais_loop,
    "decode_dask": decode_dask,
}


def main(argv: list[str]) -> None:
    name, args = argv[0], json.loads(argv[1])
    result = WORKLOADS[name](args)
    print("RESULT " + json.dumps(result, default=str), flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
