"""The ``isac`` command: list, validate, run one figure, and config errors (status: tests/workflow)."""

from __future__ import annotations

import json

import pytest

from isac_core.cli import main
from tests.conftest import read_yaml, write_yaml


def test_list_and_validate(test_config, monkeypatch, capsys):
    monkeypatch.chdir(test_config)
    main(["list"])
    out = capsys.readouterr().out
    assert "li_tradeoff" in out and "p_s [W]" in out and "li_tradeoff/fig3" in out
    main(["validate"])
    assert "configuration valid: 2 figure(s)" in capsys.readouterr().out


def test_run_one_figure(test_config, monkeypatch, capsys):
    monkeypatch.chdir(test_config)
    main(["run", "li_tradeoff/fig3", "--results", "out"])
    verdict = json.loads((test_config / "out/li_tradeoff/fig3/fig3.check.json").read_text())
    assert verdict["passed"] and verdict["checks"][0]["expected"] == 0.3245
    assert (test_config / "out/li_tradeoff/fig3/fig3.png").stat().st_size > 0
    assert "li_tradeoff/fig3: pass -> out/li_tradeoff/fig3/fig3.png" in capsys.readouterr().out


def test_bad_config_exits_with_message(test_config, monkeypatch):
    monkeypatch.chdir(test_config)
    path = test_config / "config/figures/li_tradeoff.yaml"
    data = read_yaml(path)
    data["figures"]["fig5"]["grid"]["n"] = {"values": [-10]}
    write_yaml(path, data)
    with pytest.raises(SystemExit) as info:
        main(["validate"])
    assert "figure 'fig5', key 'grid.n'" in str(info.value.code)


def test_status_without_the_workflow_says_so_in_one_line(test_config, monkeypatch, tmp_path):
    from isac_core import cli

    monkeypatch.chdir(test_config)
    monkeypatch.setattr(cli, "SNAKEFILE", tmp_path / "no" / "Snakefile")
    with pytest.raises(SystemExit) as info:
        main(["status"])
    message = str(info.value.code)
    assert message.startswith("isac: no workflow at ") and "\n" not in message, message
