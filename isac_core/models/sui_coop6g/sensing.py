"""Sensing kernels of Sui et al.: radar information rate of cooperative sensing.

Model (paper eqs. (6)-(7)). Base stations form a PPP of density ``lambda``; the
``N`` BSs nearest to a target at the origin illuminate it and BS 1 (the nearest,
at ``d_1``, ``r_1 = |d_1|``) receives the echo. Every BS ``q > N`` interferes at
BS 1 (the line-of-sight leakage from BSs ``2..N`` is cancelled):

    SIR_s = sigma^2 M_r r_1^-beta sum_{i<=N} p^s f_i r_i^-beta
            / sum_{q>N} p^t f_q |d_1 - d_q|^-beta,      R_s = E[ln(1 + SIR_s)],

with echo gains ``f_i ~ Gamma(M_t - 1, 1)`` and interference gains ``f_q ~ Exp(1)``.
Rates are in nats: Hamdi's lemma (eq. (12)) gives the natural logarithm.

Normalised form. With ``u_k = pi lambda r_k^2`` (a unit-rate Poisson process on
the half line) ``SIR_s = X / Y`` with ``X = rho sum_{i<=N} f_i u_i^(-beta/2)`` and
``Y = sum_{q>N} f_q (r_1 / |d_1 - d_q|)^beta``, where
``rho = sigma^2 M_r p^s (pi lambda)^(beta/2) / p^t`` (:func:`sensing_snr_constant`).
The ratio ``r_1 / |d_1 - d_q|`` is scale free, so ``R_s`` depends on
``(sigma^2, M_r, p^s, p^t, lambda)`` only through ``rho``.

Analytic results (all corrections are listed in ``docs/errata.md``):

* :func:`echo_transform_psi` and :func:`interference_h4`: the closed forms of
  Lemma 1, eqs. (13)-(14) (``H_3`` and ``H_4``);
* :func:`hole_integral_j`: the interference-hole integral of Proposition 2;
* :func:`rate_prop2`: Proposition 2 (``N = 1``, eq. (17)/(37)) with its typos
  fixed, and the variant without the interference hole;
* :func:`rate_theorem2`: Theorem 2 (eq. (16)), either exact under the model
  (``form="corrected"``: conditional Hamdi lemma, binomial point process for the
  cluster BSs, exact target-centred interference hole) or as printed with its
  typos fixed (``form="printed"``).

The Monte Carlo counterpart is :func:`sensing_sir_samples`.

Numerics. Every Hamdi integral is a trapezoidal rule on a uniform grid of
``log z`` (spectrally accurate for these smooth, doubly decaying integrands,
see :func:`_t_nodes`); the distance averages use trapezoidal rules in ``log u``
whose step is tied to that of ``log z`` so that the path-loss argument
``z u^(beta/2)`` falls on a one-dimensional lattice -- the transcendental parts
(``J``, ``G``, ``Psi``) are then evaluated exactly on that lattice instead of
being interpolated. Per path-loss exponent the interference tables are built
once and cached; per ``(M_t, beta)`` a cubic spline of the echo transform is
cached. Reductions use :func:`isac_core.numerics.integrate` (no BLAS), so each
result is independent of the other points in the same call.
"""

from __future__ import annotations

from functools import lru_cache
from math import comb, lgamma

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view
from scipy import special as _sp
from scipy.interpolate import CubicSpline

from ...fading import gamma_power, rayleigh_power
from ...geometry import ppp_ordered_distances
from ...numerics import (
    composite_gauss_legendre,
    gauss_legendre,
    incomplete_beta_split,
    integrate,
    inverse_power,
)
from ...validation import exponent_above, whole

__all__ = [
    "MAX_CLUSTER",
    "sensing_snr_constant",
    "echo_transform_psi",
    "interference_h4",
    "hole_integral_j",
    "interference_hole_g",
    "rate_prop2",
    "rate_theorem2",
    "sensing_sir_samples",
]

#: Largest sensing cluster size supported by the kernels and the Monte Carlo.
MAX_CLUSTER = 20

# --------------------------------------------------------------------------- quadrature settings
#
# Hamdi variable: t = log(zeta) on [_T_MIN, _T_MAX] with step _H_T. The
# integrands vanish like zeta (or zeta^delta) at the lower end and like
# zeta^(-delta/2) at the upper end (Proposition 2 normalisation), so the
# truncation error is below 1e-9 nats for 1e-8 <= rho <= 1e10 (printed
# Theorem 2: 2e-7 at rho = 1e10). All steps were checked by halving them
# (``refine=2``): the rates change by less than 1e-8 nats.
_T_MIN = -60.0
_T_MAX = 110.0
_H_T = 0.4
# log u lattice: step 2 h_t / beta; ln u from (_U_LOG_MASS + ln N!)/N to the
# Gamma(N, 1) upper tail.
_U_LOG_MASS = -25.0
# Cluster geometry: w = eta^2 = exp(-s), s = log(1 + e^v), v on a lattice of
# step _H_V from -25/(N-1) to _S_MAX.
_H_V = 0.4
_S_MAX = 38.0
# Gauss-Legendre nodes for the annulus of G (phi in (0, pi)), per panel of J
# and for the near-diagonal echo average M.
_N_PHI = 48
_N_J_PANEL = 16
_N_M = 16
_W_SWITCH = 0.75  # M from the Psi difference below, by quadrature above
# Cubic spline of log psi_bar(y) on log y in [_LY_MIN, _LY_MAX].
_LY_MIN = -50.0
_LY_MAX = 60.0
_H_LY = 0.05

_RHO_MAX = 1e10
_RHO_BLOCK = 4  # rho values per vectorised block of the corrected Theorem 2
_FORMS = ("corrected", "printed")
_FADINGS = ("model", "zf")


# --------------------------------------------------------------------------- small helpers


def _readonly(x):
    x = np.ascontiguousarray(x, dtype=float)
    x.flags.writeable = False
    return x


def _full_beta(a, b) -> float:
    return float(_sp.beta(a, b))


