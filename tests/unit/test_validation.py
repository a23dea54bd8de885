"""The argument checks shared by the model kernels (isac_core.validation)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from isac_core.validation import exponent_above, finite, nonnegative, positive, unit_interval, whole


def test_positive_and_nonnegative_bounds():
    assert positive(2, "lam", scalar=True) == 2.0 and isinstance(positive(2, "lam", scalar=True), float)
    assert np.array_equal(positive([1, 2], "lam"), [1.0, 2.0])
    assert nonnegative(0, "beta", scalar=True) == 0.0
    with pytest.raises(ValueError, match=r"lam \(m\^-2\) must be finite and > 0, got 0"):
        positive(0, "lam (m^-2)", scalar=True)
    with pytest.raises(ValueError, match=r"beta must be finite and >= 0$"):
        nonnegative([0.0, -1e-300], "beta")
    for check in (positive, nonnegative):
        with pytest.raises(ValueError, match="must be finite"):
            check([1.0, math.inf], "x")
        with pytest.raises(ValueError):
            check(math.nan, "x", scalar=True)
        with pytest.raises(ValueError):
            check(math.nan, "x", scalar=True, allow_inf=True)


def test_infinity_only_where_allowed():
    assert nonnegative(math.inf, "K", scalar=True, allow_inf=True) == math.inf
    assert positive([1.0, math.inf], "r", allow_inf=True)[1] == math.inf
    with pytest.raises(ValueError, match=r"K must be >= 0, got -1"):
        nonnegative(-1, "K", scalar=True, allow_inf=True)


def test_scalar_refuses_arrays():
    with pytest.raises(ValueError, match="alpha must be a scalar"):
        positive([2.0], "alpha", scalar=True)
    with pytest.raises(ValueError, match="x must be a scalar"):
        finite(np.zeros(2), "x", scalar=True)
    assert finite(np.float64(-3.0), "x", scalar=True) == -3.0


def test_whole_numbers():
    assert whole(3.0, "M_t", 2, scalar=True) == 3 and isinstance(whole(3.0, "M_t", 2, scalar=True), int)
    assert np.array_equal(whole([1, 5], "L", 1, 5), [1.0, 5.0])
    with pytest.raises(ValueError, match=r"M_t must be a whole number >= 2, got 2.5"):
        whole(2.5, "M_t", 2, scalar=True)
    with pytest.raises(ValueError, match=r"L must be whole numbers >= 1 and <= 5"):
        whole([1, 6], "L", 1, 5)
    with pytest.raises(ValueError):
        whole(math.inf, "n", 0, scalar=True)


def test_unit_interval_and_exponent():
    assert np.array_equal(unit_interval([0, 0.5, 1], "p_c"), [0.0, 0.5, 1.0])
    with pytest.raises(ValueError, match=r"p_c must be in \[0, 1\]"):
        unit_interval([0.5, 1.0 + 1e-12], "p_c")
    with pytest.raises(ValueError):
        unit_interval(math.nan, "p_c", scalar=True)
    assert exponent_above(4, "alpha") == 4.0
    with pytest.raises(ValueError, match=r"alpha must be finite and > 2 \(the interference is infinite\), got 2"):
        exponent_above(2, "alpha", why="the interference is infinite")
    with pytest.raises(ValueError, match=r"alpha_echo must be finite and > 4"):
        exponent_above(math.inf, "alpha_echo", 4.0)
