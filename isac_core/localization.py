r"""Planar target-localisation Fisher information shared by the cooperative-sensing models.

A target at the origin is observed by BSs at distances ``d_i`` with bearings
``theta_i`` (the azimuth of the vector from BS ``i`` to the target), radial unit
vectors ``e_i = (cos theta_i, sin theta_i)`` and tangential unit vectors
``t_i = (-sin theta_i, cos theta_i)``. Every position FIM of the models is a 2x2
symmetric matrix built from per-BS weights ``w_i >= 0`` (0 for an absent BS)
through the radial moments

    E = sum_i w_i e_i e_i^T = [[E_xx, E_xy], [E_xy, E_yy]],   v = sum_i w_i e_i = (v_x, v_y)

(:func:`radial_moments`; ``S = sum w_i = E_xx + E_yy``):

* bearing (tangential) information ``sum_i w_i t_i t_i^T = [[E_yy, -E_xy], [-E_xy, E_xx]]``
  (:func:`bearing_fim`);
* the bistatic range-sum (time-of-flight) FIM over all ordered transmitter--receiver
  pairs ``(i, j)``, ``i = j`` included, with ``w_i = d_i^-beta``:

      F = sum_{i,j} w_i w_j (e_i + e_j)(e_i + e_j)^T = 2 S E + 2 v v^T

  (:func:`bistatic_range_fim`). This is eq. (5) of Meng & Masouros
  (``isac_core.models.meng_coop``) and eq. (16) of Han et al.
  (``isac_core.models.han_survey``).

Double-angle form. With ``mu = sum w e^{j theta} = v_x + j v_y`` and
``q = sum w e^{2 j theta} = (E_xx - E_yy) + 2 j E_xy`` (:func:`angular_moments`) the same
FIM has the closed-form inverse trace

    tr(F^-1) = 2 (S^2 + |mu|^2) / (S [S (S^2 - |q|^2) + 2 S |mu|^2 - 2 Re(conj(q) mu^2)])

(:func:`range_trace_from_sums`, used by ``meng_coop``). The Cartesian form is
preferred when the FIM entries are needed (sums with other FIMs) or a single BS
dominates: evaluated in a frame whose x axis points along the dominant BS
(:func:`rotate_bearings`), that BS contributes to ``E_xx`` and ``v_x`` only, so the
determinant keeps the information of the other BSs, which the double-angle
moments (``S - |q|``) lose to cancellation once the dominant weight exceeds the rest
by ~1e12.

FIM entries are the triple ``(f_xx, f_xy, f_yy)``; :func:`trace_inverse_2x2` gives
``tr(F^-1)`` with ``+inf`` for a singular matrix (never a generic inverse). Nested
clusters (the ``k`` nearest BSs for several ``k`` from one draw of the ``K`` nearest)
are summed in one pass with ``prefix=`` (:func:`prefix_sums`).

Everything here is unit-gain (``|zeta|^2 = 1``); a FIM scales linearly with the gain
and ``tr(F^-1)`` inversely. Sums run over the last axis, so all functions vectorise
over leading axes (independent drops).
"""

from __future__ import annotations

import numpy as np

from .validation import positive

__all__ = [
    "ROUNDOFF_RTOL",
    "CONDITION_RTOL",
    "check_beta",
    "check_geometry",
    "prefix_sizes",
    "prefix_sums",
    "rotate_bearings",
    "radial_moments",
    "bistatic_range_fim",
    "bearing_fim",
    "angular_moments",
    "range_trace_from_sums",
    "trace_inverse_2x2",
]

#: :func:`trace_inverse_2x2` treats ``det F <= ROUNDOFF_RTOL (|f_xx f_yy| + f_xy^2)`` as
#: singular: the determinant is then below the rounding error of its own evaluation
#: (a rank-1 FIM, e.g. one BS, evaluated in a generic frame).
ROUNDOFF_RTOL = 64.0 * np.finfo(float).eps
#: ... and ``det F <= CONDITION_RTOL (tr F)^2`` (eigenvalue ratio below ~1e-24): exact
#: degeneracies that rounding turns into a tiny positive determinant (collinear BSs,
#: a lone BS at ``cos theta = 6e-17`` "endfire").
CONDITION_RTOL = 1e-24


# --------------------------------------------------------------------------- validation


def check_beta(beta) -> float:
    """Return the path-loss exponent as a float; ``ValueError`` unless finite and > 0."""
    return positive(beta, "beta", scalar=True)