def _t_nodes(refine: int = 1):
    """Trapezoid nodes of ``t = log z`` and the step (``dz / z = dt``)."""
    h = _H_T / refine
    n = int(round((_T_MAX - _T_MIN) / h)) + 1
    return _T_MIN + h * np.arange(n), h


def _u_lattice(N: int, beta: float, refine: int = 1):
    """Integer range ``k`` of the ``log u = k h_u`` lattice for ``u ~ Gamma(N, 1)``.

    ``h_u = 2 h_t / beta``, so ``(beta/2) log u`` steps with ``t``. The range holds
    all but about ``e^-25`` of the probability mass.
    """
    h_u = 2.0 * (_H_T / refine) / beta
    lo = (_U_LOG_MASS + lgamma(N + 1.0)) / N
    hi = np.log(N + 12.0 * np.sqrt(N) + 40.0)
    return int(np.floor(lo / h_u)), int(np.ceil(hi / h_u)), h_u


def _u_weights(N: int, k_lo: int, k_hi: int, h_u: float):
    """``u_k`` and trapezoid weights of the Gamma(N, 1) density in ``log u``."""
    log_u = h_u * np.arange(k_lo, k_hi + 1)
    u = np.exp(log_u)
    weights = h_u * np.exp(N * log_u - u - lgamma(N))
    return u, weights


def _v_range(N: int, h: float):
    """Integer range of the ``v`` lattice (step ``h``) for cluster size ``N >= 2``."""
    return int(np.floor(-25.0 / (N - 1) / h)), int(np.ceil(_S_MAX / h))


@lru_cache(maxsize=32)
def _w_nodes(N: int, refine: int = 1):
    """Nodes and weights for ``w = eta_N^2 ~ Beta(1, N - 1)`` (``N >= 2``).

    ``eta_N = r_1 / r_N``; ``w`` is independent of ``u_N`` (paper, after eq. (16);
    the density of (33) is that of ``eta``). With ``w = exp(-s)`` and
    ``s = log(1 + e^v)`` the trapezoidal rule in ``v`` converges spectrally: the
    map is logarithmic near ``w = 1`` (``(1 - w)^2 log(1 - w)`` terms, and the
    ``(1 - w)^(N-2)`` density) and uniform in ``log w`` for small ``w``, where
    the integrands have ramps of width O(1) in ``log w`` (their position moves
    with ``log rho``). Weight ``h (N - 1) w (1 - w)^(N-1)`` (``ds/dv = 1 - w``).
    """
    h = _H_V / refine
    m_lo, m_hi = _v_range(N, h)
    v = h * np.arange(m_lo, m_hi + 1)
    s = np.logaddexp(0.0, v)
    w = np.exp(-s)
    one_minus_w = -np.expm1(-s)
    weights = h * (N - 1) * w * one_minus_w ** (N - 1)
    return _readonly(w), _readonly(weights)


# --------------------------------------------------------------------------- closed forms


def sensing_snr_constant(sigma2, M_r, p_s, p_t, density, beta):
    r"""Dimensionless sensing constant :math:`\rho = \sigma^2 M_r p^s (\pi\lambda)^{\beta/2} / p^t`.

    The normalised sensing SIR is :math:`\rho \sum_{i\le N} f_i u_i^{-\beta/2} / Y`
    with :math:`u_i = \pi\lambda r_i^2`, so ``R_s`` depends on the physical
    parameters only through ``rho`` (eqs. (6), (16)-(17) in normalised form).

    Parameters
    ----------
    sigma2 : array_like
        Radar cross-section ``sigma^2`` (in units of ``d_ref^2``; the model has no
        path-loss reference constant).
    M_r : array_like
        Receive antennas.
    p_s, p_t : array_like
        Sensing and total transmit powers (same unit).
    density : array_like
        BS density in points per ``d_ref^2`` (the caller converts units).
    beta : array_like
        Path-loss exponent.

    Returns
    -------
    ndarray
    """
    return (np.asarray(sigma2, float) * np.asarray(M_r, float) * np.asarray(p_s, float)
            * np.power(np.pi * np.asarray(density, float), 0.5 * np.asarray(beta, float))
            / np.asarray(p_t, float))


def echo_transform_psi(A, V, Q, beta):
    r"""Echo transform :math:`\Psi(A, V) = \int_0^V [1 - (1 + A v^{-\beta/2})^{-Q}]\, dv`.

    Lemma 1, eq. (13)/(25)-(27): :math:`(2\pi\lambda/\beta) H_3 = \Psi(z\rho, u_N)`.
    Closed form

    .. math:: \Psi(A, V) = \tfrac{2}{\beta} A^{\delta} \sum_{i=1}^{Q} \binom{Q}{i}
              B\!\left(\tfrac{1}{1 + A V^{-\beta/2}};\, Q - i + \delta,\, i - \delta\right),

    :math:`\delta = 2/\beta`, with the non-regularised incomplete beta function.
    Both parameters are positive for ``i = 1..Q``; the ``i = 0`` term of the
    binomial expansion cancels against the ``1`` and must not appear.

    Parameters
    ----------
    A, V : array_like
        Non-negative scale ``A = z rho`` and upper limit ``V`` (broadcast).
    Q : int
        Gamma shape ``M_t - 1`` (whole number >= 1).
    beta : float
        Path-loss exponent (> 2).

    Returns
    -------
    ndarray
    """
    beta = exponent_above(beta, "beta")
    Q = int(whole(Q, "Q", 1))
    delta = 2.0 / beta
    A, V = np.broadcast_arrays(np.asarray(A, float), np.asarray(V, float))
    y = A * np.power(V, -0.5 * beta, where=V > 0, out=np.full(V.shape, np.inf))  # A V^(-beta/2)
    with np.errstate(divide="ignore", invalid="ignore"):
        x = 1.0 / (1.0 + y)
        xc = y / (1.0 + y)
    xc = np.where(np.isinf(y), 1.0, xc)
    total = np.zeros(A.shape)
    for i in range(1, Q + 1):
        total += comb(Q, i) * incomplete_beta_split(x, xc, Q - i + delta, i - delta)
    out = (2.0 / beta) * np.power(A, delta) * total
    out = np.where(A == 0.0, 0.0, out)
    return np.where(np.isinf(A), V, out)[()]


