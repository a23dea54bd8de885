"""Sui et al., communication side: Conjectures 1-2, Proposition 1, Theorem 1 and the coverage Monte Carlo.

Tolerances
----------
* Reference values quoted to 4 decimals: half a unit of the last digit (5e-5) plus the
  stated quadrature error of the kernel (1e-7 for the ordered outer rule, 1e-6 for the
  printed one, at T <= 25 dB and M_t <= 10; measured against rules with twice the nodes
  and against adaptive double integrals, which agree to 1e-13).
* Monte Carlo against analysis: ``|MC - analytic| <= z SE + approx`` with the binomial
  ``SE = sqrt(p (1 - p) / n)`` at the analytic ``p`` and ``z = bonferroni_z(k)`` for the
  ``k`` markers of the test (family-wise level 1 %). ``approx`` is the error that
  Conjectures 1-2 introduce into the analysis (0.01 at L = 1, 0.02 for L <= 4 at
  M_t = 10; zero where both sides are Monte Carlo of the same model).
* Differences of two Monte Carlo estimates: paired (same draws) -- the standard error of
  the per-trial difference of indicators; independent -- ``sqrt(SE_1^2 + SE_2^2)``.
* Distances between two empirical laws of ``n`` draws each: by the
  Dvoretzky-Kiefer-Wolfowitz inequality each empirical CDF is within
  ``eps = sqrt(ln(2/alpha)/(2n))`` of its law with probability ``1 - alpha``, so the
  empirical KS distance is within ``2 eps`` of the true one; ``alpha`` is a
  Bonferroni share of a family-wise 1e-3.
All seeds are fixed, so every outcome is deterministic.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import integrate as si
from scipy import special as sp

from isac_core.models.sui_coop6g import coverage, gamma_approx
from isac_core.stats import binomial_standard_error, bonferroni_z

T_DB = np.array([-5.0, 0.0, 5.0, 10.0, 15.0, 20.0, 25.0])  # Appendix-table thresholds
T_LIN = 10.0 ** (T_DB / 10.0)
P_C, P_T = 0.5, 1.0
ROUNDING = 5e-5  # half a unit of the 4th decimal
QUAD_ORDERED = 1e-7  # stated error of the ordered (corrected) outer rule
QUAD_PRINTED = 1e-6  # stated error of the printed (product-of-marginals) outer rule


def _row(text):
    return np.array(text.split(), float)


def _a_star(M_t):
    return gamma_approx.ks_optimal_a(M_t - 1)[0]


# --------------------------------------------------------------------------- Conjecture 2

# Q, a*, D(a*), a_A, D(a_A): KS-optimal and Alzer parameters of G_a(gamma) = (1 - e^{-a gamma})^Q.
KS_TABLE = np.array([
    [1, 1.0000, 0.0000, 1.0000, 0.0000], [2, 1.4805, 0.0093, 1.4142, 0.0262],
    [3, 1.7990, 0.0184, 1.6510, 0.0587], [4, 2.0379, 0.0266, 1.8072, 0.0925],
    [5, 2.2291, 0.0340, 1.9193, 0.1261], [6, 2.3886, 0.0406, 2.0041, 0.1589],
    [7, 2.5255, 0.0466, 2.0710, 0.1906], [8, 2.6453, 0.0521, 2.1252, 0.2211],
    [9, 2.7520, 0.0572, 2.1702, 0.2504], [10, 2.8481, 0.0620, 2.2081, 0.2785],
    [11, 2.9355, 0.0664, 2.2407, 0.3054], [12, 3.0157, 0.0705, 2.2689, 0.3312],
    [13, 3.0897, 0.0744, 2.2937, 0.3560], [14, 3.1585, 0.0781, 2.3156, 0.3797],
    [15, 3.2228, 0.0816, 2.3352, 0.4024], [16, 3.2830, 0.0849, 2.3528, 0.4243],
    [17, 3.3398, 0.0880, 2.3687, 0.4452], [18, 3.3934, 0.0910, 2.3831, 0.4653],
    [19, 3.4442, 0.0939, 2.3963, 0.4846], [20, 3.4925, 0.0966, 2.4084, 0.5031],
])


@pytest.mark.parametrize("row", KS_TABLE, ids=[f"Q{int(q)}" for q in KS_TABLE[:, 0]])
def test_conjecture2_table(row):
    Q, a_ref, d_ref, aa_ref, da_ref = row
    Q = int(Q)
    a_star, d_star = gamma_approx.ks_optimal_a(Q)
    # Acceptance of the table: a* to 1e-3 and D to 2e-4 (the table itself is 4-decimal).
    assert abs(a_star - a_ref) <= 1e-3
    assert abs(d_star - d_ref) <= 2e-4
    a_alzer = gamma_approx.alzer_a(Q)
    assert abs(a_alzer - aa_ref) <= ROUNDING + 1e-12  # closed form, quoted to 4 decimals
    d_alzer = gamma_approx.ks_distance(a_alzer, Q)
    assert abs(d_alzer - da_ref) <= 2e-4
    if Q >= 2:
        assert d_star < d_alzer
        # a* is a local minimiser: D grows on either side (the sup is refined to ~1e-9).
        assert gamma_approx.ks_distance(a_star * 1.001, Q) > d_star
        assert gamma_approx.ks_distance(a_star / 1.001, Q) > d_star


def test_conjecture2_cdfs():
    gamma = np.linspace(0.0, 6.0, 601)
    for Q in (1, 4, 9):
        # Exact CDF: P(Q, Q gamma) is the Gamma(Q, 1/Q) law (SciPy's gamma distribution).
        np.testing.assert_allclose(gamma_approx.gamma_cdf(gamma, Q),
                                   sp.gdtr(Q, Q, gamma), rtol=0, atol=1e-14)
        # Alzer's choice is a one-sided bound: G_{a_A} <= F (up to rounding).
        G = gamma_approx.conjecture2_cdf(gamma, gamma_approx.alzer_a(Q), Q)
        assert np.all(G <= gamma_approx.gamma_cdf(gamma, Q) + 1e-14)
    # Q = 1: G_1 is the Exp(1) CDF exactly.
    np.testing.assert_allclose(gamma_approx.conjecture2_cdf(gamma, 1.0, 1), -np.expm1(-gamma), rtol=1e-15)


# --------------------------------------------------------------------------- closed forms


@pytest.mark.parametrize("beta", [3.0, 4.0, 5.5])
def test_h1_closed_form_matches_quadrature(beta):
    """H_1 = 2 int_{r_L}^inf c x^-beta/(1 + c x^-beta) x dx (eq. (10)/(21)) in closed form."""
    for c in (1e-3, 0.3, 1.0, 7.0, 250.0):
        for r_L in (0.2, 1.0, 2.5):
            exact = si.quad(lambda x, c=c: 2.0 * c * x ** (1.0 - beta) / (1.0 + c * x ** -beta), r_L, np.inf,
                            epsabs=1e-13, epsrel=1e-13, limit=200)[0]
            # Closed form vs adaptive quadrature (whose error estimate is < 1e-12): 1e-8.
            assert abs(coverage.interference_h1(c, r_L, beta) - exact) <= 1e-8
    x = np.array([1e-6, 0.5, 1.0, 1.5, 40.0, 1e4])
    exact = [si.quad(lambda t, x=x: x * t ** (-beta / 2) / (1.0 + x * t ** (-beta / 2)), 1.0, np.inf,
                     epsabs=1e-13, epsrel=1e-13, limit=200)[0] for x in x]
    np.testing.assert_allclose(coverage.normalised_interference(x, beta), exact, rtol=1e-9, atol=1e-12)


def test_prop1_forms_agree():
    T = 10.0 ** (np.linspace(-10.0, 40.0, 51) / 10.0)
    for M_t in (2, 4, 10, 21):
        Q = M_t - 1
        a = _a_star(M_t)
        prop1 = coverage.coverage_prop1(T, M_t, P_C, P_T, a)
        # The general Theorem 1 code at L = 1 (one outer atom): to 1e-10 (bit-identical in fact).
        np.testing.assert_allclose(coverage.coverage_theorem1(T, 1, M_t, P_C, P_T, 4.0, a), prop1,
                                   rtol=0, atol=1e-10)
        np.testing.assert_allclose(coverage.coverage_theorem1(T, 1, M_t, P_C, P_T, 4.0, a, outer="marginals"),
                                   prop1, rtol=0, atol=1e-10)
        # The printed arcsin form of eq. (11)/(24), written out independently.
        n = np.arange(1, Q + 1)
        kappa = a * n[None, :] * T[:, None] * P_T / (Q * P_C)
        arcsin = np.sqrt(kappa) * (np.pi / 2 - np.arcsin(np.sqrt(1.0 / (1.0 + kappa))))
        terms = (-1.0) ** (n + 1) * sp.comb(Q, n) / (1.0 + arcsin)
        # Alternating sum with C(Q, n) <= 1.9e5: rounding ~ 1e-11.
        np.testing.assert_allclose(prop1, terms.sum(axis=1), rtol=0, atol=1e-10)
    # General-beta branch (incomplete beta) at L = 1 vs adaptive quadrature of the PGFL in u.
    a = _a_star(10)
    for beta in (3.0, 5.5):
        for t in (0.3, 10.0):
            kappa = coverage.effective_threshold(t, np.arange(1, 10), 10, P_C, P_T, a)
            h = [si.quad(lambda v, k=k, b=beta: k * v ** (-b / 2) / (1.0 + k * v ** (-b / 2)), 1.0, np.inf,
                         epsabs=1e-13, epsrel=1e-13, limit=200)[0] for k in kappa]
            ref = np.sum(coverage._binomial_coefficients(9) / (1.0 + np.array(h)))
            assert abs(coverage.coverage_prop1(t, 10, P_C, P_T, a, beta=beta) - ref) <= 1e-8


def test_effective_threshold_and_trivial_points():
    assert coverage.effective_threshold(2.0, 3, 10, 0.5, 1.0, 2.5) == pytest.approx(2.5 * 3 * 2.0 / (9 * 0.5))
    a = _a_star(10)
    for outer in ("ordered", "marginals"):
        assert np.all(coverage.coverage_theorem1(np.zeros(4), [1, 2, 3, 4], 10, P_C, P_T, 4.0, a, outer=outer) == 1.0)


# --------------------------------------------------------------------------- Theorem 1 vs Appendix A

A1_CORRECTED = {1: ".9986 .9514 .7372 .4627 .2670 .1509 .0849", 2: "1.000 .9945 .9100 .6722 .4195 .2440 .1387",
                3: "1.000 .9990 .9634 .7853 .5229 .3123 .1792", 4: "1.000 .9998 .9834 .8531 .5993 .3670 .2124"}
A1_PRINTED = {2: "1.000 .9959 .9318 .7281 .4803 .2910 .1702", 3: "1.000 .9993 .9777 .8512 .6107 .3776 .2183",
              4: "1.000 .9998 .9919 .9154 .7008 .4426 .2400"}
A3_CORRECTED = {4: ".9829 .8849 .6581 .4151 .2426 .1381 .0779", 6: ".9981 .9606 .7883 .5277 .3154 .1808 .1023",
                8: ".9998 .9856 .8635 .6092 .3722 .2149 .1219", 10: "1.000 .9945 .9100 .6722 .4195 .2440 .1387"}
A3_PRINTED = {4: ".9871 .9094 .7119 .4740 .2886 .1693 .0973", 6: ".9986 .9705 .8302 .5891 .3692 .2191 .1273",
              8: ".9998 .9894 .8941 .6687 .4304 .2581 .1505", 10: "1.000 .9959 .9318 .7281 .4803 .2910 .1702"}
A2_KS = {4: ".9258 .7188 .4576 .2656 .1503 .0846 .0476", 6: ".9815 .8482 .5823 .3465 .1972 .1112 .0625",
         8: ".9951 .9150 .6707 .4099 .2348 .1325 .0746", 10: ".9986 .9514 .7372 .4627 .2670 .1509 .0849"}
A2_ALZER = {4: ".9351 .7383 .4754 .2769 .1569 .0883 .0497", 6: ".9874 .8758 .6182 .3721 .2124 .1198 .0674",
            8: ".9975 .9409 .7196 .4493 .2589 .1463 .0823", 10: ".9995 .9720 .7937 .5148 .2999 .1698 .0956"}

#: Entries of the printed columns that the reference tables get wrong: they were computed
#: with tensor Gauss-Laguerre in u_k, which cannot resolve the small-u_1 feature at high T.
#: The values here agree with adaptive double integrals of the literal printed formula
#: (L = 2, test below) and with a 2e8-sample Monte Carlo of it (L = 4, test below).
#: Keys: (L, M_t) -> thresholds in dB excluded from the 4-decimal comparison.
PRINTED_TABLE_ERRORS = {(3, 10): (20.0, 25.0), (4, 10): (15.0, 20.0, 25.0), (2, 4): (20.0, 25.0),
                        (2, 6): (25.0,), (2, 8): (25.0,)}


def _check_table(L, M_t, ref, outer):
    got = coverage.coverage_theorem1(T_LIN, L, M_t, P_C, P_T, 4.0, _a_star(M_t), outer=outer)
    keep = ~np.isin(T_DB, PRINTED_TABLE_ERRORS.get((L, M_t), ())) if outer == "marginals" else slice(None)
    tol = ROUNDING + (QUAD_ORDERED if outer == "ordered" else QUAD_PRINTED)
    np.testing.assert_allclose(got[keep], _row(ref)[keep], rtol=0, atol=tol)


@pytest.mark.parametrize("L", [1, 2, 3, 4])
def test_theorem1_vs_table_a1(L):
    _check_table(L, 10, A1_CORRECTED[L], "ordered")
    if L >= 2:
        _check_table(L, 10, A1_PRINTED[L], "marginals")


@pytest.mark.parametrize("M_t", [4, 6, 8, 10])
def test_theorem1_vs_table_a3(M_t):
    _check_table(2, M_t, A3_CORRECTED[M_t], "ordered")
    _check_table(2, M_t, A3_PRINTED[M_t], "marginals")


@pytest.mark.parametrize("M_t", [4, 6, 8, 10])
def test_prop1_vs_table_a2(M_t):
    Q = M_t - 1
    for a, ref in ((_a_star(M_t), A2_KS[M_t]), (gamma_approx.alzer_a(Q), A2_ALZER[M_t])):
        got = coverage.coverage_prop1(T_LIN, M_t, P_C, P_T, a)
        np.testing.assert_allclose(got, _row(ref), rtol=0, atol=ROUNDING + 1e-12)  # Prop 1 is closed form


def _literal_l2(T_db, M_t, lam, outer, beta=4.0):
    """Theorem 1 at L = 2 in the paper's physical variables r_1, r_2 (adaptive double integral)."""
    Q = M_t - 1
    kappa = coverage.effective_threshold(10.0 ** (T_db / 10.0), np.arange(1, Q + 1), M_t, P_C, P_T, _a_star(M_t))
    coef = coverage._binomial_coefficients(Q)

    def conditional(r1, r2):  # sum_n (-1)^{n+1} C(Q,n) exp(-pi lam H_1(c_n, r_2)), c_n = kappa_n / D
        D = r1**-beta + r2**-beta
        return np.sum(coef * np.exp(-np.pi * lam * coverage.interference_h1(kappa / D, r2, beta)))

    if outer == "ordered":  # joint density (2 pi lam)^2 r_1 r_2 e^{-pi lam r_2^2} on r_1 < r_2
        f = lambda r1, r2: conditional(r1, r2) * (2 * np.pi * lam) ** 2 * r1 * r2 * np.exp(-np.pi * lam * r2 * r2)  # noqa: E731
        return si.dblquad(f, 0.0, np.inf, 0.0, lambda r2: r2, epsabs=1e-11, epsrel=1e-10)[0]

    def marginal(r, k):  # f_k(r) = 2 (lam pi r^2)^k e^{-lam pi r^2} / (r (k-1)!)
        return 2.0 * (lam * np.pi * r * r) ** k * np.exp(-lam * np.pi * r * r) / (r * math.factorial(k - 1))

    f = lambda r1, r2: conditional(r1, r2) * marginal(r1, 1) * marginal(r2, 2)  # noqa: E731
    return si.dblquad(f, 0.0, np.inf, 0.0, np.inf, epsabs=1e-11, epsrel=1e-10)[0]


