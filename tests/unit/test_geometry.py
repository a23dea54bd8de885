"""Point-process and fading samplers: distributions, draw order, determinism."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats as _st
from scipy.optimize import brentq

from isac_core import fading, geometry
from isac_core.numerics import interference_defect, one_minus_defect
from isac_core.stats import FAMILY_ALPHA, binomial_standard_error, bonferroni_z


def _mean_and_se(x):
    return x.mean(), x.std(ddof=1) / np.sqrt(x.size)


def _half_point(n, alpha):
    """t with n d(t; alpha) = ln 2, i.e. a Laplace transform of about 1/2."""
    return np.exp(brentq(lambda x: n * interference_defect(np.exp(x), alpha) - np.log(2.0),
                         -50.0, 200.0))


def test_uniform_disk_distances_law():
    rng = np.random.default_rng(20240601)
    r = geometry.uniform_disk_distances(rng, 500.0, 20000)
    assert r.shape == (20000,) and r.min() >= 0 and r.max() <= 500.0
    # F(r) = (r / R)^2, Kolmogorov-Smirnov at the family false-alarm rate
    assert _st.kstest(r, lambda x: np.clip(x / 500.0, 0, 1) ** 2).pvalue > FAMILY_ALPHA


# (alpha, n, count): Laplace transform E[exp(-s I)] of I = sum_j h_j l_j^-alpha
LAPLACE_CASES = [
    (4.0, 50, "fixed"),
    (3.0, 20, "fixed"),
    (5.0, 1, "fixed"),
    (2.0, 30, "fixed"),
    (2.7, 10, "fixed"),  # np.power fallback
    (4.0, 50, "poisson"),
    (3.0, 4.5, "poisson"),  # non-integer mean
]


def test_disk_interference_laplace_transform():
    """E[exp(-s I)] = (1 - d(R^alpha / s))^n for n fixed points and exp(-n d) for a
    Poisson count (eq. (9) steps (d)-(f)): tests the sampler and d(t; alpha) together."""
    R, n_trials = 500.0, 100_000
    z = bonferroni_z(len(LAPLACE_CASES))
    for i, (alpha, n, count) in enumerate(LAPLACE_CASES):
        rng = np.random.default_rng(1000 + i)
        interference = geometry.disk_interference(rng, n_trials, n, alpha, R, count)
        t = _half_point(n, alpha)
        s = R**alpha / t
        if count == "fixed":
            expected = one_minus_defect(t, alpha) ** n
        else:
            expected = np.exp(-n * interference_defect(t, alpha))
        mean, se = _mean_and_se(np.exp(-s * interference))
        assert abs(mean - expected) <= z * se, (alpha, n, count, mean, expected)


def test_disk_interference_chunked_rows_and_blocks(monkeypatch):
    """Tiny blocks force the chunking over trials and over points within a trial."""
    monkeypatch.setattr(geometry, "BLOCK_POINTS", 16)
    alpha, n, n_trials = 4.0, 37, 40_000
    t = _half_point(n, alpha)
    z = bonferroni_z(2)
    for count, seed in (("fixed", 5), ("poisson", 6)):
        x = geometry.disk_interference(np.random.default_rng(seed), n_trials, n, alpha, 1.0,
                                       count)
        if count == "fixed":
            expected = one_minus_defect(t, alpha) ** n
        else:
            expected = np.exp(-n * interference_defect(t, alpha))
        mean, se = _mean_and_se(np.exp(-x / t))
        assert abs(mean - expected) <= z * se


def test_disk_interference_draw_order_single_block(monkeypatch):
    """Within one block: n*T uniforms, then n*T exponentials; point j of trial i at [j, i]."""
    monkeypatch.setattr(geometry, "BLOCK_POINTS", 1 << 20)
    n, n_trials, alpha, R = 7, 300, 3.0, 2.0
    got = geometry.disk_interference(np.random.default_rng(3), n_trials, n, alpha, R)
    rng = np.random.default_rng(3)
    u = rng.random(n * n_trials).reshape(n, n_trials)
    h = rng.standard_exponential(n * n_trials).reshape(n, n_trials)
    ref = (h * (R * np.sqrt(u)) ** -alpha).sum(axis=0)
    np.testing.assert_allclose(got, ref, rtol=1e-13)


@pytest.mark.parametrize("count", ["fixed", "poisson"])
def test_disk_interference_is_deterministic(count):
    a = geometry.disk_interference(np.random.default_rng(9), 5000, 12, 4.0, 500.0, count)
    out = np.empty(5000)
    b = geometry.disk_interference(np.random.default_rng(9), 5000, 12, 4.0, 500.0, count,
                                   out=out)
    assert b is out and np.array_equal(a, b)
    assert np.all(a >= 0)


def test_disk_interference_empty_and_invalid():
    rng = np.random.default_rng(0)
    assert np.array_equal(geometry.disk_interference(rng, 10, 0, 4.0), np.zeros(10))
    assert np.array_equal(geometry.disk_interference(rng, 10, 0.0, 4.0, count="poisson"),
                          np.zeros(10))
    assert geometry.disk_interference(rng, 0, 5, 4.0).shape == (0,)
    with pytest.raises(ValueError):
        geometry.disk_interference(rng, 10, 2.5, 4.0)
    with pytest.raises(ValueError):
        geometry.disk_interference(rng, 10, 3, 4.0, count="binomial")
    with pytest.raises(ValueError):
        geometry.disk_interference(rng, 10, 3, 4.0, out=np.empty(9))


def test_poisson_count_empty_trials_are_zero():
    x = geometry.disk_interference(np.random.default_rng(4), 20000, 0.5, 4.0, 1.0, "poisson")
    zero = np.mean(x == 0.0)  # P(N = 0) = exp(-0.5)
    expected = np.exp(-0.5)
    assert abs(zero - expected) <= bonferroni_z(1) * binomial_standard_error(expected, x.size)


def test_ppp_ordered_distances_law():
    density = 1e-4  # m^-2
    r = geometry.ppp_ordered_distances(np.random.default_rng(11), density, 3, size=50_000)
    assert r.shape == (50_000, 3)
    assert np.all(np.diff(r, axis=-1) >= 0)
    radii = [30.0, 56.0, 100.0, 150.0]
    z = bonferroni_z(2 * len(radii))
    for radius in radii:
        mu = density * np.pi * radius**2
        # P(r_1 > r) = exp(-lambda pi r^2); P(r_3 > r) = P(N(b(0, r)) <= 2)
        for k, expected in ((0, np.exp(-mu)), (2, _st.poisson.cdf(2, mu))):
            frac = np.mean(r[:, k] > radius)
            assert abs(frac - expected) <= z * binomial_standard_error(expected, r.shape[0])
    assert geometry.ppp_ordered_distances(np.random.default_rng(0), 1.0, 4).shape == (4,)
    assert geometry.ppp_ordered_distances(np.random.default_rng(0), 1.0, 2, (3, 5)).shape == (
        3, 5, 2)


def test_fading_samplers_moments():
    rng = np.random.default_rng(12)
    n = 200_000
    z = bonferroni_z(3)
    for x, mean in ((fading.rayleigh_power(rng, n), 1.0),
                    (fading.swerling1_rcs(rng, 10.0, n), 10.0),
                    (fading.gamma_power(rng, 3.0, n, scale=1 / 3.0), 1.0)):
        m, se = _mean_and_se(x)
        assert abs(m - mean) <= z * se
    # Swerling I is exponential: P(sigma > sigma_bar) = e^-1
    sigma = fading.swerling1_rcs(rng, 10.0, n)
    assert abs(np.mean(sigma > 10.0) - np.exp(-1)) <= bonferroni_z(1) * binomial_standard_error(
        np.exp(-1), n)
