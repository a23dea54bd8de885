"""Coverage of an ISAC network with building blockage (Sun et al., Theorems 1-2, eqs 23-41).

BSs form a PPP of density ``lam`` (m^-2). Links are LoS with probability
``P_L(r) = exp(-(beta r + p))`` (independently, :mod:`.blockage`); the typical
UE and the typical sensing target (ST) attach to the nearest *visible* BS,
whose distance has the defective density ``f_V`` of eq (4). LoS links have
unit-mean Rician power (four-term exponential series of Table II,
``P(g > x) ~ sum_k a_k e^(-b_k x)``), NLoS interfering links exponential power
of rate ``mu``, and the target a Swerling-I RCS of mean ``rcs_mean`` (m^2).

Key function (eq 25). Every interference term is

    Phi(a, c; alpha, beta) = int_a^inf e^(-beta x) x / (1 + x^alpha / c) dx,

finite iff ``beta > 0`` or ``alpha > 2`` (:func:`phi`). Without blockage it has
the quasi-closed form (eq 26-27)

    Phi(a, c; alpha, 0) = c a^(2-alpha)/(alpha-2) 2F1(1, 1-delta; 2-delta; -c a^-alpha)
                        = (c^delta / alpha) B(c/(c + a^alpha); 1-delta, delta),  delta = 2/alpha,

with the non-regularised incomplete beta function (evaluated by
:func:`isac_core.numerics.incomplete_beta_split`), ``(sqrt(c)/2) arctan(sqrt(c)/a^2)``
for ``alpha = 4`` (eq 28) and ``c^delta (pi/alpha) / sin(2 pi/alpha)`` for ``a = 0``.
For ``beta > 0`` it is evaluated by fixed-node quadrature. The normalised form
``rho(z; alpha) = Phi(1, z; alpha, 0)`` (:func:`rho`) is the ``rho_k`` of eqs 29-41.

Theorems (with ``z_jk = b_k T / b_j``, ``sigma2`` the noise power):

* Theorem 1, eq 23 (:func:`comm_coverage`):
  ``P_c = sum_k a_k int f_V(r) exp(-b_k T r^aL sigma2/(Pt CL))
  exp(-2 pi lam e^-p sum_j a_j Phi(r, z_jk r^aL; aL, beta))
  exp(-2 pi lam [Phi(0, c_k; aN, 0) - e^-p Phi(0, c_k; aN, beta)]) dr``,
  ``c_k = b_k T CN r^aL / (mu CL)``.
* Theorem 2, eq 24 (:func:`sensing_coverage`): the same structure for the echo
  ``Pt CE sigma d^-aE`` with one exponential (Swerling I), LoS BS-BS interference
  beyond ``d_0`` (the paper's exclusion), NLoS BS-BS interference from 0, and the
  target-reflection cascade (TRC) ``Phi(d, T d^(aE/2); aE/2, beta)``.
* Theorem 2' (:func:`sensing_coverage_exact`): the exact single-network version
  without the ``d_0`` exclusion, with the coupling between the TRC and the BS-BS
  interference of the same BSs (two extra 2-D integrals).
* Corollaries 1-2, eqs 29 and 36 (:func:`comm_coverage_no_blockage`,
  :func:`sensing_coverage_no_blockage`), and Special Cases 1-6, eqs 30-35 and
  37-41 (:func:`special_case_1` ... :func:`special_case_6`).

Numerics. The outer integral over the serving distance uses a composite
Gauss--Legendre rule on *aligned* logarithmic panels ``[10^(m/4), 10^((m+1)/4)]`` m
(10 nodes each, from ``1e-4`` of the nearest-neighbour scale
``(pi lam e^-p)^-1/2`` to ``max(40`` times that scale, ``80/beta)``) plus one 16-node
panel from 0. All densities of one call share the panels, so the
``lam``-independent interference integrals are evaluated once per node. The
LoS / TRC integrals ``Phi(r, .)`` use ``x = r t`` with ``t`` on panels of
``[1, 1e9]`` (graded near ``t = 1``, logarithmic beyond, 10 nodes each, analytic
tail ``t^(2-alpha) E_(alpha-1)``); the factor ``e^(-beta r t)`` is tabulated once per
node and the rational factor once per threshold, and a node drops the ``t`` panels
where ``e^(-beta r t)`` is exactly zero. The NLoS integrals use ``x = c^(1/aN) y``
with ``y`` on ``[0, 1e5]`` and the positive form
``int (1 - e^(-p - beta x)) x / (1 + x^aN/c) dx`` (no cancellation); ``1 - MGF``
of a Rician interferer as ``sum_j a_j v/(b_j + v)``. Reductions use
:func:`isac_core.numerics.integrate` (no BLAS), so every state point's value
depends only on its own parameters, not on the batch it is computed in.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
from scipy import special as _sp

from ...numerics import composite_gauss_legendre, gauss_legendre, incomplete_beta_split, integrate
from ...validation import exponent_above, nonnegative, positive
from .blockage import nearest_visible_pdf, rician_series

__all__ = [
    "phi",
    "phi_hyp2f1",
    "phi_arctan",
    "hyp2f1_euler",
    "rho",
    "comm_coverage",
    "sensing_coverage",
    "sensing_coverage_exact",
    "comm_coverage_no_blockage",
    "sensing_coverage_no_blockage",
    "special_case_1",
    "special_case_2",
    "special_case_3",
    "special_case_4",
    "special_case_5",
    "special_case_6",
]

# --------------------------------------------------------------------------- quadrature settings

_OUTER_PER_DECADE = 4  # aligned outer panels per decade of distance
_OUTER_NODES = 10
_FIRST_NODES = 16  # panel [0, r_lo]
_R_LO = 1e-4  # r_lo / r_n
_R_HI_NN = 40.0  # r_hi >= 40 r_n
_R_HI_BETA = 80.0  # r_hi >= 80 / beta

_T_MAX = 1e9  # Phi(r, .) = r^2 int_1^T_MAX ... dt + analytic tail
_T_PER_DECADE = 2
_T_NODES = 10
_T_NEAR1 = (1.0, 1.02, 1.07, 1.2, 1.5, 2.0)  # graded panels for large beta r

_Y_LO = 1e-3  # Phi(0, c) = c^(2/alpha) int_0^Y_MAX ... dy + analytic tail
_Y_MAX = 1e5
_Y_PER_DECADE = 2
_Y_NODES = 10
_S_LARGE = 1.0  # phi(): Laplace-variable rules once beta a (or beta c^(1/alpha)) exceeds this
_V_HI = 750.0

_U_LO = 1e-14  # corollaries: u = pi lam d^2 on [0, U_LO] + log panels to U_HI
_U_HI = 60.0
_U_PER_DECADE = 2
_U_NODES = 8

_EXP_CUT = 700.0  # analytic tails vanish (E_nu(x) < e^-x) beyond
_EXP_ZERO = 746.0  # e^-x rounds to 0.0 beyond
_CHUNK = 2_000_000  # elements per vectorised block

# --------------------------------------------------------------------------- node tables


def _log_edges(lo: float, hi: float, per_decade: int):
    n = max(1, int(np.ceil(per_decade * np.log10(hi / lo) - 1e-9)))
    return tuple(np.geomspace(lo, hi, n + 1))


@lru_cache(maxsize=4)
def _t_rule():
    """Nodes/weights on ``[1, _T_MAX]`` for ``int_1^inf e^(-s t) t / (1 + t^alpha/z) dt``."""
    return composite_gauss_legendre(_T_NEAR1 + _log_edges(_T_NEAR1[-1], _T_MAX, _T_PER_DECADE)[1:], _T_NODES)


@lru_cache(maxsize=4)
def _y_rule():
    """Nodes/weights on ``[0, _Y_MAX]`` for ``int_0^inf (.) y / (1 + y^alpha) dy``."""
    return composite_gauss_legendre((0.0,) + _log_edges(_Y_LO, _Y_MAX, _Y_PER_DECADE), _Y_NODES)


@lru_cache(maxsize=4)
def _v_rule():
    """Nodes/weights on ``[0, _V_HI]`` for ``int_0^inf e^-v (.) dv`` (large-attenuation forms of :func:`phi`)."""
    return composite_gauss_legendre((0.0,) + _log_edges(_Y_LO, _V_HI, _Y_PER_DECADE), _Y_NODES)


@lru_cache(maxsize=4)
def _u_rule():
    """Nodes/weights on ``[0, _U_HI]`` for ``int_0^inf e^-u (.) du`` (corollaries)."""
    return composite_gauss_legendre((0.0,) + _log_edges(_U_LO, _U_HI, _U_PER_DECADE), _U_NODES)


def _edge(m: int) -> float:
    return 10.0 ** (m / _OUTER_PER_DECADE)


def _outer_window(lam: float, beta: float, p: float):
    """Aligned panel indices ``(m_lo, m_hi)`` of the outer rule for one density."""
    r_n = 1.0 / np.sqrt(np.pi * lam * np.exp(-p))
    r_hi = _R_HI_NN * r_n
    if beta > 0.0:
        r_hi = max(r_hi, _R_HI_BETA / beta)
    m_lo = int(np.floor(_OUTER_PER_DECADE * np.log10(_R_LO * r_n)))
    m_hi = int(np.ceil(_OUTER_PER_DECADE * np.log10(r_hi)))
    return m_lo, max(m_hi, m_lo + 1)


def _outer_rule(lam_u: np.ndarray, beta: float, p: float):
    """Union of the outer nodes of several densities.

    Returns ``(nodes, weights, index)`` where ``index[i]`` selects the nodes (and
    weights) of density ``lam_u[i]``: the panel ``[0, 10^(m_lo/4)]`` followed by the
    aligned panels up to ``10^(m_hi/4)``. The nodes of a density are the same
    whatever the other densities of the call.
    """
    windows = [_outer_window(float(lam), beta, p) for lam in lam_u]
    m0 = min(w[0] for w in windows)
    m1 = max(w[1] for w in windows)
    parts_x, parts_w, offsets = [], [], {}
    pos = 0
    for m in range(m0, m1):
        x, w = gauss_legendre(_OUTER_NODES, _edge(m), _edge(m + 1))
        parts_x.append(x)
        parts_w.append(w)
        offsets[("panel", m)] = pos
        pos += x.size
    for m in sorted({w[0] for w in windows}):
        x, w = gauss_legendre(_FIRST_NODES, 0.0, _edge(m))
        parts_x.append(x)
        parts_w.append(w)
        offsets[("first", m)] = pos
        pos += x.size
    nodes = np.concatenate(parts_x)
    weights = np.concatenate(parts_w)
    index = []
    for m_lo, m_hi in windows:
        first = offsets[("first", m_lo)] + np.arange(_FIRST_NODES)
        start = offsets[("panel", m_lo)]
        rest = np.arange(start, start + (m_hi - m_lo) * _OUTER_NODES)
        index.append(np.concatenate([first, rest]))
    return nodes, weights, index


# --------------------------------------------------------------------------- input checks


def _check_exponent(alpha, name, minimum=0.0) -> float:
    return exponent_above(alpha, name, minimum, why="the interference is infinite otherwise")


def _check_common(beta, p, pt, noise_power, mu):
    beta = nonnegative(beta, "beta (m^-1)", scalar=True)
    p = nonnegative(p, "p", scalar=True)
    pt = positive(pt, "pt (W)", scalar=True)
    noise_power = nonnegative(noise_power, "noise_power (W)", scalar=True)
    mu = positive(mu, "mu", scalar=True)
    return beta, p, pt, noise_power, mu


# --------------------------------------------------------------------------- special functions


def _expint_e(nu: float, x):
    """Generalised exponential integral ``E_nu(x) = int_1^inf e^(-x u) u^-nu du`` (``x >= 0``, ``nu > -1``)."""
    x = np.asarray(x, dtype=float)
    if nu == np.floor(nu) and nu >= 0.0:
        with np.errstate(divide="ignore"):
            return _sp.expn(int(nu), x)
    out = np.empty_like(x)
    zero = x == 0.0
    out[zero] = 1.0 / (nu - 1.0) if nu > 1.0 else np.inf
    xp = x[~zero]
    nu0 = nu - np.floor(nu) if nu > 0.0 else nu  # in (-1, 1), non-integer
    val = xp ** (nu0 - 1.0) * _sp.gammaincc(1.0 - nu0, xp) * _sp.gamma(1.0 - nu0)
    m = nu0
    while m < nu - 0.5:  # upward recurrence E_{m+1} = (e^-x - x E_m) / m
        val = (np.exp(-xp) - xp * val) / m
        m += 1.0
    out[~zero] = val
    return out


def _power_tail(s, alpha: float, x_max: float):
    """``int_{x_max}^inf e^(-s x) x^(1-alpha) dx = x_max^(2-alpha) E_(alpha-1)(s x_max)``."""
    s = np.asarray(s, dtype=float)
    arg = s * x_max
    out = np.zeros_like(arg)
    live = arg < _EXP_CUT
    if np.any(live):
        out[live] = x_max ** (2.0 - alpha) * _expint_e(alpha - 1.0, arg[live])
    return out


def _phi_closed(a, c, alpha: float):
    """``Phi(a, c; alpha, 0)`` for ``alpha > 2`` (incomplete-beta form of eq 26; eq 28 for ``alpha = 4``)."""
    a, c = np.broadcast_arrays(np.asarray(a, float), np.asarray(c, float))
    delta = 2.0 / alpha
    out = np.zeros(a.shape)
    live = c > 0.0
    if np.any(live):
        al, cl = a[live], c[live]
        s0 = al**alpha
        x = cl / (cl + s0)
        xc = s0 / (cl + s0)
        out[live] = (cl**delta / alpha) * incomplete_beta_split(x, xc, 1.0 - delta, delta)
    return out


def rho(z, alpha):
    """Normalised interference ``rho(z; alpha) = Phi(1, z; alpha, 0)`` (eqs 29, 31, 33, 38).

    ``rho(z; alpha) = z/(alpha - 2) 2F1(1, 1 - 2/alpha; 2 - 2/alpha; -z)``
    ``= (z^delta/alpha) B(z/(1+z); 1 - delta, delta)``; for ``alpha = 4`` it is
    ``(sqrt(z)/2) arctan(sqrt(z))`` (eq 31).

    Parameters
    ----------
    z : array_like
        Dimensionless normalised threshold, >= 0.
    alpha : float
        Path-loss exponent, > 2.

    Returns
    -------
    ndarray
    """
    alpha = _check_exponent(alpha, "alpha", 2.0)
    z = nonnegative(z, "z")
    return _phi_closed(np.ones_like(z), z, alpha)[()]


def phi_hyp2f1(a, c, alpha):
    """``Phi(a, c; alpha, 0)`` by the Gauss hypergeometric form, eq (26).

    ``Phi(a, c; alpha, 0) = c a^(2-alpha)/(alpha-2) 2F1(1, 1-delta; 2-delta; -c a^-alpha)``,
    ``delta = 2/alpha`` (SciPy ``hyp2f1``). Kept as the literal form of the
    paper's expression; :func:`phi` uses the equivalent incomplete-beta form.

    Parameters
    ----------
    a : array_like
        Lower limit of the interference integral (m), > 0.
    c : array_like
        Scale ``c`` (m^alpha), >= 0.
    alpha : float
        Path-loss exponent, > 2.

    Returns
    -------
    ndarray
        ``Phi`` in m^2.
    """
    alpha = _check_exponent(alpha, "alpha", 2.0)
    a = positive(a, "a")
    c = nonnegative(c, "c")
    delta = 2.0 / alpha
    z = c * a**-alpha
    return (c * a ** (2.0 - alpha) / (alpha - 2.0) * _sp.hyp2f1(1.0, 1.0 - delta, 2.0 - delta, -z))[()]


def hyp2f1_euler(z, alpha, n: int = 64):
    """``2F1(1, 1-delta; 2-delta; -z)`` by its Euler integral, eq (27).

    ``2F1(1, 1-delta; 2-delta; -z) = (1 - delta) int_0^1 t^-delta / (1 + z t) dt``,
    ``delta = 2/alpha``, evaluated with ``t = v^(1/(1-delta))`` (which removes the
    end-point singularity) and a composite Gauss--Legendre rule in ``v`` graded
    towards ``v = 0``.

    Parameters
    ----------
    z : array_like
        Argument, >= 0 (dimensionless).
    alpha : float
        Path-loss exponent, > 2.
    n : int
        Nodes per panel.

    Returns
    -------
    ndarray
    """
    alpha = _check_exponent(alpha, "alpha", 2.0)
    z = nonnegative(z, "z")
    delta = 2.0 / alpha
    # (1 - delta) t^-delta dt = dv with v = t^(1-delta): 2F1 = int_0^1 dv / (1 + z v^(1/(1-delta)))
    v, w = composite_gauss_legendre((0.0,) + _log_edges(1e-12, 1.0, 1), int(n))
    f = 1.0 / (1.0 + z[..., None] * v ** (1.0 / (1.0 - delta)))
    return integrate(f, w)[()]


def phi_arctan(a, c):
    """``Phi(a, c; 4, 0) = (sqrt(c)/2) arctan(sqrt(c)/a^2)``, eq (28).

    Parameters
    ----------
    a : array_like
        Lower limit (m), >= 0 (``a = 0`` gives ``(pi/4) sqrt(c)``).
    c : array_like
        Scale (m^4), >= 0.

    Returns
    -------
    ndarray
        ``Phi`` in m^2.
    """
    a = nonnegative(a, "a")
    c = nonnegative(c, "c")
    sc = np.sqrt(c)
    with np.errstate(divide="ignore", invalid="ignore"):
        val = 0.5 * sc * np.arctan2(sc, a * a)
    return np.where(c > 0.0, val, 0.0)[()]


def _g_los(s, z, alpha: float):
    """``G(s, z) = int_1^inf e^(-s t) t / (1 + t^alpha / z) dt`` for ``s > 0`` (flat arrays).

    For ``s <= _S_LARGE`` on the ``t`` rule (plus the analytic tail beyond ``_T_MAX``);
    for larger ``s`` as ``(e^-s / s) int_0^inf e^-v R(1 + v/s) dv`` on the ``v`` rule.
    """
    out = np.empty(s.shape)
    small = s <= _S_LARGE
    if np.any(small):
        t, w = _t_rule()
        ta = t**alpha
        ss_all, zz_all = s[small], z[small]
        vals = np.empty(ss_all.shape)
        block = max(1, _CHUNK // t.size)
        for i in range(0, ss_all.size, block):
            ss, zz = ss_all[i : i + block, None], zz_all[i : i + block, None]
            vals[i : i + block] = integrate(np.exp(-ss * t) * (t * zz / (zz + ta)), w)
        out[small] = vals + zz_all * _power_tail(ss_all, alpha, _T_MAX)
    if not np.all(small):
        v, w = _v_rule()
        ss, zz = s[~small, None], z[~small, None]
        t = 1.0 + v / ss
        out[~small] = np.exp(-ss[:, 0]) / ss[:, 0] * integrate(np.exp(-v) * (t * zz / (zz + t**alpha)), w)
    return out


def _h_full(s, alpha: float):
    """``H(s) = int_0^inf e^(-s y) y / (1 + y^alpha) dy`` for ``s > 0`` (flat array).

    For ``s <= _S_LARGE`` on the ``y`` rule (plus the analytic tail beyond ``_Y_MAX``);
    for larger ``s`` as ``s^-2 int_0^inf e^-v v / (1 + (v/s)^alpha) dv`` on the ``v`` rule.
    """
    out = np.empty(s.shape)
    small = s <= _S_LARGE
    if np.any(small):
        y, w = _y_rule()
        base = y / (1.0 + y**alpha)
        out[small] = integrate(np.exp(-s[small, None] * y) * base, w) + _power_tail(s[small], alpha, _Y_MAX)
    if not np.all(small):
        v, w = _v_rule()
        ss = s[~small, None]
        out[~small] = integrate(np.exp(-v) * v / (1.0 + (v / ss) ** alpha), w) / (ss[:, 0] * ss[:, 0])
    return out


def _nlos_excess(s, p: float, alpha: float):
    """``N(s, p) = int_0^inf (1 - e^(-p - s y)) y / (1 + y^alpha) dy`` (``alpha > 2``).

    ``c^(2/alpha) N(beta c^(1/alpha), p) = Phi(0, c; alpha, 0) - e^-p Phi(0, c; alpha, beta)``,
    the NLoS interference term of eqs (23)-(24), without cancellation.
    """
    s = np.asarray(s, dtype=float)
    shape = s.shape
    s = s.ravel()
    y, w = _y_rule()
    base = y / (1.0 + y**alpha)
    out = np.empty(s.shape)
    block = max(1, _CHUNK // y.size)
    for i in range(0, s.size, block):
        out[i : i + block] = integrate(-np.expm1(-p - s[i : i + block, None] * y) * base, w)
    tail = _Y_MAX ** (2.0 - alpha) / (alpha - 2.0) - np.exp(-p) * _power_tail(s, alpha, _Y_MAX)
    return (out + tail).reshape(shape)


def phi(a, c, alpha, beta=0.0):
    """Key function of Theorems 1-2, eq (25): ``Phi(a, c; alpha, beta) = int_a^inf e^(-beta x) x/(1 + x^alpha/c) dx``.

    ``beta = 0`` (``alpha > 2``): closed form, eq (26)-(28) (incomplete beta /
    arctan; ``c^(2/alpha) (pi/alpha)/sin(2 pi/alpha)`` for ``a = 0``).
    ``beta > 0``: fixed-node quadrature, ``a^2 int_1^inf e^(-beta a t) t/(1 + t^alpha a^alpha/c) dt``
    for ``a > 0`` and ``c^(2/alpha) int_0^inf e^(-beta c^(1/alpha) y) y/(1 + y^alpha) dy`` for
    ``a = 0`` (relative accuracy about 1e-10).

    Parameters
    ----------
    a : array_like
        Lower limit (m), >= 0.
    c : array_like
        Scale (m^alpha), >= 0.
    alpha : float
        Path-loss exponent, > 0 (> 2 where ``beta = 0``).
    beta : array_like
        Exponential attenuation (m^-1), >= 0 (the blockage parameter).

    Returns
    -------
    ndarray
        ``Phi`` in m^2, broadcast shape of ``a``, ``c``, ``beta``.

    Raises
    ------
    ValueError
        On negative or non-finite input, or ``beta = 0`` with ``alpha <= 2``
        (divergent integral).
    """
    alpha = _check_exponent(alpha, "alpha", 0.0)
    a, c, beta = np.broadcast_arrays(nonnegative(a, "a"), nonnegative(c, "c"), nonnegative(beta, "beta"))
    out = np.zeros(a.shape)
    closed = (beta == 0.0) & (c > 0.0)
    if np.any(closed):
        if alpha <= 2.0:
            raise ValueError("Phi(a, c; alpha, 0) is infinite for alpha <= 2")
        out[closed] = _phi_closed(a[closed], c[closed], alpha)
    lower = (beta > 0.0) & (c > 0.0) & (a > 0.0)
    if np.any(lower):
        al = a[lower]
        out[lower] = al * al * _g_los(beta[lower] * al, c[lower] / al**alpha, alpha)
    origin = (beta > 0.0) & (c > 0.0) & (a == 0.0)
    if np.any(origin):
        cs = c[origin] ** (1.0 / alpha)
        out[origin] = cs * cs * _h_full(beta[origin] * cs, alpha)
    return out[()]


# --------------------------------------------------------------------------- engine


def _los_sum(nodes, beta: float, alpha: float, coef, zeta, power: float):
    """``L[s, n] = sum_j coef[j] G(beta r_n, zeta[s, j] r_n^power; alpha)`` (``G = Phi(r, z r^alpha)/r^2``).

    With ``beta = 0`` the closed form ``rho`` is used (``alpha > 2``). ``coef`` has shape
    ``(J,)``, ``zeta`` shape ``(S, J)``; the result has shape ``(S, n_nodes)``.
    """
    zeta = np.asarray(zeta, dtype=float)
    n_s, n_j = zeta.shape
    rp = nodes**power
    if beta == 0.0:
        z = zeta[:, :, None] * rp  # (S, J, N)
        return integrate(np.moveaxis(_phi_closed(1.0, z, alpha), 1, -1), coef)
    t, w = _t_rule()
    ta = t**alpha
    out = np.empty((n_s, nodes.size))
    # e^(-beta r t) is exactly 0.0 beyond beta r t = _EXP_ZERO: each node keeps the t panels
    # below that point (a per-node choice, so a node's value does not depend on the batch)
    keep = np.searchsorted(t, _EXP_ZERO / (beta * nodes), side="right")
    keep = np.minimum(t.size, -(-keep // _T_NODES) * _T_NODES)
    for n_t in np.unique(keep):
        sel = np.flatnonzero(keep == n_t)
        if n_t == 0:
            out[:, sel] = 0.0
            continue
        tt, tta = t[:n_t], ta[:n_t]
        e = np.exp(-beta * nodes[sel, None] * tt) * w[:n_t]  # (n_sel, n_t)
        block = max(1, _CHUNK // (sel.size * n_t))
        for i in range(0, n_s, block):
            zb = zeta[i : i + block]  # (B, J)
            if power == 0.0:
                # rational part independent of the node: sum_j coef_j t z_j / (z_j + t^alpha)
                rat = np.zeros((zb.shape[0], 1, n_t))
                for j in range(n_j):
                    zj = zb[:, j, None, None]
                    rat += coef[j] * (tt * zj / (zj + tta))
            else:
                rat = np.zeros((zb.shape[0], sel.size, n_t))
                for j in range(n_j):
                    zj = zb[:, j, None, None] * rp[None, sel, None]
                    rat += coef[j] * (tt * zj / (zj + tta))
            out[i : i + block, sel] = (e[None, :, :] * rat).sum(axis=-1)
    tail = _power_tail(beta * nodes, alpha, _T_MAX)  # (N,)
    zsum = integrate(zeta, coef)  # sum_j coef_j zeta_j, (S,)
    return out + zsum[:, None] * rp[None, :] * tail[None, :]


def _nlos_table(nodes, beta: float, p: float, alpha_n: float, kappa, power: float):
    """``Phi(0, c; aN, 0) - e^-p Phi(0, c; aN, beta)`` with ``c = kappa[s] r^power``; shape ``(S, N)``."""
    kappa = np.asarray(kappa, dtype=float)
    c = kappa[:, None] * nodes[None, :] ** power
    cs = c ** (1.0 / alpha_n)
    if beta == 0.0:
        if p == 0.0:
            return np.zeros_like(c)
        h0 = (np.pi / alpha_n) / np.sin(2.0 * np.pi / alpha_n)
        return -np.expm1(-p) * h0 * cs * cs
    return cs * cs * _nlos_excess(beta * cs, p, alpha_n)


def _groups(lam, *keys):
    """Unique densities and, per density, the unique key combinations paired with it.

    Returns ``lam_u``, a list (per unique density) of ``(positions, key_index)``
    where ``key_index`` indexes the rows of ``keys_u`` and ``keys_u`` the unique key rows.
    """
    lam_u, lam_inv = np.unique(lam, return_inverse=True)
    stacked = np.stack([np.asarray(k, float).ravel() for k in keys], axis=1)
    keys_u, key_inv = np.unique(stacked, axis=0, return_inverse=True)
    key_inv = key_inv.ravel()
    groups = []
    for i in range(lam_u.size):
        pos = np.flatnonzero(lam_inv == i)
        groups.append((pos, key_inv[pos]))
    return lam_u, keys_u, groups


def _assemble(shape, lam_u, groups, nodes, weights, index, beta, p, noise_tab, interf_tab, ak):
    """``sum_k a_k int f_V(r) exp(-noise_k - 2 pi lam interf_k) dr`` per state point.

    ``noise_tab`` / ``interf_tab`` have shape ``(n_keys, K, n_nodes)`` (or broadcastable).
    """
    out = np.empty(int(np.prod(shape)))
    for lam, (pos, kidx), idx in zip(lam_u, groups, index, strict=True):
        r = nodes[idx]
        fw = nearest_visible_pdf(r, lam, beta, p) * weights[idx]
        rows = np.unique(kidx)
        expo = noise_tab[rows][..., idx] + (2.0 * np.pi * lam) * interf_tab[rows][..., idx]
        per_k = integrate(np.exp(-expo), fw)  # (rows, K)
        vals = integrate(per_k, ak)
        out[pos] = vals[np.searchsorted(rows, kidx)]
    return out.reshape(shape)


# --------------------------------------------------------------------------- Theorem 1


def comm_coverage(
    T,
    lam,
    *,
    beta,
    p,
    pt,
    noise_power,
    c_los,
    c_nlos,
    alpha_los,
    alpha_nlos,
    k_factor=1,
    mu=1.0,
):
    """Communication coverage probability with blockage, Theorem 1, eq (23).

    ``P_c(T) = sum_k a_k int_0^inf f_V(r) exp(-b_k T r^aL sigma2/(Pt CL))
    exp(-2 pi lam e^-p sum_j a_j Phi(r, z_jk r^aL; aL, beta))
    exp(-2 pi lam [Phi(0, c_k; aN, 0) - e^-p Phi(0, c_k; aN, beta)]) dr``,
    ``z_jk = b_k T/b_j``, ``c_k = b_k T CN r^aL/(mu CL)``. A UE in a coverage hole
    (no visible BS, eq 5) is not covered. Exact under the independent-link model
    up to the four-term Rician series; ``beta = p = 0`` gives Corollary 1.

    Parameters
    ----------
    T : array_like
        SINR threshold (linear), >= 0.
    lam : array_like
        BS density (m^-2), > 0. Broadcast against ``T``.
    beta : float
        Blockage shape parameter (m^-1), >= 0.
    p : float
        Blocked-area proportion, >= 0.
    pt : float
        Transmit power (W), > 0.
    noise_power : float
        Noise power ``N_0 W`` (W), >= 0.
    c_los, c_nlos : float
        LoS / NLoS path-loss gains (dimensionless, with distances in m), > 0.
    alpha_los, alpha_nlos : float
        LoS / NLoS path-loss exponents (``alpha_los > 2`` if ``beta = 0``;
        ``alpha_nlos > 2`` if ``beta > 0`` or ``p > 0``).
    k_factor : int
        Rician K-factor of LoS links (1, 5 or 10; Table II).
    mu : float
        Rate of the exponential NLoS interferer power, > 0.

    Returns
    -------
    ndarray
        ``P_c``, broadcast shape of ``T`` and ``lam``.
    """
    beta, p, pt, noise_power, mu = _check_common(beta, p, pt, noise_power, mu)
    c_los = positive(c_los, "c_los", scalar=True)
    c_nlos = positive(c_nlos, "c_nlos", scalar=True)
    alpha_los = _check_exponent(alpha_los, "alpha_los", 2.0 if beta == 0.0 else 0.0)
    nlos = beta > 0.0 or p > 0.0
    alpha_nlos = _check_exponent(alpha_nlos, "alpha_nlos", 2.0 if nlos else 0.0)
    a, b = rician_series(k_factor)
    T, lam = np.broadcast_arrays(nonnegative(T, "T"), positive(lam, "lam (m^-2)"))
    shape = T.shape
    lam_u, keys_u, groups = _groups(lam.ravel(), T.ravel())
    T_u = keys_u[:, 0]
    nodes, weights, index = _outer_rule(lam_u, beta, p)

    # per (T, k): LoS sum_j a_j Phi(r, (b_k T/b_j) r^aL) / r^2, NLoS, noise
    bt = (T_u[:, None] * b[None, :]).ravel()  # (T*K,) = b_k T
    zeta = bt[:, None] / b[None, :]  # (T*K, J): z_jk = b_k T / b_j
    los = _los_sum(nodes, beta, alpha_los, a, zeta, 0.0) * nodes**2
    nl = _nlos_table(nodes, beta, p, alpha_nlos, bt * c_nlos / (mu * c_los), alpha_los) if nlos else 0.0
    interf = (np.exp(-p) * los + nl).reshape(T_u.size, b.size, nodes.size)
    noise = (bt[:, None] * (noise_power / (pt * c_los)) * nodes**alpha_los).reshape(interf.shape)
    return _assemble(shape, lam_u, groups, nodes, weights, index, beta, p, noise, interf, a)[()]


# --------------------------------------------------------------------------- Theorem 2


def _sensing_inputs(T, lam, rcs_mean):
    T, lam, rcs = np.broadcast_arrays(
        nonnegative(T, "T"), positive(lam, "lam (m^-2)"), positive(rcs_mean, "rcs_mean (m^2)")
    )
    ratio = T / rcs
    return T.shape, lam.ravel(), T.ravel(), ratio.ravel()


def _sensing_tables(
    nodes,
    T_u,
    ratio_u,
    *,
    beta,
    p,
    pt,
    noise_power,
    c_los,
    c_nlos,
    c_echo,
    alpha_los,
    alpha_nlos,
    alpha_echo,
    k_factor,
    mu,
    trc,
):
    """Per-node exponents of Theorem 2: ``noise[ratio]``, ``bsbs[ratio]`` (LoS from d, NLoS from 0), ``trc[T]``."""
    a, b = rician_series(k_factor)
    gamma = ratio_u * c_los / c_echo  # w_j(d) = gamma d^aE / b_j
    zeta = gamma[:, None] / b[None, :]  # z_j(d) = w_j / d^aL = zeta_j d^(aE - aL)
    los = _los_sum(nodes, beta, alpha_los, a, zeta, alpha_echo - alpha_los) * nodes**2
    bsbs = np.exp(-p) * los
    if beta > 0.0 or p > 0.0:
        bsbs = bsbs + _nlos_table(nodes, beta, p, alpha_nlos, ratio_u * c_nlos / (mu * c_echo), alpha_echo)
    noise = ratio_u[:, None] * (noise_power / (pt * c_echo)) * nodes[None, :] ** alpha_echo
    if trc:
        half = 0.5 * alpha_echo
        t_term = np.exp(-p) * _los_sum(nodes, beta, half, np.ones(1), T_u[:, None], 0.0) * nodes**2
    else:
        t_term = np.zeros((T_u.size, nodes.size))
    return noise, bsbs, t_term


def _check_sensing(beta, p, pt, noise_power, mu, c_los, c_nlos, c_echo, alpha_los, alpha_nlos, alpha_echo, trc):
    beta, p, pt, noise_power, mu = _check_common(beta, p, pt, noise_power, mu)
    c_los = positive(c_los, "c_los", scalar=True)
    c_nlos = positive(c_nlos, "c_nlos", scalar=True)
    c_echo = positive(c_echo, "c_echo", scalar=True)
    alpha_los = _check_exponent(alpha_los, "alpha_los", 2.0 if beta == 0.0 else 0.0)
    nlos = beta > 0.0 or p > 0.0
    alpha_nlos = _check_exponent(alpha_nlos, "alpha_nlos", 2.0 if nlos else 0.0)
    alpha_echo = _check_exponent(alpha_echo, "alpha_echo", 4.0 if (trc and beta == 0.0) else 0.0)
    return dict(
        beta=beta,
        p=p,
        pt=pt,
        noise_power=noise_power,
        mu=mu,
        c_los=c_los,
        c_nlos=c_nlos,
        c_echo=c_echo,
        alpha_los=alpha_los,
        alpha_nlos=alpha_nlos,
        alpha_echo=alpha_echo,
    )


def sensing_coverage(
    T,
    lam,
    *,
    beta,
    p,
    pt,
    noise_power,
    c_los,
    c_nlos,
    c_echo,
    alpha_los,
    alpha_nlos,
    alpha_echo,
    rcs_mean,
    k_factor=1,
    mu=1.0,
    trc=True,
):
    """Sensing coverage probability with blockage, Theorem 2, eq (24).

    ``P_s(T) = int_0^inf f_V(d) exp(-T d^aE sigma2/(Pt CE rcs))
    exp(-2 pi lam e^-p sum_j a_j Phi(d, w_j(d); aL, beta))
    exp(-2 pi lam [Phi(0, c_S; aN, 0) - e^-p Phi(0, c_S; aN, beta)])
    exp(-2 pi lam e^-p Phi(d, T d^(aE/2); aE/2, beta)) dd``,
    ``w_j(d) = T CL d^aE/(b_j CE rcs)``, ``c_S(d) = T CN d^aE/(mu CE rcs)``. LoS BS-BS
    interferers are counted beyond ``d`` only (the paper's exclusion, Appendix B
    step (e)); the last factor is the target-reflection cascade (TRC).

    Parameters
    ----------
    T : array_like
        SINR threshold (linear), >= 0.
    lam : array_like
        BS density (m^-2), > 0.
    beta : float
        Blockage shape parameter (m^-1), >= 0.
    p : float
        Blocked-area proportion, >= 0.
    pt : float
        Transmit power (W), > 0.
    noise_power : float
        Noise power (W), >= 0.
    c_los, c_nlos, c_echo : float
        LoS, NLoS and echo gains (``c_echo * rcs_mean`` is dimensionless with
        ``rcs_mean`` in m^2), > 0.
    alpha_los, alpha_nlos, alpha_echo : float
        Path-loss exponents (``alpha_echo`` is two-way). ``beta = 0`` needs
        ``alpha_los > 2`` and, with ``trc``, ``alpha_echo > 4``.
    rcs_mean : array_like
        Mean RCS (m^2), > 0; broadcast with ``T`` and ``lam``.
    k_factor : int
        Rician K-factor of the LoS BS-BS links (1, 5 or 10).
    mu : float
        Rate of the exponential NLoS BS-BS interferer power (``mu_s``), > 0.
    trc : bool
        Include the TRC interference.

    Returns
    -------
    ndarray
        ``P_s``, broadcast shape of ``T``, ``lam`` and ``rcs_mean``.
    """
    prm = _check_sensing(beta, p, pt, noise_power, mu, c_los, c_nlos, c_echo, alpha_los, alpha_nlos, alpha_echo, trc)
    shape, lam, T, ratio = _sensing_inputs(T, lam, rcs_mean)
    lam_u, keys_u, groups = _groups(lam, ratio, T)
    ratio_u, r_inv = np.unique(keys_u[:, 0], return_inverse=True)
    T_u, t_inv = np.unique(keys_u[:, 1], return_inverse=True)
    nodes, weights, index = _outer_rule(lam_u, prm["beta"], prm["p"])
    noise, bsbs, t_term = _sensing_tables(nodes, T_u, ratio_u, k_factor=k_factor, trc=trc, **prm)
    noise_k = noise[r_inv.ravel()][:, None, :]
    interf_k = (bsbs[r_inv.ravel()] + t_term[t_inv.ravel()])[:, None, :]
    return _assemble(shape, lam_u, groups, nodes, weights, index, prm["beta"], prm["p"], noise_k, interf_k, np.ones(1))[
        ()
    ]


# --------------------------------------------------------------------------- Theorem 2'

_X_LO = 1e-6  # J: x = d u, u on [0, 1e-6] + log panels to 1, graded panels to 2, log panels beyond
_X_PER_DECADE = 2
_X_NODES = 8
_X_NEAR2 = (1.0, 1.5, 1.8, 1.95, 1.99, 1.999, 2.0)
_PHI_NODES = 16
_X_HI_NOBLK = 1e6  # u_max without blockage


def _j_rule(d_beta_min: float):
    """Nodes/weights in ``u = x/d`` for the coupling integral of Theorem 2'."""
    hi = max(10.0, 2.0 + _R_HI_BETA / d_beta_min) if d_beta_min > 0 else _X_HI_NOBLK
    edges = (0.0,) + _log_edges(_X_LO, 1.0, _X_PER_DECADE) + _X_NEAR2[1:] + _log_edges(2.0, hi, _X_PER_DECADE)[1:]
    return composite_gauss_legendre(edges, _X_NODES)


