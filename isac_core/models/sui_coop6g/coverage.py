"""Coverage probability of non-coherent CoMP (Sui et al., Proposition 1 and Theorem 1).

The typical user at the origin is served by the ``L`` nearest BSs of a PPP of density
``lambda``; all farther BSs interfere (eq. (3)-(4)):

    SIR_c = p^c sum_{i<=L} g_i r_i^-beta / (p^t sum_{j>L} g_j r_j^-beta),
    g_i ~ Gamma(M_t - 1, 1),  g_j ~ Exp(1).

(Printed eq. (3) has ``||d_i||`` in the denominator; it is ``||d_j||``.)

Analysis. Conjecture 1 pools the desired gains into one ``Gamma(Q, 1)``
(``Q = M_t - 1``), Conjecture 2 replaces its normalised CDF by ``(1 - e^{-a gamma})^Q``,
and the binomial expansion gives

    P_c = sum_{n=1}^{Q} (-1)^{n+1} C(Q, n) E[exp(-pi lambda H_1(kappa_n))],
    kappa_n = a n T p^t / (Q p^c)                       (:func:`effective_threshold`)

with the PGFL exponent ``H_1`` of eq. (10)/(21) (:func:`interference_h1`). In the
normalised areas ``u_k = pi lambda r_k^2`` the exponent is ``u_L h(kappa/(1 + S))``
with ``S = sum_{i<L} (u_i/u_L)^(-beta/2)`` and

    h(x) = int_1^inf x t^(-beta/2) / (1 + x t^(-beta/2)) dt
         = (2/beta) x^delta B(x/(1+x); 1 - delta, delta),  delta = 2/beta

(:func:`normalised_interference`; ``sqrt(x) arctan(sqrt(x))`` for ``beta = 4``).

* ``outer="ordered"`` (corrected Theorem 1, the default). The ``L`` nearest
  distances are ordered and dependent: their joint density is
  ``(2 pi lambda)^L prod r_i e^{-pi lambda r_L^2}`` on ``r_1 < ... < r_L``. Equivalently
  ``u_L ~ Gamma(L, 1)`` and ``s_i = u_i/u_L``, ``i < L``, iid Uniform(0, 1) (only the
  symmetric ``S`` enters). The ``u_L`` integral is closed-form:

      P_c = sum_n (-1)^{n+1} C(Q, n) E_s[(1 + h(kappa_n / (1 + S)))^(-L)],

  an ``(L-1)``-dimensional integral over the unit cube, independent of ``lambda``.
* ``outer="marginals"`` (Theorem 1 **as printed**, eq. (10)/(22)). The paper
  integrates against the product of the marginal densities ``f_k(r_k)``, i.e.
  treats ``u_k ~ Gamma(k, 1)`` as independent, which overestimates ``P_c`` for
  ``L >= 2`` (docs/errata.md; Appendix A's ``f(r_L)`` also lacks the factor 2,
  which is restored here). Kept only to draw the paper's curve. With ``s_k = u_k/u_L``
  the ``u_L`` integral is again closed-form:

      E = m!/(L-1)! int_{(0,inf)^{L-1}} prod_k s_k^{k-1}/(k-1)!
            (1 + sum_k s_k + h(kappa/(1 + S)))^(-(m+1)) ds,
      m = (L-1)(L-2)/2 + 2(L-1).

For ``L = 1`` both reduce to Proposition 1, eq. (11)/(24).

Quadrature. The outer integrals are evaluated on a fixed rule of atoms
``(y_j = 1/(1 + S_j), A_j = sum_k s_k, w_j)``, cached per ``(L, beta, outer)`` and shared
by every threshold and every binomial term (so the errors of the alternating sum
are correlated). For ``L <= TENSOR_MAX_CLUSTER`` it is a tensor Gauss--Legendre rule in
``v`` with ``s = v^3`` (ordered) or ``s = (v/(1-v))^3`` (marginals) -- the integrand
has a sharp feature near ``s ~ kappa^(-2/beta)`` that the cubic map resolves --
with the permutations of each node multiset merged (the integrand is symmetric in
``s``). Larger clusters (ordered form only) use an equal-weight scrambled Sobol rule
with a fixed seed (2^16 points, error about 2e-5). Reductions use
:func:`isac_core.numerics.integrate`, so each state point's result does not depend
on the other points of the call.
"""

from __future__ import annotations

import math
from functools import lru_cache

import numpy as np
from scipy.special import comb

