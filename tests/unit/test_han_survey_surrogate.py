"""The illustrative Fig. 4(a) surrogate: its closed-form rates, configurations and region."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from scipy import integrate, special

from isac_core import stats
from isac_core.models.han_survey import MODEL
from isac_core.models.han_survey import ase_surrogate as ase

DENSITY = 10e-6  # 10 BSs per km^2
Z = 4.0  # |closed form - Monte Carlo| <= Z SE: with the ~10 comparisons here a false alarm is < 1e-3


@pytest.mark.parametrize("S", [1, 2, 7, 20])
def test_interference_exponent_is_its_defining_integral(S):
    # v c_S(z / v^2) = int_v^inf (1 - (1 + z / rho^2)^-S) drho; v = 1 gives c_S(z)
    for x in (1e-3, 0.7, 1.0, 1.0000001, 3.0, 250.0, 1e6):
        # split where the integrand turns from ~1 to ~S x / rho^2
        knot = max(1.0, np.sqrt(S * x))
        direct = sum(integrate.quad(lambda r, x=x: -np.expm1(-S * np.log1p(x / r**2)), a, b, limit=400,
                                    epsabs=0, epsrel=1e-11)[0] for a, b in ((1.0, knot), (knot, np.inf)))
        assert ase.interference_exponent(S, np.array([x]))[0] == pytest.approx(direct, rel=1e-9)
    # both branches meet continuously at x = 1, and the large-x form does not overflow
    below, above = ase.interference_exponent(S, np.array([1.0, np.nextafter(1.0, 2.0)]))
    assert above == pytest.approx(below, rel=1e-12)
    assert np.isfinite(ase.interference_exponent(S, np.array([1e40]))).all()


def test_communication_rate_reproduces_the_rayleigh_nearest_bs_result():
    # m = S = L = 1: P(SIR > T) = 1 / (1 + sqrt(T) arctan sqrt(T)) for alpha = 4 (Andrews, Baccelli and
    # Ganti 2011), so E ln(1 + SIR) = int_0^inf P(SIR > e^t - 1) dt (2.15 bit/s/Hz)
    def coverage(t):
        s = np.sqrt(np.expm1(min(t, 700.0)))
        return 1.0 / (1.0 + s * np.arctan(s))

    expected = integrate.quad(coverage, 0, np.inf, limit=400, epsrel=1e-12)[0]
    assert ase.communication_rate(1, 1, 1) == pytest.approx(expected, rel=1e-8)
    assert expected / np.log(2) == pytest.approx(2.15, abs=0.005)


def test_sensing_rate_without_nulling_reproduces_the_rayleigh_result():
    # m = S = Q = 1: E[exp(-s Y)] = exp(-pi sqrt(s) / 2) for Y = sum_k h_k rho_k^-2 over a unit-rate
    # PPP with Exp(1) marks, so P(g a / Y > T) = exp(-(pi / 2) sqrt(T / a)); average a over r_t
    def rate(r):
        a = 1.0 / (4 * np.pi**3 * DENSITY**2 * r**4)
        return integrate.quad(lambda t: np.exp(-np.pi / 2 * np.sqrt(np.expm1(min(t, 700.0)) / a)), 0, np.inf,
                              limit=400, epsrel=1e-12)[0]

    expected = integrate.quad(rate, 20.0, 100.0, epsrel=1e-11)[0] / 80.0
    assert ase.sensing_rate(1, 1, 1, DENSITY, 1.0, 20.0, 100.0) == pytest.approx(expected, rel=1e-8)


@pytest.mark.parametrize("m, S, L", [(1, 1, 1), (7, 10, 1), (3, 5, 2), (10, 20, 6), (5, 3, 16)])
def test_communication_rate_matches_simulation(m, S, L):
    x = ase.simulate_log_sir(np.random.default_rng(10 * m + S + L), 20000, "comm", m, S, L, DENSITY)
    se = x.std(ddof=1) / np.sqrt(x.size)
    assert abs(ase.communication_rate(m, S, L) - x.mean()) <= Z * se


@pytest.mark.parametrize("m, S, Q", [(1, 1, 1), (17, 4, 1), (9, 4, 3), (1, 20, 17), (13, 2, 2)])
def test_sensing_rate_matches_simulation(m, S, Q):
    x = ase.simulate_log_sir(np.random.default_rng(10 * m + S + Q), 20000, "sense", m, S, Q, DENSITY)
    se = x.std(ddof=1) / np.sqrt(x.size)
    assert abs(ase.sensing_rate(m, S, Q, DENSITY, 1.0, 20.0, 100.0) - x.mean()) <= Z * se


def test_rates_are_converged_in_the_quadrature(monkeypatch):
    cases = [(3, 5, 2), (1, 20, 16), (10, 20, 6)], [(9, 4, 3), (13, 2, 2), (2, 12, 5)]
    before = ([ase.communication_rate(*c) for c in cases[0]],
              [ase.sensing_rate(*c, DENSITY, 1.0, 20.0, 100.0) for c in cases[1]])
    monkeypatch.setattr(ase, "_SPACING", ase._SPACING / 2)
    monkeypatch.setattr(ase, "_LAGUERRE_NODES", ase._LAGUERRE_NODES + 24)
    cached = (ase._communication_kernel, ase.communication_rate, ase._sensing_kernel, ase.sensing_rate)
    for f in cached:
        f.cache_clear()
    try:
        after = ([ase.communication_rate(*c) for c in cases[0]],
                 [ase.sensing_rate(*c, DENSITY, 1.0, 20.0, 100.0) for c in cases[1]])
    finally:
        for f in cached:
            f.cache_clear()
    # ~1e-6 (the Laguerre rule in v converges slowly for Q = 2): three orders below the Monte Carlo SE
    np.testing.assert_allclose(after[0], before[0], rtol=1e-6)
    np.testing.assert_allclose(after[1], before[1], rtol=1e-5)


def test_sensing_rate_refuses_a_scale_outside_its_grid():
    with pytest.raises(ValueError, match="does not vanish"):
        ase.sensing_rate(1, 1, 1, 1e-12, 1.0, 20.0, 100.0)


def test_configurations_are_every_feasible_one():
    M, J_max, L_th, Q_th = 6, 2, 2, 1
    K, L, J, Q = ase.configurations(M, J_max, L_th, Q_th)
    got = set(zip(K.tolist(), L.tolist(), J.tolist(), Q.tolist(), strict=True))
    brute = set()
    for k, ll, j, q in itertools.product(range(M + 1), range(1, M + 1), range(J_max + 1), range(1, M + 2)):
        if (k or j) and ll >= L_th and q >= Q_th and k * ll + j * (q - 1) <= M:
            # L only matters with users, Q only with targets: one representative each
            brute.add((k, ll if k else L_th, j, q if j else Q_th))
    assert got == brute and len(got) == K.size


def test_region_summary_is_the_weighted_optimum_and_shrinks_with_the_thresholds():
    summaries = []
    for threshold in (1, 2, 3):
        points = ase.ase_points(16, 4, threshold, threshold, DENSITY, 1.0, 20.0, 100.0)
        isac = (points.K > 0) & (points.J > 0)
        for w in (0.0, 0.3, 1.0):
            out = ase.region_summary(points, w)
            assert out["sum"] == pytest.approx(np.max((w * points.comm + (1 - w) * points.sense)[isac]))
            assert out["sum"] == pytest.approx(w * out["comm"] + (1 - w) * out["sense"])
        summaries.append(ase.region_summary(points, 0.5))
    # nested feasible sets: the maximum sum ASE cannot grow as the thresholds tighten
    sums = [s["sum"] for s in summaries]
    assert sums[0] >= sums[1] >= sums[2]


def test_model_kernels_agree_with_their_simulation():
    params = {k: v for k, v in MODEL.defaults().items()}
    params["lam"] = DENSITY
    arrays = {k: (v if isinstance(v, str) else np.array([v], float)) for k, v in params.items()}
    for name in ("ase_comm", "ase_sense", "ase_comm_ts", "ase_sense_ts"):
        metric = MODEL.metrics[name]
        x = metric.simulate(np.random.default_rng(3), 20000, params)
        mean, se = stats.estimate(stats.moments(x), "mean")
        assert abs(metric.analytic(arrays)[0] - mean[0]) <= Z * se[0], name


def test_hybrid_singular_probability_with_one_antenna_is_the_tof_one():
    params = {k: (v if isinstance(v, str) else np.array([v, v], float)) for k, v in MODEL.defaults().items()}
    params["lam"] = np.array([50e-6, 25e-6])  # M = 1 and M = 2 antennas per BS
    mu = params["lam"] * np.pi * 400.0**2
    hybrid = MODEL.metrics["p_singular_hybrid"].analytic(params)
    np.testing.assert_allclose(hybrid, [np.exp(-mu[0]) * (1 + mu[0]), np.exp(-mu[1])], rtol=1e-14)
    assert special.pdtr(1, mu[0]) == pytest.approx(hybrid[0], rel=1e-12)
