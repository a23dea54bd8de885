"""The figure-file example of config/README.md is a valid figure file that runs."""

from __future__ import annotations

import json
import re

import yaml

from isac_core.cli import main
from tests.conftest import ROOT


def _example() -> str:
    text = (ROOT / "config" / "README.md").read_text()
    return re.search(r"```yaml\n(paper: li_tradeoff.*?)```", text, re.S).group(1)


def test_the_readme_example_validates_and_runs(tmp_path, monkeypatch, capsys):
    figures = tmp_path / "config" / "figures"
    figures.mkdir(parents=True)
    (figures / "li_tradeoff.yaml").write_text(_example())
    keys = list(yaml.safe_load(_example())["figures"])
    config = {"seed": 1, "figures_dir": "config/figures", "select": {"li_tradeoff": keys}}
    (tmp_path / "config" / "config.yaml").write_text(yaml.safe_dump(config))
    monkeypatch.chdir(tmp_path)
    main(["validate"])
    assert f"configuration valid: {len(keys)} figure(s)" in capsys.readouterr().out
    main(["run", "--all", "--results", "out"])
    for key in keys:
        verdict = json.loads((tmp_path / f"out/li_tradeoff/{key}/{key}.check.json").read_text())
        assert verdict["passed"], verdict
