"""Links between notebooks: the order they run in, and the files a notebook leaves for others.

A notebook reads another notebook's results through a parameter ending ``_results``
(:data:`LINK_KEY_RE`). The links decide the execution order:
:func:`execution_order` runs every producer before its readers and otherwise keeps the order
of ``report.notebooks``, which stays the order of the report (a summary listed first may
read the sections that follow it). :func:`check_no_cycle` rejects links that go round in a
circle. Besides its results a notebook may write files for its readers (route geometry,
say) into the folder injected as ``links_dir``; the runner installs them beside its results
file, in :func:`files_dir` of it (``build/<variant>/results/<notebook>/``), replacing the
previous run's (:func:`install`). They are not tables: no manifest lists them.

>>> [nb.stem for nb in execution_order(cfg)]                      # doctest: +SKIP
['01_rail_traffic', '02_vessel_shuttle', '03_route_to_depot', '00_overview']
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

from tumen.errors import ParameterError

#: The injected parameter naming the folder for files other notebooks read.
LINKS_DIR = "links_dir"
#: Parameters that link a notebook to another notebook's results (``shuttle_results:
#: build/{variant}/results/02_vessel_shuttle.json``): ``{variant}`` becomes the build's
#: variant, ``""`` means not linked. The producing notebook runs first
#: (:func:`execution_order`) and a rerun of it reruns the reader
#: (:func:`tumen.engine.plan.makefile`); links may not form a cycle.
LINK_KEY_RE = re.compile(r"_results$")


def linked_values(nb) -> list[str]:
    """The results files ``nb`` links to (its non-empty ``*_results`` parameters), in order."""
    return [
        value
        for key, value in nb.params.items()
        if LINK_KEY_RE.search(key) and isinstance(value, str) and value
    ]


def producers(nb, cfg) -> list:
    """The notebooks of the build whose results ``nb`` reads (its links), in link order."""
    out = []
    for value in linked_values(nb):
        producer = cfg.producer(value)
        if producer is not None and producer not in out:
            out.append(producer)
    return out


def execution_order(cfg) -> tuple:
    """The notebooks of ``cfg`` in the order they run: each after the notebooks it reads,
    otherwise in the order of ``report.notebooks`` (a stable topological order).

    Raises
    ------
    ParameterError
        When the links form a cycle (:func:`load <tumen.engine.params.load>` rejects that
        first, with the file and line).
    """
    done: list = []
    todo = list(cfg.notebooks)
    while todo:
        for nb in todo:
            if all(p in done or p is nb for p in producers(nb, cfg)):
                done.append(nb)
                todo.remove(nb)
                break
        else:
            raise ParameterError(
                "the linked results form a cycle: " + ", ".join(nb.stem for nb in todo),
                file=cfg.source,
                field="report.notebooks",
            )
    return tuple(done)


def check_no_cycle(links: list[tuple[str, str, dict]]) -> None:
    """Reject links that make a notebook wait for itself.

    Parameters
    ----------
    links : list of (reader, producer, where)
        One entry per linked-results parameter: the reading notebook's stem, the producing
        notebook's stem and where the parameter is set (``file``, ``line``, ``field`` for
        :class:`tumen.errors.ParameterError`).

    Raises
    ------
    ParameterError
        Naming the first link (in the order given) that lies on a cycle.

    >>> check_no_cycle([("00_a", "03_b", {}), ("03_b", "02_c", {})])  # no cycle: no error
    """
    graph: dict[str, set[str]] = {}
    for reader, producer, _ in links:
        graph.setdefault(reader, set()).add(producer)
    for reader, producer, where in links:
        path = _path(graph, producer, reader)
        if path is not None:
            if producer == reader:
                message = f"{reader} links to its own results"
            else:
                message = (
                    f"linked results of {producer}, which reads the results of "
                    f"{' → '.join(path[1:])}: the links form a cycle"
                )
            raise ParameterError(
                message,
                **where,
                hint="a notebook can read only results that do not depend on its own",
            )


def _path(graph: dict[str, set[str]], start: str, goal: str) -> list[str] | None:
    """A chain of links from ``start`` to ``goal`` (both included), or None."""
    seen: set[str] = set()
    todo = [[start]]
    while todo:
        chain = todo.pop(0)
        if chain[-1] == goal:
            return chain
        for nxt in sorted(graph.get(chain[-1], ())):
            if nxt not in seen:
                seen.add(nxt)
                todo.append([*chain, nxt])
    return None


def files_dir(results_file: str | os.PathLike) -> Path:
    """The folder of the files a notebook left for its readers, beside its results file.

    >>> files_dir("build/default/results/03_route_to_depot.json").as_posix()
    'build/default/results/03_route_to_depot'
    """
    return Path(results_file).with_suffix("")


def install(written: Path, dest: Path) -> None:
    """Replace ``dest`` with the folder ``written`` (no folder when nothing was written)."""
    shutil.rmtree(dest, ignore_errors=True)
    if written.is_dir() and any(written.iterdir()):
        dest.parent.mkdir(parents=True, exist_ok=True)
        os.replace(written, dest)
