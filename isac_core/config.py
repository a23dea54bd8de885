"""Load and validate the experiment configuration and the per-paper figure files.

Validation happens in two passes, both before any job starts:

1. structure, against the JSON schemas in ``isac_core/schemas/`` (unknown keys,
   wrong types, missing keys);
2. meaning, against the model registry (parameter names, units, admissible
   values, grid axes that come out empty, derived expressions, plot and check
   references).

Every problem is reported as one :class:`ConfigError` whose lines each name the
file, the figure and the key, and say what is allowed.

The result is a list of :class:`FigureSpec`: everything needed to run a figure,
in canonical units, independent of the YAML it came from.
"""

from __future__ import annotations

import copy
import dataclasses
import functools
import json
import logging
import re
from pathlib import Path

import numpy as np

from .axes import (
    _REL_TOL,
    MAX_GRID_POINTS,
    MAX_TRIALS,
    Axis,
    AxisError,
    parse_axis,
    snap_to,
    snap_union,
)
from .checks import KINDS as CHECK_KINDS
from .checks.kind import Context as CheckContext
from .checks.kind import key_problems
from .config_files import (
    SCHEMA_DIR,
    ConfigError,
    _fill_defaults,
    _load_yaml,
    _non_finite,
    _schema,
    _schema_problems,
    _where,
    read_config_file,
)
from .expressions import expression_names, resolve_derived
from .figure_spec import FigureSpec, n_trials_for
from .models import PluginError, figure_file, get_model
from .units import UnitError, parse_quantity, to_canonical

__all__ = [
    "ConfigError",
    "Axis",
    "FigureSpec",
    "load_experiment",
    "load_figure_file",
    "read_config_file",
    "SCHEMA_DIR",
]

log = logging.getLogger("isac_core.config")


def load_experiment(config: dict, workdir: str | Path = ".", config_path: str = "config/config.yaml"):
    """Validate the experiment config and every selected figure file.

    Parameters
    ----------
    config : dict
        The parsed ``config/config.yaml`` (e.g. Snakemake's ``config``).
    workdir : path
        Folder relative to which ``figures_dir`` is resolved.
    config_path : str
        Name of the config file, for messages.

    Returns
    -------
    list of FigureSpec
        The selected figures, in the order of ``select``.

    Raises
    ------
    ConfigError
        Listing every problem found, each naming file, figure and key.
    """
    schema = _schema("config.schema.yaml")
    problems = (_non_finite(config, config_path, lambda parts: (None, parts))
                or _schema_problems(config, schema, config_path, lambda parts: (None, parts)))
    if problems:
        raise ConfigError(problems)
    config = _fill_defaults(json.loads(json.dumps(config)), schema)
    defaults = config["defaults"]
    folders = config["figures_dir"] if isinstance(config["figures_dir"], list) else [config["figures_dir"]]
    specs = []
    for paper, selection in config["select"].items():
        found = [Path(f) / f"{paper}.yaml" for f in folders if (Path(workdir) / f / f"{paper}.yaml").exists()]
        if len(found) > 1:
            problems.append(f"{_where(config_path, None, 'select.' + paper)}: {paper}.yaml is in more than one "
                            f"figures_dir folder ({', '.join(map(str, found))}); keep one")
            continue
        if found:
            rel = found[0]
            path = Path(workdir) / rel
        else:
            try:
                path = rel = figure_file(paper)  # a figure file shipped by an installed package
            except PluginError as exc:
                problems.append(f"{_where(config_path, None, 'select.' + paper)}: {exc}")
                continue
            if path is None:
                problems.append(f"{_where(config_path, None, 'select.' + paper)}: no figure file {paper}.yaml in "
                                f"{', '.join(folders)}, and no installed package registers one "
                                f"(entry-point group isac_sweep.figures)")
                continue
        try:
            figs = load_figure_file(path, seed=config["seed"], defaults=defaults, display_path=rel,
                                    chunk_size=config.get("chunk_size"))
        except ConfigError as exc:
            problems.extend(exc.problems)
            continue
        if selection == "all":
            specs.extend(figs.values())
            continue
        for key in selection:
            if key not in figs:
                problems.append(
                    f"{_where(config_path, None, 'select.' + paper)}: {rel} has no figure "
                    f"{key!r}; it has {', '.join(figs)}"
                )
            else:
                specs.append(figs[key])
    if problems:
        raise ConfigError(problems)
    return specs


