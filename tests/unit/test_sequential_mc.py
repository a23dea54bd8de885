"""Trials chosen per marker to reach a stated precision (``mc.precision``), on the toy model.

``p_exceed = exp(-t / scale)`` over scale in {1, 2} and t in {0.5, 1, ..., 3}; batches of
1000 trials, at most 20,000. With an absolute target of 0.01 a marker needs about
``p (1 - p) / 0.01^2`` trials: 2,400 at p = 0.61, 500 at p = 0.05.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from isac_core import stats
from isac_core.checks import check_figure
from isac_core.config import ConfigError
from isac_core.io import chunk_dataset, figure_dataset
from isac_core.sweep import _sequential_estimate, chunk_bounds, chunk_task, run_chunk
from tests.unit.test_checks import BASE, _load

BATCH, CAP = 1000, 20_000


def _spec(monkeypatch, tmp_path, precision, metrics="[p_exceed, mean_x]"):
    for old in ("    metrics: [p_exceed, p_markov, p_exceed_sim]\n", "    mc: {n_trials: 4000, batch_size: 1000}\n"):
        assert old in BASE, old
    text = BASE.replace("    metrics: [p_exceed, p_markov, p_exceed_sim]\n", f"    metrics: {metrics}\n")
    text = text.replace("    mc: {n_trials: 4000, batch_size: 1000}\n",
                        f"    mc: {{batch_size: {BATCH}, precision: {precision}}}\n")
    text = text.replace("""        - {metric: p_markov, show: analytic, style: dashed, label: Markov bound}
        - {metric: p_exceed_sim, show: mc, style: solid, label: simulated}
