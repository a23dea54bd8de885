"""No wrong, stale or corrupt result is used: store manifests, stale chunks, left-over
temporaries, datasets missing their markers, the run's verdict and the kernel digest."""

from __future__ import annotations

import dataclasses
import json
import os
import shutil
import socket
import subprocess
import sys

import numpy as np
import pytest
import xarray as xr

from isac_core import checks, io, pipeline, provenance, verdicts
from isac_core.config import load_experiment
from isac_core.sweep import chunk_task
from tests.conftest import ROOT, read_yaml


@pytest.fixture(scope="module")
def fig3(tmp_path_factory):
    """li_tradeoff fig3 of .test (two chunks), computed once: the spec and its result paths."""
    work = tmp_path_factory.mktemp("fig3")
    spec = next(s for s in load_experiment(read_yaml(ROOT / ".test/config/config.yaml"), workdir=ROOT / ".test")
                if s.key == "fig3")
    paths = pipeline.paths(spec, work / "results")
    for i, out in enumerate(paths["chunks"]):
        pipeline.sweep_chunk(chunk_task(spec, i), out)
    pipeline.aggregate_figure(spec, paths["chunks"], paths["dataset"])
    return spec, paths


def _copy(fig3, tmp_path):
    """A private copy of fig3's results, free to damage."""
    spec, paths = fig3
    shutil.copytree(paths["dataset"].parent.parent.parent, tmp_path / "results")
    return spec, pipeline.paths(spec, tmp_path / "results")


# ----------------------------------------------------------------- store manifests


def test_an_intact_store_reads_back(fig3):
    spec, paths = fig3
    assert (paths["dataset"] / io.MANIFEST).exists()
    io.verify_store(paths["dataset"])
    assert io.open_dataset(paths["dataset"])["n_mc"].values.max() == spec.n_trials


@pytest.mark.parametrize("damage", ["delete n_mc", "delete p_det_mc", "truncate p_det", "no manifest"])
def test_a_damaged_chunk_store_is_refused_by_name(fig3, tmp_path, damage):
    spec, paths = _copy(fig3, tmp_path)
    store = paths["chunks"][1]
    action, _, var = damage.partition(" ")
    if action == "delete":
        chunk_files = [f for f in (store / var).rglob("*") if f.is_file() and f.name != "zarr.json"]
        assert chunk_files
        for f in chunk_files:
            f.unlink()
    elif action == "truncate":
        f = next(f for f in (store / var).rglob("*") if f.is_file() and f.name != "zarr.json")
        f.write_bytes(f.read_bytes()[:-1])
    else:
        (store / io.MANIFEST).unlink()
    with pytest.raises(io.CorruptStoreError, match=str(store).replace(".", r"\.")):
        pipeline.aggregate_figure(spec, paths["chunks"], paths["dataset"])


def test_a_damaged_figure_store_is_refused_by_check_and_plot(fig3, tmp_path):
    spec, paths = _copy(fig3, tmp_path)
    for f in (paths["dataset"] / "p_det_mc").rglob("*"):
        if f.is_file() and f.name != "zarr.json":
            f.unlink()
    with pytest.raises(io.CorruptStoreError, match="corrupt store .*missing p_det_mc/c"):
        pipeline.check_figure(spec, paths["dataset"], paths["check"])
    with pytest.raises(io.CorruptStoreError):
        pipeline.plot_figure(spec, paths["dataset"], paths["png"], paths["pdf"])


# ----------------------------------------------------------------- stale chunks


def test_a_stale_chunk_is_named_with_the_command_that_reruns_just_it(fig3, tmp_path):
    spec, paths = _copy(fig3, tmp_path)
    # fig3's grid is D x p_s in chunks of 3 points: a new first D value changes chunk 0 only
    axes = [dataclasses.replace(a, values=np.where(a.values == a.values[0], a.values[0] - 1, a.values))
            if a.name == "D" else a for a in spec.axes]
    changed = dataclasses.replace(spec, axes=axes)
    assert chunk_task(changed, 0) != chunk_task(spec, 0) and chunk_task(changed, 1) == chunk_task(spec, 1)
    with pytest.raises(ValueError) as info:
        pipeline.aggregate_figure(changed, paths["chunks"], paths["dataset"])
    message = str(info.value)
    assert f"--forcerun {paths['chunks'][0]}" in message
    assert str(paths["chunks"][1]) not in message


