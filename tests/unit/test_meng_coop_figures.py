"""The meng_coop figures of config/figures/meng_coop.yaml, run through the engine at low precision.

Exercises the model's metric adapters end to end: every agreement test (standard error plus the
stated approximation allowance) and every check on analytic values (the checks on Monte Carlo
values are calibrated for the configured trial counts and run in the workflow).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from isac_core.config import load_figure_file
from isac_core.model import per_distinct
from isac_core.models.meng_coop import MODEL
from tests.unit.figure_runs import assert_figure_holds, run_figure

FIGURES = Path(__file__).resolve().parents[2] / "config" / "figures" / "meng_coop.yaml"


@pytest.fixture(scope="module")
def specs():
    return load_figure_file(FIGURES, seed=13)


@pytest.mark.parametrize(("key", "n_trials"), [("fig2", 2000), ("fig2_median", 2000), ("fig2_large_n", 500),
                                               ("fig3", 2000), ("fig3_kappa", 2), ("fig4_mu3", 3000),
                                               ("fig5", 2000)])
def test_figure_agrees_and_meets_its_analytic_checks(specs, key, n_trials):
    spec, ds = run_figure(specs[key], n_trials)
    _, analytic = assert_figure_holds(spec, ds)
    assert analytic or key in ("fig2_median", "fig2_large_n")  # their checks all read simulated values


def test_crlb_markers_start_where_the_mean_exists(specs):
    spec, ds = run_figure(specs["fig2"], 500)
    with_markers = ds["N"].values[ds["n_mc"].values > 0]
    assert with_markers.min() == 4  # E[tr F^-1] is infinite for N <= 3
    assert np.isfinite(ds["crlb_exact_mc"].values[ds["n_mc"].values > 0]).all()
    with pytest.raises(ValueError, match="infinite for N < 4"):
        MODEL.metrics["crlb_exact"].simulate(np.random.default_rng(0), 10,
                                             {"N": np.array([3.0]), "beta": 2.0, "p_s": 1.0, "mu_s": 1.0,
                                              "psi": 15.0})


def test_per_distinct_groups_scalar_parameters():
    params = {"a": np.array([1.0, 2.0, 1.0, 2.0]), "b": np.array([5.0, 5.0, 5.0, 6.0]), "x": np.arange(4.0)}
    calls = []

    def kernel(scalars, selected):
        calls.append((scalars["a"], scalars["b"]))
        return scalars["a"] * 10 + scalars["b"] + params["x"][selected]

    out = per_distinct(params, ("a", "b"), kernel)
    np.testing.assert_array_equal(out, [15.0, 26.0, 17.0, 29.0])
    assert sorted(calls) == [(1.0, 5.0), (2.0, 5.0), (2.0, 6.0)]