def check_geometry(d, theta, beta):
    """Broadcast and validate BS distances and bearings (trailing axis: the BSs).

    Parameters
    ----------
    d : array_like, shape (..., N)
        BS--target distances, finite and > 0.
    theta : array_like, shape (..., N)
        Bearings [rad], finite; broadcast against ``d``.
    beta : float
        Path-loss exponent (finite, > 0).

    Returns
    -------
    d, theta : ndarray
        Broadcast float arrays (read-only views where broadcasting was needed).
    beta : float

    Raises
    ------
    ValueError
        For an empty trailing axis, non-positive or non-finite distances, non-finite
        bearings or an invalid ``beta``.
    """
    d, theta = np.broadcast_arrays(np.asarray(d, dtype=float), np.asarray(theta, dtype=float))
    if d.ndim < 1 or d.shape[-1] < 1:
        raise ValueError("d and theta must have a trailing axis of length N >= 1")
    if np.any(~(d > 0.0)) or np.any(~np.isfinite(d)) or np.any(~np.isfinite(theta)):
        raise ValueError("d must be finite and > 0 and theta finite")
    return d, theta, check_beta(beta)


def prefix_sizes(sizes, n):
    """Validate cluster sizes for ``prefix=``: a non-empty 1-d integer array in ``[1, n]``."""
    sizes = np.asarray(sizes)
    if sizes.ndim != 1 or sizes.size == 0:
        raise ValueError("cluster sizes must be a non-empty 1-d array")
    if not np.issubdtype(sizes.dtype, np.integer):
        if np.any(~np.isfinite(sizes.astype(float))) or np.any(sizes != np.round(sizes)):
            raise ValueError("cluster sizes must be whole numbers")
        sizes = sizes.astype(np.int64)
    if np.any(sizes < 1) or np.any(sizes > n):
        raise ValueError(f"cluster sizes must lie in [1, {n}]")
    return sizes


def prefix_sums(t, sizes):
    """Sums of ``t`` over its first ``k`` entries (last axis) for every ``k`` in ``sizes``.

    ``sizes`` as returned by :func:`prefix_sizes`; the result has a trailing axis of
    length ``len(sizes)``. One pass over the data: segment sums, then accumulated.
    """
    unique, where = np.unique(sizes, return_inverse=True)
    segments = np.add.reduceat(t[..., : unique[-1]], np.concatenate(([0], unique[:-1])), axis=-1)
    return np.cumsum(segments, axis=-1)[..., where.reshape(-1)]


# --------------------------------------------------------------------------- Cartesian moments and FIM entries


def rotate_bearings(cos, sin, cos_ref, sin_ref):
    r"""``(cos, sin)`` of ``theta - phi`` from those of ``theta`` and of a per-drop reference ``phi``.

    Parameters
    ----------
    cos, sin : ndarray, shape (..., N)
        ``cos theta``, ``sin theta``.
    cos_ref, sin_ref : ndarray, shape (...)
        ``cos phi``, ``sin phi`` (one reference per drop).

    Returns
    -------
    cos_rot, sin_rot : ndarray, shape (..., N)
        Bearings in the frame whose x axis points along ``phi``. A BS whose ``(cos, sin)``
        *is* the reference gets ``sin_rot = 0`` exactly.
    """
    c0, s0 = np.asarray(cos_ref)[..., None], np.asarray(sin_ref)[..., None]
    return cos * c0 + sin * s0, sin * c0 - cos * s0


def radial_moments(w, cos, sin, *, prefix=None):
    r"""Radial moments ``(E_xx, E_xy, E_yy, v_x, v_y)`` of weights ``w`` at bearings ``(cos, sin)``.

    ``E = sum_i w_i e_i e_i^T`` and ``v = sum_i w_i e_i`` with ``e_i = (cos_i, sin_i)``.

    Parameters
    ----------
    w : ndarray, shape (..., N)
        Non-negative per-BS weights (0 for an absent BS); units carry through.
    cos, sin : ndarray, shape (..., N)
        Bearing cosines and sines (in whatever frame the FIM is wanted).
    prefix : array_like of int, shape (K,), optional
        Cluster sizes ``k`` in ``[1, N]`` (:func:`prefix_sizes`): return the moments of
        the first ``k`` BSs for each ``k`` on a trailing axis of length ``K``.

    Returns
    -------
    tuple of 5 ndarrays, shape (...) (or (..., K) with ``prefix``)
    """
    wc, ws = w * cos, w * sin
    terms = (wc * cos, wc * sin, ws * sin, wc, ws)
    if prefix is not None:
        sizes = prefix_sizes(prefix, np.shape(w)[-1])
        return tuple(prefix_sums(t, sizes) for t in terms)
    return tuple(t.sum(-1) for t in terms)


