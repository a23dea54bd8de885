"""requirements.lock pins what the project needs, and is what this environment runs.

CI installs from the lock (README's set-up), so the versions tested are the locked ones.
"""

from __future__ import annotations

import re
from importlib import metadata

import pytest

from tests.conftest import ROOT


def _lock() -> dict[str, str]:
    pins = {}
    for line in (ROOT / "requirements.lock").read_text().splitlines():
        if line and not line.startswith("#"):
            name, version = line.split("==")
            pins[re.sub(r"[-_.]+", "-", name).lower()] = version
    return pins


def _requirement_names() -> list[str]:
    tomllib = pytest.importorskip("tomllib")  # Python >= 3.11, as the lock
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    reqs = project["dependencies"] + project["optional-dependencies"]["test"]
    return [re.sub(r"[-_.]+", "-", re.match(r"[A-Za-z0-9_.-]+", r).group(0)).lower() for r in reqs]


def test_every_dependency_is_pinned():
    pins = _lock()
    missing = [n for n in _requirement_names() if n not in pins]
    assert not missing, f"not in requirements.lock: {missing}"


@pytest.mark.parametrize("name", sorted(_lock()))
def test_the_installed_version_is_the_locked_one(name):
    assert metadata.version(name) == _lock()[name], f"{name}: reinstall with pip install -r requirements.lock"


def test_conda_environment_uses_the_lock():
    text = (ROOT / "environment.yml").read_text()
    assert "-r requirements.lock" in text and '-e ".[test]"' in text