def interference_h4(z, eta, beta):
    r"""Interference exponent :math:`H_4(z, \eta)` of Lemma 1, eq. (14)/(28)-(30).

    .. math:: H_4 = \frac{z^\delta}{\beta}\left[B(\delta, 1-\delta) - B(v_N; \delta, 1-\delta)\right]
              = \frac{z^\delta}{\beta} B\!\left(\frac{z\eta^\beta}{1 + z\eta^\beta};\, 1-\delta, \delta\right),

    ``v_N = 1/(1 + z eta^beta)``, so that (paper, PPP outside a disc of radius
    ``r_N`` centred at BS 1) ``-ln E[exp(-z Y) | r_1, eta] = 2 pi lambda r_1^2 H_4``
    with ``Y`` normalised to ``p^t = 1`` (printed (14) omits ``p^t``; the garbled
    step (29a) reads ``r_1^2 int_0^eta z t^(beta-3) / (1 + z t^beta) dt``, see
    ``docs/errata.md``).

    Parameters
    ----------
    z : array_like
        Non-negative Hamdi variable.
    eta : array_like
        ``r_1 / r_N`` in ``(0, 1]``.
    beta : float
        Path-loss exponent (> 2).

    Returns
    -------
    ndarray
    """
    beta = exponent_above(beta, "beta")
    delta = 2.0 / beta
    z, eta = np.broadcast_arrays(np.asarray(z, float), np.asarray(eta, float))
    a = z * np.power(eta, beta)
    x = a / (1.0 + a)
    xc = 1.0 / (1.0 + a)
    return ((np.power(z, delta) / beta) * incomplete_beta_split(x, xc, 1.0 - delta, delta))[()]


@lru_cache(maxsize=8)
def _j_rule(n_panel: int):
    """Composite Gauss-Legendre rule on ``theta in (0, pi/2)`` graded towards 0."""
    edges = np.concatenate(([0.0], 0.5 * np.pi * np.logspace(-10.0, 0.0, 21)))
    return composite_gauss_legendre(edges, n_panel)


def hole_integral_j(c, beta, *, _n_panel: int = _N_J_PANEL):
    r"""Interference-hole integral of Proposition 2 (eq. (37)-(38)).

    .. math:: J(c) = \int_0^2 2\arccos(t/2)\, \frac{c\, t^{-\beta}}{1 + c\, t^{-\beta}}\, t\, dt,

    the Laplace exponent removed by the hole ``B(0, r_1)`` seen from BS 1, which
    lies on its boundary: ``E[e^{-zY} | r_1]`` gains the factor
    ``exp(lambda r_1^2 J(z p^t r_1^beta))`` (printed (37b) has ``r_1^{-2 beta}``, a
    sign typo, see ``docs/errata.md``). ``J`` increases from 0 to ``J(inf) = pi``,
    the scaled area of the hole.

    Evaluated as ``pi F(c) - 2 int_0^2 arcsin(t/2) k(t) dt`` with
    ``k(t) = c t / (t^beta + c)``, the closed form
    ``F(c) = int_0^2 k = (c^delta / beta) B(2^beta / (2^beta + c); delta, 1 - delta)``
    and the remainder by composite Gauss-Legendre in ``t = 2 sin(theta)`` on
    panels graded geometrically towards ``theta = 0`` (the kernel's knee sits at
    ``t ~ c^(1/beta)``). Relative error about 1e-12 for ``c`` in ``[1e-30, 1e150]``.

    Parameters
    ----------
    c : array_like
        Non-negative argument (``inf`` allowed).
    beta : float
        Path-loss exponent (> 2).

    Returns
    -------
    ndarray
    """
    beta = exponent_above(beta, "beta")
    delta = 2.0 / beta
    c = np.asarray(c, float)
    finite = np.where(np.isfinite(c) & (c > 0.0), c, 1.0)
    two_b = 2.0 ** beta
    f_full = (np.power(finite, delta) / beta) * incomplete_beta_split(
        two_b / (two_b + finite), finite / (two_b + finite), delta, 1.0 - delta)
    theta, weights = _j_rule(int(_n_panel))
    t = 2.0 * np.sin(theta)
    # arcsin(t/2) k(t) dt with k = t / (1 + t^beta / c) and dt = 2 cos(theta) d(theta)
    tb = np.power(t, beta)
    kernel = theta * t * 2.0 * np.cos(theta)
    vals = kernel / (1.0 + tb / finite[..., None])
    out = np.pi * f_full - 2.0 * integrate(vals, weights)
    out = np.where(np.isfinite(c), out, np.pi)
    return np.where(c == 0.0, 0.0, out)[()]


@lru_cache(maxsize=8)
def _phi_rule(n: int):
    phi, weights = gauss_legendre(n, 0.0, np.pi)
    cos = np.cos(phi)
    return cos, np.sin(phi) * weights


