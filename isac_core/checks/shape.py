"""Checks of a curve's shape: monotone, where its extremum lies, how many peaks it has, how
many pairs of curves cross."""

from __future__ import annotations

import numpy as np

from .. import stats
from .curves import label, point, rows, shown, trend_holds, values, within
from .kind import CheckKind, along_not_fixed, per_curve, text, trend_problems, whole_grid

__all__ = ["KINDS"]


def _direction(check) -> float:
    return 1.0 if check.get("direction", "increasing") == "increasing" else -1.0


# monotone ---------------------------------------------------------------------------------------

def run_monotone(ds, spec, check):
    """The metric is monotone along a dimension on every curve.

    Analytic values: no step against ``direction`` (beyond rounding); with
    ``increments: shrinking`` the step sizes must not grow either (diminishing
    returns). Monte Carlo values (``show: mc``): no step between consecutive markers
    goes against ``direction`` by more than the Bonferroni z-quantile times its
    standard error (a wrong-direction step the sampling noise cannot explain); with
    ``significant: true`` every step must go the stated way by more than that, except
    steps between markers above ``ignore_above`` (saturated values). ``within``
    restricts the grid to closed ranges of some dimensions first.
    """
    ds = within(ds, check.get("within", {}))
    if check.get("show") == "mc":
        return _monotone_mc(ds, check)
    along, metric = check["along"], check["metric"]
    da = ds[metric].transpose(..., along).values
    if np.isnan(da).any():
        return {"worst_violation": None, "passed": False, "note": "NaN values on a curve"}
    steps = _direction(check) * np.diff(da, axis=-1)
    scale = np.maximum(np.abs(da[..., 1:]), np.abs(da[..., :-1]))
    violation = np.where(steps < -1e-12 * np.maximum(scale, 1e-300), -steps, 0.0)
    worst = float(violation.max()) if violation.size else 0.0
    out = {"worst_violation": worst, "passed": bool(worst == 0.0)}
    if check.get("increments") == "shrinking":
        growth = np.diff(steps, axis=-1)
        step_scale = np.maximum(np.abs(steps[..., 1:]), np.abs(steps[..., :-1]))
        grew = np.where(growth > 1e-9 * np.maximum(step_scale, 1e-300), growth, 0.0)
        worst_growth = float(grew.max()) if grew.size else 0.0
        out.update({"worst_increment_growth": worst_growth,
                    "passed": bool(out["passed"] and worst_growth == 0.0)})
    return out


def _monotone_mc(ds, check):
    along, metric = check["along"], check["metric"]
    sign = _direction(check)
    n_along = ds.sizes[along]
    has = (ds["n_mc"] > 0).transpose(..., along).values.reshape(-1, n_along)
    mc = ds[f"{metric}_mc"].transpose(..., along).values.reshape(-1, n_along)
    se = ds[f"{metric}_mc_se"].transpose(..., along).values.reshape(-1, n_along)
    steps, sds = [], []
    for row in range(has.shape[0]):  # consecutive markers of each curve (markers may skip grid points)
        m, e = mc[row, has[row]], se[row, has[row]]
        keep = np.ones(max(m.size - 1, 0), bool)
        if "ignore_above" in check:  # saturated markers (e.g. P_c ~ 1) cannot separate
            keep = np.maximum(m[1:], m[:-1]) <= check["ignore_above"]
        steps.append((sign * np.diff(m))[keep])
        sds.append(np.hypot(e[1:], e[:-1])[keep])
    steps, sd = np.concatenate(steps), np.concatenate(sds)
    if steps.size == 0:
        return {"worst_z": None, "passed": False, "note": f"fewer than two Monte Carlo markers along {along}"}
    tolerance = stats.bonferroni_z(steps.size)
    with np.errstate(divide="ignore", invalid="ignore"):
        z_steps = np.where(steps == 0, 0.0, steps / sd)
    out = {"worst_z": float(max(0.0, -z_steps.min())), "z_tolerance": tolerance, "steps_tested": int(steps.size),
           "smallest_step": float(steps.min()), "smallest_step_z": float(z_steps.min())}
    if check.get("significant"):
        # every step must go the stated way by more than z standard errors
        out["passed"] = bool(z_steps.min() > tolerance)
    else:
        # no step may go the wrong way by more than z standard errors
        out["passed"] = bool(out["worst_z"] <= tolerance)
    return out


def _validate_monotone(check, at, context, key):
    where = context.where
    problems = whole_grid(check, context, key, "every curve")
    if problems:
        return problems
    if check.get("show") == "mc" and "increments" in check:
        return [f"{where(key + '.increments')}: applies to analytic values only (remove 'show: mc')"]
    for name in ("significant", "ignore_above"):
        if name in check and check.get("show") != "mc":
            return [f"{where(key + '.' + name)}: applies to Monte Carlo values only (add 'show: mc')"]
    return []


