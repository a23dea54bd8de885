"""What a check kind is: the keys it needs and takes, how it runs, how the report shows it.

Every kind of figure check (``value``, ``monotone``, ``fit``, ...) is one :class:`CheckKind`,
defined in one module of this package beside the function that runs it. The configuration
loader asks the kind which keys it needs and takes and lets it validate the keys that only it
reads; :func:`isac_core.checks.check_figure` runs it; the report asks it for the three cells of
its row. The figure schema's list of kinds is filled from the same registry, so a new kind is
added in one place.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

__all__ = ["CheckKind", "Context", "COMMON_KEYS", "key_problems"]

#: Keys every check may carry, whatever its kind.
COMMON_KEYS = frozenset({"kind", "metric", "at", "source", "calibrates", "note"})


@dataclass(frozen=True)
class Context:
    """What a check's validation sees of its figure.

    Attributes
    ----------
    grid : mapping
        Grid dimension -> its values in canonical units (the valid axes of the figure).
    params : mapping
        Parameter name -> :class:`isac_core.model.Parameter` of the figure's model.
    model : Model
        The figure's model (its metrics and laws).
    quantity : callable
        ``quantity(value, param, where, problems)``: a configured value (a number or a
        string with units) in the parameter's canonical unit, or None after appending the
        reason to ``problems``.
    where : callable
        ``where(key)``: the file, figure and key a message names, for a key path inside the
        figure such as ``checks[2].bounds``.
    """

    grid: Mapping[str, np.ndarray]
    params: Mapping[str, Any]
    model: Any
    quantity: Callable[[Any, Any, str, list], Any]
    where: Callable[[str], str]

    @property
    def sizes(self) -> dict[str, int]:
        """Grid dimension -> number of values."""
        return {name: values.size for name, values in self.grid.items()}


def _no_resolution(check, context, key, problems):
    return check


def _no_problems(check, at, context, key):
    return []


@dataclass(frozen=True)
class CheckKind:
    """One kind of figure check.

    Attributes
    ----------
    name : str
        The ``kind:`` of a check in a figure file.
    summary : str
        One sentence for the figure schema and ``isac list checks``.
    run : callable
        ``run(ds, spec, check) -> dict``: the verdict entry of one check on a figure's
        dataset (``passed`` and the numbers behind it).
    describe : callable
        ``describe(entry) -> (expected, ours, tolerance)``: plain-text cells of the report's
        row for a verdict entry (the check's keys and ``run``'s results).
    needs : frozenset of str
        Keys a check of this kind must have (besides ``kind`` and ``metric``).
    takes : frozenset of str
        Further keys it may have; any other key is refused (:data:`COMMON_KEYS` aside).
    statistics : tuple of str
        The values ``statistic`` may take, for kinds that read it.
    default_show : {'analytic', 'mc'}
        Which values of the metric a check without ``show`` needs to exist.
    resolve : callable
        ``resolve(check, context, key, problems) -> check``: the kind's own keys in
        canonical units (coordinates with units, a law's name); problems appended. ``key``
        is the check's key path (``checks[2]``) for :attr:`Context.where`.
    validate : callable
        ``validate(check, at, context, key) -> list of str``: the meaning checks only this
        kind needs (bounds in order, ``at`` fixing the right dims); ``at`` is the check's
        point in canonical units.
    """

    name: str
    summary: str
    run: Callable[..., dict]
    describe: Callable[[dict], tuple[str, str, str]]
    needs: frozenset = field(default_factory=frozenset)
    takes: frozenset = field(default_factory=frozenset)
    statistics: tuple[str, ...] = ()
    default_show: str = "analytic"
    resolve: Callable[..., dict] = _no_resolution
    validate: Callable[..., list] = _no_problems


def key_problems(kind: CheckKind, check: dict, context: Context, key: str) -> list[str]:
    """The first problem with a check's keys: missing, not taken, or naming no grid dimension.

    Then the kind's own :attr:`CheckKind.validate`. One problem at most, so a check with a
    wrong key is not also reported for what follows from it.
    """
    where = context.where
    missing = sorted(kind.needs - set(check))
    if missing:
        return [f"{where(key)}: {kind.name} checks need {', '.join(missing)}"]
    extra = sorted(set(check) - COMMON_KEYS - kind.needs - kind.takes)
    if extra:
        return [f"{where(key)}: {kind.name} checks do not take {', '.join(extra)}"]
    along = check.get("along")
    if along is not None and along not in context.sizes:
        return [f"{where(key + '.along')}: {along!r} is not a grid dimension; dims: {', '.join(context.sizes)}"]
    if "statistic" in check and check["statistic"] not in kind.statistics:
        return [f"{where(key + '.statistic')}: {kind.name} checks take one of {', '.join(kind.statistics)}"]
    return []


# validation steps shared by several kinds --------------------------------------------------------

def bounds_in_order(check: dict, context: Context, key: str) -> list[str]:
    """``bounds: [low, high]`` with low <= high."""
    low, high = check["bounds"]
    return [f"{context.where(key + '.bounds')}: low {low} is above high {high}"] if low > high else []


def along_not_fixed(check: dict, context: Context, key: str) -> list[str]:
    """The dimension a check runs along cannot also be fixed by its ``at``."""
    along = check.get("along")
    if along is not None and along in check.get("at", {}):
        return [f"{context.where(key + '.at')}: {along!r} is the dimension the check runs along; "
                "it cannot be fixed"]
    return []


def whole_grid(check: dict, context: Context, key: str, what: str) -> list[str]:
    """Kinds that apply to ``what`` (every curve, the whole grid) take no ``at``."""
    if check.get("at"):
        return [f"{context.where(key + '.at')}: {check['kind']} checks apply to {what}; remove 'at'"]
    return []


def trend_problems(trend: dict | None, check: dict, context: Context, key: str) -> list[str]:
    """A ``trend`` / ``first_trend`` runs across another dimension that ``at`` does not fix."""
    if trend is None:
        return []
    if trend.get("across") not in context.sizes or trend["across"] in (check.get("along"), *check.get("at", {})):
        return [f"{context.where(key + '.trend.across')}: must be another grid dimension that 'at' does not fix"]
    return []


# plain-text cells ---------------------------------------------------------------------------------

def text(x, digits: int = 6) -> str:
    """A number for a report cell (``digits`` significant digits), ``-`` for none."""
    if x is None:
        return "-"
    if isinstance(x, float):
        return f"{x:.{digits}g}"
    return str(x)


def per_curve(values: dict) -> str:
    """``label: value; label: value`` for a result per curve."""
    return "; ".join(f"{k}: {text(v)}" for k, v in values.items())


def interval(bounds) -> str:
    """``[low, high]`` with the shortest representation of each bound."""
    return f"[{bounds[0]:g}, {bounds[1]:g}]"
