r"""Localisation FIMs of the survey: AoA (eqs. (12)-(14)), ToF (eqs. (15)-(17)) and hybrid (eq. (18)).

Geometry (docs/errata.md). The target sits at the origin; BS ``i`` is at distance
``d_i`` [m] and ``theta_i`` is the azimuth of the vector *from BS i to the target*,
with ``e_i = (cos theta_i, sin theta_i)``, ``t_i = (-sin theta_i, cos theta_i)``. Every
BS transmits and receives; all ``N^2`` ordered pairs ``(i, j)`` (transmitter ``j``,
receiver ``i``, ``i = j`` included) are used, with independent errors.

AoA, eq. (13). The angle measured at receiver ``i`` on the path ``j -> target -> i``
has Fisher information ``|zeta_a|^2 cos^2(theta_i) d_j^-2 d_i^-2`` (the ``cos^2`` is
the ULA factor of an array whose axis is the y-axis) and ``d theta_i / d p = t_i / d_i``,
so the printed double sum factorises exactly:

    F_A = |zeta_a|^2 sum_{i,j} cos^2 theta_i / (d_j^2 d_i^2) * t_i t_i^T / d_i^2
        = |zeta_a|^2 S_2 G,   S_2 = sum_j d_j^-2,   G = sum_i cos^2 theta_i d_i^-4 t_i t_i^T.

ToF, eq. (16). The bistatic range sum ``d_i + d_j`` has gradient ``e_i + e_j`` and
weight ``|zeta_r|^2 d_i^-beta d_j^-beta``:

    F_R = |zeta_r|^2 sum_{i,j} d_i^-beta d_j^-beta (e_i + e_j)(e_i + e_j)^T
        = |zeta_r|^2 (2 S E + 2 v v^T),   S = sum w,  E = sum w e e^T,  v = sum w e,  w = d^-beta.

This is the same matrix as eq. (5) of Meng & Masouros; both use
:mod:`isac_core.localization`. The Table III laws need ``beta = 2`` (docs/errata.md).

Hybrid, eq. (18): ``F_H = F_A + F_R`` (AoA and ToF errors uncorrelated). The CRLBs of
eqs. (14), (17), (18) are expectations of ``tr(F^-1)`` over the BS process; this
module returns the per-drop ``tr(F^-1)`` [m^2], ``+inf`` for a singular FIM: ``N <= 1``
for AoA-only and ToF-only, ``N = 0`` for the hybrid (or a single BS exactly at
endfire). Singularity is decided by :func:`isac_core.localization.trace_inverse_2x2`
(determinant below its own rounding error, or condition number beyond ~1e24), not
by a rule ``det F <= 1e-12 (tr F)^2``: that rule also declares singular the rare
drops in which one BS is ~1e-3 times closer than the next (probability ~1e-6 per
drop), whose AoA CRLB is in fact tiny. Computed in the ``"nearest"`` frame (the
Monte Carlo default), such drops keep an accurate determinant.

Representation. FIMs are unit-gain (``|zeta|^2 = 1``) and stored as the entries
``(f_xx, f_xy, f_yy)`` on a trailing axis of length 3 (:data:`FIM_ENTRIES`): with
distances in m, the unit-gain AoA FIM is in m^-6 and the ToF FIM in m^-(2 beta).
Multiply by ``|zeta_a|^2`` [m^4] and ``|zeta_r|^2`` [m^2] (:mod:`.gains`) to get m^-2.
Drops with different numbers of BSs share one padded array ``(n_drops, N_max)``
with a boolean ``mask`` (True = BS present); absent entries get weight 0 and their
``d``, ``theta`` are ignored (they may hold anything, e.g. NaN), so an all-absent row
is an empty cluster (``N = 0``, zero FIM).
"""

from __future__ import annotations

import numpy as np

from ...localization import (
    bearing_fim,
    bistatic_range_fim,
    check_beta,
    check_geometry,
    prefix_sizes,
    prefix_sums,
    radial_moments,
    rotate_bearings,
    trace_inverse_2x2,
)

