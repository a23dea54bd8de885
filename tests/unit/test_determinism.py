"""Same config and seed -> bit-identical datasets, whatever the chunking, workers or scheduler.

Uses a real paper figure (li_tradeoff Fig. 5 of .test/config: two metrics, derived
parameters, Monte Carlo at every point in two batches).
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from isac_core.config import load_experiment
from isac_core.io import chunk_dataset, figure_dataset
from isac_core.sweep import chunk_bounds, chunk_task, run_chunk
from tests.conftest import ROOT, read_yaml


@pytest.fixture(scope="module")
def spec():
    specs = load_experiment(read_yaml(ROOT / ".test/config/config.yaml"), workdir=ROOT / ".test")
    spec = next(s for s in specs if s.key == "fig5")
    assert spec.n_trials > spec.batch_size  # several batches per marker
    return spec


def run(spec, chunk_size, **kw):
    spec = dataclasses.replace(spec, chunk_size=chunk_size)
    chunks = [chunk_dataset(run_chunk(chunk_task(spec, i), **kw), spec.name, i)
              for i in range(len(chunk_bounds(spec)))]
    return figure_dataset(spec, chunks[::-1], {})  # aggregation order must not matter either


def assert_identical(a, b):
    assert set(a.data_vars) == set(b.data_vars)
    for name in a.data_vars:
        np.testing.assert_array_equal(a[name].values, b[name].values, err_msg=name)
    for name in a.coords:
        np.testing.assert_array_equal(a[name].values, b[name].values, err_msg=name)


def test_local_chunkings_and_threads(spec):
    reference = run(spec, 10_000, threads=1)
    assert int((reference["n_mc"] > 0).sum()) == 6
    assert_identical(reference, run(spec, 1, threads=2))
    assert_identical(reference, run(spec, 4, threads=2))
    assert_identical(reference, run(spec, 5, scheduler="synchronous"))


def test_shared_worker_pool(spec):
    """The pool a local Snakemake run hands its tasks to (worker processes, spawned)."""
    from isac_core import workers

    reference = run(spec, 10_000, threads=1)
    try:
        assert_identical(reference, run(spec, 3, threads=2, pool=workers.shared_pool(2)))
    finally:
        workers.shutdown()


def test_distributed_local_cluster(spec):
    distributed = pytest.importorskip("distributed")
    reference = run(spec, 10_000, threads=2)
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=None) as cluster:
        other = run(spec, 2, address=cluster.scheduler_address)
    assert_identical(reference, other)