def _ring_geometry(u, d, beta, p, trc):
    """T-independent parts of ``K(x, d) = 2 int_0^pi P_L(|z|) q(|z|) dphi`` on ``|z - B_0| = x = d u``.

    ``q = 1`` inside the ST's disk ``|z| < d`` (BSs there are NLoS to the ST) and
    ``T (d/|z|)^(aE/2) / (1 + T (d/|z|)^(aE/2))`` outside (LoS-to-ST weight of the TRC
    coupling). The angle integral is split at ``phi*``, where ``|z| = d``. Only the
    pairs ``(d, u)`` with ``u <= 2 + 80/(beta d)`` are kept (``P_L`` negligible beyond);
    the selection depends on each node alone.

    Returns ``(mask, inside, outer_w, pl_out, zr_out)``: the kept pairs ``(N, U)``, the
    inside part of ``K`` per pair, and for the outside part the factor
    ``2 (pi - phi*) w_phi`` and ``P_L`` and ``|z|/d`` at the angle nodes (``None`` without TRC).
    """
    g, gw = gauss_legendre(_PHI_NODES, 0.0, 1.0)
    if beta > 0.0:
        mask = u[None, :] <= 2.0 + _R_HI_BETA / (beta * d[:, None])
    else:
        mask = np.ones((d.size, u.size), dtype=bool)
    uu = np.broadcast_to(u[None, :], mask.shape)[mask][:, None]
    dd = np.broadcast_to(d[:, None], mask.shape)[mask][:, None]
    phi_star = np.arccos(np.clip(0.5 * uu, -1.0, 1.0))
    ph = phi_star * g
    zin = np.sqrt(np.maximum(1.0 + uu * uu - 2.0 * uu * np.cos(ph), 0.0))
    inside = 2.0 * phi_star[:, 0] * integrate(np.exp(-p - beta * dd * zin), gw)
    if not trc:
        return mask, inside, None, None, None
    ph = phi_star + (np.pi - phi_star) * g
    zr = np.sqrt(np.maximum(1.0 + uu * uu - 2.0 * uu * np.cos(ph), 0.0))  # |z|/d >= 1
    outer_w = 2.0 * (np.pi - phi_star) * gw
    return mask, inside, outer_w, np.exp(-p - beta * dd * zr), zr


