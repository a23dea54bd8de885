r"""Cooperative-sensing CRLB of Meng & Masouros (eqs. (5)-(6), (11)-(14), (16)).

Model. The ``N`` BSs nearest to a target at the origin (a PPP of density
``lambda_b``; distances ``d_i``, bearings ``theta_i``) form a non-coherent MIMO radar
in which every BS transmits and every BS receives. The FIM of the target position
is eq. (5),

    F_N = |zeta|^2 sum_{i,j<=N} d_i^-beta d_j^-beta [[a_ij^2, a_ij b_ij], [a_ij b_ij, b_ij^2]],
    a_ij = cos(theta_i) + cos(theta_j),   b_ij = sin(theta_i) + sin(theta_j),

and the network CRLB is ``E[tr(F_N^-1)]`` (eq. (6)).

Normalisation. Everything here is in units with ``|zeta|^2 = 1``; the curves and
the Monte Carlo return ``c = |zeta|^2 (lambda_b pi)^beta CRLB``, which is
dimensionless and free of the radar constants (``c = |zeta|^2 lambda_b^2 pi^2 CRLB``
for ``beta = 2``). With ``lambda_b pi d_k^2 = Gamma_k``, the arrival times of a
unit-rate Poisson process, ``c = E[tr F^-1]`` evaluated at ``w_k = Gamma_k^(-beta/2)``.

Exact trace (:func:`crlb_trace_closed_form`). With ``w_k = d_k^-beta``,
``S = sum w_k``, ``mu = sum w_k e^{j theta_k}`` and ``q = sum w_k e^{2 j theta_k}``,

    tr(F_N^-1) = 2 (S^2 + |mu|^2) / (|zeta|^2 S [S (S^2 - |q|^2) + 2 S |mu|^2 - 2 Re(conj(q) mu^2)]),

an O(N) form of eq. (11). Eq. (11) itself is garbled in print: its determinant
(Cauchy--Binet) is a sum over *strictly lexicographically ordered* index pairs
``(k, l) < (i, j)``, and the printed factor 2 in front of that sum is an erratum
that halves the CRLB (:func:`crlb_trace_lexicographic`; the text after (11) also
misdefines ``d_i``). ``F_N`` is singular iff all bearings are collinear modulo pi
(always for ``N = 1``); ``E[tr F^-1]`` is infinite for ``N <= 3`` and its variance is
infinite for ``N <= 5``.

Approximations (normalised ``c``):

* :func:`crlb_prop1` -- Proposition 1, eq. (12), with the exact
  ``E[d_n] = Gamma(n + 1/2) / (sqrt(lambda_b pi) Gamma(n))``;
  :func:`crlb_prop1_offdiag` -- the ``l != k`` sum that ends Appendix A (eq. (22)),
  inconsistent with (12) and kept as a diagnostic;
* :func:`crlb_eq13` -- eq. (13), ``E[d_n] ~ sqrt(n / (lambda_b pi))``:
  ``2 / (sum_k k^(-beta/2))^2``, i.e. ``2 / H_N^2`` for ``beta = 2``;
* :func:`crlb_log_law` -- Theorem 1, eq. (14). Printed: ``CRLB ln^2 N -> 1``;
  corrected: the limit is 2 (eq. (13) and the exact FIM agree), approached only
  logarithmically slowly;
* :func:`crlb_with_acceptance` -- eq. (16), ``1 / (kappa_s^2 ln^2 N)`` as printed
  (it inherits the Theorem-1 constant 1), or the form ``2 / (kappa_s^2 H_N^2)``
  consistent with eq. (13).

Monte Carlo: :func:`crlb_samples` (with optional independent acceptance thinning
of the requested BSs, docs/errata.md, Monte Carlo).
"""

from __future__ import annotations

import numpy as np
from scipy import special as _sp

from ...geometry import ppp_ordered_distances
from ...localization import angular_moments
from ...localization import check_beta as _check_beta
from ...localization import check_geometry as _geometry
from ...localization import range_trace_from_sums as _trace_from_sums
from ...numerics import inverse_power
from .acceptance import mean_squared_distance_index

