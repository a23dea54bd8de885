"""Sui et al., gain laws under actual zero-forcing precoders (extension, docs/errata.md).

The reduced samplers of :mod:`isac_core.models.sui_coop6g.zf` are checked against the
full matrix construction and against the exact CDFs derived here independently:

* desired comm gain ``Gamma(M_t-1, 1)``: ``F(x) = P(M_t-1, x)``;
* echo gain ``M_t Beta(M_t-1, 1)``: ``F(x) = (x/M_t)^(M_t-1)`` on ``[0, M_t]``;
* interference gain / ``p^t``: hypoexponential ``m_1 E_1 + m_2 E_2`` given ``zeta``,
  ``F(x | zeta) = 1 - (m_1 e^{-x/m_1} - m_2 e^{-x/m_2}) / (m_1 - m_2)``, averaged over
  ``zeta ~ Beta(1, M_t-1)`` with Gauss-Legendre quadrature.

Tolerances
----------
* KS tests (one- and two-sample) pass at ``p >= 1e-3``. There are 36 of them in this
  file, so under the null hypothesis the family-wise false-alarm rate is at most
  36e-3 (Bonferroni); seeds are fixed, so the outcome is deterministic.
* Means and variances: ``|estimate - exact| <= z SE`` with the sample standard error and
  ``z = bonferroni_z(k)`` (family-wise level 1 %) for the ``k`` comparisons of the test.
* Distances from the paper's laws: the Dvoretzky-Kiefer-Wolfowitz inequality
  ``P(sup|F_n - F| > eps) <= 2 exp(-2 n eps^2)`` bounds ``|D_n - D| <= eps`` for the
  empirical KS distance ``D_n`` of ``n`` draws against a fixed CDF, with
  ``eps = sqrt(ln(2/1e-3) / (2n))`` at level 1e-3 (0.0138 for n = 2e4).
"""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats
from scipy.special import gammainc

from isac_core.models.sui_coop6g import zf
from isac_core.stats import bonferroni_z

N_MATRIX = 20_000  # matrix draws per configuration (about 0.3 s each)
N_REDUCED = 200_000  # reduced-law draws (cheap)
KS_LEVEL = 1e-3
CONFIGS = [(10, 0.5, 0.5), (4, 0.5, 0.5), (10, 0.3, 0.7)]  # (M_t, p_c, p_s)
M_R = 6


def _dkw(n, level=KS_LEVEL):
    """Radius of the DKW band of an empirical CDF of ``n`` draws at ``level``."""
    return np.sqrt(np.log(2.0 / level) / (2.0 * n))


# --------------------------------------------------------------------------- exact CDFs


def desired_cdf(x, M_t):
    return gammainc(M_t - 1.0, np.maximum(x, 0.0))


def echo_cdf(x, M_t):
    return np.clip(np.asarray(x, float) / M_t, 0.0, 1.0) ** (M_t - 1)


def interference_cdf(x, M_t, p_c, p_s, nodes=64):
    """CDF of the interference gain divided by ``p^t`` (requires ``p_c p_s > 0``).

    ``E_zeta`` with ``zeta ~ Beta(1, M_t-1)`` (density ``(M_t-1)(1-zeta)^(M_t-2)``) by a
    ``nodes``-point Gauss-Legendre rule on (0, 1). The conditional CDF is a symmetric,
    analytic function of ``(m_1 + m_2, m_1 m_2)``, hence analytic in ``zeta``, and the rule
    is converged to rounding (checked against 256 nodes in ``test_interference_cdf_quadrature``).
    """
    t, w = np.polynomial.legendre.leggauss(nodes)
    zeta, w = 0.5 * (t + 1.0), 0.5 * w * (M_t - 1.0) * (0.5 * (1.0 - t)) ** (M_t - 2)
    p_t = p_c + p_s
    disc = np.sqrt(1.0 - 4.0 * p_c * p_s * (1.0 - zeta) / p_t**2)
    m_1, m_2 = 0.5 * (1.0 + disc), 0.5 * (1.0 - disc)
    x = np.asarray(x, float)[..., None]
    survival = (m_1 * np.exp(-x / m_1) - m_2 * np.exp(-x / m_2)) / (m_1 - m_2)
    return np.clip(1.0 - survival @ w, 0.0, 1.0)