def sensing_coverage_exact(
    T,
    lam,
    *,
    beta,
    p,
    pt,
    noise_power,
    c_los,
    c_nlos,
    c_echo,
    alpha_los,
    alpha_nlos,
    alpha_echo,
    rcs_mean,
    k_factor=1,
    mu=1.0,
    trc=True,
):
    """Exact single-network sensing coverage without the ``d_0`` exclusion (Theorem 2', docs/errata.md).

    All LoS BS-BS interferers are counted at every distance from the sensing BS
    ``B_0``. Conditioned on ``d_0 = d`` (ST at the origin, ``B_0`` at ``(d, 0)``), with
    ``A(x)`` the Laplace transform of one BS at distance ``x`` from ``B_0``
    (LoS Rician or NLoS exponential) and ``B(z)`` the TRC factor of one BS at
    ``z``, the exponent is

    ``-lam [2 pi int_0^inf (1 - A) x dx - int_{|z|<d} P_L(|z|) (1 - A) dz
    + 2 pi int_d^inf (1 - B) y dy - int_{|z|>d} (1 - A)(1 - B) dz]``.

    BSs inside the ST's disk are NLoS to the ST; a BS contributes both BS-BS and
    TRC interference. The two area integrals are evaluated in polar coordinates
    centred at ``B_0`` (the angle split where ``|z| = d``). Parameters and units as
    :func:`sensing_coverage`.

    Returns
    -------
    ndarray
        ``P_s'``, broadcast shape of ``T``, ``lam`` and ``rcs_mean``.
    """
    prm = _check_sensing(beta, p, pt, noise_power, mu, c_los, c_nlos, c_echo, alpha_los, alpha_nlos, alpha_echo, trc)
    beta, p = prm["beta"], prm["p"]
    a, b = rician_series(k_factor)
    shape, lam, T, ratio = _sensing_inputs(T, lam, rcs_mean)
    lam_u, keys_u, groups = _groups(lam, ratio, T)
    nodes, weights, index = _outer_rule(lam_u, beta, p)
    ratio_u, r_inv = np.unique(keys_u[:, 0], return_inverse=True)
    T_u, t_inv = np.unique(keys_u[:, 1], return_inverse=True)
    noise, bsbs, t_term = _sensing_tables(nodes, T_u, ratio_u, k_factor=k_factor, trc=trc, **prm)

    # extra exponent (per lam): int_0^inf x [2 pi 1{x<d} (1-A)_LoS - (1 - A) K(x, d)] dx, x = d u
    u, uw = _j_rule(beta * float(nodes.min()))
    mask, k_in, k_w, k_pl, k_zr = _ring_geometry(u, nodes, beta, p, trc)
    al, a_n, ae = prm["alpha_los"], prm["alpha_nlos"], prm["alpha_echo"]
    half = 0.5 * ae
    uu = np.broadcast_to(u[None, :], mask.shape)[mask]
    dd = np.broadcast_to(nodes[:, None], mask.shape)[mask]
    x = dd * uu
    inside = uu < 1.0
    pl = np.exp(-p - beta * x)
    pn = -np.expm1(-p - beta * x)
    xa = x**al
    xn = x**a_n
    dae = dd**ae
    nlos = beta > 0.0 or p > 0.0
    zh = k_zr ** (-half) if trc else None
    extra = np.empty((keys_u.shape[0], nodes.size))
    full = np.zeros(mask.shape)
    for ti, t_val in enumerate(T_u):
        kern = k_in
        if trc:
            q = t_val * zh
            kern = k_in + (k_w * k_pl * q / (1.0 + q)).sum(axis=-1)  # outside part of K
        for ki in np.flatnonzero(t_inv.ravel() == ti):
            rv = keys_u[ki, 0]
            # (1 - A)_LoS = P_L sum_j a_j / (1 + x^aL / w_j), w_j = rv CL d^aE / (b_j CE)
            w1 = rv * prm["c_los"] / prm["c_echo"] * dae
            los = np.zeros_like(x)
            for j in range(a.size):
                los += a[j] * (w1 / (w1 + b[j] * xa))
            los *= pl
            one_minus_a = los
            if nlos:
                cs = rv * prm["c_nlos"] / (prm["mu"] * prm["c_echo"]) * dae
                one_minus_a = los + pn * (cs / (cs + xn))
            full[mask] = x * (2.0 * np.pi * np.where(inside, los, 0.0) - one_minus_a * kern)
            extra[ki] = integrate(full, uw) * nodes / (2.0 * np.pi)  # _assemble multiplies by 2 pi lam
    noise_k = noise[r_inv.ravel()][:, None, :]
    interf_k = (bsbs[r_inv.ravel()] + t_term[t_inv.ravel()] + extra)[:, None, :]
    return _assemble(shape, lam_u, groups, nodes, weights, index, beta, p, noise_k, interf_k, np.ones(1))[()]


