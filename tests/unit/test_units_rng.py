"""Unit conversions and random-stream derivation."""

from __future__ import annotations

import numpy as np
import pytest

from isac_core import rng, units


@pytest.mark.parametrize(
    ("text", "canonical", "value"),
    [
        ("30 dBm", "W", 1.0),
        ("0 dBm", "W", 1e-3),
        ("10 MHz", "Hz", 1e7),
        ("0.5 km", "m", 500.0),
        ("10 dBsm", "m^2", 10.0),
        ("10 dBi", "1", 10.0),
        ("-30 dB", "1", 1e-3),
        ("1 us", "s", 1e-6),
        (0.25, "W", 0.25),
        ("2.5", "m", 2.5),
    ],
)
def test_parse_quantity(text, canonical, value):
    assert units.parse_quantity(text, canonical) == pytest.approx(value, rel=1e-15)


@pytest.mark.parametrize("unit", ["dBm", "mW", "W", "dBW"])
def test_round_trip(unit):
    x = np.array([1e-3, 0.5, 1.0])
    back = units.to_canonical(units.from_canonical(x, "W", unit), unit, "W")
    np.testing.assert_allclose(back, x, rtol=1e-14)


@pytest.mark.parametrize(("text", "canonical"), [("10 MHz", "W"), ("3 furlongs", "m"), ("ten W", "W"), (True, "W")])
def test_bad_quantities(text, canonical):
    with pytest.raises(units.UnitError):
        units.parse_quantity(text, canonical)


def test_content_key_is_exact_and_order_free():
    assert rng.content_key({"a": 1.0, "b": 2}) == rng.content_key({"b": 2.0, "a": 1})
    assert rng.content_key({"a": 0.1}) != rng.content_key({"a": 0.1 + 1e-16 * 2})
    assert all(0 <= w < 2**32 for w in rng.content_key("x"))


def test_batch_streams_independent_and_reproducible():
    key = rng.content_key("m", {"x": 1.0})
    a = rng.batch_generator(5, key, 0).random(4)
    assert np.array_equal(a, rng.batch_generator(5, key, 0).random(4))
    assert not np.array_equal(a, rng.batch_generator(5, key, 1).random(4))
    assert not np.array_equal(a, rng.batch_generator(6, key, 0).random(4))


@pytest.mark.parametrize(
    ("value", "canonical", "text"),
    [(2e7, "Hz", "20 MHz"), (1e-6, "s", "1 us"), (0.5, "W", "0.5 W"), (1e-7, "W", "0.1 uW"),
     (500.0, "m", "500 m"), (1.38e-23, "J/K", "1.38e-23 J/K"), (3971.7, "1", "3971.7")],
)
def test_readable_format(value, canonical, text):
    assert units.format_quantity(value, canonical, "auto") == text
