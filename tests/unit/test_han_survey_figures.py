"""The han_survey figures of config/figures/han_survey.yaml, run through the engine at low precision."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from isac_core.checks import check_figure
from isac_core.config import load_figure_file
from isac_core.io import write_zarr
from isac_core.plotting import render
from isac_core.report import write_report
from tests.unit.figure_runs import assert_figure_holds, run_figure

FIGURES = Path(__file__).resolve().parents[2] / "config" / "figures" / "han_survey.yaml"


@pytest.fixture(scope="module")
def specs():
    return load_figure_file(FIGURES, seed=19)


def test_fig4b_curves_share_their_drops_and_singular_fraction_agrees(specs):
    spec, ds = run_figure(specs["fig4b"], 1500)
    assert_figure_holds(spec, ds)  # includes P(singular) = exp(-mu)(1 + mu), an exact binomial test
    # common random numbers: the M_t P medians are the fixed-P medians divided by M, per point
    M = np.round(50e-6 / ds["lam"].values)
    for scheme in ("aoa", "tof", "hybrid"):
        p, mtp = ds[f"crlb_{scheme}_p_mc"].values, ds[f"crlb_{scheme}_mtp_mc"].values
        finite = np.isfinite(p)
        np.testing.assert_allclose(mtp[finite] * M[finite], p[finite], rtol=1e-9)
    assert "median" in ds["crlb_aoa_p_mc"].attrs["estimator"]


def test_table3_agrees_with_its_analytic_checks(specs, tmp_path):
    spec, ds = run_figure(specs["table3"], 400)
    result, analytic = assert_figure_holds(spec, ds)
    assert analytic == []  # every table3 check reads Monte Carlo values (run by the workflow)
    fit = next(c for c in result["checks"] if c["kind"] == "fit" and c["law"].startswith("1 / (a"))
    assert set(fit["fits"]["all"]["coefficients"]) == {"a", "b"} and fit["fits"]["all"]["points"] == 14
    store, check, png = tmp_path / "t3.zarr", tmp_path / "t3.check.json", tmp_path / "t3.png"
    write_zarr(ds, store)
    check.write_text(json.dumps(result))
    render(ds, spec).savefig(png)
    html = write_report([(store, check, png)], tmp_path / "index.html").read_text()
    assert "1 / (a ln^2 N + b ln N) fitted along N: max |y/fit - 1| in [0, 0.1], every coefficient &gt; 0" in html
    # the mean-field lines are finite and decreasing in N
    for name in ("t3_tof_mf", "t3_aoa_mf", "t3_hybrid_mf"):
        assert np.all(np.diff(ds[name].values) < 0)


def test_report_lists_the_survey_inventory(specs, tmp_path):
    spec, ds = run_figure(specs["fig4b"], 200)
    assert any(i["item"].startswith("Fig. 4(a)") and i["verdict"] == "not reproducible"
               for i in json.loads(ds.attrs["paper_inventory"]))
    store = write_zarr(ds, tmp_path / "fig4b.zarr")
    check = tmp_path / "fig4b.check.json"
    check.write_text(json.dumps(check_figure(ds, spec)))
    png = tmp_path / "fig4b.png"
    render(ds, spec).savefig(png)
    html = write_report([(store, check, png)], tmp_path / "index.html").read_text()
    assert "What han_survey allows" in html and "not reproducible" in html and "Fig. 4(a)" in html
    assert "6 reference values along lam" in html and "ILLUSTRATIVE surrogate" in html


def test_fig4a_surrogate_region_agrees_with_its_simulation(specs):
    spec, ds = run_figure(specs["fig4a_surrogate"], 2000)
    assert_figure_holds(spec, ds)  # the boundary and time-sharing ASEs against their Monte Carlo markers
    assert "ILLUSTRATIVE" in ds.attrs["title"] and "not a reproduction" in ds.attrs["title"]
    # a weighted optimum moves towards communication as its weight grows: T_c up, T_s down
    assert np.all(np.diff(ds["ase_comm"].values, axis=-1) >= 0)
    assert np.all(np.diff(ds["ase_sense"].values, axis=-1) <= 0)
    # time sharing runs from (0, T_s^max) to (T_c^max, 0)
    assert np.all(ds["ase_comm_ts"].isel(weight=0) == 0) and np.all(ds["ase_sense_ts"].isel(weight=-1) == 0)


def test_fig4a_surrogate_gain_follows_the_stated_trends(specs):
    spec, ds = run_figure(specs["fig4a_surrogate_gain"], 1)
    result, analytic = assert_figure_holds(spec, ds)  # trends (i), (ii) and the reference gains
    assert len(analytic) == len(result["checks"]) == 11
    assert ds["ase_gain"].sel(cbf_min=1) > 1 > ds["ase_gain"].sel(cbf_min=4)