__all__ = [
    "expected_distance",
    "crlb_trace_closed_form",
    "crlb_trace_direct",
    "crlb_trace_lexicographic",
    "crlb_prop1",
    "crlb_prop1_offdiag",
    "crlb_eq13",
    "crlb_log_law",
    "crlb_with_acceptance",
    "crlb_samples",
    "large_n_scaled_samples",
]

#: BSs simulated explicitly by :func:`large_n_scaled_samples`.
LARGE_N_EXACT = 400

#: Trials per Monte Carlo block. Memory per block is about ``8 (10 K + 8 len(N)) BLOCK_TRIALS``
#: bytes (18 MB for ``K = len(N) = 30``), independent of ``n_trials``.
BLOCK_TRIALS = 4096
#: Largest ``N`` accepted by the cumulative-sum curves (memory guard).
_MAX_SUM_TERMS = 10**7
_ACCEPTANCE_FORMS = ("printed", "consistent")
_LEX_FORMS = ("corrected", "printed")


# --------------------------------------------------------------------------- validation helpers


def _sizes(N, minimum=1) -> np.ndarray:
    N = np.asarray(N, dtype=float)
    if np.any(~np.isfinite(N) | (N != np.round(N)) | (N < minimum)):
        raise ValueError(f"N must be whole numbers >= {minimum}")
    return N


# --------------------------------------------------------------------------- exact trace of F^-1


def crlb_trace_closed_form(d, theta, beta=2.0):
    r"""Exact :math:`\mathrm{tr}(F_N^{-1})` in O(N), units :math:`|\zeta|^2 = 1` (eqs. (5), (11)).

    With :math:`w_k = d_k^{-\beta}`, :math:`S = \sum w_k`, :math:`\mu = \sum w_k e^{j\theta_k}`
    and :math:`q = \sum w_k e^{2j\theta_k}`, eq. (5) is
    :math:`F_N = 2 (S M + m m^T)` with :math:`M = \tfrac12 [[S + \Re q, \Im q], [\Im q, S - \Re q]]`
    and :math:`m = (\Re\mu, \Im\mu)`, so

    .. math:: \mathrm{tr}(F_N^{-1}) = \frac{2 (S^2 + |\mu|^2)}
              {S [S (S^2 - |q|^2) + 2 S |\mu|^2 - 2 \Re(\bar q \mu^2)]}.

    This equals the corrected eq. (11) (:func:`crlb_trace_lexicographic`) and the
    direct inverse of eq. (5) (:func:`crlb_trace_direct`).

    Parameters
    ----------
    d : array_like, shape (..., N)
        BS--target distances (> 0; any unit, the result is in that unit^(2 beta)).
    theta : array_like, shape (..., N)
        Bearings [rad]; broadcast against ``d``.
    beta : float
        Path-loss exponent (default 2).

    Returns
    -------
    ndarray, shape (...)
        ``tr(F_N^-1)``; ``inf`` for a singular FIM (all bearings collinear modulo
        pi, e.g. ``N = 1``).
    """
    d, theta, beta = _geometry(d, theta, beta)
    sums = angular_moments(np.power(d, -beta), theta)
    with np.errstate(divide="ignore", invalid="ignore"):
        return _trace_from_sums(*sums)[()]


def crlb_trace_direct(d, theta, beta=2.0):
    r"""``tr(F_N^-1)`` by building the 2x2 FIM of eq. (5) and inverting it (``|zeta|^2 = 1``).

    ``F = sum_{i,j} d_i^-beta d_j^-beta [[a_ij^2, a_ij b_ij], [a_ij b_ij, b_ij^2]]`` with
    ``a_ij = cos theta_i + cos theta_j``, ``b_ij = sin theta_i + sin theta_j``; O(N^2).

    Parameters
    ----------
    d, theta, beta
        As in :func:`crlb_trace_closed_form`.

    Returns
    -------
    ndarray, shape (...)
        ``(F_xx + F_yy) / det F``; ``inf`` where ``det F <= 0``.
    """
    d, theta, beta = _geometry(d, theta, beta)
    w = np.power(d, -beta)
    D = w[..., :, None] * w[..., None, :]
    a = np.cos(theta)[..., :, None] + np.cos(theta)[..., None, :]
    b = np.sin(theta)[..., :, None] + np.sin(theta)[..., None, :]
    fxx = (D * a * a).sum(axis=(-2, -1))
    fyy = (D * b * b).sum(axis=(-2, -1))
    fxy = (D * a * b).sum(axis=(-2, -1))
    det = fxx * fyy - fxy * fxy
    singular = ~(det > 0.0)
    return np.where(singular, np.inf, (fxx + fyy) / np.where(singular, 1.0, det))[()]