# ----------------------------------------------------------------- temporaries of killed writers


def _dead_pid():
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


def test_temporaries_of_killed_writers_are_removed_and_live_ones_kept(tmp_path):
    target = tmp_path / "fig.zarr"
    host = socket.gethostname()
    dead = tmp_path / f"fig.zarr.tmp-{_dead_pid()}-0a1b2c3d-{host}"
    live = tmp_path / f"fig.zarr.tmp-{os.getpid()}-0a1b2c3d-{host}"
    elsewhere = tmp_path / f"fig.zarr.tmp-{_dead_pid()}-0a1b2c3d-{host}x"
    other_store = tmp_path / f"other.zarr.tmp-{_dead_pid()}-0a1b2c3d-{host}"
    for d in (dead, live, elsewhere, other_store):
        (d / "x").mkdir(parents=True)
    io.write_zarr(xr.Dataset({"x": ("point", np.zeros(2))}), target)
    assert not dead.exists()
    assert live.exists() and elsewhere.exists() and other_store.exists()
    assert target.exists()


# ----------------------------------------------------------------- completeness of a dataset


def _verdict_of(spec, ds):
    return checks.check_figure(ds, spec)


def test_an_intact_dataset_is_complete(fig3):
    spec, paths = fig3
    verdict = _verdict_of(spec, io.open_dataset(paths["dataset"]))
    assert verdict["completeness"]["passed"], verdict["completeness"]
    assert verdict["completeness"]["expected_markers"] > 0 and verdict["agreement"]


def test_a_dataset_without_its_markers_fails(fig3):
    spec, paths = fig3
    ds = io.open_dataset(paths["dataset"])
    ds["n_mc"][:] = 0  # what a chunk store missing its n_mc array read as
    verdict = _verdict_of(spec, ds)
    assert not verdict["passed"] and not verdict["completeness"]["passed"]
    assert verdict["agreement"] == []
    assert "no agreement test" in verdict["completeness"]["note"]


def test_a_dataset_with_nan_estimates_fails(fig3):
    spec, paths = fig3
    ds = io.open_dataset(paths["dataset"])
    ds["p_det_mc"][...] = np.nan  # what a chunk store missing its p_det_mc array read as
    verdict = _verdict_of(spec, ds)
    assert not verdict["passed"]
    assert verdict["completeness"]["markers_without_estimate"] == {"p_det": verdict["completeness"]["expected_markers"]}


def test_nan_is_accepted_only_where_the_model_declares_it(fig3, monkeypatch):
    spec, paths = fig3
    ds = io.open_dataset(paths["dataset"])
    ds["p_det_mc"][...] = np.nan
    declared = dataclasses.replace(spec.model.metrics["p_det"], undefined_when="never, in this test")
    monkeypatch.setitem(spec.model.metrics, "p_det", declared)
    complete = _verdict_of(spec, ds)["completeness"]
    assert complete["markers_without_estimate"] == {}
    assert complete["undefined_by_the_model"]["p_det"]["why"] == "never, in this test"


def test_a_dataset_with_fewer_trials_than_configured_fails(fig3):
    spec, paths = fig3
    ds = io.open_dataset(paths["dataset"])
    ds["n_mc"].values[ds["n_mc"].values > 0] -= 1
    assert not _verdict_of(spec, ds)["completeness"]["passed"]


# ----------------------------------------------------------------- the run's verdict


