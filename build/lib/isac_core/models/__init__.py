"""Registry of system models, one module per paper.

Each module defines ``MODEL``, an :class:`isac_core.model.Model`. Figures refer to
a model by its key, never by an import path, so a typo is caught by validation.
"""

from __future__ import annotations

import importlib

from ..model import Model

__all__ = ["MODEL_MODULES", "get_model", "available_models"]

#: model key -> module under isac_core.models
MODEL_MODULES = {
    "li_tradeoff": "li_tradeoff",
    "sui_coop6g": "sui_coop6g",
    "meng_coop": "meng_coop",
    "han_survey": "han_survey",
    "sun_blockage": "sun_blockage",
}

_cache: dict[str, Model] = {}


def get_model(key: str) -> Model:
    """Return the registered model ``key``.

    Raises
    ------
    KeyError
        If no such model exists (the message lists the known keys).
    """
    if key not in _cache:
        if key not in MODEL_MODULES:
            raise KeyError(f"unknown model {key!r}; known models: {', '.join(sorted(MODEL_MODULES))}")
        module = importlib.import_module(f"{__name__}.{MODEL_MODULES[key]}")
        _cache[key] = module.MODEL
    return _cache[key]


def available_models() -> list[str]:
    """Keys of every registered model."""
    return sorted(MODEL_MODULES)