# --------------------------------------------------------------------------- no blockage


def _rho_k(T, alpha, k_factor):
    """``rho_k(T, alpha) = sum_j a_j rho(b_k T / b_j; alpha)``, shape ``T.shape + (4,)`` (eq 29/31)."""
    a, b = rician_series(k_factor)
    z = np.asarray(T, float)[..., None, None] * b[:, None] / b[None, :]  # [..., k, j]
    return integrate(_phi_closed(1.0, z, alpha), a)


def _gauss_exp(A, B):
    """``int_0^inf exp(-A v^2 - B v) dv = (1/2) sqrt(pi/A) erfcx(B/(2 sqrt(A)))`` (eq 32); ``1/B`` at ``A = 0``."""
    A, B = np.broadcast_arrays(np.asarray(A, float), np.asarray(B, float))
    out = np.empty(A.shape)
    zero = A == 0.0
    out[zero] = 1.0 / B[zero]
    sa = np.sqrt(A[~zero])
    out[~zero] = 0.5 * np.sqrt(np.pi) / sa * _sp.erfcx(B[~zero] / (2.0 * sa))
    return out


def comm_coverage_no_blockage(T, lam, *, pt, noise_power, c_los, alpha_los, k_factor=1):
    """Communication coverage without blockage, Corollary 1, eq (29).

    ``P_c = sum_k a_k int_0^inf 2 pi lam r exp(-pi lam r^2 (1 + 2 rho_k) - b_k T r^aL sigma2/(Pt CL)) dr``,
    ``rho_k = sum_j a_j rho(b_k T/b_j; aL)``, evaluated as
    ``sum_k a_k/(1 + 2 rho_k) int_0^inf e^-u exp(-A_k (u / (pi lam (1 + 2 rho_k)))^(aL/2)) du``.

    Parameters
    ----------
    T : array_like
        SINR threshold (linear), >= 0.
    lam : array_like
        BS density (m^-2), > 0.
    pt : float
        Transmit power (W), > 0.
    noise_power : float
        Noise power (W), >= 0.
    c_los : float
        LoS path-loss gain, > 0.
    alpha_los : float
        LoS path-loss exponent, > 2.
    k_factor : int
        Rician K-factor (1, 5, 10).

    Returns
    -------
    ndarray
    """
    pt = positive(pt, "pt (W)", scalar=True)
    noise_power = nonnegative(noise_power, "noise_power (W)", scalar=True)
    c_los = positive(c_los, "c_los", scalar=True)
    alpha = _check_exponent(alpha_los, "alpha_los", 2.0)
    a, b = rician_series(k_factor)
    T, lam = np.broadcast_arrays(nonnegative(T, "T"), positive(lam, "lam (m^-2)"))
    g = 1.0 + 2.0 * _rho_k(T, alpha, k_factor)  # [..., k]
    if noise_power == 0.0:
        return integrate(1.0 / g, a)[()]
    u, w = _u_rule()
    A = b * T[..., None] * noise_power / (pt * c_los)  # [..., k]
    scale = A / (np.pi * lam[..., None] * g) ** (0.5 * alpha)
    f = np.exp(-u - scale[..., None] * u ** (0.5 * alpha))
    return integrate(integrate(f, w) / g, a)[()]


