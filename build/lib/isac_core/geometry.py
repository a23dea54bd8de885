"""Point-process samplers for Monte Carlo kernels.

Every sampler takes an explicit :class:`numpy.random.Generator` as its first
argument and consumes it in an order that depends only on the arguments that
shape the samples, so a given generator state always yields the same draws.
"""

from __future__ import annotations

import numpy as np

from .numerics import _fast_exponent, _power_into

__all__ = ["uniform_disk_distances", "disk_interference", "ppp_ordered_distances"]

#: Points processed per block in :func:`disk_interference` (keeps the work
#: arrays in the L2 cache and the memory use independent of ``n_trials``).
BLOCK_POINTS = 1 << 16


def uniform_disk_distances(rng: np.random.Generator, radius, size) -> np.ndarray:
    """Distances to the centre of points uniform in a disk: ``R sqrt(U)``.

    The pdf is ``2 l / R^2`` on ``0 <= l <= R`` (paper, proofs of Theorems 1-2).

    Parameters
    ----------
    rng : numpy.random.Generator
    radius : float
        Disk radius ``R`` [m].
    size : int or tuple of int
        Output shape.

    Returns
    -------
    ndarray
        Distances [m].
    """
    u = rng.random(size)
    return radius * np.sqrt(u)


class _Work:
    """Reusable float64 work buffers, grown on demand."""

    def __init__(self, n):
        self.n = 0
        self._grow(n)

    def _grow(self, n):
        self.n = max(int(n), 1)
        self.u = np.empty(self.n)
        self.h = np.empty(self.n)
        self.scratch = np.empty(self.n)
        self.root = np.empty(self.n)

    def views(self, n):
        if n > self.n:
            self._grow(n)
        return self.u[:n], self.h[:n], self.scratch[:n], self.root[:n]


def _faded_inverse_powers(rng, n, beta, work):
    """Draw ``n`` pairs ``(U, h)`` and return the view ``h * U**-beta``.

    Draw order: ``n`` uniforms, then ``n`` unit exponentials.
    """
    u, h, scratch, root = work.views(n)
    rng.random(out=u)
    rng.standard_exponential(out=h)
    if _fast_exponent(beta) is not None:
        _power_into(u, beta, u, scratch, root)
    else:
        np.power(u, beta, out=u)
    # U = 0 (probability 2**-53 per draw) gives an infinite term: a point at
    # the centre; the divide warning is irrelevant.
    with np.errstate(divide="ignore"):
        np.divide(h, u, out=h)
    return h