def test_the_summary_names_failing_and_missing_figures(tmp_path):
    good, bad = tmp_path / "good.json", tmp_path / "bad.json"
    good.write_text(json.dumps({"passed": True, "agreement": [], "checks": []}))
    bad.write_text(json.dumps({"passed": False, "agreement": [], "checks": [
        {"kind": "value", "metric": "p_det", "at": "p_s = 0.5 W", "passed": False}]}))
    summary = verdicts.summarize({"a/fig1": good, "a/fig2": bad, "a/fig3": tmp_path / "none.json"},
                                 "results/report/index.html")
    assert summary["passed"] == ["a/fig1"] and list(summary["failed"]) == ["a/fig2"]
    assert summary["missing"] == ["a/fig3"]
    text = "\n".join(verdicts.summary_lines(summary))
    assert "1 of 3 figure(s) pass their checks, 1 FAIL, 1 without a verdict" in text
    assert "FAIL a/fig2: value check of p_det at p_s = 0.5 W" in text
    assert "report: results/report/index.html" in text


# ----------------------------------------------------------------- the kernel digest


MODELS = ("li_tradeoff", "sui_coop6g", "meng_coop", "han_survey", "sun_blockage")


def _runtime_imports(model):
    """isac_core modules loaded by importing a model and running the engine on it (another method
    than the digest's reading of import statements)."""
    code = ("import sys, isac_core.sweep, isac_core.models as m; m.get_model(sys.argv[1]); "
            "print(' '.join(k for k in sys.modules if k.startswith('isac_core.')))")
    out = subprocess.run([sys.executable, "-c", code, model], capture_output=True, text=True, check=True,
                         cwd=ROOT).stdout.split()
    return {k.removeprefix("isac_core.") for k in out}


def test_the_digest_covers_every_module_a_model_loads():
    for model in MODELS:
        loaded = _runtime_imports(model) - set(provenance._NOT_KERNEL)
        missing = loaded - set(provenance.kernel_modules(model))
        assert not missing, f"{model}: the digest misses {sorted(missing)}"


@pytest.fixture(scope="module")
def shared_modules():
    """Kernel modules used by more than one model (shared code: the ones a hand list forgets)."""
    users = {}
    for model in MODELS:
        for m in _runtime_imports(model) - set(provenance._NOT_KERNEL):
            users.setdefault(m, set()).add(model)
    def own(module, model):
        return module == f"models.{model}" or module.startswith(f"models.{model}.")

    return {m: u for m, u in users.items() if any(not own(m, model) for model in u)}


def test_function_level_imports_are_followed():
    # meng_coop's rate kernel imports sui_coop6g's zero-forcing gain inside a function
    assert "models.sui_coop6g.zf" in provenance.kernel_modules("meng_coop")
    assert "localization" not in provenance.kernel_modules("li_tradeoff")


