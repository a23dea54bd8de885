"""Han et al. survey: localisation FIMs (eqs. (12)-(18)), the shared FIM module and the gain constants."""

from __future__ import annotations

import numpy as np
import pytest

from isac_core import localization
from isac_core.geometry import ppp_ordered_distances
from isac_core.models.han_survey import gains
from isac_core.models.han_survey.fim import (
    aoa_fim,
    aoa_fim_double_sum,
    crlb_traces,
    hybrid_fim,
    tof_fim,
    tof_fim_double_sum,
    trace_inverse,
    unit_fims,
)
from isac_core.models.meng_coop.crlb import crlb_trace_closed_form


def _drops(rng, n_drops, n_bs, scale=300.0):
    d = scale * np.sqrt(rng.random((n_drops, n_bs))) + 1.0
    theta = 2.0 * np.pi * rng.random((n_drops, n_bs)) - np.pi
    return d, theta


def _entries_close(a, b, rtol):
    """Entry-wise agreement relative to the FIM scale (the off-diagonal may be ~0)."""
    scale = np.abs(b[..., [0, 2]]).max(axis=-1, keepdims=True)
    return np.all(np.abs(a - b) <= rtol * scale)


# --------------------------------------------------------------------------- FIM forms (eqs. (12)-(18))


@pytest.mark.parametrize("n_bs", [1, 2, 3, 5, 8])
def test_closed_forms_match_printed_double_sums(n_bs):
    d, theta = _drops(np.random.default_rng(10 + n_bs), 50, n_bs)
    assert _entries_close(aoa_fim(d, theta), aoa_fim_double_sum(d, theta), 1e-12)
    for beta in (2.0, 3.0):
        assert _entries_close(tof_fim(d, theta, beta=beta), tof_fim_double_sum(d, theta, beta), 1e-12)


def _jacobian_fim(xy, measure, weight, h=1e-4):
    """``J^T W J`` with the measurement Jacobian w.r.t. the target position by central differences."""
    F = np.zeros((2, 2))
    for i in range(len(xy)):
        for j in range(len(xy)):
            grad = np.array([(measure(np.array(step), i, j) - measure(-np.array(step), i, j)) / (2 * h)
                             for step in ((h, 0.0), (0.0, h))])
            F += weight(i, j) * np.outer(grad, grad)
    return F


def test_fims_are_jtwj_of_the_measurement_models():
    """Eq. (12): AoA at receiver i of the BS-to-target direction; eq. (15): bistatic range sum."""
    rng = np.random.default_rng(4)
    for n_bs in (2, 3, 5):
        xy = rng.uniform(-400.0, 400.0, (n_bs, 2))
        d = np.hypot(xy[:, 0], xy[:, 1])
        theta = np.arctan2(-xy[:, 1], -xy[:, 0])  # from BS i to the target at the origin

        def angle(p, i, j, xy=xy):
            return np.arctan2(p[1] - xy[i, 1], p[0] - xy[i, 0])

        def range_sum(p, i, j, xy=xy):
            return np.hypot(*(p - xy[i])) + np.hypot(*(p - xy[j]))

        F_a = _jacobian_fim(xy, angle, lambda i, j, d=d, t=theta: np.cos(t[i]) ** 2 / (d[j] ** 2 * d[i] ** 2))
        F_r = _jacobian_fim(xy, range_sum, lambda i, j, d=d: d[i] ** -2.0 * d[j] ** -2.0)
        ref_a = np.array([F_a[0, 0], F_a[0, 1], F_a[1, 1]])
        ref_r = np.array([F_r[0, 0], F_r[0, 1], F_r[1, 1]])
        assert _entries_close(aoa_fim(d, theta), ref_a, 1e-8)
        assert _entries_close(tof_fim(d, theta), ref_r, 1e-8)


def test_tof_fim_is_the_meng_coop_fim():
    """One FIM: the survey's eq. (16) and Meng & Masouros eq. (5) give the same trace."""
    d, theta = _drops(np.random.default_rng(5), 200, 6)
    for beta in (2.0, 3.0):
        ours = trace_inverse(tof_fim(d, theta, beta=beta))
        np.testing.assert_allclose(ours, crlb_trace_closed_form(d, theta, beta), rtol=1e-10)
        w = np.power(d, -beta)
        cart = localization.radial_moments(w, np.cos(theta), np.sin(theta))
        angular = localization.angular_moments(w, theta)
        np.testing.assert_allclose(localization.trace_inverse_2x2(*localization.bistatic_range_fim(*cart)),
                                   localization.range_trace_from_sums(*angular), rtol=1e-10)
        # the two parametrisations: S = E_xx + E_yy, mu = v_x + j v_y, q = E_xx - E_yy + 2j E_xy
        e_xx, e_xy, e_yy, v_x, v_y = cart
        expected = (e_xx + e_yy, v_x, v_y, e_xx - e_yy, 2 * e_xy)
        np.testing.assert_allclose(angular, expected, rtol=1e-9, atol=1e-9 * w.max())


