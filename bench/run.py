"""Benchmarks of the AIS analysis at scale (issue 8); ``make bench`` runs this file.

Four benchmarks on deterministic synthetic AIS (:mod:`tumen.ais.synth`), each workload in
a fresh process (``bench/ais_bench.py``) whose wall time, CPU time and peak memory of the
whole process tree (Dask worker processes included) are measured from outside:

1. ``e2e``: a positions archive (Parquet, time order, default 10 million rows) -> the
   cached store (:func:`tumen.ais.store.ingest`) -> gaps + port calls
   (:func:`tumen.ais.tracks_dask.get_shuttle_tables`); cold (no store yet) and warm (store
   reused). Target: cold <= 30 s and <= 4 GiB.
2. ``movingpandas``: the same gap and stop detection by tumen and by movingpandas
   (``ObservationGapSplitter``, ``TrajectoryStopDetector``) on 200 000 positions: time
   ratio (target >= 50x) and which gaps and stops both find.
3. ``decode``: NMEA decoding (default 1 million lines) in one process with the vectorised
   decoder (:func:`tumen.ais.nmea.read_nmea`, target >= 1 000 000 lines/s and >= 5x a bare pyais
   loop in the same round), with the line-by-line pyais decoder it replaces
   (``engine="pyais"``), with a bare pyais loop, and on a Dask ``LocalCluster`` of two
   worker processes (:func:`tumen.ais.chunks.read_ais`; target >= 1.7x one process):
   lines per second and identical results.
4. ``detectors``: on the store of the ``e2e`` archive (written first, not timed), gaps +
   port calls alone, then gaps + port calls + every detector of the AIS layer
   (``DETECTORS`` in ``bench/ais_bench.py``: encounters and loitering,
   :mod:`tumen.ais.encounters`), each in a fresh process. Target: all within 2x the time
   of gaps + port calls alone, and <= 4 GiB.

Usage::

    python bench/run.py                       # everything, default sizes (about 4 min)
    python bench/run.py --quick               # small sizes, a smoke test (about 1 min)
    python bench/run.py --only decode --nmea-lines 400000
    python bench/run.py --only detectors --positions 1000000
    make bench BENCH_ARGS="--only e2e --positions 2000000"

Inputs are generated once into ``build/bench/`` (keyed by sizes and seed); results go to
``bench/results/ais_scale.json`` and a table on stdout. The machine's load average is
recorded with each measurement: other work on the machine slows every figure.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import resource
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

import dask
import pandas
import psutil

ROOT = Path(__file__).resolve().parents[1]
WORKLOAD = Path(__file__).resolve().parent / "ais_bench.py"
GIB = 1 << 30
TARGETS = {
    "e2e_seconds": 30.0,
    "e2e_peak_gib": 4.0,
    "movingpandas_ratio": 50.0,
    "decode_speedup": 1.7,
    "decode_lines_per_s": 1_000_000,
    "decode_vs_pyais_loop": 5.0,
    "detectors_ratio": 2.0,
    "detectors_peak_gib": 4.0,
}
BENCHMARKS = ("e2e", "movingpandas", "decode", "detectors")


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument(
        "--only",
        default=",".join(BENCHMARKS),
        help="comma-separated benchmarks to run (default: all four)",
    )
    p.add_argument("--positions", type=int, default=10_000_000, help="e2e and detectors positions")
    p.add_argument("--vessels", type=int, default=2_000, help="e2e vessels")
    p.add_argument("--mp-positions", type=int, default=200_000, help="movingpandas positions")
    p.add_argument("--mp-vessels", type=int, default=40, help="movingpandas vessels")
    p.add_argument("--nmea-lines", type=int, default=1_000_000, help="decode: NMEA lines")
    p.add_argument("--workers", type=int, default=2, help="decode: Dask worker processes")
    p.add_argument(
        "--chunk-mib",
        type=float,
        default=8.0,
        help="decode: bytes per decoding task, MiB (the library default: 8)",
    )
    p.add_argument(
        "--repeat",
        type=int,
        default=3,
        help="decode: rounds of one-process and Dask decoding (best of each)",
    )
    p.add_argument(
        "--rows-per-partition", type=int, default=2_000_000, help="e2e: positions per store file"
    )
    p.add_argument(
        "--scheduler",
        default=None,
        help="e2e: dask_scheduler (default: the local default; threads, "
        "processes, an address, or local-cluster: a LocalCluster of one "
        "worker process per core, started inside the measured run)",
    )
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--workdir", default=str(ROOT / "build" / "bench"))
    p.add_argument("--out", default=str(ROOT / "bench" / "results" / "ais_scale.json"))
    p.add_argument(
        "--quick",
        action="store_true",
        help="small sizes (200k / 50k / 100k lines) for a smoke test",
    )
    args = p.parse_args(argv)
    if args.quick:
        args.positions, args.vessels = 200_000, 100
        args.mp_positions, args.mp_vessels = 50_000, 10
        args.nmea_lines, args.chunk_mib, args.repeat = 100_000, 0.5, 1
    return args


# --- measuring a child process --------------------------------------------------------


def run_workload(name: str, params: dict) -> dict:
    """Run one workload in a fresh interpreter; return its result and measurements.

    Peak memory is sampled every 20 ms as the summed RSS of the child and all its
    descendants (``peak_tree_gib``); ``max_rss_gib`` is the largest single process
    (``getrusage(RUSAGE_CHILDREN).ru_maxrss``); ``cpu_s`` is user + system time of the tree.
    """
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    load = os.getloadavg()
    t0 = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, str(WORKLOAD), name, json.dumps(params)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=ROOT,
    )
    peak = _PeakSampler(proc.pid)
    peak.start()
    out, err = proc.communicate()
    wall = time.perf_counter() - t0
    peak.stop()
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode != 0:
        sys.stderr.write(err)
        raise SystemExit(f"bench: workload {name} failed (exit {proc.returncode})")
    result = json.loads(out.strip().splitlines()[-1].removeprefix("RESULT "))
    result["_process"] = {
        "wall_s": round(wall, 2),
        "cpu_s": round((after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime), 2),
        "peak_tree_gib": round(peak.peak / GIB, 3),
        "max_rss_gib": round(after.ru_maxrss * 1024 / GIB, 3),
        "load_before": [round(x, 2) for x in load],
        "load_after": [round(x, 2) for x in os.getloadavg()],
    }
    return result


class _PeakSampler(threading.Thread):
    """Polls the summed RSS of a process tree until stopped."""

    def __init__(self, pid: int, interval: float = 0.02):
        super().__init__(daemon=True)
        self.pid, self.interval, self.peak = pid, interval, 0
        self._stop_event = threading.Event()

    def run(self) -> None:
        try:
            root = psutil.Process(self.pid)
        except psutil.NoSuchProcess:
            return
        while not self._stop_event.is_set():
            total = 0
            try:
                for proc in [root, *root.children(recursive=True)]:
                    try:
                        total += proc.memory_info().rss
                    except psutil.NoSuchProcess:
                        pass
            except psutil.NoSuchProcess:
                return
            self.peak = max(self.peak, total)
            time.sleep(self.interval)

    def stop(self) -> None:
        self._stop_event.set()
        self.join()


_PROBE = (
    "import time\nt = time.perf_counter()\nx = 0\nfor i in range(20_000_000):\n"
    "    x += i\nprint(time.perf_counter() - t)"
)


def probe_parallelism(workers: int) -> dict:
    """How many cores this machine gives us now: a pure-Python loop in one process, then
    in ``workers`` processes at once; ``parallelism`` is ``workers * t1 / t_all``
    (``workers`` on an idle machine, less when other work shares the cores)."""

    def run(n: int) -> float:
        procs = [
            subprocess.Popen([sys.executable, "-c", _PROBE], stdout=subprocess.PIPE, text=True)
            for _ in range(n)
        ]
        return max(float(p.communicate()[0]) for p in procs)

    one = run(1)
    together = run(workers)
    return {
        "one_process_s": round(one, 2),
        f"{workers}_processes_s": round(together, 2),
        "parallelism": round(workers * one / together, 2),
        "load": list(os.getloadavg()),
    }


# --- the benchmarks -------------------------------------------------------------------


def prepare_inputs(args: argparse.Namespace, only: set[str]) -> tuple[Path, dict]:
    sizes = {
        "positions": args.positions if only & {"e2e", "detectors"} else 0,
        "vessels": args.vessels,
        "mp_positions": args.mp_positions if "movingpandas" in only else 0,
        "mp_vessels": args.mp_vessels,
        "nmea_lines": args.nmea_lines if "decode" in only else 0,
        "seed": args.seed,
        "generator": hashlib.sha256(
            b"".join((ROOT / f"src/tumen/ais/{m}.py").read_bytes() for m in ("synth", "synth_nmea"))
        ).hexdigest()[:12],
    }
    key = hashlib.sha256(json.dumps(sizes, sort_keys=True).encode()).hexdigest()[:16]
    data = Path(args.workdir) / f"data-{key}"
    print(f"[bench] inputs in {data} …", flush=True)
    info = run_workload("prepare", dict(sizes, dir=str(data)))
    return data, info


def _store_params(args: argparse.Namespace, data: Path, cache: Path) -> dict:
    """Arguments of the workloads that ingest the e2e archive into a store at ``cache``
    (emptied first)."""
    shutil.rmtree(cache, ignore_errors=True)
    return {
        "positions": str(data / "e2e_positions.parquet"),
        "sites": str(data / "sites.csv"),
        "cache_dir": str(cache),
        "rows_per_partition": args.rows_per_partition,
        "scheduler": args.scheduler,
    }


def bench_e2e(args: argparse.Namespace, data: Path) -> dict:
    cache = Path(args.workdir) / "e2e-cache"
    params = _store_params(args, data, cache)
    print("[bench] e2e: cold (ingest + detection) …", flush=True)
    cold = run_workload("e2e", params)
    print("[bench] e2e: warm (store reused) …", flush=True)
    warm = run_workload("e2e", params)
    shutil.rmtree(cache, ignore_errors=True)
    return {"cold": cold, "warm": warm, "same_results": cold["digest"] == warm["digest"]}


def bench_detectors(args: argparse.Namespace, data: Path) -> dict:
    """The store of the e2e archive, then gaps + port calls alone and with every detector,
    each in a fresh process reading that store."""
    cache = Path(args.workdir) / "detectors-cache"
    params = _store_params(args, data, cache)
    print("[bench] detectors: writing the store …", flush=True)
    store = run_workload("ingest", params)
    print("[bench] detectors: gaps + port calls alone …", flush=True)
    base = run_workload("detectors", dict(params, all=False))
    print("[bench] detectors: gaps + port calls + every detector …", flush=True)
    every = run_workload("detectors", dict(params, all=True))
    shutil.rmtree(cache, ignore_errors=True)
    same = (
        base["steps"]["gaps_and_port_calls"]["digest"]
        == every["steps"]["gaps_and_port_calls"]["digest"]
    )
    return {
        "store": store,
        "base": base,
        "all": every,
        "same_results": same,
        "ratio": every["detect_s"] / base["detect_s"],
        "ratio_process": every["_process"]["wall_s"] / base["_process"]["wall_s"],
    }


def bench_movingpandas(args: argparse.Namespace, data: Path) -> dict:
    print("[bench] movingpandas comparison …", flush=True)
    return run_workload(
        "movingpandas",
        {
            "positions": str(data / "mp_positions.parquet"),
            "sites": str(data / "sites.csv"),
            "min_gap_h": 6.0,
            "min_dwell_h": 2.0,
            "max_diameter_m": 500.0,
        },
    )


def bench_decode(args: argparse.Namespace, data: Path) -> dict:
    """Alternate one-process and Dask decoding ``--repeat`` times (each round probes the
    free cores first); the headline compares the best rate of each."""
    nmea = str(data / "decode.nmea")
    on_dask = {
        "nmea": nmea,
        "workers": args.workers,
        "chunk_bytes": int(args.chunk_mib * (1 << 20)),
    }
    rounds = []
    for i in range(args.repeat):
        print(
            f"[bench] decode, round {i + 1} of {args.repeat}: free cores, one process, "
            f"Dask with {args.workers} workers …",
            flush=True,
        )
        probe = probe_parallelism(args.workers)
        single = run_workload("decode_single", {"nmea": nmea, "calls": 3})
        old = run_workload("decode_single", {"nmea": nmea, "engine": "pyais"})
        loop = run_workload("decode_pyais_loop", {"nmea": nmea})
        dask_ = run_workload("decode_dask", on_dask)
        rounds.append(
            {
                "parallelism": probe,
                "single": single,
                "old": old,
                "pyais_loop": loop,
                "dask": dask_,
                "speedup": dask_["lines_per_s"] / single["lines_per_s"],
                "vs_pyais_loop": single["lines_per_s"] / loop["lines_per_s"],
                "vs_old": single["lines_per_s"] / old["lines_per_s"],
            }
        )
    best = lambda key: max((r[key] for r in rounds), key=lambda r: r["lines_per_s"])  # noqa: E731
    best_single, best_dask = best("single"), best("dask")
    digests = {r[k]["digest"] for r in rounds for k in ("single", "old", "dask")}
    return {
        "single": best_single,
        "old": best("old"),
        "pyais_loop": best("pyais_loop"),
        "dask": best_dask,
        "rounds": rounds,
        "speedup": best_dask["lines_per_s"] / best_single["lines_per_s"],
        "vs_pyais_loop": max(r["vs_pyais_loop"] for r in rounds),
        "projected_idle_speedup": projected_speedup(best_single, best_dask),
        "same_results": len(digests) == 1,
    }


def projected_speedup(single: dict, dask_: dict) -> float:
    """The speedup the measured CPU seconds imply on idle cores (not a measurement): the
    one-process CPU time over the Dask run's CPU time spread on its workers, plus the
    client's (concatenating the chunks, in series)."""
    parallel = dask_["worker_cpu_s"] / dask_["workers"]
    return single["cpu_s"] / (parallel + dask_["client_cpu_s"])