def test_editing_a_shared_module_changes_the_digest_of_its_users(shared_modules, tmp_path, monkeypatch):
    assert {"localization", "units", "numerics", "fading", "geometry"} <= set(shared_modules)
    package = tmp_path / "isac_core"
    shutil.copytree(ROOT / "isac_core", package, ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(provenance, "_PACKAGE", package)
    digest = provenance.kernel_digest.__wrapped__
    before = {model: digest(model) for model in MODELS}
    for module, users in shared_modules.items():
        source = provenance._module_file(module)
        original = source.read_text()
        source.write_text(original + "\n# an edit\n")
        changed = {model for model in MODELS if digest(model) != before[model]}
        source.write_text(original)
        assert changed >= users, f"editing {module}: {sorted(users - changed)} not re-run"
        if module == "localization":  # and no other model
            assert changed == {"meng_coop", "han_survey"}, changed


# ----------------------------------------------------------------- physical ranges


def test_a_probability_outside_the_unit_interval_is_clipped_and_recorded(tmp_path):
    # Table II's Rician series (K = 10) overshoots 1 at dense networks and low thresholds
    from isac_core.config import load_figure_file
    from isac_core.io import chunk_dataset, figure_dataset
    from isac_core.sweep import run_chunk

    (tmp_path / "sun_blockage.yaml").write_text("""
paper: sun_blockage
model: sun_blockage
title: range test
figures:
  fig1:
    title: P_c at K = 10
    metrics: [p_cov]
    grid:
      T: {values: [-20, -17.3, -10], units: dB}
    fixed: {K: 10, lam: 3.0e-3 m^-2}
    mc: {enabled: false}
    plot:
      x: {param: T, units: dB}
      y: {metric: p_cov}
""")
    spec = load_figure_file(tmp_path / "sun_blockage.yaml", seed=1)["fig1"]
    raw = run_chunk(chunk_task(spec, 0))["p_cov"]
    assert raw.max() > 1.005  # what the kernel returns: the approximation's own value
    ds = figure_dataset(spec, [chunk_dataset(run_chunk(chunk_task(spec, 0)), spec.name, 0)], {})
    assert ds["p_cov"].values.max() == 1.0 and ds["p_cov"].values.min() >= 0.0
    assert "2 analytic value(s) of sun_blockage/fig1 p_cov outside [0, 1]" in ds["p_cov"].attrs["out_of_range"]
    verdict = checks.check_figure(ds, spec)
    assert verdict["warnings"] == [ds["p_cov"].attrs["out_of_range"]]


def test_only_probabilities_are_clipped(tmp_path):
    # sui_coop6g's a_ks (an analytic-only parameter of the Gamma approximation) is well above 1
    from isac_core.config import load_figure_file
    from isac_core.io import chunk_dataset, figure_dataset
    from isac_core.sweep import run_chunk

    spec = load_figure_file(ROOT / "config/figures/sui_coop6g.yaml", seed=1)["fig3_table_a"]
    ds = figure_dataset(spec, [chunk_dataset(run_chunk(chunk_task(spec, i)), spec.name, i)
                               for i in range(len(pipeline.paths(spec)["chunks"]))], {})
    assert ds["a_ks"].values.max() > 1 and "out_of_range" not in ds["a_ks"].attrs


def test_rounding_is_clipped_without_a_warning():
    values, flagged = io.unit_interval(np.array([-1e-15, 0.5, 1 + 1e-12]), "x")
    assert flagged == {} and values.tolist() == [0.0, 0.5, 1.0]


def test_an_allowance_does_not_hide_how_many_standard_errors_apart_the_values_are():
    from isac_core import stats

    res = stats.agreement(np.full(3, 0.5), np.full(3, 0.51), 10_000, approx=0.02)
    assert res["passed"]
    assert res["max_z"] == pytest.approx(0.01 / 0.005)  # binomial SE at p = 1/2 and 10^4 trials
    assert res["max_z_beyond_allowance"] == 0.0


# ----------------------------------------------------------------- what the report says


def test_the_report_labels_calibrated_numbers_and_shows_warnings_and_incomplete_datasets(fig3, tmp_path):
    from isac_core.report import write_report

    spec, paths = _copy(fig3, tmp_path)
    pipeline.plot_figure(spec, paths["dataset"], paths["png"], paths["pdf"])
    verdict = pipeline.check_figure(spec, paths["dataset"], paths["check"])
    assert [c["role"] for c in verdict["checks"]] == ["calibrated to"]  # .test: 0.3245 calibrates F and zeta_s
    html = write_report([(paths["dataset"], paths["check"], paths["png"])], tmp_path / "a.html").read_text()
    assert "<b>calibrated to</b> this number (noise_factor F and zeta_s fitted to it)" in html
    assert "Warning:" not in html and "Incomplete dataset:" not in html
    verdict["warnings"] = ["2 analytic value(s) of x outside [0, 1]"]
    verdict["completeness"] = {"passed": False, "note": "no agreement test"}
    paths["check"].write_text(json.dumps(verdict))
    html = write_report([(paths["dataset"], paths["check"], paths["png"])], tmp_path / "b.html").read_text()
    assert "<b>Warning:</b> 2 analytic value(s) of x outside [0, 1]" in html
    assert "<b>Incomplete dataset:</b> no agreement test" in html