def crlb_trace_lexicographic(d, theta, beta=2.0, form="corrected"):
    r"""``tr(F_N^-1)`` from the reconstructed eq. (11) (``|zeta|^2 = 1``); O(N^4), small N only.

    .. math:: \mathrm{tr}(F_N^{-1}) = \frac{2 \sum_{i,j} D_{ij} (1 + \cos(\theta_i - \theta_j))}
              {c \sum_{(k,l) \prec (i,j)} D_{kl} D_{ij} (a_{kl} b_{ij} - a_{ij} b_{kl})^2},
              \qquad D_{ij} = d_i^{-\beta} d_j^{-\beta},

    where ``(k, l) < (i, j)`` is the strict lexicographic order of ordered index pairs
    (the printed limits ``j > ceil((k - i) N + l)^+`` are a garbled form of it) and the
    denominator is ``det F`` by Cauchy--Binet.

    Printed: ``c = 2`` (eq. (11) as printed, which halves the CRLB);
    corrected: ``c = 1``.

    Parameters
    ----------
    d, theta, beta
        As in :func:`crlb_trace_closed_form`.
    form : {"corrected", "printed"}

    Returns
    -------
    ndarray, shape (...)
    """
    if form not in _LEX_FORMS:
        raise ValueError(f"form must be one of {_LEX_FORMS}, got {form!r}")
    d, theta, beta = _geometry(d, theta, beta)
    n = d.shape[-1]
    lead = d.shape[:-1]
    w = np.power(d, -beta)
    D = (w[..., :, None] * w[..., None, :]).reshape(*lead, n * n)
    a = (np.cos(theta)[..., :, None] + np.cos(theta)[..., None, :]).reshape(*lead, n * n)
    b = (np.sin(theta)[..., :, None] + np.sin(theta)[..., None, :]).reshape(*lead, n * n)
    numerator = 2.0 * (D * (1.0 + np.cos(theta[..., :, None] - theta[..., None, :])).reshape(*lead, n * n)).sum(-1)
    # flattened index p = k n + l is the lexicographic rank of (k, l): keep p < p'
    cross = a[..., :, None] * b[..., None, :] - a[..., None, :] * b[..., :, None]
    terms = D[..., :, None] * D[..., None, :] * cross * cross
    upper = np.triu(np.ones((n * n, n * n), dtype=bool), k=1)
    det = np.where(upper, terms, 0.0).sum(axis=(-2, -1))
    if form == "printed":
        det = 2.0 * det
    singular = ~(det > 0.0)
    return np.where(singular, np.inf, numerator / np.where(singular, 1.0, det))[()]


# --------------------------------------------------------------------------- analytic curves


def expected_distance(n, density):
    r"""Mean distance to the ``n``-th nearest PPP point.

    :math:`E[d_n] = \Gamma(n+\tfrac12)/(\sqrt{\lambda\pi}\,\Gamma(n)) \approx \sqrt{n/(\lambda\pi)}`,
    stated after Proposition 1 (eq. (12)); evaluated without overflow through
    :func:`.acceptance.mean_squared_distance_index`.

    Parameters
    ----------
    n : array_like
        Ranks (whole numbers >= 1).
    density : array_like
        PPP intensity (> 0), in points per unit area.

    Returns
    -------
    ndarray
        In the unit of ``density^-1/2``.
    """
    density = np.asarray(density, dtype=float)
    if np.any(~(density > 0.0)):
        raise ValueError("density must be > 0")
    return np.sqrt(mean_squared_distance_index(n) / (np.pi * density))[()]