def interference_hole_g(z, eta, beta, *, _n_phi: int = _N_PHI):
    r"""Exact Laplace exponent of the interference with a target-centred hole.

    Interferers form a PPP outside the disc ``B(0, r_N)`` centred on the
    **target**; BS 1 sits inside at distance ``r_1`` from its centre. In
    coordinates centred on BS 1 and scaled by ``r_1`` the hole has radius
    ``R = 1/eta`` and centre at distance 1, and (corrected Lemma 1 / Theorem 2; the
    paper centres the hole on BS 1, see ``docs/errata.md``)

    .. math:: -\ln E[e^{-zY} \mid r_1, r_N] = \frac{u_1}{\pi} G(z, \eta),

    .. math:: G(z, \eta) = \int_{R-1}^{R+1} \left[2\pi - 2\arccos\frac{t^2 + 1 - R^2}{2t}\right]
              \frac{z\, t}{t^\beta + z}\, dt + \frac{2\pi}{\beta} z^\delta
              B\!\left(w_+;\, 1-\delta, \delta\right),

    ``w_+ = z (R+1)^{-beta} / (1 + z (R+1)^{-beta})``. Circles of radius
    ``t < R - 1`` around BS 1 lie inside the hole. The annulus is integrated with
    ``t = R - cos(phi)``, which removes the square-root end-point singularities of
    the arccos. At ``eta = 1``,
    ``G(z, 1) = (2 pi / beta) z^delta B(delta, 1 - delta) - J(z)``.

    Parameters
    ----------
    z : array_like
        Non-negative Hamdi variable of the normalised ``Y``.
    eta : array_like
        ``r_1 / r_N`` in ``(0, 1]``.
    beta : float
        Path-loss exponent (> 2).

    Returns
    -------
    ndarray
    """
    beta = exponent_above(beta, "beta")
    delta = 2.0 / beta
    z, eta = np.broadcast_arrays(np.asarray(z, float), np.asarray(eta, float))
    R = 1.0 / eta
    cos, weights = _phi_rule(int(_n_phi))
    Rn = R[..., None]
    t = Rn - cos
    x = (cos * cos - 2.0 * Rn * cos + 1.0) / (2.0 * t)  # (t^2 + 1 - R^2) / (2 t), no cancellation
    angle = 2.0 * np.pi - 2.0 * np.arccos(np.clip(x, -1.0, 1.0))
    with np.errstate(divide="ignore"):
        inv_z = 1.0 / z[..., None]
    annulus = integrate(angle * t / (1.0 + np.power(t, beta) * inv_z), weights)
    outer_b = np.power(R + 1.0, beta)
    outer = (2.0 * np.pi / beta) * np.power(z, delta) * incomplete_beta_split(
        z / (outer_b + z), outer_b / (outer_b + z), 1.0 - delta, delta)
    return np.where(z == 0.0, 0.0, annulus + outer)[()]


# --------------------------------------------------------------------------- echo transform tables


def _psi_bar_exact(y, Q: int, beta: float):
    """``psi_bar(y) = Psi(y, 1) = int_0^1 [1 - (1 + y s^(-beta/2))^-Q] ds``.

    ``Psi(A, V) = V psi_bar(A V^(-beta/2))``.
    """
    return echo_transform_psi(y, 1.0, Q, beta)


@lru_cache(maxsize=64)
def _psi_bar_spline(Q: int, beta: float):
    """Cubic spline of ``log psi_bar`` in ``log y`` (relative interpolation error < 4e-9)."""
    ly = np.arange(_LY_MIN, _LY_MAX + 0.5 * _H_LY, _H_LY)
    vals = _psi_bar_exact(np.exp(ly), Q, beta)
    delta = 2.0 / beta
    k0 = (2.0 / beta) * sum(comb(Q, i) * _full_beta(Q - i + delta, i - delta) for i in range(1, Q + 1))
    return CubicSpline(ly, np.log(vals)), k0


def _psi_bar(y, Q: int, beta: float):
    """``psi_bar(y)`` from the cached spline; asymptotes outside the table.

    Small ``y``: ``k0 y^delta - Q y / (beta/2 - 1)`` (relative error
    ``O(Q^2 y^(2 - 2 delta))``); large ``y``: ``1 - y^-Q / (Q beta/2 + 1) = 1``.
    """
    spline, k0 = _psi_bar_spline(Q, beta)
    with np.errstate(divide="ignore"):
        ly = np.log(y)
    inside = np.clip(ly, _LY_MIN, _LY_MAX)
    out = np.exp(spline(inside))
    low = ly < _LY_MIN
    out = np.where(low, k0 * np.power(y, 2.0 / beta) - Q * y / (0.5 * beta - 1.0), out)
    return np.where(ly > _LY_MAX, 1.0, out)


# --------------------------------------------------------------------------- Proposition 2


@lru_cache(maxsize=16)
def _prop2_interference(beta: float, hole: bool, refine: int = 1, closed_form: bool = True):
    r"""Inner average of Proposition 2 on the ``zeta`` grid.

    ``I(zeta) = int_0^inf e^{-u} exp(-(2/beta) B(delta, 1-delta) u^2 zeta^delta
    + (u/pi) J(zeta u^(beta/2))) du`` (``J`` dropped without the hole). Without
    the hole and ``closed_form`` the integral is
    ``sqrt(pi/(4A)) erfcx(1/(2 sqrt A))``, ``A = (2/beta) B(delta, 1-delta) zeta^delta``,
    for every ``beta`` (the exponent is quadratic in ``u``).
    """
    delta = 2.0 / beta
    t, _ = _t_nodes(refine)
    a_coef = (2.0 / beta) * _full_beta(delta, 1.0 - delta)
    zeta_d = np.exp(delta * t)
    if not hole and closed_form:
        A = a_coef * zeta_d
        return _readonly(np.sqrt(np.pi / (4.0 * A)) * _sp.erfcx(0.5 / np.sqrt(A)))
    k_lo, k_hi, h_u = _u_lattice(1, beta, refine)
    u, weights = _u_weights(1, k_lo, k_hi, h_u)
    expo = -a_coef * zeta_d[:, None] * (u * u)[None, :]
    if hole:
        # c = zeta u^(beta/2) on the lattice log c = t_0 + (i + k) h_t
        h_t = _H_T / refine
        log_c = t[0] + h_t * np.arange(k_lo, len(t) + k_hi)
        j_vals = hole_integral_j(np.exp(log_c), beta, _n_panel=_N_J_PANEL * refine)
        expo = expo + (u / np.pi)[None, :] * sliding_window_view(j_vals, len(u))
    return _readonly(integrate(np.exp(expo), weights))


