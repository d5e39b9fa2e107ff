"""Execute one notebook of the report with papermill, atomically and reproducibly.

The runner injects the notebook's parameter slice plus the paths it writes to, executes it
on the ``tumen`` kernel registered inside the virtual environment, strips everything that
varies between runs (timings, random cell ids, papermill metadata) and only then moves the
executed notebook, its results and its figures into place. A notebook that raises leaves
the previous outputs untouched and its partial copy in ``build/<variant>/failed/``.

>>> run("params.yaml", "rail_traffic")           # doctest: +SKIP
[1/3] rail_traffic … 6.2 s
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import sys
import tempfile
import time
from pathlib import Path

import nbformat
import papermill as pm
from jupyter_client.kernelspec import KernelSpecManager, NoSuchKernel
from jupyter_client.manager import AsyncKernelManager
from traitlets import default

from tumen import paths
from tumen.engine import links
from tumen.engine import params as _params
from tumen.errors import NotebookError, TumenError

KERNEL = "tumen"
_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
_PLAIN_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")


def _user_error_names() -> set[str]:
    """Names of every TumenError subclass (a notebook raising one is a user mistake)."""
    seen, todo = set(), [TumenError]
    while todo:
        cls = todo.pop()
        seen.add(cls.__name__)
        todo.extend(cls.__subclasses__())
    return seen


def kernel_env() -> None:
    """Make the venv's own kernelspec win over any kernel of the user's machine."""
    own = str(Path(sys.prefix) / "share" / "jupyter")
    current = os.environ.get("JUPYTER_PATH", "")
    if not current.startswith(own):
        os.environ["JUPYTER_PATH"] = own + (os.pathsep + current if current else "")
    os.environ.setdefault("PYTHONHASHSEED", "0")
    os.environ.setdefault("MPLBACKEND", "module://matplotlib_inline.backend_inline")
    try:
        spec = KernelSpecManager().get_kernel_spec(KERNEL)
    except NoSuchKernel:
        raise TumenError(
            f"Jupyter kernel {KERNEL!r} is not installed in {sys.prefix}",
            hint="run `make report` (it registers the kernel), or "
            f"{sys.executable} -m ipykernel install --sys-prefix --name {KERNEL}",
        ) from None
    exe = Path(spec.argv[0])
    if exe.resolve().parent != Path(sys.executable).resolve().parent:
        raise TumenError(
            f"kernel {KERNEL!r} runs {exe}, not this environment's Python",
            hint=f"reinstall it: {sys.executable} -m ipykernel install "
            f"--sys-prefix --name {KERNEL}",
        )


def _kill_kernel(sock_dir: str) -> None:
    """Kill the kernel's whole process group, if it is still there.

    An interrupted run must not wait for a busy kernel: jupyter_client's graceful shutdown
    can hang when the interrupt lands inside its event loop, and a kernel runs in its own
    session, so the signal that stopped make never reaches it.
    """
    try:
        pgid = int(Path(sock_dir, "kernel.pgid").read_text())
        os.killpg(pgid, signal.SIGKILL)
    except (OSError, ValueError):  # no kernel started, or it has gone already
        pass


def ipc_kernel_manager(sock_dir: str):
    """A kernel manager talking to the kernel over local IPC sockets instead of TCP.

    The sockets live in a private temporary folder, so concurrent runs (``make -j``) and
    the project tree never see each other's socket files. The kernel's own standard error
    (its log, messages from C libraries) goes to ``kernel.log`` there instead of the
    terminal: jupyter_client interrupts the kernel at every shutdown, which the kernel
    reports there; :func:`_kernel_log` reads the rest when a notebook fails.
    """

    class IPCKernelManager(AsyncKernelManager):
        @default("transport")
        def _default_transport(self):
            return "ipc"

        @default("ip")
        def _default_ip(self):
            return os.path.join(sock_dir, "ipc")

        async def _async_launch_kernel(self, kernel_cmd, **kw):
            with open(os.path.join(sock_dir, "kernel.log"), "ab") as log:
                kw["stderr"] = log
                launched = await super()._async_launch_kernel(kernel_cmd, **kw)
            # the kernel's process group (its own session), for _kill_kernel
            pgid = getattr(self.provisioner, "pgid", None)
            if pgid:
                Path(sock_dir, "kernel.pgid").write_text(f"{pgid}\n")
            return launched

    return IPCKernelManager


def _kernel_log(sock_dir: str, limit: int = 40) -> str:
    """The last lines the kernel wrote to standard error, without the shutdown notice."""
    try:
        text = Path(sock_dir, "kernel.log").read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ""
    lines = [ln for ln in text.splitlines() if "KeyboardInterrupt caught in kernel" not in ln]
    return "\n".join(lines[-limit:]).strip()


def normalise(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """Strip run-dependent metadata so that the same inputs give identical bytes.

    Removes papermill's and nbclient's timing metadata, sets cell ids to ``cell-<n>`` and
    drops the (random) kernel session data; outputs are kept as they are.
    """
    nb.metadata.pop("papermill", None)
    nb.metadata.pop("widgets", None)
    for i, cell in enumerate(nb.cells):
        cell["id"] = f"cell-{i}"
        cell.metadata.pop("papermill", None)
        cell.metadata.pop("execution", None)
        cell.metadata.pop("ExecuteTime", None)
    return nb


def _failure_message(nb: _params.Notebook, exc) -> tuple[str, int]:
    """One readable message for a failed cell, and the exit code to use."""
    tb = _ANSI.sub("", "\n".join(getattr(exc, "traceback", []) or []))
    ename, evalue = getattr(exc, "ename", type(exc).__name__), getattr(exc, "evalue", str(exc))
    if ename in _user_error_names():
        return f"{nb.stem}: {_ANSI.sub('', evalue)}", 2
    src = getattr(exc, "source", "") or ""
    cell_no = getattr(exc, "cell_index", None)
    lines = [
        f"notebook {nb.path} failed in cell {cell_no}:",
        "",
        "  " + src.replace("\n", "\n  "),
        "",
        tb or f"{ename}: {evalue}",
    ]
    return "\n".join(lines), 1


def run(params_path: str | os.PathLike, name: str, *, quiet: bool = False) -> float:
    """Execute one notebook of a build variant and move its outputs into place.

    Parameters
    ----------
    params_path : str or pathlib.Path
        The parameters file of the variant.
    name : str
        Notebook short name (``rail_traffic``) or file stem (``01_rail_traffic``).
    quiet : bool
        Do not print the progress line.

    Returns
    -------
    float
        Wall time of the execution, in seconds.

    Raises
    ------
    NotebookError
        When the notebook raises; the message shows the failing cell and traceback.
    """
    root = paths.root()
    cfg = _params.load(params_path, root=root)
    nb = cfg.notebook(name)
    if not _PLAIN_NAME.match(nb.stem):  # the stem names files under build/: no '/' or '..'
        raise TumenError(
            f"notebook name {nb.stem!r} is not a plain file name",
            file=cfg.source,
            field="report.notebooks",
            hint="letters, digits, '_', '-' and '.'",
        )
    dirs = cfg.dirs
    work, injected = _prepare_work(root, cfg, nb)
    kernel_env()
    if not quiet:
        print(f"      {nb.name} ({nb.index}/{nb.total}) running …", flush=True)
    t0 = time.perf_counter()
    executed = root / work / f"{nb.stem}.ipynb"
    _execute(root, cfg, nb, {**nb.params, **injected}, executed)
    seconds = time.perf_counter() - t0
    _install(root, dirs, nb, executed)
    if not quiet:
        print(f"[{nb.index}/{nb.total}] {nb.name} … {seconds:.1f} s", flush=True)
    return seconds


def _prepare_work(root: Path, cfg: _params.Config, nb: _params.Notebook) -> tuple[Path, dict]:
    """Empty the notebook's work folder; return it and the paths the runner injects."""
    work = cfg.dirs.work / nb.stem
    shutil.rmtree(root / work, ignore_errors=True)
    (root / work / "figures").mkdir(parents=True)
    (root / work / "tables").mkdir(parents=True)
    (root / work / "links").mkdir(parents=True)
    offered = {
        "results_path": str(work / "results.json"),
        "figures_dir": str(work / "figures"),
        "tables_dir": str(work / "tables"),
        "variant": cfg.variant,
        links.LINKS_DIR: str(work / "links"),  # files for the notebooks that link to this one
    }
    # results_path always; the others only where the notebook declares them
    return work, {k: v for k, v in offered.items() if k == "results_path" or k in nb.declared}