def bistatic_range_fim(e_xx, e_xy, e_yy, v_x, v_y):
    r"""Unit-gain bistatic range-sum FIM ``2 S E + 2 v v^T`` from the radial moments of ``w = d^-beta``.

    Equal to ``sum_{i,j} w_i w_j (e_i + e_j)(e_i + e_j)^T`` over all ordered pairs.

    Parameters
    ----------
    e_xx, e_xy, e_yy, v_x, v_y : ndarray
        Output of :func:`radial_moments` (weights in [length^-beta]).

    Returns
    -------
    f_xx, f_xy, f_yy : ndarray
        FIM entries [length^-2 beta].
    """
    S2 = 2.0 * (e_xx + e_yy)
    return S2 * e_xx + 2.0 * v_x * v_x, S2 * e_xy + 2.0 * v_x * v_y, S2 * e_yy + 2.0 * v_y * v_y


def bearing_fim(e_xx, e_xy, e_yy):
    r"""Tangential information ``sum_k w_k t_k t_k^T = [[E_yy, -E_xy], [-E_xy, E_xx]]``.

    With ``w_k`` the bearing information of BS ``k`` divided by ``d_k^2`` (the Jacobian
    ``d theta_k / d p = t_k / d_k``), this is the FIM of bearing-only localisation.

    Returns
    -------
    f_xx, f_xy, f_yy : ndarray
        FIM entries (units of ``w``).
    """
    return e_yy, -e_xy, e_xx


# --------------------------------------------------------------------------- double-angle form


def angular_moments(w, theta):
    r"""Double-angle moments ``(S, Re mu, Im mu, Re q, Im q)`` of weights ``w`` at bearings ``theta``.

    .. math:: S = \sum_i w_i,\quad \mu = \sum_i w_i e^{j\theta_i},\quad
              q = \sum_i w_i e^{2j\theta_i}

    (sums over the last axis), the arguments of :func:`range_trace_from_sums`.
    """
    c, s = np.cos(theta), np.sin(theta)
    wc, ws = w * c, w * s
    return w.sum(-1), wc.sum(-1), ws.sum(-1), (wc * c - ws * s).sum(-1), (2.0 * wc * s).sum(-1)


def range_trace_from_sums(S, mu_re, mu_im, q_re, q_im):
    r"""Closed-form ``tr(F^-1)`` of the bistatic range-sum FIM; ``inf`` where ``det F <= 0``.

    .. math:: \mathrm{tr}(F^{-1}) = \frac{2 (S^2 + |\mu|^2)}
              {S [S (S^2 - |q|^2) + 2 S |\mu|^2 - 2 \Re(\bar q \mu^2)]},

    numerator ``tr F`` and denominator ``det F`` of :func:`bistatic_range_fim` written
    in the moments of :func:`angular_moments`. ``det F = 0`` exactly for collinear
    bearings; a non-positive value can also come from round-off in an almost singular
    configuration, where the true trace is huge (an exactly rank-1 configuration may
    also return a huge finite value).

    Parameters
    ----------
    S, mu_re, mu_im, q_re, q_im : ndarray
        Output of :func:`angular_moments` of ``w = d^-beta``.

    Returns
    -------
    ndarray
        ``tr(F^-1)`` [length^2 beta].
    """
    mu2 = mu_re * mu_re + mu_im * mu_im
    numerator = 2.0 * (S * S + mu2)
    re_q_mu2 = q_re * (mu_re * mu_re - mu_im * mu_im) + 2.0 * q_im * mu_re * mu_im
    det = S * (S * (S * S - q_re * q_re - q_im * q_im) + 2.0 * S * mu2 - 2.0 * re_q_mu2)
    singular = ~(det > 0.0)
    out = numerator / np.where(singular, 1.0, det)
    return np.where(singular, np.inf, out)


# --------------------------------------------------------------------------- trace of the inverse


def trace_inverse_2x2(f_xx, f_xy, f_yy):
    r"""``tr(F^-1) = (f_xx + f_yy) / (f_xx f_yy - f_xy^2)`` of a symmetric PSD 2x2 matrix.

    Singular (``+inf``) where ``det F <= ROUNDOFF_RTOL (|f_xx f_yy| + f_xy^2)`` (the
    determinant is lost in rounding) or ``det F <= CONDITION_RTOL (tr F)^2``; this
    includes ``F = 0``.

    Parameters
    ----------
    f_xx, f_xy, f_yy : array_like
        Entries (broadcast together).

    Returns
    -------
    ndarray
        ``tr(F^-1)`` in the inverse units of ``F``.
    """
    f_xx, f_xy, f_yy = (np.asarray(f, dtype=float) for f in (f_xx, f_xy, f_yy))
    trace = f_xx + f_yy
    cross = f_xy * f_xy
    product = f_xx * f_yy
    det = product - cross
    noise = np.maximum(ROUNDOFF_RTOL * (np.abs(product) + cross), CONDITION_RTOL * trace * trace)
    singular = ~(det > noise)
    with np.errstate(divide="ignore", invalid="ignore"):
        out = trace / np.where(singular, 1.0, det)
    return np.where(singular, np.inf, out)[()]