def test_theorem1_reductions_match_literal_integrals_and_lambda():
    """Both outer reductions equal the literal double integrals in r, at any lambda.

    The literal integrals use lambda in {0.5, 3}: their agreement with the lambda-free
    kernel is the analytic lambda-independence. dblquad's requested accuracy is 1e-10;
    the kernel's stated quadrature error is 1e-7 (ordered) / 1e-6 (printed).
    """
    cases = [(5.0, 10, 0.5, "ordered"), (25.0, 10, 3.0, "ordered"), (25.0, 4, 3.0, "marginals"),
             (10.0, 10, 0.5, "marginals")]
    for T_db, M_t, lam, outer in cases:
        got = coverage.coverage_theorem1(10.0 ** (T_db / 10.0), 2, M_t, P_C, P_T, 4.0, _a_star(M_t), outer=outer)
        tol = QUAD_ORDERED if outer == "ordered" else QUAD_PRINTED
        assert abs(got - _literal_l2(T_db, M_t, lam, outer)) <= tol + 1e-9
    # Prop 1 in physical variables at several lambda: int f_1(r) exp(-pi lam H_1(kappa r^beta, r)) dr.
    a = _a_star(10)
    kappa = coverage.effective_threshold(10.0, np.arange(1, 10), 10, P_C, P_T, a)
    coef = coverage._binomial_coefficients(9)
    for lam in (0.5, 1.0, 5.0, 10.0):
        f = lambda r, lam=lam: 2 * np.pi * lam * r * np.exp(-np.pi * lam * r * r) * np.sum(  # noqa: E731
            coef * np.exp(-np.pi * lam * coverage.interference_h1(kappa * r**4, r, 4.0)))
        val = si.quad(f, 0.0, np.inf, epsabs=1e-12, epsrel=1e-12, limit=200)[0]
        assert abs(val - coverage.coverage_prop1(10.0, 10, P_C, P_T, a)) <= 1e-9