def _echo_factor_n1(rho, Q, t):
    """``1 - (1 + zeta rho)^(-Q)`` on the grid, shape ``(len(rho), len(t))``."""
    return -np.expm1(-Q * np.log1p(np.exp(t)[None, :] * rho[:, None]))


def rate_prop2(rho, M_t, beta, hole=True):
    r"""Radar information rate for ``N = 1`` (Proposition 2, eq. (17)/(37)), in nats.

    In the normalised form (``zeta = z p^t / (pi lambda)^(beta/2)``, ``u = pi lambda r_1^2``):

    .. math:: R_s = \int_0^\infty \frac{d\zeta}{\zeta}\left[1 - (1 + \zeta\rho)^{-Q}\right]
              \int_0^\infty e^{-u} \exp\!\left(-\tfrac{2}{\beta} B(\delta, 1-\delta)\, u^2 \zeta^\delta
              + \tfrac{u}{\pi} J(\zeta u^{\beta/2})\right) du,

    ``Q = M_t - 1``. This is exact under the model (the echo gain is independent of
    the geometry). Printed (17) has ``r_1^2`` for ``r_1^4`` in the first exponent,
    ``f(r_1)`` lacks the factor ``r_1`` and (37b) has ``z r_1^{-2 beta}`` for
    ``z r_1^{+2 beta}``; all fixed here (``docs/errata.md``).

    ``hole=False`` drops the ``J`` term (interferers fill the plane around BS 1,
    the paper's comparison curve in Fig. 11); the inner integral is then
    ``sqrt(pi/(4A)) erfcx(1/(2 sqrt A))`` with ``A = (2/beta) B(delta, 1-delta) zeta^delta``.

    Parameters
    ----------
    rho : array_like
        Sensing constant (:func:`sensing_snr_constant`), ``0 <= rho <= 1e10``.
    M_t : array_like
        Transmit antennas (whole numbers >= 2), broadcast against ``rho``.
    beta : array_like
        Path-loss exponent (> 2).
    hole : bool
        Include the interference hole ``B(0, r_1)``.

    Returns
    -------
    ndarray
        ``R_s`` in nats, broadcast shape of the arguments.
    """
    rho, M_t, beta = np.broadcast_arrays(np.asarray(rho, float), np.asarray(M_t, float), np.asarray(beta, float))
    _check_rho(rho)
    whole(M_t, "M_t", 2)
    out = np.empty(rho.shape)
    keys = np.stack([M_t.ravel(), beta.ravel()], axis=-1)
    flat_rho, flat_out = rho.ravel(), out.reshape(-1)
    for m_t, b in np.unique(keys, axis=0):
        sel = (keys[:, 0] == m_t) & (keys[:, 1] == b)
        flat_out[sel] = _rate_prop2(flat_rho[sel], int(m_t) - 1, exponent_above(b, "beta"), bool(hole))
    return out[()]


def _rate_prop2(rho, Q: int, beta: float, hole: bool, closed_form: bool = True, refine: int = 1):
    """Proposition 2 for one ``(Q, beta)`` and an array of ``rho`` (trapezoid in ``log zeta``)."""
    t, h = _t_nodes(refine)
    inner = _prop2_interference(beta, hole, refine, closed_form)
    return integrate(_echo_factor_n1(rho, Q, t) * inner, np.full(len(t), h))


def _check_rho(rho):
    if np.any(~(rho >= 0.0)) or np.any(rho > _RHO_MAX):
        raise ValueError(f"rho must lie in [0, {_RHO_MAX:g}]")


# --------------------------------------------------------------------------- Theorem 2, corrected


@lru_cache(maxsize=8)
def _g_lattice(beta: float, refine: int = 1):
    """``G(c, eta)`` for every cluster-geometry node and every lattice value of ``c``.

    Row ``j`` is ``w_j = exp(-log(1 + exp(v_j)))`` on the global ``v`` lattice
    (the union over ``N >= 2`` of :func:`_w_nodes`), column ``m`` is
    ``log c = t_0 + (beta/2) log w_j + m h_t`` for ``m`` from ``k_min`` (the
    smallest ``log u`` lattice index over ``N >= 2``) to ``n_t - 1 + k_max``.
    """
    h_v = _H_V / refine
    m_lo, m_hi = _v_range(2, h_v)
    s = np.logaddexp(0.0, h_v * np.arange(m_lo, m_hi + 1))
    t, h_t = _t_nodes(refine)
    k_min = min(_u_lattice(n, beta, refine)[0] for n in range(2, MAX_CLUSTER + 1))
    k_max = max(_u_lattice(n, beta, refine)[1] for n in range(2, MAX_CLUSTER + 1))
    cols = t[0] + h_t * np.arange(k_min, len(t) + k_max)
    log_c = cols[None, :] - (0.5 * beta) * s[:, None]  # (beta/2) log w = -(beta/2) s
    eta = np.exp(-0.5 * s)
    table = np.empty(log_c.shape)
    for j in range(len(s)):
        table[j] = interference_hole_g(np.exp(log_c[j]), eta[j], beta, _n_phi=_N_PHI * refine)
    return _readonly(table), m_lo, k_min


@lru_cache(maxsize=64)
def _interference_table(N: int, beta: float, refine: int = 1):
    r"""``I_N(zeta, w) = E_{u_N ~ Gamma(N, 1)} exp(-(w u_N / pi) G(zeta (w u_N)^(beta/2), sqrt w))``.

    The interference factor of the corrected Theorem 2 in the normalisation
    ``z = zeta u_1^(beta/2)`` (``u_1 = w u_N``), on the ``zeta`` grid (rows) and
    the ``w`` nodes (columns; a single column ``w = 1`` for ``N = 1``).
    Independent of ``rho`` and ``M_t``.
    """
    t, h_t = _t_nodes(refine)
    k_lo, k_hi, h_u = _u_lattice(N, beta, refine)
    u, weights = _u_weights(N, k_lo, k_hi, h_u)
    n_u = len(u)
    if N == 1:
        log_c = t[0] + h_t * np.arange(k_lo, len(t) + k_hi)
        g = interference_hole_g(np.exp(log_c), 1.0, beta, _n_phi=_N_PHI * refine)
        expo = -(u / np.pi) * sliding_window_view(g, n_u)
        return _readonly(integrate(np.exp(expo), weights)[:, None])
    table, m_glob, k_min = _g_lattice(beta, refine)
    w, _ = _w_nodes(N, refine)
    m_lo = _v_range(N, _H_V / refine)[0]
    out = np.empty((len(t), len(w)))
    first = k_lo - k_min
    for j in range(len(w)):
        row = table[m_lo - m_glob + j, first:first + len(t) + n_u - 1]
        expo = -(w[j] * u / np.pi) * sliding_window_view(row, n_u)
        out[:, j] = integrate(np.exp(expo), weights)
    return _readonly(out)