from ...fading import gamma_power, rayleigh_power
from ...geometry import ppp_ordered_distances
from ...numerics import gauss_legendre, incomplete_beta, integrate, inverse_power
from ...validation import exponent_above, whole

__all__ = [
    "MAX_CLUSTER",
    "effective_threshold",
    "normalised_interference",
    "interference_h1",
    "coverage_prop1",
    "coverage_theorem1",
    "coverage_sir_samples",
]

#: Largest CoMP cluster size supported by the Monte Carlo (and the model parameter ``L``).
MAX_CLUSTER = 20
#: Largest ``L`` evaluated with the symmetric tensor Gauss--Legendre rule.
TENSOR_MAX_CLUSTER = 4
#: Gauss--Legendre nodes per dimension of the tensor rule, by outer density and ``L - 1``
#: (quadrature error, measured against 1.5x the nodes at ``beta = 4``, ``M_t`` in {4, 10, 21}:
#: at most 4e-8 ``"ordered"`` / 1.1e-7 ``"marginals"`` for ``T`` in [-10, 40] dB, and
#: 1e-10 / 1.3e-8 for ``T <= 25`` dB).
TENSOR_NODES = {"ordered": {1: 96, 2: 64, 3: 48}, "marginals": {1: 128, 2: 96, 3: 64}}
#: Points of the scrambled Sobol rule used for ``L > TENSOR_MAX_CLUSTER`` (and its seed).
SOBOL_POINTS_LOG2 = 16
SOBOL_SEED = 20250513
#: Upper bound on the number of array elements of one evaluation chunk
#: (points x binomial terms x atoms); about 16 MB per work array.
CHUNK_ELEMENTS = 1 << 21

_OUTERS = ("ordered", "marginals")


# --------------------------------------------------------------------------- closed forms


def effective_threshold(T, n, M_t, p_c, p_t, a):
    """Effective threshold of the ``n``-th binomial term, ``kappa_n = a n T p^t / (Q p^c)``.

    ``Q = M_t - 1``; Theorem 1, eq. (10), and Proposition 1, eq. (11).

    Parameters
    ----------
    T : array_like
        SIR threshold (linear).
    n : array_like
        Binomial index ``1..Q``.
    M_t : array_like
        Transmit antennas.
    p_c, p_t : array_like
        Communication and total transmit power.
    a : array_like
        Parameter of Conjecture 2.

    Returns
    -------
    ndarray
        All arguments broadcast.
    """
    Q = np.asarray(M_t, float) - 1.0
    with np.errstate(divide="ignore"):  # p_c = 0: infinite threshold, no coverage
        return (np.asarray(a, float) * np.asarray(n, float) * np.asarray(T, float) * np.asarray(p_t, float)
                / (Q * np.asarray(p_c, float)))[()]


def _h(x, beta: float) -> np.ndarray:
    """``h(x)`` of :func:`normalised_interference` for ``x >= 0`` (array ``x``, scalar ``beta``)."""
    if beta == 4.0:
        r = np.sqrt(x)
        return r * np.arctan(r)
    delta = 2.0 / beta
    x = np.asarray(x, float)
    out = np.empty_like(x)
    lo = x <= 1.0
    xl = x[lo]
    out[lo] = incomplete_beta(xl / (1.0 + xl), 1.0 - delta, delta)
    xh = x[~lo]
    # B(y; 1-d, d) = B(1-d, d) - B(1-y; d, 1-d) with 1 - y = 1/(1+x) computed directly.
    out[~lo] = np.pi / np.sin(np.pi * delta) - incomplete_beta(1.0 / (1.0 + xh), delta, 1.0 - delta)
    out *= (2.0 / beta) * np.power(x, delta)
    return out


def normalised_interference(x, beta=4.0):
    r"""Normalised PGFL exponent of the interferers beyond the cluster, ``h(x)``.

    .. math::

        h(x) = \int_1^\infty \frac{x\,t^{-\beta/2}}{1 + x\,t^{-\beta/2}}\,dt
             = \frac{2}{\beta}\,x^{\delta}\,B\!\left(\frac{x}{1+x}; 1-\delta, \delta\right),
        \quad \delta = 2/\beta,

    with the non-regularised incomplete beta function (the paper's "incomplete
    Gamma function" ``B(x, a, b)`` is this function; docs/errata.md). For ``x > 1``
    the complement ``B(1-d, d) - B(1/(1+x); d, 1-d)`` is used, and ``beta = 4`` is
    the exact ``sqrt(x) arctan(sqrt(x))`` (Proposition 1, eq. (11)). ``u_L h(x)`` is
    ``pi lambda H_1`` of eq. (10)/(21) with ``x = c u_L^(-beta/2)``.

    Parameters
    ----------
    x : array_like
        Normalised effective threshold (>= 0).
    beta : float
        Path-loss exponent (> 2).

    Returns
    -------
    ndarray
    """
    return _h(np.asarray(x, float), exponent_above(beta, "beta"))[()]


