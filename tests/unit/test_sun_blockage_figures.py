"""The sun_blockage figures of config/figures/sun_blockage.yaml, run through the engine at low precision.

Exercises the model's metric adapters end to end: every agreement test and every check on analytic
values (the paper's qualitative claims: coverage hole, one communication optimum, two sensing peaks,
optima falling with the threshold, convergence to no blockage, density independence).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from isac_core.config import load_figure_file
from tests.unit.figure_runs import assert_figure_holds, run_figure

FIGURES = Path(__file__).resolve().parents[2] / "config" / "figures" / "sun_blockage.yaml"


@pytest.fixture(scope="module")
def specs():
    return load_figure_file(FIGURES, seed=17)


@pytest.mark.parametrize("key", ["fig2", "fig2_rcs_shift", "fig3", "fig4_single", "fig5", "fig6", "fig7"])
def test_figure_agrees_and_meets_its_analytic_checks(specs, key):
    spec, ds = run_figure(specs[key], 2000)
    _, analytic = assert_figure_holds(spec, ds)
    assert analytic


def test_reconstructed_parameters_are_marked(specs):
    spec, ds = run_figure(specs["fig3"], 200)
    fixed = ds.attrs["fixed_parameters"].split()
    assert "lam_b" in fixed and "C_E" in fixed and ds["lam_b"].attrs["units"] == "m^-2"
    model = spec.model
    assert all("reconstructed" in model.parameters[name].source for name in ("lam_b", "P_t", "noise", "C_L", "rcs"))