def _exact_trace_inverse(d, theta, kind):
    """``tr(F^-1)`` of the literal double sum (13) or (16) in exact rational arithmetic (from the float inputs)."""
    from fractions import Fraction

    c = [Fraction(float(x)) for x in np.cos(theta)]
    s = [Fraction(float(x)) for x in np.sin(theta)]
    inv2 = [1 / Fraction(float(x)) ** 2 for x in d]
    n = len(d)
    f = [Fraction(0)] * 3
    for i in range(n):
        for j in range(n):
            if kind == "aoa":
                wt = c[i] ** 2 * inv2[j] * inv2[i] * inv2[i]
                terms = (s[i] * s[i], -s[i] * c[i], c[i] * c[i])
            else:
                wt = inv2[i] * inv2[j]
                a, b = c[i] + c[j], s[i] + s[j]
                terms = (a * a, a * b, b * b)
            f = [fk + wt * t for fk, t in zip(f, terms, strict=True)]
    return float((f[0] + f[2]) / (f[0] * f[2] - f[1] ** 2))


def test_dominant_bs_keeps_accurate_trace():
    """One BS much closer than the rest: accurate in the nearest-BS frame (a rank-1 global part would swamp it)."""
    rng = np.random.default_rng(12)
    for near in (0.2, 1e-3):
        d = np.array([near, 150.0, 220.0, 300.0])
        theta = rng.uniform(-np.pi, np.pi, 4)
        fa, fr = unit_fims(d, theta, frame="nearest")
        assert trace_inverse(fa) == pytest.approx(_exact_trace_inverse(d, theta, "aoa"), rel=1e-9)
        assert trace_inverse(fr) == pytest.approx(_exact_trace_inverse(d, theta, "tof"), rel=1e-9)
        # order of the BSs does not matter, and the frame only rotates the entries
        perm = np.array([2, 0, 3, 1])
        fa_perm, fr_perm = unit_fims(d[perm], theta[perm], frame="nearest")
        np.testing.assert_allclose(trace_inverse(fa_perm), trace_inverse(fa), rtol=1e-9)
        np.testing.assert_allclose(trace_inverse(fr_perm), trace_inverse(fr), rtol=1e-9)
    d, theta = _drops(np.random.default_rng(13), 100, 5)
    for glob, rot in zip(unit_fims(d, theta), unit_fims(d, theta, frame="nearest"), strict=True):
        np.testing.assert_allclose(trace_inverse(rot), trace_inverse(glob), rtol=1e-9)
        np.testing.assert_allclose(rot[:, 0] + rot[:, 2], glob[:, 0] + glob[:, 2], rtol=1e-12)


def test_factorised_aoa_fim_and_unit_fims():
    d, theta = _drops(np.random.default_rng(6), 30, 4)
    s2 = (d**-2.0).sum(-1)
    G = np.zeros((30, 3))
    c, s = np.cos(theta), np.sin(theta)
    for f, tt in zip(range(3), (s * s, -s * c, c * c), strict=True):
        G[:, f] = (c * c * d**-4.0 * tt).sum(-1)
    np.testing.assert_allclose(aoa_fim(d, theta), s2[:, None] * G, rtol=1e-12, atol=0)
    fa, fr = unit_fims(d, theta, beta=3.0)
    assert np.array_equal(fa, aoa_fim(d, theta)) and np.array_equal(fr, tof_fim(d, theta, beta=3.0))