def _fixed_count(rng, out, n_points, beta, work):
    n_trials = out.shape[0]
    per_block = max(1, BLOCK_POINTS // n_points)  # trials per block
    rows = min(n_points, max(1, BLOCK_POINTS // per_block))  # points per chunk
    partial = np.empty(per_block) if rows < n_points else None
    for start in range(0, n_trials, per_block):
        acc = out[start : start + per_block]
        nb = acc.shape[0]
        for first in range(0, n_points, rows):
            nr = min(rows, n_points - first)
            # Point j of trial i sits at [j, i]: summing over axis 0 adds whole
            # rows, which vectorises (axis-1 sums of short rows do not).
            x = _faded_inverse_powers(rng, nr * nb, beta, work).reshape(nr, nb)
            if first == 0:
                np.sum(x, axis=0, out=acc)
            else:
                np.sum(x, axis=0, out=partial[:nb])
                acc += partial[:nb]


def _poisson_count(rng, out, mean, beta, work):
    n_trials = out.shape[0]
    per_block = max(1, int(BLOCK_POINTS // max(mean, 1.0)))
    for start in range(0, n_trials, per_block):
        acc = out[start : start + per_block]
        nb = acc.shape[0]
        counts = rng.poisson(mean, size=nb)
        total = int(counts.sum())
        acc[...] = 0.0
        if total == 0:
            continue
        x = _faded_inverse_powers(rng, total, beta, work)
        occupied = counts > 0
        starts = np.cumsum(counts)[occupied] - counts[occupied]
        acc[occupied] = np.add.reduceat(x, starts)


def disk_interference(
    rng: np.random.Generator,
    n_trials: int,
    n_points,
    alpha: float,
    radius: float = 1.0,
    count: str = "fixed",
    out: np.ndarray | None = None,
) -> np.ndarray:
    r"""Rayleigh-faded interference from points uniform in a disk, per trial.

    Returns, for each trial, :math:`\sum_j h_j\, l_j^{-\alpha}` with
    :math:`h_j \sim \mathrm{Exp}(1)` (Rayleigh power fading) and
    :math:`l_j = R\sqrt{U_j}` i.i.d. uniform-in-disk distances to the centre.
    Multiply by the transmit power and gains to get an interference power.

    Parameters
    ----------
    rng : numpy.random.Generator
    n_trials : int
        Number of independent trials.
    n_points : int or float
        ``count="fixed"``: exactly this many points per trial (the binomial
        point process assumed by the paper's derivations). ``count="poisson"``:
        the mean of a Poisson number of points per trial.
    alpha : float
        Path-loss exponent (scalar). Half-integer ``alpha / 2`` (``alpha`` in
        2, 3, 4, ...) takes a fast path.
    radius : float
        Disk radius ``R`` [m].
    count : {"fixed", "poisson"}
        Number of points per trial.
    out : ndarray, optional
        Float64 output of shape ``(n_trials,)``.

    Returns
    -------
    ndarray, shape (n_trials,)
        Sum of faded path gains [m^-alpha].

    Notes
    -----
    Trials are processed in blocks of about ``BLOCK_POINTS`` points, so memory
    use does not grow with ``n_trials`` beyond the output. The generator is
    consumed block by block in a fixed order -- for ``"fixed"``: uniforms then
    exponentials of each block; for ``"poisson"``: the block's counts, then its
    uniforms and exponentials -- so the draws depend only on the generator
    state, ``n_trials``, ``n_points`` and ``count``.
    """
    n_trials = int(n_trials)
    if out is None:
        out = np.empty(n_trials)
    elif out.shape != (n_trials,) or out.dtype != np.float64:
        raise ValueError("out must be a float64 array of shape (n_trials,)")
    beta = 0.5 * float(alpha)
    if count == "fixed":
        n = int(n_points)
        if n != n_points or n < 0:
            raise ValueError("n_points must be a non-negative integer for count='fixed'")
        if n == 0 or n_trials == 0:
            out[...] = 0.0
            return out
        work = _Work(min(n * n_trials, BLOCK_POINTS))
        _fixed_count(rng, out, n, beta, work)
    elif count == "poisson":
        mean = float(n_points)
        if not mean >= 0.0:
            raise ValueError("n_points (the mean count) must be >= 0")
        work = _Work(min(BLOCK_POINTS, max(1.0, mean * n_trials)) * 1.25)
        _poisson_count(rng, out, mean, beta, work)
    else:
        raise ValueError(f"count must be 'fixed' or 'poisson', got {count!r}")
    if radius != 1.0:
        out *= float(radius) ** -float(alpha)
    return out


def ppp_ordered_distances(rng: np.random.Generator, density, k: int, size=()) -> np.ndarray:
    r"""Distances of the ``k`` nearest points of a homogeneous PPP to the origin.

    For a PPP of density :math:`\lambda`, the areas :math:`\pi\lambda r_i^2` of
    the ordered distances are the arrival times of a unit-rate Poisson process,
    i.e. cumulative sums of i.i.d. Exp(1) variables; hence
    ``r_i = sqrt(cumsum(E)_i / (pi lambda))``. In particular
    ``P(r_1 > r) = exp(-lambda pi r^2)``.

    Parameters
    ----------
    rng : numpy.random.Generator
    density : float
        Intensity :math:`\lambda` [m^-2].
    k : int
        Number of nearest points.
    size : int or tuple of int
        Leading shape (independent realisations).

    Returns
    -------
    ndarray, shape (*size, k)
        Increasing distances [m] along the last axis.
    """
    size = (size,) if np.ndim(size) == 0 and not isinstance(size, tuple) else tuple(size)
    arrivals = rng.standard_exponential((*size, int(k)))
    np.cumsum(arrivals, axis=-1, out=arrivals)
    arrivals *= 1.0 / (np.pi * float(density))
    return np.sqrt(arrivals, out=arrivals)