def sensing_coverage_no_blockage(
    T, lam, *, pt, noise_power, c_los, c_echo, alpha_los, alpha_echo, rcs_mean, k_factor=1, trc=True
):
    """Sensing coverage without blockage, Corollary 2, eq (36).

    ``P_s = int_0^inf 2 pi lam d e^(-pi lam d^2) exp(-T d^aE sigma2/(Pt CE rcs))
    exp(-2 pi lam d^2 sum_j a_j rho(z_j(d); aL)) exp(-2 pi lam d^2 rho(T; aE/2)) dd``,
    ``z_j(d) = T CL d^(aE - aL)/(b_j CE rcs)``. The TRC factor is zero for
    ``aE <= 4`` (infinite TRC interference), so then ``P_s = 0`` with ``trc``.

    Parameters
    ----------
    T : array_like
        SINR threshold (linear), >= 0.
    lam : array_like
        BS density (m^-2), > 0.
    pt : float
        Transmit power (W), > 0.
    noise_power : float
        Noise power (W), >= 0.
    c_los, c_echo : float
        LoS and echo gains, > 0.
    alpha_los : float
        LoS exponent, > 2.
    alpha_echo : float
        Two-way echo exponent, > 0.
    rcs_mean : array_like
        Mean RCS (m^2), > 0.
    k_factor : int
        Rician K-factor (1, 5, 10).
    trc : bool
        Include the TRC interference.

    Returns
    -------
    ndarray
    """
    pt = positive(pt, "pt (W)", scalar=True)
    noise_power = nonnegative(noise_power, "noise_power (W)", scalar=True)
    c_los = positive(c_los, "c_los", scalar=True)
    c_echo = positive(c_echo, "c_echo", scalar=True)
    al = _check_exponent(alpha_los, "alpha_los", 2.0)
    ae = _check_exponent(alpha_echo, "alpha_echo", 0.0)
    a, b = rician_series(k_factor)
    T, lam, rcs = np.broadcast_arrays(
        nonnegative(T, "T"), positive(lam, "lam (m^-2)"), positive(rcs_mean, "rcs_mean (m^2)")
    )
    if trc and ae <= 4.0:
        return np.where(T > 0.0, 0.0, 1.0)[()]
    u, w = _u_rule()
    d = np.sqrt(u / (np.pi * lam[..., None]))  # [..., U]
    gamma = (T / rcs)[..., None] * c_los / c_echo
    z = (gamma[..., None] / b) * (d ** (ae - al))[..., None]  # [..., U, J]
    los = integrate(_phi_closed(1.0, z, al), a)
    expo = u * (1.0 + 2.0 * los) + (T / rcs)[..., None] * noise_power / (pt * c_echo) * d**ae
    if trc:
        expo = expo + 2.0 * u * _phi_closed(1.0, T, 0.5 * ae)[..., None]
    return integrate(np.exp(-expo), w)[()]