def _execute(
    root: Path, cfg: _params.Config, nb: _params.Notebook, parameters: dict, executed: Path
) -> None:
    """Run the notebook with papermill into ``executed``; on failure keep the partial copy
    in ``failed/`` and raise :class:`NotebookError`; on interruption leave no outputs."""
    dirs = cfg.dirs
    sock_dir = tempfile.mkdtemp(prefix="tumen-kernel-")
    try:
        pm.execute_notebook(
            str(root / nb.path),
            str(executed),
            parameters=parameters,
            kernel_name=KERNEL,
            cwd=str(root),
            progress_bar=False,
            log_output=False,
            request_save_on_cell_execute=False,
            kernel_manager_class=ipc_kernel_manager(sock_dir),
        )
    except pm.PapermillExecutionError as exc:
        failed = root / dirs.failed / f"{nb.stem}.ipynb"
        failed.parent.mkdir(parents=True, exist_ok=True)
        if executed.exists():
            shutil.copyfile(executed, failed)
        message, code = _failure_message(nb, exc)
        if code != 2:  # a user error stays one line; a bug points at the partial notebook
            message += f"\n(partial notebook: {failed.relative_to(root)})"
            log = _kernel_log(sock_dir)
            message += f"\nkernel stderr:\n{log}" if log else ""
        err = NotebookError(message)
        err.exit_code = code
        raise err from None
    except BaseException as exc:  # interrupted, or the kernel died: no half-run outputs
        _kill_kernel(sock_dir)
        shutil.rmtree(executed.parent, ignore_errors=True)
        log = "" if isinstance(exc, KeyboardInterrupt) else _kernel_log(sock_dir)
        if log:
            print(f"kernel stderr ({nb.stem}):\n{log}", file=sys.stderr, flush=True)
        raise
    finally:
        shutil.rmtree(sock_dir, ignore_errors=True)


