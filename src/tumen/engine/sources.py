"""Provenance of the input files: reading and checking ``data/sources.yaml``.

Every file under ``data/`` has an entry with its kind (``observed``, ``published``,
``reference`` or ``synthetic``), licence, source and sha256. The report shows a banner on
its first page when any file it read is synthetic, and the tests fail when an entry is
missing or its hash is stale (``python -m tumen sources --update`` refreshes hashes after a
deliberate change).

>>> entries = load()                                       # doctest: +SKIP
>>> entries["data/sites.csv"]["kind"]                       # doctest: +SKIP
'reference'
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

from tumen import paths
from tumen.engine.params import parse_yaml
from tumen.errors import DataError

KINDS = ("observed", "published", "reference", "synthetic")
REQUIRED = ("path", "kind", "sha256", "licence", "source")


def sha256(path: Path) -> str:
    """Hex sha256 of a file's bytes."""
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def load(path: Path | None = None) -> dict[str, dict]:
    """Read ``data/sources.yaml`` and return entries keyed by path.

    Raises
    ------
    DataError
        When the file is not valid YAML, an entry lacks a required field or has an unknown kind.
    """
    path = path or paths.data() / "sources.yaml"
    if not path.exists():
        return {}
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise DataError(
            f"byte 0x{exc.object[exc.start]:02x} is not UTF-8",
            file=path,
            line=exc.object[: exc.start].count(b"\n") + 1,
            hint="save the file as UTF-8",
        ) from None
    data = parse_yaml(text, path, DataError)
    if not isinstance(data, dict) or not isinstance(data.get("files") or [], list):
        raise DataError(
            "expected a mapping with a list 'files'",
            file=path,
            line=1,
            field="files",
            hint="files: [{path: ..., kind: ..., sha256: ...}]",
        )
    entries: dict[str, dict] = {}
    for i, entry in enumerate(data.get("files") or []):
        where = {
            "file": path,
            "line": _line_of_entry(text, entry.get("path") if isinstance(entry, dict) else None),
        }
        if not isinstance(entry, dict):
            raise DataError(f"entry {i + 1} is not a mapping", **where)
        for key in REQUIRED:
            if key not in entry:
                raise DataError(
                    f"entry for {entry.get('path', i + 1)!r} lacks {key!r}", field=key, **where
                )
        if entry["kind"] not in KINDS:
            raise DataError(
                f"unknown kind {entry['kind']!r}",
                field="kind",
                **where,
                hint=f"one of {', '.join(KINDS)}",
            )
        entries[str(entry["path"])] = entry
    return entries


def _line_of_entry(text: str, p) -> int | None:
    if not p:
        return None
    for i, line in enumerate(text.splitlines(), start=1):
        if re.match(rf"^\s*-?\s*path:\s*['\"]?{re.escape(str(p))}['\"]?\s*$", line):
            return i
    return None


def check(root: Path | None = None) -> list[str]:
    """Return a list of problems: data files without an entry, stale hashes, missing files."""
    root = root or paths.root()
    entries = load(root / "data" / "sources.yaml")
    problems = []
    on_disk = {
        str(p.relative_to(root))
        for p in (root / "data").rglob("*")
        if p.is_file() and p.name not in ("sources.yaml", "README.md", ".gitignore")
    }
    for rel in sorted(on_disk - set(entries)):
        problems.append(f"{rel}: no entry in data/sources.yaml")
    for rel, entry in sorted(entries.items()):
        f = root / rel
        if not f.exists():
            problems.append(f"{rel}: listed in data/sources.yaml but missing")
        elif sha256(f) != entry["sha256"]:
            problems.append(f"{rel}: sha256 in data/sources.yaml is stale")
    return problems


def synthetic_inputs(files, root: Path | None = None) -> list[str]:
    """Of the given input files, those whose kind is ``synthetic`` (paths from the root)."""
    root = root or paths.root()
    entries = load(root / "data" / "sources.yaml")
    out = []
    for f in files:
        rel = (
            str(Path(f).resolve().relative_to(root.resolve())) if Path(f).is_absolute() else str(f)
        )
        if entries.get(rel, {}).get("kind") == "synthetic":
            out.append(rel)
    return sorted(set(out))


def is_synthetic(files, root: Path | None = None) -> bool:
    """Whether any of the given input files is ``synthetic``; files outside the project,
    or a project without ``data/sources.yaml``, are not synthetic examples.

    >>> is_synthetic(["data/observations/railcars.csv"])       # doctest: +SKIP
    True
    """
    try:
        return bool(synthetic_inputs(list(files), root))
    except (ValueError, DataError):  # outside the project root, or no readable sources file
        return False


def update(root: Path | None = None) -> list[str]:
    """Rewrite the sha256 of every entry whose file changed; return the paths updated.

    Only the ``sha256:`` lines change, so comments and layout in the YAML survive.
    """
    root = root or paths.root()
    path = root / "data" / "sources.yaml"
    text = path.read_text(encoding="utf-8")
    changed = []
    for rel, entry in load(path).items():
        f = root / rel
        new = sha256(f) if f.exists() else entry["sha256"]
        if new != entry["sha256"]:
            text = re.sub(
                rf"(path:\s*['\"]?{re.escape(rel)}['\"]?\s*\n(?:(?!\s*-\s*path:).*\n)*?\s*sha256:\s*)['\"]?{re.escape(str(entry['sha256']))}['\"]?",
                lambda m, new=new: m.group(1) + new,
                text,
                count=1,
            )
            changed.append(rel)
    path.write_text(text, encoding="utf-8")
    return changed