def test_interference_cdf_quadrature():
    x = np.linspace(0.0, 12.0, 241)
    for M_t, p_c, p_s in CONFIGS:
        assert np.max(np.abs(interference_cdf(x, M_t, p_c, p_s) - interference_cdf(x, M_t, p_c, p_s, 256))) < 1e-13
        assert np.isclose(interference_cdf(60.0, M_t, p_c, p_s), 1.0, atol=1e-12)


# --------------------------------------------------------------------------- precoder


def _steering(theta, M):
    return np.exp(1j * np.pi * np.arange(M) * np.cos(theta)[..., None])


def _channel(rng, shape):
    return (rng.standard_normal(shape) + 1j * rng.standard_normal(shape)) / np.sqrt(2.0)


def test_precoder_matches_normalised_pseudoinverse():
    # For a full-row-rank 2 x M_t matrix pinv(H) = H^H (H H^H)^-1 (batched SVD, independent of
    # the 2 x 2 formulas). Condition numbers of these random H are O(10), so agreement to ~1e-15
    # is expected; 1e-12 leaves three orders of margin.
    rng = np.random.default_rng(11)
    M_t = 8
    theta = rng.uniform(0.0, np.pi, (3, 5))
    h_c = _channel(rng, (3, 5, M_t))
    w_s, w_c = zf.zf_precoder(theta, h_c)
    assert w_s.shape == w_c.shape == (3, 5, M_t)
    H = np.stack([np.conj(_steering(theta, M_t)), np.conj(h_c)], axis=-2)
    P = np.linalg.pinv(H)
    P /= np.linalg.norm(P, axis=-2, keepdims=True)
    assert np.max(np.abs(P[..., 0] - w_s)) < 1e-12
    assert np.max(np.abs(P[..., 1] - w_c)) < 1e-12
    np.testing.assert_allclose(np.linalg.norm(w_s, axis=-1), 1.0, atol=1e-14)
    np.testing.assert_allclose(np.linalg.norm(w_c, axis=-1), 1.0, atol=1e-14)


def test_beam_correlation_is_the_steering_channel_cosine():
    # |w_c^H w_s|^2 = zeta = |a^H h_c|^2 / (M_t ||h_c||^2): the identity behind the interference
    # law (an algebraic identity, so rounding-level tolerance).
    rng = np.random.default_rng(12)
    M_t = 10
    theta, h_c = rng.uniform(0.0, np.pi, 1000), _channel(rng, (1000, M_t))
    w_s, w_c = zf.zf_precoder(theta, h_c)
    a = _steering(theta, M_t)
    zeta = np.abs(np.sum(np.conj(a) * h_c, -1)) ** 2 / (M_t * np.sum(np.abs(h_c) ** 2, -1))
    np.testing.assert_allclose(np.abs(np.sum(np.conj(w_c) * w_s, -1)) ** 2, zeta, atol=1e-13)


def test_steering_channel_cosine_is_beta():
    # zeta ~ Beta(1, M_t - 1) (squared cosine of an isotropic h_c with a fixed direction): the
    # mixing law of the interference gain, tested directly because the interference law is
    # weakly sensitive to it (Beta(1, M_t) instead moves the KS distance by only ~5e-3, but
    # zeta's own law by 0.043 at M_t = 10). 1 KS test.
    rng = np.random.default_rng(13)
    M_t = 10
    theta, h_c = rng.uniform(0.0, np.pi, N_MATRIX), _channel(rng, (N_MATRIX, M_t))
    w_s, w_c = zf.zf_precoder(theta, h_c)
    zeta = np.abs(np.sum(np.conj(w_c) * w_s, -1)) ** 2
    assert stats.kstest(zeta, stats.beta(1.0, M_t - 1.0).cdf).pvalue >= KS_LEVEL


# --------------------------------------------------------------------------- matrix construction vs laws


@pytest.fixture(scope="module", params=CONFIGS, ids=lambda c: "M_t={}-p_c={}-p_s={}".format(*c))
def case(request):
    M_t, p_c, p_s = request.param
    seed = 1000 + M_t + int(10 * p_c)
    gains = zf.matrix_gains(np.random.default_rng(seed), N_MATRIX, M_t, M_R, p_c, p_s)
    rng = np.random.default_rng(seed + 1)
    reduced = {
        "desired_comm": zf.desired_comm_gain(rng, M_t, N_REDUCED),
        "echo": zf.echo_gain(rng, M_t, N_REDUCED),
        "interference": zf.interference_gain(rng, M_t, p_c, p_s, N_REDUCED),
    }
    return M_t, p_c, p_s, gains, reduced


