"""The cellular plug-in: its analytic kernel against independent evaluations, and one figure run."""

from __future__ import annotations

import json

import numpy as np
import pytest
from isac_cellular import FIGURES
from isac_cellular.model import MODEL, coverage, rho
from scipy import integrate

from isac_core.config import load_figure_file
from isac_core.models import get_model
from isac_core.pipeline import run_figure


def test_registered_through_the_entry_point():
    assert get_model("cellular") is MODEL


def test_rho_at_alpha_4_is_the_closed_form_of_the_paper():
    T = np.logspace(-2, 2, 9)
    np.testing.assert_allclose(rho(T, 4.0), np.sqrt(T) * (np.pi / 2 - np.arctan(1 / np.sqrt(T))), rtol=1e-12)


@pytest.mark.parametrize("alpha", [3.0, 5.0])
def test_rho_against_its_integral(alpha):
    for T in (0.1, 1.0, 10.0):
        ref = T ** (2 / alpha) * integrate.quad(lambda u: 1 / (1 + u ** (alpha / 2)), T ** (-2 / alpha), np.inf,
                                                epsrel=1e-12)[0]
        assert rho(T, alpha) == pytest.approx(ref, rel=1e-9)


def test_noise_lowers_coverage_and_vanishing_noise_recovers_the_closed_form():
    T = np.array([0.5, 1.0, 4.0])
    clean = coverage(T, 1e-6, 4.0, 0.0)
    np.testing.assert_allclose(coverage(T, 1e-6, 4.0, 1e-30), clean, rtol=1e-9)
    assert np.all(coverage(T, 1e-6, 4.0, 1e-1) < clean)


def test_figure_runs_and_analytic_and_monte_carlo_agree(tmp_path):
    spec = load_figure_file(FIGURES, seed=3)["fig3"]
    out = run_figure(spec, tmp_path)
    verdict = json.loads(out["check"].read_text())
    assert verdict["passed"], verdict
    assert verdict["agreement"] and all(a["passed"] for a in verdict["agreement"])
