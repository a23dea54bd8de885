"""The contract between the sweep engine and a paper's kernels.

A :class:`Model` bundles the parameters of one system model (with canonical units,
defaults and admissible ranges) and the metrics it can evaluate. Every
:class:`Metric` has two kernels with matching inputs:

``analytic(params) -> ndarray``
    ``params`` maps every *present* parameter name to a 1-D float array (all of the
    same length, one entry per state point; categorical parameters are passed as
    ``str``). Returns the metric at each state point. Must be elementwise: the
    value at one state point may not depend on the other entries.

``simulate(rng, n_trials, params) -> ndarray``
    ``params`` maps the parameters listed in ``Metric.shared_sample_parameters``
    to 1-D arrays of a common length ``k`` and every other present parameter to
    a Python scalar. Draws ``n_trials`` independent trials from ``rng`` and
    returns the per-trial observation, shape ``(n_trials, k)`` (``bool`` for a
    probability, ``float`` for a mean). The random draws must not depend on the
    shared parameters nor on ``k``: one set of samples serves a whole threshold
    sweep, and the result at one threshold is the same whichever other
    thresholds are evaluated alongside it.

A metric may have only one of the two kernels: an analytic-only metric (a
paper's printed formula drawn for comparison) or a simulation-only metric (an
empirical distribution, or a Monte Carlo reference line for a conjecture).

Parameters whose ``default`` is ``None`` are optional: they reach the kernels only
when a figure sets them (for example a threshold given as an SINR instead of a
rate).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Literal

import numpy as np

from .units import CANONICAL_UNITS, format_quantity, parse_quantity

__all__ = ["Parameter", "Metric", "Law", "Model", "per_distinct", "distinct_sizes"]

AnalyticKernel = Callable[[Mapping[str, object]], np.ndarray]
SimulateKernel = Callable[[np.random.Generator, int, Mapping[str, object]], np.ndarray]


@dataclass(frozen=True)
class Parameter:
    """One model input.

    Attributes
    ----------
    units : str
        Canonical unit (see :data:`isac_core.units.CANONICAL_UNITS`).
    long_name : str
        Human-readable description, used for dataset attrs and axis labels.
    default : float, str or None
        Default value, either canonical or a quantity string such as ``"10 dBi"``.
        ``None`` makes the parameter optional.
    minimum, maximum : float, optional
        Admissible range (canonical units).
    exclusive_minimum : bool
        If true the minimum itself is not admissible (e.g. a radius).
    integer : bool
        The value must be a whole number (a count).
    choices : tuple of str, optional
        If given, the parameter is categorical and takes one of these strings;
        categorical parameters can be fixed but not swept.
    symbol : str
        Short TeX symbol for plots, e.g. ``"p_s"``.
    source : str
        Where the default comes from (``"Table I"``, ``"reconstructed: ..."``);
        values not stated in the paper say so, and the report shows it.
    """

    units: str
    long_name: str
    default: float | str | None = None
    minimum: float | None = None
    maximum: float | None = None
    exclusive_minimum: bool = False
    integer: bool = False
    choices: tuple[str, ...] | None = None
    symbol: str = ""
    source: str = ""

    def __post_init__(self):
        if self.units not in CANONICAL_UNITS and self.choices is None:
            raise ValueError(f"{self.units!r} is not a canonical unit")

    @property
    def categorical(self) -> bool:
        return self.choices is not None

    def canonical_default(self):
        """The default in canonical units (``None`` for optional parameters)."""
        if self.default is None or self.categorical:
            return self.default
        return parse_quantity(self.default, self.units)

    def admissible(self, value: float) -> str | None:
        """Return why ``value`` is not admissible, or ``None`` if it is."""
        if self.categorical:
            return None if value in self.choices else f"must be one of {list(self.choices)}"
        if not np.isfinite(value):
            return "must be finite"
        if self.minimum is not None:
            if self.exclusive_minimum and value <= self.minimum:
                return f"must be > {format_quantity(self.minimum, self.units)}"
            if value < self.minimum:
                return f"must be >= {format_quantity(self.minimum, self.units)}"
        if self.maximum is not None and value > self.maximum:
            return f"must be <= {format_quantity(self.maximum, self.units)}"
        if self.integer and value != round(value):
            return "must be a whole number"
        return None


@dataclass(frozen=True)
class Metric:
    """One output quantity with its analytic and Monte Carlo kernels.

    Attributes
    ----------
    units, long_name : str
        Labels of the output.
    analytic : callable or None
        Closed form / quadrature kernel (see module docstring); ``None`` for a
        simulation-only metric.
    simulate : callable or None
        Monte Carlo kernel (see module docstring); ``None`` for an analytic-only
        metric.
    kind : {"probability", "mean", "median"}
        ``probability``: per-trial observations are Bernoulli and the standard
        error is the binomial one. ``mean``: sample mean and sample standard error.
        ``median``: the sample median (observations may be ``+inf``, e.g. a
        singular Fisher information; the median is ``+inf`` when more than half
        are), with the distribution-free order-statistic 95 % interval; the
        engine keeps every observation of a curve, so memory grows with the trial
        count (use it for heavy-tailed quantities whose mean does not exist).
    shared_sample_parameters : tuple of str
        Parameters the random draws do not depend on (thresholds). All values of
        these in one curve are evaluated on one set of samples.
    reference : str
        Where the analytic result comes from (paper, equation, theorem).
    symbol : str
        Short TeX symbol, e.g. ``"P_D"``.
    stream : str
        Name of the random stream (default: the metric's own name). Metrics that
        name the same stream draw the same random numbers at the same parameter
        values (common random numbers, e.g. several statistics of one set of drops).
    undefined_when : str
        Where the simulate kernel returns no estimate (NaN) on purpose, and why
        (e.g. "N < 4: the mean CRLB is infinite"). Empty: a NaN estimate at a
        marker is a defect, and the figure's verdict fails on it.
    """

    units: str
    long_name: str
    analytic: AnalyticKernel | None = None
    simulate: SimulateKernel | None = None
    kind: Literal["probability", "mean", "median"] = "probability"
    shared_sample_parameters: tuple[str, ...] = ()
    reference: str = ""
    symbol: str = ""
    stream: str = ""
    undefined_when: str = ""

    def __post_init__(self):
        if self.analytic is None and self.simulate is None:
            raise ValueError(f"metric {self.long_name!r} needs an analytic or a simulate kernel")
        if self.kind not in ("probability", "mean", "median"):
            raise ValueError(f"metric {self.long_name!r}: unknown kind {self.kind!r}")


@dataclass(frozen=True)
class Law:
    """A closed-form law a paper states for a metric (e.g. a scaling law), with its fit.

    Attributes
    ----------
    formula : str
        The law as text, e.g. ``"1 / (a ln^2 N + b ln N)"``.
    coefficients : tuple of str
        Names of the fitted coefficients, in the order ``fit`` returns them.
    fit : callable
        ``fit(x, y) -> sequence of float``: the least-squares coefficients.
    evaluate : callable
        ``evaluate(x, *coefficients) -> ndarray``: the law at ``x``.
    reference : str
        Where the law is stated.
    """

    formula: str
    coefficients: tuple[str, ...]
    fit: Callable[[np.ndarray, np.ndarray], tuple]
    evaluate: Callable[..., np.ndarray]
    reference: str = ""


@dataclass(frozen=True)
class Model:
    """A system model: parameters, the metrics computed from them and the laws stated for them."""

    key: str
    title: str
    reference: str
    parameters: Mapping[str, Parameter]
    metrics: Mapping[str, Metric]
    notes: tuple[str, ...] = field(default_factory=tuple)
    laws: Mapping[str, Law] = field(default_factory=dict)

    def __post_init__(self):
        clash = set(self.parameters) & set(self.metrics)
        if clash:
            raise ValueError(f"model {self.key!r}: names used for both a parameter and a metric: {sorted(clash)}")

    def defaults(self) -> dict[str, object]:
        """Canonical defaults of every parameter that has one."""
        out = {}
        for name, p in self.parameters.items():
            value = p.canonical_default()
            if value is not None:
                out[name] = value
        return out


def per_distinct(params: Mapping[str, object], keys, function) -> np.ndarray:
    """Evaluate a kernel that needs scalar ``keys`` on every group of equal values.

    Analytic kernels receive every parameter as an array over the state points.
    ``function(scalars, selected)`` is called once per distinct combination of the
    ``keys`` values, with ``scalars`` mapping each key to its float value and
    ``selected`` the boolean mask of the state points in that group; it returns the
    values at those points.

    Returns
    -------
    ndarray
        One value per state point.
    """
    keys = tuple(keys)
    n = max(np.size(params[k]) for k in keys)
    columns = np.stack([np.broadcast_to(np.asarray(params[k], float), (n,)) for k in keys], axis=1)
    distinct, group = np.unique(columns, axis=0, return_inverse=True)
    group = group.ravel()
    out = np.empty(n)
    for g, row in enumerate(distinct):
        selected = group == g
        out[selected] = function(dict(zip(keys, row.tolist(), strict=True)), selected)
    return out


def distinct_sizes(requested) -> tuple[np.ndarray, np.ndarray]:
    """Distinct whole values of a shared parameter, and where each request sits among them.

    Simulation kernels that serve several cluster sizes from one set of draws
    simulate ``sizes`` once and return ``samples[:, index]``.

    Returns
    -------
    sizes : ndarray of int
        Sorted distinct values.
    index : ndarray of int
        ``sizes[index]`` equals the requested values.
    """
    distinct, index = np.unique(np.asarray(requested, float), return_inverse=True)
    return distinct.astype(int), index.ravel()
