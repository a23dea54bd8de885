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
    assert "li_tradeoff" in out and "li_tradeoff/fig3" in out
    assert "      p_s [W]: sensing transmit power; default 0.5" in out
    main(["validate"])
    assert "configuration valid: 2 figure(s)" in capsys.readouterr().out


def test_list_explains_every_parameter(capsys):
    from isac_core.models import available_models, get_model

    main(["list", "meng_coop"])
    out = capsys.readouterr().out
    model = get_model("meng_coop")
    for name, p in model.parameters.items():
        line = next(x for x in out.splitlines() if x.strip().startswith(f"{name} ") or x.strip().startswith(f"{name}:"))
        assert p.long_name in line and "default" in line, line
        assert (p.units == "1") or f"[{p.units}]" in line, line
    assert "psi" in out and "mu_s" in out
    with pytest.raises(SystemExit) as info:
        main(["list", "meng_cop"])
    assert "did you mean 'meng_coop'?" in str(info.value.code)
    assert {"li_tradeoff", "sun_blockage", "meng_coop", "han_survey", "sui_coop6g"} <= set(available_models())


def test_checks_lists_every_kind_with_its_keys(capsys):
    from isac_core.checks import KINDS

    main(["checks"])
    out = capsys.readouterr().out
    for name, kind in KINDS.items():
        assert f"  {name}: {kind.summary}" in out
    assert "    needs: along, bounds, law; may have: positive, show, statistic, within" in out  # fit


def test_version_help_and_options_after_the_subcommand(test_config, monkeypatch, capsys):
    from isac_core import __version__

    with pytest.raises(SystemExit):
        main(["--version"])
    assert f"isac-sweep {__version__}" in capsys.readouterr().out
    with pytest.raises(SystemExit):
        main(["run", "--help"])
    text = capsys.readouterr().out
    assert "example:" in text and "isac run li_tradeoff/fig3" in text
    monkeypatch.chdir(test_config.parent)
    main(["validate", "--config", str(test_config / "config/config.yaml"), "--workdir", str(test_config)])
    assert "configuration valid: 2 figure(s)" in capsys.readouterr().out


def test_run_needs_figures_or_all_and_suggests_names(test_config, monkeypatch):
    monkeypatch.chdir(test_config)
    with pytest.raises(SystemExit) as info:
        main(["run"])
    assert "--all" in str(info.value.code)
    with pytest.raises(SystemExit) as info:
        main(["run", "li_tradeoff/fig33"])
    assert "did you mean 'li_tradeoff/fig3'?" in str(info.value.code)


def test_report_without_snakemake(test_config, monkeypatch, capsys):
    monkeypatch.chdir(test_config)
    with pytest.raises(SystemExit) as info:
        main(["report", "--results", "out"])
    assert "no results in out for li_tradeoff/fig3, li_tradeoff/fig5" in str(info.value.code)
    main(["run", "li_tradeoff/fig3", "--results", "out"])
    main(["report", "--results", "out", "--partial"])
    assert "report: 1 figure(s) -> out/report/index.html" in capsys.readouterr().out
    assert 'id="li_tradeoff/fig3"' in (test_config / "out/report/index.html").read_text()


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


def test_report_on_a_damaged_store_is_one_line(test_config, monkeypatch):
    monkeypatch.chdir(test_config)
    main(["run", "li_tradeoff/fig3", "--results", "out"])
    store = test_config / "out/li_tradeoff/fig3/fig3.zarr"
    next(p for p in store.rglob("*") if p.is_file() and p.name != "manifest.json").unlink()
    with pytest.raises(SystemExit) as info:
        main(["report", "--results", "out", "--partial"])
    message = str(info.value.code)
    assert message.startswith("isac: ") and "fig3.zarr" in message and "\n" not in message, message


def test_new_model_refuses_a_bad_folder_or_a_taken_name(tmp_path):
    (tmp_path / "file").write_text("")
    with pytest.raises(SystemExit) as info:
        main(["new-model", "fresh_one", "--path", str(tmp_path / "file")])
    assert str(info.value.code).startswith("isac: ") and "cannot write the package" in str(info.value.code)
    with pytest.raises(SystemExit) as info:
        main(["new-model", "li_tradeoff", "--path", str(tmp_path)])
    assert "a model 'li_tradeoff' is registered already" in str(info.value.code)
