"""Physical units: the one place where values are converted.

Every parameter of every model has a *canonical* unit (SI, linear): ``W``, ``Hz``,
``m``, ``m^2``, ``s``, ``K``, ``J/K``, ``bit/s``, ``nat`` (information per
channel use; ``bit`` = ln 2 nat), ``nat/m^2`` (area spectral efficiency; shown as
``bit/s/Hz/km^2``), ``m^-2`` (densities) or ``1``
(dimensionless). Configuration files may write a value in any unit of the same
family, as a number with a unit string (``"30 dBm"``, ``"10 MHz"``,
``"-48 dB"``, ``"0.5 km"``); this module turns it into the canonical value and
back (for axis labels and tables).

Decibel units are logarithmic: ``dBm`` and ``dBW`` are powers, ``dB``/``dBi`` are
dimensionless ratios, and ``dBsm`` is an area relative to 1 m^2. All use
``10 log10``.

Examples
--------
>>> to_canonical(30, "dBm", "W")
1.0
>>> parse_quantity("10 MHz", "Hz")
10000000.0
>>> from_canonical(1e-3, "W", "dBm")
0.0
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

__all__ = [
    "UnitError",
    "CANONICAL_UNITS",
    "to_canonical",
    "from_canonical",
    "parse_quantity",
    "db_to_linear",
    "linear_to_db",
    "dbm_to_watt",
    "watt_to_dbm",
    "format_quantity",
    "readable_unit",
]


class UnitError(ValueError):
    """A unit is unknown or does not belong to the expected family."""


@dataclass(frozen=True)
class _Unit:
    canonical: str
    scale: float = 1.0  # canonical = scale * value (linear units)
    db_reference: float | None = None  # canonical = ref * 10**(value/10) (log units)


_UNITS: dict[str, _Unit] = {
    # power
    "W": _Unit("W"),
    "mW": _Unit("W", 1e-3),
    "uW": _Unit("W", 1e-6),
    "kW": _Unit("W", 1e3),
    "dBm": _Unit("W", db_reference=1e-3),
    "dBW": _Unit("W", db_reference=1.0),
    # frequency / bandwidth
    "Hz": _Unit("Hz"),
    "kHz": _Unit("Hz", 1e3),
    "MHz": _Unit("Hz", 1e6),
    "GHz": _Unit("Hz", 1e9),
    # length
    "m": _Unit("m"),
    "mm": _Unit("m", 1e-3),
    "cm": _Unit("m", 1e-2),
    "km": _Unit("m", 1e3),
    # area
    "m^2": _Unit("m^2"),
    "dBsm": _Unit("m^2", db_reference=1.0),
    # time
    "s": _Unit("s"),
    "ms": _Unit("s", 1e-3),
    "us": _Unit("s", 1e-6),
    "µs": _Unit("s", 1e-6),
    "ns": _Unit("s", 1e-9),
    # temperature and Boltzmann-like constants
    "K": _Unit("K"),
    "J/K": _Unit("J/K"),
    # information rate
    "bit/s": _Unit("bit/s"),
    "kbit/s": _Unit("bit/s", 1e3),
    "Mbit/s": _Unit("bit/s", 1e6),
    # information per channel use (E[ln(1 + SINR)] is in nats)
    "nat": _Unit("nat"),
    "bit": _Unit("nat", float(np.log(2.0))),
    # area spectral efficiency (information per channel use per area)
    "nat/m^2": _Unit("nat/m^2"),
    "bit/s/Hz/m^2": _Unit("nat/m^2", float(np.log(2.0))),
    "bit/s/Hz/km^2": _Unit("nat/m^2", float(np.log(2.0)) * 1e-6),
    # densities (points per area)
    "m^-2": _Unit("m^-2"),
    "km^-2": _Unit("m^-2", 1e-6),
    # dimensionless
    "1": _Unit("1"),
    "dB": _Unit("1", db_reference=1.0),
    "dBi": _Unit("1", db_reference=1.0),
    "%": _Unit("1", 1e-2),
}

#: The canonical units a model parameter may declare.
CANONICAL_UNITS = frozenset(u.canonical for u in _UNITS.values())

_QUANTITY = re.compile(r"^\s*([-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)\s*(\S+)?\s*$")


def _lookup(unit: str) -> _Unit:
    try:
        return _UNITS[unit]
    except KeyError:
        known = ", ".join(sorted(_UNITS))
        raise UnitError(f"unknown unit {unit!r}; known units: {known}") from None


def _check_family(unit: str, canonical: str) -> _Unit:
    spec = _lookup(unit)
    if spec.canonical != canonical:
        allowed = ", ".join(sorted(k for k, v in _UNITS.items() if v.canonical == canonical))
        raise UnitError(f"unit {unit!r} is not a unit of {canonical!r}; use one of: {allowed}")
    return spec


def to_canonical(value, unit: str, canonical: str):
    """Convert ``value`` given in ``unit`` to the canonical unit ``canonical``.

    Parameters
    ----------
    value : float or array_like
        Value(s) in ``unit``.
    unit : str
        Unit the value is written in (``"dBm"``, ``"MHz"``, ...).
    canonical : str
        Canonical unit expected by the model (``"W"``, ``"Hz"``, ...).

    Returns
    -------
    float or ndarray
        The value in canonical units.

    Raises
    ------
    UnitError
        If ``unit`` is unknown or belongs to another family.
    """
    spec = _check_family(unit, canonical)
    x = np.asarray(value, dtype=float)
    out = spec.db_reference * 10.0 ** (x / 10.0) if spec.db_reference is not None else x * spec.scale
    return float(out) if out.ndim == 0 else out


def from_canonical(value, canonical: str, unit: str):
    """Convert a canonical ``value`` to ``unit`` (inverse of :func:`to_canonical`).

    Zero powers map to ``-inf`` in decibel units.
    """
    spec = _check_family(unit, canonical)
    x = np.asarray(value, dtype=float)
    if spec.db_reference is not None:
        with np.errstate(divide="ignore"):
            out = 10.0 * np.log10(x / spec.db_reference)
    else:
        out = x / spec.scale
    return float(out) if out.ndim == 0 else out


def parse_quantity(text, canonical: str) -> float:
    """Parse ``"30 dBm"``-style text (or a bare number) into a canonical value.

    A bare number (``0.5`` or ``"0.5"``) is taken to be in the canonical unit
    already.

    Raises
    ------
    UnitError
        For malformed text, an unknown unit or a unit of another family.
    """
    if isinstance(text, bool):
        raise UnitError(f"expected a number or a quantity such as '10 MHz', got {text!r}")
    if isinstance(text, (int, float, np.integer, np.floating)):
        return float(text)
    if not isinstance(text, str):
        raise UnitError(f"expected a number or a quantity such as '10 MHz', got {text!r}")
    match = _QUANTITY.match(text)
    if match is None:
        raise UnitError(f"cannot read {text!r} as a quantity; write e.g. '10 MHz' or '30 dBm'")
    number, unit = match.groups()
    return to_canonical(float(number), unit or canonical, canonical)


def readable_unit(value: float, canonical: str) -> str:
    """A linear unit of ``canonical``'s family that shows ``value`` readably.

    The canonical unit for values in [0.01, 1000); otherwise the largest prefix not
    above the value (``2e7 Hz -> MHz``, ``1e-6 s -> us``).
    """
    candidates = sorted(
        (spec.scale, name) for name, spec in _UNITS.items()
        if spec.canonical == canonical and spec.db_reference is None and name not in ("%", "µs")
    )
    magnitude = abs(float(value))
    if magnitude == 0 or 0.01 <= magnitude < 1000:
        return canonical
    best = candidates[0][1]
    for scale, name in candidates:
        if magnitude >= scale:
            best = name
    return best


def format_quantity(value: float, canonical: str, unit: str | None = None, digits: int = 6) -> str:
    """Format a canonical value as ``"<number> <unit>"``.

    ``unit`` defaults to canonical; ``"auto"`` picks a readable prefix (:func:`readable_unit`).
    """
    unit = readable_unit(value, canonical) if unit == "auto" else (unit or canonical)
    shown = from_canonical(value, canonical, unit)
    suffix = "" if unit == "1" else f" {unit}"
    return f"{shown:.{digits}g}{suffix}"


def db_to_linear(x_db):
    """``10**(x/10)``: decibels to a linear power ratio."""
    return to_canonical(x_db, "dB", "1")


def linear_to_db(x):
    """``10 log10(x)``: a linear power ratio to decibels."""
    return from_canonical(x, "1", "dB")


def dbm_to_watt(p_dbm):
    """Power in dBm to watts (30 dBm = 1 W)."""
    return to_canonical(p_dbm, "dBm", "W")


def watt_to_dbm(p_w):
    """Power in watts to dBm."""
    return from_canonical(p_w, "W", "dBm")