def load_figure_file(path, *, seed=0, defaults=None, display_path=None, chunk_size=None):
    """Validate one ``<paper>.yaml`` and return ``{figure key: FigureSpec}``.

    ``chunk_size``, if given, overrides every figure's chunking (a runtime setting).
    """
    path = Path(path)
    shown = str(display_path or path)
    problems: list[str] = []
    data = _load_yaml(path, problems, shown)
    if data is None:
        raise ConfigError(problems)
    schema = figures_schema()

    def figure_of(parts):
        if len(parts) >= 2 and parts[0] == "figures":
            return parts[1], parts[2:]
        return None, parts

    problems = _non_finite(data, shown, figure_of) or _schema_problems(data, schema, shown, figure_of)
    if problems:
        raise ConfigError(problems)
    if data["paper"] != path.stem:
        problems.append(f"{_where(shown, None, 'paper')}: {data['paper']!r} must equal the file name {path.stem!r}")
    try:
        model = get_model(data["model"])
    except KeyError as exc:
        problems.append(f"{_where(shown, None, 'model')}: {exc.args[0]}")
        raise ConfigError(problems) from None
    except PluginError as exc:  # the model's package is broken: name it, no traceback
        problems.append(f"{_where(shown, None, 'model')}: {exc}")
        raise ConfigError(problems) from None
    defaults = {"target_se": 0.003, "batch_size": 20000, "chunk_size": 4000, **(defaults or {})}
    specs = {}
    for key, fig in data["figures"].items():
        try:
            spec, fig_problems = _figure_spec(data, key, fig, model, seed, defaults, shown)
        except Exception as exc:  # anything unforeseen still names the file and figure
            spec, fig_problems = None, [f"{shown}, figure '{key}': cannot be read: {type(exc).__name__}: {exc}"]
        problems.extend(fig_problems)
        if spec is not None:
            if chunk_size:
                spec = dataclasses.replace(spec, chunk_size=int(chunk_size))
            specs[key] = spec
    if problems:
        raise ConfigError(problems)
    return specs


@functools.cache
def figures_schema() -> dict:
    """The figure-file schema, with the check kinds of :data:`isac_core.checks.KINDS` filled in."""
    schema = copy.deepcopy(_schema("figures.schema.yaml"))
    kind = schema["$defs"]["check"]["properties"]["kind"]
    kind["enum"] = list(CHECK_KINDS)
    kind["description"] = "; ".join(f"{k.name}: {k.summary}" for k in CHECK_KINDS.values()) + "."
    return schema


def _bare_number(value) -> bool:
    """A number written without a unit (``10``, ``"10"``)."""
    if isinstance(value, bool):
        return False
    if isinstance(value, (int, float)):
        return True
    return isinstance(value, str) and bool(re.fullmatch(r"\s*[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?\s*", value))


def warn_bare_number(value, param, where) -> None:
    """Warn that a dimensional parameter was given as a bare number (read in its canonical unit)."""
    if param.units != "1" and not param.categorical and _bare_number(value) and float(value) != 0.0:
        log.warning("%s: %s has no unit, so it is read as %s %s (%s's canonical unit); write the unit, "
                    "e.g. '%s %s', to say so", where, value, value, param.units, param.long_name, value, param.units)


def _quantity(value, param, where, problems):
    warn_bare_number(value, param, where)
    if param.categorical:
        if value not in param.choices:
            problems.append(f"{where}: {value!r} is not one of {list(param.choices)}")
            return None
        return value
    try:
        v = parse_quantity(value, param.units)
    except UnitError as exc:
        problems.append(f"{where}: {exc}")
        return None
    why = param.admissible(v)
    if why:
        problems.append(f"{where}: {value!r} is not admissible: {param.long_name} {why}")
        return None
    return v