def test_printed_theorem1_high_threshold_vs_monte_carlo_of_the_formula():
    """Printed Theorem 1, L = 4, M_t = 10 where Table A1's printed column is wrong.

    References: the printed formula averaged over 2e8 independent draws u_k ~ Gamma(k, 1)
    (seed 7), mean +- standard error. Tolerance z SE (3 markers) + the stated quadrature error.
    Table A1 gives .7008 / .4426 / .2400, i.e. 5, 20 and 450 standard errors away.
    """
    T = 10.0 ** (np.array([15.0, 20.0, 25.0]) / 10.0)
    mc = np.array([0.70067148, 0.44198636, 0.25231898])
    se = np.array([2.53e-5, 2.97e-5, 2.70e-5])
    got = coverage.coverage_theorem1(T, 4, 10, P_C, P_T, 4.0, _a_star(10), outer="marginals")
    assert np.all(np.abs(got - mc) <= bonferroni_z(3) * se + QUAD_PRINTED)


def test_theorem1_elementwise_and_batch_independent():
    a = _a_star(10)
    T = np.array([0.5, 5.0, 16.0, 63.0, 0.0, 1000.0])
    L = np.array([1.0, 2.0, 3.0, 4.0, 2.0, 3.0])
    M_t = np.array([10.0, 10.0, 4.0, 10.0, 6.0, 10.0])
    a_arr = np.array([a, a, _a_star(4), a, _a_star(6), a])
    together = coverage.coverage_theorem1(T, L, M_t, P_C, P_T, 4.0, a_arr)
    alone = [coverage.coverage_theorem1(T[i], L[i], M_t[i], P_C, P_T, 4.0, a_arr[i]) for i in range(T.size)]
    assert np.array_equal(together, np.array(alone))
    assert together[4] == 1.0  # T = 0


