"""Sun et al. (building blockage): Monte Carlo kernels and the Rician power sampler.

Tolerances
----------
* Monte Carlo against analysis: ``|MC - analytic| <= z SE + approx`` with the binomial
  ``SE = sqrt(a (1 - a) / n)`` at the analytic value ``a`` and ``z = bonferroni_z(k)`` for
  the ``k`` markers of the test (family-wise level 1 %; where ``approx = 0`` the exact
  two-sided binomial test of :func:`isac_core.stats.agreement` is used instead).
  ``approx`` is the error of the analysis relative to the simulated model: the
  4-term Rician series of Table II (CCDF error <= 2e-4 at K = 1, interference MGF
  error <= 1e-4, both against the exact Rician law; Table II read as a CCDF as in docs/errata.md,
  sun_blockage) plus the quadrature error, together 5e-4; 1e-3 for
  Theorem 2' (two extra 2-D quadratures).
* MC-S1 against Theorem 2: the band ``[-0.007, +0.035]`` measured in an independent run over
  24 (lambda, T) points, widened to ``[-0.01, +0.04]``, plus ``z SE``.
* Two independent Monte Carlo estimates: ``|p_1 - p_2| <= z sqrt(SE_1^2 + SE_2^2)``.
* Empirical law against an exact CDF: Kolmogorov--Smirnov distance below the
  Dvoretzky--Kiefer--Wolfowitz bound ``sqrt(ln(2/alpha) / (2 n))`` (``alpha`` a
  Bonferroni share of a family-wise 1e-3).
All seeds are fixed, so every outcome is deterministic.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import integrate as si

from isac_core.fading import rician_power
from isac_core.models.sun_blockage import analytic, simulation
from isac_core.models.sun_blockage.blockage import hole_probability, q_integral, rician_ccdf_exact
from isac_core.stats import agreement, binomial_standard_error, bonferroni_z

# Default parameters, all reconstructed (docs/errata.md, sun_blockage: Parameters; SI units: m, W, m^-2).
BETA, P_BLK = 2.0 * 5e-4 * 30.0 / math.pi, 5e-4 * 15.0 * 15.0  # 9.5493e-3 m^-1, 0.1125
PT = 10.0 ** ((46.0 - 30.0) / 10.0)  # 46 dBm
NOISE = 10.0 ** ((-174.0 + 80.0 - 30.0) / 10.0)  # -174 dBm/Hz over 100 MHz
C_L, C_N, C_E = 1e-4, 1e-6, 10.0 ** (-2.1)
N_MC = 20_000
SERIES = 5e-4  # Rician-series + quadrature error of Theorems 1 and 2

COMM = dict(beta=BETA, p=P_BLK, P_t=PT, C_L=C_L, C_N=C_N, alpha_L=2.0, alpha_N=4.0, K=1.0, mu_c=1.0,
            noise=NOISE)
SENS = dict(beta=BETA, p=P_BLK, P_t=PT, C_L=C_L, C_N=C_N, C_E=C_E, alpha_L=2.0, alpha_N=4.0, alpha_E=4.0,
            K=1.0, mu_s=1.0, rcs_mean=1.0, noise=NOISE)
A_COMM = dict(beta=BETA, p=P_BLK, pt=PT, noise_power=NOISE, c_los=C_L, c_nlos=C_N, alpha_los=2.0,
              alpha_nlos=4.0)
A_SENS = dict(A_COMM, c_echo=C_E, alpha_echo=4.0, rcs_mean=1.0)


def _db(x):
    return 10.0 ** (np.asarray(x, float) / 10.0)


def _rng(seed):
    return np.random.default_rng(seed)


# --------------------------------------------------------------------------- Rician sampler


@pytest.mark.parametrize("K", [0.0, 1.0, 5.0, 10.0])
def test_rician_power_matches_exact_ccdf(K):
    n = 20_000
    g = np.sort(rician_power(_rng(100 + int(K)), K, n))
    cdf = 1.0 - rician_ccdf_exact(g, K)
    i = np.arange(1, n + 1)
    ks = max(np.max(i / n - cdf), np.max(cdf - (i - 1) / n))
    alpha = 1e-3 / 4  # 4 K-factors
    assert ks <= math.sqrt(math.log(2.0 / alpha) / (2.0 * n))
    # unit mean: Var(g) = (1 + 2K) / (K + 1)^2
    se = math.sqrt((1.0 + 2.0 * K) / (K + 1.0) ** 2 / n)
    assert abs(g.mean() - 1.0) <= bonferroni_z(4) * se


def test_rician_power_limits_and_checks():
    assert np.all(rician_power(_rng(0), np.inf, 5) == 1.0)
    a = rician_power(_rng(3), 2.0, (3, 4))
    b = rician_power(_rng(3), 2.0, (3, 4))
    assert a.shape == (3, 4) and np.array_equal(a, b) and np.all(a >= 0.0)
    with pytest.raises(ValueError):
        rician_power(_rng(0), -1.0, 3)
    with pytest.raises(ValueError):
        rician_power(_rng(0), np.nan, 3)


# --------------------------------------------------------------------------- closed-form helpers


def test_visible_distance_inverts_the_los_mass():
    lam = 3e-5
    total = 2.0 * math.pi * lam * math.exp(-P_BLK) / BETA**2
    mass = np.array([0.0, 1e-12, 1e-6, 0.01, 0.5, 1.0, 0.999 * total])
    r = simulation.visible_distance(mass, lam, BETA, P_BLK)
    back = 2.0 * math.pi * lam * q_integral(r, BETA, P_BLK)
    np.testing.assert_allclose(back, mass, rtol=1e-9, atol=0.0)
    assert np.all(np.isinf(simulation.visible_distance([total, 2.0 * total], lam, BETA, P_BLK)))
    # no blockage: Rayleigh nearest-neighbour distance
    m = np.array([0.1, 1.0, 3.0])
    np.testing.assert_allclose(simulation.visible_distance(m, 1e-4, 0.0, 0.0), np.sqrt(m / (math.pi * 1e-4)),
                               rtol=1e-15)


@pytest.mark.parametrize("rho, alpha, c", [
    (50.0, 2.0, BETA), (50.0, 4.0, BETA), (900.0, 2.0, BETA), (10.0, 2.5, 0.01), (10.0, 1.5, 0.01),
    (100.0, 6.3, 0.02), (3.0, 4.0, 0.0), (7.0, 2.5, 0.0), (2000.0, 4.0, BETA),
])
def test_tail_integral_against_quadrature(rho, alpha, c):
    ref = si.quad(lambda x: math.exp(-c * x) * x ** (1.0 - alpha), rho, np.inf, epsabs=0.0, epsrel=1e-12,
                  limit=500)[0]
    assert simulation.tail_integral(rho, alpha, c) == pytest.approx(ref, rel=1e-10)


def test_tail_integral_diverges_without_decay():
    assert np.isinf(simulation.tail_integral(10.0, 2.0, 0.0))


# --------------------------------------------------------------------------- coverage holes


def test_hole_fraction_matches_closed_form():
    lams = [1e-6, 1e-5, 3e-5]
    frac, expect = [], []
    for i, lam in enumerate(lams):
        s = simulation.comm_sinr_samples(_rng(10 + i), N_MC, lam=lam, **COMM)
        frac.append(np.mean(s == 0.0))
        expect.append(hole_probability(lam, BETA, P_BLK))
    res = agreement(expect, frac, N_MC)
    assert res["passed"], res


def test_association_is_shared_by_comm_and_sensing():
    """Same generator state and one block: the serving distances, hence the holes, are identical."""
    c = simulation.comm_sinr_samples(_rng(4), 2000, lam=1e-5, **COMM)
    s = simulation.sensing_sinr_samples(_rng(4), 2000, lam=1e-5, **SENS)
    assert np.array_equal(c == 0.0, s == 0.0)
    assert np.all(c[c != 0.0] > 0.0)
    # T -> 0: coverage equals the association fraction
    p0, _ = simulation.coverage(c, 0.0)
    assert p0 == np.mean(c > 0.0)


# --------------------------------------------------------------------------- MC against the theorems


def test_comm_matches_theorem1():
    lams = [1e-5, 3e-5, 1e-4]
    T = _db([-10.0, 0.0, 10.0, 20.0])
    mc = np.array([simulation.coverage(simulation.comm_sinr_samples(_rng(20 + i), N_MC, lam=lam, **COMM), T)[0]
                   for i, lam in enumerate(lams)])
    ref = analytic.comm_coverage(T, np.array(lams)[:, None], **A_COMM)
    res = agreement(ref, mc, N_MC, approx=SERIES)
    assert res["passed"], res


def test_sensing_independent_matches_theorem2():
    lams = [1e-5, 3e-5, 1e-4]
    T = _db([-20.0, -10.0, 0.0, 10.0])
    mc = np.array([simulation.coverage(
        simulation.sensing_sinr_samples(_rng(30 + i), N_MC, lam=lam, variant="independent", **SENS), T)[0]
        for i, lam in enumerate(lams)])
    ref = analytic.sensing_coverage(T, np.array(lams)[:, None], **A_SENS)
    res = agreement(ref, mc, N_MC, approx=SERIES)
    assert res["passed"], res


def test_sensing_alpha4_without_trc_matches_theorem2():
    T = _db([0.0, 10.0, 20.0, 30.0])
    prm = dict(SENS, alpha_L=4.0, alpha_E=4.0, trc=False)
    s = simulation.sensing_sinr_samples(_rng(35), N_MC, lam=1e-4, **prm)
    ref = analytic.sensing_coverage(T, 1e-4, **dict(A_SENS, alpha_los=4.0, alpha_echo=4.0), trc=False)
    res = agreement(ref, simulation.coverage(s, T)[0], N_MC, approx=SERIES)
    assert res["passed"], res


def test_sensing_shared_matches_theorem2_prime():
    T = _db([-20.0, -10.0, 0.0, 10.0])
    s = simulation.sensing_sinr_samples(_rng(40), N_MC, lam=3e-5, variant="shared", **SENS)
    ref = analytic.sensing_coverage_exact(T, 3e-5, **A_SENS)
    res = agreement(ref, simulation.coverage(s, T)[0], N_MC, approx=1e-3)
    assert res["passed"], res
    # the paper's Theorem 2 is far above the single-network value at low thresholds
    assert analytic.sensing_coverage(_db(-20.0), 3e-5, **A_SENS) - ref[0] > 0.15


def test_sensing_shared_excluded_within_the_measured_band_of_theorem2():
    T = _db([-20.0, -10.0, 0.0, 10.0])
    s = simulation.sensing_sinr_samples(_rng(50), N_MC, lam=3e-5, variant="shared_excluded", **SENS)
    mc = simulation.coverage(s, T)[0]
    ref = analytic.sensing_coverage(T, 3e-5, **A_SENS)
    band = bonferroni_z(T.size) * binomial_standard_error(ref, N_MC)
    diff = mc - ref
    assert np.all(diff >= -0.01 - band) and np.all(diff <= 0.04 + band), diff


# --------------------------------------------------------------------------- no blockage


def test_no_blockage_comm_matches_special_case_1():
    T = _db([-10.0, 0.0, 10.0])
    s = simulation.comm_sinr_samples_no_blockage(_rng(60), N_MC, lam=1e-4, P_t=PT, C_L=C_L, alpha_L=4.0, K=1.0,
                                                 noise=NOISE)
    ref = analytic.special_case_1(T, 1e-4, pt=PT, noise_power=NOISE, c_los=C_L)
    res = agreement(ref, simulation.coverage(s, T)[0], N_MC, approx=SERIES)
    assert res["passed"], res


def test_no_blockage_sensing_matches_special_case_4():
    T = _db([10.0, 20.0, 30.0])
    s = simulation.sensing_sinr_samples_no_blockage(_rng(61), N_MC, lam=1e-5, P_t=PT, C_L=C_L, C_E=C_E,
                                                    alpha_L=4.0, alpha_E=4.0, K=1.0, rcs_mean=1.0, noise=NOISE)
    ref = analytic.special_case_4(T, 1e-5, pt=PT, noise_power=NOISE, c_los=C_L, c_echo=C_E, rcs_mean=1.0)
    res = agreement(ref, simulation.coverage(s, T)[0], N_MC, approx=SERIES)
    assert res["passed"], res


def test_vanishing_blockage_tends_to_no_blockage():
    """beta -> 0, p = 0 through the general kernel (far LoS field by its mean)."""
    T = _db([-10.0, 0.0, 10.0])
    prm = dict(COMM, beta=1e-9, p=0.0, alpha_L=4.0)
    s = simulation.comm_sinr_samples(_rng(62), N_MC, lam=1e-4, **prm)
    assert np.all(s > 0.0)  # hole probability exp(-6e13)
    ref = analytic.special_case_1(T, 1e-4, pt=PT, noise_power=NOISE, c_los=C_L)
    res = agreement(ref, simulation.coverage(s, T)[0], N_MC, approx=SERIES)
    assert res["passed"], res


def test_no_blockage_trc_with_alpha_e_4_is_zero_and_divergent_inputs_raise():
    s = simulation.sensing_sinr_samples_no_blockage(_rng(0), 100, lam=1e-4, P_t=PT, C_L=C_L, C_E=C_E,
                                                    alpha_L=4.0, alpha_E=4.0, K=1.0, rcs_mean=1.0, noise=NOISE,
                                                    trc=True)
    assert np.all(s == 0.0)
    with pytest.raises(ValueError, match="alpha_L"):
        simulation.comm_sinr_samples_no_blockage(_rng(0), 10, lam=1e-4, P_t=PT, C_L=C_L, alpha_L=2.0, K=1.0,
                                                 noise=NOISE)
    with pytest.raises(ValueError, match="alpha_N"):
        simulation.comm_sinr_samples(_rng(0), 10, lam=1e-4, **dict(COMM, alpha_N=2.0))
    with pytest.raises(ValueError, match="variant"):
        simulation.sensing_sinr_samples(_rng(0), 10, lam=1e-4, variant="bogus", **SENS)
    with pytest.raises(ValueError, match="lam"):
        simulation.comm_sinr_samples(_rng(0), 10, lam=0.0, **COMM)


# --------------------------------------------------------------------------- approximations of the kernel


def test_far_field_does_not_depend_on_disc_size():
    """Sparse regime: the far LoS BSs are drawn exactly, so the disc size is immaterial.

    Replacing a sparse LoS far field by its mean changed the 20 dB sensing coverage by
    0.14 (16 vs 1024 BSs per disc); drawing it exactly removes the dependence.
    """
    T = _db([0.0, 10.0, 20.0])
    prm = dict(SENS, trc=False)
    p1 = simulation.coverage(simulation.sensing_sinr_samples(_rng(70), N_MC, lam=3e-5, n_points=16, **prm), T)
    p2 = simulation.coverage(simulation.sensing_sinr_samples(_rng(71), N_MC, lam=3e-5, n_points=256, **prm), T)
    tol = bonferroni_z(T.size) * np.sqrt(p1[1] ** 2 + p2[1] ** 2)
    assert np.all(np.abs(p1[0] - p2[0]) <= tol), (p1[0], p2[0])


def test_dense_regime_mean_far_field_matches_exact_far_field(monkeypatch):
    """At lam = 1e-2 the far LoS field (about 540 BSs) is replaced by its mean."""
    T = _db([-10.0, 0.0, 10.0])
    n = 8000
    prm = dict(SENS, trc=False)
    assert not simulation._Net(1e-2, BETA, P_BLK, simulation.N_POINTS).far_exact
    p1 = simulation.coverage(simulation.sensing_sinr_samples(_rng(80), n, lam=1e-2, **prm), T)
    monkeypatch.setattr(simulation, "FAR_LOS_MAX", np.inf)
    assert simulation._Net(1e-2, BETA, P_BLK, simulation.N_POINTS).far_exact
    p2 = simulation.coverage(simulation.sensing_sinr_samples(_rng(81), n, lam=1e-2, **prm), T)
    tol = bonferroni_z(T.size) * np.sqrt(p1[1] ** 2 + p2[1] ** 2)
    assert np.all(np.abs(p1[0] - p2[0]) <= tol), (p1[0], p2[0])


# --------------------------------------------------------------------------- reproducibility and blocks


@pytest.mark.parametrize("variant", simulation.VARIANTS)
def test_determinism(variant):
    a = simulation.sensing_sinr_samples(_rng(5), 3000, lam=3e-5, variant=variant, **SENS)
    b = simulation.sensing_sinr_samples(_rng(5), 3000, lam=3e-5, variant=variant, **SENS)
    c = simulation.sensing_sinr_samples(_rng(6), 3000, lam=3e-5, variant=variant, **SENS)
    assert np.array_equal(a, b) and not np.array_equal(a, c)
    assert a.shape == (3000,) and np.all(np.isfinite(a)) and np.all(a >= 0.0)


def test_blocks_are_consumed_in_order():
    """A run's first block equals a run of one block: memory use is per block."""
    block = 700
    long = simulation.comm_sinr_samples(_rng(7), 3 * block + 11, lam=1e-4, block=block, **COMM)
    short = simulation.comm_sinr_samples(_rng(7), block, lam=1e-4, block=block, **COMM)
    assert long.shape == (3 * block + 11,)
    assert np.array_equal(long[:block], short)
    assert simulation.comm_sinr_samples(_rng(7), 0, lam=1e-4, **COMM).shape == (0,)