def _prefix_sums(terms_of_k, N):
    """``sum_{k <= N} terms_of_k(k)`` for every entry of ``N`` (one cumulative sum)."""
    top = int(np.max(N, initial=1.0))
    if top > _MAX_SUM_TERMS:
        raise ValueError(f"N must be <= {_MAX_SUM_TERMS}")
    k = np.arange(1.0, top + 1.0)
    cum = np.cumsum(terms_of_k(k))
    return cum[N.astype(np.int64) - 1]


def _power_sums(N, beta):
    r"""``sum_{k<=N} Nbar_k^(-beta/2)`` and ``sum_{k<=N} Nbar_k^(-beta)`` (``Nbar_k = lambda pi E[d_k]^2``)."""
    s1 = _prefix_sums(lambda k: mean_squared_distance_index(k) ** (-0.5 * beta), N)
    s2 = _prefix_sums(lambda k: mean_squared_distance_index(k) ** (-beta), N)
    return s1, s2


def _harmonic(N, s):
    r"""Generalised harmonic number :math:`H_N^{(s)} = \sum_{k=1}^N k^{-s}`.

    ``s = 1``: ``digamma(N + 1) + gamma_E``; ``s > 1``: ``zeta(s) - zeta(s, N + 1)``;
    ``s < 1``: cumulative sum.
    """
    if s == 1.0:
        return _sp.digamma(N + 1.0) + np.euler_gamma
    if s > 1.0:
        return _sp.zeta(s) - _sp.zeta(s, N + 1.0)
    return _prefix_sums(lambda k: k ** (-s), N)


def crlb_prop1(N, beta=2.0):
    r"""Proposition 1, eq. (12), normalised: :math:`c = 2 / (\sum_{k\le N} \bar N_k^{-\beta/2})^2`.

    Eq. (12) is ``CRLB = 2 / (|zeta|^2 sum_{l,k} E[d_k]^-beta E[d_l]^-beta)`` with the
    exact ``lambda_b pi E[d_k]^2 = Nbar_k = (Gamma(k + 1/2)/Gamma(k))^2``. It lies well
    below the Monte Carlo (0.329 against 1.00 at ``N = 4``, 0.102 against 0.117 at
    ``N = 30``) and is *worse* than eq. (13).

    Parameters
    ----------
    N : array_like
        Cluster sizes (whole numbers >= 1).
    beta : float
        Path-loss exponent.

    Returns
    -------
    ndarray
        ``c = |zeta|^2 (lambda_b pi)^beta CRLB``.
    """
    N = _sizes(N)
    s1, _ = _power_sums(N, _check_beta(beta))
    return (2.0 / (s1 * s1))[()]


def crlb_prop1_offdiag(N, beta=2.0):
    r"""The ``l != k`` variant that ends Appendix A (eq. (22)), normalised.

    :math:`c = 2 / [(\sum_k \bar N_k^{-\beta/2})^2 - \sum_k \bar N_k^{-\beta}]`. Printed in the
    proof; inconsistent with eq. (12) (which sums over all ``(l, k)``) and kept only as
    a diagnostic (it happens to be closer to the Monte Carlo for ``N >= 15``).

    Parameters
    ----------
    N : array_like
        Cluster sizes (whole numbers >= 2; ``N = 1`` has no off-diagonal term).
    beta : float

    Returns
    -------
    ndarray
    """
    N = _sizes(N, minimum=2)
    s1, s2 = _power_sums(N, _check_beta(beta))
    return (2.0 / (s1 * s1 - s2))[()]


def crlb_eq13(N, beta=2.0):
    r"""Eq. (13), normalised: :math:`c_{13} = 2 / (\sum_{k=1}^N k^{-\beta/2})^2` (``2/H_N^2`` at ``beta = 2``).

    Eq. (12) with ``E[d_n] ~ sqrt(n / (lambda_b pi))``. Finite (``c = 2``) for
    ``N = 1``, where the exact CRLB is infinite; within 20 % of the Monte Carlo for
    ``8 <= N <= 50`` but 38--54 % below it for ``N = 4, 5``.

    Parameters
    ----------
    N : array_like
        Cluster sizes (whole numbers >= 1).
    beta : float

    Returns
    -------
    ndarray
    """
    N = _sizes(N)
    h = _harmonic(N, 0.5 * _check_beta(beta))
    return (2.0 / (h * h))[()]