def _one_minus_lx(y, w, Q: int, N: int, beta: float, refine: int = 1):
    r"""``1 - L_X`` of the corrected Theorem 2 in the ``u_1`` normalisation.

    ``L_X = (1 + y)^-Q (1 + y w^(beta/2))^-Q M^(N-2)`` with ``y = zeta rho`` and
    ``M = (1 - w)^-1 int_w^1 (1 + y w^(beta/2) r^(-beta/2))^-Q dr``: given
    ``(u_1, u_N)`` the ``N - 2`` intermediate BSs are iid uniform on
    ``(u_1, u_N)`` in ``u`` (a binomial point process, not the paper's PPP).
    ``M = 1 - [psi_bar(y w^(beta/2)) - w psi_bar(y)] / (1 - w)`` for
    ``w < 0.75``; Gauss-Legendre on ``(w, 1)`` otherwise (no cancellation).

    ``y`` has shape ``(..., 1)``, ``w`` shape ``(n_w,)``.
    """
    half = 0.5 * beta
    y_n = y * np.power(w, half)
    log_lx = -Q * (np.log1p(y) + np.log1p(y_n))
    if N >= 3:
        far = w < _W_SWITCH
        one_minus_m = np.empty(y_n.shape)
        pf = _psi_bar(y_n[..., far], Q, beta)
        p1 = _psi_bar(y, Q, beta)
        one_minus_m[..., far] = (pf - w[far] * p1) / (1.0 - w[far])
        near = ~far
        if near.any():
            x, xw = gauss_legendre(_N_M * refine, 0.0, 1.0)
            wn = w[near]
            r = wn[:, None] + (1.0 - wn)[:, None] * x[None, :]  # (n_near, n_m)
            arg = y_n[..., near, None] * np.power(r, -half)
            one_minus_m[..., near] = integrate(-np.expm1(-Q * np.log1p(arg)), xw)
        with np.errstate(divide="ignore"):  # M = 0 gives L_X = 0
            log_lx = log_lx + (N - 2) * np.log1p(-np.minimum(one_minus_m, 1.0))
    return -np.expm1(log_lx)


def _rate_corrected(rho, N: int, Q: int, beta: float, refine: int = 1):
    """Corrected Theorem 2 for one ``(N, Q, beta)`` and an array of ``rho``."""
    t, h_t = _t_nodes(refine)
    inter = _interference_table(N, beta, refine)
    step = np.full(len(t), h_t)
    if N == 1:
        y = rho[:, None] * np.exp(t)[None, :]
        return integrate((-np.expm1(-Q * np.log1p(y))) * inter[:, 0], step)
    w, w_weights = _w_nodes(N, refine)
    out = np.empty(len(rho))
    for start in range(0, len(rho), _RHO_BLOCK):  # bounds the memory; rows are independent
        r = rho[start:start + _RHO_BLOCK]
        y = (r[:, None] * np.exp(t)[None, :])[..., None]  # (n_rho, n_t, 1)
        integrand = integrate(_one_minus_lx(y, w, Q, N, beta, refine) * inter, w_weights)
        out[start:start + _RHO_BLOCK] = integrate(integrand, step)
    return out


# --------------------------------------------------------------------------- Theorem 2, printed


def _rate_printed(rho, N: int, Q: int, beta: float, refine: int = 1):
    r"""Printed Theorem 2 (typos fixed), normalised, for one ``(N, Q, beta)``.

    ``int dz/z [1 - E_{u_N} e^{-Psi(z rho, u_N)}] E_eta[1 / (1 + 2 H_4(z, eta))]``
    with ``u_N ~ Gamma(N, 1)`` and ``eta^2 ~ Beta(1, N - 1)`` (``eta = 1`` for
    ``N = 1``). ``Psi(z rho, u) = u psi_bar(z rho u^(-beta/2))`` is evaluated in
    closed form on the lattice ``log(z rho u^(-beta/2)) = log rho + t_0 + (i - k) h_t``.
    """
    t, h_t = _t_nodes(refine)
    k_lo, k_hi, h_u = _u_lattice(N, beta, refine)
    u, weights = _u_weights(N, k_lo, k_hi, h_u)
    n_u = len(u)
    z = np.exp(t)
    if N == 1:
        eta_factor = 1.0 / (1.0 + 2.0 * interference_h4(z, 1.0, beta))
    else:
        w, w_weights = _w_nodes(N, refine)
        h4 = interference_h4(z[:, None], np.sqrt(w)[None, :], beta)
        eta_factor = integrate(1.0 / (1.0 + 2.0 * h4), w_weights)
    out = np.empty(len(rho))
    # lattice index m = i - k runs from -k_hi to n_t - 1 - k_lo; row i of the
    # sliding window holds m = i - k_hi .. i - k_lo, i.e. k = k_hi .. k_lo
    m = np.arange(-k_hi, len(t) - k_lo)
    for n, r in enumerate(rho):
        if r == 0.0:
            out[n] = 0.0
            continue
        psi = _psi_bar_exact(np.exp(np.log(r) + t[0] + h_t * m), Q, beta)
        window = sliding_window_view(psi, n_u)[:, ::-1]  # (n_t, n_u), k = k_lo .. k_hi
        one_minus = integrate(-np.expm1(-u * window), weights)
        out[n] = integrate(one_minus * eta_factor, np.full(len(t), h_t))
    return out