def test_masked_representation():
    rng = np.random.default_rng(7)
    counts = np.array([0, 1, 2, 5, 3])
    d = np.full((5, 5), np.nan)
    theta = np.full((5, 5), np.nan)
    mask = np.arange(5) < counts[:, None]
    d[mask] = 50.0 + 300.0 * rng.random(counts.sum())
    theta[mask] = rng.uniform(-np.pi, np.pi, counts.sum())
    fa, fr = unit_fims(d, theta, mask)
    for k, n in enumerate(counts):
        if n == 0:
            assert np.all(fa[k] == 0.0) and np.all(fr[k] == 0.0)
            continue
        np.testing.assert_allclose(fa[k], aoa_fim(d[k, :n], theta[k, :n]), rtol=1e-14, atol=0)
        np.testing.assert_allclose(fr[k], tof_fim(d[k, :n], theta[k, :n]), rtol=1e-14, atol=0)
    traces = crlb_traces(fa, fr, 1e12, 1e7)
    rotated = crlb_traces(*unit_fims(d, theta, mask, frame="nearest"), 1e12, 1e7)
    np.testing.assert_allclose(rotated, traces, rtol=1e-9)
    assert np.all(np.isinf(traces[0]))  # N = 0: everything singular
    assert np.isinf(traces[1, 0]) and np.isinf(traces[1, 1]) and np.isfinite(traces[1, 2])  # N = 1
    assert np.all(np.isfinite(traces[2:]))
    # all-empty padding (zero width) is an empty cluster
    assert np.all(aoa_fim(np.ones((3, 0)), np.zeros((3, 0)), np.zeros((3, 0), bool)) == 0.0)


@pytest.mark.parametrize("frame", ["global", "nearest"])
def test_singular_cases(frame):
    with np.errstate(all="raise"):
        # one BS: rank-1 AoA and ToF FIMs; the hybrid is full rank unless at endfire
        d = np.array([[120.0]])
        for angle in (0.7, -2.0, 0.0, np.pi):
            t = crlb_traces(*unit_fims(d, [[angle]], frame=frame), 1e12, 1e7)[0]
            assert np.all(np.isinf(t[:2])) and np.isfinite(t[2])
        for angle in (np.pi / 2, -np.pi / 2):
            assert np.all(np.isinf(crlb_traces(*unit_fims(d, [[angle]], frame=frame), 1e12, 1e7)))
        # collinear BSs (bearings equal modulo pi) leave the ToF FIM singular
        collinear = tof_fim([100.0, 200.0, 300.0], [0.3, 0.3 + np.pi, 0.3], frame=frame)
        assert np.isinf(trace_inverse(collinear))
        assert np.isinf(localization.trace_inverse_2x2(0.0, 0.0, 0.0))


def test_hybrid_bound_and_m1_identity():
    d, theta = _drops(np.random.default_rng(8), 2000, 4)
    fa, fr = unit_fims(d, theta)
    for M in (1, 2, 6, 30):
        for model in gains.POWER_MODELS:
            za, zr = gains.gain_constants(M, model)
            t = crlb_traces(fa, fr, za, zr)
            assert np.all(t[:, 2] <= np.minimum(t[:, 0], t[:, 1]) * (1 + 1e-12))
            assert np.all(trace_inverse(hybrid_fim(fa, fr, za, zr)) == t[:, 2])
            if model == "MtP":  # every FIM is M times that of "P" (up to round-off in the determinant)
                fixed = crlb_traces(fa, fr, *gains.gain_constants(M, "P"))
                np.testing.assert_allclose(t, fixed / M, rtol=1e-6)
            if M == 1:  # a single antenna measures no angle: F_A = 0, hybrid = ToF exactly
                assert za == 0.0 and np.all(np.isinf(t[:, 0])) and np.array_equal(t[:, 2], t[:, 1])


def test_scale_invariance_at_fixed_n():
    """N nearest BSs: CRLB_R ~ lambda^-2 and CRLB_A ~ lambda^-3 with the same uniforms."""
    for n_bs in (3, 8):
        d1 = ppp_ordered_distances(np.random.default_rng(9), 10e-6, n_bs, 500)
        d4 = ppp_ordered_distances(np.random.default_rng(9), 40e-6, n_bs, 500)
        theta = np.random.default_rng(1).uniform(-np.pi, np.pi, d1.shape)
        t1 = crlb_traces(*unit_fims(d1, theta), 1e12, 1e7)
        t4 = crlb_traces(*unit_fims(d4, theta), 1e12, 1e7)
        np.testing.assert_allclose(t4[:, 1] / t1[:, 1], 1 / 16, rtol=1e-12)
        np.testing.assert_allclose(t4[:, 0] / t1[:, 0], 1 / 64, rtol=1e-12)