__all__ = [
    "FIM_ENTRIES",
    "SCHEMES",
    "aoa_fim",
    "tof_fim",
    "unit_fims",
    "aoa_fim_double_sum",
    "tof_fim_double_sum",
    "hybrid_fim",
    "trace_inverse",
    "crlb_traces",
]

#: Order of the entries on the trailing axis of a FIM array.
FIM_ENTRIES = ("xx", "xy", "yy")
#: Order of the schemes in :func:`crlb_traces`.
SCHEMES = ("aoa", "tof", "hybrid")


def _prepare(d, theta, mask, beta):
    """Validate; return ``(d, theta, presence, beta)`` with absent entries replaced by ``d = 1, theta = 0``.

    ``presence`` is a float array (1 present, 0 absent), or None without a mask.
    """
    if mask is None:
        d, theta, beta = check_geometry(d, theta, beta)
        return d, theta, None, beta
    d, theta, mask = np.broadcast_arrays(np.asarray(d, dtype=float), np.asarray(theta, dtype=float),
                                         np.asarray(mask))
    if mask.dtype != bool:
        raise ValueError("mask must be a boolean array (True = BS present)")
    if d.ndim < 1:
        raise ValueError("d, theta and mask must have a trailing axis (the BSs)")
    if np.any(mask & ~((d > 0.0) & np.isfinite(d) & np.isfinite(theta))):
        raise ValueError("d must be finite and > 0 and theta finite where mask is True")
    d = np.where(mask, d, 1.0)
    theta = np.where(mask, theta, 0.0)
    return d, theta, mask.astype(float), check_beta(beta)


def _bearings(d, theta, presence, frame):
    """``cos theta`` (array frame, for the ULA factor) and the bearings' ``(cos, sin)`` in the FIM frame."""
    c, s = np.cos(theta), np.sin(theta)
    if frame == "global":
        return c, (c, s)
    if frame != "nearest":
        raise ValueError(f"frame must be 'global' or 'nearest', got {frame!r}")
    if d.shape[-1] == 0:
        return c, (c, s)
    nearest = np.argmin(d if presence is None else np.where(presence > 0.0, d, np.inf), axis=-1)[..., None]
    ref_c = np.take_along_axis(c, nearest, axis=-1)[..., 0]
    ref_s = np.take_along_axis(s, nearest, axis=-1)[..., 0]
    return c, rotate_bearings(c, s, ref_c, ref_s)


def _stack(entries):
    return np.stack(np.broadcast_arrays(*entries), axis=-1)


def _reduce(x, sizes):
    return x.sum(-1) if sizes is None else prefix_sums(x, sizes)


def _aoa_from_prepared(d, cos_abs, trig, presence, sizes):
    inv_d2 = 1.0 / (d * d)
    if presence is not None:
        inv_d2 = inv_d2 * presence
    u = np.square(cos_abs) * inv_d2 * inv_d2  # ULA factor cos^2 theta_i (array axis = global y)
    s2 = _reduce(inv_d2, sizes)
    e_xx, e_xy, e_yy, _, _ = radial_moments(u, *trig, prefix=sizes)
    g_xx, g_xy, g_yy = bearing_fim(e_xx, e_xy, e_yy)
    return _stack((s2 * g_xx, s2 * g_xy, s2 * g_yy))


def _tof_from_prepared(d, trig, presence, beta, sizes):
    w = 1.0 / (d * d) if beta == 2.0 else np.power(d, -beta)
    if presence is not None:
        w = w * presence
    return _stack(bistatic_range_fim(*radial_moments(w, *trig, prefix=sizes)))


def _sizes(sizes, d):
    return None if sizes is None else prefix_sizes(sizes, d.shape[-1])


