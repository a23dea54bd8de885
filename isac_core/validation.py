"""Argument checks shared by the model kernels.

Every check takes ``(value, name, ...)``, returns the value as a float array (a Python
float with ``scalar=True``, which also refuses arrays) and raises :class:`ValueError`
naming ``name`` (write the unit into it, e.g. ``"lam (m^-2)"``) and the bound it broke.
NaN never passes; infinity passes only where ``allow_inf`` says so.
"""

from __future__ import annotations

import numpy as np

__all__ = ["finite", "positive", "nonnegative", "whole", "unit_interval", "exponent_above"]


def _as(value, name, scalar):
    if scalar:
        if np.ndim(value) != 0:
            raise ValueError(f"{name} must be a scalar")
        return float(value)
    return np.asarray(value, dtype=float)


def _fail(value, name, scalar, requirement):
    got = f", got {value!r}" if scalar else ""
    raise ValueError(f"{name} must be {requirement}{got}")


def _bounded(value, name, *, scalar, allow_inf, strict):
    v = _as(value, name, scalar)
    ok = (v > 0.0) if strict else (v >= 0.0)
    if not allow_inf:
        ok = ok & np.isfinite(v)
    if not np.all(ok):
        bound = "> 0" if strict else ">= 0"
        _fail(value, name, scalar, bound if allow_inf else f"finite and {bound}")
    return v


def finite(value, name: str, *, scalar: bool = False):
    """``value``, every element finite."""
    v = _as(value, name, scalar)
    if not np.all(np.isfinite(v)):
        _fail(value, name, scalar, "finite")
    return v


def positive(value, name: str, *, scalar: bool = False, allow_inf: bool = False):
    """``value``, every element finite (or infinite, with ``allow_inf``) and > 0."""
    return _bounded(value, name, scalar=scalar, allow_inf=allow_inf, strict=True)


def nonnegative(value, name: str, *, scalar: bool = False, allow_inf: bool = False):
    """``value``, every element finite (or infinite, with ``allow_inf``) and >= 0."""
    return _bounded(value, name, scalar=scalar, allow_inf=allow_inf, strict=False)


def whole(value, name: str, minimum: int, maximum: int | None = None, *, scalar: bool = False):
    """``value``, every element a whole number in ``[minimum, maximum]`` (an ``int`` with ``scalar``)."""
    v = _as(value, name, scalar)
    bad = ~np.isfinite(v) | (v != np.round(v)) | (v < minimum)
    if maximum is not None:
        bad = bad | (v > maximum)
    if np.any(bad):
        high = "" if maximum is None else f" and <= {maximum}"
        _fail(value, name, scalar, f"{'a whole number' if scalar else 'whole numbers'} >= {minimum}{high}")
    return int(v) if scalar else v


def unit_interval(value, name: str, *, scalar: bool = False):
    """``value``, every element in ``[0, 1]`` (a probability or a fraction)."""
    v = _as(value, name, scalar)
    if not np.all((v >= 0.0) & (v <= 1.0)):
        _fail(value, name, scalar, "in [0, 1]")
    return v


def exponent_above(value, name: str, minimum: float = 2.0, why: str = "") -> float:
    """A finite scalar exponent > ``minimum`` (a path-loss exponent > 2 keeps the
    interference of an infinite Poisson network finite); ``why`` ends the message."""
    v = _as(value, name, True)
    if not (np.isfinite(v) and v > minimum):
        reason = f" ({why})" if why else ""
        raise ValueError(f"{name} must be finite and > {minimum:g}{reason}, got {value!r}")
    return v