def _cdfs(M_t, p_c, p_s):
    return {
        "desired_comm": lambda x: desired_cdf(x, M_t),
        "echo": lambda x: echo_cdf(x, M_t),
        "interference": lambda x: interference_cdf(x, M_t, p_c, p_s),
    }


def test_matrix_gains_shapes_and_zero_forcing(case):
    M_t, p_c, p_s, gains, _ = case
    assert set(gains) == {"desired_comm", "echo", "comm_interference", "sensing_interference", "leakage"}
    for value in gains.values():
        assert value.shape == (N_MATRIX,) and np.all(np.isfinite(value)) and np.all(value >= 0.0)
    # Exact zero in exact arithmetic; rounding of O(M_t) terms of unit size gives ~1e-30.
    assert gains["leakage"].max() < 1e-20
    assert gains["echo"].max() <= M_t * (1.0 + 1e-12)  # ||P_h^perp a||^2 <= ||a||^2


def test_matrix_gains_follow_exact_laws(case):
    # 4 one-sample KS tests per configuration.
    M_t, p_c, p_s, gains, _ = case
    cdf = _cdfs(M_t, p_c, p_s)
    p_t = p_c + p_s
    samples = {
        "desired_comm": gains["desired_comm"],
        "echo": gains["echo"],
        "comm_interference": gains["comm_interference"] / p_t,
        "sensing_interference": gains["sensing_interference"] / p_t,
    }
    for key, x in samples.items():
        law = cdf["interference" if key.endswith("interference") else key]
        assert stats.kstest(x, law).pvalue >= KS_LEVEL, key


def test_reduced_samplers_follow_exact_laws(case):
    # 3 one-sample KS tests per configuration (2e5 draws: the D_n are ~3e-3 or below).
    M_t, p_c, p_s, _, reduced = case
    cdf = _cdfs(M_t, p_c, p_s)
    for key, x in reduced.items():
        assert stats.kstest(x, cdf[key]).pvalue >= KS_LEVEL, key


def test_matrix_gains_match_reduced_samplers(case):
    # 4 two-sample KS tests per configuration.
    M_t, p_c, p_s, gains, reduced = case
    p_t = p_c + p_s
    pairs = [
        (gains["desired_comm"], reduced["desired_comm"]),
        (gains["echo"], reduced["echo"]),
        (gains["comm_interference"] / p_t, reduced["interference"]),
        (gains["sensing_interference"] / p_t, reduced["interference"]),
    ]
    for x, y in pairs:
        assert stats.ks_2samp(x, y).pvalue >= KS_LEVEL


def _mean_and_var_checks(x, mean, var):
    """(|mean error| / SE, |variance error| / SE) with plug-in standard errors."""
    n = x.size
    d = x - x.mean()
    s2 = np.mean(d**2)
    se_var = np.sqrt((np.mean(d**4) - s2**2) / n)  # SE of the sample variance
    return abs(x.mean() - mean) / np.sqrt(s2 / n), abs(x.var(ddof=1) - var) / se_var


def test_moments(case):
    # Exact moments: desired Gamma(Q, 1): mean Q, variance Q (Q = M_t - 1). Echo M_t Beta(Q, 1):
    # mean M_t Q / (Q + 1) = Q, variance M_t^2 Q / ((Q + 1)^2 (Q + 2)) = Q / (M_t + 1).
    # Interference: mean p^t; variance E[m_1^2 + m_2^2] = p^t^2 - 2 p^c p^s E[1 - zeta]
    # = p^t^2 - 2 p^c p^s Q / M_t (the conditional mean is always p^t).
    # 7 samples x (mean, variance) = 14 comparisons per configuration.
    M_t, p_c, p_s, gains, reduced = case
    q, p_t = M_t - 1.0, p_c + p_s
    var_int = 1.0 - 2.0 * p_c * p_s * q / (M_t * p_t**2)  # normalised by p^t
    checks = [
        (gains["desired_comm"], q, q),
        (reduced["desired_comm"], q, q),
        (gains["echo"], q, q / (M_t + 1.0)),
        (reduced["echo"], q, q / (M_t + 1.0)),
        (gains["comm_interference"], p_t, p_t**2 * var_int),
        (gains["sensing_interference"], p_t, p_t**2 * var_int),
        (reduced["interference"], 1.0, var_int),
    ]
    z = bonferroni_z(2 * len(checks))
    for x, mean, var in checks:
        z_mean, z_var = _mean_and_var_checks(x, mean, var)
        assert z_mean <= z and z_var <= z, (mean, var, x.mean(), x.var())


