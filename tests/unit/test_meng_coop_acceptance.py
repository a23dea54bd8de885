"""Acceptance probabilities of Meng & Masouros (Lemma 1, Section IV) and the network Monte Carlo."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import integrate
from scipy import special as sp

from isac_core.models.meng_coop.acceptance import (
    kappa_comm,
    kappa_sensing,
    mean_squared_distance_index,
    network_acceptance,
    poisson_tail_ratio,
)

N_REFERENCE = np.array([10, 15, 20, 30])
# independent reference values (psi = 15, mu_s = 1) of Nbar and of kappa_s: corrected (docs/errata.md, meng_coop,
# row 5), printed eqs. (15) and (24), and the size-biased ("Palm") variant
NBAR = [9.753200, 14.752117, 19.751582, 29.751050]
KAPPA_S = {
    "corrected": [0.995263, 0.928671, 0.777784, 0.522256],
    "printed15": [0.964718, 0.826447, 0.722890, 0.521094],
    "palm": [0.991345, 0.904607, 0.745374, 0.504122],
}
KAPPA_S_PRINTED24 = [0.0979, 0.3680, 0.6157, 0.5201]


def test_mean_squared_distance_index():
    np.testing.assert_allclose(mean_squared_distance_index(N_REFERENCE), NBAR, atol=1e-6)
    assert mean_squared_distance_index(1) == pytest.approx(np.pi / 4.0, rel=1e-14)
    big = np.array([1e4, 1e6, 1e9])  # Gamma alone overflows beyond 171
    series = big - 0.25 + 1.0 / (32.0 * big) + 1.0 / (128.0 * big**2)
    np.testing.assert_allclose(mean_squared_distance_index(big), series, rtol=1e-15)
    # recurrence Nbar(N + 1) / Nbar(N) = ((N + 1/2) / N)^2, also across the switch to the series at 171
    n = np.arange(1.0, 2000.0)
    ratio = mean_squared_distance_index(n + 1) / mean_squared_distance_index(n)
    np.testing.assert_allclose(ratio, ((n + 0.5) / n) ** 2, rtol=1e-14)
    exact = np.array([(math.gamma(n + 0.5) / math.gamma(n)) ** 2 for n in range(1, 60)])
    np.testing.assert_allclose(mean_squared_distance_index(np.arange(1, 60)), exact, rtol=1e-13)
    with pytest.raises(ValueError):
        mean_squared_distance_index(0)
    with pytest.raises(ValueError):
        mean_squared_distance_index(2.5)


@pytest.mark.parametrize("form", sorted(KAPPA_S))
def test_kappa_sensing_table(form):
    np.testing.assert_allclose(kappa_sensing(N_REFERENCE, 1.0, 15, form), KAPPA_S[form], atol=1e-6)


def test_kappa_sensing_printed24_table():
    np.testing.assert_allclose(kappa_sensing(N_REFERENCE, 1.0, 15, "printed24"), KAPPA_S_PRINTED24, atol=5e-5 + 1e-12)


def test_kappa_sensing_is_the_boxed_sum():
    """Corrected form = sum_{n<=psi} Pois(n) + sum_{n>psi} Pois(n) psi / n, summed naively."""
    for n_size, mu, psi in [(15, 1.0, 15), (7, 2.5, 4), (30, 0.3, 10)]:
        m = mu * (math.gamma(n_size + 0.5) / math.gamma(n_size)) ** 2
        pmf = [math.exp(-m + k * math.log(m) - math.lgamma(k + 1)) for k in range(400)]
        ref = sum(p * min(1.0, psi / k) if k else p for k, p in enumerate(pmf))
        assert kappa_sensing(n_size, mu, psi) == pytest.approx(ref, rel=1e-12)


def test_kappa_comm_table():
    L = np.array([12, 6, 10, 5])
    mu = np.array([1.0, 2.0, 2.0, 3.0])
    np.testing.assert_allclose(kappa_comm(L, mu, 15), [0.980058, 0.982684, 0.775484, 0.936498], atol=1e-6)
    # naive sum of the Section IV formula
    m = 2.0 * mean_squared_distance_index(10)
    pmf = [math.exp(-m + k * math.log(m) - math.lgamma(k + 1)) for k in range(400)]
    ref = sum(pmf[:15]) + 14.0 * sum(p / (k - 1) for k, p in enumerate(pmf) if k >= 15)
    assert kappa_comm(10, 2.0, 15) == pytest.approx(ref, rel=1e-12)
    # psi = 1: no cooperation slot, kappa_c = Pr[n = 0]
    assert kappa_comm(3, 1.0, 1) == pytest.approx(math.exp(-mean_squared_distance_index(3)), rel=1e-12)


def test_tail_sum_matches_integral_form():
    """sum_{n>psi} Pois(n; m)/n = int_0^1 exp(-m (1-t)) P(psi+1, m t) / t dt (tail of Lemma 1's kappa_s)."""
    for m in (0.5, 14.752117, 60.0):
        ref, _ = integrate.quad(lambda t, m=m: np.exp(-m * (1 - t)) * sp.gammainc(16, m * t) / t, 0.0, 1.0,
                                epsabs=0.0, epsrel=1e-13, limit=200)
        assert poisson_tail_ratio(16, m) == pytest.approx(ref, rel=1e-11)


def test_kappa_limits_and_monotonicity():
    N = np.arange(1, 60)
    k = kappa_sensing(N, 1.0, 15)
    assert np.all(np.diff(k) < 0) and np.all((k > 0) & (k <= 1))
    assert np.all(np.diff(kappa_sensing(20, np.array([0.5, 1.0, 2.0]), 15)) < 0)
    assert np.all(np.diff(kappa_sensing(20, 1.0, np.array([5, 10, 15, 20]))) > 0)
    assert kappa_sensing(10, 0.0, 15) == 1.0 and kappa_comm(10, 0.0, 15) == 1.0
    # heavy load: every one of the ~m requests competes for psi slots, kappa ~ psi / m
    m = 1e4 * mean_squared_distance_index(100)
    assert kappa_sensing(100, 1e4, 15) * m / 15 == pytest.approx(1.0, rel=0.01)
    assert np.all(np.diff(kappa_comm(np.arange(2, 30), 1.0, 15)) < 0)


def test_kappa_broadcasting_and_validation():
    assert kappa_sensing(np.arange(1, 4)[:, None], np.array([0.5, 1.0, 2.0, 3.0]), 15).shape == (3, 4)
    assert kappa_comm(np.arange(1, 4)[:, None], 1.0, np.array([10, 15])).shape == (3, 2)
    assert np.ndim(kappa_sensing(15, 1.0, 15)) == 0
    with pytest.raises(ValueError):
        kappa_sensing(10, 1.0, 15, form="paper")
    with pytest.raises(ValueError):
        kappa_sensing(10, -1.0, 15)
    with pytest.raises(ValueError):
        kappa_comm(10, 1.0, 2.5)
    with pytest.raises(ValueError):
        poisson_tail_ratio(1, 2.0, shift=1)


def test_network_acceptance_close_to_corrected_kappa():
    """Realised per-request acceptance <= kappa_s (corrected) and within 8 % of it (docs/errata.md, meng_coop)."""
    for n_size in (10, 15, 20, 30):
        out = network_acceptance(np.random.default_rng(n_size), n_size, 15, side=60.0, n_drops=2)
        kappa = kappa_sensing(n_size, 1.0, 15)
        assert out["acceptance"] <= kappa
        assert out["acceptance"] >= 0.92 * kappa
        assert out["load_mean"] == pytest.approx(n_size, rel=0.05)
        assert out["load_var"] > out["load_mean"]  # over-dispersed compared with Poisson
        assert out["per_drop"].shape == (2,)


def test_network_acceptance_deterministic_and_validated():
    a = network_acceptance(np.random.default_rng(3), 8, 15, side=20.0, n_drops=1)
    b = network_acceptance(np.random.default_rng(3), 8, 15, side=20.0, n_drops=1)
    assert a["acceptance"] == b["acceptance"] and a["load_var"] == b["load_var"]
    assert network_acceptance(np.random.default_rng(3), 2, 1000, side=20.0, n_drops=1)["acceptance"] == 1.0
    with pytest.raises(ValueError):
        network_acceptance(np.random.default_rng(3), 30, 15, side=5.0)
