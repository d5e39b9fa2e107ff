"""Every directory of the project, in one place.

Directories derive from the package location (``src/tumen`` → project root), or from the
environment variable ``TUMEN_ROOT`` when it is set (the Makefile sets it to the directory
``make`` runs in, so a copy of the project builds into itself). Notebooks never compute
paths; they receive them as parameters from the runner, relative to the project root.

Opened in Jupyter instead, a notebook's kernel starts in ``notebooks/``: its first code
cell calls :func:`enter_project`, which makes the project root the working directory, so
the same relative paths work; the defaults of its parameters cell write to the scratch
folder :func:`lab_dir` (``build/lab/<notebook>/``), never into ``notebooks/``.

>>> from tumen import paths
>>> paths.variant_dirs("default").report.name
'default'
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent


def root() -> Path:
    """Return the project root (``TUMEN_ROOT`` if set, else two levels above the package)."""
    env = os.environ.get("TUMEN_ROOT")
    return Path(env).resolve() if env else PACKAGE.parents[1]


def data() -> Path:
    """Return the read-only input directory ``data/``."""
    return root() / "data"


def geo() -> Path:
    """Return ``data/geo/``, the offline Natural Earth and rail-network layers."""
    return data() / "geo"


TEMPLATES = PACKAGE / "templates"

#: Scratch folder of notebooks run interactively (``make lab``), relative to the root.
LAB = Path("build") / "lab"


def lab_dir(stem: str) -> Path:
    """Return the scratch folder of one notebook run in Jupyter, relative to the root.

    The defaults of ``results_path``, ``figures_dir`` and ``tables_dir`` in a notebook's
    parameters cell point here; the runner always overrides them.

    >>> lab_dir("01_rail_traffic").as_posix()
    'build/lab/01_rail_traffic'
    """
    return LAB / stem


def enter_project() -> Path:
    """Make the project root the working directory, and return it.

    Parameters in a notebook are paths relative to the project root. The runner starts
    the kernel there, so this does nothing in a build; a kernel started by JupyterLab
    in ``notebooks/`` (or anywhere else) moves to the root, so that "Run all" reads the
    same files. The root is :func:`root` (``TUMEN_ROOT`` or the package location).

    >>> enter_project() == root()                                   # doctest: +SKIP
    True
    """
    top = root()
    if Path.cwd().resolve() != top:
        os.chdir(top)
    return top


@dataclass(frozen=True)
class VariantDirs:
    """The output folders of one build variant (all relative to the project root)."""

    variant: str
    build: Path
    notebooks: Path
    results: Path
    params: Path
    failed: Path
    work: Path
    figures: Path
    report: Path

    def all(self) -> list[Path]:
        """Return every folder, for creation or removal."""
        return [
            self.build,
            self.notebooks,
            self.results,
            self.params,
            self.failed,
            self.work,
            self.figures,
            self.report,
        ]


def variant_dirs(variant: str, base: Path | None = None) -> VariantDirs:
    """Return the output folders of a variant.

    Parameters
    ----------
    variant : str
        Variant name from ``report.variant`` in the parameters (e.g. ``"default"``).
    base : pathlib.Path, optional
        Directory the paths are relative to; ``None`` gives paths relative to the project
        root, which is what goes into notebooks so that outputs never embed an absolute
        path (two checkouts build byte-identical files).
    """
    b = Path(".") if base is None else base
    build = b / "build" / variant
    return VariantDirs(
        variant=variant,
        build=build,
        notebooks=build / "notebooks",
        results=build / "results",
        params=build / "params",
        failed=build / "failed",
        work=build / "work",
        figures=b / "figures" / variant,
        report=b / "report" / variant,
    )


def atomic_write(target: Path, data: bytes | str) -> Path:
    """Write ``data`` to ``target`` so that a reader sees the old file or the new one, never
    half of one: a temporary file beside it (unique per process, so parallel ``make -j`` jobs
    do not collide), then :func:`os.replace`. Text is written as UTF-8. An interrupted or
    failed write (disk full) leaves no temporary file behind."""
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    try:
        tmp.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
        os.replace(tmp, target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return target