def test_nested_sizes_match_direct_clusters():
    d = np.sort(300.0 * np.random.default_rng(2).random((40, 20)), axis=-1) + 1.0
    theta = np.random.default_rng(3).uniform(-np.pi, np.pi, d.shape)
    sizes = np.array([20, 1, 4, 4, 13])
    fa, fr = unit_fims(d, theta, sizes=sizes)
    assert fa.shape == (40, 5, 3)
    for col, k in enumerate(sizes):
        np.testing.assert_allclose(fa[:, col], aoa_fim(d[:, :k], theta[:, :k]), rtol=1e-12, atol=0)
        np.testing.assert_allclose(fr[:, col], tof_fim(d[:, :k], theta[:, :k]), rtol=1e-12, atol=0)


def test_fim_validation():
    with pytest.raises(ValueError):
        aoa_fim([1.0, -1.0], [0.0, 1.0])
    with pytest.raises(ValueError):
        tof_fim([1.0, 2.0], [0.0, 1.0], beta=0.0)
    with pytest.raises(ValueError):
        aoa_fim([[1.0, 0.0]], [[0.0, 0.0]], mask=[[True, True]])
    with pytest.raises(ValueError):
        aoa_fim([[1.0, 0.0]], [[0.0, 0.0]], mask=[[1, 0]])
    with pytest.raises(ValueError):
        unit_fims([1.0, 2.0], [0.0, 1.0], sizes=[3])
    with pytest.raises(ValueError):
        trace_inverse(np.ones((2, 2)))


# --------------------------------------------------------------------------- gain constants and Fig. 4(b) defaults


def test_calibration_constants_match_the_reference():
    lam = gains.wavelength()
    assert lam == pytest.approx(0.08565, abs=5e-6)
    assert (lam / (4 * np.pi)) ** 2 == pytest.approx(4.645e-5, rel=1e-3)  # gamma_0
    assert gains.radar_constant() == pytest.approx(3.697e-6, rel=1e-3)  # g_0
    assert 10 * np.log10(gains.radar_constant()) == pytest.approx(-54.32, abs=0.005)
    assert gains.DEFAULT_NOISE == pytest.approx(1e-13, rel=1e-12)  # -100 dBm
    assert gains.snr_constant() == pytest.approx(3.697e7, rel=1e-3)  # K_0
    assert 10 * np.log10(gains.snr_constant()) == pytest.approx(75.68, abs=0.005)
    assert gains.rms_bandwidth() == pytest.approx(2.887e6, rel=1e-3)


def test_gain_constants_formulas_and_power_models():
    M = np.arange(1, 51)
    za_p, zr_p = gains.gain_constants(M, "P")
    za_m, zr_m = gains.gain_constants(M, "MtP")
    k0 = gains.snr_constant()
    np.testing.assert_allclose(za_p, 3.0 * np.pi**2 / 6 * M * (M**2 - 1) * M * k0, rtol=1e-14)
    np.testing.assert_allclose(zr_p, 8 * np.pi**2 * (1e7**2 / 12) / gains.SPEED_OF_LIGHT**2 * M * M * k0, rtol=1e-14)
    np.testing.assert_allclose(za_m, M * za_p, rtol=1e-14)
    np.testing.assert_allclose(zr_m, M * zr_p, rtol=1e-14)
    assert za_p[0] == 0.0 and za_m[0] == 0.0
    # |zeta_r|^2 / |zeta_a|^2 = 4 B^2 / (xi c^2 (M^2 - 1)) = 1.483e-3 / (M^2 - 1) m^-2
    np.testing.assert_allclose(zr_p[1:] / za_p[1:] * (M[1:] ** 2 - 1), 1.483e-3, rtol=5e-4)
    # K_0 is a common scale: -100 dBW instead of dBm multiplies both gains by 1000
    za_w, zr_w = gains.gain_constants(7, noise=1e-10)
    za7, zr7 = gains.gain_constants(7)
    assert za7 / za_w == pytest.approx(1000.0, rel=1e-12) and zr7 / zr_w == pytest.approx(1000.0, rel=1e-12)
    assert gains.gain_constants(7, xi=1.0)[0] == pytest.approx(za7 / 3.0, rel=1e-14)


def test_gain_validation():
    with pytest.raises(ValueError):
        gains.gain_constants(4, "M_t P")
    with pytest.raises(ValueError):
        gains.gain_constants(0.5)
    with pytest.raises(ValueError):
        gains.gain_constants(4, xi=-1.0)
    with pytest.raises(ValueError):
        gains.gain_constants(4, bandwidth=0.0)