def crlb_log_law(N, constant=1.0):
    r"""Theorem 1, eq. (14) (``beta = 2``), normalised: :math:`c = \mathrm{constant} / \ln^2 N`.

    Printed: ``lim CRLB ln^2 N = 1 / (|zeta|^2 lambda_b^2 pi^2)``, i.e. ``constant = 1``;
    corrected: the limit is 2 (``H_N ~ ln N`` in eq. (13), and ``tr F^-1 -> 2/S^2`` with
    ``S ~ ln N`` for the exact FIM), so pass ``constant = 2`` for the consistent law.
    Neither constant is tight for ``N <= 50`` (the exact ``c ln^2 N`` is 1.33--1.45).

    Parameters
    ----------
    N : array_like
        Cluster sizes (whole numbers >= 2).
    constant : float
        1 (printed) or 2 (corrected).

    Returns
    -------
    ndarray
    """
    N = _sizes(N, minimum=2)
    log_n = np.log(N)
    return (float(constant) / (log_n * log_n))[()]


def crlb_with_acceptance(N, kappa, form="printed", beta=2.0):
    r"""CRLB with acceptance probability, eq. (16), normalised.

    * ``"printed"``: eq. (16), :math:`c_{16} = 1 / (\kappa_s^2 \ln^2 N)` (``beta = 2``
      only; inherits the printed Theorem-1 constant 1);
    * ``"consistent"``: :math:`2 / (\kappa_s^2 (\sum_{k\le N} k^{-\beta/2})^2)`, eq. (13)
      divided by ``kappa_s^2`` (``2 / (kappa_s^2 H_N^2)`` at ``beta = 2``).

    With the corrected ``kappa_s`` (:func:`.acceptance.kappa_sensing`, ``psi = 15``,
    ``mu_s = 1``) the printed form has its minimum at ``N = 15 = psi`` and the
    consistent form at ``N = 14``.

    Parameters
    ----------
    N : array_like
        Cluster sizes (whole numbers; >= 2 for ``"printed"``, >= 1 otherwise).
    kappa : array_like
        Acceptance probability in ``(0, 1]``; broadcast against ``N``.
    form : {"printed", "consistent"}
    beta : float
        Path-loss exponent of the consistent form; ``"printed"`` requires 2.

    Returns
    -------
    ndarray
    """
    if form not in _ACCEPTANCE_FORMS:
        raise ValueError(f"form must be one of {_ACCEPTANCE_FORMS}, got {form!r}")
    kappa = np.asarray(kappa, dtype=float)
    if np.any(~((kappa > 0.0) & (kappa <= 1.0))):
        raise ValueError("kappa must lie in (0, 1]")
    if form == "printed":
        if float(beta) != 2.0:
            raise ValueError("the printed eq. (16) holds for beta = 2 only")
        base = crlb_log_law(N, 1.0)
    else:
        base = crlb_eq13(N, beta)
    return (base / (kappa * kappa))[()]


# --------------------------------------------------------------------------- Monte Carlo


