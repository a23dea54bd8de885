"""Monte Carlo estimators and the agreement test used by every check.

Batches of per-trial observations are reduced to ``(n, mean, M2)`` (count, mean and
sum of squared deviations, per threshold) and combined with Chan's pairwise update,
in batch order, so the result does not depend on how batches were scheduled and
keeps full precision even when the spread is tiny compared with the mean.

Agreement rule
--------------
An analytic value ``a`` and a Monte Carlo estimate ``m`` from ``n`` trials are
tested under the hypothesis that ``a`` is right, with a per-marker level
``family_alpha / N`` that keeps the family-wise false-alarm rate of a figure's
``N`` markers at ``family_alpha`` (1 % by default; Bonferroni):

* probabilities: the success count is ``Binomial(n, a)`` under the hypothesis, and
  the exact two-sided binomial test is used. Where ``n a (1 - a)`` is large this is
  ``|a - m| <= z SE`` with ``SE = sqrt(a (1 - a) / n)`` and
  ``z = Phi^-1(1 - family_alpha / (2 N))`` (3.54 for 25 markers, 3.89 for 100); in
  the tails (``P`` near 0 or 1) it stays exact where the normal band would be wrong;
* means: ``|a - m| <= z SE + approx`` with the sample standard error.

``approx`` is the stated approximation error of the paper's method (zero for
exact results).
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
from scipy.special import bdtr, bdtrc, ndtri

__all__ = [
    "Moments",
    "moments",
    "combine",
    "estimate",
    "stopping_standard_error",
    "precision_met",
    "precision_text",
    "binomial_standard_error",
    "bonferroni_z",
    "median_interval",
    "agreement",
    "FAMILY_ALPHA",
]

#: Default family-wise false-alarm rate of a figure's analytic-vs-MC check.
FAMILY_ALPHA = 0.01


class Moments(NamedTuple):
    """Count, mean and sum of squared deviations of per-trial observations (per threshold)."""

    n: int
    mean: np.ndarray
    m2: np.ndarray


def moments(observations: np.ndarray) -> Moments:
    """Reduce per-trial observations of shape ``(n_trials, k)`` to :class:`Moments`.

    Each column is reduced as its own contiguous row, so a column's result does
    not depend on how many other columns (thresholds) are evaluated beside it.
    """
    x = np.ascontiguousarray(np.asarray(observations, dtype=float).T)
    n = x.shape[1]
    mean = x.sum(axis=1) / n
    m2 = np.square(x - mean[:, None]).sum(axis=1)
    return Moments(n, mean, m2)


def combine(parts) -> Moments:
    """Combine :class:`Moments` of independent batches, in the order given (Chan et al.)."""
    parts = iter(parts)
    n, mean, m2 = next(parts)
    mean, m2 = mean.copy(), m2.copy()
    for nb, mb, m2b in parts:
        total = n + nb
        delta = mb - mean
        mean += delta * (nb / total)
        m2 += m2b + delta**2 * (n * nb / total)
        n = total
    return Moments(n, mean, m2)


def estimate(m: Moments, kind: str = "probability"):
    """Return ``(mean, standard_error)``.

    For ``kind="probability"`` the standard error is ``sqrt(p (1 - p) / n)``; for
    ``kind="mean"`` it is the sample standard deviation (``ddof=1``) over ``sqrt(n)``.
    """
    n = m.n
    if kind == "probability":
        var = m.mean * (1.0 - m.mean)
    elif kind == "mean":
        var = m.m2 / max(n - 1, 1)
    else:
        raise ValueError(f"unknown metric kind {kind!r}")
    return m.mean, np.sqrt(np.maximum(var, 0.0) / n)


def stopping_standard_error(m: Moments, kind: str = "probability") -> np.ndarray:
    """Standard error that a sequential stopping rule compares with its target.

    For ``kind="probability"`` it is ``sqrt(p~ (1 - p~) / n)`` with the Agresti--Coull
    centre ``p~ = (successes + 2) / (n + 4)`` (divided by ``n``, not ``n + 4``: slightly
    larger, so the rule errs towards more trials): unlike
    ``sqrt(p (1 - p) / n)`` it is not 0 after a batch without a success, so a rare
    event is never declared precise on no evidence. For ``kind="mean"`` it is the
    sample standard error of :func:`estimate`.
    """
    if kind == "probability":
        p = (m.mean * m.n + 2.0) / (m.n + 4.0)
        return np.sqrt(p * (1.0 - p) / m.n)
    return estimate(m, kind)[1]


def precision_text(precision) -> str:
    """``"0.0025"``, ``"0.01 |estimate|"`` or ``"0.0025 + 0.01 |estimate|"``: a precision target in words."""
    parts = [f"{precision['absolute']:g}"] if precision.get("absolute") else []
    if precision.get("relative"):
        parts.append(f"{precision['relative']:g} |estimate|")
    return " + ".join(parts)


def precision_met(estimate_, se, *, absolute=0.0, relative=0.0) -> np.ndarray:
    """Whether ``se <= absolute + relative |estimate|`` (NaN estimates never meet it)."""
    target = absolute + relative * np.abs(np.asarray(estimate_, float))
    with np.errstate(invalid="ignore"):
        return np.asarray(se, float) <= target


def median_interval(samples, z: float = 1.959963984540054, *, presorted: bool = False):
    """Sample median per column and its distribution-free confidence interval.

    With the ``n`` values of a column sorted, the interval is given by the order
    statistics of ranks ``floor(n/2 - z sqrt(n)/2)`` and ``ceil(n/2 + z sqrt(n)/2)``
    (1-based; the normal approximation of the Binomial(n, 1/2) rank of the median).
    ``+inf`` observations are allowed and sort last.

    Parameters
    ----------
    samples : ndarray, shape (n, k)
    presorted : bool
        The columns are sorted already (ascending, NaN last); they are not sorted again.

    Returns
    -------
    median, low, high : ndarray, shape (k,)
        ``median`` equals ``np.median(samples, axis=0)`` bit for bit (NaN in a column with a NaN).
    """
    x = np.asarray(samples, float)
    if not presorted:
        x = np.sort(x, axis=0)
    n = x.shape[0]
    # np.median's arithmetic on the sorted order statistics: the middle one, or the mean of the two
    median = x[n // 2] / 1.0 if n % 2 else (x[n // 2 - 1] + x[n // 2]) / 2.0
    median = np.where(np.isnan(x[-1]), np.nan, median)
    half = 0.5 * z * np.sqrt(n)
    lo = int(np.clip(np.floor(n / 2 - half), 1, n)) - 1
    hi = int(np.clip(np.ceil(n / 2 + half), 1, n)) - 1
    return median, x[lo], x[hi]


def binomial_standard_error(p, n):
    """Standard error ``sqrt(p (1 - p) / n)`` of a success fraction from ``n`` trials."""
    p = np.clip(np.asarray(p, dtype=float), 0.0, 1.0)
    return np.sqrt(p * (1.0 - p) / np.asarray(n, dtype=float))


def bonferroni_z(n_markers: int, family_alpha: float = FAMILY_ALPHA) -> float:
    """Two-sided normal quantile for ``n_markers`` simultaneous comparisons."""
    n_markers = max(int(n_markers), 1)
    return float(-ndtri(family_alpha / (2.0 * n_markers)))


def _binomial_p_values(a, m, n):
    """Exact two-sided p-values of success fractions ``m`` under ``Binomial(n, a)``.

    ``P(K <= k)`` and ``P(K >= k)`` from the binomial CDFs of :mod:`scipy.special`.
    """
    a = np.clip(a, 0.0, 1.0)
    n = np.asarray(n).astype(np.int64)
    k = np.rint(m * n).astype(np.int64)
    lower = bdtr(k, n, a)
    upper = np.where(k >= 1, bdtrc(np.maximum(k - 1, 0), n, a), 1.0)
    return np.minimum(1.0, 2.0 * np.minimum(lower, upper))


def agreement(analytic, mc, n_trials, *, kind="probability", mc_se=None, z=None,
              approx=0.0, family_alpha=FAMILY_ALPHA, n_family=None):
    """Compare analytic values with Monte Carlo estimates at a curve's markers.

    Parameters
    ----------
    analytic, mc : array_like
        Values at the markers (same shape). A NaN at a marker is a failure.
    n_trials : array_like
        Trials behind each MC value.
    kind : {"probability", "mean"}
        Selects the test (see module docstring).
    mc_se : array_like, optional
        Sample standard errors; required for ``kind="mean"``.
    z : float, optional
        Normal quantile for the reported band; by default :func:`bonferroni_z` of
        ``n_family``.
    approx : float or array_like
        Absolute approximation error allowed on top of the statistical band
        (one value, or one per marker).
    family_alpha : float
        Family-wise false-alarm rate.
    n_family : int, optional
        Number of markers sharing ``family_alpha`` (default: these markers).

    Returns
    -------
    dict
        ``n_markers``, ``n_nan``, ``max_abs_diff``, ``max_z`` (largest
        ``|diff| / SE`` with the SE under the analytic value: how many standard
        errors apart the two are, allowance or not), ``max_z_beyond_allowance``
        (largest ``max(|diff| - approx, 0) / SE``, the statistic tested against
        ``z_tolerance`` when there is an allowance), ``z_tolerance``,
        ``min_p_value`` and ``p_value_threshold`` (probabilities),
        ``approx_tolerance`` and ``passed``.
    """
    a = np.atleast_1d(np.asarray(analytic, dtype=float))
    m = np.atleast_1d(np.asarray(mc, dtype=float))
    n = np.broadcast_to(np.asarray(n_trials, dtype=float), a.shape)
    n_family = a.size if n_family is None else n_family
    level = family_alpha / max(int(n_family), 1)
    z = bonferroni_z(n_family, family_alpha) if z is None else z
    finite = np.isfinite(a) & np.isfinite(m)
    n_nan = int((~finite).sum())
    allow = np.broadcast_to(np.asarray(approx, dtype=float), a.shape)[finite]
    a, m, n = a[finite], m[finite], n[finite]
    diff = np.abs(a - m)
    excess = np.maximum(diff - allow, 0.0)
    exact = not np.any(allow > 0.0)
    if kind == "probability":
        se = binomial_standard_error(a, n)
    else:
        if mc_se is None:
            raise ValueError("mc_se is required for kind='mean'")
        se = np.broadcast_to(np.asarray(mc_se, dtype=float), finite.shape)[finite]
    with np.errstate(divide="ignore", invalid="ignore"):
        zscore = np.where(excess == 0.0, 0.0, excess / se)
        raw_z = np.where(diff == 0.0, 0.0, diff / se)
    out = {
        "n_markers": int(finite.size),
        "n_nan": n_nan,
        "max_abs_diff": float(diff.max()) if diff.size else 0.0,
        "max_z": float(raw_z.max()) if raw_z.size else 0.0,
        "max_z_beyond_allowance": float(zscore.max()) if zscore.size else 0.0,
        "z_tolerance": float(z),
        "approx_tolerance": float(allow.max()) if allow.size else 0.0,
    }
    if kind == "probability" and exact:
        p = _binomial_p_values(a, m, n) if a.size else np.ones(0)
        out["min_p_value"] = float(p.min()) if p.size else 1.0
        out["p_value_threshold"] = level
        ok = bool(np.all(p >= level))
    else:
        ok = bool(np.all(zscore <= z))
    out["passed"] = ok and n_nan == 0
    return out
