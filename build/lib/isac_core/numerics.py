"""Numerical building blocks shared by the paper kernels.

* Fixed-order Gauss--Legendre quadrature with the nodes as a trailing array
  axis (:func:`gauss_legendre`, :func:`composite_gauss_legendre`,
  :func:`integrate`). Reductions are plain elementwise products followed by a
  sum over a contiguous last axis, never BLAS, so results are bit-reproducible
  whatever the thread count and however the state points are chunked.
* The interference *defect* of a uniform disk (:func:`interference_defect` and
  companions), the closed form behind every Laplace transform of the
  interference from i.i.d. uniform-in-disk interferers under Rayleigh fading.
* Fast real powers for the Monte Carlo hot loops (:func:`power`,
  :func:`inverse_power`).
* The non-regularised lower incomplete beta function
  (:func:`incomplete_beta`, and :func:`incomplete_beta_split` from an argument
  and its separately computed complement), the closed form of the PPP
  interference integrals under Rayleigh / Gamma fading.
"""

from __future__ import annotations

from functools import lru_cache
from itertools import pairwise

import numpy as np
from scipy import special as _sp

__all__ = [
    "gauss_legendre",
    "composite_gauss_legendre",
    "integrate",
    "interference_defect",
    "one_minus_defect",
    "log_one_minus_defect",
    "power",
    "inverse_power",
    "incomplete_beta",
    "incomplete_beta_split",
]


# --------------------------------------------------------------------------
# Quadrature
# --------------------------------------------------------------------------


def _readonly(x: np.ndarray) -> np.ndarray:
    x = np.ascontiguousarray(x, dtype=float)
    x.flags.writeable = False
    return x


@lru_cache(maxsize=64)
def _gl(n: int, a: float, b: float):
    x, w = np.polynomial.legendre.leggauss(n)
    half = 0.5 * (b - a)
    return _readonly(a + half * (x + 1.0)), _readonly(half * w)


def gauss_legendre(n: int, a: float = 0.0, b: float = 1.0):
    """Gauss--Legendre nodes and weights on ``[a, b]`` (cached, read-only).

    Parameters
    ----------
    n : int
        Number of nodes; the rule is exact for polynomials of degree ``2n - 1``.
    a, b : float
        Integration interval.

    Returns
    -------
    nodes, weights : ndarray, shape (n,)
        Read-only arrays; ``integrate(f(nodes), weights)`` approximates
        ``int_a^b f``.
    """
    n = int(n)
    if n < 1:
        raise ValueError("n must be >= 1")
    return _gl(n, float(a), float(b))


@lru_cache(maxsize=64)
def _composite(edges: tuple, n: int):
    nodes, weights = zip(*(_gl(n, a, b) for a, b in pairwise(edges)), strict=True)
    return _readonly(np.concatenate(nodes)), _readonly(np.concatenate(weights))


def composite_gauss_legendre(edges, n: int):
    """Composite Gauss--Legendre rule: ``n`` nodes on each panel ``[edges[i], edges[i+1]]``.

    Geometrically graded edges (``0, 1e-12, 1e-11, ..., 0.1, 1``) resolve an
    integrand whose features sit at an unknown scale near one end point.

    Parameters
    ----------
    edges : sequence of float
        Strictly increasing panel boundaries.
    n : int
        Nodes per panel.

    Returns
    -------
    nodes, weights : ndarray, shape (n * (len(edges) - 1),)
        Read-only arrays, nodes in increasing order.
    """
    edges = tuple(float(e) for e in edges)
    if len(edges) < 2 or any(b <= a for a, b in pairwise(edges)):
        raise ValueError("edges must be strictly increasing with at least two entries")
    if int(n) < 1:
        raise ValueError("n must be >= 1")
    return _composite(edges, int(n))


def integrate(f_values, weights) -> np.ndarray:
    """Apply a quadrature rule whose nodes run along the last axis.

    Computes ``sum_j f[..., j] * w[j]`` as an elementwise product followed by a
    reduction over the (contiguous) last axis. No ``dot``/``matmul``/``einsum``
    is used, so the result of each leading index depends only on its own row
    and is bit-identical whatever the batch it is computed in.

    Parameters
    ----------
    f_values : array_like, shape (..., n)
        Integrand at the nodes.
    weights : array_like, shape (n,)
        Quadrature weights.

    Returns
    -------
    ndarray, shape (...)
    """
    prod = np.ascontiguousarray(np.multiply(f_values, weights))
    return prod.sum(axis=-1)


