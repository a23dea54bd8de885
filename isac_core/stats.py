"""Monte Carlo estimators and the agreement tolerance used by every check.

Batches of per-trial observations are reduced to exact sufficient statistics
(count, sum, sum of squares) so that batches can be combined in a fixed order,
independent of how they were scheduled.

Agreement rule
--------------
An analytic value ``a`` and a Monte Carlo estimate ``m`` from ``n`` trials agree
when ``|a - m| <= z * se + approx``, where

* ``se`` is the standard error *under the hypothesis that the analytic value is
  right*: ``sqrt(a (1 - a) / n)`` for probabilities (the binomial law of the
  success count), the sample standard error for means;
* ``z`` is the two-sided normal quantile that keeps the family-wise false-alarm
  rate of a whole figure at ``family_alpha`` (1 % by default) over its ``N``
  markers (Bonferroni): ``z = Phi^-1(1 - family_alpha / (2 N))``; for 25 markers
  ``z = 3.48``, for 100 markers ``z = 3.89``;
* ``approx`` is the stated approximation error of the paper's method (zero for
  exact results).
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
from scipy.special import ndtri

__all__ = [
    "Moments",
    "moments",
    "combine",
    "estimate",
    "binomial_standard_error",
    "bonferroni_z",
    "agreement",
]

#: Default family-wise false-alarm rate of a figure's analytic-vs-MC check.
FAMILY_ALPHA = 0.01


class Moments(NamedTuple):
    """``(n, sum, sum_sq)`` of per-trial observations, each an array over thresholds."""

    n: int
    total: np.ndarray
    total_sq: np.ndarray


def moments(observations: np.ndarray) -> Moments:
    """Reduce per-trial observations of shape ``(n_trials, k)`` to :class:`Moments`.

    Each column is summed as its own contiguous row, so a column's sum does not
    depend on how many other columns (thresholds) are evaluated beside it.
    """
    x = np.ascontiguousarray(np.asarray(observations, dtype=float).T)
    return Moments(x.shape[1], x.sum(axis=1), np.square(x).sum(axis=1))


def combine(parts) -> Moments:
    """Add :class:`Moments` of independent batches, in the order given."""
    parts = list(parts)
    n = sum(p.n for p in parts)
    total = parts[0].total.copy()
    total_sq = parts[0].total_sq.copy()
    for p in parts[1:]:
        total += p.total
        total_sq += p.total_sq
    return Moments(n, total, total_sq)


def estimate(m: Moments, kind: str = "probability"):
    """Return ``(mean, standard_error)`` from :class:`Moments`.

    For ``kind="probability"`` the standard error is ``sqrt(p (1 - p) / n)``; for
    ``kind="mean"`` it is the sample standard deviation (``ddof=1``) over ``sqrt(n)``.
    """
    n = m.n
    mean = m.total / n
    if kind == "probability":
        var = mean * (1.0 - mean)
    elif kind == "mean":
        var = np.maximum(m.total_sq / n - mean**2, 0.0) * (n / max(n - 1, 1))
    else:
        raise ValueError(f"unknown metric kind {kind!r}")
    return mean, np.sqrt(np.maximum(var, 0.0) / n)


def binomial_standard_error(p, n):
    """Standard error ``sqrt(p (1 - p) / n)`` of a success fraction from ``n`` trials."""
    p = np.clip(np.asarray(p, dtype=float), 0.0, 1.0)
    return np.sqrt(p * (1.0 - p) / np.asarray(n, dtype=float))


def bonferroni_z(n_markers: int, family_alpha: float = FAMILY_ALPHA) -> float:
    """Two-sided normal quantile for ``n_markers`` simultaneous comparisons."""
    n_markers = max(int(n_markers), 1)
    return float(-ndtri(family_alpha / (2.0 * n_markers)))


def agreement(analytic, mc, n_trials, *, kind="probability", mc_se=None, z=None,
              approx=0.0, family_alpha=FAMILY_ALPHA):
    """Compare analytic values with Monte Carlo estimates.

    Parameters
    ----------
    analytic, mc : array_like
        Values at the markers (same shape). NaN markers are ignored.
    n_trials : array_like
        Trials behind each MC value.
    kind : {"probability", "mean"}
        Selects the reference standard error (see module docstring).
    mc_se : array_like, optional
        Sample standard errors; required for ``kind="mean"``.
    z : float, optional
        Multiplier; by default :func:`bonferroni_z` of the number of markers.
    approx : float
        Absolute approximation error allowed on top of the statistical band.

    Returns
    -------
    dict
        ``n_markers``, ``max_abs_diff``, ``max_z`` (largest ``|diff| / se``),
        ``z_tolerance``, ``approx_tolerance`` and ``passed``.
    """
    a = np.asarray(analytic, dtype=float)
    m = np.asarray(mc, dtype=float)
    n = np.broadcast_to(np.asarray(n_trials, dtype=float), a.shape)
    ok = np.isfinite(a) & np.isfinite(m) & (n > 0)
    a, m, n = a[ok], m[ok], n[ok]
    if kind == "probability":
        se = binomial_standard_error(a, n)
    else:
        if mc_se is None:
            raise ValueError("mc_se is required for kind='mean'")
        se = np.broadcast_to(np.asarray(mc_se, dtype=float), ok.shape)[ok]
    diff = np.abs(a - m)
    excess = np.maximum(diff - approx, 0.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        zscore = np.where(excess == 0.0, 0.0, excess / se)
    if z is None:
        z = bonferroni_z(a.size, family_alpha)
    return {
        "n_markers": int(a.size),
        "max_abs_diff": float(diff.max()) if a.size else 0.0,
        "max_z": float(zscore.max()) if a.size else 0.0,
        "z_tolerance": float(z),
        "approx_tolerance": float(approx),
        "passed": bool(np.all(zscore <= z)),
    }
