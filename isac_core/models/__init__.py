"""Registry of system models, found through entry points.

A model is a :class:`isac_core.model.Model` object that an installed package registers in the
entry-point group ``isac_sweep.models`` (name = model key, value = ``module:OBJECT``); the five
papers register through the same group in this project's ``pyproject.toml``. A package can
also ship figure files, registered in ``isac_sweep.figures`` (name = paper key, value = an
object holding the path of ``<paper>.yaml``). Figures refer to a model by its key, never by an
import path, so a typo is caught by validation. See docs/adding-a-model.md.
"""

from __future__ import annotations

from importlib import metadata
from pathlib import Path

from ..model import Model

__all__ = ["MODEL_MODULES", "GROUP", "FIGURES_GROUP", "PluginError", "get_model", "available_models",
           "figure_file", "model_source"]

GROUP = "isac_sweep.models"
FIGURES_GROUP = "isac_sweep.figures"


class PluginError(Exception):
    """A model or figure plug-in that cannot be used (broken, duplicate or of the wrong type)."""

    without_traceback = True


def _distribution(ep) -> str:
    return ep.dist.name if getattr(ep, "dist", None) is not None else "an unknown package"


def _scan(group: str) -> tuple[dict, dict[str, str]]:
    """``name -> entry point`` of ``group``, and ``name -> problem`` for a name registered twice."""
    found, problems = {}, {}
    for ep in metadata.entry_points(group=group):
        if ep.name in found and found[ep.name].value != ep.value:
            other = found[ep.name]
            problems[ep.name] = (f"{ep.name!r} is registered twice in {group}: by {_distribution(other)} "
                                 f"({other.value}) and by {_distribution(ep)} ({ep.value}); uninstall one")
        found.setdefault(ep.name, ep)
    return found, problems


_MODELS, _MODEL_PROBLEMS = _scan(GROUP)
_FIGURES, _FIGURE_PROBLEMS = _scan(FIGURES_GROUP)

#: model key -> ``module:OBJECT`` of its entry point (the module's source is part of every
#: digest of the model's results)
MODEL_MODULES = {name: ep.value for name, ep in _MODELS.items()}

_cache: dict[str, Model] = {}


def get_model(key: str) -> Model:
    """Return the registered model ``key``.

    Raises
    ------
    KeyError
        If no such model exists (the message lists the known keys).
    PluginError
        If the model's package cannot be imported, its entry point does not name a
        :class:`Model` of that key, or two packages register the key.
    """
    if key in _cache:
        return _cache[key]
    if key in _MODEL_PROBLEMS:
        raise PluginError(_MODEL_PROBLEMS[key])
    if key not in MODEL_MODULES:
        raise KeyError(f"unknown model {key!r}; known models: {', '.join(sorted(MODEL_MODULES))}")
    ep = _MODELS[key]
    where = f"model plug-in {key!r} ({ep.value}, from {_distribution(ep)})"
    try:
        model = ep.load()
    except Exception as exc:  # anything the plug-in's import raises, named with its package
        raise PluginError(f"{where} cannot be loaded: {type(exc).__name__}: {exc}") from None
    if not isinstance(model, Model):
        raise PluginError(f"{where} is a {type(model).__name__}, not an isac_core.model.Model")
    if model.key != key:
        raise PluginError(f"{where} defines the model {model.key!r}; the entry point must have the same name")
    _cache[key] = model
    return model


def available_models() -> list[str]:
    """Keys of every registered model (a name two packages register is refused when it is used)."""
    return sorted(MODEL_MODULES)


def model_source(key: str) -> str:
    """The module that defines model ``key`` (dotted path)."""
    return MODEL_MODULES.get(key, key).split(":")[0]


def figure_file(paper: str) -> Path | None:
    """The figure file a package registers for ``paper`` (entry-point group ``isac_sweep.figures``), if any."""
    if paper not in _FIGURES:
        return None
    if paper in _FIGURE_PROBLEMS:
        raise PluginError(_FIGURE_PROBLEMS[paper])
    ep = _FIGURES[paper]
    try:
        path = Path(ep.load())
    except Exception as exc:
        raise PluginError(f"figure plug-in {paper!r} ({ep.value}, from {_distribution(ep)}) cannot be loaded: "
                          f"{type(exc).__name__}: {exc}") from None
    if not path.is_file():
        raise PluginError(f"figure plug-in {paper!r} ({ep.value}, from {_distribution(ep)}) names {path}, "
                          "which is not a file")
    return path
