"""Every configured figure's dataset round-trips through netCDF and is selectable by its swept values.

The datasets are assembled from chunk results of the right shape (the structure, not the
numbers, is what netCDF has to carry), with the provenance of a real run.
"""

from __future__ import annotations

import numpy as np
import pytest
import xarray as xr

from isac_core import io
from isac_core.config import load_experiment, read_config_file
from isac_core.provenance import provenance
from tests.conftest import ROOT

SPECS = {s.name: s for s in load_experiment(read_config_file(ROOT / "config/config.yaml"), workdir=ROOT)}


def _dataset(spec):
    n = int(np.prod(spec.shape))
    rng = np.random.default_rng(0)
    model = spec.model
    data = {"n_mc": ("point", np.zeros(n, np.int64))}
    for m in spec.metrics:
        if model.metrics[m].analytic is not None:
            data[m] = ("point", rng.random(n))
        if model.metrics[m].simulate is not None:
            data.update({f"{m}_mc": ("point", rng.random(n)), f"{m}_mc_se": ("point", rng.random(n))})
            if spec.precision:
                data[f"{m}_mc_n"] = ("point", np.zeros(n, np.int64))
    chunk = xr.Dataset(data, coords={"point": np.arange(n)})
    prov = provenance(config_hash=spec.config_hash(), seed=spec.seed, source=spec.source)
    return io.figure_dataset(spec, [chunk], prov)


@pytest.mark.parametrize("name", sorted(SPECS))
def test_round_trip_through_netcdf(name, tmp_path):
    ds = _dataset(SPECS[name])
    path = tmp_path / "figure.nc"
    ds.to_netcdf(path)
    with xr.open_dataset(path) as raw:
        back = io.with_swept_indexes(raw.load())
    xr.testing.assert_identical(ds, back)
    assert ds.attrs["Conventions"] == "CF-1.10"
    for var in ds.data_vars:
        if var.endswith("_mc") and var != "n_mc":
            assert ds[var].attrs["ancillary_variables"].split()[0] == f"{var}_se"
    for fixed in ds.attrs["fixed_parameters"].split():
        assert ds[fixed].ndim == 0 and "units" in ds[fixed].attrs


def test_a_db_curve_is_selected_by_the_value_swept(tmp_path):
    spec = SPECS["sui_coop6g/fig5"]
    ds = _dataset(spec)
    ds.to_netcdf(tmp_path / "fig5.nc")
    back = io.open_dataset(io.write_zarr(ds, tmp_path / "fig5.zarr"))
    # the paper quotes P_c at T = 10 dB for L = 1..4 (the value checks of the figure)
    quoted = [c for c in spec.checks if c["kind"] == "value" and c["at"].get("T") == 10.0]
    assert len(quoted) >= 4
    for check in quoted:
        point = back.sel(T_dB=10, L=check["at"]["L"])  # exact selection, no method="nearest"
        assert float(point["T"]) == 10.0  # 10 dB, linear
        assert float(point[check["metric"]]) == float(ds[check["metric"]].sel(T=10.0, L=check["at"]["L"]))
    with pytest.raises(KeyError):
        back.sel(T_dB=10.25)  # not a swept value (steps of 0.5 dB)


def test_the_datasets_attributes_are_flat():
    ds = _dataset(SPECS["meng_coop/fig4"])
    for key, value in ds.attrs.items():
        assert isinstance(value, (str, int, float, np.integer, np.floating)), (key, type(value))
