"""``make lint`` holds: ruff finds nothing and every file is formatted (config in pyproject.toml)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tumen import paths

RUFF = Path(sys.executable).with_name("ruff")
PATHS = ["src", "tests", "scripts", "bench", "notebooks"]


def ruff(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(RUFF), *args, *PATHS], cwd=paths.root(), capture_output=True, text=True, check=False
    )


def test_ruff_check_is_clean():
    out = ruff("check", "--no-cache", "--output-format", "concise")
    assert out.returncode == 0, out.stdout[-3000:] + out.stderr[-1000:]


def test_ruff_format_is_clean():
    out = ruff("format", "--check", "--no-cache")
    assert out.returncode == 0, out.stdout[-3000:] + out.stderr[-1000:]
