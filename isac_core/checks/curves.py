"""Selecting the values a check reads: points, curves, ranges, analytic or Monte Carlo."""

from __future__ import annotations

import numpy as np
import xarray as xr

from ..units import format_quantity, from_canonical

__all__ = ["curves", "label", "point", "values", "within", "rows", "shown", "trend_holds"]


def curves(ds: xr.Dataset, spec) -> list[tuple[dict, xr.Dataset]]:
    """The figure's curves: ``({curve dim: value}, the dataset on that curve)``, or one curve."""
    dim = spec.plot.get("curves")
    if dim is None:
        return [({}, ds)]
    return [({dim: float(v)}, ds.sel({dim: v})) for v in ds[dim].values]


def label(spec, at: dict) -> str:
    """``T = 10 dB, N = 8`` for a point ``{dim: canonical value}``; ``all`` for none."""
    if not at:
        return "all"
    parts = []
    for k, v in at.items():
        axis = spec.axis(k)
        parts.append(f"{k} = {format_quantity(v, axis.units, axis.display_units, digits=6)}")
    return ", ".join(parts)


def point(ds: xr.Dataset, at: dict) -> xr.Dataset:
    """The dataset at ``{dim: canonical value}`` (grid values)."""
    return ds.sel({k: v for k, v in at.items()})


def values(ds: xr.Dataset, metric: str, show: str) -> xr.DataArray:
    """Analytic values, or Monte Carlo estimates with NaN where there is no marker."""
    if show == "mc":
        return ds[f"{metric}_mc"].where(ds["n_mc"] > 0)
    return ds[metric]


def within(ds: xr.Dataset, ranges: dict) -> xr.Dataset:
    """The part of the grid whose coordinates lie in the closed ranges ``{dim: (low, high)}``."""
    for dim, (low, high) in ranges.items():
        coords = ds[dim].values
        tol = 1e-12 * max(abs(low), abs(high), 1e-300)
        ds = ds.isel({dim: np.flatnonzero((coords >= low - tol) & (coords <= high + tol))})
    return ds


def rows(spec, da: xr.DataArray, along: str):
    """Each curve of ``da`` along ``along``: (label, coordinates of the other dims, values)."""
    other = [d for d in da.dims if d != along]
    stacked = da.transpose(*other, along).values.reshape(-1, da.sizes[along])
    for idx, row in zip(np.ndindex(*[da.sizes[d] for d in other]), stacked, strict=True):
        coords = {d: float(da[d].values[i]) for d, i in zip(other, idx, strict=True)}
        yield label(spec, coords), coords, row


def shown(spec, dim: str, value):
    """A canonical coordinate of ``dim`` in its display unit (None stays None)."""
    axis = spec.axis(dim)
    return None if value is None else float(from_canonical(value, axis.units, axis.display_units))


def trend_holds(found: dict, where: dict, trend: dict) -> bool:
    """Locations ordered by ``trend['across']`` move in ``trend['direction']`` (ties allowed).

    ``found`` maps a curve label to its location (None fails), ``where`` the label to the
    curve's coordinates; curves that differ only in ``across`` are compared.
    """
    across, sign = trend["across"], 1.0 if trend.get("direction", "increasing") == "increasing" else -1.0
    groups = {}
    for name, loc in found.items():
        if loc is None:
            return False
        key = tuple(sorted((d, v) for d, v in where[name].items() if d != across))
        groups.setdefault(key, []).append((where[name][across], loc))
    for members in groups.values():
        locs = np.array([loc for _, loc in sorted(members)])
        if np.any(sign * np.diff(locs) < 0):
            return False
    return True