# --------------------------------------------------------------------------
# Interference defect d(t; alpha)
# --------------------------------------------------------------------------

#: Below this ``t`` the Taylor series (``_N_SERIES`` terms) is used; it gives
#: both ``d`` and ``1 - d`` to full relative precision.
_T_SERIES = 1e-2
_N_SERIES = 9


def _defect_series(t, beta):
    """``1 - d = sum_{k>=1} (-1)^(k+1) t^k / (1 + k beta)`` by Horner's rule."""
    acc = np.zeros_like(t)
    for k in range(_N_SERIES, 0, -1):
        acc = 1.0 / (1.0 + k * beta) - t * acc
    return t * acc


def _defect_closed(t, alpha):
    """``d(t; alpha)`` for ``t > _T_SERIES`` (finite or infinite), alpha > 0."""
    d = np.zeros_like(t)
    finite = np.isfinite(t)  # d(inf) = 0
    a4 = finite & (alpha == 4.0)
    a2 = finite & (alpha == 2.0)
    gen = finite & (alpha > 2.0) & ~a4
    low = finite & (alpha < 2.0)
    if a4.any():
        r = np.sqrt(t[a4])
        d[a4] = np.arctan(r) / r
    if a2.any():
        x = t[a2]
        d[a2] = np.log1p(x) / x
    if gen.any():
        x, al = t[gen], alpha[gen]
        b = 2.0 / al  # 2/alpha
        c = (al - 2.0) / al  # 1 - b, computed without cancellation near alpha = 2
        # I_{t/(1+t)}(b, 1-b); for t > 1 use the complement with argument
        # 1/(1+t), since t/(1+t) rounds to 1 for t > ~1e16.
        reg = np.empty_like(x)
        lo = x <= 1.0
        reg[lo] = _sp.betainc(b[lo], c[lo], x[lo] / (1.0 + x[lo]))
        hi = ~lo
        reg[hi] = _sp.betaincc(c[hi], b[hi], 1.0 / (1.0 + x[hi]))
        # B(b, 1 - b) = pi / sin(pi b) = pi / sin(pi c)
        d[gen] = b * np.power(x, -b) * (np.pi / np.sin(np.pi * c)) * reg
    if low.any():
        b = 2.0 / alpha[low]
        d[low] = _sp.hyp2f1(1.0, b, 1.0 + b, -t[low])
    return d


def _defect_pair(t, alpha):
    """Return ``(d, 1 - d, series_mask)`` with ``1 - d`` accurate for small ``t``."""
    t, alpha = np.broadcast_arrays(np.asarray(t, dtype=float), np.asarray(alpha, dtype=float))
    d = np.full(t.shape, np.nan)
    q = np.full(t.shape, np.nan)
    valid = (t >= 0.0) & (alpha > 0.0)  # NaN compares False
    series = valid & (t <= _T_SERIES)
    closed = valid & (t > _T_SERIES)
    if series.any():
        qs = _defect_series(t[series], 0.5 * alpha[series])
        q[series] = qs
        d[series] = 1.0 - qs
    if closed.any():
        dc = _defect_closed(t[closed], alpha[closed])
        d[closed] = dc
        q[closed] = 1.0 - dc
    return d, q, series


