"""``python -m tumen``: a thin command line over the tumen API (the Makefile calls it).

Usage::

    python -m tumen plan   --params params.yaml [--makefile build/.make/params.yaml.mk]
    python -m tumen run    --params params.yaml --notebook rail_traffic
    python -m tumen assemble --params params.yaml [--html] [--pdf]
    python -m tumen build  --params params.yaml      # all of the above, without make
    python -m tumen sources [--update]               # check data/sources.yaml
    python -m tumen publish --params params.yaml     # write published/MANIFEST.json
    python -m tumen verify  --params params.yaml     # rebuild and compare with it
    python -m tumen check-determinism --params params.yaml
    python -m tumen bench-build --params params.yaml

A user mistake (bad parameter, bad input) prints one line and exits with code 2; a failing
notebook prints its failing cell and traceback and exits with code 1.
"""

from __future__ import annotations

import argparse
import signal
import sys
import threading
import time
from pathlib import Path

from tumen.errors import TumenError

# Each command imports what it runs when it runs: `plan` starts on every `make` and must
# not load papermill, nbconvert, matplotlib or WeasyPrint (hence the noqa: PLC0415 below).


def _cmd_plan(a) -> int:
    from tumen.engine import plan  # noqa: PLC0415 - per command (start-up time)

    plan.plan(a.params, Path(a.makefile) if a.makefile else None, slices_only=a.slices_only)
    return 0


def _cmd_run(a) -> int:
    from tumen.engine import runner  # noqa: PLC0415 - per command (start-up time)

    runner.run(a.params, a.notebook, quiet=a.quiet)
    return 0


def _shown_path(out: Path) -> Path:
    return out.relative_to(Path.cwd()) if out.is_relative_to(Path.cwd()) else out


def _cmd_assemble(a) -> int:
    from tumen.engine import params  # noqa: PLC0415 - per command (start-up time)
    from tumen.report import assemble, pdf  # noqa: PLC0415 - per command (start-up time)

    cfg = params.load(a.params)
    both = not (a.html or a.pdf)
    if a.html or both:
        t0 = time.perf_counter()
        out = assemble.write_html(cfg)
        print(f"[html] {_shown_path(out)} … {time.perf_counter() - t0:.1f} s", flush=True)
    if a.pdf or both:
        t0 = time.perf_counter()
        out = pdf.write_pdf(cfg)
        print(f"[pdf]  {_shown_path(out)} … {time.perf_counter() - t0:.1f} s", flush=True)
    return 0


def _cmd_build(a) -> int:
    from tumen.engine import links, plan, runner  # noqa: PLC0415 - per command (start-up time)
    from tumen.report import assemble, pdf  # noqa: PLC0415 - per command (start-up time)

    cfg = plan.plan(a.params, None)
    for nb in links.execution_order(cfg):  # producers before readers; report order otherwise
        runner.run(a.params, nb.name)
    assemble.write_html(cfg)
    pdf.write_pdf(cfg)
    print(f"report: {cfg.dirs.report}/index.html, {cfg.dirs.report}/report.pdf")
    return 0


def _cmd_sources(a) -> int:
    from tumen.engine import sources  # noqa: PLC0415 - per command (start-up time)

    if a.update:
        for p in sources.update():
            print(f"updated sha256: {p}")
    problems = sources.check()
    for p in problems:
        print(p)
    if problems:
        raise TumenError(
            f"{len(problems)} problem(s) in data/sources.yaml", file="data/sources.yaml"
        )
    print("data/sources.yaml: every input file listed, every hash current")
    return 0


def _cmd_check_determinism(a) -> int:
    from tumen.engine import rebuild  # noqa: PLC0415 - per command (start-up time)

    return 0 if rebuild.check_determinism(a.params, keep=a.keep) else 1


def _cmd_bench_build(a) -> int:
    from tumen.engine import rebuild  # noqa: PLC0415 - per command (start-up time)

    rebuild.bench_build(a.params)
    return 0


def _cmd_publish(a) -> int:
    from tumen.engine import verify  # noqa: PLC0415 - per command (start-up time)

    verify.publish(a.params)
    return 0