# --------------------------------------------------------------------------- Monte Carlo

MC_KW = dict(M_t=10, p_c=P_C, p_t=P_T, beta=4.0)


def _coverage(sir, T):
    return (sir[:, :, None] >= T).mean(axis=0)  # (n_L, n_T)


def test_monte_carlo_vs_corrected_theorem1():
    n = 50_000
    sizes = np.array([1, 2, 3, 4])
    sir = coverage.coverage_sir_samples(np.random.default_rng(2024), n, sizes, density=1.0, **MC_KW)
    mc = _coverage(sir, T_LIN)
    analytic = np.array([coverage.coverage_theorem1(T_LIN, L, 10, P_C, P_T, 4.0, _a_star(10)) for L in sizes])
    z = bonferroni_z(mc.size)  # 28 markers
    # Approximation allowance of Conjectures 1-2 (0.01 at L = 1, 0.02 for L <= 4 at M_t = 10).
    approx = np.where(sizes == 1, 0.01, 0.02)[:, None]
    assert np.all(np.abs(mc - analytic) <= z * binomial_standard_error(analytic, n) + approx)


def test_printed_theorem1_excess():
    """The printed Theorem 1 overestimates P_c: max excess over T in [0.05, 0.11] (L = 2, M_t = 10).

    Reference: the corrected Theorem 1 (deterministic, quadrature error 1e-7; it agrees with
    Monte Carlo within the 0.013 Conjecture error, which the two forms share).
    """
    T = 10.0 ** (np.arange(-10.0, 30.5, 0.5) / 10.0)
    a = _a_star(10)
    excess = (coverage.coverage_theorem1(T, 2, 10, P_C, P_T, 4.0, a, outer="marginals")
              - coverage.coverage_theorem1(T, 2, 10, P_C, P_T, 4.0, a))
    assert np.all(excess >= -1e-6)
    assert 0.05 <= excess.max() <= 0.11


