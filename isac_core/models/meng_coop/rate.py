"""Average rate of cooperative CoMP transmission (Meng & Masouros, Sec. IV, Lemma 2, Theorem 2).

The typical user at the origin is served by its nearest BS (distance ``r``), which
asks the next ``L - 1`` nearest BSs (up to ``r_L``) to join a non-coherent joint
transmission; each accepts independently with probability ``kappa_c``. In the
interference-limited model of eq. (8), normalised by ``r^-alpha``,

    SIR_c = (g_1 + sum_{i in Phi_a} g_i (r/||d_i||)^alpha)
            / sum_{j not in Phi_a, j != 1} h_j (r/||d_j||)^alpha,

    g ~ Gamma(M_t - 1, p^c)  (exact under ZF),   h ~ Exp(1)  (the paper's moment match),

and ``R_c = E[ln(1 + SIR_c)]`` in nats (eq. (9); Hamdi's lemma, eq. (17), which
needs *independent* numerator and denominator).

Analysis (all rates in nats):

* :func:`e_k` -- the PGFL exponent ``E_K(y) = 2 int_1^inf [1 - (1 + y t^-alpha)^-K] t dt``
  as the positive sum ``delta y^delta sum_{i<K} B(y/(1+y); 1-delta, delta+i)``,
  ``delta = 2/alpha``, evaluated with one incomplete beta function and the stable
  forward recurrence ``(1+i) B_{i+1} = (delta+i) B_i + x^(1-delta) (1-x)^(delta+i)``;
* :func:`h1`, :func:`h2` -- Lemma 2, eqs. (19)-(21)/(25)-(27), in the
  cancellation-free forms ``H_1(x, K, alpha, eta) = E_K(x) - eta^-2 E_K(x eta^alpha)``
  and ``H_2(x, alpha, eta) = eta^-2 E_1(x eta^alpha)``. They equal the paper's
  closed forms once its garbled incomplete beta is read as the non-regularised
  ``B(x; a, b) = int_0^x t^(a-1) (1-t)^(b-1) dt``; the printed ``H_2`` loses digits
  by cancellation when ``x eta^alpha << 1``, these forms do not;
* :func:`rate_theorem2` -- Theorem 2 as printed (``form="paper"``), its exact
  ``L = 1`` case (``eta = 1``, ``H_1 = 0``; the printed density (29) vanishes for
  ``L = 1``), and a variant that averages over ``pi lambda_b r_L^2 ~ Gamma(L, 1)``
  instead of ``r`` (``form="rl_averaged"``; Theorem 2 treats ``r`` and
  ``eta = r/r_L`` as independent, but ``eta`` is independent of ``r_L``);
* :func:`rate_exact` -- the same rate evaluated exactly for the simulated model
  (the ``L - 2`` BSs inside the cluster are a binomial, not a Poisson, process
  given ``r`` and ``r_L``), the reference of the Monte Carlo.

The Monte Carlo counterpart is :func:`rate_samples`: ordered PPP distances in the
normalised units ``lambda_b pi = 1``, Bernoulli acceptance, Gamma / Exp (or exact
zero-forcing) gains and the conditional mean of the interference beyond the
``K``-th BS.

Numerics. The Hamdi integral is a trapezoidal rule in ``u = ln z`` on
``[-40, 20 alpha]`` with step 0.5 (the integrand ``z f(z)`` decays like ``e^u``
and ``e^(-2u/alpha)``, so the rule converges exponentially); ``eta`` enters through
``w = eta^2 ~ Beta(1, L - 1)``, integrated by a trapezoidal rule in ``v`` with
``w = 1/(1 + e^v)`` (uniform in ``ln w`` for small ``w``), which resolves the
ramps of the integrand at ``w ~ z^(-2/alpha)`` that Gauss--Jacobi nodes miss.
The integrand is evaluated in the positive form ``A (1 - e^-D)`` (no difference
of nearly equal terms). Reductions use :func:`isac_core.numerics.integrate` (no
BLAS), so each state point's value does not depend on the other points of the
call.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
from scipy import special as _sp

from ...fading import gamma_power, rayleigh_power
from ...geometry import ppp_ordered_distances
from ...numerics import incomplete_beta_split, integrate, power
from ...validation import exponent_above, unit_interval, whole

__all__ = [
    "MAX_CLUSTER",
    "e_k",
    "h1",
    "h2",
    "rate_theorem2",
    "rate_exact",
    "rate_samples",
]

#: Largest cluster size of the Monte Carlo (desired gains and acceptance variables
#: are drawn for this many positions, whatever sizes are requested).
MAX_CLUSTER = 32

# --------------------------------------------------------------------------- quadrature settings
#
# Hamdi variable: u = ln z on [_U_MIN, _U_MAX_PER_ALPHA * alpha] with step STEP; the
# integrand in u is below e^-40 (relative to its O(1) peak) at both ends.
# Cluster geometry: w = eta^2 = exp(-s), s = ln(1 + e^v), v on a lattice of step
# ETA_STEP from -_W_MASS/(L-1) to _V_MAX (the Beta(1, L-1) mass left out is about
# e^-25 near w = 1 and (L-1) e^-30 near w = 0). Halving both steps changes R_c by
# less than 1e-8 nats (tests/unit/test_meng_coop_rate.py).
_U_MIN = -40.0
_U_MAX_PER_ALPHA = 20.0
STEP = 0.5
ETA_STEP = 0.5
_W_MASS = 25.0
_V_MAX = 30.0
N_ETA = 96  # Gauss-Jacobi nodes of the optional eta_rule="gauss_jacobi"
_P_BLOCK = 8  # p^c values per vectorised block (bounds the memory of the (p, z, eta) arrays)
_FORMS = ("paper", "rl_averaged")
_ETA_RULES = ("log", "gauss_jacobi")
_GAINS = ("model", "zf")


# --------------------------------------------------------------------------- Lemma 2


def _e1(y, alpha: float):
    """``E_1(y) = delta y^delta B(y/(1+y); 1-delta, delta)`` for ``y >= 0`` (finite)."""
    if alpha == 4.0:
        r = np.sqrt(y)
        return r * np.arctan(r)
    delta = 2.0 / alpha
    xc = 1.0 / (1.0 + y)
    return delta * np.power(y, delta) * incomplete_beta_split(y * xc, xc, 1.0 - delta, delta)


def _ek(y, K: int, alpha: float):
    """``E_K(y)`` by the forward recurrence on ``C_i = delta y^delta B(x; 1-delta, delta+i)``.

    ``C_{i+1} = [(delta + i) C_i + delta y (1+y)^-(i+1)] / (1 + i)``; every term is
    non-negative, so the sum carries no cancellation.
    """
    c = _e1(y, alpha)
    if K == 1:
        return c
    delta = 2.0 / alpha
    xc = 1.0 / (1.0 + y)
    term = delta * y * xc  # delta y (1+y)^-(i+1)
    total = c.copy()
    for i in range(K - 1):
        c = ((delta + i) * c + term) * (1.0 / (1.0 + i))
        total += c
        if i < K - 2:
            term = term * xc
    return total


def e_k(y, K, alpha):
    r"""PGFL exponent :math:`E_K(y) = 2\int_1^\infty [1 - (1 + y t^{-\alpha})^{-K}]\, t\, dt`.

    .. math:: E_K(y) = \delta y^\delta \sum_{i=0}^{K-1} B\!\left(\tfrac{y}{1+y};\, 1-\delta,\, \delta+i\right),
              \qquad \delta = 2/\alpha,

    with the non-regularised incomplete beta function. It is ``pi^-1`` times the
    Laplace exponent of Gamma(K, 1)-faded unit-density PPP interference outside
    the unit disc, evaluated at ``y``. Computed from one incomplete beta value and
    the positive recurrence ``(1+i) B_{i+1} = (delta+i) B_i + x^(1-delta) (1-x)^(delta+i)``
    (``x = y/(1+y)``; from integrating ``d[t^a (1-t)^b]``). For ``alpha = 4``,
    ``E_1(y) = sqrt(y) arctan(sqrt(y))``. Small ``y``: ``E_K ~ K y delta/(1 - delta)``.

    Parameters
    ----------
    y : array_like
        Non-negative finite argument.
    K : int
        Gamma shape (whole number >= 1).
    alpha : float
        Path-loss exponent (> 2).

    Returns
    -------
    ndarray
    """
    alpha = exponent_above(alpha, "alpha")
    K = whole(K, "K", 1, scalar=True)
    y = np.asarray(y, float)
    if np.any(~((y >= 0.0) & np.isfinite(y))):
        raise ValueError("y must be finite and >= 0")
    return _ek(y, K, alpha)[()]


def _check_x_eta(x, eta):
    x, eta = np.broadcast_arrays(np.asarray(x, float), np.asarray(eta, float))
    if np.any(~((x >= 0.0) & np.isfinite(x))):
        raise ValueError("x must be finite and >= 0")
    if np.any(~((eta > 0.0) & (eta <= 1.0))):
        raise ValueError("eta must lie in (0, 1]")
    return x, eta


def h1(x, K, alpha, eta):
    r"""Cluster exponent :math:`H_1(x, K, \alpha, \eta)` of Lemma 2, eqs. (19)-(20)/(26)-(27).

    .. math:: H_1 = 2\int_1^{1/\eta} [1 - (1 + x t^{-\alpha})^{-K}]\, t\, dt
              = E_K(x) - \eta^{-2} E_K(x\eta^\alpha),

    the PGFL exponent (normalised by ``pi lambda r^2``) of the Gamma(K, 1)-faded
    BSs of the annulus ``r < ||x|| <= r_L``, ``eta = r / r_L``, with path gains
    normalised by ``r^-alpha``. :math:`E[e^{-zU}] = \exp(-\pi\kappa_c\lambda_b r^2 H_1(z p^c, M_t-1, \alpha, \eta))`
    and :math:`E[e^{-zI_1}] = \exp(-\pi(1-\kappa_c)\lambda_b r^2 H_1(z, 1, \alpha, \eta))`.
    Equal to the printed closed form
    ``eta^-2 [1 - (1 + x eta^alpha)^-K] + (1 + x)^-K - 1 + K x^delta [B(x/(1+x); 1-delta, K+delta)
    - B(x eta^alpha/(1 + x eta^alpha); 1-delta, K+delta)]`` (with
    ``B(x; a, b) = int_0^x t^(a-1) (1-t)^(b-1) dt``; the extraction garbles
    this definition, and the text after eq. (18) omits ``||d_i||^-alpha`` in ``U``).
    ``H_1 = 0`` at ``eta = 1``.

    Parameters
    ----------
    x : array_like
        Non-negative argument.
    K : int
        Gamma shape of the fading (``M_t - 1`` for the signal, 1 for interference).
    alpha : float
        Path-loss exponent (> 2).
    eta : array_like
        ``r / r_L`` in ``(0, 1]``; broadcast against ``x``.

    Returns
    -------
    ndarray
    """
    alpha = exponent_above(alpha, "alpha")
    K = whole(K, "K", 1, scalar=True)
    x, eta = _check_x_eta(x, eta)
    out = _ek(x, K, alpha) - _ek(x * np.power(eta, alpha), K, alpha) / (eta * eta)
    return np.where(eta == 1.0, 0.0, out)[()]


def h2(x, alpha, eta):
    r"""Out-of-cluster exponent :math:`H_2(x, \alpha, \eta)` of Lemma 2, eqs. (21)/(25).

    .. math:: H_2 = 2\int_{1/\eta}^\infty [1 - (1 + x t^{-\alpha})^{-1}]\, t\, dt
              = \eta^{-2} E_1(x\eta^\alpha)
              = \delta x^\delta B\!\left(\tfrac{x\eta^\alpha}{1 + x\eta^\alpha};\, 1-\delta,\, \delta\right),

    so that :math:`E[e^{-zI_2}] = \exp(-\pi\lambda_b r^2 H_2(z, \alpha, \eta))`. The
    printed form ``x^delta B(x eta^alpha/(1 + x eta^alpha); 1-delta, 1+delta) +
    eta^-2 [(1 + x eta^alpha)^-1 - 1]`` is equal but cancels when ``x eta^alpha << 1``.
    ``H_2(x, 4, 1) = sqrt(x) arctan(sqrt(x))``.

    Parameters
    ----------
    x : array_like
        Non-negative argument.
    alpha : float
        Path-loss exponent (> 2).
    eta : array_like
        ``r / r_L`` in ``(0, 1]``; broadcast against ``x``.

    Returns
    -------
    ndarray
    """
    alpha = exponent_above(alpha, "alpha")
    x, eta = _check_x_eta(x, eta)
    return (_e1(x * np.power(eta, alpha), alpha) / (eta * eta))[()]


# --------------------------------------------------------------------------- Theorem 2: node tables


def _readonly(x):
    x = np.ascontiguousarray(x, dtype=float)
    x.flags.writeable = False
    return x


@lru_cache(maxsize=16)
def _z_nodes(alpha: float, step: float):
    """Trapezoid nodes ``z = e^u`` on ``[_U_MIN, 20 alpha]`` and the weight (``dz/z = du``)."""
    n = int(np.ceil((_U_MAX_PER_ALPHA * alpha - _U_MIN) / step)) + 1
    return _readonly(np.exp(_U_MIN + step * np.arange(n))), step


@lru_cache(maxsize=64)
def _w_nodes(L: int, rule: str, param: float):
    """Nodes and weights of ``w = eta^2 ~ Beta(1, L - 1)`` (``L >= 2``); the weights sum to 1.

    ``rule="log"`` (``param`` = step ``h``): ``w = exp(-s)``, ``s = ln(1 + e^v)``, trapezoid
    in ``v``, weight ``h (L-1) w (1-w)^(L-1)`` (``ds/dv = 1 - w``). Uniform in ``ln w``
    for small ``w`` and logarithmic near ``w = 1``, so the rule converges
    spectrally even though, for large ``z``, the integrand has ramps of width
    O(1) in ``ln w`` at ``w ~ z^(-2/alpha)``, far below the smallest Gauss node.

    ``rule="gauss_jacobi"`` (``param`` = number of nodes): Gauss--Jacobi nodes for
    ``(L-1) (1-w)^(L-2)`` on ``[0, 1]``; with ``w = (1 + s)/2`` the weight is
    ``(L-1) 2^-(L-1) (1-s)^(L-2)`` on ``[-1, 1]``. It cannot resolve those ramps
    and converges only like ``n^-2`` (about 1e-3 nats at 96 nodes for
    ``kappa_c = 1``); kept for comparison.
    """
    if rule == "gauss_jacobi":
        s, wt = _sp.roots_jacobi(int(param), float(L - 2), 0.0)
        return _readonly(0.5 * (1.0 + s)), _readonly(wt * ((L - 1) * 0.5 ** (L - 1)))
    h = float(param)
    v = h * np.arange(int(np.floor(-_W_MASS / (L - 1) / h)), int(np.ceil(_V_MAX / h)) + 1)
    s = np.logaddexp(0.0, v)
    w = np.exp(-s)
    return _readonly(w), _readonly(h * (L - 1) * w * (-np.expm1(-s)) ** (L - 1))


@lru_cache(maxsize=64)
def _cluster_tables(L: int, alpha: float, step: float, rule: str, param: float):
    """``z eta^alpha`` and ``eta^-2 E_1(z eta^alpha)``, shape ``(n_z, n_eta)``."""
    z, _ = _z_nodes(alpha, step)
    w, _ = _w_nodes(L, rule, param)
    z_eta = z[:, None] * np.power(w, 0.5 * alpha)[None, :]
    return _readonly(z_eta), _readonly(_e1(z_eta, alpha) / w[None, :])


@lru_cache(maxsize=16)
def _e1_nodes(alpha: float, step: float):
    """``E_1(z)`` on the ``z`` nodes (``= H_2(z, alpha, 1)``)."""
    z, _ = _z_nodes(alpha, step)
    return _readonly(_e1(z, alpha))


# --------------------------------------------------------------------------- Theorem 2: kernels


def _one_minus_signal_lt(p, z, Q: int):
    """``1 - (1 + p z)^-Q`` without cancellation; ``p`` shape ``(n_p, 1)``."""
    return -np.expm1(-Q * np.log1p(p * z))


def _rate_single(p, alpha: float, Q: int, step: float):
    """Exact ``L = 1`` rate: ``int [1 - (1 + p z)^-Q] / (z [1 + E_1(z)]) dz``."""
    z, h = _z_nodes(alpha, step)
    vals = _one_minus_signal_lt(p[:, None], z[None, :], Q) / (1.0 + _e1_nodes(alpha, step))
    return integrate(vals, np.full(len(z), h))


def _rate_cluster(p, L: int, kappa: float, alpha: float, Q: int, form: str, step: float, rule: str,
                  param: float):
    r"""Theorem 2 (or its ``r_L``-averaged variant) for one ``(L >= 2, kappa)`` and an array of ``p``.

    With ``s = 1, P = 1`` (paper) or ``s = eta^2, P = L`` (``r_L`` average) the
    integrand in ``u = ln z`` is ``E_eta[A (1 - e^-D)]``, where
    ``A = (1 + s X_I)^-P`` and ``D = Q ln(1 + p z) + P ln(1 + s X_U / (1 + s X_I))``;
    ``X_I = (1 - kappa) E_1(z) + kappa eta^-2 E_1(z eta^alpha)`` (``= (1-kappa) H_1 + H_2``)
    and ``X_U = kappa [E_Q(p z) - eta^-2 E_Q(p z eta^alpha)]``.
    """
    z, h = _z_nodes(alpha, step)
    w, w_wt = _w_nodes(L, rule, param)
    z_eta, e1_eta = _cluster_tables(L, alpha, step, rule, param)
    x_i = (1.0 - kappa) * _e1_nodes(alpha, step)[:, None] + kappa * e1_eta  # (n_z, n_eta)
    if form == "paper":
        expo = 1.0
        a = 1.0 / (1.0 + x_i)
        scale = kappa * a  # s kappa / (1 + s X_I)
    else:
        expo, s = float(L), w[None, :]
        sx = 1.0 + s * x_i
        a = np.power(sx, -expo)
        scale = kappa * s / sx
    weighted = a * w_wt  # eta weights folded in
    inv_w = 1.0 / w
    z_step = np.full(len(z), h)
    out = np.empty(len(p))
    for start in range(0, len(p), _P_BLOCK):
        pb = p[start:start + _P_BLOCK, None, None]  # (n_b, 1, 1)
        ek_near = _ek(pb[:, :, 0] * z[None, :], Q, alpha)[:, :, None]  # E_Q(p z), (n_b, n_z, 1)
        ek_far = _ek(pb * z_eta[None], Q, alpha)  # E_Q(p z eta^alpha), (n_b, n_z, n_eta)
        ek_far *= inv_w
        np.subtract(ek_near, ek_far, out=ek_far)  # H_1(p z, Q, alpha, eta) >= 0
        ek_far *= scale
        d = np.log1p(ek_far, out=ek_far)
        if expo != 1.0:
            d *= expo
        d += (Q * np.log1p(pb[:, :, 0] * z[None, :]))[:, :, None]
        np.negative(d, out=d)
        vals = np.expm1(d, out=d)
        np.negative(vals, out=vals)
        inner = integrate(vals, weighted)  # (n_b, n_z)
        out[start:start + _P_BLOCK] = integrate(inner, z_step)
    return out


def rate_theorem2(L, p_c, kappa_c, M_t, alpha, form="paper", *, step=STEP, eta_step=ETA_STEP, eta_rule="log",
                  n_eta=N_ETA):
    r"""Average CoMP rate ``R_c`` of Theorem 2, in nats/s/Hz.

    ``form="paper"`` -- Theorem 2 as printed (Hamdi's lemma, eq. (17), with
    Lemma 2, eqs. (19)-(21), and ``f_r(r) = 2 pi lambda_b r e^{-pi lambda_b r^2}``
    integrated out, eq. (28)):

    .. math:: R_c = \int_0^\infty\!\!\int_0^1 \frac{f_\eta(\eta)}{z}
              \left[\frac{1}{1 + X_I} - \frac{(1 + p^c z)^{1-M_t}}{1 + X_I + X_U}\right] d\eta\, dz,

    ``X_I = (1-kappa_c) H_1(z, 1, alpha, eta) + H_2(z, alpha, eta)``,
    ``X_U = kappa_c H_1(z p^c, M_t-1, alpha, eta)`` and
    ``f_eta(x) = 2(L-1) x (1-x^2)^(L-2)`` (eq. (29)), i.e. ``eta^2 ~ Beta(1, L-1)``.
    It treats ``r`` and ``eta = r/r_L`` as independent, which they are not
    (``eta`` is independent of ``r_L``), and the ``L - 2`` BSs inside the cluster
    as a Poisson process; on the Fig. 4 grids it lies within ``-5.3 %`` and
    ``+5.3 %`` of the exact value :func:`rate_exact` (high for small ``L`` with
    ``kappa_c ~ 1``, low for large ``L``) and up to ``-16 %`` at small ``p^c``.

    ``form="rl_averaged"`` -- the same Lemma 2 exponents written as
    ``pi lambda_b r_L^2 eta^2 X`` and averaged over ``pi lambda_b r_L^2 ~ Gamma(L, 1)``:
    ``(1 + eta^2 X_I)^-L - (1 + p^c z)^(1-M_t) (1 + eta^2 (X_I + X_U))^-L`` in the
    brackets (not in the paper; within ``-1.1 %`` and ``+0.3 %`` of :func:`rate_exact`
    on the Fig. 4 grids).

    ``L = 1`` (both forms): ``eta = 1`` and ``H_1 = 0`` (eq. (29) has no density
    there), giving the exact result under the model

    .. math:: R_c(1) = \int_0^\infty \frac{1 - (1 + p^c z)^{1-M_t}}{z\,[1 + H_2(z, \alpha, 1)]}\, dz.

    ``lambda_b`` cancels; the rate depends on the densities only through
    ``kappa_c``. ``R_c = 0`` at ``p^c = 0``.

    Parameters
    ----------
    L : array_like of int
        Cluster sizes (whole numbers >= 1).
    p_c : array_like
        Communication power fraction ``p^c`` in ``[0, 1]`` (``p^c + p^s = 1``).
    kappa_c : array_like
        Acceptance probability of a cooperation request in ``[0, 1]`` (unused at
        ``L = 1``). ``L``, ``p_c`` and ``kappa_c`` are broadcast together.
    M_t : int
        Transmit antennas (whole number >= 2); the signal gain is Gamma(M_t - 1, p^c).
    alpha : float
        Path-loss exponent (> 2).
    form : {"paper", "rl_averaged"}
    step : float, keyword-only
        Trapezoid step in ``ln z`` (default 0.5).
    eta_step : float, keyword-only
        Trapezoid step of the ``eta`` rule ``eta^2 = 1/(1 + e^v)`` (default 0.5).
    eta_rule : {"log", "gauss_jacobi"}, keyword-only
        ``"log"`` (default): the trapezoid rule in ``v``. ``"gauss_jacobi"``:
        ``n_eta`` Gauss--Jacobi nodes in ``eta^2`` for the weight ``(1 - eta^2)^(L-2)``,
        which converges only algebraically (see Notes); for comparison.
    n_eta : int, keyword-only
        Nodes of the Gauss--Jacobi rule (default 96).

    Returns
    -------
    ndarray
        ``R_c`` [nat/s/Hz], broadcast shape of ``(L, p_c, kappa_c)``. Each entry
        depends only on its own arguments.

    Notes
    -----
    Both rules in ``u = ln z`` and ``v`` are trapezoidal and converge spectrally:
    halving both steps changes ``R_c`` by less than 1e-8 nats (defaults: 241 ``z``
    nodes for ``alpha = 4``, 64--111 ``eta`` nodes). For large ``z`` the ``eta``
    integrand has a ramp at ``eta^2 ~ z^(-2/alpha)``; Gauss--Jacobi nodes in ``eta^2``
    miss it and converge like ``n^-2`` (at 96 nodes the error reaches 2e-3 nats for
    ``kappa_c = 1``, ``L = 20``), hence the logarithmic rule. The node tables are
    cached per ``(L, alpha, step, rule)``.
    """
    if form not in _FORMS:
        raise ValueError(f"form must be one of {_FORMS}, got {form!r}")
    alpha = exponent_above(alpha, "alpha")
    Q = whole(M_t, "M_t", 2, scalar=True) - 1
    step = float(step)
    if not (0.0 < step <= 1.0):
        raise ValueError("step must lie in (0, 1]")
    if eta_rule not in _ETA_RULES:
        raise ValueError(f"eta_rule must be one of {_ETA_RULES}, got {eta_rule!r}")
    if eta_rule == "log":
        param = float(eta_step)
        if not (0.0 < param <= 1.0):
            raise ValueError("eta_step must lie in (0, 1]")
    else:
        param = float(whole(n_eta, "n_eta", 2, scalar=True))
    return _per_cluster(L, p_c, kappa_c, lambda p: _rate_single(p, alpha, Q, step),
                        lambda p, n, k: _rate_cluster(p, n, k, alpha, Q, form, step, eta_rule, param))


def _per_cluster(L, p_c, kappa_c, single, cluster):
    """Broadcast ``(L, p_c, kappa_c)``, check them, and evaluate ``single(p)`` at ``L = 1`` and
    ``cluster(p, L, kappa)`` once per distinct ``(L >= 2, kappa)``; the result has the broadcast shape."""
    L, p, kappa = np.broadcast_arrays(np.asarray(L, float), np.asarray(p_c, float), np.asarray(kappa_c, float))
    whole(L, "L", 1)
    unit_interval(p, "p_c")
    unit_interval(kappa, "kappa_c")
    out = np.empty(L.shape)
    flat_L, flat_p, flat_k, flat_out = L.ravel(), p.ravel(), kappa.ravel(), out.reshape(-1)
    one = flat_L == 1.0
    if one.any():
        flat_out[one] = single(flat_p[one])
    rest = ~one
    if rest.any():
        keys = np.stack([flat_L[rest], flat_k[rest]], axis=-1)
        idx = np.flatnonzero(rest)
        for n, k in np.unique(keys, axis=0):
            sel = idx[(keys[:, 0] == n) & (keys[:, 1] == k)]
            flat_out[sel] = cluster(flat_p[sel], int(n), float(k))
    return out[()]


# --------------------------------------------------------------------------- exact evaluation


def _annulus_mean(x, K: int, alpha: float, w, c):
    """Mean of ``1 - (1 + x rho)^-K`` over one BS uniform (in area) between ``r`` and ``r_L``.

    ``rho = (r/d)^alpha`` with ``d^2`` uniform on ``(r^2, r_L^2)``; the mean is
    ``H_1(x, K, alpha, eta) eta^2 / (1 - eta^2)`` (``c = w / (1 - w)``, ``w = eta^2``).
    It lies in ``[0, 1]``; the difference inside ``H_1`` loses accuracy for huge ``x``
    with ``w`` near 1 (e.g. 0.998 instead of 1 at ``x = 1e14``, ``1 - w = 1e-6``), so the
    result is clipped to ``[0, 1]``. On the quadrature nodes (``1 - w >= 3.7e-6``) such
    points carry a weight ``(1 + E_1)^-L`` below 1e-20, so the rate is not affected.
    """
    h = _ek(x, K, alpha) - _ek(x * np.power(w, 0.5 * alpha), K, alpha) / w
    return np.clip(c * h, 0.0, 1.0)


def _rate_cluster_exact(p, L: int, kappa: float, alpha: float, Q: int, step: float, eta_step: float):
    r"""Exact ``R_c`` of the simulated model for one ``(L >= 2, kappa)`` and an array of ``p``.

    Given ``w = eta^2`` (``eta = r/r_L``), the BS at ``r_L`` has ``rho = eta^alpha``, the
    ``L - 2`` BSs between are independent and uniform in area on the annulus, and the
    BSs beyond ``r_L`` form a PPP; with ``pi lambda_b r_L^2 ~ Gamma(L, 1)`` independent
    of ``w ~ Beta(1, L-1)``, the Laplace transforms average to

    ``E[e^-zI] = (1 + E_1(z eta^alpha))^-L m_I^(L-2) phi_I``,
    ``E[e^-z(S+I)] = (1 + p z)^-Q (1 + E_1(z eta^alpha))^-L m_S^(L-2) phi_S``,

    ``m_I = 1 - (1-kappa) a_1(z)``, ``m_S = kappa (1 - a_Q(p z)) + (1-kappa) (1 - a_1(z))``
    (``a_K`` = :func:`_annulus_mean`), ``phi_I = kappa + (1-kappa)/(1 + z eta^alpha)`` and
    ``phi_S = kappa (1 + p z eta^alpha)^-Q + (1-kappa)/(1 + z eta^alpha)``. The integrand
    of Hamdi's lemma is ``A (1 - e^-D)`` with ``A = E[e^-zI]`` and
    ``D = Q ln(1 + p z) - (L-2) ln(m_S/m_I) - ln(phi_S/phi_I) >= 0``, where
    ``m_I - m_S = kappa a_Q(p z)`` and ``phi_I - phi_S = kappa [1 - (1 + p z eta^alpha)^-Q]``.
    """
    z, h = _z_nodes(alpha, step)
    w, w_wt = _w_nodes(L, "log", eta_step)
    z_eta, _ = _cluster_tables(L, alpha, step, "log", eta_step)
    c = w / -np.expm1(np.log(w))  # w / (1 - w)
    zc = z[:, None]
    a_i = _annulus_mean(np.broadcast_to(zc, z_eta.shape), 1, alpha, w[None, :], c[None, :])
    m_i = 1.0 - (1.0 - kappa) * a_i
    far = 1.0 / (1.0 + z_eta)  # (1 + z eta^alpha)^-1
    phi_i = kappa + (1.0 - kappa) * far
    base = np.power(1.0 + _e1(z_eta, alpha), -float(L)) * phi_i
    if L > 2:
        base = base * np.power(m_i, L - 2)
    weighted = base * w_wt
    z_step = np.full(len(z), h)
    out = np.empty(len(p))
    for i, pc in enumerate(p):
        signal = Q * np.log1p(pc * z)  # (n_z,)
        d = np.broadcast_to(signal[:, None], z_eta.shape).copy()
        # ln(phi_I/phi_S) and ln(m_I/m_S) as -log1p(-(difference)/(larger)): exactly 0 at p = 0
        # (+inf where phi_S or m_S is 0 in floating point: the integrand is then A)
        d_phi = kappa * -np.expm1(-Q * np.log1p(pc * z_eta))  # phi_I - phi_S
        with np.errstate(divide="ignore", invalid="ignore"):
            d -= np.log1p(-np.minimum(d_phi / phi_i, 1.0))
            if L > 2:
                a_s = _annulus_mean(pc * np.broadcast_to(zc, z_eta.shape), Q, alpha, w[None, :], c[None, :])
                share = np.where(m_i > 0.0, np.minimum(kappa * a_s / m_i, 1.0), 0.0)  # (m_I - m_S)/m_I
                d -= (L - 2) * np.log1p(-share)
        vals = -np.expm1(-d)
        out[i] = integrate(integrate(vals, weighted), z_step)
    return out


def rate_exact(L, p_c, kappa_c, M_t, alpha, *, step=STEP, eta_step=ETA_STEP):
    r"""Average CoMP rate ``R_c`` of the simulated model, evaluated exactly (nats/s/Hz).

    Theorem 2 replaces the ``L - 2`` BSs between ``r`` and ``r_L`` by a Poisson
    process (Lemma 2) and treats ``r`` and ``eta = r/r_L`` as independent. Given
    ``r`` and ``r_L`` there are exactly ``L - 2`` BSs in that annulus, independent
    and uniform in area, and ``eta^2 ~ Beta(1, L - 1)`` is independent of
    ``pi lambda_b r_L^2 ~ Gamma(L, 1)`` (Beta--Gamma algebra of the Poisson arrival
    times). With these laws the conditional Laplace transforms of Hamdi's lemma,
    eq. (17), average in closed form over ``r_L`` (see :func:`_rate_cluster_exact`),
    leaving the same double integral over ``z`` and ``eta`` as Theorem 2 and the
    same quadrature rules (converged to about 1e-8 nats). No approximation of the
    model is made, so this is the reference for the Monte Carlo of
    :func:`rate_samples` (which replaces the interference beyond its
    ``n_nearest`` BSs by its conditional mean; for ``n_nearest = 300`` the bias
    this causes is second order in the neglected variance, measured at 6e-8 nats for
    ``L = 1`` and up to about 6e-6 for ``L = 20``, ``kappa_c = 1``: far below the
    Monte Carlo standard error).

    ``L = 1``: Theorem 2's own exact case.

    Parameters
    ----------
    L, p_c, kappa_c, M_t, alpha
        As :func:`rate_theorem2` (broadcast together).
    step, eta_step : float, keyword-only
        Trapezoid steps in ``ln z`` and in the ``eta`` variable (defaults 0.5).

    Returns
    -------
    ndarray
        ``R_c`` [nat/s/Hz], broadcast shape of ``(L, p_c, kappa_c)``.
    """
    alpha = exponent_above(alpha, "alpha")
    Q = whole(M_t, "M_t", 2, scalar=True) - 1
    step, eta_step = float(step), float(eta_step)
    if not (0.0 < step <= 1.0 and 0.0 < eta_step <= 1.0):
        raise ValueError("step and eta_step must lie in (0, 1]")
    return _per_cluster(L, p_c, kappa_c, lambda p: _rate_single(p, alpha, Q, step),
                        lambda p, n, k: _rate_cluster_exact(p, n, k, alpha, Q, step, eta_step))


# --------------------------------------------------------------------------- Monte Carlo (MC-D)

_CHUNK = 4096  # trials per internal block (fixed: the draws depend only on the generator and n_trials)


def rate_samples(rng, n_trials, L, p_c, kappa_c, M_t, alpha, *, gains="model", n_nearest=300):
    r"""Monte Carlo samples of ``ln(1 + SIR_c)`` (eq. (8)-(9)) for several cluster sizes.

    Per trial, in normalised units ``lambda_b pi = 1`` (``lambda_b`` cancels):

    1. the ``K = n_nearest`` nearest BSs, ``Gamma_k = r_k^2`` the arrival times of a
       unit-rate Poisson process (:func:`isac_core.geometry.ppp_ordered_distances`),
       and ``rho_k = (r_1/r_k)^alpha``;
    2. acceptance variables ``U_k ~ U(0, 1)``, ``k = 2..MAX_CLUSTER``: BS ``k`` joins
       a cluster of size ``L`` iff ``U_k < kappa_c(L)`` (Bernoulli(``kappa_c(L)``)
       acceptance, coupled across ``L``);
    3. desired gains ``g_k ~ Gamma(M_t - 1, p^c)``, ``k <= MAX_CLUSTER``, and
       interference gains ``h_k``, ``k = 2..K``: Exp(1) (``gains="model"``, the
       paper's moment match) or the exact zero-forcing law
       ``l_+ E_1 + l_- E_2``, ``l_+- = [1 +- sqrt(1 - 4 p^c p^s (1 - |rho|^2))]/2``,
       ``|rho|^2 ~ Beta(1, M_t - 1)``, ``p^s = 1 - p^c`` (``gains="zf"``;
       :func:`isac_core.models.sui_coop6g.zf.interference_gain` draws this law);
    4. ``S = g_1 + sum_{k=2}^{L} A_k g_k rho_k`` and
       ``I = sum_{k=2}^{L} (1 - A_k) h_k rho_k + sum_{k=L+1}^{K} h_k rho_k + T_K``,
       with ``T_K = rho_K Gamma_K / (alpha/2 - 1) = Gamma_1^(alpha/2) Gamma_K^(1-alpha/2)/(alpha/2 - 1)``,
       the conditional mean of the interference beyond the ``K``-th BS given
       ``Gamma_K``;

    and the sample is ``log1p(S / I)``. One draw serves every ``L``; the column of
    a given ``(L, kappa_c)`` is bit-identical whichever other sizes are requested.

    Parameters
    ----------
    rng : numpy.random.Generator
    n_trials : int
    L : array_like of int
        Cluster sizes, ``1 <= L <= MAX_CLUSTER``.
    p_c : float
        Communication power fraction in ``[0, 1]``.
    kappa_c : array_like
        Acceptance probabilities in ``[0, 1]``, broadcast against ``L`` (one per
        cluster size; ``kappa_c`` depends on ``L``).
    M_t : int
        Transmit antennas (>= 2).
    alpha : float
        Path-loss exponent (> 2).
    gains : {"model", "zf"}
    n_nearest : int
        ``K > MAX_CLUSTER``, BSs simulated explicitly.

    Returns
    -------
    ndarray, shape (n_trials, len(L))
        ``ln(1 + SIR_c)`` samples [nat/s/Hz].

    Notes
    -----
    Trials are drawn in blocks of 4096; within a block the order is distances,
    acceptance uniforms, desired gains, interference gains (so ``"model"`` and
    ``"zf"`` runs from the same generator state share geometry, acceptance and
    desired gains).
    """
    if gains not in _GAINS:
        raise ValueError(f"gains must be one of {_GAINS}, got {gains!r}")
    sizes = np.atleast_1d(np.asarray(L))
    if sizes.ndim != 1:
        raise ValueError("L must be a scalar or a one-dimensional array")
    sizes = whole(sizes, "L", 1, MAX_CLUSTER).astype(int)
    kappa = unit_interval(np.broadcast_to(np.asarray(kappa_c, float), sizes.shape), "kappa_c")
    if np.ndim(p_c) != 0:
        raise ValueError("p_c must be a scalar")
    p_c = float(unit_interval(p_c, "p_c"))
    Q = whole(M_t, "M_t", 2, scalar=True) - 1
    alpha = exponent_above(alpha, "alpha")
    K = whole(n_nearest, "n_nearest", MAX_CLUSTER + 1, scalar=True)
    n_trials = whole(n_trials, "n_trials", 0, scalar=True)
    out = np.empty((n_trials, len(sizes)))
    for start in range(0, n_trials, _CHUNK):
        n = min(_CHUNK, n_trials - start)
        out[start:start + n] = _rate_block(rng, n, sizes, kappa, p_c, Q, alpha, K, gains)
    return out


def _rate_block(rng, n, sizes, kappa, p_c, Q, alpha, K, gains):
    m = MAX_CLUSTER
    r = ppp_ordered_distances(rng, 1.0 / np.pi, K, n)  # (n, K), r_k^2 = Gamma_k
    u = rng.random((m - 1, n))  # acceptance of BSs 2..MAX_CLUSTER (row k-2)
    g = gamma_power(rng, float(Q), (m, n), scale=p_c)  # row k-1
    if gains == "model":
        h = rayleigh_power(rng, (n, K - 1))
    else:
        from ..sui_coop6g import zf

        h = zf.interference_gain(rng, Q + 1, p_c, 1.0 - p_c, (n, K - 1))
    ratio = np.divide(r[:, :1], r[:, 1:])
    ratio = power(ratio, alpha, out=ratio)  # rho_k = (r_1/r_k)^alpha, k = 2..K
    tail = ratio[:, -1] * (r[:, -1] * r[:, -1]) / (0.5 * alpha - 1.0)  # T_K
    hr = np.multiply(h, ratio, out=h)  # (n, K-1), column j <-> BS j + 2
    # cluster positions with trials along the last axis: sums over BSs add whole rows
    rho_c = np.ascontiguousarray(ratio[:, :m - 1].T)  # (m-1, n)
    hr_c = np.ascontiguousarray(hr[:, :m - 1].T)
    gr_c = np.multiply(g[1:], rho_c, out=rho_c)
    # suffix[j] = sum_{k >= j+2} h_k rho_k + T_K, j = 0..m-1
    suffix = np.empty((m, n))
    np.add(hr[:, m - 1:].sum(axis=1), tail, out=suffix[m - 1])
    for j in range(m - 2, -1, -1):
        np.add(suffix[j + 1], hr_c[j], out=suffix[j])
    out = np.empty((len(sizes), n))
    for c, (size, k) in enumerate(zip(sizes, kappa, strict=True)):
        j = size - 1  # number of requested BSs
        if j == 0:
            np.divide(g[0], suffix[0], out=out[c])
        else:
            acc = u[:j] < k
            sig = g[0] + np.where(acc, gr_c[:j], 0.0).sum(axis=0)
            inter = np.where(acc, 0.0, hr_c[:j]).sum(axis=0) + suffix[j]
            np.divide(sig, inter, out=out[c])
    np.log1p(out, out=out)
    return out.T
