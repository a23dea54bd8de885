"""Conjectures 1 and 2 of Sui et al. (gain pooling and the Gamma CDF approximation).

* **Conjecture 1** (eq. (7)): the desired signal ``sum_{i<=L} g_i r_i^-beta`` with
  iid ``g_i ~ Gamma(M_t - 1, 1)`` is replaced by ``g sum_{i<=L} r_i^-beta`` with a
  single common ``g ~ Gamma(M_t - 1, 1)``. :func:`conjecture1_sums` draws both sums
  on the same PPP geometry (the paper's Fig. 2(a)). The paper writes
  ``X ~ Gamma(N, 1)`` and the exponent ``alpha``; these are ``Gamma(M_t - 1, 1)``
  and ``beta`` (docs/errata.md).
* **Conjecture 2** (eqs. (8)-(9)): the CDF ``F(gamma) = P(Q, Q gamma)`` of a
  normalised ``Gamma(Q, 1/Q)`` variable (``Q = M_t - 1``) is approximated by
  ``G_a(gamma) = (1 - exp(-a gamma))^Q``, with ``a`` the minimiser of the
  Kolmogorov--Smirnov distance ``D(a) = sup_gamma |F - G_a|``. Printed eq. (9)
  reads "alpha = min D", i.e. the argmin, and swaps the labels F and G
  (docs/errata.md). :func:`alzer_a` is the classic one-sided choice
  ``a = Q (Q!)^(-1/Q)`` (Alzer's inequality), for which ``G_a <= F``.

``D(a)`` is unimodal: ``G_a`` increases with ``a``, so ``D+(a) = sup(F - G_a)``
decreases and ``D-(a) = sup(G_a - F)`` increases, and the optimum is where they are
equal. :func:`ks_optimal_a` finds that crossing by Brent's method on a cached
dense ``gamma`` grid with local refinement of each supremum.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
from scipy import optimize
from scipy.special import gammainc, gammaln

from ...fading import gamma_power
from ...geometry import ppp_ordered_distances
from ...numerics import inverse_power
from ...validation import whole

__all__ = [
    "gamma_cdf",
    "conjecture2_cdf",
    "alzer_a",
    "ks_distance",
    "ks_optimal_a",
    "conjecture1_sums",
]

#: Points of the dense ``gamma`` grid on ``[0, 1 + 12/sqrt(Q) + 8]``.
KS_GRID_POINTS = 40_001
#: Points of the local refinement grid spanning two dense-grid cells around each maximiser.
KS_REFINE_POINTS = 129
#: Bracket of the optimal ``a`` searched by Brent's method (``a* in [1, 3.5]`` for Q <= 20).
KS_A_BRACKET = (0.5, 8.0)


# --------------------------------------------------------------------------- Conjecture 2


def gamma_cdf(gamma, Q):
    """CDF of the normalised gain ``Gamma(Q, 1/Q)`` (mean 1): ``F(gamma) = P(Q, Q gamma)``.

    The exact law that Conjecture 2, eq. (8), approximates.

    Parameters
    ----------
    gamma : array_like
        Normalised gain value (>= 0).
    Q : array_like
        Shape ``M_t - 1`` (> 0); broadcast against ``gamma``.

    Returns
    -------
    ndarray
    """
    gamma = np.asarray(gamma, float)
    Q = np.asarray(Q, float)
    return gammainc(Q, Q * gamma)[()]


def conjecture2_cdf(gamma, a, Q):
    """Conjecture 2, eq. (8): ``G_a(gamma) = (1 - exp(-a gamma))^Q``.

    Parameters
    ----------
    gamma : array_like
        Normalised gain value (>= 0).
    a : array_like
        Tunable parameter (the paper's ``alpha``), > 0.
    Q : array_like
        ``M_t - 1``; broadcast against ``gamma`` and ``a``.

    Returns
    -------
    ndarray
    """
    gamma = np.asarray(gamma, float)
    a = np.asarray(a, float)
    Q = np.asarray(Q, float)
    return np.power(-np.expm1(-a * gamma), Q)[()]


def alzer_a(Q):
    """Alzer's parameter ``a_A = Q (Q!)^(-1/Q)`` (Bai & Heath's choice; ``G_{a_A} <= F``).

    Parameters
    ----------
    Q : array_like
        ``M_t - 1`` (> 0).

    Returns
    -------
    ndarray
    """
    Q = np.asarray(Q, float)
    return (Q * np.exp(-gammaln(Q + 1.0) / Q))[()]


@lru_cache(maxsize=64)
def _ks_grid(Q: int):
    """Dense grid ``gamma`` on ``[0, 1 + 12/sqrt(Q) + 8]`` and ``F`` on it (read-only)."""
    gamma = np.linspace(0.0, 1.0 + 12.0 / np.sqrt(Q) + 8.0, KS_GRID_POINTS)
    F = gamma_cdf(gamma, Q)
    gamma.flags.writeable = False
    F.flags.writeable = False
    return gamma, F


def _refined_sup(diff_at, grid, values):
    """``sup`` of a smooth function sampled on ``grid``: maximise again near the grid maximiser."""
    k = int(np.argmax(values))
    lo = grid[max(k - 1, 0)]
    hi = grid[min(k + 1, grid.size - 1)]
    local = np.linspace(lo, hi, KS_REFINE_POINTS)
    return max(float(values[k]), float(np.max(diff_at(local))))


def _one_sided(a: float, Q: int):
    """``(D+, D-) = (sup(F - G_a), sup(G_a - F))`` over ``gamma >= 0``."""
    gamma, F = _ks_grid(Q)
    diff = F - conjecture2_cdf(gamma, a, Q)

    def upper(g):
        return gamma_cdf(g, Q) - conjecture2_cdf(g, a, Q)

    def lower(g):
        return -upper(g)

    # Both deviations vanish at gamma = 0 and as gamma -> inf, so sup >= 0.
    return max(_refined_sup(upper, gamma, diff), 0.0), max(_refined_sup(lower, gamma, -diff), 0.0)


def ks_distance(a, Q) -> float:
    """Kolmogorov--Smirnov distance ``D(a) = sup_gamma |F(gamma) - G_a(gamma)|`` (eq. (9)).

    The supremum is taken on a dense grid of ``KS_GRID_POINTS`` points on
    ``[0, 1 + 12/sqrt(Q) + 8]`` (beyond it both CDFs are within 1e-12 of 1), and
    refined on ``KS_REFINE_POINTS`` points across the two cells around the grid
    maximiser; the result is accurate to about 1e-9.

    Parameters
    ----------
    a : float
        Parameter of :func:`conjecture2_cdf` (> 0).
    Q : int
        ``M_t - 1`` (integer >= 1).

    Returns
    -------
    float
    """
    return max(_one_sided(float(a), whole(Q, "Q = M_t - 1", 1, scalar=True)))


@lru_cache(maxsize=64)
def _ks_optimal(Q: int):
    if Q == 1:
        # G_1(gamma) = 1 - exp(-gamma) is the Exp(1) CDF itself.
        return 1.0, 0.0

    def balance(a):
        up, down = _one_sided(a, Q)
        return up - down  # decreasing in a; zero at the optimum

    a_star = optimize.brentq(balance, *KS_A_BRACKET, xtol=1e-10, rtol=4 * np.finfo(float).eps)
    return float(a_star), ks_distance(a_star, Q)


def ks_optimal_a(Q):
    """KS-optimal parameter of Conjecture 2: ``a* = argmin_a D(a)`` (eq. (9)) and ``D(a*)``.

    ``D+(a)`` is non-increasing and ``D-(a)`` non-decreasing in ``a`` (``G_a`` is
    increasing in ``a``), so ``D = max(D+, D-)`` is minimised where ``D+ = D-``;
    the crossing is found by Brent's method to ``|Delta a| <= 1e-10``. Cached per
    ``Q``; the first call for a given ``Q`` takes about 0.01 s. For ``Q = 1``,
    ``G_1`` is the exact CDF: ``(1, 0)``.

    Parameters
    ----------
    Q : int
        ``M_t - 1`` (integer >= 1).

    Returns
    -------
    a_star, D : float
        E.g. ``Q = 9``: ``a* = 2.7520``, ``D = 0.0572`` (Alzer's ``a = 2.1702``
        gives ``D = 0.2504``).
    """
    return _ks_optimal(whole(Q, "Q = M_t - 1", 1, scalar=True))


# --------------------------------------------------------------------------- Conjecture 1


def conjecture1_sums(rng: np.random.Generator, n_trials: int, L: int, beta: float, density: float, M_t):
    """Both sides of Conjecture 1, eq. (7), on the same PPP geometry.

    Draw order: the ``L`` nearest PPP distances of each trial
    (:func:`isac_core.geometry.ppp_ordered_distances`), then ``n_trials x L``
    independent gains, then ``n_trials`` common gains, all ``Gamma(M_t - 1, 1)``.

    Parameters
    ----------
    rng : numpy.random.Generator
    n_trials : int
    L : int
        Cluster size (number of nearest BSs summed).
    beta : float
        Path-loss exponent.
    density : float
        PPP intensity in points per unit area of the distance unit (``lambda d_ref^2``).
    M_t : int
        Transmit antennas; the gain shape is ``M_t - 1``.

    Returns
    -------
    independent, pooled : ndarray, shape (n_trials,)
        ``sum_{i<=L} g_i r_i^-beta`` with iid ``g_i`` and ``g sum_{i<=L} r_i^-beta``
        with one common ``g``.
    """
    n_trials, L = int(n_trials), int(L)
    shape = float(M_t) - 1.0
    path = inverse_power(ppp_ordered_distances(rng, density, L, n_trials), float(beta))
    gains = gamma_power(rng, shape, (n_trials, L))
    independent = (gains * path).sum(axis=-1)
    pooled = gamma_power(rng, shape, n_trials) * path.sum(axis=-1)
    return independent, pooled