def _install_files(src: Path, dest: Path, listing: Path) -> None:
    """Replace the files a notebook wrote last time (listed in ``listing``) with new ones."""
    dest.mkdir(parents=True, exist_ok=True)
    for old in json.loads(listing.read_text()) if listing.exists() else []:
        (dest / old).unlink(missing_ok=True)
    new = sorted(p.name for p in src.iterdir()) if src.exists() else []
    for fname in new:
        os.replace(src / fname, dest / fname)
    paths.atomic_write(listing, json.dumps(new, indent=1) + "\n")


def _install(root: Path, dirs: paths.VariantDirs, nb: _params.Notebook, executed: Path) -> None:
    """Move figures, results and finally the executed notebook (the Make target) into place."""
    work = executed.parent
    _install_files(
        work / "figures", root / dirs.figures, root / dirs.build / "figlists" / f"{nb.stem}.json"
    )
    _install_files(
        work / "tables", root / dirs.results, root / dirs.build / "tablelists" / f"{nb.stem}.json"
    )

    results_out = root / dirs.results / f"{nb.stem}.json"
    results_out.parent.mkdir(parents=True, exist_ok=True)
    links.install(work / "links", root / links.files_dir(results_out))
    if (work / "results.json").exists():
        os.replace(work / "results.json", results_out)
    else:
        paths.atomic_write(results_out, "{}\n")

    nbnode = normalise(nbformat.read(executed, as_version=4))
    target = root / dirs.notebooks / f"{nb.stem}.ipynb"
    target.parent.mkdir(parents=True, exist_ok=True)
    text = nbformat.writes(nbnode)  # as nbformat.write, which ends the file with a newline
    paths.atomic_write(target, text if text.endswith("\n") else text + "\n")
    (root / dirs.failed / f"{nb.stem}.ipynb").unlink(missing_ok=True)
    shutil.rmtree(work, ignore_errors=True)