def test_monte_carlo_lambda_independence():
    n = 20_000
    T = 10.0 ** (np.arange(-5.0, 26.0, 5.0) / 10.0)
    sizes = [1, 2, 4]
    # Same seed, different density: the SIR is scale-free, so the samples agree up to rounding.
    s1 = coverage.coverage_sir_samples(np.random.default_rng(5), 2000, sizes, density=0.5, **MC_KW)
    s2 = coverage.coverage_sir_samples(np.random.default_rng(5), 2000, sizes, density=10.0, **MC_KW)
    np.testing.assert_allclose(s1, s2, rtol=1e-10)
    # Independent seeds: estimates at lambda = 0.5 and 10 agree within z sqrt(2) SE (21 markers).
    p1 = _coverage(coverage.coverage_sir_samples(np.random.default_rng(6), n, sizes, density=0.5, **MC_KW), T)
    p2 = _coverage(coverage.coverage_sir_samples(np.random.default_rng(7), n, sizes, density=10.0, **MC_KW), T)
    pooled = 0.5 * (p1 + p2)
    assert np.all(np.abs(p1 - p2) <= bonferroni_z(p1.size) * np.sqrt(2.0) * binomial_standard_error(pooled, n)
                  + 1e-12)


@pytest.mark.parametrize("gains,fading", [("independent", "model"), ("pooled", "model"), ("independent", "zf")])
def test_monte_carlo_determinism(gains, fading):
    kw = dict(MC_KW, density=1.0, gains=gains, fading=fading)
    one = coverage.coverage_sir_samples(np.random.default_rng(11), 3000, [2], **kw)
    many = coverage.coverage_sir_samples(np.random.default_rng(11), 3000, [1, 2, 3, 4], **kw)
    again = coverage.coverage_sir_samples(np.random.default_rng(11), 3000, [1, 2, 3, 4], **kw)
    assert np.array_equal(one[:, 0], many[:, 1])
    assert np.array_equal(many, again)
    assert many.shape == (3000, 4) and np.all(many > 0.0)
    # Larger clusters: more signal and less interference, trial by trial.
    assert np.all(np.diff(many, axis=1) > 0.0)


