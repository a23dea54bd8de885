"""Verdicts for a figure: analytic vs Monte Carlo, and against the paper's numbers.

``check_figure`` returns a JSON-able dict with

``agreement``
    one entry per (metric, curve): markers, ``max |analytic - MC|``,
    ``max |analytic - MC| / SE``, the tolerance and why (see :mod:`isac_core.stats`);
``checks``
    the figure's configured checks: ``value`` (a quoted number at a grid point,
    with our analytic and Monte Carlo values beside it), ``crossing`` (where a
    curve crosses a level, located by root finding on the analytic kernel) and
    ``monotone``;
``passed``
    whether everything passed.
"""

from __future__ import annotations

import numpy as np
import xarray as xr

from . import stats
from .config import FigureSpec
from .sweep import resolve_derived
from .units import format_quantity, from_canonical

__all__ = ["check_figure"]


def _curves(ds, spec):
    dim = spec.plot.get("curves")
    if dim is None:
        return [({}, ds)]
    return [({dim: float(v)}, ds.sel({dim: v})) for v in ds[dim].values]


def _label(spec, at):
    if not at:
        return "all"
    parts = []
    for k, v in at.items():
        axis = spec.axis(k)
        parts.append(f"{k} = {format_quantity(v, axis.units, axis.display_units, digits=6)}")
    return ", ".join(parts)


def agreement(ds: xr.Dataset, spec: FigureSpec) -> list[dict]:
    """Analytic vs Monte Carlo per metric and curve, at a figure-wide Bonferroni level."""
    model = spec.model
    n_markers = int((ds["n_mc"].values > 0).sum()) * len(spec.metrics)
    z = stats.bonferroni_z(n_markers)
    out = []
    for metric in spec.metrics:
        kind = model.metrics[metric].kind
        if kind == "probability":
            test = "exact two-sided binomial test of the success count under the analytic value"
            tolerance = (f"p-value >= {stats.FAMILY_ALPHA:g}/{n_markers} "
                         f"(about |analytic - MC| <= {z:.2f} SE)")
        else:
            test = "normal test with the sample standard error"
            tolerance = f"|analytic - MC| <= {z:.2f} SE"
        for at, sub in _curves(ds, spec):
            mk = sub["n_mc"].values > 0
            if not mk.any():
                continue
            res = stats.agreement(sub[metric].values[mk], sub[f"{metric}_mc"].values[mk],
                                  sub["n_mc"].values[mk], kind=kind,
                                  mc_se=sub[f"{metric}_mc_se"].values[mk], z=z, n_family=n_markers)
            res.update({
                "metric": metric,
                "curve": _label(spec, at),
                "tolerance": tolerance,
                "why": (f"{test}; the level keeps the family-wise false-alarm rate at "
                        f"{stats.FAMILY_ALPHA:.0%} over the figure's {n_markers} markers (Bonferroni); "
                        "SE is the standard error under the analytic value; the analytic result is exact "
                        "for the simulated model, so no approximation allowance is added"),
            })
            out.append(res)
    return out


def _point(ds, at):
    return ds.sel({k: v for k, v in at.items()})


def _value_check(ds, spec, check):
    sub = _point(ds, check["at"])
    extra = [d for d in sub[check["metric"]].dims]
    if extra:
        raise ValueError(f"value check at {check['at']} does not fix dims {extra}")
    metric = check["metric"]
    ours = float(sub[metric])
    diff = abs(ours - check["expected"])
    out = {
        "analytic": ours,
        "abs_diff": diff,
        "passed": bool(diff <= check["tolerance"] + 1e-15),
    }
    if int(sub["n_mc"]) > 0:
        out.update({"mc": float(sub[f"{metric}_mc"]), "mc_se": float(sub[f"{metric}_mc_se"]),
                    "n_mc": int(sub["n_mc"])})
    return out


def _analytic_at(spec, metric, point):
    """Evaluate the analytic kernel at one parameter point (canonical values)."""
    model = spec.model
    params = {**spec.fixed, **point}
    params.update(resolve_derived(spec.derived, params))
    arrays = {k: (v if isinstance(v, str) else np.atleast_1d(np.asarray(v, float))) for k, v in params.items()}
    return float(model.metrics[metric].analytic(arrays)[0])


def _crossing_check(ds, spec, check):
    from scipy.optimize import brentq

    along, level, metric = check["along"], check["level"], check["metric"]
    sub = _point(ds, check["at"])
    y = sub[metric].values
    x = sub[along].values
    s = np.sign(y - level)
    idx = np.flatnonzero(s[:-1] * s[1:] <= 0)
    if idx.size == 0:
        return {"analytic": None, "passed": False, "note": f"the curve never crosses {level}"}
    i = int(idx[0])
    base = {k: float(v) for k, v in check["at"].items()}

    def f(v):
        return _analytic_at(spec, metric, {**base, along: v}) - level

    root = x[i] if f(x[i]) == 0 else brentq(f, x[i], x[i + 1], xtol=1e-14 * max(abs(x[i]), 1e-300), rtol=1e-13)
    unit = check.get("units", spec.axis(along).display_units)
    shown = float(from_canonical(root, spec.axis(along).units, unit))
    diff = abs(shown - check["expected"])
    return {"analytic": shown, "units": unit, "abs_diff": diff, "passed": bool(diff <= check["tolerance"])}


def _monotone_check(ds, spec, check):
    along, metric = check["along"], check["metric"]
    sign = 1.0 if check.get("direction", "increasing") == "increasing" else -1.0
    da = ds[metric].transpose(..., along).values
    if np.isnan(da).any():
        return {"worst_violation": None, "passed": False, "note": "NaN values on a curve"}
    steps = sign * np.diff(da, axis=-1)
    scale = np.maximum(np.abs(da[..., 1:]), np.abs(da[..., :-1]))
    violation = np.where(steps < -1e-12 * np.maximum(scale, 1e-300), -steps, 0.0)
    worst = float(violation.max()) if violation.size else 0.0
    return {"worst_violation": worst, "passed": bool(worst == 0.0)}


_CHECKS = {"value": _value_check, "crossing": _crossing_check, "monotone": _monotone_check}


def check_figure(ds: xr.Dataset, spec: FigureSpec) -> dict:
    """Full verdict of a figure (see module docstring)."""
    agree = agreement(ds, spec)
    checks = []
    for check in spec.checks:
        result = _CHECKS[check["kind"]](ds, spec, check)
        entry = {k: v for k, v in check.items() if k != "at"}
        entry["at"] = _label(spec, check["at"]) if check.get("at") else "every curve"
        entry.update(result)
        checks.append(entry)
    passed = all(a["passed"] for a in agree) and all(c["passed"] for c in checks)
    return {
        "figure": spec.name,
        "title": spec.title,
        "passed": passed,
        "agreement": agree,
        "checks": checks,
        "mc_trials_per_marker": int(spec.n_trials) if spec.mc_enabled else 0,
        "config_hash": spec.config_hash(),
        "seed": ds.attrs.get("seed"),
    }
