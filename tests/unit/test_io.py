"""Zarr round trip of the labelled dataset, atomic writes, and progress logging."""

from __future__ import annotations

import logging

import numpy as np
import pytest
import xarray as xr

from isac_core import io
from isac_core.config import load_experiment
from isac_core.provenance import provenance
from isac_core.sweep import chunk_bounds, chunk_task, run_chunk
from tests.conftest import ROOT, read_yaml


@pytest.fixture(scope="module")
def fig5():
    specs = load_experiment(read_yaml(ROOT / ".test/config/config.yaml"), workdir=ROOT / ".test")
    return next(s for s in specs if s.key == "fig5")


def test_round_trip_keeps_labels_units_and_provenance(fig5, tmp_path):
    chunks = [io.chunk_dataset(run_chunk(chunk_task(fig5, i)), fig5.name, i) for i in range(len(chunk_bounds(fig5)))]
    prov = provenance(config_hash=fig5.config_hash(), seed=fig5.seed, source=fig5.source)
    ds = io.figure_dataset(fig5, chunks, prov)
    back = io.open_dataset(io.write_zarr(ds, tmp_path / "fig5.zarr"))
    xr.testing.assert_identical(ds, back)
    assert back["p_cov"].dims == ("n", "B_c")
    assert back["B_s"].dims == ("B_c",) and back["B_s"].attrs["derived_as"] == "B - B_c"
    assert back["B_c"].attrs["units"] == "Hz"
    assert "p_s" in back.attrs["fixed_parameters"].split()
    assert float(back["p_s"]) == 0.5 and back["p_s"].ndim == 0
    assert {k: back["p_s"].attrs[k] for k in ("units", "text", "set_by")} == {
        "units": "W", "text": "0.5 W", "set_by": "model default"}
    for key in ("isac_core_version", "git_commit", "git_dirty", "config_hash", "seed", "library_versions"):
        assert key in back.attrs
    np.testing.assert_array_equal(back["B_s"].values, 20e6 - back["B_c"].values)


def test_interrupted_write_leaves_nothing(tmp_path, monkeypatch):
    ds = xr.Dataset({"x": ("point", np.arange(3.0))})
    target = tmp_path / "chunk.zarr"

    def killed(self, store, **kw):
        (store / "zarr.json").parent.mkdir(parents=True, exist_ok=True)
        (store / "zarr.json").write_text("{}")  # half-written store
        raise KeyboardInterrupt

    monkeypatch.setattr(xr.Dataset, "to_zarr", killed)
    with pytest.raises(KeyboardInterrupt):
        io.write_zarr(ds, target)
    assert list(tmp_path.iterdir()) == []


def test_rewrite_replaces_old_store(tmp_path):
    target = tmp_path / "a.zarr"
    io.write_zarr(xr.Dataset({"x": ("point", np.zeros(2))}), target)
    io.write_zarr(xr.Dataset({"x": ("point", np.ones(4))}), target)
    np.testing.assert_array_equal(io.open_dataset(target)["x"].values, np.ones(4))
    assert [p.name for p in tmp_path.iterdir()] == ["a.zarr"]


def test_progress_is_logged(fig5, caplog):
    with caplog.at_level(logging.INFO, logger="isac_core"):
        run_chunk(chunk_task(fig5, 0), progress_interval=0.0)
    lines = [r.getMessage() for r in caplog.records if "MC points done" in r.getMessage()]
    assert lines, "no progress line"
    assert "elapsed" in lines[-1] and "est. remaining" in lines[-1] and "(100%)" in lines[-1]


def test_progress_before_any_batch_says_the_time_left_is_unknown(caplog):
    from isac_core.sweep import report_progress

    with caplog.at_level(logging.INFO, logger="isac_core"):
        report_progress("fig chunk 0000", 0.0, 288, 39.7)
    assert caplog.records[-1].getMessage().endswith("est. remaining unknown until a batch is done")