def _curve_allowances(entries, dim, axes, model, where, problems):
    """Per-curve allowances with ``at`` in canonical units, each on a curve of the figure.

    ``where(suffix)`` names the key ``agreement.<metric>.curves<suffix>`` in messages.
    """
    if dim is None:
        problems.append(f"{where('')}: the plot has no 'curves' dimension to pick curves from")
        return []
    values = next(a.values for a in axes if a.name == dim)
    out = []
    for i, entry in enumerate(entries):
        at = _quantity(entry["at"], model.parameters[dim], where(f".{i}.at"), problems)
        if at is None:
            continue
        if not np.any(np.isclose(values, at, rtol=_REL_TOL, atol=0)):
            problems.append(f"{where(f'.{i}.at')}: {entry['at']!r} is not a curve of the figure ({dim} values: "
                            f"{', '.join(f'{v:g}' for v in values)})")
            continue
        out.append({**entry, "at": float(at)})
    return out


@dataclasses.dataclass
class _FigureReader:
    """Reads one figure entry: names the keys in messages and collects the problems found.

    Attributes
    ----------
    shown : str
        The figure file as messages name it.
    key : str
        The figure's key in the file.
    model : Model
        The model the file names.
    problems : list of str
        One line per problem, each naming the file, the figure and the key.
    """

    shown: str
    key: str
    model: object
    problems: list = dataclasses.field(default_factory=list)

    @property
    def params(self):
        return self.model.parameters

    def where(self, k: str) -> str:
        """``<file>, figure '<key>', key '<k>'``."""
        return _where(self.shown, self.key, k)

    def problem(self, k: str, message: str) -> None:
        self.problems.append(f"{self.where(k)}: {message}")

    def is_parameter(self, name: str, k: str) -> bool:
        """Whether the model has a parameter ``name`` (a problem at key ``k`` if not)."""
        if name not in self.params:
            self.problem(k, f"{name!r} is not a parameter of model {self.model.key!r}; "
                            f"parameters: {', '.join(self.params)}")
            return False
        return True

    def quantity(self, value, name: str, k: str):
        """A configured value of parameter ``name`` in its canonical unit, or None (a problem)."""
        return _quantity(value, self.params[name], self.where(k), self.problems)


def _figure_spec(data, key, fig, model, seed, defaults, shown):
    """One figure entry as a :class:`FigureSpec`, or None and the problems found.

    The sections are read in the order of a figure entry: metrics, grid, fixed and derived
    parameters, Monte Carlo markers and trials, plot, agreement allowances, checks.
    """
    r = _FigureReader(shown, key, model)
    for m in fig["metrics"]:
        if m not in model.metrics:
            r.problem("metrics", f"unknown metric {m!r}; model {model.key!r} has {', '.join(model.metrics)}")
    swept = _read_grid(r, fig["grid"])
    fixed, derived = _read_fixed_and_derived(r, fig, swept)
    mc = fig.get("mc", {})
    axes, mc_at = _read_markers(r, fig["grid"], mc.get("at", {}), swept)
    n_points = int(np.prod([a.values.size for a in axes])) if axes else 0
    if n_points > MAX_GRID_POINTS:
        r.problem("grid", f"{n_points} grid points is more than the {MAX_GRID_POINTS} allowed in one figure; "
                          "split it into several figures")
    if not r.problems and derived:  # derived values must be admissible everywhere on the grid
        r.problems.extend(_check_derived(axes, fixed, derived, r.params, r.where))
    n_trials, precision = _read_trials(r, mc, defaults)
    _check_plot(r, fig, axes)
    agreement = _read_agreement(r, fig, axes)
    checks = _read_checks(r, fig, axes)
    if r.problems:
        return None, r.problems
    spec = FigureSpec(
        paper=data["paper"],
        key=key,
        model_key=model.key,
        title=fig["title"],
        caption=fig.get("caption", ""),
        metrics=tuple(fig["metrics"]),
        axes=axes,
        fixed=fixed,
        derived=derived,
        mc_enabled=mc.get("enabled", True),
        mc_at=mc_at,
        n_trials=n_trials,
        batch_size=int(mc.get("batch_size", defaults["batch_size"])),
        precision=precision,
        chunk_size=int(fig.get("chunk_size", defaults["chunk_size"])),
        seed=int(seed),
        plot=fig["plot"],
        checks=tuple(checks),
        agreement=agreement,
        source=shown,
        paper_title=data.get("title", ""),
        paper_reference=data.get("reference", ""),
        inventory=tuple(data.get("inventory", ())),
    )
    return spec, []


