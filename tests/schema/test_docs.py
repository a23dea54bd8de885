"""The docs match the code: the README's "add a sweep" example is a valid figure entry, and
config/README.md documents every check kind with every key it reads."""

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


def test_config_readme_documents_every_check_kind_and_its_keys():
    from isac_core.checks import KINDS

    text = (ROOT / "config/README.md").read_text()
    rows = dict(re.findall(r"^\| `(\w+)` \| (.*)$", text, re.M))
    assert set(KINDS) <= set(rows), sorted(set(KINDS) - set(rows))
    for name, kind in KINDS.items():
        undocumented = [k for k in sorted(kind.needs | kind.takes) if f"`{k}`" not in rows[name]
                        and f"`{k}:" not in rows[name]]
        assert not undocumented, f"config/README.md, check kind {name!r}: {undocumented} not described"