# --------------------------------------------------------------------------- the paper's laws


def _sup_distance(cdf_a, cdf_b, x):
    return np.max(np.abs(cdf_a(x) - cdf_b(x)))


def test_paper_laws_are_wrong_for_echo_and_interference():
    # The paper: echo f_i ~ Gamma(M_t-1, 1), interference ~ p^t Exp(1). Exact KS distances at
    # M_t = 10, p^c = p^s = 0.5 on a grid of step 1e-4 (both CDFs have densities <= 1, so the grid
    # misses the supremum by < 1e-4): 0.333 and 0.129. The empirical distance of n = 2e4 matrix
    # draws is within the DKW radius (0.0138) of the exact one.
    M_t, p_c, p_s = 10, 0.5, 0.5
    x = np.arange(0.0, 40.0, 1e-4)
    gamma_law = stats.gamma(M_t - 1.0).cdf
    d_echo = _sup_distance(lambda t: echo_cdf(t, M_t), gamma_law, x)
    d_int = _sup_distance(lambda t: interference_cdf(t, M_t, p_c, p_s), stats.expon.cdf, x[::10])
    assert 0.32 < d_echo < 0.34 and 0.12 < d_int < 0.14, (d_echo, d_int)

    gains = zf.matrix_gains(np.random.default_rng(7), N_MATRIX, M_t, M_R, p_c, p_s)
    eps = _dkw(N_MATRIX)
    assert abs(stats.kstest(gains["echo"], gamma_law).statistic - d_echo) <= eps
    for key in ("comm_interference", "sensing_interference"):
        assert abs(stats.kstest(gains[key] / (p_c + p_s), stats.expon.cdf).statistic - d_int) <= eps
    # The desired communication gain, by contrast, is Gamma(M_t - 1, 1) as the paper says.
    assert stats.kstest(gains["desired_comm"], gamma_law).statistic <= eps


# --------------------------------------------------------------------------- edge cases and determinism


@pytest.mark.parametrize(("p_c", "p_s"), [(0.0, 1.0), (0.7, 0.0)])
def test_single_stream_interference_is_exponential(p_c, p_s):
    # With one stream the hypoexponential collapses to Exp(1) exactly (m_2 = 0). 2 KS tests.
    x = zf.interference_gain(np.random.default_rng(3), 6, p_c, p_s, N_REDUCED)
    assert np.all(np.isfinite(x))
    assert stats.kstest(x, stats.expon.cdf).pvalue >= KS_LEVEL


def test_interference_gain_broadcasts_powers():
    p_c = np.array([0.0, 0.25, 0.5, 1.0])
    x = zf.interference_gain(np.random.default_rng(4), 10, p_c, 1.0 - p_c, (50_000, 4))
    assert x.shape == (50_000, 4) and np.all(np.isfinite(x))
    # Column means are 1 with SE sqrt(var/n) <= 1/sqrt(5e4) = 4.5e-3; 4 comparisons.
    assert np.all(np.abs(x.mean(axis=0) - 1.0) <= bonferroni_z(4) / np.sqrt(50_000))


def test_invalid_arguments():
    rng = np.random.default_rng(0)
    with pytest.raises(ValueError):
        zf.interference_gain(rng, 10, 0.0, 0.0, 5)
    with pytest.raises(ValueError):
        zf.interference_gain(rng, 10, -0.1, 0.5, 5)
    for sampler in (zf.desired_comm_gain, zf.echo_gain):
        with pytest.raises(ValueError):
            sampler(rng, 1, 5)


def test_same_seed_same_output():
    def draw(seed):
        rng = np.random.default_rng(seed)
        out = [zf.desired_comm_gain(rng, 10, 100), zf.echo_gain(rng, 10, 100),
               zf.interference_gain(rng, 10, 0.3, 0.7, 100)]
        return out + list(zf.matrix_gains(rng, 100, 10, M_R, 0.3, 0.7).values())

    first, again, other = draw(5), draw(5), draw(6)
    for a, b, c in zip(first, again, other, strict=True):
        np.testing.assert_array_equal(a, b)
        assert not np.array_equal(a, c) or not np.any(a)  # leakage can be all-zero for both seeds
