"""Cooperative-sensing CRLB of Meng & Masouros: FIM algebra, analytic curves, Monte Carlo."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy.stats import binom

from isac_core.geometry import ppp_ordered_distances
from isac_core.models.meng_coop import crlb
from isac_core.models.meng_coop.acceptance import kappa_sensing
from isac_core.models.meng_coop.crlb import (
    crlb_eq13,
    crlb_log_law,
    crlb_prop1,
    crlb_prop1_offdiag,
    crlb_samples,
    crlb_trace_closed_form,
    crlb_trace_direct,
    crlb_trace_lexicographic,
    crlb_with_acceptance,
    expected_distance,
)

Z = 4.0  # z-score of the Monte Carlo tolerances (deterministic seeds)


def _config(rng, shape, n):
    d = np.sqrt(np.cumsum(rng.standard_exponential((*shape, n)), axis=-1))
    theta = 2.0 * np.pi * rng.random((*shape, n))
    return d, theta


# --------------------------------------------------------------------------- FIM algebra (eq. (11); docs/errata.md)


@pytest.mark.parametrize("n", [2, 3, 4, 5, 8])
@pytest.mark.parametrize("beta", [2.0, 3.0])
def test_fim_forms_agree(n, beta):
    d, theta = _config(np.random.default_rng(100 + n), (100,), n)
    direct = crlb_trace_direct(d, theta, beta)
    closed = crlb_trace_closed_form(d, theta, beta)
    lex = crlb_trace_lexicographic(d, theta, beta)
    assert np.all(np.isfinite(direct))
    np.testing.assert_allclose(closed, direct, rtol=1e-9, atol=0)
    np.testing.assert_allclose(lex, direct, rtol=1e-9, atol=0)


def test_printed_eq11_halves_the_crlb():
    d, theta = _config(np.random.default_rng(7), (50,), 4)
    ratio = crlb_trace_lexicographic(d, theta, form="printed") / crlb_trace_lexicographic(d, theta)
    np.testing.assert_allclose(ratio, 0.5, rtol=1e-13)


def test_closed_form_vectorised_and_invariant():
    rng = np.random.default_rng(3)
    d, theta = _config(rng, (2, 3), 6)
    batch = crlb_trace_closed_form(d, theta)
    assert batch.shape == (2, 3)
    for i in range(2):
        for j in range(3):
            assert batch[i, j] == crlb_trace_closed_form(d[i, j], theta[i, j])
    # rotating every bearing leaves the trace unchanged; d -> s d scales it by s^(2 beta)
    np.testing.assert_allclose(crlb_trace_closed_form(d, theta + 0.7), batch, rtol=1e-10)
    scaled = crlb_trace_closed_form(3.0 * d, theta, 2.5)
    np.testing.assert_allclose(scaled, 3.0**5 * crlb_trace_closed_form(d, theta, 2.5), rtol=1e-12)


def test_symmetric_configuration_gives_two_over_s_squared():
    """Equal distances and equally spaced bearings: mu = q = 0, so tr F^-1 = 2 / S^2 exactly."""
    for n in (3, 5, 12):
        theta = 0.4 + 2.0 * np.pi * np.arange(n) / n
        for f in (crlb_trace_closed_form, crlb_trace_direct, crlb_trace_lexicographic):
            assert f(np.full(n, 2.0), theta) == pytest.approx(2.0 / (n * 2.0**-2) ** 2, rel=1e-12)


def test_singular_configurations_give_inf():
    with np.errstate(all="raise"):
        assert crlb_trace_closed_form([1.0], [0.0]) == np.inf
        assert crlb_trace_direct([1.0], [0.0]) == np.inf
        assert crlb_trace_closed_form([1.0], [0.3]) > 1e12  # det = 0 up to round-off
        collinear = ([1.0, 2.0, 3.0], [0.2, 0.2 + np.pi, 0.2])
        assert crlb_trace_direct(*collinear) > 1e12
        assert crlb_trace_closed_form(*collinear) > 1e12  # exactly singular; round-off may leave det > 0


def test_geometry_validation():
    with pytest.raises(ValueError):
        crlb_trace_closed_form([1.0, -1.0], [0.0, 1.0])
    with pytest.raises(ValueError):
        crlb_trace_direct([1.0, 2.0], [0.0, 1.0], beta=0.0)
    with pytest.raises(ValueError):
        crlb_trace_lexicographic([1.0, 2.0], [0.0, 1.0], form="paper")


# --------------------------------------------------------------------------- analytic curves (eqs. (12)-(14), (16))


def test_expected_distance_matches_the_reference():
    n = np.array([1, 2, 5, 15, 30])
    np.testing.assert_allclose(expected_distance(n, 1.0 / np.pi), [0.8862, 1.3293, 2.1809, 3.8408, 5.4545], atol=5e-5)
    # the paper's approximation sqrt(n / (lambda pi)) and the physical scaling
    np.testing.assert_allclose(expected_distance(1e6, 1.0 / np.pi), 1e3, rtol=1e-6)
    assert expected_distance(4, 1e-6) == pytest.approx(expected_distance(4, 1.0) * 1e3)
    # against the mean of ordered PPP distances
    r = ppp_ordered_distances(np.random.default_rng(9), 1.0 / np.pi, 5, 40000)
    se = r.std(axis=0) / np.sqrt(r.shape[0])
    assert np.all(np.abs(r.mean(axis=0) - expected_distance(np.arange(1, 6), 1.0 / np.pi)) < Z * se)


N_TABLE = np.array([4, 5, 6, 8, 10, 12, 15, 20, 25, 30, 40, 50])
# independent reference values of eq. (12), its l != k variant, eq. (13), 1/ln^2 N and 2/ln^2 N, as printed there
# ("" = not printed). The reference prints 0.312 for 1/ln^2 6 = 0.31149 (docs/errata.md, meng_coop); the
# correctly rounded 0.311 is used here.
CLOSED_FORM_TABLE = [
    (crlb_prop1, "0.329 0.279 0.246 0.204 0.179 0.161 0.143 0.123 0.111 0.102 0.090 0.082"),
    (crlb_prop1_offdiag, "0.507 0.401 0.338 0.266 0.2245 - 0.171 0.144 - 0.116 - 0.091"),
    (crlb_eq13, "0.461 0.384 0.333 0.271 0.2331 0.2077 0.1816 0.1545 0.1373 0.1253 0.1093 0.0988"),
    (lambda n: crlb_log_law(n, 1.0), "0.520 0.386 0.311 0.231 0.1886 0.1619 0.1364 0.1114 0.0965 0.0864 0.0735 0.0653"),
    (lambda n: crlb_log_law(n, 2.0), "1.041 0.772 0.623 0.463 0.377 0.324 0.273 0.223 0.193 0.173 0.147 0.131"),
]


def _half_unit(text):
    """Half a unit in the last printed place of ``text``."""
    return 0.5 * 10.0 ** -len(text.split(".")[1])


@pytest.mark.parametrize("func, printed", CLOSED_FORM_TABLE)
def test_closed_forms_match_the_reference_table(func, printed):
    entries = printed.split()
    keep = np.array([e != "-" for e in entries])
    values = func(N_TABLE[keep])
    for value, text in zip(values, [e for e in entries if e != "-"], strict=True):
        assert abs(value - float(text)) <= _half_unit(text) + 1e-12, (value, text)


def test_eq13_harmonic_and_general_beta():
    N = np.arange(1, 41)
    H = np.cumsum(1.0 / N)
    np.testing.assert_allclose(crlb_eq13(N), 2.0 / H**2, rtol=1e-13)
    assert crlb_eq13(1) == pytest.approx(2.0, rel=1e-14)
    for beta in (1.0, 3.0, 4.0):
        direct = 2.0 / np.cumsum(N ** (-beta / 2.0)) ** 2
        np.testing.assert_allclose(crlb_eq13(N, beta), direct, rtol=1e-12)
    nbar = np.array([(math.gamma(k + 0.5) / math.gamma(k)) ** 2 for k in range(1, 11)])
    for beta in (2.0, 3.0):
        s1 = np.cumsum(nbar ** (-beta / 2.0))
        s2 = np.cumsum(nbar ** (-beta))
        np.testing.assert_allclose(crlb_prop1(np.arange(1, 11), beta), 2.0 / s1**2, rtol=1e-12)
        np.testing.assert_allclose(crlb_prop1_offdiag(np.arange(2, 11), beta), 2.0 / (s1**2 - s2)[1:], rtol=1e-12)


def test_theorem1_limit_is_two_not_one():
    """Printed: CRLB ln^2 N -> 1; corrected: -> 2, approached logarithmically."""
    N = np.array([1e2, 1e4, 1e10, 1e50, 1e100])
    product = crlb_eq13(N) * np.log(N) ** 2
    assert np.all(np.diff(product) > 0)
    assert abs(product[-1] - 2.0) < 0.02
    assert product[2] > 1.5  # already far above the printed constant 1


def test_analytic_validation():
    with pytest.raises(ValueError):
        crlb_log_law(1)
    with pytest.raises(ValueError):
        crlb_prop1_offdiag(1)
    with pytest.raises(ValueError):
        crlb_eq13(2.5)
    with pytest.raises(ValueError):
        crlb_with_acceptance(10, 0.0)
    with pytest.raises(ValueError):
        crlb_with_acceptance(10, 0.5, form="paper")
    with pytest.raises(ValueError):
        crlb_with_acceptance(10, 0.5, beta=3.0)


N_ACC = np.array([6, 8, 10, 12, 13, 14, 15, 16, 18, 20, 25, 30, 40])
C16 = [0.3115, 0.2316, 0.1904, 0.1682, 0.1622, 0.1589, 0.1581, 0.1596, 0.1686, 0.1842, 0.2428, 0.3169, 0.4898]
C16_CONSISTENT = [0.3332, 0.2711, 0.2354, 0.2157, 0.2110, 0.2093, 0.2106, 0.2147, 0.2306, 0.2554, 0.3455, 0.4594,
                  0.7281]


def test_eq16_values_match_the_reference():
    kappa = kappa_sensing(N_ACC, 1.0, 15)
    np.testing.assert_allclose(crlb_with_acceptance(N_ACC, kappa), C16, atol=5e-5 + 1e-12)
    np.testing.assert_allclose(crlb_with_acceptance(N_ACC, kappa, "consistent"), C16_CONSISTENT, atol=5e-5 + 1e-12)
    assert crlb_with_acceptance(17, kappa_sensing(17, 1.0, 15)) == pytest.approx(0.1632, abs=5e-5)


@pytest.mark.parametrize(
    "psi, form, curve, expected",
    [
        (15, "corrected", "printed", 15),
        (15, "printed15", "printed", 12),
        (15, "printed24", "printed", 23),
        (15, "corrected", "consistent", 14),
        (5, "corrected", "printed", 6),
        (10, "corrected", "printed", 10),
        (20, "corrected", "printed", 19),
        (30, "corrected", "printed", 28),
    ],
)
def test_eq16_argmin(psi, form, curve, expected):
    N = np.arange(2, 61)
    c = crlb_with_acceptance(N, kappa_sensing(N, 1.0, psi, form), curve)
    assert N[np.argmin(c)] == expected


# --------------------------------------------------------------------------- Monte Carlo (MC-A, MC-C: Figs. 2 and 3)

# independent Monte Carlo reference (kappa_s = 1): N -> (MC c, its standard error) from 4e5 draws
MC_TABLE = {6: (0.4722, 0.0012), 8: (0.3340, 0.0007), 10: (0.2671, 0.0005), 12: (0.2267, 0.0004),
            15: (0.1881, 0.0003), 20: (0.1518, 0.0003), 25: (0.1306, 0.0002), 30: (0.1166, 0.0002),
            40: (0.0983, 0.0001), 50: (0.0871, 0.0001)}
# independent 4e5-draw Monte Carlo reference (kappa_s corrected: docs/errata.md, meng_coop row 5; psi = 15, mu_s = 1):
# N -> MC c, standard error about 0.0005
MC_ACC_TABLE = {10: 0.2711, 14: 0.2315, 20: 0.3143}


def _mean_se(x):
    x = x[~np.isnan(x)]
    return x.mean(), x.std(ddof=1) / np.sqrt(x.size)


def test_mc_matches_the_reference_table():
    N = np.array(sorted(MC_TABLE))
    samples = crlb_samples(np.random.default_rng(2024), 50_000, N)
    assert not np.isnan(samples).any()
    for col, n in enumerate(N):
        mean, se = _mean_se(samples[:, col])
        ref, ref_se = MC_TABLE[n]
        tol = Z * np.hypot(se, ref_se) + 0.5e-4
        assert abs(mean - ref) <= tol, (n, mean, ref, tol)
        # corrected eq. (14) (docs/errata.md, meng_coop row 4): c ln^2 N stays in [1.30, 1.46] for 8 <= N <= 50
        if n >= 8:
            assert 1.30 - Z * se * np.log(n) ** 2 <= mean * np.log(n) ** 2 <= 1.46 + Z * se * np.log(n) ** 2
        # Fig. 2 tightness: eq. (13) within 20 % for 8 <= N <= 50 and 10 % for 12 <= N <= 35
        if 8 <= n <= 50:
            assert abs(crlb_eq13(n) / mean - 1.0) <= 0.20
        if 12 <= n <= 35:
            assert abs(crlb_eq13(n) / mean - 1.0) <= 0.10


def test_mc_with_acceptance_matches_the_reference_table():
    N = np.array([10, 14, 20, 25])
    kappa = kappa_sensing(N, 1.0, 15)
    samples = crlb_samples(np.random.default_rng(77), 40_000, N, kappa=kappa)
    assert not np.isnan(samples).any()  # excluded fraction 0 for N <= 25
    for col, n in enumerate(N[:3]):
        mean, se = _mean_se(samples[:, col])
        ref = MC_ACC_TABLE[n]
        tol = Z * np.hypot(se, 0.0005) + 0.5e-4
        assert abs(mean - ref) <= tol, (n, mean, ref, tol)


def test_mc_median_small_clusters():
    """No mean for N <= 3 (docs/errata.md, meng_coop row 15).

    The independent reference medians 1.227, 0.516 and 0.349 are reproduced.
    """
    n = 40_000
    samples = crlb_samples(np.random.default_rng(5), n, [2, 3, 4], min_active=2)
    assert np.all(np.isfinite(samples))
    below = (samples < np.array([1.227, 0.516, 0.349])).mean(axis=0)
    assert np.all(np.abs(below - 0.5) <= Z * 0.5 / np.sqrt(n))
    default = crlb_samples(np.random.default_rng(5), 10, [2, 3, 4])
    assert np.isnan(default[:, :2]).all() and not np.isnan(default[:, 2]).any()


def test_mc_excluded_fraction_is_binomial():
    n = 40_000
    kappa = np.array([0.3, 0.5])
    samples = crlb_samples(np.random.default_rng(8), n, [8, 8], kappa=kappa)
    p = binom.cdf(3, 8, kappa)
    excluded = np.isnan(samples).mean(axis=0)
    assert np.all(np.abs(excluded - p) <= Z * np.sqrt(p * (1 - p) / n))
    assert np.all(np.isfinite(samples[~np.isnan(samples)]))


def test_mc_samples_are_the_exact_trace_of_the_drawn_geometry():
    """Replay the documented draw order of one block and recompute with the direct FIM inverse."""
    n, K, beta = 64, 12, 2.0
    N = np.array([5, 9, 12])
    kappa = np.array([1.0, 0.8, 0.6])
    samples = crlb_samples(np.random.default_rng(31), n, N, beta, kappa=kappa, min_active=2)
    rng = np.random.default_rng(31)
    d = ppp_ordered_distances(rng, 1.0 / np.pi, K, n)
    theta = 2.0 * np.pi * rng.random((K, n))
    accept = rng.random((K, n))
    for t in range(n):
        for col, (size, kap) in enumerate(zip(N, kappa, strict=True)):
            active = accept[:size, t] < kap if kap < 1 else np.ones(size, bool)
            if active.sum() < 2:
                assert np.isnan(samples[t, col])
                continue
            ref = crlb_trace_direct(d[t, :size][active], theta[:size, t][active], beta)
            assert samples[t, col] == pytest.approx(ref, rel=1e-9)


def test_mc_determinism_and_column_independence():
    N = np.array([4, 10, 20])
    a = crlb_samples(np.random.default_rng(1), 5000, N, kappa=[1.0, 0.9, 0.8])
    b = crlb_samples(np.random.default_rng(1), 5000, N, kappa=[1.0, 0.9, 0.8])
    assert np.array_equal(a, b)
    assert not np.array_equal(a, crlb_samples(np.random.default_rng(2), 5000, N, kappa=[1.0, 0.9, 0.8]))
    # with K fixed, each column is bit-identical whichever other columns are requested
    single = crlb_samples(np.random.default_rng(1), 5000, [10], kappa=0.9, n_nearest=20)
    assert np.array_equal(single[:, 0], a[:, 1])
    alone = crlb_samples(np.random.default_rng(1), 5000, [4], n_nearest=20)
    assert np.array_equal(alone[:, 0], a[:, 0])
    # block boundaries do not matter for the shape / finiteness
    big = crlb_samples(np.random.default_rng(1), crlb.BLOCK_TRIALS + 7, [6])
    assert big.shape == (crlb.BLOCK_TRIALS + 7, 1) and np.all(np.isfinite(big))


def test_mc_validation():
    rng = np.random.default_rng(0)
    with pytest.raises(ValueError):
        crlb_samples(rng, 10, [4, 5], kappa=[0.5, 1.5])
    with pytest.raises(ValueError):
        crlb_samples(rng, 10, [4, 5], kappa=[0.5, 0.6, 0.7])
    with pytest.raises(ValueError):
        crlb_samples(rng, 10, [4], min_active=1)
    with pytest.raises(ValueError):
        crlb_samples(rng, 10, [4, 8], n_nearest=6)
    with pytest.raises(ValueError):
        crlb_samples(rng, 10, [0])
    assert crlb_samples(rng, 0, [4, 5]).shape == (0, 2)