def aoa_fim(d, theta, mask=None, *, sizes=None, frame="global"):
    r"""Unit-gain AoA FIM of eq. (13), ``S_2 G``, in O(N).

    Parameters
    ----------
    d : array_like, shape (..., N)
        BS--target distances [m].
    theta : array_like, shape (..., N)
        Bearings from each BS to the target [rad].
    mask : array_like of bool, shape (..., N), optional
        True where a BS is present (padded representation of variable ``N``).
    sizes : array_like of int, shape (K,), optional
        Return instead the FIMs of the nested clusters formed by the first ``k``
        BSs for each ``k`` in ``sizes`` (``1 <= k <= N``; sort the BSs by distance for
        the ``k`` nearest).
    frame : {"global", "nearest"}
        Coordinates of the returned entries: the global x-y frame, or per drop the
        frame whose x axis points along the bearing of the nearest (present) BS. Traces,
        determinants and eigenvalues do not depend on the frame, but in the
        ``"nearest"`` frame they stay accurate when that BS dominates the FIM (see
        :mod:`isac_core.localization`); the Monte Carlo uses it.

    Returns
    -------
    ndarray, shape (..., 3) (or (..., K, 3) with ``sizes``)
        ``(f_xx, f_xy, f_yy)`` [m^-6]; multiply by ``|zeta_a|^2`` [m^4].
    """
    d, theta, presence, _ = _prepare(d, theta, mask, 2.0)
    cos_abs, trig = _bearings(d, theta, presence, frame)
    return _aoa_from_prepared(d, cos_abs, trig, presence, _sizes(sizes, d))


def tof_fim(d, theta, mask=None, beta=2.0, *, sizes=None, frame="global"):
    r"""Unit-gain ToF (bistatic range-sum) FIM of eq. (16), ``2 S E + 2 v v^T``, in O(N).

    Parameters
    ----------
    d, theta, mask, sizes, frame
        As in :func:`aoa_fim`.
    beta : float
        Path-loss exponent of eq. (16) (2 for the Table III laws).

    Returns
    -------
    ndarray, shape (..., 3) (or (..., K, 3) with ``sizes``)
        ``(f_xx, f_xy, f_yy)`` [m^-(2 beta)]; multiply by ``|zeta_r|^2`` [m^2]
        (``beta = 2``).
    """
    d, theta, presence, beta = _prepare(d, theta, mask, beta)
    _, trig = _bearings(d, theta, presence, frame)
    return _tof_from_prepared(d, trig, presence, beta, _sizes(sizes, d))


def unit_fims(d, theta, mask=None, beta=2.0, *, sizes=None, frame="global"):
    r"""Both unit-gain FIMs of the same BSs, ``(aoa_fim(...), tof_fim(...))``, in the same frame.

    Parameters and returns as in :func:`aoa_fim` and :func:`tof_fim`; the
    trigonometry is evaluated once.
    """
    d, theta, presence, beta = _prepare(d, theta, mask, beta)
    cos_abs, trig = _bearings(d, theta, presence, frame)
    sizes = _sizes(sizes, d)
    return _aoa_from_prepared(d, cos_abs, trig, presence, sizes), _tof_from_prepared(d, trig, presence, beta, sizes)


def aoa_fim_double_sum(d, theta):
    r"""Eq. (13) as printed: the literal ``N x N`` double sum (O(N^2); reference for tests).

    Parameters
    ----------
    d, theta : array_like, shape (..., N)
        As in :func:`aoa_fim` (no mask).

    Returns
    -------
    ndarray, shape (..., 3)
        Unit-gain ``(f_xx, f_xy, f_yy)`` [m^-6].
    """
    d, theta, _ = check_geometry(d, theta, 2.0)
    c, s = np.cos(theta), np.sin(theta)
    # pair (i, j) on axes (-2, -1): receiver i, transmitter j
    weight = (c * c / (d * d))[..., :, None] / (d * d)[..., None, :] / (d * d)[..., :, None]
    f_xx = (weight * (s * s)[..., :, None]).sum(axis=(-2, -1))
    f_xy = (weight * (-s * c)[..., :, None]).sum(axis=(-2, -1))
    f_yy = (weight * (c * c)[..., :, None]).sum(axis=(-2, -1))
    return _stack((f_xx, f_xy, f_yy))