def interference_h1(c, r_L, beta=4.0):
    r"""PGFL exponent ``H_1`` of Theorem 1, eq. (10)/(21), per unit ``pi lambda``.

    .. math::

        H_1 = 2\int_{r_L}^\infty \frac{c\,x^{-\beta}}{1 + c\,x^{-\beta}}\,x\,dx
            = \frac{2}{\beta}\,c^{\delta}\,B(1 - q_L; 1-\delta, \delta)
            = r_L^2\, h(c\, r_L^{-\beta}),

    with ``q_L = (1 + c r_L^-beta)^-1`` (the paper's ``Q_L``) and ``c = c_n`` the
    effective threshold divided by ``D = sum_{i<=L} r_i^-beta``. The conditional
    coverage term is ``exp(-pi lambda H_1)``.

    Parameters
    ----------
    c : array_like
        ``c_n`` (>= 0).
    r_L : array_like
        Distance of the farthest cluster BS (> 0).
    beta : float
        Path-loss exponent (> 2).

    Returns
    -------
    ndarray
    """
    beta = exponent_above(beta, "beta")
    c, r_L = np.broadcast_arrays(np.asarray(c, float), np.asarray(r_L, float))
    return (r_L**2 * _h(c * np.power(r_L, -beta), beta))[()]


def _binomial_coefficients(Q: int) -> np.ndarray:
    """``(-1)^(n+1) C(Q, n)`` for ``n = 1..Q`` (exact integers as floats)."""
    n = np.arange(1, Q + 1)
    return np.where(n % 2 == 1, 1.0, -1.0) * comb(Q, n, exact=False)


def coverage_prop1(T, M_t, p_c, p_t, a, beta=4.0):
    r"""Proposition 1, eq. (11)/(24): coverage probability of the nearest-BS user (``L = 1``).

    .. math::

        P_c = \sum_{n=1}^{Q} (-1)^{n+1}\binom{Q}{n}
              \frac{1}{1 + \sqrt{\kappa_n}\arctan\sqrt{\kappa_n}},
        \qquad \kappa_n = \frac{a n T p^t}{Q p^c},

    for ``beta = 4``. The printed arcsin form ``sqrt(k) (pi/2 - arcsin sqrt(1/(1+k)))``
    is the same function; in the derivation, eq. (23) lacks the factor ``2/beta`` in
    its first line and drops ``r_1^2`` in its last, but (24) is right
    (docs/errata.md). For general ``beta`` the arctan term is ``h(kappa_n)`` of
    :func:`normalised_interference`. Independent of ``lambda``.

    Parameters
    ----------
    T : array_like
        SIR threshold (linear, >= 0).
    M_t : array_like
        Transmit antennas (integers >= 2, may be stored as floats).
    p_c, p_t : array_like
        Communication and total transmit power.
    a : array_like
        Parameter of Conjecture 2.
    beta : float or array_like
        Path-loss exponent (> 2).

    Returns
    -------
    ndarray
        Elementwise over the broadcast arguments.
    """
    return coverage_theorem1(T, 1.0, M_t, p_c, p_t, beta, a)


# --------------------------------------------------------------------------- outer quadrature rules


def _map_nodes(v, outer: str):
    """``s(v)`` and ``ds/dv`` of the cubic maps onto ``(0, 1)`` or ``(0, inf)``."""
    if outer == "ordered":
        return v**3, 3.0 * v**2
    t = v / (1.0 - v)
    return t**3, 3.0 * v**2 / (1.0 - v) ** 4


def _marginal_constant(L: int):
    """``m`` and ``m!/(L-1)!`` of the printed (product-of-marginals) form."""
    m = (L - 1) * (L - 2) // 2 + 2 * (L - 1)
    return m, math.factorial(m) / math.factorial(L - 1)


