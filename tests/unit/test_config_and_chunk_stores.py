"""Configuration validation gaps, shared Dask clusters and stale chunk stores."""

from __future__ import annotations

import dataclasses
import shutil
import threading

import numpy as np
import pytest

from isac_core import pipeline
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
    import dask

    specs = load(workdir)
    tasks = [chunk_task(spec, i) for spec in specs.values() for i in range(len(chunk_bounds(spec)))]
    local = [run_chunk(t) for t in tasks]
    scheduler = dask.config.get("scheduler", None)
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
    # the process's own dask scheduler is left as it was (xarray's writers use it)
    assert dask.config.get("scheduler", None) == scheduler


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