def _read_grid(r: _FigureReader, grid: dict) -> list[tuple]:
    """``(name, canonical values, display unit)`` of each valid swept parameter."""
    swept = []
    for name, axis_spec in grid.items():
        if not r.is_parameter(name, f"grid.{name}"):
            continue
        p = r.params[name]
        if p.categorical:
            r.problem(f"grid.{name}", f"categorical parameter {name!r} cannot be swept; fix it instead")
            continue
        try:
            values, display = parse_axis(axis_spec, p, r.where(f"grid.{name}"))
        except AxisError as exc:
            r.problem(f"grid.{name}{exc.subkey}", str(exc))
            continue
        swept.append((name, values, display))
    return swept


def _read_fixed_and_derived(r: _FigureReader, fig: dict, swept: list) -> tuple[dict, dict]:
    """The fixed parameters (the model's defaults, overridden by ``fixed``) and the ``derived``
    expressions; a parameter is given in one place only."""
    fixed = r.model.defaults()
    for name, value in fig.get("fixed", {}).items():
        if not r.is_parameter(name, f"fixed.{name}"):
            continue
        if name in fig["grid"]:
            r.problem(f"fixed.{name}", f"{name!r} is also swept in grid; give it in one place")
            continue
        v = r.quantity(value, name, f"fixed.{name}")
        if v is not None:
            fixed[name] = v
    derived = {}
    for name, expr in fig.get("derived", {}).items():
        if not r.is_parameter(name, f"derived.{name}"):
            continue
        if name in fig["grid"] or name in fig.get("fixed", {}):
            r.problem(f"derived.{name}", f"{name!r} is also in grid or fixed; give it in one place")
            continue
        try:
            names = expression_names(expr)
        except (SyntaxError, ValueError) as exc:
            r.problem(f"derived.{name}", f"cannot read expression {expr!r}: {exc}")
            continue
        unknown = sorted(n for n in names if n not in r.params)
        if unknown:
            r.problem(f"derived.{name}", f"unknown parameter(s) {', '.join(unknown)} in {expr!r}")
            continue
        derived[name] = expr
    for name in [*derived, *(name for name, _, _ in swept)]:
        fixed.pop(name, None)
    return fixed, derived


def _read_markers(r: _FigureReader, grid: dict, at: dict, swept: list) -> tuple[tuple, dict]:
    """The grid axes, with the Monte Carlo markers (``mc.at``) merged into them, and the markers."""
    mc_at = {}
    axis_values = {name: values for name, values, _ in swept}
    for name, axis_spec in at.items():
        if name not in axis_values:
            if name in grid:
                continue  # the axis itself was invalid; reported above
            r.problem(f"mc.at.{name}", f"{name!r} is not a grid dimension; dims: {', '.join(grid)}")
            continue
        try:
            values, _ = parse_axis(axis_spec, r.params[name], r.where(f"mc.at.{name}"))
        except AxisError as exc:
            r.problem(f"mc.at.{name}{exc.subkey}", str(exc))
            continue
        axis_values[name] = snap_union(axis_values[name], values)
        mc_at[name] = np.asarray(snap_to(values, axis_values[name]), float)
    axes = tuple(Axis(name, axis_values[name], r.params[name].units, display) for name, _, display in swept)
    return axes, mc_at


