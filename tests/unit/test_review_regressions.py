"""Regression tests: shared Dask clusters, validation gaps, tail statistics, stale chunks."""

from __future__ import annotations

import dataclasses
import shutil
import threading

import numpy as np
import pytest

from isac_core import pipeline, stats
from isac_core.config import ConfigError, load_experiment
from isac_core.io import open_dataset
from isac_core.sweep import chunk_bounds, chunk_task, run_chunk
from tests.conftest import ROOT, read_yaml, write_yaml


@pytest.fixture
def workdir(tmp_path):
    shutil.copytree(ROOT / ".test" / "config", tmp_path / "config")
    return tmp_path


def load(workdir, **overrides):
    config = {**read_yaml(workdir / "config/config.yaml"), **overrides}
    return {s.key: s for s in load_experiment(config, workdir=workdir)}


def mutate(workdir, fn):
    path = workdir / "config/figures/li_tradeoff.yaml"
    data = read_yaml(path)
    fn(data)
    write_yaml(path, data)


def problems(workdir):
    with pytest.raises(ConfigError) as info:
        load(workdir)
    return "\n".join(info.value.problems)


# ----------------------------------------------------------------- shared Dask cluster


def test_concurrent_chunks_on_one_distributed_cluster(workdir):
    """Jobs of different figures sharing a scheduler must not pick up each other's results."""
    distributed = pytest.importorskip("distributed")
    specs = load(workdir)
    tasks = [chunk_task(spec, i) for spec in specs.values() for i in range(len(chunk_bounds(spec)))]
    local = [run_chunk(t) for t in tasks]
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=None) as cluster:
        remote = [None] * len(tasks)

        def work(i):
            remote[i] = run_chunk(tasks[i], address=cluster.scheduler_address)

        threads = [threading.Thread(target=work, args=(i,)) for i in range(len(tasks))]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    for a, b in zip(local, remote, strict=True):
        for key in a:
            np.testing.assert_array_equal(a[key], b[key], err_msg=key)


# ----------------------------------------------------------------- validation gaps


@pytest.mark.parametrize(
    ("fn", "fragment"),
    [
        (lambda d: d["figures"]["fig3"].update(mc={"at": {"p_s": {"values": [-0.5], "units": "W"}}}),
         "key 'mc.at.p_s': value -0.5 W is not admissible"),
        (lambda d: d["figures"]["fig5"].update(mc={"at": {"n": {"values": [15.5]}}}), "whole number"),
        (lambda d: d["figures"]["fig3"]["grid"].update(p_s={"range": [0.1, float("inf"), 0.1]}),
         "key 'grid.p_s.range.1': inf is not a finite number"),
        (lambda d: d["figures"]["fig3"]["grid"].update(p_s={"range": [1, 1e12, 1]}), "allowed on one axis"),
        (lambda d: d["figures"]["fig3"]["grid"].update(p_s={"linspace": [1, 2, 1e9]}), "allowed on one axis"),
        (lambda d: d["figures"]["fig3"]["grid"].update(p_s=[{"values": [1]}, {"values": [2], "units": "Hz"}]),
         "key 'grid.p_s[1].units'"),
        (lambda d: d["figures"]["fig3"].update(mc={"target_se": 1e-9}), "trials per marker"),
        (lambda d: d["figures"]["fig3"]["plot"].update(y={"param": "D"}), "y must show a metric"),
        (lambda d: d["figures"]["fig3"]["plot"].pop("curves"), "neither on the x axis nor the curves"),
        (lambda d: d["figures"]["fig3"]["plot"].update(curves="p_s"), "already on the x axis"),
        (lambda d: d["figures"]["fig3"]["checks"][0].update(at={"D": "20 m"}), "must fix p_s"),
        (lambda d: d["figures"]["fig3"]["checks"].append(
            {"kind": "crossing", "metric": "p_det", "along": "p_s", "level": 0.5, "expected": 1,
             "tolerance": 1, "at": {"D": "20 m", "p_s": "0.2 W"}}), "cannot be fixed"),
        (lambda d: d["figures"]["fig3"]["checks"].append(
            {"kind": "crossing", "metric": "p_det", "along": "p_s", "level": 0.5, "expected": 1,
             "tolerance": 1, "at": {"D": "20 m"}, "units": "MHz"}), "not a unit of"),
        (lambda d: d["figures"]["fig3"]["checks"].append(
            {"kind": "monotone", "metric": "p_det", "along": "p_s", "at": {"D": "20 m"}}), "remove 'at'"),
        (lambda d: d["figures"]["fig3"]["checks"].append({"kind": "value", "metric": "p_det"}),
         "need expected, tolerance"),
        (lambda d: d["figures"]["fig3"]["plot"].update(y={"metric": "p_det", "units": "W"}), "not a unit of"),
    ],
)
def test_rejected_before_any_job(workdir, fn, fragment):
    mutate(workdir, fn)
    text = problems(workdir)
    assert fragment in text, text
    assert "config/figures/li_tradeoff.yaml, figure 'fig" in text


