"""Reproducible random streams.

Every Monte Carlo batch draws from its own :class:`numpy.random.Generator`, whose
:class:`~numpy.random.SeedSequence` is derived from

* the root seed of the configuration,
* a content key: a digest of everything the random draws depend on (the model,
  the metric and the state point's values of the parameters that shape the
  samples), and
* the batch index.

Because the key is derived from *content*, not from a position in a grid, a
state point gets the same samples whichever chunk, worker, scheduler or rerun
evaluates it. (The key covers every parameter value of the point, including
ones a metric ignores, so two figures share draws only where all their
parameter values agree.) No global NumPy random state is ever used.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping

import numpy as np

__all__ = ["content_key", "batch_generator", "as_generator"]


def _canonical(value):
    if isinstance(value, (np.floating, float)):
        return float(value).hex()  # exact, locale- and repr-independent
    if isinstance(value, (np.integer, int)) and not isinstance(value, bool):
        return float(value).hex()
    if isinstance(value, np.ndarray):
        return [_canonical(v) for v in value.tolist()]
    if isinstance(value, (list, tuple)):
        return [_canonical(v) for v in value]
    if isinstance(value, Mapping):
        return {str(k): _canonical(v) for k, v in value.items()}
    return str(value)


def content_key(*parts) -> tuple[int, ...]:
    """Digest arbitrary JSON-like parts into four 32-bit words for a spawn key.

    Floats are hashed by their exact binary value, so ``0.1`` and ``0.1000000001``
    differ while ``2`` and ``2.0`` agree.
    """
    text = json.dumps(_canonical(list(parts)), sort_keys=True, separators=(",", ":"))
    digest = hashlib.sha256(text.encode()).digest()[:16]
    return tuple(int.from_bytes(digest[i : i + 4], "little") for i in range(0, 16, 4))


def batch_generator(root_seed: int, key: tuple[int, ...], batch: int) -> np.random.Generator:
    """Generator for batch ``batch`` of the stream identified by ``key``."""
    seq = np.random.SeedSequence(int(root_seed), spawn_key=(*key, int(batch)))
    return np.random.Generator(np.random.PCG64(seq))


def as_generator(rng=None) -> np.random.Generator:
    """Coerce ``None``, an int seed or a Generator into a Generator (for library use)."""
    if isinstance(rng, np.random.Generator):
        return rng
    if rng is None or isinstance(rng, (int, np.integer)):
        return np.random.default_rng(rng)
    raise TypeError(f"rng must be None, an int or a numpy Generator, got {type(rng).__name__}")