def _finish_rule(s, w, beta: float, outer: str, L: int):
    """Atoms ``(y, A, w)`` from nodes ``s`` of shape (J, d) and their weights ``w`` (J,)."""
    d = s.shape[1]
    with np.errstate(divide="ignore", over="ignore"):  # s -> 0 gives S = inf, y = 0: no coverage loss
        X = np.power(s, -0.5 * beta)
    S = X[:, 0].copy()
    A = s[:, 0].copy()
    for k in range(1, d):  # fixed summation order
        S += X[:, k]
        A += s[:, k]
    y = 1.0 / (1.0 + S)
    if outer == "ordered":
        A[:] = 0.0
    else:
        w = w * _marginal_constant(L)[1]
    for arr in (y, A, w):
        arr.flags.writeable = False
    return y, A, w


def _tensor_rule(L: int, beta: float, outer: str):
    d = L - 1
    n = TENSOR_NODES[outer][d]
    v, wv = gauss_legendre(n, 0.0, 1.0)
    s1, jac = _map_nodes(v, outer)
    w1 = wv * jac
    idx = np.indices((n,) * d).reshape(d, -1).T  # full tensor grid, (n^d, d)
    w_full = np.ones(idx.shape[0])
    for k in range(d):
        factor = w1[idx[:, k]]
        if outer == "marginals":  # coordinate k + 1 carries the Gamma(k + 1) weight s^k / k!
            factor = factor * s1[idx[:, k]] ** k / math.factorial(k)
        w_full *= factor
    # The integrand is symmetric in s: merge every ordering of a node multiset.
    key = np.ravel_multi_index(tuple(np.sort(idx, axis=1).T), (n,) * d)
    unique, inverse = np.unique(key, return_inverse=True)
    w = np.bincount(inverse, weights=w_full)
    rows = np.stack(np.unravel_index(unique, (n,) * d), axis=1)
    return _finish_rule(s1[rows], w, beta, outer, L)


def _sobol_rule(L: int, beta: float):
    """Scrambled Sobol points ``s`` in the unit cube, equal weights (ordered outer density only).

    No variable map: the Jacobian of the cubic map would make the weights' variance grow
    like ``(9/5)^(L-1)``. Equal weights sum to 1 exactly, so ``T = 0`` gives 1.
    """
    from scipy.stats import qmc

    sampler = qmc.Sobol(L - 1, scramble=True, rng=np.random.default_rng(SOBOL_SEED))
    s = sampler.random_base2(SOBOL_POINTS_LOG2)
    s = np.maximum(s, np.finfo(float).tiny)
    w = np.full(s.shape[0], 1.0 / s.shape[0])
    return _finish_rule(s, w, beta, "ordered", L)


@lru_cache(maxsize=32)
def _outer_rule(L: int, beta: float, outer: str):
    """Cached atoms ``(y, A, w)`` of the outer integral (read-only); ``L = 1`` is one atom."""
    if L == 1:  # no outer integral: one atom y = 1 (S = 0), A = 0, w = 1
        return _readonly(np.ones(1)), _readonly(np.zeros(1)), _readonly(np.ones(1))
    if L <= TENSOR_MAX_CLUSTER:
        return _tensor_rule(L, beta, outer)
    if outer == "marginals":
        raise ValueError(f"the printed Theorem 1 is implemented for L <= {TENSOR_MAX_CLUSTER}, got L = {L}")
    return _sobol_rule(L, beta)


def _readonly(x):
    x = np.ascontiguousarray(x, float)
    x.flags.writeable = False
    return x


# --------------------------------------------------------------------------- Theorem 1


def _group_terms(kappa, L: int, beta: float, outer: str, rule):
    """``E[...]`` of each binomial term: ``kappa`` has shape (P, Q); returns (P, Q)."""
    y, A, w = rule
    x = kappa[..., None] * y  # (P, Q, J)
    h = _h(x, beta)
    if outer == "ordered":
        h += 1.0
        phi = inverse_power(h, float(L), out=h)
    else:
        m = _marginal_constant(L)[0]
        h += A
        h += 1.0
        phi = inverse_power(h, float(m + 1), out=h)
    return integrate(phi, w)