# --------------------------------------------------------------------------- Theorem 2, public


def rate_theorem2(rho, N, M_t, beta, form="corrected"):
    r"""Radar information rate ``R_s`` of the ``N``-BS sensing cluster (Theorem 2, eq. (16)), in nats.

    ``form="corrected"`` (default) -- exact under the model's fading assumptions.
    Hamdi's lemma (eq. (12)) is applied conditionally on the geometry, because the
    echo ``X`` and interference ``Y`` share ``(r_1, r_N)``; the ``N - 2``
    intermediate cluster BSs form a binomial point process (iid uniform on
    ``(u_1, u_N)``, not the PPP of Lemma 1); ``eta = r_1 / r_N`` is independent of
    ``u_N`` (not of ``r_1``); and the interferers are the PPP outside the
    **target-centred** disc of radius ``r_N`` (:func:`interference_hole_g`):

    .. math:: R_s = \int_0^\infty \frac{dz}{z}\, E_{u_N, w}\!\left[(1 - \mathcal{L}_X(z))\,
              e^{-(u_1/\pi) G(z, \eta)}\right],

    ``u_N ~ Gamma(N, 1)``, ``w = eta^2 ~ Beta(1, N - 1)``, ``u_1 = w u_N``, and
    ``L_X = (1 + z rho u_1^(-beta/2))^-Q (1 + z rho u_N^(-beta/2))^-Q M^(N-2)``,
    ``M = 1 - [Psi(z rho, u_N) - Psi(z rho, u_1)]/(u_N - u_1)``. At ``N = 1`` it is
    Proposition 2 (:func:`rate_prop2`). Evaluated with ``z = zeta u_1^(beta/2)``,
    which makes the echo factor a function of ``(zeta rho, w)`` only and the
    interference average a ``rho``-free table.

    ``form="printed"`` -- the paper's Theorem 2 with its typos fixed
    (``docs/errata.md``: (31) ``r_N^N`` in the denominator, (32) missing ``pi``):

    .. math:: R_s^{pr} = \int_0^\infty \frac{dz}{z}\left[1 - E_{u_N} e^{-\Psi(z\rho, u_N)}\right]
              E_\eta\!\left[\frac{1}{1 + 2 H_4(z, \eta)}\right],

    where ``1/(1 + 2 H_4)`` averages ``exp(-2 u_1 H_4)`` over ``u_1 ~ Exp(1)`` as
    if ``u_1`` were independent of ``eta`` (eq. (33)); at ``N = 1`` the printed
    density of ``eta`` degenerates and ``eta = 1`` is used.

    Parameters
    ----------
    rho : array_like
        Sensing constant (:func:`sensing_snr_constant`), ``0 <= rho <= 1e10``.
    N : array_like
        Sensing cluster sizes (whole numbers, ``1 <= N <= MAX_CLUSTER``).
    M_t : array_like
        Transmit antennas (whole numbers >= 2).
    beta : array_like
        Path-loss exponent (> 2).
    form : {"corrected", "printed"}

    Returns
    -------
    ndarray
        ``R_s`` [nat], broadcast shape of the arguments. Each entry depends only on
        its own ``(rho, N, M_t, beta)``.
    """
    if form not in _FORMS:
        raise ValueError(f"form must be one of {_FORMS}, got {form!r}")
    rho, N, M_t, beta = np.broadcast_arrays(*(np.asarray(a, float) for a in (rho, N, M_t, beta)))
    _check_rho(rho)
    whole(N, "N", 1, MAX_CLUSTER)
    whole(M_t, "M_t", 2)
    kernel = _rate_corrected if form == "corrected" else _rate_printed
    out = np.empty(rho.shape)
    keys = np.stack([N.ravel(), M_t.ravel(), beta.ravel()], axis=-1)
    flat_rho, flat_out = rho.ravel(), out.reshape(-1)
    for n, m_t, b in np.unique(keys, axis=0):
        sel = np.all(keys == (n, m_t, b), axis=1)
        flat_out[sel] = kernel(flat_rho[sel], int(n), int(m_t) - 1, exponent_above(b, "beta"))
    return out[()]


# --------------------------------------------------------------------------- Monte Carlo

_CHUNK = 4096  # trials per internal block (fixed: the draws depend only on the seed and n_trials)