def test_duplicate_yaml_key_rejected(workdir):
    path = workdir / "config/figures/li_tradeoff.yaml"
    path.write_text(path.read_text().replace("metrics: [p_det]", "metrics: [p_det]\n    metrics: [p_cov]", 1))
    assert "given twice" in problems(workdir)


def test_runtime_chunk_size_overrides_every_figure(workdir):
    mutate(workdir, lambda d: d["figures"]["fig3"].update(chunk_size=4000))
    specs = load(workdir, chunk_size=1)
    assert all(s.chunk_size == 1 for s in specs.values())


def test_config_hash_covers_numbers_only(workdir):
    spec = load(workdir)["fig3"]
    same = dataclasses.replace(spec, chunk_size=1, title="other", plot={}, checks=())
    assert spec.config_hash() == same.config_hash()
    assert spec.config_hash() != dataclasses.replace(spec, seed=spec.seed + 1).config_hash()


# ----------------------------------------------------------------- statistics


def test_nan_markers_fail():
    res = stats.agreement([np.nan, 0.3], [0.3, 0.3], 1000)
    assert not res["passed"] and res["n_nan"] == 1


def test_exact_binomial_in_the_tails():
    n = 27778
    # one success where the analytic probability is 1e-6: p-value 0.027, plausible, passes at 1 %
    assert stats.agreement([1e-6], [1 / n], n)["passed"]
    # three successes at 1e-6: p-value ~1e-5, fails
    assert not stats.agreement([1e-6], [3 / n], n)["passed"]
    # analytic exactly 0 or 1 (up to rounding): no tolerance needed for an exact match
    assert stats.agreement([1 + 2.2e-16, 0.0], [1.0, 0.0], n)["passed"]
    assert not stats.agreement([0.0], [1 / n], n)["passed"]


def test_exact_binomial_false_alarm_rate_is_controlled():
    """Draw honest binomial counts at tail probabilities: failures stay near the nominal 1 %."""
    rng = np.random.default_rng(0)
    n, p = 27778, np.array([0.999993, 1e-5, 0.5, 0.02, 0.9])
    fails = 0
    reps = 400
    for _ in range(reps):
        m = rng.binomial(n, p) / n
        fails += not stats.agreement(p, m, n)["passed"]
    # nominal family-wise rate 1 % (conservative for discrete counts); 3 SE above it is 2.5 %
    assert fails / reps <= 0.01 + 3 * np.sqrt(0.01 * 0.99 / reps)


def test_mean_kind_keeps_precision_for_large_offsets():
    rng = np.random.default_rng(1)
    x = 1e8 + rng.standard_normal((20000, 1))
    parts = [stats.moments(x[i:i + 5000]) for i in range(0, 20000, 5000)]
    mean, se = stats.estimate(stats.combine(parts), "mean")
    # the estimated SE has relative sampling error ~1/sqrt(2n) = 0.5 %: 5 % is a 10-sigma band that
    # only a precision loss (the old sum-of-squares formula gave SE = 0 here) can fail
    assert se[0] == pytest.approx(1 / np.sqrt(20000), rel=0.05)
    assert abs(mean[0] - 1e8) < 5 * se[0]


# ----------------------------------------------------------------- stale chunk stores


def test_stale_chunk_store_is_refused(workdir):
    spec = load(workdir)["fig3"]
    paths = pipeline.paths(spec, workdir / "results")
    for i, out in enumerate(paths["chunks"]):
        pipeline.sweep_chunk(chunk_task(spec, i), out)
    pipeline.aggregate_figure(spec, paths["chunks"], paths["dataset"])
    assert open_dataset(paths["dataset"])["p_det"].shape == spec.shape
    changed = dataclasses.replace(spec, fixed={**spec.fixed, "alpha": 3.0})
    with pytest.raises(ValueError, match="another configuration or kernel code"):
        pipeline.aggregate_figure(changed, paths["chunks"], paths["dataset"])


def test_binomial_p_values_match_scipy_stats():
    from scipy.stats import binom

    for n in (1, 10, 27778):
        for a in (0.0, 1e-6, 0.3, 0.999993, 1.0):
            k = np.arange(0, min(n, 200) + 1)
            ref = np.minimum(1, 2 * np.minimum(binom.cdf(k, n, a), binom.sf(k - 1, n, a)))
            got = stats._binomial_p_values(np.full(k.shape, a), k / n, np.full(k.shape, float(n)))
            np.testing.assert_allclose(got, ref, rtol=1e-9, atol=1e-300)


@pytest.mark.parametrize(
    ("fn", "fragment"),
    [
        (lambda d: d["figures"]["fig3"]["grid"].update(p_s=None), "exactly one of values, range, linspace"),
        (lambda d: d["figures"]["fig3"]["plot"].update(x={"param": "p_s", "metric": "p_det"}),
         "exactly one of param (a grid dimension) or metric"),
        (lambda d: d["figures"]["fig3"]["grid"].update(p_s={"values": [1], "range": [0, 1, 1]}),
         "exactly one of values, range, linspace or geomspace"),
    ],
)
def test_one_of_errors_say_what_is_allowed(workdir, fn, fragment):
    mutate(workdir, fn)
    text = problems(workdir)
    assert fragment in text and "valid under each of" not in text, text
