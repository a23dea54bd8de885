"""The flat grid of a figure: its state points, Monte Carlo markers and chunks.

A figure's grid is the Cartesian product of its axes, flattened in C order (the first
axis outermost); derived parameters are evaluated at every point. A *chunk* is a
contiguous slice of the flat list, the unit of a Snakemake job.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

import numpy as np

from .expressions import resolve_derived

if TYPE_CHECKING:
    from .figure_spec import FigureSpec

__all__ = ["state_points", "mc_mask", "chunk_bounds", "chunk_count", "chunk_range"]



def state_points(spec: FigureSpec, start: int = 0, stop: int | None = None) -> dict[str, np.ndarray]:
    """Values of the swept and derived parameters at flat points ``start:stop``.

    Returns
    -------
    dict
        ``name -> 1-D float array`` for every grid dimension and derived
        parameter, plus ``"point"``, the flat indices.
    """
    total = int(np.prod(spec.shape))
    stop = total if stop is None else stop
    index = np.arange(start, stop)
    coords = np.unravel_index(index, spec.shape)
    out = {a.name: a.values[c] for a, c in zip(spec.axes, coords, strict=True)}
    if spec.derived:
        derived = resolve_derived(spec.derived, {**spec.fixed, **out})
        out.update({k: np.broadcast_to(np.asarray(v, float), index.shape).copy() for k, v in derived.items()})
    out["point"] = index
    return out


def mc_mask(spec: FigureSpec, points: Mapping[str, np.ndarray]) -> np.ndarray:
    """True at the Monte Carlo markers among ``points``."""
    n = points["point"].size
    if not spec.mc_enabled:
        return np.zeros(n, bool)
    mask = np.ones(n, bool)
    for name, values in spec.mc_at.items():
        mask &= np.isin(points[name], values)
    return mask


def chunk_bounds(spec: FigureSpec) -> list[tuple[int, int]]:
    """``(start, stop)`` of every chunk of the flat grid."""
    return [chunk_range(spec, i) for i in range(chunk_count(spec))]


def chunk_count(spec: FigureSpec) -> int:
    """Number of chunks of the flat grid."""
    return -(-int(np.prod(spec.shape)) // max(int(spec.chunk_size), 1))


def chunk_range(spec: FigureSpec, chunk: int) -> tuple[int, int]:
    """``(start, stop)`` of chunk ``chunk`` of the flat grid (without listing the others).

    Raises
    ------
    IndexError
        If the grid has no chunk ``chunk``.
    """
    n = chunk_count(spec)
    if not 0 <= chunk < n:
        raise IndexError(f"{spec.name} has {n} chunk(s); there is no chunk {chunk}")
    size = max(int(spec.chunk_size), 1)
    return chunk * size, min((chunk + 1) * size, int(np.prod(spec.shape)))