""", "")
    return _load(monkeypatch, tmp_path, text)


def _run(spec, chunk_size=100, **kw):
    spec = dataclasses.replace(spec, chunk_size=chunk_size)
    chunks = [chunk_dataset(run_chunk(chunk_task(spec, i), **kw), spec.name, i)
              for i in range(len(chunk_bounds(spec)))]
    return figure_dataset(spec, chunks, {})


@pytest.fixture
def absolute(monkeypatch, tmp_path):
    spec = _spec(monkeypatch, tmp_path, f"{{absolute: 0.01, max_trials: {CAP}}}")
    return spec, _run(spec)


def test_each_marker_gets_the_trials_its_precision_needs(absolute):
    spec, ds = absolute
    n = ds["p_exceed_mc_n"].values
    assert n.min() >= BATCH and n.max() <= CAP and np.all(n % BATCH == 0)
    assert len(np.unique(n)) >= 3  # fewer trials where p (1 - p) is small
    se = ds["p_exceed_mc_se"].values
    assert np.all(se <= 0.01 + 1e-12)
    # one batch fewer was not enough: the stopping SE of the estimate from n - BATCH trials
    # (a fixed-count run of that size draws the same batches) is above the target
    for count in np.unique(n[n > BATCH]):
        p = _run(dataclasses.replace(spec, precision={}, n_trials=int(count - BATCH)))["p_exceed_mc"].values
        m = count - BATCH
        p_tilde = (p * m + 2.0) / (m + 4.0)
        assert np.all(np.sqrt(p_tilde * (1 - p_tilde) / m)[n == count] > 0.01)
    # fewer trials than the fixed count giving SE <= 0.01 at any p (2,500 per marker, 3 batches)
    assert n.sum() < 3 * BATCH * n.size
    assert ds.attrs["mc_precision"] == f"standard error <= 0.01 per marker, at most {CAP} trials"
    verdict = check_figure(ds, spec)
    assert verdict["passed"], verdict["completeness"]
    # mean_x: SD = scale, so SE 0.01 takes 10,000 trials at scale 1 but 40,000 (> the cap) at scale 2
    assert verdict["completeness"]["markers_short_of_the_precision"] == {"mean_x": 6}
    np.testing.assert_array_equal(ds["mean_x_mc_n"].sel(scale=2).values, CAP)
    # (the sample SD fluctuates around 1, so 10 or 11 batches)
    assert np.all(np.isin(ds["mean_x_mc_n"].sel(scale=1).values, [10 * BATCH, 11 * BATCH]))


def test_a_marker_equals_a_fixed_count_run_with_its_trials(monkeypatch, tmp_path, absolute):
    """Sequential stopping only chooses how many batches: the numbers are those of that many batches."""
    spec, ds = absolute
    n = ds["p_exceed_mc_n"].values
    for count in np.unique(n):
        fixed = dataclasses.replace(spec, precision={}, n_trials=int(count))
        ref = _run(fixed)
        sel = n == count
        np.testing.assert_array_equal(ds["p_exceed_mc"].values[sel], ref["p_exceed_mc"].values[sel])
        np.testing.assert_array_equal(ds["p_exceed_mc_se"].values[sel], ref["p_exceed_mc_se"].values[sel])


def test_bit_identical_whatever_the_chunking_and_scheduler(absolute):
    spec, ds = absolute
    for kw in ({"chunk_size": 1}, {"chunk_size": 5, "threads": 2}, {"chunk_size": 7, "scheduler": "synchronous"}):
        other = _run(spec, **kw)
        assert set(other.data_vars) == set(ds.data_vars)
        for name in ds.data_vars:
            np.testing.assert_array_equal(other[name].values, ds[name].values, err_msg=f"{name} {kw}")


def test_relative_precision_spends_trials_on_small_probabilities(monkeypatch, tmp_path):
    spec = _spec(monkeypatch, tmp_path, f"{{relative: 0.05, max_trials: {CAP}}}", metrics="[p_exceed]")
    ds = _run(spec)
    p = ds["p_exceed"].values.ravel()
    n = ds["p_exceed_mc_n"].values.ravel()
    # relative SE 5 % needs about (1 - p) / (0.05^2 p) trials: more where p is small
    assert n[np.argmin(p)] > n[np.argmax(p)]
    reached = n < CAP
    assert np.all(ds["p_exceed_mc_se"].values.ravel()[reached] <= 0.05 * ds["p_exceed_mc"].values.ravel()[reached])
    assert check_figure(ds, spec)["passed"]


def test_the_cap_is_reported_when_the_precision_is_out_of_reach(monkeypatch, tmp_path):
    spec = _spec(monkeypatch, tmp_path, "{absolute: 0.001, max_trials: 3000}", metrics="[p_exceed]")
    ds = _run(spec)
    assert ds["p_exceed_mc_n"].values.max() == 3000
    verdict = check_figure(ds, spec)
    short = verdict["completeness"]["markers_short_of_the_precision"]
    assert short["p_exceed"] > 0
    assert any("reached the 3000-trial cap short of the precision" in w for w in verdict["warnings"])


def test_a_zero_success_batch_is_not_precise():
    # 1000 trials, no success: the plain binomial SE is 0, the stopping SE is not
    m = stats.Moments(1000, np.array([0.0]), np.array([0.0]))
    assert stats.estimate(m)[1][0] == 0.0
    assert stats.stopping_standard_error(m)[0] > 1e-3
    parts = [m, m]
    _, _, trials, shortfall = _sequential_estimate(parts, "probability", {"relative": 0.1})
    assert trials[0] == 0 and shortfall[0] > 1.0


def test_completeness_fails_on_a_marker_without_trials(absolute):
    spec, ds = absolute
    bad = ds.copy(deep=True)
    bad["p_exceed_mc_n"].values[0, 0] = 0
    verdict = check_figure(bad, spec)
    assert not verdict["passed"] and "no trials or more than the" in verdict["completeness"]["note"]
    bad = ds.copy(deep=True)
    bad["mean_x_mc_n"].values[1, 2] = CAP + BATCH
    assert not check_figure(bad, spec)["passed"]


def test_agreement_uses_each_metric_s_own_trial_count(absolute):
    spec, ds = absolute
    # claiming 100 times the trials of p_exceed shrinks its binomial SE tenfold: the test then fails
    inflated = ds.assign(p_exceed_mc_n=ds["p_exceed_mc_n"] * 100)
    assert all(a["passed"] for a in check_figure(ds, spec)["agreement"])
    assert not all(a["passed"] for a in check_figure(inflated, spec)["agreement"] if a["metric"] == "p_exceed")


@pytest.mark.parametrize(("mc", "message"), [
    ("{n_trials: 4000, precision: {absolute: 0.01, max_trials: 9000}}", "give either precision"),
    ("{precision: {absolute: 0.01}}", "max_trials"),
    ("{precision: {max_trials: 9000}}", "precision"),
])
def test_precision_settings_are_validated(monkeypatch, tmp_path, mc, message):
    text = BASE.replace("    mc: {n_trials: 4000, batch_size: 1000}\n", f"    mc: {mc}\n")
    with pytest.raises(ConfigError, match=message):
        _load(monkeypatch, tmp_path, text)


def test_chunks_without_markers_assemble(monkeypatch, tmp_path):
    # markers only at two thresholds, one grid point per chunk: most chunks have no marker
    spec = _spec(monkeypatch, tmp_path, f"{{absolute: 0.01, max_trials: {CAP}}}", metrics="[p_exceed]")
    spec = dataclasses.replace(spec, mc_at={"t": np.array([1.0, 2.0])})
    ds = _run(spec, chunk_size=1)
    n = ds["p_exceed_mc_n"]
    assert int((n > 0).sum()) == 4 and int((n == 0).sum()) == n.size - 4
    assert check_figure(ds, spec)["passed"]


def test_no_precision_without_monte_carlo(monkeypatch, tmp_path):
    spec = _spec(monkeypatch, tmp_path, f"{{absolute: 0.01, max_trials: {CAP}}}", metrics="[p_exceed]")
    spec = dataclasses.replace(spec, mc_enabled=False)
    assert "precision" not in chunk_task(spec, 0)
    ds = _run(spec)
    assert "mc_precision" not in ds.attrs and "p_exceed_mc_n" not in ds