def interference_defect(t, alpha):
    r"""Interference defect of a uniform disk, ``d(t; alpha)``.

    .. math::

        d(t;\alpha) = \int_0^1 \frac{du}{1 + t\,u^{\alpha/2}}
                    = {}_2F_1\!\left(1, \tfrac{2}{\alpha}; 1 + \tfrac{2}{\alpha}; -t\right).

    With ``u = (l/R)^2`` uniform, ``1 - d(R^alpha / s) = E_l[l^alpha / (l^alpha + s)]``
    is the Laplace transform ``E[exp(-s h l^-alpha)]`` of one Rayleigh-faded
    interferer uniform in a disk of radius ``R`` (paper eqs. (9)-(10), (14)).

    Evaluated in closed form (no quadrature):

    * ``alpha = 4``: ``arctan(sqrt(t)) / sqrt(t)``;
    * ``alpha = 2``: ``log1p(t) / t``;
    * other ``alpha > 2``: ``b t^-b (pi / sin(pi b)) I_{t/(1+t)}(b, 1-b)``, ``b = 2/alpha``,
      with the regularized incomplete beta evaluated through its complement at
      ``1/(1+t)`` when ``t > 1`` (``t/(1+t)`` rounds to 1 for ``t > 1e16``);
    * ``0 < alpha < 2``: SciPy's ``hyp2f1`` (outside the accuracy guarantee);
    * ``t <= 1e-2``: the series ``1 - sum_k (-t)^k / (1 + k alpha/2)``.

    Relative error is about 1e-14 or better for ``t`` in ``[0, 1e300]`` and
    ``alpha`` in ``[2, 6]``.

    Parameters
    ----------
    t : array_like
        Normalised disk size ``R^alpha / s`` (>= 0, may be ``inf``).
    alpha : array_like
        Path-loss exponent; broadcast against ``t``.

    Returns
    -------
    ndarray
        ``d`` in ``[0, 1]``: ``d(0) = 1``, ``d(inf) = 0``. NaN for ``t < 0``,
        ``alpha <= 0`` or NaN input.
    """
    return _defect_pair(t, alpha)[0][()]


def one_minus_defect(t, alpha):
    """``1 - d(t; alpha)`` to full relative precision, also for small ``t``.

    See :func:`interference_defect`. For ``t <= 1e-2`` the value comes from the
    series directly instead of the cancelling difference ``1 - d``.
    """
    return _defect_pair(t, alpha)[1][()]


def log_one_minus_defect(t, alpha):
    """``log(1 - d(t; alpha))``, for powers ``(1 - d)^n = exp(n log(1 - d))``.

    Uses ``log1p(-d)`` with ``d`` from the closed form where ``d`` is not close to
    1, and ``log`` of the series for ``1 - d`` for small ``t``. ``t = 0`` gives
    ``-inf``.
    """
    d, q, series = _defect_pair(t, alpha)
    with np.errstate(divide="ignore"):
        from_series = np.log(np.where(series, q, 1.0))
        out = np.where(series, from_series, np.log1p(-np.where(series, 0.0, d)))
    return out[()]


# --------------------------------------------------------------------------
# Fast real powers
# --------------------------------------------------------------------------

#: Largest integer part handled by repeated multiplication.
_MAX_FAST_EXPONENT = 8


def _fast_exponent(exponent):
    """Return ``(k, half)`` if ``exponent = k + half/2`` is a small multiple of 1/2."""
    if np.ndim(exponent) != 0:
        return None
    e = float(exponent)
    twice = 2.0 * e
    if not (0.0 < e <= _MAX_FAST_EXPONENT) or twice != np.floor(twice):
        return None
    k = int(np.floor(e))
    return k, e != k