def _read_trials(r: _FigureReader, mc: dict, defaults: dict) -> tuple[int, dict]:
    """Trials per marker (the cap, with ``precision``) and the precision asked for, if any."""
    precision = {}
    if "precision" in mc:
        precision = {k: float(v) for k, v in mc["precision"].items() if k in ("absolute", "relative")}
        n_trials = int(mc["precision"]["max_trials"])
        if "n_trials" in mc or "target_se" in mc:
            r.problem("mc.precision", "give either precision (trials chosen per marker) or n_trials / target_se "
                                      "(one count for every marker), not both")
    elif "n_trials" in mc:
        n_trials = int(mc["n_trials"])
    else:
        n_trials = n_trials_for(mc.get("target_se", defaults["target_se"]))
    if n_trials > MAX_TRIALS:
        r.problem("mc", f"{n_trials:.3g} trials per marker is more than the {MAX_TRIALS:.0e} allowed; "
                        "raise target_se or lower n_trials")
    return n_trials, precision


def _check_plot(r: _FigureReader, fig: dict, axes: tuple) -> None:
    """The plot's axes, curves and series name the figure's dims and metrics, in valid units."""
    plot = fig["plot"]
    dims = list(fig["grid"])  # declared dims: an invalid axis is reported once, above
    for ax_name in ("x", "y"):
        ax = plot[ax_name]
        if "param" in ax and ax["param"] not in dims:
            r.problem(f"plot.{ax_name}.param", f"{ax['param']!r} is not a grid dimension; dims: {', '.join(dims)}")
        if "metric" in ax and ax["metric"] not in fig["metrics"]:
            r.problem(f"plot.{ax_name}.metric", f"{ax['metric']!r} is not among the figure's metrics")
        if "units" in ax:
            if "param" in ax:
                canonical = r.params[ax["param"]].units if ax["param"] in r.params else None
            else:
                canonical = r.model.metrics[ax["metric"]].units if ax["metric"] in r.model.metrics else None
            try:
                if canonical is not None:
                    to_canonical(1.0, ax["units"], canonical)
            except UnitError as exc:
                r.problem(f"plot.{ax_name}.units", str(exc))
    if "curves" in plot and plot["curves"] not in dims:
        r.problem("plot.curves", f"{plot['curves']!r} is not a grid dimension; dims: {', '.join(dims)}")
    r.problems.extend(_check_plot_layout(plot, axes, r.where))
    r.problems.extend(_check_series(plot, fig, r.model, fig.get("mc", {}).get("enabled", True), r.where))


def _read_agreement(r: _FigureReader, fig: dict, axes: tuple) -> dict:
    """Per metric: the allowance of its analytic vs Monte Carlo test, or the exact metric it is tested
    against (``agreement.<metric>``)."""
    metrics = r.model.metrics
    agreement = {}
    for name, entry in fig.get("agreement", {}).items():
        k = f"agreement.{name}"
        metric = metrics.get(name)
        if name not in fig["metrics"] or metric is None:
            r.problem(k, f"{name!r} is not among the figure's metrics")
        elif metric.analytic is None or metric.simulate is None:
            r.problem(k, f"{name!r} is not both computed and simulated, so it has no analytic vs Monte Carlo test")
        elif "exact" in entry and (entry["exact"] not in fig["metrics"]
                                   or getattr(metrics.get(entry["exact"]), "analytic", None) is None):
            r.problem(f"{k}.exact", f"{entry['exact']!r} is not an analytic metric of the figure")
        elif "exact" in entry and metrics[entry["exact"]].units != metric.units:
            r.problem(f"{k}.exact", f"{entry['exact']!r} is in {metrics[entry['exact']].units!r}, "
                                    f"{name!r} in {metric.units!r}")
        elif "exact" in entry and ("allowance" in entry or "relative" in entry or entry.get("curves")):
            r.problem(f"{k}.exact", "a test against an exact evaluation takes no allowance")
        else:
            agreement[name] = dict(entry)
            if entry.get("curves"):
                agreement[name]["curves"] = _curve_allowances(entry["curves"], fig["plot"].get("curves"), axes,
                                                              r.model, lambda s, k=k: r.where(f"{k}.curves{s}"),
                                                              r.problems)
    return agreement