def crlb_samples(rng, n_trials, N, beta=2.0, *, kappa=1.0, min_active=4, n_nearest=None):
    r"""Monte Carlo samples of the normalised ``c = (lambda_b pi)^beta tr(F_N^-1)`` (``|zeta|^2 = 1``).

    Per trial: the ``K`` nearest BSs of a unit-intensity-per-``pi`` PPP
    (:func:`isac_core.geometry.ppp_ordered_distances`, so ``d_k^2 = Gamma_k``, the
    arrival times of a unit-rate Poisson process: exactly the normalised geometry),
    iid bearings ``U[0, 2 pi)`` and one acceptance uniform ``U_k`` per BS. For each
    requested ``N`` (with acceptance probability ``kappa_N``) BS ``k <= N`` is
    *active* iff ``U_k < kappa_N`` (independent thinning; all active for
    ``kappa_N = 1``), and the sample is the exact O(N) trace
    (:func:`crlb_trace_closed_form`) over the active BSs. The sample mean estimates
    eq. (6) (MC-A for ``kappa = 1``, MC-C with ``kappa = kappa_s(N)``).

    Excluded draws. A draw with fewer than ``min_active`` active BSs is returned as
    NaN: with fewer than 4 active BSs ``E[tr F^-1]`` is infinite (and it is singular
    with fewer than 2). The caller reports the excluded fraction,
    ``np.isnan(samples).mean(axis=0)``, and averages the rest (``np.nanmean``). This
    also applies to ``kappa = 1``: every draw of ``N < min_active`` is NaN; pass
    ``min_active=2`` to get the (finite almost surely) samples of ``N = 2, 3`` for
    medians. No mean exists for ``N <= 3`` and the variance is infinite for
    ``N <= 5``.

    Parameters
    ----------
    rng : numpy.random.Generator
    n_trials : int
    N : array_like of int
        Cluster sizes (>= 1), 1-d.
    beta : float
        Path-loss exponent.
    kappa : float or array_like
        Acceptance probability per ``N`` in ``[0, 1]``: a scalar or an array aligned
        with ``N``.
    min_active : int
        Smallest number of active BSs for a valid draw (>= 2).
    n_nearest : int, optional
        ``K``, the number of BSs drawn per trial; default ``max(N)``. Fix it (to any
        value >= ``max(N)``) to make the column of each ``N`` bit-identical
        whichever other sizes are requested.

    Returns
    -------
    ndarray, shape (n_trials, len(N))
        Normalised ``c`` samples (``inf`` in the probability-zero event of a
        singular FIM, or if round-off makes an almost singular ``det F <= 0``); NaN
        for excluded draws.

    Notes
    -----
    Trials are processed in blocks of ``BLOCK_TRIALS``; within a block the generator
    is consumed in the order: distances (``ppp_ordered_distances``, shape
    ``(n, K)``), bearings ``(K, n)``, acceptance uniforms ``(K, n)``. The draws do
    not depend on ``N``, ``kappa`` or ``min_active``; a column depends only on the
    generator state, ``n_trials``, ``K``, ``beta``, its own ``N``, ``kappa_N`` and
    ``min_active``. Each column is reduced on its own (sequential sums over the BSs),
    so it is bit-identical whichever other columns are requested (for the same ``K``).
    """
    sizes = _sizes(np.atleast_1d(N))
    if sizes.ndim != 1:
        raise ValueError("N must be a scalar or a 1-d array")
    sizes = sizes.astype(np.int64)
    kap = np.broadcast_to(np.asarray(kappa, dtype=float), sizes.shape)
    if np.any(~((kap >= 0.0) & (kap <= 1.0))):
        raise ValueError("kappa must lie in [0, 1] (a scalar or one value per N)")
    beta = _check_beta(beta)
    min_active = int(min_active)
    if min_active < 2:
        raise ValueError("min_active must be >= 2 (one BS gives a singular FIM)")
    K = int(sizes.max(initial=1)) if n_nearest is None else int(n_nearest)
    if sizes.size and K < sizes.max():
        raise ValueError("n_nearest must be >= max(N)")
    n_trials = int(n_trials)
    if n_trials < 0:
        raise ValueError("n_trials must be >= 0")
    out = np.empty((n_trials, sizes.size))
    if sizes.size == 0:
        return out
    for start in range(0, n_trials, BLOCK_TRIALS):
        nb = min(BLOCK_TRIALS, n_trials - start)
        out[start:start + nb] = _crlb_block(rng, nb, sizes, kap, K, beta, min_active)
    return out