def describe_monotone(entry):
    direction = entry.get("direction", "increasing")
    if entry.get("show") == "mc":
        worst = entry["worst_z"]
        ours = (entry.get("note", "") if worst is None else
                f"MC: smallest step {entry['smallest_step_z']:.2f} SE over {entry['steps_tested']} steps")
        strict = ", every step significant" if entry.get("significant") else ""
        return (f"{direction} along {entry['along']} (Monte Carlo{strict})", ours,
                "-" if worst is None else f"z ≤ {entry['z_tolerance']:.2f}")
    worst = entry["worst_violation"]
    ours = "NaN on a curve" if worst is None else f"worst step {worst:.1e}"
    if "worst_increment_growth" in entry:
        ours += f"; worst increment growth {entry['worst_increment_growth']:.1e}"
    shrink = ", shrinking steps" if entry.get("increments") == "shrinking" else ""
    return f"{direction} along {entry['along']}{shrink}", ours, "-"


MONOTONE = CheckKind(
    name="monotone",
    summary="the metric is monotone ('direction') along a dimension ('along') on every curve",
    run=run_monotone, describe=describe_monotone,
    needs=frozenset({"along"}),
    takes=frozenset({"direction", "show", "increments", "significant", "ignore_above", "within"}),
    validate=_validate_monotone,
)


# extremum ---------------------------------------------------------------------------------------

def run_extremum(ds, spec, check):
    """Where each curve has its minimum or maximum along a dimension (grid or marker values).

    ``location: [low, high]`` bounds it; ``trend: {across, direction}`` requires the
    locations to move monotonically (non-strictly) with another dimension.
    """
    along = check["along"]
    sub = point(ds, check["at"]) if check.get("at") else ds
    da = values(sub, check["metric"], check.get("show", "analytic"))
    coords = da[along].values
    pick = np.nanargmin if check["extremum"] == "min" else np.nanargmax
    found, where, ok = {}, {}, True
    for name, at, row in rows(spec, da, along):
        if not np.isfinite(row).any():
            found[name], ok = None, False
            continue
        found[name] = float(coords[pick(row)])
        where[name] = at
        if "location" in check:
            low, high = check["location"]
            ok &= bool(low - 1e-12 * abs(low) <= found[name] <= high + 1e-12 * abs(high))
    out = {"locations": {k: shown(spec, along, v) for k, v in found.items()},
           "units": spec.axis(along).display_units}
    if "location" in check:
        out["location_shown"] = [shown(spec, along, b) for b in check["location"]]
    if "trend" in check:
        trend_ok = trend_holds(found, where, check["trend"])
        out["trend_passed"] = trend_ok
        ok &= trend_ok
    out["passed"] = bool(ok)
    return out


def _resolve_location(check, context, key, problems):
    """``location: [low, high]`` in canonical units of ``along``."""
    if check.get("along") not in context.params or "location" not in check:
        return check
    here = context.where(key + ".location")
    param = context.params[check["along"]]
    low, high = (context.quantity(b, param, here, problems) for b in check["location"])
    if low is not None and high is not None and low > high:
        problems.append(f"{here}: low {check['location'][0]!r} is above high {check['location'][1]!r}")
    return {**check, "location": [low, high]}


def _validate_extremum(check, at, context, key):
    problems = along_not_fixed(check, context, key)
    if problems:
        return problems
    if "location" not in check and "trend" not in check:
        return [f"{context.where(key)}: extremum checks need a location, a trend, or both"]
    return trend_problems(check.get("trend"), check, context, key)


def describe_extremum(entry):
    unit = "" if entry["units"] == "1" else f" {entry['units']}"
    parts = []
    if "location_shown" in entry:
        low, high = entry["location_shown"]
        parts.append(f"in [{low:g}, {high:g}]{unit}")
    if "trend" in entry:
        parts.append(f"moving {entry['trend'].get('direction', 'increasing')} with {entry['trend']['across']}")
    expected = f"{entry['extremum']} along {entry['along']} " + ", ".join(parts)
    return expected, per_curve(entry["locations"]), "-"


EXTREMUM = CheckKind(
    name="extremum",
    summary="every curve has its minimum or maximum ('extremum') along a dimension ('along') within "
            "'location' and/or moving with 'trend'",
    run=run_extremum, describe=describe_extremum,
    needs=frozenset({"along", "extremum"}), takes=frozenset({"show", "location", "trend"}),
    resolve=_resolve_location, validate=_validate_extremum,
)


# peaks ------------------------------------------------------------------------------------------

