"""Quadrature rules, the interference defect d(t; alpha) and fast powers."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from scipy import integrate as _int
from scipy import special as _sp

from isac_core import numerics as nm

ALPHAS = [2.0, 2.5, 3.0, 3.5, 4.0, 4.5, 5.0, 5.5, 6.0]


def _defect_reference(t, alpha):
    """d = (2/alpha) int_{-inf}^0 e^{bz} / (1 + t e^z) dz, b = 2/alpha: a smooth
    log-variable integral, accurate to ~1e-14 relative for any t > 0."""
    b = 2.0 / alpha

    def f(z):
        return np.exp(b * z) / (1.0 + t * np.exp(z))

    knee = -np.log(t)
    kw = {"epsabs": 0.0, "epsrel": 2e-14, "limit": 500}
    split = min(knee - 5.0, -5.0)
    tail = _int.quad(f, -np.inf, split, **kw)[0]
    pts = [knee] if split < knee < 0.0 else None
    body = _int.quad(f, split, 0.0, points=pts, **kw)[0]
    return b * (tail + body)


# --------------------------------------------------------------------------
# quadrature
# --------------------------------------------------------------------------


def test_gauss_legendre_exact_for_polynomials_and_read_only():
    x, w = nm.gauss_legendre(8, -1.0, 3.0)
    for k in range(16):  # exact up to degree 2n - 1
        exact = (3.0 ** (k + 1) - (-1.0) ** (k + 1)) / (k + 1)
        assert nm.integrate(x**k, w) == pytest.approx(exact, rel=1e-13, abs=1e-13)
    assert not x.flags.writeable and not w.flags.writeable
    assert nm.gauss_legendre(8, -1.0, 3.0)[0] is x  # cached
    with pytest.raises(ValueError):
        nm.gauss_legendre(0)


def test_composite_rule_resolves_a_feature_near_zero():
    edges = (0.0, *(10.0**k for k in range(-12, 0)), 1.0)
    x, w = nm.composite_gauss_legendre(edges, 32)
    assert x.size == 32 * 13 and np.all(np.diff(x) > 0)
    scale = 1e-7  # int_0^1 exp(-u / scale) du
    assert nm.integrate(np.exp(-x / scale), w) == pytest.approx(scale * -np.expm1(-1 / scale),
                                                                rel=1e-13)
    with pytest.raises(ValueError):
        nm.composite_gauss_legendre((0.0, 1.0, 0.5), 4)


def test_integrate_is_rowwise_bit_identical():
    rng = np.random.default_rng(0)
    x, w = nm.gauss_legendre(128)
    f = rng.random((37, 128))
    batch = nm.integrate(f, w)
    single = np.array([nm.integrate(f[i : i + 1], w)[0] for i in range(f.shape[0])])
    fortran = nm.integrate(np.asfortranarray(f), w)
    assert np.array_equal(batch, single)
    assert np.array_equal(batch, fortran)


# --------------------------------------------------------------------------
# interference defect
# --------------------------------------------------------------------------


@pytest.mark.parametrize("alpha", ALPHAS)
def test_defect_matches_printed_r_integral(alpha):
    """Closed form vs quadrature: 1 - d(R^alpha / s) equals (2/R^2) int_0^R r^{1+alpha}/(r^alpha + s) dr
    (the bracket of eqs. (5) and (10)) to <= 1e-9 absolute."""
    R = 500.0
    for t in np.logspace(-8, 12, 21):
        s = R**alpha / t
        knee = s ** (1.0 / alpha)

        def f(r, s=s):
            return r ** (1.0 + alpha) / (r**alpha + s)

        pts = [knee] if knee < R else None
        bracket = 2.0 / R**2 * _int.quad(f, 0.0, R, points=pts, epsabs=1e-14 * R**2,
                                         epsrel=1e-12, limit=200)[0]
        assert abs((1.0 - nm.interference_defect(t, alpha)) - bracket) <= 1e-9


@pytest.mark.parametrize("alpha", [2.0, 2.0 + 1e-9, 2.001, 2.5, 3.0, 3.7, 3.9999, 4.0, 4.0001,
                                   4.5, 5.0, 6.0])
def test_defect_relative_accuracy_including_extreme_t(alpha):
    ts = np.array([1e-9, 1e-4, 0.0099, 0.0101, 0.3, 1.0, 1.0001, 7.0, 1e3, 1e8, 1e12, 1e16,
                   1e20])
    d = nm.interference_defect(ts, alpha)
    ref = np.array([_defect_reference(t, alpha) for t in ts])
    np.testing.assert_allclose(d, ref, rtol=1e-13, atol=0)


def test_defect_special_cases_against_independent_forms():
    t = np.logspace(-6, 20, 53)
    np.testing.assert_allclose(nm.interference_defect(t, 4.0), _sp.hyp2f1(1, 0.5, 1.5, -t),
                               rtol=2e-15)
    np.testing.assert_allclose(nm.interference_defect(t, 2.0), np.log1p(t) / t, rtol=2e-15)
    # the general (incomplete beta) branch joins the closed forms continuously
    for a in (2.0, 4.0):
        near = nm.interference_defect(t, a * (1 + 1e-10))
        np.testing.assert_allclose(near, nm.interference_defect(t, a), rtol=1e-8)


def test_defect_limits_shapes_and_invalid_input():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        d = nm.interference_defect([0.0, np.inf, -1.0, np.nan], 3.0)
        assert d[0] == 1.0 and d[1] == 0.0 and np.isnan(d[2]) and np.isnan(d[3])
        assert nm.log_one_minus_defect(0.0, 4.0) == -np.inf
        for a in (2.0, 4.0, 5.0):
            assert nm.interference_defect(np.inf, a) == 0.0
    out = nm.interference_defect(np.ones((3, 1)), np.array([2.0, 3.0, 4.0, 5.0]))
    assert out.shape == (3, 4)
    assert np.all(np.diff(out[0]) > 0)  # d grows with alpha at fixed t
    assert np.ndim(nm.interference_defect(1.0, 4.0)) == 0


@pytest.mark.parametrize("alpha", [2.0, 3.0, 4.0, 5.3])
def test_one_minus_defect_small_t_relative_precision(alpha):
    beta = alpha / 2
    t = np.array([1e-300, 1e-12, 1e-8])
    two_terms = t / (1 + beta) - t**2 / (1 + 2 * beta)  # next term ~ t^3
    np.testing.assert_allclose(nm.one_minus_defect(t, alpha), two_terms, rtol=1e-15)
    np.testing.assert_allclose(nm.log_one_minus_defect(t, alpha), np.log(two_terms), rtol=1e-15)
    # continuity where the series hands over to the closed forms
    edge = np.array([1e-2 * (1 - 1e-13), 1e-2 * (1 + 1e-13)])
    q = nm.one_minus_defect(edge, alpha)
    assert abs(q[1] / q[0] - 1) < 1e-12
    # log(1 - d) for moderate and large t is log1p(-d)
    tt = np.array([0.5, 10.0, 1e6])
    np.testing.assert_allclose(nm.log_one_minus_defect(tt, alpha),
                               np.log1p(-nm.interference_defect(tt, alpha)), rtol=1e-15)


# --------------------------------------------------------------------------
# fast powers
# --------------------------------------------------------------------------


@pytest.mark.parametrize("exponent", [0.5, 1.0, 1.5, 2.0, 2.5, 3.0, 3.5, 4.0, 5.0, 6.5, 8.0,
                                      2.7, 9.0])
def test_power_and_inverse_power_match_numpy(exponent):
    rng = np.random.default_rng(1)
    x = rng.random(1001) * 10 + 1e-3
    ref = np.power(x, exponent)
    np.testing.assert_allclose(nm.power(x, exponent), ref, rtol=8 * np.finfo(float).eps)
    np.testing.assert_allclose(nm.inverse_power(x, exponent), 1 / ref, rtol=8 * np.finfo(float).eps)
    # in place gives the same bits as out of place
    y = x.copy()
    assert nm.inverse_power(y, exponent, out=y) is y
    assert np.array_equal(y, nm.inverse_power(x, exponent))
    z = x.copy()
    nm.power(z, exponent, out=z)
    assert np.array_equal(z, nm.power(x, exponent))


def test_power_array_exponent_and_zero_base():
    x = np.array([0.5, 2.0, 4.0])
    np.testing.assert_allclose(nm.power(x, np.array([1.0, 2.5, 0.5])), [0.5, 2.0**2.5, 2.0],
                               rtol=1e-15)
    with np.errstate(divide="ignore"):
        assert nm.inverse_power(np.zeros(2), 2.0)[0] == np.inf


@pytest.mark.parametrize(("a", "b"), [(0.5, 0.5), (0.25, 0.75), (2.5, 0.5), (1.0, 3.0)])
def test_incomplete_beta_against_quadrature(a, b):
    for x in (0.0, 1e-6, 0.3, 0.5, 0.9):  # near x = 1 see incomplete_beta_split
        ref = _int.quad(lambda t: t ** (a - 1) * (1 - t) ** (b - 1), 0, x, limit=200)[0] if x > 0 else 0.0
        assert nm.incomplete_beta(x, a, b) == pytest.approx(ref, rel=1e-8, abs=1e-300)


def test_incomplete_beta_split_keeps_accuracy_near_one():
    # B(x; 1/2, 1/2) = 2 arcsin(sqrt(x)); near x = 1 use pi - 2 arcsin(sqrt(1 - x)) as the reference
    xc = np.array([1e-16, 1e-12, 1e-6, 0.3])
    x = 1.0 - xc
    exact = np.pi - 2.0 * np.arcsin(np.sqrt(xc))
    np.testing.assert_allclose(nm.incomplete_beta_split(x, xc, 0.5, 0.5), exact, rtol=1e-15)
    # and it equals the direct form where that is well conditioned
    x = np.array([1e-9, 0.2, 0.5, 0.7])
    np.testing.assert_allclose(nm.incomplete_beta_split(x, 1.0 - x, 0.3, 1.7), nm.incomplete_beta(x, 0.3, 1.7),
                               rtol=1e-12)
