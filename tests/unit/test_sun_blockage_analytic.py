"""Analytic kernels of the ISAC-with-blockage model (Sun et al., eqs 4-5, 12-14, 23-41).

Reference values are independent high-precision evaluations of the reconstructed model
(docs/errata.md, sun_blockage) at its parameter set: lam_b = 5e-4 m^-2, 15 m x 15 m buildings,
Pt = 46 dBm, N0 = -174 dBm/Hz, W = 100 MHz, CL = -40 dB, CN = -60 dB, CE = -21 dB,
alphas (2, 4, 4), K = 1, mu = 1, rcs = 1 m^2.
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from scipy import integrate as si
from scipy import special

from isac_core.models.sun_blockage import analytic as an
from isac_core.models.sun_blockage import blockage as bl

BETA, P = (float(v) for v in bl.blockage_parameters(5e-4, 15.0, 15.0))
PT = 10.0 ** ((46.0 - 30.0) / 10.0)
NOISE = 10.0 ** ((-174.0 + 80.0 - 30.0) / 10.0)
C_L, C_N, C_E = 1e-4, 1e-6, 10.0**-2.1
COMM = dict(
    beta=BETA, p=P, pt=PT, noise_power=NOISE, c_los=C_L, c_nlos=C_N, alpha_los=2.0, alpha_nlos=4.0, k_factor=1, mu=1.0
)
SENS = dict(COMM, c_echo=C_E, alpha_echo=4.0, rcs_mean=1.0)
COMM4 = dict(COMM, alpha_los=4.0)
SENS4 = dict(SENS, alpha_los=4.0, alpha_echo=4.0)
NO_BLK = dict(beta=0.0, p=0.0)
DENSITIES = np.logspace(-6.0, -1.0, 201)  # Fig 5-7 density grid (m^-2)
FIG5_T_DB = np.array([-10.0, -5.0, 0.0, 5.0, 10.0])


def db(x):
    return 10.0 ** (np.asarray(x, dtype=float) / 10.0)


def local_maxima(y):
    y = np.asarray(y)
    return [i for i in range(1, y.size - 1) if y[i] > y[i - 1] and y[i] >= y[i + 1]]


def local_minima(y):
    y = np.asarray(y)
    return [i for i in range(1, y.size - 1) if y[i] < y[i - 1] and y[i] <= y[i + 1]]


@pytest.fixture(scope="module")
def fig5():
    T = db(FIG5_T_DB)
    pc = an.comm_coverage(T, DENSITIES[:, None], **COMM)
    ps = an.sensing_coverage(T, DENSITIES[:, None], **SENS)
    return pc, ps


# --------------------------------------------------------------------------- blockage and association


def test_blockage_parameters_and_los_probability():
    assert BETA == pytest.approx(9.5493e-3, rel=1e-4)
    assert P == pytest.approx(0.1125)
    np.testing.assert_allclose(bl.los_probability([50.0, 100.0, 200.0], BETA, P), [0.554, 0.344, 0.132], atol=6e-4)
    assert bl.los_probability(123.0, 0.0, 0.0) == 1.0


def test_q_integral_matches_quadrature_and_limits():
    for r in (1e-6, 0.05, 0.1047, 0.2, 3.0, 100.0, 1e4):
        ref = si.quad(lambda t: t * np.exp(-(BETA * t + P)), 0.0, r, epsabs=0.0, epsrel=1e-13)[0]
        assert bl.q_integral(r, BETA, P) == pytest.approx(ref, rel=1e-12)
    assert bl.q_integral(np.inf, BETA, P) == pytest.approx(np.exp(-P) / BETA**2, rel=1e-14)
    assert bl.q_integral(7.0, 0.0, 0.0) == pytest.approx(24.5)
    assert np.isinf(bl.q_integral(np.inf, 0.0, 0.0))


@pytest.mark.parametrize(
    "lam,beta,p",
    [
        (lam, beta, p)
        for lam, (beta, p) in itertools.product(
            (1e-6, 1e-5, 1e-4, 1e-3, 3e-5), ((0.005, 0.02), (0.01, 0.1), (0.02, 0.3))
        )
    ],
)
def test_defective_density_mass_is_association_probability(lam, beta, p):
    """eq (4)-(5): int f_V = 1 - exp(-2 pi lam e^-p / beta^2) (the missing mass is the hole)."""
    mass = si.quad(lambda r: bl.nearest_visible_pdf(r, lam, beta, p), 0.0, np.inf, limit=400, epsabs=1e-12)[0]
    assert mass == pytest.approx(float(bl.association_probability(lam, beta, p)), abs=1e-8)
    assert bl.hole_probability(lam, beta, p) + bl.association_probability(lam, beta, p) == pytest.approx(1.0)


def test_hole_probability_reference_values():
    assert bl.hole_probability(3e-5, BETA, P) == pytest.approx(0.15769, abs=1e-5)
    np.testing.assert_allclose(
        bl.hole_probability(np.array([1e-5, 2e-5, 5e-5, 1e-4, 1e-3]), BETA, P),
        [0.5403, 0.2919, 0.0460, 0.0021, 0.0],
        atol=5e-5,
    )
    assert bl.hole_probability(1e-4, BETA, P) < 0.005  # claim C2
    assert bl.hole_probability(1e-4, 0.0, 0.0) == 0.0


def test_nearest_visible_pdf_no_blockage_is_rayleigh():
    r = np.linspace(0.0, 400.0, 9)
    lam = 2e-5
    np.testing.assert_allclose(
        bl.nearest_visible_pdf(r, lam, 0.0, 0.0), 2 * np.pi * lam * r * np.exp(-np.pi * lam * r**2), rtol=1e-14
    )
    # beta, p -> 0 continuously
    np.testing.assert_allclose(
        bl.nearest_visible_pdf(r, lam, 1e-13, 1e-13), bl.nearest_visible_pdf(r, lam, 0.0, 0.0), rtol=1e-8
    )


def test_blockage_input_validation():
    with pytest.raises(ValueError):
        bl.los_probability(-1.0, BETA, P)
    with pytest.raises(ValueError):
        bl.los_probability(1.0, -BETA, P)
    with pytest.raises(ValueError):
        bl.hole_probability(0.0, BETA, P)
    with pytest.raises(ValueError):
        bl.blockage_parameters(-1.0, 15.0, 15.0)
    for bad in (2, 1.5, "one", None):
        with pytest.raises(ValueError):
            bl.rician_series(bad)


# --------------------------------------------------------------------------- Rician series (Table II)


@pytest.mark.parametrize(
    "K,sum_a,sum_ab,max_err", [(1, 0.9999, 0.9997, 2e-4), (5, 0.9940, 0.9997, 6e-3), (10, 1.0, 1.0079, 1.3e-2)]
)
def test_rician_series_is_a_ccdf_fit(K, sum_a, sum_ab, max_err):
    a, b = bl.rician_series(K)
    assert a.sum() == pytest.approx(sum_a, abs=1e-4)
    assert (a / b).sum() == pytest.approx(sum_ab, abs=1e-4)
    x = np.linspace(0.0, 6.0, 601)
    err = np.abs(bl.rician_ccdf_series(x, K) - bl.rician_ccdf_exact(x, K)).max()
    assert err < max_err * 1.1
    assert err > max_err * 0.5


def test_rician_exact_ccdf_against_pdf_eq12():
    K = 1.0

    def pdf(x):  # eq (12), exponentially scaled Bessel function for stability
        y = 2.0 * np.sqrt(K * (K + 1.0) * x)
        return (K + 1.0) * np.exp(-K - (K + 1.0) * x + y) * special.i0e(y)

    for x in (0.1, 0.7, 2.0, 5.0):
        ref = si.quad(pdf, x, np.inf)[0]
        assert bl.rician_ccdf_exact(x, K) == pytest.approx(ref, rel=1e-9)
    assert bl.rician_ccdf_exact(0.0, 3.0) == pytest.approx(1.0)
    np.testing.assert_allclose(bl.rician_ccdf_exact([0.5, 2.0], 0.0), np.exp(-np.array([0.5, 2.0])))


def test_rician_series_mgf_reference_values():
    a, b = bl.rician_series(1)
    K = 1.0
    for v, series_ref, exact_ref in ((1.0, 0.47769, 0.47769), (10.0, 0.07247, 0.07243)):
        series = np.sum(a * b / (b + v))
        exact = (K + 1) / (K + 1 + v) * np.exp(-K * v / (K + 1 + v))
        assert series == pytest.approx(series_ref, abs=1e-5)
        assert exact == pytest.approx(exact_ref, abs=1e-5)


# --------------------------------------------------------------------------- key function Phi (eq 25-28)


def _phi_quad(a, c, alpha, beta):
    f = lambda x: np.exp(-beta * x) * x / (1.0 + x**alpha / c)  # noqa: E731
    brk = c ** (1.0 / alpha)
    pts = sorted({a, max(a, brk), max(a, 10 * brk)})
    val = sum(si.quad(f, lo, hi, epsabs=0.0, epsrel=1e-12, limit=400)[0] for lo, hi in itertools.pairwise(pts))
    return val + si.quad(f, pts[-1], np.inf, epsabs=0.0, epsrel=1e-12, limit=400)[0]


@pytest.mark.parametrize("alpha", [2.5, 3.0, 4.0, 6.0])
def test_hyp2f1_euler_integral_eq27(alpha):
    z = np.logspace(-3, 4, 15)
    ref = special.hyp2f1(1.0, 1.0 - 2.0 / alpha, 2.0 - 2.0 / alpha, -z)
    np.testing.assert_allclose(an.hyp2f1_euler(z, alpha), ref, rtol=1.2e-9)


@pytest.mark.parametrize("alpha", [3.0, 4.0, 5.0])
def test_phi_without_blockage_closed_forms(alpha):
    a = np.array([0.5, 1.0, 3.0, 20.0])
    c = np.array([1e-3, 2.0, 50.0, 1e5])
    closed = an.phi(a[:, None], c[None, :], alpha)
    np.testing.assert_allclose(closed, an.phi_hyp2f1(a[:, None], c[None, :], alpha), rtol=1e-10)
    for i, j in itertools.product(range(a.size), range(c.size)):
        assert closed[i, j] == pytest.approx(_phi_quad(a[i], c[j], alpha, 0.0), rel=1e-9)
    if alpha == 4.0:
        np.testing.assert_allclose(closed, an.phi_arctan(a[:, None], c[None, :]), rtol=1e-13)
    # a = 0: c^(2/alpha) (pi/alpha)/sin(2 pi/alpha)
    np.testing.assert_allclose(
        an.phi(0.0, c, alpha), c ** (2 / alpha) * (np.pi / alpha) / np.sin(2 * np.pi / alpha), rtol=1e-10
    )
    # rho(z) = Phi(1, z; alpha, 0) = z/(alpha-2) 2F1(...)
    np.testing.assert_allclose(an.rho(c, alpha), an.phi_hyp2f1(1.0, c, alpha), rtol=1e-10)


def test_phi_alpha4_arctan_and_rho4():
    z = np.logspace(-4, 4, 9)
    np.testing.assert_allclose(an.rho(z, 4.0), 0.5 * np.sqrt(z) * np.arctan(np.sqrt(z)), rtol=1e-13)
    np.testing.assert_allclose(an.phi_arctan(0.0, z), np.pi / 4 * np.sqrt(z), rtol=1e-14)


@pytest.mark.parametrize("alpha", [1.5, 2.0, 3.0, 4.0])
def test_phi_with_blockage_against_adaptive_quadrature(alpha):
    a = np.array([0.0, 0.01, 1.0, 30.0, 400.0, 0.0, 5.0])
    c = np.array([3.0, 1e-2, 2e3, 1e4, 1e6, 1e9, 1e-6])
    beta = np.array([BETA, BETA, 1e-3, BETA, 0.05, 1e-4, BETA])
    got = an.phi(a, c, alpha, beta)
    ref = [_phi_quad(*args, alpha=alpha, beta=bb) for *args, bb in zip(a, c, beta, strict=True)]
    np.testing.assert_allclose(got, ref, rtol=1e-8)


def test_phi_input_validation():
    with pytest.raises(ValueError, match="infinite"):
        an.phi(1.0, 1.0, 2.0, 0.0)
    with pytest.raises(ValueError):
        an.phi(-1.0, 1.0, 4.0)
    with pytest.raises(ValueError):
        an.phi(1.0, 1.0, 4.0, -0.1)
    with pytest.raises(ValueError):
        an.rho(1.0, 2.0)
    with pytest.raises(ValueError):
        an.phi_hyp2f1(0.0, 1.0, 4.0)
    assert an.phi(2.0, 0.0, 4.0, BETA) == 0.0


# --------------------------------------------------------------------------- Theorems 1-2: reference values


def test_theorem1_theorem2_reference_values_8_digits():
    """Theorems 1 and 2: the fixed-node engine equals nested adaptive quadrature to 8 decimals."""
    assert an.comm_coverage(db(-10), 3e-5, **COMM) == pytest.approx(0.82321767, abs=1e-8)
    assert an.sensing_coverage(db(-10), 3e-5, **SENS) == pytest.approx(0.44982485, abs=1e-8)


def test_fig2_anchors():
    T = db([-30.0, -10.0, 0.0, 10.0, 30.0])
    rcs = db([-10.0, 0.0, 10.0, 20.0])
    np.testing.assert_allclose(an.comm_coverage(T, 3e-5, **COMM), [0.8420, 0.8232, 0.6943, 0.4424, 0.2869], atol=1e-4)
    ref = [
        [0.6354, 0.7856, 0.8343, 0.8412],
        [0.3386, 0.4498, 0.6182, 0.7633],
        [0.2171, 0.2903, 0.3850, 0.5222],
        [0.0899, 0.1477, 0.2027, 0.2623],
        [0.0092, 0.0236, 0.0553, 0.1005],
    ]
    np.testing.assert_allclose(an.sensing_coverage(T[:, None], 3e-5, **dict(SENS, rcs_mean=rcs)), ref, atol=1e-4)


def test_fig3_fig4_anchors():
    lam = np.array([1e-5, 2e-5, 5e-5, 1e-4, 1e-3])[:, None]
    T = db([-20.0, -10.0, 0.0, 10.0, 20.0])
    pc_ref = [
        [0.4594, 0.4563, 0.4321, 0.3755, 0.3424],
        [0.7070, 0.6974, 0.6236, 0.4659, 0.3829],
        [0.9503, 0.9187, 0.6916, 0.3182, 0.1750],
        [0.9912, 0.9330, 0.5608, 0.1336, 0.0301],
        [0.9812, 0.8234, 0.2560, 0.0295, 0.0030],
    ]
    ps_ref = [
        [0.4127, 0.3696, 0.3198, 0.2429, 0.1547],
        [0.5774, 0.4606, 0.3457, 0.2152, 0.1128],
        [0.6438, 0.3719, 0.1782, 0.0622, 0.0180],
        [0.6340, 0.2930, 0.0968, 0.0241, 0.0050],
        [0.8240, 0.4336, 0.1227, 0.0218, 0.0028],
    ]
    np.testing.assert_allclose(an.comm_coverage(T, lam, **COMM), pc_ref, atol=1e-4)
    np.testing.assert_allclose(an.sensing_coverage(T, lam, **SENS), ps_ref, atol=1e-4)


def test_fig6_fig7_anchors():
    lam = np.array([1e-6, 1e-5, 1e-4, 1e-2, 1e-1])[:, None]
    Tc, Ts = db([-10.0, 0.0, 10.0]), db([10.0, 20.0, 30.0])
    blk_c = [
        [0.0554, 0.0440, 0.0270],
        [0.4214, 0.3297, 0.1932],
        [0.9350, 0.6913, 0.3157],
        [0.9283, 0.5858, 0.2092],
        [0.9251, 0.5736, 0.2017],
    ]
    nb_c = [
        [0.5375, 0.2132, 0.0691],
        [0.9149, 0.5424, 0.1876],
        [0.9280, 0.5731, 0.2003],
        [0.9281, 0.5734, 0.2005],
        [0.9281, 0.5734, 0.2005],
    ]
    blk_s = [
        [0.0541, 0.0416, 0.0248],
        [0.4110, 0.3102, 0.1762],
        [0.9109, 0.6333, 0.2806],
        [0.8934, 0.5212, 0.1827],
        [0.8888, 0.5093, 0.1760],
    ]
    nb_s = [
        [0.4845, 0.1866, 0.0603],
        [0.8746, 0.4803, 0.1636],
        [0.8915, 0.5085, 0.1747],
        [0.8917, 0.5088, 0.1749],
        [0.8917, 0.5088, 0.1749],
    ]
    np.testing.assert_allclose(an.comm_coverage(Tc, lam, **COMM4), blk_c, atol=1e-4)
    np.testing.assert_allclose(an.special_case_1(Tc, lam, pt=PT, noise_power=NOISE, c_los=C_L), nb_c, atol=1e-4)
    np.testing.assert_allclose(an.sensing_coverage(Ts, lam, **SENS4, trc=False), blk_s, atol=1e-4)
    sc4 = an.special_case_4(Ts, lam, pt=PT, noise_power=NOISE, c_los=C_L, c_echo=C_E, rcs_mean=1.0)
    np.testing.assert_allclose(sc4, nb_s, atol=1e-4)
    np.testing.assert_allclose(an.special_case_3(Tc), [0.9281, 0.5734, 0.2005], atol=1e-4)
    np.testing.assert_allclose(
        an.special_case_6(Ts, c_los=C_L, c_echo=C_E, rcs_mean=1.0), [0.8917, 0.5088, 0.1749], atol=1e-4
    )
    # TRC on with alpha_E = 4 collapses at high density
    np.testing.assert_allclose(an.sensing_coverage(Ts, 0.1, **SENS4), [0.0117, 0.0012, 0.0001], atol=1e-4)


def test_theorems_against_independent_outer_quadrature():
    """Outer integral by adaptive quadrature with Phi from :func:`phi` (itself checked against quad)."""
    a, b = bl.rician_series(1)
    lam, T = 3e-5, db(-10.0)
    e_p = np.exp(-P)

    def comm_integrand(r):
        z = b[:, None] * T / b[None, :]  # [k, j]
        los = (a[None, :] * an.phi(r, z * r**2, 2.0, BETA)).sum(axis=1)
        c = b * T * C_N * r**2 / C_L
        nl = an.phi(0.0, c, 4.0, 0.0) - e_p * an.phi(0.0, c, 4.0, BETA)
        expo = b * T * r**2 * NOISE / (PT * C_L) + 2 * np.pi * lam * (e_p * los + nl)
        return bl.nearest_visible_pdf(r, lam, BETA, P) * np.sum(a * np.exp(-expo))

    def sens_integrand(d):
        w = T * C_L * d**4 / (b * C_E)
        c = T * C_N * d**4 / C_E
        expo = (
            T * d**4 * NOISE / (PT * C_E)
            + 2 * np.pi * lam * e_p * np.sum(a * an.phi(d, w, 2.0, BETA))
            + 2 * np.pi * lam * (an.phi(0.0, c, 4.0, 0.0) - e_p * an.phi(0.0, c, 4.0, BETA))
            + 2 * np.pi * lam * e_p * an.phi(d, T * d**2, 2.0, BETA)
        )
        return bl.nearest_visible_pdf(d, lam, BETA, P) * np.exp(-expo)

    edges = [0.0, 30.0, 100.0, 300.0, 1000.0, 3000.0, 9000.0]
    for fn, thm in (
        (comm_integrand, an.comm_coverage(T, lam, **COMM)),
        (sens_integrand, an.sensing_coverage(T, lam, **SENS)),
    ):
        ref = sum(si.quad(fn, lo, hi, epsabs=1e-12, epsrel=1e-10, limit=200)[0] for lo, hi in itertools.pairwise(edges))
        assert thm == pytest.approx(ref, abs=1e-9)


_RULES = ("_t_rule", "_y_rule", "_u_rule", "_v_rule")


@pytest.fixture
def clear_rule_caches():
    yield
    for name in _RULES:
        getattr(an, name).cache_clear()


def test_quadrature_is_converged(monkeypatch, clear_rule_caches):
    """Doubling the node density of every fixed rule changes the results by < 1e-9 (5e-8 for K = 10)."""
    lam = np.array([1e-5, 1e-3])[:, None]
    T = db([-20.0, 0.0, 20.0])

    def evaluate():
        return (
            an.comm_coverage(T, lam, **COMM),
            an.sensing_coverage(T, lam, **SENS),
            an.comm_coverage(T, lam, **dict(COMM4, k_factor=10)),
            an.sensing_coverage_exact(db(-10.0), 3e-5, **SENS),
        )

    default = evaluate()
    refined = dict(
        _OUTER_PER_DECADE=8,
        _OUTER_NODES=14,
        _T_PER_DECADE=4,
        _T_NODES=14,
        _Y_PER_DECADE=4,
        _Y_NODES=14,
        _X_PER_DECADE=4,
        _X_NODES=12,
        _PHI_NODES=32,
    )
    for name, value in refined.items():
        monkeypatch.setattr(an, name, value)
    for name in _RULES:
        getattr(an, name).cache_clear()
    for fine, coarse, tol in zip(evaluate(), default, (1e-9, 1e-9, 5e-8, 2e-8), strict=True):
        np.testing.assert_allclose(fine, coarse, rtol=0.0, atol=tol)


def test_results_do_not_depend_on_the_batch():
    T = db([-25.0, -3.0, 12.0])
    lam = np.array([1.3e-5, 4e-4])
    batch_c = an.comm_coverage(T[None, :], lam[:, None], **COMM)
    batch_s = an.sensing_coverage(T[None, :], lam[:, None], **dict(SENS, rcs_mean=np.array([0.5, 1.0, 7.0])))
    for i, j in itertools.product(range(lam.size), range(T.size)):
        assert an.comm_coverage(T[j], lam[i], **COMM) == batch_c[i, j]
        single = an.sensing_coverage(T[j], lam[i], **dict(SENS, rcs_mean=[0.5, 1.0, 7.0][j]))
        assert single == batch_s[i, j]
    assert batch_c.shape == (2, 3) and np.ndim(an.comm_coverage(1.0, 1e-4, **COMM)) == 0


def test_theorem_input_validation():
    with pytest.raises(ValueError, match="alpha_los"):
        an.comm_coverage(1.0, 1e-4, **dict(COMM, **NO_BLK))  # alpha_L = 2 without blockage: infinite
    with pytest.raises(ValueError, match="alpha_echo"):
        an.sensing_coverage(1.0, 1e-4, **dict(SENS4, **NO_BLK))  # TRC with alpha_E = 4, beta = 0
    with pytest.raises(ValueError, match="alpha_nlos"):
        an.comm_coverage(1.0, 1e-4, **dict(COMM, alpha_nlos=2.0))
    with pytest.raises(ValueError, match="lam"):
        an.comm_coverage(1.0, 0.0, **COMM)
    with pytest.raises(ValueError, match="T"):
        an.comm_coverage(-1.0, 1e-4, **COMM)
    with pytest.raises(ValueError, match="pt"):
        an.comm_coverage(1.0, 1e-4, **dict(COMM, pt=0.0))
    with pytest.raises(ValueError, match="rcs_mean"):
        an.sensing_coverage(1.0, 1e-4, **dict(SENS, rcs_mean=0.0))
    with pytest.raises(ValueError, match="K must be"):
        an.comm_coverage(1.0, 1e-4, **dict(COMM, k_factor=3))
    with pytest.raises(ValueError, match="beta"):
        an.sensing_coverage_exact(1.0, 1e-4, **dict(SENS, beta=np.nan))


# --------------------------------------------------------------------------- identities (no blockage, Corollaries 1-2)


def test_identity1_small_threshold_limit_is_association_probability():
    assoc = float(bl.association_probability(3e-5, BETA, P))
    a, _ = bl.rician_series(1)
    assert assoc == pytest.approx(0.8423, abs=1e-4)
    assert an.comm_coverage(1e-9, 3e-5, **COMM) == pytest.approx(a.sum() * assoc, abs=2e-5)
    assert an.sensing_coverage(1e-12, 3e-5, **SENS) == pytest.approx(assoc, abs=2e-5)
    assert an.sensing_coverage_exact(1e-12, 3e-5, **SENS) == pytest.approx(assoc, abs=2e-5)
    assert an.comm_coverage(0.0, 3e-5, **COMM) == pytest.approx(a.sum() * assoc, rel=1e-10)
    # claim C1 on the Fig 2 curves: plateau at the association probability
    assert an.comm_coverage(db(-60), 3e-5, **COMM) == pytest.approx(assoc, abs=2e-4)
    rcs = db([-10.0, 0.0, 10.0, 20.0])
    np.testing.assert_allclose(an.sensing_coverage(db(-80), 3e-5, **dict(SENS, rcs_mean=rcs)), assoc, atol=2e-4)


@pytest.mark.parametrize("K", [1, 5, 10])
def test_identity2_no_blockage_theorem1_reduces_to_corollary1_and_special_cases(K):
    T = db([-10.0, 0.0, 10.0])
    for alpha in (3.0, 4.0):
        prm = dict(COMM, **NO_BLK, alpha_los=alpha, k_factor=K)
        thm = an.comm_coverage(T, 1e-4, **prm)
        cor = an.comm_coverage_no_blockage(T, 1e-4, pt=PT, noise_power=NOISE, c_los=C_L, alpha_los=alpha, k_factor=K)
        np.testing.assert_allclose(thm, cor, atol=1e-8)
        thm0 = an.comm_coverage(T, np.array([[1e-6], [1e-2]]), **dict(prm, noise_power=0.0))
        np.testing.assert_allclose(
            thm0, np.broadcast_to(an.special_case_2(T, alpha_los=alpha, k_factor=K), (2, 3)), atol=1e-12
        )
        if alpha == 4.0:
            sc1 = an.special_case_1(T, 1e-4, pt=PT, noise_power=NOISE, c_los=C_L, k_factor=K)
            np.testing.assert_allclose(cor, sc1, atol=1e-8)
            np.testing.assert_allclose(
                an.special_case_3(T, k_factor=K), an.special_case_2(T, alpha_los=4.0, k_factor=K), rtol=1e-10
            )


@pytest.mark.parametrize("K", [1, 5, 10])
def test_identity2_no_blockage_theorem2_reduces_to_corollary2_and_special_cases(K):
    T = db([0.0, 10.0, 20.0, 30.0])
    for alpha in (3.0, 4.0):
        prm = dict(SENS, **NO_BLK, alpha_los=alpha, alpha_echo=alpha, k_factor=K)
        thm = an.sensing_coverage(T, 1e-4, **prm, trc=False)
        cor = an.sensing_coverage_no_blockage(
            T,
            1e-4,
            pt=PT,
            noise_power=NOISE,
            c_los=C_L,
            c_echo=C_E,
            alpha_los=alpha,
            alpha_echo=alpha,
            rcs_mean=1.0,
            k_factor=K,
            trc=False,
        )
        np.testing.assert_allclose(thm, cor, atol=1e-8)
        sc5 = an.special_case_5(T, alpha=alpha, c_los=C_L, c_echo=C_E, rcs_mean=1.0, k_factor=K)
        thm0 = an.sensing_coverage(T, np.array([[1e-6], [1e-2]]), **dict(prm, noise_power=0.0), trc=False)
        np.testing.assert_allclose(thm0, np.broadcast_to(sc5, (2, 4)), atol=1e-12)
        if alpha == 4.0:
            sc4 = an.special_case_4(T, 1e-4, pt=PT, noise_power=NOISE, c_los=C_L, c_echo=C_E, rcs_mean=1.0, k_factor=K)
            np.testing.assert_allclose(cor, sc4, atol=1e-8)
            sc6 = an.special_case_6(T, c_los=C_L, c_echo=C_E, rcs_mean=1.0, k_factor=K)
            np.testing.assert_allclose(sc6, sc5, rtol=1e-10)


def test_special_case_reference_values():
    """Special Cases 1-6 at K = 1, lam = 1e-4: independent reference values."""
    assert an.special_case_1(1.0, 1e-4, pt=PT, noise_power=NOISE, c_los=C_L) == pytest.approx(0.573068, abs=1e-6)
    assert an.special_case_3(1.0) == pytest.approx(0.573431, abs=1e-6)
    assert an.special_case_2(1.0, alpha_los=3.0) == pytest.approx(0.382693, abs=1e-6)
    sc = dict(c_los=C_L, c_echo=C_E, rcs_mean=1.0)
    assert an.special_case_4(100.0, 1e-4, pt=PT, noise_power=NOISE, **sc) == pytest.approx(0.508493, abs=1e-6)
    assert an.special_case_6(100.0, **sc) == pytest.approx(0.508829, abs=1e-6)
    assert an.special_case_5(100.0, alpha=3.0, **sc) == pytest.approx(0.325990, abs=1e-6)
    # SC1 at lam = 1e-5, SC4 at T = 20 dB (the values the Monte Carlo tests compare with)
    assert an.special_case_1(1.0, 1e-5, pt=PT, noise_power=NOISE, c_los=C_L) == pytest.approx(0.5424, abs=1e-4)
    # noise-free limits of SC1 / SC4 are SC3 / SC6
    assert an.special_case_1(3.0, 1e-4, pt=PT, noise_power=0.0, c_los=C_L) == pytest.approx(
        float(an.special_case_3(3.0)), rel=1e-14
    )
    assert an.special_case_4(3.0, 1e-4, pt=PT, noise_power=0.0, **sc) == pytest.approx(
        float(an.special_case_6(3.0, **sc)), rel=1e-14
    )


def test_corollary2_with_trc():
    """alpha_L = alpha_N = 4, alpha_E = 5, TRC on, lam = 1e-4 (Corollary 2); zero for alpha_E <= 4."""
    T = db([-10.0, 0.0, 10.0, 20.0])
    kw = dict(pt=PT, noise_power=NOISE, c_los=C_L, c_echo=C_E, alpha_los=4.0, rcs_mean=1.0)
    cor = an.sensing_coverage_no_blockage(T, 1e-4, alpha_echo=5.0, **kw)
    np.testing.assert_allclose(cor, [0.68070, 0.20298, 0.03539, 0.00576], atol=5e-6)
    thm = an.sensing_coverage(T, 1e-4, **dict(SENS4, **NO_BLK, alpha_echo=5.0))
    np.testing.assert_allclose(thm, cor, atol=1e-8)
    np.testing.assert_array_equal(an.sensing_coverage_no_blockage(T, 1e-4, alpha_echo=4.0, **kw), 0.0)


def test_identity3_rcs_shift_without_trc():
    """Without TRC, P_s depends on (T, rcs) only through T/rcs: +x dB of RCS = +x dB of threshold (claim C12)."""
    T = db(np.arange(-30.0, 31.0, 5.0))
    base = an.sensing_coverage(T, 3e-5, **SENS, trc=False)
    for shift in (10.0, 20.0):
        moved = an.sensing_coverage(T * db(shift), 3e-5, **dict(SENS, rcs_mean=db(shift)), trc=False)
        np.testing.assert_allclose(moved, base, rtol=1e-12)


def test_identity4_coverage_decreases_with_threshold():
    T = db(np.arange(-40.0, 41.0, 1.0))
    lam = np.array([1e-6, 3e-5, 1e-3, 1e-1])[:, None]
    for P_ in (
        an.comm_coverage(T, lam, **COMM),
        an.sensing_coverage(T, lam, **SENS),
        an.sensing_coverage(T, lam, **SENS4, trc=False),
        an.comm_coverage(T, lam, **COMM4),
    ):
        assert np.all(np.diff(P_, axis=-1) <= 1e-12)
        assert np.all((P_ >= 0.0) & (P_ <= 1.0))


# --------------------------------------------------------------------------- Theorem 2'


def test_theorem2_exact_reference_values():
    """Theorem 2 exceeds the exact single-network value by up to ~0.19 (docs/errata.md, sun_blockage)."""
    T = db([-20.0, -10.0, 0.0, 10.0])
    exact = an.sensing_coverage_exact(T, 3e-5, **SENS)
    paper = an.sensing_coverage(T, 3e-5, **SENS)
    assert exact[0] == pytest.approx(0.4429, abs=1e-4)
    assert paper[0] == pytest.approx(0.6337, abs=1e-4)
    assert np.all(exact < paper)
    # alpha = 4 set without TRC, lam = 1e-4, T = 10 dB: MC-S2 0.6730 (2e4 drops) vs Theorem 2 0.9109
    ex4 = an.sensing_coverage_exact(db(10.0), 1e-4, **SENS4, trc=False)
    assert ex4 == pytest.approx(0.6730, abs=0.01)
    assert an.sensing_coverage(db(10.0), 1e-4, **SENS4, trc=False) == pytest.approx(0.9109, abs=1e-4)


# --------------------------------------------------------------------------- qualitative claims (docs/errata.md)


def test_claim_c2_high_density_low_threshold():
    assert an.comm_coverage(db(-30), 1e-3, **COMM) > 0.98
    assert an.sensing_coverage(db(-30), 1e-3, **SENS) > 0.95


def test_claim_c3_curves_cross():
    lam = np.array([1e-5, 2e-5, 5e-5, 1e-4, 1e-3])[:, None]
    T = db(np.arange(-30.0, 31.0))

    def crossing_pairs(M):
        return sum(
            (M[i] - M[j]).max() > 1e-4 and (M[i] - M[j]).min() < -1e-4 for i, j in itertools.combinations(range(5), 2)
        )

    assert crossing_pairs(an.comm_coverage(T, lam, **COMM)) == 9
    assert crossing_pairs(an.sensing_coverage(T, lam, **SENS)) == 10


def test_fig5_anchors(fig5):
    pc, ps = fig5
    comm_opt = [(7.5e-5, 0.9382), (5.6e-5, 0.8501), (3.8e-5, 0.7068), (2.7e-5, 0.5630), (2.1e-5, 0.4669)]
    first = [(2.24e-5, 0.4634), (1.88e-5, 0.4061), (1.68e-5, 0.3524), (1.41e-5, 0.2985), (1.19e-5, 0.2471)]
    dip = [(1.12e-4, 0.2913), (1.26e-4, 0.1715), (1.33e-4, 0.0928), (1.41e-4, 0.0470), (2.11e-4, 0.0223)]
    second = [(2.66e-2, 0.5937), (1.33e-2, 0.3220), (5.31e-3, 0.1384), (1.78e-3, 0.0548), (3.55e-4, 0.0224)]
    at_max = [(0.6169, 0.5760), (0.3065, 0.2923), (0.1117, 0.1105), (0.0363, 0.0365), (0.0115, 0.0117)]
    for i in range(FIG5_T_DB.size):
        (ic,) = local_maxima(pc[:, i])  # claim C4: exactly one comm optimum
        i1, i2 = local_maxima(ps[:, i])  # claim C5: exactly two sensing peaks
        (idip,) = local_minima(ps[:, i])
        for idx, curve, (lam_ref, val_ref) in (
            (ic, pc, comm_opt[i]),
            (i1, ps, first[i]),
            (idip, ps, dip[i]),
            (i2, ps, second[i]),
        ):
            assert DENSITIES[idx] == pytest.approx(lam_ref, rel=0.02)
            assert curve[idx, i] == pytest.approx(val_ref, abs=1e-4)
        np.testing.assert_allclose([pc[-1, i], ps[-1, i]], at_max[i], atol=1e-4)


def test_claims_c4_to_c7_density_optima(fig5):
    pc, ps = fig5
    comm_peak, first_peak = [], []
    for i in range(FIG5_T_DB.size):
        assert len(local_maxima(pc[:, i])) == 1  # C4
        peaks = local_maxima(ps[:, i])
        assert len(peaks) == 2  # C5
        comm_peak.append(DENSITIES[local_maxima(pc[:, i])[0]])
        first_peak.append(DENSITIES[peaks[0]])
    comm_peak, first_peak = np.array(comm_peak), np.array(first_peak)
    ratio = first_peak / comm_peak
    assert np.all(ratio < 1.0) and np.all(ratio > 0.1)  # C6: before, and within 10x, of the comm peak
    np.testing.assert_allclose([ratio.min(), ratio.max()], [0.30, 0.57], atol=0.01)
    assert np.all(np.diff(comm_peak) < 0)  # C7: optimum density falls with the threshold
    assert np.all(np.diff(first_peak) < 0)
    # C14 reading: the comm optima scale with beta^2 (0.23-0.82 beta^2), not with lam_b = 5e-4
    np.testing.assert_allclose([comm_peak.min() / BETA**2, comm_peak.max() / BETA**2], [0.23, 0.82], atol=0.01)
    assert comm_peak.max() < 5e-4 / 5


def test_claim_c16_slight_decrease_after_second_peak(fig5):
    _, ps = fig5
    col = ps[:, 0]  # T = -10 dB
    second = col[local_maxima(col)[1]]
    assert 0.0 < second - col[-1] < 0.05
    assert second - col[-1] == pytest.approx(0.5937 - 0.5760, abs=2e-4)


def test_claims_c8_c9_blockage_vs_no_blockage():
    """Blockage helps above a crossover density only (C8, partial); converges to no blockage (C9)."""
    sc4 = dict(pt=PT, noise_power=NOISE, c_los=C_L, c_echo=C_E, rcs_mean=1.0)
    gains = []
    for Tdb in (-10.0, 0.0, 10.0):
        blk = an.comm_coverage(db(Tdb), DENSITIES, **COMM4)
        nb = an.special_case_1(db(Tdb), DENSITIES, pt=PT, noise_power=NOISE, c_los=C_L)
        gains.append((blk - nb).max())
        assert blk[0] < nb[0] - 0.02  # hole dominates at lam = 1e-6
        assert abs(blk[-1] - nb[-1]) <= 0.01
    np.testing.assert_allclose(gains, [0.014, 0.118, 0.136], atol=1.5e-3)
    gains = []
    for Tdb in (10.0, 20.0, 30.0):
        blk = an.sensing_coverage(db(Tdb), DENSITIES, **SENS4, trc=False)
        nb = an.special_case_4(db(Tdb), DENSITIES, **sc4)
        gains.append((blk - nb).max())
        assert blk[0] < nb[0] - 0.02
        assert abs(blk[-1] - nb[-1]) <= 0.01
    np.testing.assert_allclose(gains, [0.025, 0.127, 0.127], atol=1.5e-3)


def test_claims_c10_c13_density_independence_without_blockage():
    T = db([-10.0, 0.0, 10.0])
    lam = np.logspace(-6, -1, 11)[:, None]
    # no noise: exact density independence of the general theorems at beta = p = 0
    pc = an.comm_coverage(T, lam, **dict(COMM4, **NO_BLK, noise_power=0.0))
    np.testing.assert_allclose(pc, np.broadcast_to(pc[0], pc.shape), atol=1e-12)
    ps = an.sensing_coverage(T, lam, **dict(SENS4, **NO_BLK, noise_power=0.0), trc=False)
    np.testing.assert_allclose(ps, np.broadcast_to(ps[0], ps.shape), atol=1e-12)
    # with noise (SC1): range over lam in [1e-4, 1e-1] below 0.002, but 0.031 from 1e-5 at T = 0 dB
    sc1 = lambda lam_: an.special_case_1(1.0, lam_, pt=PT, noise_power=NOISE, c_los=C_L)  # noqa: E731
    assert np.ptp(sc1(DENSITIES[DENSITIES >= 1e-4 * (1 - 1e-9)])) < 0.0004
    assert np.ptp(sc1(DENSITIES[DENSITIES >= 1e-5 * (1 - 1e-9)])) == pytest.approx(0.031, abs=1e-3)


def test_claim_c11_sensing_below_comm():
    T = db(np.arange(-40.0, 31.0))
    rcs = db([-10.0, 0.0, 10.0, 20.0])
    pc = an.comm_coverage(T, 3e-5, **COMM)
    ps = an.sensing_coverage(T[:, None], 3e-5, **dict(SENS, rcs_mean=rcs))
    assert (ps - pc[:, None]).max() <= 1e-3


def test_claim_c12_rcs_gain_capped_by_trc():
    """With TRC the threshold shift per 10 dB of RCS is below 10 dB (9.95/9.57/7.62 dB at level 0.7)."""
    rcs = db([-10.0, 0.0, 10.0, 20.0])
    level = 0.7
    lo, hi = np.full(4, -60.0), np.full(4, 30.0)  # P_s(lo) > level > P_s(hi), bisection in dB
    for _ in range(40):
        mid = 0.5 * (lo + hi)
        above = an.sensing_coverage(db(mid), 3e-5, **dict(SENS, rcs_mean=rcs)) > level
        lo, hi = np.where(above, mid, lo), np.where(above, hi, mid)
    np.testing.assert_allclose(np.diff(0.5 * (lo + hi)), [9.95, 9.57, 7.62], atol=0.01)