def sensing_sir_samples(rng, n_trials, N, *, M_t, M_r, sigma2, p_s, p_t, beta, density, fading="model",
                        n_nearest=200):
    r"""Monte Carlo samples of the sensing SIR (eq. (6)) for several cluster sizes.

    Per trial (option B of the PPP simulation): the ``K = n_nearest`` nearest BSs
    to the target (:func:`isac_core.geometry.ppp_ordered_distances`) with iid
    uniform angles, echo gains for the first ``MAX_CLUSTER`` positions and
    interference gains for all ``K`` positions. For each requested ``N``,

    * ``X = sigma^2 M_r p^s r_1^-beta sum_{i<=N} f_i r_i^-beta`` (prefix sums),
    * ``I = p^t sum_{N<q<=K} f_q |d_1 - d_q|^-beta`` (suffix sums; the self term
      ``q = 1`` is excluded) ``+ p^t lambda int_{|x|>r_K} |x - d_1|^-beta dx``, the
      mean interference of the PPP beyond ``r_K`` (:func:`_mean_tail`; to leading
      order ``p^t 2 pi lambda r_K^(2-beta) / (beta - 2)``),

    and the sample is ``X / I``. The draws do not depend on ``N``: the column of a
    given ``N`` is bit-identical whichever other sizes are requested.

    Parameters
    ----------
    rng : numpy.random.Generator
    n_trials : int
    N : array_like of int
        Cluster sizes, ``1 <= N <= MAX_CLUSTER``.
    M_t, M_r : int
        Transmit and receive antennas.
    sigma2 : float
        Radar cross-section (units of ``d_ref^2``).
    p_s, p_t : float
        Sensing and total transmit power.
    beta : float
        Path-loss exponent (> 2).
    density : float
        BS density per ``d_ref^2``; distances are in ``d_ref``.
    fading : {"model", "zf"}
        ``"model"``: echo ``Gamma(M_t - 1, 1)``, interference ``Exp(1)`` (the
        paper's laws). ``"zf"``: the exact laws under zero-forcing precoders
        (:mod:`.zf`; echo ``M_t Beta(M_t - 1, 1)``, hypoexponential interference
        with ``p^c = p^t - p^s``).
    n_nearest : int
        ``K > MAX_CLUSTER``, BSs simulated explicitly.

    Returns
    -------
    ndarray, shape (n_trials, len(N))
        ``SIR_s`` samples; the caller takes ``log1p``.

    Notes
    -----
    Trials are drawn in blocks of 4096; within a block the order is distances,
    angles, echo gains, interference gains.
    """
    if fading not in _FADINGS:
        raise ValueError(f"fading must be one of {_FADINGS}, got {fading!r}")
    sizes = np.atleast_1d(np.asarray(N))
    if sizes.ndim != 1 or np.any(sizes != np.round(sizes)) or np.any(sizes < 1) or np.any(sizes > MAX_CLUSTER):
        raise ValueError(f"N must be whole numbers in [1, {MAX_CLUSTER}]")
    sizes = sizes.astype(int)
    K = int(n_nearest)
    if K <= MAX_CLUSTER:
        raise ValueError(f"n_nearest must exceed MAX_CLUSTER = {MAX_CLUSTER}")
    beta = exponent_above(beta, "beta")
    M_t = int(M_t)
    if M_t < 2:
        raise ValueError("M_t must be >= 2")
    n_trials = int(n_trials)
    out = np.empty((n_trials, len(sizes)))
    echo_scale = float(sigma2) * float(M_r) * float(p_s)
    for start in range(0, n_trials, _CHUNK):
        n = min(_CHUNK, n_trials - start)
        out[start:start + n] = _sir_block(rng, n, sizes, K, M_t, echo_scale, float(p_s), float(p_t), beta,
                                          float(density), fading)
    return out


_TAIL_TERMS = 64


def _mean_tail(r1_sq, rk_sq, beta, density):
    r"""Mean interference at BS 1 (unit power and gain) from the PPP beyond ``r_K``.

    ``lambda int_{|x| > r_K} |x - d_1|^-beta dx``; averaging ``|x - d_1|^-beta`` over
    the circle ``|x| = r`` gives ``r^-beta 2F1(beta/2, beta/2; 1; r_1^2/r^2)``, so

    ``2 pi lambda r_K^(2-beta) sum_k ((beta/2)_k / k!)^2 x^k / (beta - 2 + 2k)``,
    ``x = r_1^2 / r_K^2`` (64 terms; exact ``pi lambda r_K^2 / (r_K^2 - r_1^2)^2``
    for ``beta = 4``). The leading term ``2 pi lambda r_K^(2-beta) / (beta - 2)`` is
    the far-field approximation ``|x - d_1| ~ |x|``.
    """
    x = r1_sq / rk_sq
    if beta == 4.0:
        return np.pi * density * rk_sq / ((rk_sq - r1_sq) ** 2)
    half = 0.5 * beta
    coef = [1.0]
    for k in range(1, _TAIL_TERMS):
        coef.append(coef[-1] * ((half + k - 1.0) / k) ** 2)
    acc = np.zeros_like(x)
    for k in range(_TAIL_TERMS - 1, -1, -1):
        acc = acc * x + coef[k] / (beta - 2.0 + 2.0 * k)
    return 2.0 * np.pi * density * np.power(rk_sq, 1.0 - half) * acc


def _sir_block(rng, n, sizes, K, M_t, echo_scale, p_s, p_t, beta, density, fading):
    half = 0.5 * beta
    r = ppp_ordered_distances(rng, density, K, n)  # (n, K)
    phi = rng.random((n, K))
    if fading == "model":
        f_echo = gamma_power(rng, M_t - 1.0, (n, MAX_CLUSTER))
        f_int = rayleigh_power(rng, (n, K))
    else:
        from . import zf

        f_echo = zf.echo_gain(rng, M_t, (n, MAX_CLUSTER))
        f_int = zf.interference_gain(rng, M_t, p_t - p_s, p_s, (n, K))
    r2 = r * r
    # echo: r_1^-beta sum_{i<=N} f_i r_i^-beta, prefix sums over the cluster
    echo = f_echo * inverse_power(r2[:, :MAX_CLUSTER], half)
    np.cumsum(echo, axis=1, out=echo)
    echo *= echo_scale * inverse_power(r2[:, :1], half)
    # interference: |d_1 - d_q|^2 = (r_1 - r_q)^2 + 4 r_1 r_q sin^2((phi_q - phi_1)/2)
    r1 = r[:, :1]
    s = np.sin(np.pi * (phi[:, 1:] - phi[:, :1]))
    d2 = r[:, 1:] - r1
    d2 *= d2
    s *= s
    s *= r[:, 1:]
    s *= 4.0 * r1
    d2 += s
    terms = f_int[:, 1:] * inverse_power(d2, half)  # column q - 2 holds BS q = 2..K
    acc = terms[:, MAX_CLUSTER - 1:].sum(axis=1)  # q = MAX_CLUSTER + 1 .. K
    acc += _mean_tail(r2[:, 0], r2[:, -1], beta, density)
    suffix = np.empty((n, MAX_CLUSTER))
    suffix[:, MAX_CLUSTER - 1] = acc  # N = MAX_CLUSTER
    for q in range(MAX_CLUSTER, 1, -1):  # add BS q: interference for N = q - 1
        acc = acc + terms[:, q - 2]
        suffix[:, q - 2] = acc
    idx = sizes - 1
    return echo[:, idx] / (p_t * suffix[:, idx])