def _read_checks(r: _FigureReader, fig: dict, axes: tuple) -> list[dict]:
    """The figure's checks in canonical units, each validated by its kind (:data:`CHECK_KINDS`)."""
    valid = {a.name: a.values for a in axes}
    context = CheckContext(grid=valid, params=r.params, model=r.model, quantity=_quantity, where=r.where)
    checks = []
    for i, check in enumerate(fig.get("checks", [])):
        k = f"checks[{i}]"
        kind = CHECK_KINDS[check["kind"]]
        _check_metric_references(r, fig, check, kind, k)
        at = _read_check_point(r, fig["grid"], valid, check.get("at", {}), k)
        check = kind.resolve(check, context, k, r.problems)
        within = _read_check_ranges(r, fig["grid"], check, k)
        r.problems.extend(key_problems(kind, check, context, k) or kind.validate(check, at, context, k))
        resolved = {**check, "at": at}
        if "within" in check:
            resolved["within"] = within
        checks.append(resolved)
    return checks


def _check_metric_references(r: _FigureReader, fig: dict, check: dict, kind, k: str) -> None:
    """Every metric a check names is one of the figure's, with the kernel (analytic, Monte Carlo)
    the check reads."""
    before = {"metric": check["first_before"]} if "first_before" in check else None
    for sub, ref in ((".metric", check), (".minus.metric", check.get("minus")), (".first_before", before),
                     (".over.metric", check.get("over"))):
        if ref is None:
            continue
        if ref["metric"] not in fig["metrics"]:
            r.problem(k + sub, f"{ref['metric']!r} is not among the figure's metrics")
            continue
        need = ref.get("show", kind.default_show)
        metric = r.model.metrics[ref["metric"]]
        if need == "analytic" and metric.analytic is None:
            r.problem(k + sub, f"{ref['metric']!r} has no analytic kernel; use show: mc")
        if need == "mc" and metric.simulate is None:
            r.problem(k + sub, f"{ref['metric']!r} is not simulated; use show: analytic")


def _read_check_point(r: _FigureReader, grid: dict, valid: dict, at: dict, k: str) -> dict:
    """A check's ``at``: grid values (canonical) of the dims it fixes."""
    point = {}
    for name, value in at.items():
        if name not in grid:
            r.problem(f"{k}.at.{name}", f"{name!r} is not a grid dimension")
            continue
        if name not in valid:
            continue
        v = r.quantity(value, name, f"{k}.at.{name}")
        if v is None:
            continue
        snapped = snap_to([v], valid[name])[0]
        if snapped is None:
            r.problem(f"{k}.at.{name}", f"{value!r} is not on the grid of {name!r}")
            continue
        point[name] = snapped
    return point


def _read_check_ranges(r: _FigureReader, grid: dict, check: dict, k: str) -> dict:
    """A check's ``within``: ``{dim: (low, high)}`` in canonical units."""
    ranges = {}
    for name, bounds in check.get("within", {}).items():
        here = f"{k}.within.{name}"
        if name not in grid:
            r.problem(here, f"{name!r} is not a grid dimension")
            continue
        if name in check.get("at", {}):
            r.problem(here, f"{name!r} is fixed by 'at' already")
            continue
        if name not in r.params:
            continue  # reported with the grid
        low, high = (r.quantity(b, name, here) for b in bounds)
        if low is None or high is None:
            continue
        if low > high:
            r.problem(here, f"low {bounds[0]!r} is above high {bounds[1]!r}")
            continue
        ranges[name] = (low, high)
    return ranges