def test_pooled_gain_gap():
    """Conjecture 1 on P_c: |P_c(independent) - P_c(pooled)| <= 0.012 (L = 2..4, M_t = 10).

    Same seed: both runs share the geometry and the interference, so the difference is
    paired; its SE is the standard error of the per-trial indicator difference.
    """
    n = 50_000
    T = 10.0 ** (np.arange(-10.0, 31.0, 2.5) / 10.0)
    sizes = [2, 3, 4]
    ind = coverage.coverage_sir_samples(np.random.default_rng(3), n, sizes, density=1.0, **MC_KW)
    pool = coverage.coverage_sir_samples(np.random.default_rng(3), n, sizes, density=1.0, gains="pooled", **MC_KW)
    d = (ind[:, :, None] >= T).astype(float) - (pool[:, :, None] >= T)
    gap = d.mean(axis=0)
    se = d.std(axis=0) / np.sqrt(n)
    assert np.all(np.abs(gap) <= 0.012 + bonferroni_z(gap.size) * se)


def test_conjecture1_ks_distance():
    n = 200_000
    alpha = 1e-3 / 6  # 3 cluster sizes x 2 empirical CDFs
    eps = np.sqrt(np.log(2.0 / alpha) / (2.0 * n))  # DKW: 0.0048 per empirical CDF
    rng = np.random.default_rng(17)
    for L in (2, 3, 4):
        independent, pooled = gamma_approx.conjecture1_sums(rng, n, L, 4.0, 1.0, 10)
        grid = np.sort(np.concatenate([independent, pooled]))
        F1 = np.searchsorted(np.sort(independent), grid, side="right") / n
        F2 = np.searchsorted(np.sort(pooled), grid, side="right") / n
        # Conjecture 1 holds to KS 0.01 (M_t = 10, L <= 4); sampling allowance 2 eps.
        assert np.max(np.abs(F1 - F2)) <= 0.01 + 2.0 * eps
