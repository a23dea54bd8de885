"""The statistics of the verdicts: the exact binomial test, its tails and false-alarm rate, moments."""

from __future__ import annotations

import numpy as np
import pytest

from isac_core import stats


def test_nan_markers_fail():
    res = stats.agreement([np.nan, 0.3], [0.3, 0.3], 1000)
    assert not res["passed"] and res["n_nan"] == 1


def test_exact_binomial_in_the_tails():
    n = 27778
    # one success where the analytic probability is 1e-6: two-sided p-value 0.055, passes at 1 %
    assert stats.agreement([1e-6], [1 / n], n)["passed"]
    # three successes at 1e-6: p-value ~1e-5, fails
    assert not stats.agreement([1e-6], [3 / n], n)["passed"]
    # analytic exactly 0 or 1 (up to rounding): no tolerance needed for an exact match
    assert stats.agreement([1 + 2.2e-16, 0.0], [1.0, 0.0], n)["passed"]
    assert not stats.agreement([0.0], [1 / n], n)["passed"]


def test_exact_binomial_false_alarm_rate_is_controlled():
    """Draw honest binomial counts at tail probabilities: failures stay at most 3 SE above the nominal 1 %."""
    rng = np.random.default_rng(0)
    n, p = 27778, np.array([0.999993, 1e-5, 0.5, 0.02, 0.9])
    fails = 0
    reps = 400
    for _ in range(reps):
        m = rng.binomial(n, p) / n
        fails += not stats.agreement(p, m, n)["passed"]
    # nominal family-wise rate 1 % (conservative for discrete counts); 3 SE above it is 2.5 %
    assert fails / reps <= 0.01 + 3 * np.sqrt(0.01 * 0.99 / reps)


def test_mean_kind_keeps_precision_for_large_offsets():
    rng = np.random.default_rng(1)
    x = 1e8 + rng.standard_normal((20000, 1))
    parts = [stats.moments(x[i:i + 5000]) for i in range(0, 20000, 5000)]
    mean, se = stats.estimate(stats.combine(parts), "mean")
    # the estimated SE has relative sampling error ~1/sqrt(2n) = 0.5 %: 5 % is a 10-sigma band that
    # only a precision loss (the old sum-of-squares formula gave SE = 0 here) can fail
    assert se[0] == pytest.approx(1 / np.sqrt(20000), rel=0.05)
    assert abs(mean[0] - 1e8) < 5 * se[0]


def test_binomial_p_values_match_scipy_stats():
    from scipy.stats import binom

    for n in (1, 10, 27778):
        for a in (0.0, 1e-6, 0.3, 0.999993, 1.0):
            k = np.arange(0, min(n, 200) + 1)
            ref = np.minimum(1, 2 * np.minimum(binom.cdf(k, n, a), binom.sf(k - 1, n, a)))
            got = stats._binomial_p_values(np.full(k.shape, a), k / n, np.full(k.shape, float(n)))
            np.testing.assert_allclose(got, ref, rtol=1e-9, atol=1e-300)


@pytest.mark.parametrize("n", [1, 2, 3, 10, 11, 1000, 1001])
def test_median_interval_equals_numpy_median_bit_for_bit(n):
    """The median from the sorted order statistics is np.median's, also with +inf and NaN, and the
    same whether the columns arrive sorted or not (the sweep merges batches sorted by the workers)."""
    rng = np.random.default_rng(n)
    for trial in range(10):
        x = rng.standard_normal((n, 5))
        x[rng.random(x.shape) < 0.15] = np.inf
        if trial % 2:
            x[rng.random(x.shape) < 0.05] = np.nan
        expected = np.median(x, axis=0)
        unsorted = stats.median_interval(x)
        merged = np.sort(np.concatenate([np.sort(p, axis=0) for p in np.array_split(x, 3)]), axis=0, kind="stable")
        presorted = stats.median_interval(merged, presorted=True)
        assert np.array_equal(unsorted[0], expected, equal_nan=True)
        for a, b in zip(unsorted, presorted, strict=True):
            assert a.tobytes() == b.tobytes()