def _group(T, a, p_c, p_t, L: int, Q: int, beta: float, outer: str):
    """Coverage probability of points sharing ``(L, M_t, beta)``; 1-D arrays of one length."""
    rule = _outer_rule(L, beta, outer)
    coef = _binomial_coefficients(Q)
    n = np.arange(1, Q + 1, dtype=float)
    out = np.empty(T.shape)
    step = max(1, CHUNK_ELEMENTS // (Q * rule[0].size))
    for start in range(0, T.size, step):
        sl = slice(start, start + step)
        kappa = effective_threshold(T[sl, None], n, Q + 1.0, p_c[sl, None], p_t[sl, None], a[sl, None])
        out[sl] = integrate(_group_terms(kappa, L, beta, outer, rule), coef)
    return out


def coverage_theorem1(T, L, M_t, p_c, p_t, beta, a, outer="ordered"):
    """Theorem 1, eq. (10)/(22): coverage probability of an ``L``-BS non-coherent CoMP user.

    ``outer="ordered"`` integrates over the ordered joint density of the ``L``
    nearest distances (the correction of docs/errata.md): ``P_c = sum_n (-1)^{n+1}
    C(Q, n) E_s[(1 + h(kappa_n/(1 + S)))^(-L)]`` over the ``(L-1)``-cube.
    ``outer="marginals"`` is the printed formula (product of the marginals
    ``f_k(r_k)``, with Appendix A's missing factor 2 of ``f(r_L)`` restored); it
    overestimates ``P_c`` for ``L >= 2`` and exists only to draw the paper's curve.
    See the module docstring for both reductions and the quadrature. ``L = 1`` is
    Proposition 1, eq. (11), in both cases. Conjectures 1 and 2 are applied as in
    the paper; independent of ``lambda``.

    Quadrature error (``beta = 4``, ``T`` in [-10, 40] dB, ``M_t <= 21``): at most
    4e-8 (ordered) and 1.1e-7 (marginals) for ``L <= 4``; about 2e-5 for the
    scrambled-Sobol rule of ``L > 4`` (ordered only: the printed form is implemented
    for ``L <= 4``, the paper's range).

    Parameters
    ----------
    T : array_like
        SIR threshold (linear, >= 0); ``T = 0`` gives 1.
    L : array_like
        Cluster size (whole numbers >= 1, may be floats).
    M_t : array_like
        Transmit antennas (whole numbers >= 2).
    p_c, p_t : array_like
        Communication and total transmit power.
    beta : array_like
        Path-loss exponent (> 2).
    a : array_like
        Parameter of Conjecture 2 (e.g. :func:`.gamma_approx.ks_optimal_a`).
    outer : {"ordered", "marginals"}

    Returns
    -------
    ndarray
        Broadcast shape of the arguments; each entry depends only on its own
        arguments (points are grouped by ``(L, M_t, beta)`` and each group is
        evaluated row by row).
    """
    if outer not in _OUTERS:
        raise ValueError(f"outer must be one of {_OUTERS}, got {outer!r}")
    args = np.broadcast_arrays(*(np.asarray(v, float) for v in (T, L, M_t, p_c, p_t, beta, a)))
    shape = args[0].shape
    T, L, M_t, p_c, p_t, beta, a = (np.ravel(v) for v in args)
    out = np.full(T.shape, np.nan)
    keys = np.stack([L, M_t, beta], axis=1)
    for key in np.unique(keys, axis=0):
        L_k, M_k, b_k = key
        if L_k != int(L_k) or L_k < 1:
            raise ValueError(f"L must be a whole number >= 1, got {L_k!r}")
        Q = whole(M_k, "M_t", 2, scalar=True) - 1
        b_k = exponent_above(b_k, "beta")
        sel = np.flatnonzero(np.all(keys == key, axis=1))
        zero = T[sel] == 0.0
        out[sel[zero]] = 1.0
        rest = sel[~zero]
        if rest.size:
            out[rest] = _group(T[rest], a[rest], p_c[rest], p_t[rest], int(L_k), Q, b_k, outer)
    return out.reshape(shape)[()]


# --------------------------------------------------------------------------- Monte Carlo


def coverage_sir_samples(rng: np.random.Generator, n_trials: int, L, *, M_t, p_c, p_t, beta, density,
                         gains: str = "independent", fading: str = "model", n_nearest: int = 200):
    """Monte Carlo samples of ``SIR_c`` (eq. (3)) for several cluster sizes at once.

    Geometry: the ``K = n_nearest`` nearest BSs of a PPP of density ``density``
    (:func:`isac_core.geometry.ppp_ordered_distances`); the interference beyond
    ``r_K`` is replaced by its mean ``p^t 2 pi lambda r_K^(2-beta)/(beta-2)``.

    The draws do not depend on ``L``: every call draws, in this order, the ``K``
    ordered distances, desired gains for the first ``MAX_CLUSTER`` positions,
    interference gains for all ``K`` positions and one common (pooled) gain, all of
    shape ``(n_trials, ...)``. Each requested ``L`` then takes the prefix sum of
    the desired terms up to ``L`` and the suffix sum of the interference terms
    beyond ``L``; so the column of a given ``L`` is bit-identical whichever other
    cluster sizes are requested.

    Parameters
    ----------
    rng : numpy.random.Generator
    n_trials : int
    L : array_like of int
        Cluster sizes, each in ``1..MAX_CLUSTER``.
    M_t : int
        Transmit antennas; desired gains are ``Gamma(M_t - 1, 1)``.
    p_c, p_t : float
        Communication and total transmit power.
    beta : float
        Path-loss exponent (> 2).
    density : float
        PPP intensity in points per unit area of the distance unit
        (``lambda d_ref^2``). ``SIR_c`` is scale-free, so its law does not depend
        on it (only the draws' scale does).
    gains : {"independent", "pooled"}
        ``"independent"``: iid desired gains (eq. (3)); ``"pooled"``: one common
        gain times ``sum_{i<=L} r_i^-beta`` (Conjecture 1).
    fading : {"model", "zf"}
        ``"model"``: desired ``Gamma(M_t - 1, 1)``, interference ``Exp(1)`` (the
        paper's laws); ``"zf"``: the exact laws under zero-forcing precoders
        (:mod:`.zf`, with ``p^s = p^t - p^c``).
    n_nearest : int
        ``K`` (>= ``MAX_CLUSTER + 1``).

    Returns
    -------
    ndarray, shape (n_trials, len(L))
        ``SIR_c`` per trial and requested cluster size (``p^c`` and ``p^t`` included).
    """
    sizes = np.atleast_1d(np.asarray(L))
    if sizes.ndim != 1 or np.any(sizes != np.round(sizes)) or np.any(sizes < 1) or np.any(sizes > MAX_CLUSTER):
        raise ValueError(f"L must be whole numbers in 1..{MAX_CLUSTER}, got {L!r}")
    sizes = sizes.astype(np.intp)
    if gains not in ("independent", "pooled"):
        raise ValueError(f"gains must be 'independent' or 'pooled', got {gains!r}")
    if fading not in ("model", "zf"):
        raise ValueError(f"fading must be 'model' or 'zf', got {fading!r}")
    K = int(n_nearest)
    if K <= MAX_CLUSTER:
        raise ValueError(f"n_nearest must exceed MAX_CLUSTER = {MAX_CLUSTER}, got {n_nearest!r}")
    beta = exponent_above(beta, "beta")
    n_trials = int(n_trials)
    shape = float(M_t) - 1.0

    r = ppp_ordered_distances(rng, density, K, n_trials)  # (n, K)
    if fading == "model":
        g_des = gamma_power(rng, shape, (n_trials, MAX_CLUSTER))
        g_int = rayleigh_power(rng, (n_trials, K))
        g_pool = gamma_power(rng, shape, n_trials)
    else:
        from . import zf

        g_des = zf.desired_comm_gain(rng, M_t, (n_trials, MAX_CLUSTER))
        g_int = zf.interference_gain(rng, M_t, p_c, float(p_t) - float(p_c), (n_trials, K))
        g_pool = zf.desired_comm_gain(rng, M_t, n_trials)

    tail = (2.0 * np.pi * float(density) / (beta - 2.0)) * np.power(r[:, -1], 2.0 - beta)
    path = inverse_power(r, beta, out=r)  # r_k^-beta, in place
    g_int *= path  # interference terms
    # Interference beyond position j, for j = 1..MAX_CLUSTER: fixed summation order.
    suffix = np.empty((n_trials, MAX_CLUSTER))
    acc = g_int[:, MAX_CLUSTER:].sum(axis=1)
    acc += tail
    suffix[:, MAX_CLUSTER - 1] = acc
    for j in range(MAX_CLUSTER - 1, 0, -1):
        acc += g_int[:, j]
        suffix[:, j - 1] = acc
    head = path[:, :MAX_CLUSTER]
    if gains == "independent":
        desired = np.cumsum(g_des * head, axis=1)
    else:
        desired = np.cumsum(head, axis=1)
        desired *= g_pool[:, None]
    idx = sizes - 1
    return (float(p_c) * desired[:, idx]) / (float(p_t) * suffix[:, idx])
