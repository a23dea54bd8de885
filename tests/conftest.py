"""Shared fixtures: the repository root and throw-away copies of the configuration."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def repo_root() -> Path:
    return ROOT


@pytest.fixture
def test_config(tmp_path) -> Path:
    """A copy of .test/config in a fresh working directory; returns that directory."""
    shutil.copytree(ROOT / ".test" / "config", tmp_path / "config")
    return tmp_path


def read_yaml(path):
    with open(path) as fh:
        return yaml.safe_load(fh)


def write_yaml(path, data):
    with open(path, "w") as fh:
        yaml.safe_dump(data, fh, sort_keys=False)


def edited_slurm_profile(folder: Path, account: str = "isac", partition: str = "debug", **settings) -> Path:
    """A copy of profiles/slurm with the account and partition set (what the README asks of a user)."""
    folder.mkdir(parents=True)
    data = read_yaml(ROOT / "profiles" / "slurm" / "config.yaml")
    data["default-resources"].update({"slurm_account": account, "slurm_partition": partition})
    data.update(settings)
    write_yaml(folder / "config.yaml", data)
    return folder