def special_case_1(T, lam, *, pt, noise_power, c_los, k_factor=1):
    """Communication coverage, no blockage, with noise, ``alpha_L = 4``: Special Case 1, eq (30).

    ``P_c = sum_k a_k pi lam (1/2) sqrt(pi/A_k) erfcx(B_k/(2 sqrt(A_k)))``,
    ``A_k = b_k T sigma2/(Pt CL)``, ``B_k = pi lam (1 + 2 rho_k^(4))``,
    ``rho_k^(4) = sum_j a_j (sqrt(z_jk)/2) arctan(sqrt(z_jk))`` (eq 31-32).

    Parameters
    ----------
    T : array_like
        SINR threshold (linear), >= 0.
    lam : array_like
        BS density (m^-2), > 0.
    pt : float
        Transmit power (W), > 0.
    noise_power : float
        Noise power (W), >= 0.
    c_los : float
        LoS path-loss gain, > 0.
    k_factor : int
        Rician K-factor (1, 5, 10).

    Returns
    -------
    ndarray
    """
    pt = positive(pt, "pt (W)", scalar=True)
    noise_power = nonnegative(noise_power, "noise_power (W)", scalar=True)
    c_los = positive(c_los, "c_los", scalar=True)
    a, b = rician_series(k_factor)
    T, lam = np.broadcast_arrays(nonnegative(T, "T"), positive(lam, "lam (m^-2)"))
    rho4 = _rho4_k(T, a, b)
    A = b * T[..., None] * noise_power / (pt * c_los)
    B = np.pi * lam[..., None] * (1.0 + 2.0 * rho4)
    return integrate(np.pi * lam[..., None] * _gauss_exp(A, B), a)[()]