# --- report ---------------------------------------------------------------------------


def summary_rows(results: dict) -> list[tuple[str, str, str, str]]:
    """(benchmark, measured, target, verdict) rows of the printed table."""
    rows = []
    ok = lambda good: "ok" if good else "MISSED"  # noqa: E731
    if "e2e" in results:
        cold, warm = results["e2e"]["cold"], results["e2e"]["warm"]
        pc, pw = cold["_process"], warm["_process"]
        rows.append(
            (
                f"e2e cold: {cold['positions']:,} positions -> store -> gaps + calls",
                f"{pc['wall_s']:.1f} s (ingest {cold['ingest_s']:.1f} + detect "
                f"{cold['detect_s']:.1f}), cpu {pc['cpu_s']:.0f} s",
                f"<= {TARGETS['e2e_seconds']:.0f} s",
                ok(pc["wall_s"] <= TARGETS["e2e_seconds"]),
            )
        )
        rows.append(
            (
                "e2e cold: peak memory (process tree)",
                f"{pc['peak_tree_gib']:.2f} GiB",
                f"<= {TARGETS['e2e_peak_gib']:.0f} GiB",
                ok(pc["peak_tree_gib"] <= TARGETS["e2e_peak_gib"]),
            )
        )
        rows.append(
            (
                "e2e warm: store reused -> gaps + calls",
                f"{pw['wall_s']:.1f} s (detect {warm['detect_s']:.1f}), "
                f"{pw['peak_tree_gib']:.2f} GiB",
                "",
                "",
            )
        )
        rows.append(
            (
                "e2e: gaps / port calls found",
                f"{cold['gaps']:,} / {cold['port_calls']:,}",
                "",
                "same" if results["e2e"]["same_results"] else "DIFFER",
            )
        )
    if "movingpandas" in results:
        m = results["movingpandas"]
        s, g = m["stops"], m["gaps"]
        rows.append(
            (
                f"movingpandas: {m['positions']:,} positions, time ratio",
                f"{m['ratio_dask']:.0f}x (tumen {m['tumen_dask_s']:.2f} s via Dask, "
                f"{m['tumen_pandas_s']:.2f} s pandas; movingpandas "
                f"{m['movingpandas_s']:.1f} s)",
                f">= {TARGETS['movingpandas_ratio']:.0f}x",
                ok(m["ratio_dask"] >= TARGETS["movingpandas_ratio"]),
            )
        )
        rows.append(
            (
                "movingpandas: gaps found by both",
                f"{g['both']} of {g['tumen']} (tumen) / {g['movingpandas']} "
                f"(movingpandas); {g['both_lone_fixes_merged']} of "
                f"{g['tumen_lone_fixes_merged']} / {g['movingpandas']} once "
                f"{g['lone_fixes']} lone fixes are merged",
                "all",
                ok(
                    g["both_lone_fixes_merged"] == g["tumen_lone_fixes_merged"] == g["movingpandas"]
                ),
            )
        )
        rows.append(
            (
                "movingpandas: port calls / stops at ports found by both",
                f"{s['port_calls_matched']} of {s['tumen_port_calls']} calls, "
                f"{s['stops_matched']} of {s['movingpandas_stops_at_ports']} stops",
                "all",
                ok(
                    s["port_calls_matched"] == s["tumen_port_calls"]
                    and s["stops_matched"] == s["movingpandas_stops_at_ports"]
                ),
            )
        )
    if "decode" in results:
        d = results["decode"]
        rounds = d["rounds"]
        rows.append(
            (
                f"decode: {d['single']['lines']:,} NMEA lines, one process, vectorised "
                f"(best of {len(rounds)} x 3)",
                f"{d['single']['lines_per_s']:,.0f} lines/s",
                f">= {TARGETS['decode_lines_per_s']:,}",
                ok(d["single"]["lines_per_s"] >= TARGETS["decode_lines_per_s"]),
            )
        )
        rows.append(
            (
                "decode: first call in the process (kernels loaded from Numba's cache)",
                ", ".join(f"{r['single'].get('first_call_s', float('nan')):.2f} s" for r in rounds),
                "",
                "",
            )
        )
        rows.append(
            (
                "decode: one process, read_nmea(engine='pyais') (before)",
                f"{d['old']['lines_per_s']:,.0f} lines/s",
                "",
                "",
            )
        )
        rows.append(
            (
                "decode: one process, a bare pyais loop",
                f"{d['pyais_loop']['lines_per_s']:,.0f} lines/s",
                "",
                "",
            )
        )
        rows.append(
            (
                "decode: vectorised / bare pyais loop, same round (best round)",
                ", ".join(f"{r['vs_pyais_loop']:.2f}x" for r in rounds),
                f">= {TARGETS['decode_vs_pyais_loop']:.0f}x",
                ok(d["vs_pyais_loop"] >= TARGETS["decode_vs_pyais_loop"]),
            )
        )
        rows.append(
            (
                f"decode: Dask, {d['dask']['workers']} workers "
                f"({d['dask']['chunks']} chunks, {d['dask']['split_messages']} split "
                f"messages), best of {len(rounds)}",
                f"{d['dask']['lines_per_s']:,.0f} lines/s = {d['speedup']:.2f}x",
                f">= {TARGETS['decode_speedup']}x",
                ok(d["speedup"] >= TARGETS["decode_speedup"]),
            )
        )
        rows.append(
            (
                "decode: CPU seconds, one process / Dask workers + client",
                f"{d['single']['cpu_s']:.1f} / {d['dask']['worker_cpu_s']:.1f} + "
                f"{d['dask']['client_cpu_s']:.1f}: {d['projected_idle_speedup']:.2f}x "
                "on idle cores (projected)",
                "",
                "",
            )
        )
        rows.append(
            (
                "decode: per round, speedup (cores free for 2 processes)",
                ", ".join(
                    f"{r['speedup']:.2f}x ({r['parallelism']['parallelism']:.2f})" for r in rounds
                ),
                "",
                "",
            )
        )
        rows.append(
            (
                "decode: vectorised = pyais reader = Dask (hash of positions, vessels, skipped)",
                "yes" if d["same_results"] else "NO",
                "yes",
                ok(d["same_results"]),
            )
        )
    if "detectors" in results:
        rows.extend(_detector_rows(results["detectors"], ok))
    return rows