def _crlb_block(rng, n, sizes, kappa, K, beta, min_active):
    """One block of :func:`crlb_samples`; returns shape ``(n, len(sizes))``."""
    d = ppp_ordered_distances(rng, 1.0 / np.pi, K, n)  # d_k^2 = Gamma_k
    theta = rng.random((K, n))
    accept_u = rng.random((K, n))
    # features of BS k, position-major: x[k] = (w, w cos, w sin, w cos 2t, w sin 2t)
    x = np.empty((K, 5, n))
    w = x[:, 0]
    np.square(d.T, out=w)
    inverse_power(w, 0.5 * beta, out=w)
    theta *= 2.0 * np.pi
    c = np.cos(theta)
    s = np.sin(theta, out=theta)
    np.multiply(w, c, out=x[:, 1])
    np.multiply(w, s, out=x[:, 2])
    np.multiply(x[:, 1], c, out=x[:, 3])
    x[:, 3] -= x[:, 2] * s
    np.multiply(x[:, 1], s, out=x[:, 4])
    x[:, 4] *= 2.0
    sums = np.empty((5, sizes.size, n))
    active = np.empty((sizes.size, n))
    full = kappa >= 1.0
    if full.any():
        # prefix sums over the BSs, added sequentially (as a per-column sum would be)
        acc = x[0].copy()
        for k in range(1, int(sizes[full].max()) + 1):
            if k > 1:
                acc += x[k - 1]
            cols = np.flatnonzero(full & (sizes == k))
            if cols.size:
                sums[:, cols] = acc[:, None, :]
                active[cols] = float(k)
    for col in np.flatnonzero(~full):
        size = sizes[col]
        mask = np.less(accept_u[:size], kappa[col]).astype(float)
        sums[:, col] = np.einsum("kfn,kn->fn", x[:size], mask)
        active[col] = mask.sum(axis=0)
    with np.errstate(divide="ignore", invalid="ignore"):
        trace = _trace_from_sums(*sums)
    trace[active < min_active] = np.nan
    return trace.T


def large_n_scaled_samples(rng, n_trials, log10_N):
    r"""Samples of ``c ln^2 N`` for astronomically large ``N`` (``beta = 2``; Theorem 1's limit).

    Semi-analytic: the nearest ``K = LARGE_N_EXACT`` BSs are simulated exactly (normalised
    geometry ``w_k = 1 / Gamma_k``, uniform bearings); the BSs from ``K`` to ``N`` only add
    ``ln(N / K)`` to ``S = sum_k w_k`` (the mean of ``sum_{K<k<=N} 1/Gamma_k``; their
    bearing-weighted sums ``mu``, ``q`` are negligible next to ``S``). The trace is then the
    closed form of :func:`crlb_trace_closed_form`. Theorem 1 (corrected) says
    ``c ln^2 N -> 2``; the approach is logarithmically slow.

    Parameters
    ----------
    rng : numpy.random.Generator
    n_trials : int
    log10_N : array_like
        ``log10 N`` of the cluster sizes, each ``>= log10(K)``.

    Returns
    -------
    ndarray, shape (n_trials, len(log10_N))
    """
    log10_N = np.atleast_1d(np.asarray(log10_N, float))
    if np.any(log10_N < np.log10(LARGE_N_EXACT)):
        raise ValueError(f"log10_N must be >= log10({LARGE_N_EXACT})")
    ln_N = log10_N * np.log(10.0)
    out = np.empty((int(n_trials), log10_N.size))
    for start in range(0, int(n_trials), BLOCK_TRIALS):
        n = min(BLOCK_TRIALS, int(n_trials) - start)
        gamma_k = ppp_ordered_distances(rng, 1.0 / np.pi, LARGE_N_EXACT, n) ** 2  # density 1/pi: d_k^2 = Gamma_k
        theta = rng.uniform(0.0, 2.0 * np.pi, (n, LARGE_N_EXACT))
        S, mu_re, mu_im, q_re, q_im = angular_moments(1.0 / gamma_k, theta)
        S_N = S[:, None] + (ln_N - np.log(LARGE_N_EXACT))[None, :]
        trace = _trace_from_sums(S_N, mu_re[:, None], mu_im[:, None], q_re[:, None], q_im[:, None])
        out[start:start + n] = trace * ln_N[None, :] ** 2
    return out
