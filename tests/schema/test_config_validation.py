"""Bad configurations fail before any job, with one message naming file, figure and key."""

from __future__ import annotations

import copy

import pytest

from isac_core.config import ConfigError, load_experiment
from tests.conftest import read_yaml, write_yaml

FIG_FILE = "config/figures/li_tradeoff.yaml"


def _load(workdir):
    return load_experiment(read_yaml(workdir / "config" / "config.yaml"), workdir=workdir)


def _mutate_figure(workdir, mutate):
    path = workdir / FIG_FILE
    data = read_yaml(path)
    mutate(data)
    write_yaml(path, data)


def test_shipped_configs_validate(repo_root):
    for workdir in (repo_root, repo_root / ".test"):
        specs = _load(workdir)
        assert specs, f"no figures selected in {workdir}"
        for spec in specs:
            assert all(a.values.size > 0 for a in spec.axes)


def test_shipped_config_is_complete(repo_root):
    names = {s.name for s in _load(repo_root)}
    assert {"li_tradeoff/fig2", "li_tradeoff/fig3", "li_tradeoff/fig4", "li_tradeoff/fig5"} <= names


@pytest.mark.parametrize(
    ("mutate", "key", "fragment"),
    [
        (lambda d: d["figures"]["fig3"].update(colour="red"), "colour", "unknown key 'colour'"),
        (lambda d: d["figures"]["fig3"]["grid"].update(p_s={"values": []}), "grid.p_s", "should be non-empty"),
        (lambda d: d["figures"]["fig3"]["grid"].update(p_s={"values": "0.1"}), "grid.p_s", "is not of type"),
        (lambda d: d["figures"]["fig3"]["grid"].update(p_s={"range": [1, 0, 0.1], "units": "W"}),
         "grid.p_s", "malformed range"),
        (lambda d: d["figures"]["fig3"]["grid"].update(p_s={"range": [0, 1, -0.1]}), "grid.p_s", "malformed range"),
        (lambda d: d["figures"]["fig3"]["grid"].update(p_s={"values": [-0.5, 0.2], "units": "W"}),
         "grid.p_s", "must be >= 0"),
        (lambda d: d["figures"]["fig3"].setdefault("fixed", {}).update(n=-3), "fixed.n", "must be >= 0"),
        (lambda d: d["figures"]["fig3"].setdefault("fixed", {}).update(B_s="10 dBm"), "fixed.B_s", "not a unit of"),
        (lambda d: d["figures"]["fig3"].setdefault("fixed", {}).update(rho=1), "fixed.rho", "not a parameter"),
        (lambda d: d["figures"]["fig3"]["grid"].update(D={"linspace": [10, 20, 2.5]}), "grid.D", "linspace"),
        (lambda d: d["figures"]["fig4"]["derived"].update(p_s="p_t - 2*p_c"), "derived.p_s", "must be >= 0"),
        (lambda d: d["figures"]["fig3"].update(metrics=["p_x"]), "metrics", "unknown metric"),
        (lambda d: d["figures"]["fig3"]["plot"].update(curves="alpha"), "plot.curves", "not a grid dimension"),
    ],
    ids=[
        "unknown-key", "empty-grid", "wrong-type", "range-backwards", "range-negative-step",
        "negative-power", "negative-count", "wrong-unit", "unknown-parameter", "bad-linspace",
        "derived-negative-power", "unknown-metric", "bad-plot-dim",
    ],
)
def test_bad_figure_config_names_file_figure_key(tmp_path, repo_root, mutate, key, fragment):
    import shutil

    shutil.copytree(repo_root / "config", tmp_path / "config")
    _mutate_figure(tmp_path, mutate)
    with pytest.raises(ConfigError) as info:
        _load(tmp_path)
    message = str(info.value)
    line = next((p for p in info.value.problems if f"key '{key}" in p), None)
    assert line is not None, message
    assert FIG_FILE in line
    fig = "fig4" if "derived" in key else "fig3"
    assert f"figure '{fig}'" in line
    assert fragment in line


@pytest.mark.parametrize(
    ("change", "key"),
    [
        ({"sed": 1}, "sed"),
        ({"seed": "one"}, "seed"),
        ({"seed": -1}, "seed"),
        ({"defaults": {"target_se": 0}}, "defaults.target_se"),
        ({"select": {"li_tradeoff": ["fig99"]}}, "select.li_tradeoff"),
        ({"select": {"no_such_paper": "all"}}, "select.no_such_paper"),
    ],
)
def test_bad_experiment_config(test_config, change, key):
    path = test_config / "config" / "config.yaml"
    config = read_yaml(path)
    config = {**copy.deepcopy(config), **change}
    with pytest.raises(ConfigError) as info:
        load_experiment(config, workdir=test_config)
    assert any(f"key '{key}'" in p and "config/config.yaml" in p for p in info.value.problems), str(info.value)


def test_all_problems_reported_together(tmp_path, repo_root):
    import shutil

    shutil.copytree(repo_root / "config", tmp_path / "config")

    def two_errors(d):
        d["figures"]["fig3"].setdefault("fixed", {})["p_s"] = "1 W"  # also swept
        d["figures"]["fig2"]["grid"]["D"] = {"values": [0], "units": "m"}  # D must be > 0

    _mutate_figure(tmp_path, two_errors)
    with pytest.raises(ConfigError) as info:
        _load(tmp_path)
    assert len(info.value.problems) >= 2
    assert any("figure 'fig3'" in p and "fixed.p_s" in p for p in info.value.problems)
    assert any("figure 'fig2'" in p and "grid.D" in p for p in info.value.problems)


@pytest.mark.parametrize(("figure", "trials"), [
    # the specs' stated Monte Carlo sample sizes (../shared/specs): li_tradeoff 1e5 per marker;
    # meng_coop Fig. 2 >= 4e6 (infinite variance at N = 4, 5), Fig. 3 4e5, Fig. 4 1e5
    *[(f"li_tradeoff/{k}", 100_000) for k in ("fig2", "fig3", "fig3_profile_t", "fig4", "fig5", "fig5_poisson")],
    ("meng_coop/fig2", 4_000_000), ("meng_coop/fig3", 400_000), ("meng_coop/fig4", 100_000),
])
def test_figures_draw_what_their_spec_asks(repo_root, figure, trials):
    spec = {s.name: s for s in _load(repo_root)}[figure]
    assert spec.n_trials >= trials
