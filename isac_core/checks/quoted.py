"""Checks against numbers a paper quotes: a value at a point, where a curve crosses a level,
a table of reference values."""

from __future__ import annotations

import numpy as np

from ..axes import snap_to
from ..expressions import resolve_derived
from ..units import UnitError, from_canonical, to_canonical
from .curves import label, point, values
from .kind import CheckKind, along_not_fixed, text

__all__ = ["KINDS"]


def _fixes_the_other_dims(check, at, context, key):
    """``at`` fixes every dimension with several values except the one the check runs along."""
    problems = along_not_fixed(check, context, key)
    if problems:
        return problems
    unfixed = [d for d, k in context.sizes.items() if k > 1 and d != check.get("along") and d not in at]
    if unfixed and len(at) == len(check.get("at", {})):  # (an 'at' entry that failed is reported already)
        return [f"{context.where(key + '.at')}: must fix {', '.join(unfixed)} (several values on the grid)"]
    return []


# value ------------------------------------------------------------------------------------------

def run_value(ds, spec, check):
    """The metric (analytic, or Monte Carlo with ``show: mc``) at one grid point vs ``expected``."""
    sub = point(ds, check["at"])
    metric = check["metric"]
    show_mc = check.get("show") == "mc"
    extra = list(sub[f"{metric}_mc" if show_mc else metric].dims)
    if extra:
        raise ValueError(f"value check at {check['at']} does not fix dims {extra}")
    if show_mc and int(sub["n_mc"]) == 0:
        return {"analytic": None, "passed": False, "note": "no Monte Carlo marker at this point"}
    ours = float(sub[f"{metric}_mc"] if show_mc else sub[metric])
    diff = abs(ours - check["expected"])
    out = {
        "mc" if show_mc else "analytic": ours,
        "abs_diff": diff,
        "passed": bool(diff <= check["tolerance"] + 1e-15),
    }
    if show_mc:
        out.update({"mc_se": float(sub[f"{metric}_mc_se"]), "n_mc": int(sub["n_mc"])})
    elif int(sub["n_mc"]) > 0 and f"{metric}_mc" in sub:
        out.update({"mc": float(sub[f"{metric}_mc"]), "mc_se": float(sub[f"{metric}_mc_se"]),
                    "n_mc": int(sub["n_mc"])})
    return out


def describe_quoted(entry):
    """A quoted number (with its unit), ours, and the allowed absolute difference."""
    unit = f" {entry['units']}" if entry.get("units") else ""
    return f"{entry['expected']}{unit}", text(entry.get("analytic")), str(entry["tolerance"])


VALUE = CheckKind(
    name="value",
    summary="the metric at a grid point ('at') is within 'tolerance' of a quoted number ('expected')",
    run=run_value, describe=describe_quoted,
    needs=frozenset({"expected", "tolerance"}), takes=frozenset({"show"}),
    validate=_fixes_the_other_dims,
)


# crossing ---------------------------------------------------------------------------------------

def _analytic_at(spec, metric, at):
    """The analytic kernel at one parameter point (canonical values)."""
    params = {**spec.fixed, **at}
    params.update(resolve_derived(spec.derived, params))
    arrays = {k: (v if isinstance(v, str) else np.atleast_1d(np.asarray(v, float))) for k, v in params.items()}
    return float(spec.model.metrics[metric].analytic(arrays)[0])


def run_crossing(ds, spec, check):
    """Where the analytic curve first crosses ``level`` along ``along``, by root finding on the kernel."""
    from scipy.optimize import brentq

    along, level, metric = check["along"], check["level"], check["metric"]
    sub = point(ds, check["at"])
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


def _crossing_units(check, at, context, key):
    problems = _fixes_the_other_dims(check, at, context, key)
    if problems or "units" not in check:
        return problems
    try:
        to_canonical(1.0, check["units"], context.params[check["along"]].units)
    except UnitError as exc:
        return [f"{context.where(key + '.units')}: {exc}"]
    return []


CROSSING = CheckKind(
    name="crossing",
    summary="the curve fixed by 'at' crosses 'level' along 'along' within 'tolerance' of 'expected' "
            "(in 'units')",
    run=run_crossing, describe=describe_quoted,
    needs=frozenset({"along", "level", "expected", "tolerance"}), takes=frozenset({"units"}),
    validate=_crossing_units,
)


# reference --------------------------------------------------------------------------------------

def run_reference(ds, spec, check):
    """A metric against a table of reference values along one dimension.

    Every listed point must lie within ``relative_tolerance`` (a fraction) of its
    reference value; a point without a finite value fails.
    """
    along = check["along"]
    sub = point(ds, check["at"]) if check.get("at") else ds
    da = values(sub, check["metric"], check.get("show", "analytic"))
    extra = [d for d in da.dims if d != along]
    if extra:
        raise ValueError(f"reference check on {check['metric']!r} does not fix dims {extra}")
    rows, worst, ok = [], 0.0, True
    for x, expected in check["points"]:
        ours = float(da.sel({along: x}))
        deviation = ours / expected - 1.0 if np.isfinite(ours) else None
        rows.append({"at": label(spec, {along: x}), "expected": expected, "ours": ours, "relative": deviation})
        if deviation is None:
            ok = False
            continue
        worst = max(worst, abs(deviation))
        ok &= bool(abs(deviation) <= check["relative_tolerance"])
    return {"points": rows, "worst_relative": worst, "passed": bool(ok)}


def _resolve_reference_points(check, context, key, problems):
    """Each ``[coordinate, reference value]`` with the coordinate in canonical units, on the grid."""
    along = check.get("along")
    if along not in context.grid or "points" not in check:  # a missing key is reported by key_problems
        return check
    points = []
    for j, (x, expected) in enumerate(check.get("points", [])):
        here = context.where(f"{key}.points[{j}]")
        v = context.quantity(x, context.params[along], here, problems)
        snapped = None if v is None else snap_to([v], context.grid[along])[0]
        if v is not None and snapped is None:
            problems.append(f"{here}: {x!r} is not on the grid of {along!r}")
        elif snapped is not None:
            if not expected > 0:
                problems.append(f"{here}: the reference value must be > 0 (a relative tolerance applies)")
            points.append((snapped, float(expected)))
    return {**check, "points": points}


def describe_reference(entry):
    ours = f"worst |ours / reference - 1| = {entry['worst_relative']:.1%}" + "".join(
        f"; {p['at']}: {text(p['ours'])} vs {p['expected']:g}" for p in entry["points"])
    return (f"{len(entry['points'])} reference values along {entry['along']}", ours,
            f"± {entry['relative_tolerance']:.0%}")


REFERENCE = CheckKind(
    name="reference",
    summary="the metric at listed points of 'along' lies within 'relative_tolerance' of reference values",
    run=run_reference, describe=describe_reference,
    needs=frozenset({"along", "points", "relative_tolerance"}), takes=frozenset({"show"}),
    resolve=_resolve_reference_points, validate=_fixes_the_other_dims,
)

KINDS = (VALUE, CROSSING, REFERENCE)
