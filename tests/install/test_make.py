"""`make run`, `make test` and `make quick` from a fresh clone: their environment step installs once.

A scratch copy of the repository (at a path with spaces) gets ``make env``, the step both
targets run first: the first call creates .venv and installs the locked versions, the second
installs nothing, and neither target would reinstall (``make -n``). Changing
requirements.lock brings the install back.
"""

from __future__ import annotations

import os
import shutil
import subprocess

import pytest

from tests.conftest import ROOT

pytestmark = pytest.mark.install


def _make(cwd, *args):
    proc = subprocess.run(["make", *args], cwd=cwd, capture_output=True, text=True, timeout=1200)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return proc.stdout


@pytest.fixture(scope="module")
def clone(tmp_path_factory):
    if not shutil.which("make"):
        pytest.skip("make is not installed")
    tracked = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    dest = tmp_path_factory.mktemp("scratch") / "a clone with spaces"
    for rel in tracked.splitlines():
        if (ROOT / rel).is_file():
            (dest / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / rel, dest / rel)
    return dest


def test_the_environment_step_installs_once(clone):
    first = _make(clone, "env")
    assert "creating the virtual environment .venv" in first and "installing isac-sweep" in first
    assert (clone / ".venv" / "bin" / "isac").exists()
    second = _make(clone, "env")
    assert "installing" not in second and "creating" not in second
    assert "up to date with requirements.lock and pyproject.toml" in second
    for target in ("run", "test", "quick"):  # what each target would do now: no install, just its command
        plan = _make(clone, "-n", target)
        assert "pip install" not in plan and "venv" in plan, plan
    assert "snakemake --cores" in _make(clone, "-n", "run") and "pytest" in _make(clone, "-n", "test")
    assert 'pytest -m "not slurm and not dask and not workflow and not browser and not install"' in _make(
        clone, "-n", "quick")


def test_a_changed_lock_reinstalls(clone):
    _make(clone, "env")
    lock, stamp = clone / "requirements.lock", clone / ".venv" / ".installed"
    os.utime(lock, (stamp.stat().st_atime, stamp.stat().st_mtime + 10))  # the lock is now newer
    assert "installing isac-sweep" in _make(clone, "env")