def tof_fim_double_sum(d, theta, beta=2.0):
    r"""Eq. (16) as printed: the literal double sum with ``a_ij``, ``b_ij`` (O(N^2); reference).

    Parameters
    ----------
    d, theta : array_like, shape (..., N)
    beta : float

    Returns
    -------
    ndarray, shape (..., 3)
        Unit-gain ``(f_xx, f_xy, f_yy)`` [m^-(2 beta)].
    """
    d, theta, beta = check_geometry(d, theta, beta)
    w = np.power(d, -beta)
    D = w[..., :, None] * w[..., None, :]
    a = np.cos(theta)[..., :, None] + np.cos(theta)[..., None, :]
    b = np.sin(theta)[..., :, None] + np.sin(theta)[..., None, :]
    return _stack(((D * a * a).sum(axis=(-2, -1)), (D * a * b).sum(axis=(-2, -1)), (D * b * b).sum(axis=(-2, -1))))


def hybrid_fim(aoa, tof, zeta_a2, zeta_r2):
    r"""Hybrid FIM of eq. (18), ``|zeta_a|^2 F_A + |zeta_r|^2 F_R`` [m^-2].

    Parameters
    ----------
    aoa, tof : array_like, shape (..., 3)
        Unit-gain FIMs (:func:`aoa_fim`, :func:`tof_fim` with ``beta = 2``).
    zeta_a2, zeta_r2 : array_like
        Gains [m^4] and [m^2], broadcast against the leading axes.

    Returns
    -------
    ndarray, shape (..., 3)
    """
    aoa, tof = np.asarray(aoa, dtype=float), np.asarray(tof, dtype=float)
    za = np.asarray(zeta_a2, dtype=float)[..., None]
    zr = np.asarray(zeta_r2, dtype=float)[..., None]
    return za * aoa + zr * tof


def trace_inverse(fim):
    r"""``tr(F^-1)`` of FIMs stored as ``(..., 3)`` entries; ``+inf`` where singular.

    Singular (:func:`isac_core.localization.trace_inverse_2x2`) means a determinant
    below its own rounding error or an eigenvalue ratio below ~1e-24; this includes
    ``F = 0`` and rank-1 FIMs up to round-off.

    Parameters
    ----------
    fim : array_like, shape (..., 3)

    Returns
    -------
    ndarray, shape (...)
        In the inverse unit of ``fim`` (m^2 for a FIM in m^-2).
    """
    fim = np.asarray(fim, dtype=float)
    if fim.shape[-1:] != (3,):
        raise ValueError("fim must have a trailing axis of length 3 (f_xx, f_xy, f_yy)")
    return trace_inverse_2x2(fim[..., 0], fim[..., 1], fim[..., 2])


def crlb_traces(aoa, tof, zeta_a2, zeta_r2):
    r"""Per-drop ``tr(F^-1)`` [m^2] of the AoA-only, ToF-only and hybrid FIMs (eqs. (14), (17), (18)).

    Parameters
    ----------
    aoa, tof : array_like, shape (..., 3)
        Unit-gain FIMs of the same drops.
    zeta_a2, zeta_r2 : float or array_like
        ``|zeta_a|^2`` [m^4] and ``|zeta_r|^2`` [m^2]; broadcast against the leading axes.

    Returns
    -------
    ndarray, shape (..., 3)
        Columns in the order of :data:`SCHEMES`; ``+inf`` for singular FIMs
        (AoA with ``|zeta_a|^2 = 0``, i.e. ``M = 1``, is always singular, and the
        hybrid is then exactly the ToF value).
    """
    aoa, tof = np.asarray(aoa, dtype=float), np.asarray(tof, dtype=float)
    za = np.asarray(zeta_a2, dtype=float)[..., None]
    zr = np.asarray(zeta_r2, dtype=float)[..., None]
    fa, fr = za * aoa, zr * tof
    return np.stack(np.broadcast_arrays(trace_inverse(fa), trace_inverse(fr), trace_inverse(fa + fr)), axis=-1)