def _cmd_verify(a) -> int:
    from tumen.engine import verify  # noqa: PLC0415 - per command (start-up time)

    return 0 if verify.verify(a.params) else 1


_FLAG = {"action": "store_true"}
#: command -> (function, help, takes --params, its other options: (flag, argparse keywords))
COMMANDS = {
    "plan": (
        _cmd_plan,
        "validate parameters; write parameter slices and the make rules",
        True,
        [
            ("--makefile", {"help": "where to write the Makefile fragment"}),
            ("--slices-only", {**_FLAG, "help": "write only the parameter slices"}),
        ],
    ),
    "run": (
        _cmd_run,
        "execute one notebook with papermill",
        True,
        [
            (
                "--notebook",
                {"required": True, "help": "notebook short name, e.g. rail_traffic"},
            ),
            ("--quiet", {**_FLAG, "help": "no progress line"}),
        ],
    ),
    "assemble": (
        _cmd_assemble,
        "compile executed notebooks into the HTML report and PDF",
        True,
        [
            ("--html", {**_FLAG, "help": "write index.html only"}),
            ("--pdf", {**_FLAG, "help": "write report.pdf only (from index.html)"}),
        ],
    ),
    "build": (
        _cmd_build,
        "run every notebook and assemble (no make needed; not incremental)",
        True,
        [],
    ),
    "check-determinism": (
        _cmd_check_determinism,
        "build twice from clean copies of the tree and compare all outputs byte for byte",
        True,
        [("--keep", {**_FLAG, "help": "keep the two build folders for inspection"})],
    ),
    "bench-build": (
        _cmd_bench_build,
        "time a cold install, a clean build and a no-op build in a fresh copy; write bench/results/build.json",
        True,
        [],
    ),
    "publish": (
        _cmd_publish,
        "clean build, then write published/MANIFEST.json (hashes and result values)",
        True,
        [],
    ),
    "verify": (
        _cmd_verify,
        "rebuild from a clean copy and compare every input, result and figure with the manifest",
        True,
        [],
    ),
    "sources": (
        _cmd_sources,
        "check data/sources.yaml against the files in data/",
        False,
        [("--update", {**_FLAG, "help": "refresh stale sha256 values first"})],
    ),
}


def parser() -> argparse.ArgumentParser:
    """The argument parser (exposed for tests and help text), built from :data:`COMMANDS`."""
    p = argparse.ArgumentParser(
        prog="python -m tumen",
        description=__doc__.split("\n\n")[0],
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name, (func, help_, takes_params, options) in COMMANDS.items():
        sp = sub.add_parser(name, help=help_, description=help_)
        sp.set_defaults(func=func)
        if takes_params:
            sp.add_argument(
                "--params", default="params.yaml", help="parameters file (default: params.yaml)"
            )
        for flag, kwargs in options:
            sp.add_argument(flag, **kwargs)
    return p


class _Terminated(KeyboardInterrupt):
    """Raised when the process receives SIGTERM (handled like Ctrl-C, so cleanup runs)."""


def _on_sigterm(signum, frame):
    raise _Terminated()


def _on_sigint(signum, frame):
    raise KeyboardInterrupt()


def main(argv=None) -> int:
    """Entry point: run a command; turn project errors into one line and an exit code.

    SIGTERM is handled like Ctrl-C (both raise KeyboardInterrupt at once, even inside an
    event loop): the running notebook's kernel is killed, its
    half-run outputs are removed and the last good outputs stay in place.
    """
    args = parser().parse_args(argv)
    main_thread = threading.current_thread() is threading.main_thread()
    previous = signal.signal(signal.SIGTERM, _on_sigterm) if main_thread else None
    # Our own SIGINT handler (not Python's default) keeps asyncio from installing one that
    # only cancels its task: nbclient could then wait for a busy kernel instead of stopping.
    previous_int = signal.signal(signal.SIGINT, _on_sigint) if main_thread else None
    try:
        return args.func(args)
    except TumenError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt as exc:
        print("interrupted; the last good report is untouched", file=sys.stderr)
        return 143 if isinstance(exc, _Terminated) else 130
    finally:
        if main_thread:
            signal.signal(signal.SIGTERM, previous)
            signal.signal(signal.SIGINT, previous_int)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