def _detector_rows(d: dict, ok) -> list[tuple[str, str, str, str]]:
    base, every = d["base"], d["all"]
    steps = every["steps"]
    return [
        (
            f"detectors: {every['positions']:,} positions (store), all / gaps + calls alone",
            f"{d['ratio']:.2f}x ({every['detect_s']:.1f} s / {base['detect_s']:.1f} s; whole "
            f"processes {every['_process']['wall_s']:.1f} / {base['_process']['wall_s']:.1f} s)",
            f"<= {TARGETS['detectors_ratio']:.0f}x",
            ok(d["ratio"] <= TARGETS["detectors_ratio"]),
        ),
        (
            "detectors: peak memory of all (process tree)",
            f"{every['_process']['peak_tree_gib']:.2f} GiB (gaps + calls alone "
            f"{base['_process']['peak_tree_gib']:.2f})",
            f"<= {TARGETS['detectors_peak_gib']:.0f} GiB",
            ok(every["_process"]["peak_tree_gib"] <= TARGETS["detectors_peak_gib"]),
        ),
        (
            "detectors: each step, seconds (events found)",
            ", ".join(f"{k} {v['seconds']:.1f} ({v['rows']:,})" for k, v in steps.items()),
            "",
            "same" if d["same_results"] else "DIFFER",
        ),
    ]


