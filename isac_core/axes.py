"""The grid language: a figure's swept axis from ``values``, ``range``, ``linspace`` or ``geomspace`` pieces.

Pieces are converted to canonical units, merged (near-duplicates snapped to the shorter
decimal) and checked against the parameter's admissible range.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import numpy as np

from .units import UnitError, to_canonical

__all__ = ["Axis", "AxisError", "parse_axis", "snap_union", "snap_to"]

_REL_TOL = 1e-12  # values closer than this (relative) are the same grid value

log = logging.getLogger("isac_core.config")




@dataclass(frozen=True)
class Axis:
    """One swept dimension: name, sorted canonical values and the unit to display."""

    name: str
    values: np.ndarray
    units: str  # canonical
    display_units: str

    def to_dict(self):
        return {
            "name": self.name,
            "values": [float(v) for v in self.values],
            "units": self.units,
            "display_units": self.display_units,
        }

    @classmethod
    def from_dict(cls, d):
        return cls(d["name"], np.asarray(d["values"], float), d["units"], d["display_units"])


#: Largest number of values on one axis, and of grid points in one figure.
MAX_AXIS_VALUES = 100_000
MAX_GRID_POINTS = 2_000_000
#: Largest Monte Carlo trial count per marker.
MAX_TRIALS = 10**10


class AxisError(ValueError):
    """A problem with a grid axis; ``subkey`` locates it below the axis key."""

    def __init__(self, subkey, message):
        super().__init__(message)
        self.subkey = subkey


def _count(num, what):
    if not np.isfinite(num) or num < 1 or num != int(num):
        raise AxisError(f".{what}", f"num must be a whole number >= 1, got {num}")
    if num > MAX_AXIS_VALUES:
        raise AxisError(f".{what}", f"{int(num)} values is more than the {MAX_AXIS_VALUES} allowed on one axis")
    return int(num)


def _piece_values(piece):
    for key in ("range", "linspace", "geomspace", "values"):
        if key in piece:
            numbers = np.asarray(piece[key], float)
            if not np.all(np.isfinite(numbers)):
                raise AxisError(f".{key}", f"values must be finite, got {piece[key]}")
    if "values" in piece:
        if len(piece["values"]) > MAX_AXIS_VALUES:
            raise AxisError(".values", f"more than the {MAX_AXIS_VALUES} values allowed on one axis")
        return np.asarray(piece["values"], float)
    if "range" in piece:
        start, stop, step = piece["range"]
        if step <= 0 or stop < start:
            raise AxisError(".range", f"malformed range {piece['range']}: need step > 0 and stop >= start")
        n = (stop - start) / step * (1 + 1e-12) + 1e-9
        if n >= MAX_AXIS_VALUES:
            raise AxisError(".range", f"range {piece['range']} has more than the {MAX_AXIS_VALUES} values "
                                      "allowed on one axis")
        return start + step * np.arange(int(np.floor(n)) + 1)
    if "linspace" in piece:
        start, stop, num = piece["linspace"]
        return np.linspace(start, stop, _count(num, "linspace"))
    start, stop, num = piece["geomspace"]
    if start <= 0 or stop <= 0:
        raise AxisError(".geomspace", f"malformed geomspace {piece['geomspace']}: need start, stop > 0")
    return np.geomspace(start, stop, _count(num, "geomspace"))


def _tidy(v: float) -> float:
    """``v`` rounded to 15 significant digits (drops linspace noise such as 0.30000000000000004)."""
    short = float(f"{v:.15g}")
    return short if abs(short - v) <= _REL_TOL * abs(v) else float(v)


def snap_union(*arrays):
    """Sorted union of float arrays, merging values equal to ~1e-12 relative.

    Of merged near-duplicates the one with the shortest decimal representation
    is kept, so ``0.30000000000000004`` from a linspace and ``0.3`` written by hand
    become one grid value ``0.3``.
    """
    values = np.sort(np.concatenate([np.atleast_1d(np.asarray(a, float)) for a in arrays]))
    values = np.asarray([_tidy(v) for v in values])
    out: list[float] = []
    for v in values:
        if out and abs(v - out[-1]) <= _REL_TOL * max(abs(v), abs(out[-1])):
            if len(repr(float(v))) < len(repr(out[-1])):
                out[-1] = float(v)
            continue
        out.append(float(v))
    return np.asarray(out)


def snap_to(values, grid):
    """Map ``values`` onto the matching entries of ``grid`` (``None`` where absent)."""
    out = []
    for v in np.atleast_1d(values):
        i = int(np.argmin(np.abs(grid - v)))
        ok = abs(grid[i] - v) <= _REL_TOL * max(abs(v), abs(grid[i])) or grid[i] == v
        out.append(float(grid[i]) if ok else None)
    return out


def parse_axis(spec, param, where=None):
    """Canonical values of a grid axis spec (one piece or a list of pieces).

    Raises
    ------
    AxisError
        With ``subkey`` locating the problem (e.g. ``"[1].units"``).
    """
    pieces = spec if isinstance(spec, list) else [spec]
    arrays = []
    display = None
    for i, piece in enumerate(pieces):
        prefix = f"[{i}]" if isinstance(spec, list) else ""
        if "units" not in piece and param.units != "1" and not param.categorical and where is not None:
            log.warning("%s%s: the values have no unit, so they are read in %s (%s's canonical unit); add "
                        "'units: %s' to say so", where, prefix, param.units, param.long_name, param.units)
        unit = piece.get("units", param.units)
        display = display or unit
        try:
            raw = _piece_values(piece)
        except AxisError as exc:
            raise AxisError(prefix + exc.subkey, str(exc)) from None
        if "subtract_from" in piece:
            raw = piece["subtract_from"] - raw
        try:
            arrays.append(np.atleast_1d(to_canonical(raw, unit, param.units)))
        except UnitError as exc:
            raise AxisError(f"{prefix}.units", str(exc)) from None
    values = snap_union(*arrays)
    if values.size == 0:
        raise AxisError("", "the axis is empty")
    if values.size > MAX_AXIS_VALUES:
        raise AxisError("", f"{values.size} values is more than the {MAX_AXIS_VALUES} allowed on one axis")
    if not np.all(np.isfinite(values)):
        raise AxisError("", "values must be finite (after unit conversion)")
    bad = [(v, param.admissible(v)) for v in values if param.admissible(v)]
    if bad:
        v, why = bad[0]
        raise AxisError("", f"value {v:g} {param.units} is not admissible: {param.long_name} {why}")
    return values, display