def _check_plot_layout(plot, axes, locate):
    """Every dim must be on an axis, label the curves, or hold a single value."""
    x, y = plot["x"], plot["y"]
    if "metric" not in y:
        return [f"{locate('plot.y')}: y must show a metric (line plots: x param, y metric; trade-offs: both metrics)"]
    sizes = {a.name: a.values.size for a in axes}
    curves = plot.get("curves")
    if curves is not None and curves == x.get("param"):
        return [f"{locate('plot.curves')}: {curves!r} is already on the x axis"]
    free = [d for d, k in sizes.items() if d not in (curves, x.get("param")) and k > 1]
    if "param" in x and free:
        return [f"{locate('plot')}: dims {free} have several values but are neither on the x axis nor the curves"]
    if "metric" in x and len(free) > 1:
        return [f"{locate('plot')}: a trade-off plot traces one dim; {free} have several values besides the curves"]
    if "param" in x and any("x" in sr for sr in plot.get("series", [])):
        return [f"{locate('plot.series')}: 'x' in a series applies to trade-off plots (x a metric) only"]
    return []


def _check_series(plot, fig, model, mc_enabled, locate):
    """Each series names a figure metric with the kernel it shows, in the y axis' units."""
    problems = []
    y = plot["y"].get("metric")
    if y not in model.metrics:
        return problems  # reported with the plot axes
    x = plot["x"].get("metric")
    if x and not plot.get("series"):
        for name in (x, y):
            if name in model.metrics and model.metrics[name].analytic is None:
                problems.append(f"{locate('plot')}: trade-off plots trace analytic values; {name!r} has none")
    for i, series in enumerate(plot.get("series", [])):
        where = locate(f"plot.series[{i}]")
        # trade-off series pair a y metric with an x metric (default: the plot's x metric)
        pairs = (("metric", series["metric"], y),) + ((("x", series.get("x", x), x),) if x else ())
        for key, name, axis in pairs:
            if name not in fig["metrics"] or name not in model.metrics:
                problems.append(f"{where}.{key}: {name!r} is not among the figure's metrics")
                continue
            metric = model.metrics[name]
            if series["show"] == "analytic" and metric.analytic is None:
                problems.append(f"{where}.show: {name!r} has no analytic kernel; use show: mc")
            if series["show"] == "mc" and (metric.simulate is None or not mc_enabled):
                problems.append(f"{where}.show: {name!r} has no Monte Carlo estimates in this figure")
            if axis in model.metrics and metric.units != model.metrics[axis].units:
                problems.append(f"{where}.{key}: {name!r} is in {metric.units!r}, the axis metric "
                                f"({axis!r}) in {model.metrics[axis].units!r}")
        if series["show"] == "analytic" and series.get("style") == "markers":
            problems.append(f"{where}.style: markers are for Monte Carlo estimates; use a line style")
    if not plot.get("series") and y in model.metrics and model.metrics[y].analytic is None and not mc_enabled:
        problems.append(f"{locate('plot.y')}: {y!r} has no analytic kernel and Monte Carlo is disabled")
    return problems


def _check_derived(axes, fixed, derived, params, locate):
    problems = []
    mesh = np.meshgrid(*[a.values for a in axes], indexing="ij")
    namespace = {**fixed, **{a.name: m.ravel() for a, m in zip(axes, mesh, strict=True)}}
    categorical = sorted(k for k, v in fixed.items() if isinstance(v, str))
    for name, expr in derived.items():
        used = sorted(expression_names(expr) & set(categorical))
        if used:
            problems.append(f"{locate('derived.' + name)}: {expr!r} uses {', '.join(used)}, a categorical parameter "
                            f"({', '.join(f'{k} = {fixed[k]!r}' for k in used)}); derived values are numbers")
    if problems:
        return problems
    try:
        values = resolve_derived(derived, namespace)
    except (KeyError, ValueError, TypeError, ZeroDivisionError) as exc:
        return [f"{locate('derived')}: {exc}"]
    for name, v in values.items():
        p = params[name]
        for x in np.atleast_1d(v):
            why = p.admissible(float(x))
            if why:
                problems.append(
                    f"{locate('derived.' + name)}: {derived[name]!r} gives {x:g} {p.units} somewhere on the grid: "
                    f"{p.long_name} {why}"
                )
                break
    return problems