def _rho4_k(T, a, b):
    """``rho_k^(4)(T) = sum_j a_j (sqrt(z_jk)/2) arctan(sqrt(z_jk))``, eq (31); shape ``T.shape + (4,)``."""
    sz = np.sqrt(np.asarray(T, float)[..., None, None] * b[:, None] / b[None, :])
    return integrate(0.5 * sz * np.arctan(sz), a)


def special_case_2(T, *, alpha_los, k_factor=1):
    """Communication coverage, no blockage, no noise: Special Case 2, eq (33).

    ``P_c = sum_k a_k / (1 + 2 rho_k(T, alpha))``, independent of the BS density.

    Parameters
    ----------
    T : array_like
        SINR threshold (linear), >= 0.
    alpha_los : float
        LoS path-loss exponent, > 2.
    k_factor : int
        Rician K-factor (1, 5, 10).

    Returns
    -------
    ndarray
    """
    alpha = _check_exponent(alpha_los, "alpha_los", 2.0)
    a, _ = rician_series(k_factor)
    T = nonnegative(T, "T")
    return integrate(1.0 / (1.0 + 2.0 * _rho_k(T, alpha, k_factor)), a)[()]


def special_case_3(T, *, k_factor=1):
    """Communication coverage, no blockage, no noise, ``alpha_L = 4``: Special Case 3, eq (35).

    ``P_c = sum_k a_k / (1 + sum_j a_j sqrt(z_jk) arctan(sqrt(z_jk)))``, ``z_jk = b_k T/b_j``.

    Parameters
    ----------
    T : array_like
        SINR threshold (linear), >= 0.
    k_factor : int
        Rician K-factor (1, 5, 10).

    Returns
    -------
    ndarray
    """
    a, b = rician_series(k_factor)
    T = nonnegative(T, "T")
    return integrate(1.0 / (1.0 + 2.0 * _rho4_k(T, a, b)), a)[()]