def _local_maxima(row, tol=1e-9):
    """Indices of the interior local maxima of a sampled curve (plateaus count once)."""
    out = []
    n = row.size
    i = 1
    while i < n - 1:
        if row[i] > row[i - 1] + tol * abs(row[i]):
            j = i
            while j + 1 < n and abs(row[j + 1] - row[i]) <= tol * abs(row[i]):
                j += 1  # walk along a plateau
            if j + 1 < n and row[j + 1] < row[i] - tol * abs(row[i]):
                out.append(i)
            i = j + 1
        else:
            i += 1
    return out


def run_peaks(ds, spec, check):
    """Number of interior local maxima of each analytic curve along a dimension.

    ``first_before: <metric>`` also requires the first peak to lie before the global
    maximum of that metric on the same curve; ``first_trend: {across, direction}``
    requires the first peak to move monotonically with another dimension.
    """
    along = check["along"]
    sub = point(ds, check["at"]) if check.get("at") else ds
    coords = sub[along].values
    other = sub[check["first_before"]] if "first_before" in check else None
    peaks, ok, first, where = {}, True, {}, {}
    others = rows(spec, other, along) if other is not None else None
    for name, at, row in rows(spec, sub[check["metric"]], along):
        idx = _local_maxima(row) if np.isfinite(row).all() else []
        first[name], where[name] = (float(coords[idx[0]]) if idx else None), at
        entry = {"locations": [shown(spec, along, float(coords[i])) for i in idx],
                 "values": [float(row[i]) for i in idx]}
        ok &= len(idx) == check["count"]
        if others is not None:
            _, _, ref = next(others)
            ref_at = float(coords[int(np.nanargmax(ref))])
            entry["before"] = shown(spec, along, ref_at)
            ok &= bool(idx) and float(coords[idx[0]]) < ref_at
        peaks[name] = entry
    out = {"peaks": peaks, "units": spec.axis(along).display_units}
    if "first_trend" in check:
        out["first_trend_passed"] = trend_holds(first, where, check["first_trend"])
        ok &= out["first_trend_passed"]
    out["passed"] = bool(ok)
    return out


def _validate_peaks(check, at, context, key):
    return along_not_fixed(check, context, key) or trend_problems(check.get("first_trend"), check, context, key)


def describe_peaks(entry):
    before = f", the first before the maximum of {entry['first_before']}" if "first_before" in entry else ""
    if "first_trend" in entry:
        before += (f", the first moving {entry['first_trend'].get('direction', 'increasing')} "
                   f"with {entry['first_trend']['across']}")
    ours = "; ".join(f"{k}: {', '.join(text(v) for v in p['locations'])}" for k, p in entry["peaks"].items())
    return f"{entry['count']} interior local maxima along {entry['along']}{before}", ours, "-"


PEAKS = CheckKind(
    name="peaks",
    summary="every curve has 'count' interior local maxima along 'along'",
    run=run_peaks, describe=describe_peaks,
    needs=frozenset({"along", "count"}), takes=frozenset({"first_before", "first_trend"}),
    validate=_validate_peaks,
)


# crossings --------------------------------------------------------------------------------------

def run_crossings(ds, spec, check, tol=1e-4):
    """How many pairs of curves (values of ``across``) cross along ``along`` (analytic).

    A pair crosses when the difference of the two curves exceeds ``tol`` with both signs
    somewhere along ``along``.
    """
    along, across = check["along"], check["across"]
    curves = ds[check["metric"]].transpose(across, ..., along).values
    labels = [label(spec, {across: float(v)}) for v in ds[across].values]
    crossing = []
    for i in range(len(labels)):
        for j in range(i + 1, len(labels)):
            diff = curves[i] - curves[j]
            if (diff > tol).any() and (diff < -tol).any():
                crossing.append(f"{labels[i]} / {labels[j]}")
    n_pairs = len(labels) * (len(labels) - 1) // 2
    low, high = check["pairs"]
    return {"crossing_pairs": len(crossing), "of_pairs": n_pairs, "pairs_crossing": crossing,
            "passed": bool(low <= len(crossing) <= high)}


def _validate_crossings(check, at, context, key):
    if check["across"] not in context.sizes or check["across"] == check["along"]:
        return [f"{context.where(key + '.across')}: must be another grid dimension than 'along'"]
    return whole_grid(check, context, key, "the whole grid")


def describe_crossings(entry):
    return (f"{entry['pairs'][0]}-{entry['pairs'][1]} pairs of {entry['across']} curves cross along {entry['along']}",
            f"{entry['crossing_pairs']} of {entry['of_pairs']} pairs cross", "-")


CROSSINGS = CheckKind(
    name="crossings",
    summary="the number of pairs of curves (values of 'across') that cross along 'along' lies in 'pairs'",
    run=run_crossings, describe=describe_crossings,
    needs=frozenset({"along", "across", "pairs"}),
    validate=_validate_crossings,
)

KINDS = (MONOTONE, EXTREMUM, PEAKS, CROSSINGS)
