"""requirements.txt and environment.yml describe the same pinned environment."""

import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]


def _norm(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def requirements() -> dict[str, str]:
    pins = {}
    for line in (ROOT / "requirements.txt").read_text().splitlines():
        line = line.split("#")[0].strip()
        if line:
            name, _, version = line.partition("==")
            assert version, f"requirements.txt: {line!r} is not pinned with =="
            pins[_norm(name)] = version
    return pins


def environment() -> dict[str, str]:
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    assert "conda-forge" in env["channels"]
    pins = {}
    for dep in env["dependencies"]:
        if isinstance(dep, dict):
            for item in dep["pip"]:
                if item.startswith("-e"):
                    continue
                name, _, version = item.partition("==")
                pins[_norm(name)] = version
        elif dep not in ("pip",) and not dep.startswith("python="):
            name, _, version = dep.partition("=")
            pins[_norm(name)] = version.lstrip("=")
    return pins


def test_every_requirement_is_pinned_exactly():
    assert len(requirements()) >= 20


def test_environment_yml_matches_requirements():
    req, env = requirements(), environment()
    assert set(env) == set(req), f"only in one file: {sorted(set(env) ^ set(req))}"
    differ = {n: (req[n], env[n]) for n in req if req[n] != env[n]}
    assert not differ, f"versions differ (requirements, environment): {differ}"


def test_python_version_is_311():
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    assert "python=3.11" in env["dependencies"]