def _int_power(x, k, out, scratch):
    """``out = x**k`` for integer ``k >= 1`` by binary powering.

    ``out`` may be ``x``; ``scratch`` (same shape, never aliasing ``x``) is only
    touched for odd ``k > 1`` when ``out`` is ``x``.
    """
    if k == 1:
        if out is not x:
            np.copyto(out, x)
    elif k % 2 == 0:
        _int_power(x, k // 2, out, scratch)
        np.multiply(out, out, out=out)
    elif out is x:
        _int_power(x, k - 1, scratch, None)
        np.multiply(scratch, x, out=out)
    else:
        _int_power(x, k - 1, out, None)
        np.multiply(out, x, out=out)
    return out


def _power_into(x, exponent, out, scratch, root):
    """``out = x**exponent`` for a positive (half-)integer ``exponent``.

    ``scratch`` and ``root`` are work arrays shaped like ``x`` that do not alias it
    (``root`` is only used for half-integers). ``out`` may be ``x``.
    """
    k, half = _fast_exponent(exponent)
    if half:
        np.sqrt(x, out=root)
        if k == 0:
            np.copyto(out, root)
            return out
        _int_power(x, k, out, scratch)
        np.multiply(out, root, out=out)
        return out
    return _int_power(x, k, out, scratch)


def power(x, exponent, out=None):
    """``x**exponent`` for ``x >= 0``, fast for small (half-)integer scalar exponents.

    Exponents in ``{0.5, 1, 1.5, ..., 8}`` are evaluated with multiplications and
    at most one square root (several times faster than :func:`numpy.power`,
    within a few ulp of it); other exponents, and array exponents, fall back to
    :func:`numpy.power`.

    Parameters
    ----------
    x : ndarray
        Non-negative base.
    exponent : float or array_like
        Exponent.
    out : ndarray, optional
        Output array (may be ``x`` itself).

    Returns
    -------
    ndarray
    """
    x = np.asarray(x, dtype=float)
    if out is None:
        out = np.empty_like(x)
    if _fast_exponent(exponent) is None:
        return np.power(x, exponent, out=out)
    scratch = np.empty_like(x)
    root = np.empty_like(x)
    return _power_into(x, exponent, out, scratch, root)


def inverse_power(x, exponent, out=None):
    """``x**(-exponent)`` for ``x > 0``, fast for small (half-)integer scalar exponents.

    Computed as ``1 / power(x, exponent)``; ``x = 0`` gives ``inf`` (the caller
    decides whether to silence the divide warning).

    Parameters
    ----------
    x : ndarray
        Positive base.
    exponent : float or array_like
        The (positive) exponent ``e`` of ``x**-e``.
    out : ndarray, optional
        Output array (may be ``x`` itself).

    Returns
    -------
    ndarray
    """
    x = np.asarray(x, dtype=float)
    if _fast_exponent(exponent) is None:
        if out is None:
            out = np.empty_like(x)
        return np.power(x, np.negative(exponent), out=out)
    out = power(x, exponent, out=out)
    return np.divide(1.0, out, out=out)


# --------------------------------------------------------------------------
# Special functions
# --------------------------------------------------------------------------


def incomplete_beta(x, a, b):
    r"""Non-regularised lower incomplete beta function :math:`B(x; a, b)`.

    .. math:: B(x; a, b) = \int_0^x t^{a-1} (1-t)^{b-1}\, dt, \quad 0 \le x \le 1,

    which is :math:`I_x(a, b)\, B(a, b)` with SciPy's regularised ``betainc``.
    For ``a = b = 1/2`` (path-loss exponent 4 in the PPP interference integrals)
    the exact form :math:`2 \arcsin\sqrt{x}` is used.

    To evaluate a complement :math:`B(a, b) - B(x; a, b)` without cancellation,
    use the symmetry :math:`B(a, b) - B(x; a, b) = B(1 - x; b, a)` and compute
    ``1 - x`` directly from its own formula rather than by subtraction.

    Parameters
    ----------
    x : array_like
        Upper limit, in [0, 1].
    a, b : array_like
        Positive parameters (broadcast against ``x``).

    Returns
    -------
    ndarray
    """
    x = np.asarray(x, dtype=float)
    a = np.asarray(a, dtype=float)
    b = np.asarray(b, dtype=float)
    if a.ndim == 0 and b.ndim == 0 and float(a) == 0.5 and float(b) == 0.5:
        return 2.0 * np.arcsin(np.sqrt(x))
    return _sp.betainc(a, b, x) * _sp.beta(a, b)


def incomplete_beta_split(x, xc, a, b):
    r""":math:`B(x; a, b)` from ``x`` and its complement ``xc = 1 - x``, each computed directly.

    Uses :math:`B(a, b) - B(x_c; b, a)` where ``x > 1/2``, so neither end loses
    accuracy (near ``x = 1`` a direct evaluation, and the arcsin form of
    :func:`incomplete_beta` in particular, is ill-conditioned). ``a`` and ``b`` are
    scalars.

    Parameters
    ----------
    x, xc : array_like
        Upper limit in [0, 1] and ``1 - x`` (broadcast together).
    a, b : float
        Positive parameters.

    Returns
    -------
    ndarray
    """
    x = np.asarray(x, float)
    xc = np.asarray(xc, float)
    low = x <= 0.5
    out = np.empty(np.broadcast(x, xc).shape)
    out[...] = float(_sp.beta(a, b)) - incomplete_beta(np.where(low, 0.0, xc), b, a)
    np.copyto(out, incomplete_beta(np.where(low, x, 0.0), a, b), where=low)
    return out