def _rho4_s(T, rcs, c_los, c_echo, a, b):
    """``rho_s^(4) = sum_j a_j (sqrt(w_j)/2) arctan(sqrt(w_j))``, ``w_j = T CL/(b_j CE rcs)`` (eq 38)."""
    sw = np.sqrt((T / rcs * c_los / c_echo)[..., None] / b)
    return integrate(0.5 * sw * np.arctan(sw), a)


def _sensing_sc_inputs(T, rcs_mean, c_los, c_echo):
    c_los = positive(c_los, "c_los", scalar=True)
    c_echo = positive(c_echo, "c_echo", scalar=True)
    T, rcs = np.broadcast_arrays(nonnegative(T, "T"), positive(rcs_mean, "rcs_mean (m^2)"))
    return T, rcs, c_los, c_echo


def special_case_4(T, lam, *, pt, noise_power, c_los, c_echo, rcs_mean, k_factor=1):
    """Sensing coverage, no blockage, with noise, ``alpha_L = alpha_E = 4``, no TRC: Special Case 4, eq (37).

    ``P_s = pi lam (1/2) sqrt(pi/A_s) erfcx(B_s/(2 sqrt(A_s)))``, ``A_s = T sigma2/(Pt CE rcs)``,
    ``B_s = pi lam (1 + 2 rho_s^(4))`` (eq 38).

    Parameters
    ----------
    T : array_like
        SINR threshold (linear), >= 0.
    lam : array_like
        BS density (m^-2), > 0.
    pt : float
        Transmit power (W), > 0.
    noise_power : float
        Noise power (W), >= 0.
    c_los, c_echo : float
        LoS and echo gains, > 0.
    rcs_mean : array_like
        Mean RCS (m^2), > 0.
    k_factor : int
        Rician K-factor (1, 5, 10).

    Returns
    -------
    ndarray
    """
    pt = positive(pt, "pt (W)", scalar=True)
    noise_power = nonnegative(noise_power, "noise_power (W)", scalar=True)
    a, b = rician_series(k_factor)
    T, rcs, c_los, c_echo = _sensing_sc_inputs(T, rcs_mean, c_los, c_echo)
    T, lam, rcs = np.broadcast_arrays(T, positive(lam, "lam (m^-2)"), rcs)
    A = T * noise_power / (pt * c_echo * rcs)
    B = np.pi * lam * (1.0 + 2.0 * _rho4_s(T, rcs, c_los, c_echo, a, b))
    return (np.pi * lam * _gauss_exp(A, B))[()]


def special_case_5(T, *, alpha, c_los, c_echo, rcs_mean, k_factor=1):
    """Sensing coverage, no blockage, no noise, ``alpha_L = alpha_E = alpha``, no TRC: Special Case 5, eq (39).

    ``P_s = 1/(1 + 2 rho_s(T, alpha))``, ``rho_s = sum_j a_j rho(w_j; alpha)``,
    ``w_j = T CL/(b_j CE rcs)``; independent of the BS density.

    Parameters
    ----------
    T : array_like
        SINR threshold (linear), >= 0.
    alpha : float
        Common LoS / echo path-loss exponent, > 2.
    c_los, c_echo : float
        LoS and echo gains, > 0.
    rcs_mean : array_like
        Mean RCS (m^2), > 0.
    k_factor : int
        Rician K-factor (1, 5, 10).

    Returns
    -------
    ndarray
    """
    alpha = _check_exponent(alpha, "alpha", 2.0)
    a, b = rician_series(k_factor)
    T, rcs, c_los, c_echo = _sensing_sc_inputs(T, rcs_mean, c_los, c_echo)
    w = (T / rcs * c_los / c_echo)[..., None] / b
    return (1.0 / (1.0 + 2.0 * integrate(_phi_closed(1.0, w, alpha), a)))[()]


def special_case_6(T, *, c_los, c_echo, rcs_mean, k_factor=1):
    """Sensing coverage, no blockage, no noise, ``alpha_L = alpha_E = 4``, no TRC: Special Case 6, eq (41).

    ``P_s = 1/(1 + sum_j a_j sqrt(w_j) arctan(sqrt(w_j)))``, ``w_j = T CL/(b_j CE rcs)``.

    Parameters
    ----------
    T : array_like
        SINR threshold (linear), >= 0.
    c_los, c_echo : float
        LoS and echo gains, > 0.
    rcs_mean : array_like
        Mean RCS (m^2), > 0.
    k_factor : int
        Rician K-factor (1, 5, 10).

    Returns
    -------
    ndarray
    """
    a, b = rician_series(k_factor)
    T, rcs, c_los, c_echo = _sensing_sc_inputs(T, rcs_mean, c_los, c_echo)
    return (1.0 / (1.0 + 2.0 * _rho4_s(T, rcs, c_los, c_echo, a, b)))[()]