def test_block_size_is_capped_by_points():
    assert simulation._block_size(4096, 1, 128) == 4096
    assert simulation._block_size(4096, 2, 128) == simulation.BLOCK_POINTS // 256
    assert simulation._block_size(4096, 1, 1e7) == 1
    with pytest.raises(ValueError):
        simulation._block_size(0, 1, 128)


def test_small_blocks_still_match_theorem1():
    T = _db([-10.0, 0.0, 10.0])
    s = simulation.comm_sinr_samples(_rng(90), N_MC, lam=3e-5, block=257, **COMM)
    ref = analytic.comm_coverage(T, 3e-5, **A_COMM)
    res = agreement(ref, simulation.coverage(s, T)[0], N_MC, approx=SERIES)
    assert res["passed"], res


def test_coverage_does_not_depend_on_the_threshold_set():
    s = simulation.comm_sinr_samples(_rng(8), 4000, lam=3e-5, **COMM)
    many = _db(np.arange(-40.0, 31.0, 1.0))
    p_many, se_many = simulation.coverage(s, many)
    for j in (0, 17, 40, 70):
        p1, se1 = simulation.coverage(s, many[j])
        assert p1 == p_many[j] and se1 == se_many[j]
        assert p1 == np.mean(s > many[j])
    assert np.all(np.diff(p_many) <= 0.0)
    p2, _ = simulation.coverage(s, many.reshape(71, 1))
    assert p2.shape == (71, 1)
