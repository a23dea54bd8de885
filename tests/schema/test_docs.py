"""The README's "add a sweep" example is a valid figure entry."""

from __future__ import annotations

import re
import shutil

import yaml

from isac_core.config import load_experiment
from tests.conftest import ROOT, read_yaml, write_yaml


def test_readme_sweep_example_validates(tmp_path):
    readme = (ROOT / "README.md").read_text()
    block = re.search(r"```yaml\n(  fig3_alpha:.*?)```", readme, re.S).group(1)
    entry = yaml.safe_load(block)
    shutil.copytree(ROOT / "config", tmp_path / "config")
    path = tmp_path / "config/figures/li_tradeoff.yaml"
    data = read_yaml(path)
    data["figures"].update(entry)
    write_yaml(path, data)
    config = {**read_yaml(tmp_path / "config/config.yaml"), "select": {"li_tradeoff": ["fig3_alpha"]}}
    (spec,) = load_experiment(config, workdir=tmp_path)
    assert spec.dims == ("D", "alpha") and spec.shape == (2, 41)