def print_table(rows: list[tuple[str, str, str, str]]) -> None:
    widths = [max(len(r[i]) for r in rows) for i in range(4)]
    line = "  ".join("-" * w for w in widths)
    print(line)
    for r in rows:
        print("  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip())
    print(line)


def machine() -> dict:
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
    ).stdout.strip()
    return {
        "cpus": os.cpu_count(),
        "memory_gib": round(psutil.virtual_memory().total / GIB, 1),
        "python": platform.python_version(),
        "pandas": pandas.__version__,
        "dask": dask.__version__,
        "commit": commit,
    }


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    only = {b.strip() for b in args.only.split(",") if b.strip()}
    unknown = only - set(BENCHMARKS)
    if unknown:
        raise SystemExit(
            f"bench: unknown benchmark {sorted(unknown)[0]!r} (use {', '.join(BENCHMARKS)})"
        )
    data, inputs = prepare_inputs(args, only)
    results: dict = {
        "machine": machine(),
        "inputs": inputs,
        "targets": TARGETS,
        "args": {k: v for k, v in vars(args).items() if k not in ("out", "workdir")},
    }
    steps = {
        "e2e": bench_e2e,
        "movingpandas": bench_movingpandas,
        "decode": bench_decode,
        "detectors": bench_detectors,
    }
    for name in BENCHMARKS:
        if name in only:
            results[name] = steps[name](args, data)
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_suffix(".json.tmp")
    tmp.write_text(json.dumps(results, indent=1, default=str) + "\n")
    os.replace(tmp, out)
    print_table(summary_rows(results))
    print(f"[bench] results: {out.relative_to(ROOT) if out.is_relative_to(ROOT) else out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
