"""Grid expansion, chunking, Monte Carlo batching and determinism of the sweep engine."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from isac_core import stats
from isac_core.config import load_figure_file, snap_union
from isac_core.io import figure_dataset
from isac_core.sweep import batch_sizes, chunk_bounds, chunk_count, chunk_range, chunk_task, run_chunk, state_points
from tests.unit.toy import register

TOY_YAML = """
paper: toy
model: toy
figures:
  fig1:
    title: toy
    metrics: [p_exceed, mean_x]
    grid:
      scale: {values: [1, 2, 3]}
      t: [{linspace: [0, 3, 31]}, {values: [0.25]}]
    derived: {offset: "scale * 2 - 1"}
    mc:
      at: {t: {values: [0.5, 1, 2, 0.25]}}
      n_trials: 3000
      batch_size: 1000
    plot: {x: {param: t}, y: {metric: p_exceed}, curves: scale}
"""


@pytest.fixture
def toy_spec(monkeypatch, tmp_path):
    register(monkeypatch)
    path = tmp_path / "toy.yaml"
    path.write_text(TOY_YAML)
    return load_figure_file(path, seed=11)["fig1"]


def _run(spec, chunk_size, **kw):
    spec = dataclasses.replace(spec, chunk_size=chunk_size)
    chunks = []
    from isac_core.io import chunk_dataset

    for i in range(len(chunk_bounds(spec))):
        chunks.append(chunk_dataset(run_chunk(chunk_task(spec, i), **kw), spec.name, i))
    return figure_dataset(spec, chunks, {})


def test_grid_union_and_snapping(toy_spec):
    t = toy_spec.axis("t").values
    assert t.size == 32  # 31 linspace values plus 0.25
    assert np.all(np.diff(t) > 0)
    assert 0.3 in t  # 0.30000000000000004 from linspace snapped to the shorter 0.3
    assert snap_union([0.1 + 0.2], [0.3]).tolist() == [0.3]


def test_state_points_cover_grid_once(toy_spec):
    pts = state_points(toy_spec)
    assert pts["point"].tolist() == list(range(3 * 32))
    assert np.array_equal(pts["offset"], 2 * pts["scale"] - 1)
    bounds = chunk_bounds(dataclasses.replace(toy_spec, chunk_size=7))
    covered = np.concatenate([np.arange(a, b) for a, b in bounds])
    assert covered.tolist() == list(range(96))


def test_one_chunk_range_without_listing_the_others(toy_spec):
    spec = dataclasses.replace(toy_spec, chunk_size=7)
    assert chunk_count(spec) == 14  # 96 points
    assert [chunk_range(spec, i) for i in range(14)] == chunk_bounds(spec)
    assert chunk_range(spec, 13) == (91, 96)
    with pytest.raises(IndexError, match="no chunk 14"):
        chunk_range(spec, 14)
    with pytest.raises(IndexError):
        chunk_task(spec, -1)


def test_batch_sizes():
    assert batch_sizes(27778, 20000) == [13889, 13889]
    assert batch_sizes(10, 3) == [3, 3, 2, 2]
    assert sum(batch_sizes(12345, 1000)) == 12345


def test_dataset_labels_and_derived_coords(toy_spec):
    ds = _run(toy_spec, 1000)
    assert ds["p_exceed"].dims == ("scale", "t")
    assert ds["offset"].dims == ("scale",)  # depends on scale only
    for name in ("p_exceed", "p_exceed_mc", "p_exceed_mc_se", "n_mc", "scale", "t"):
        assert ds[name].attrs["units"] and ds[name].attrs["long_name"]
    markers = ds["n_mc"].values > 0
    assert markers.sum() == 3 * 4
    assert np.all(ds["n_mc"].values[markers] == 3000)
    assert np.all(np.isnan(ds["p_exceed_mc"].values[~markers]))


def test_bit_identical_across_chunkings_and_schedulers(toy_spec):
    reference = _run(toy_spec, 1000, threads=1)
    for chunk_size, kw in [(1, {}), (5, {"threads": 2}), (32, {"scheduler": "synchronous"}),
                           (17, {"threads": 2, "scheduler": "threads"})]:
        other = _run(toy_spec, chunk_size, **kw)
        for name in reference.data_vars:
            np.testing.assert_array_equal(other[name].values, reference[name].values, err_msg=name)


def test_seed_changes_samples(toy_spec):
    a = _run(toy_spec, 1000)
    b = _run(dataclasses.replace(toy_spec, seed=12), 1000)
    mk = a["n_mc"].values > 0
    assert not np.array_equal(a["p_exceed_mc"].values[mk], b["p_exceed_mc"].values[mk])


def test_threshold_sweep_shares_samples(toy_spec):
    """All thresholds of a curve use one sample set: MC estimates are monotone in t."""
    ds = _run(toy_spec, 1000)
    for s in ds["scale"].values:
        sub = ds.sel(scale=s)
        mk = sub["n_mc"].values > 0
        assert np.all(np.diff(sub["p_exceed_mc"].values[mk]) <= 0)


def test_toy_analytic_vs_mc(toy_spec):
    ds = _run(toy_spec, 1000)
    mk = ds["n_mc"].values > 0
    res = stats.agreement(ds["p_exceed"].values[mk], ds["p_exceed_mc"].values[mk], ds["n_mc"].values[mk])
    assert res["passed"], res
    res = stats.agreement(ds["mean_x"].values[mk], ds["mean_x_mc"].values[mk], ds["n_mc"].values[mk],
                          kind="mean", mc_se=ds["mean_x_mc_se"].values[mk])
    assert res["passed"], res


def test_agreement_detects_a_wrong_analytic_value():
    n = 10_000
    p_true, p_wrong = 0.3, 0.32
    mc = np.full(5, p_true)
    assert stats.agreement(np.full(5, p_true), mc, n)["passed"]
    bad = stats.agreement(np.full(5, p_wrong), mc, n)
    assert not bad["passed"] and bad["max_z"] > 4
