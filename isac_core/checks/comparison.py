"""Checks that compare a metric with another or with itself: a difference within bounds, no
change across a dimension."""

from __future__ import annotations

import numpy as np

from .. import stats
from .curves import label, point, values, within
from .kind import CheckKind, bounds_in_order, interval, text, whole_grid

__all__ = ["KINDS"]


# difference -------------------------------------------------------------------------------------

_STATISTICS = {"max": np.max, "min": np.min, "max_abs": lambda v: np.max(np.abs(v))}


def run_difference(ds, spec, check):
    """A statistic of the metric minus another (``minus``), or of the metric itself, within bounds.

    ``relative: true`` divides by the subtracted metric ((a - b) / b, the relative error of
    a). ``statistic``: ``max``, ``min`` or ``max_abs`` of the difference, or its ``spread``
    (max - min), must lie in ``bounds``; with ``range`` every difference must. ``at`` and
    ``within`` restrict the grid first.
    """
    sub = point(ds, check["at"]) if check.get("at") else ds
    sub = within(sub, check.get("within", {}))
    a = values(sub, check["metric"], check.get("show", "analytic"))
    if "minus" in check:
        b = values(sub, check["minus"]["metric"], check["minus"].get("show", "analytic"))
        diff = (a - b) / b if check.get("relative") else a - b
    else:  # a statistic of the metric itself
        diff = a
    finite = diff.values[np.isfinite(diff.values)]
    if finite.size == 0:
        return {"value": None, "passed": False, "note": "no point where both values exist"}
    lo, hi = check["bounds"]
    stat = check["statistic"]
    if stat == "range":
        low, high = float(finite.min()), float(finite.max())
        return {"min": low, "max": high, "n_points": int(finite.size),
                "passed": bool(lo <= low and high <= hi)}
    if stat == "spread":
        value = float(finite.max() - finite.min())
        return {"value": value, "n_points": int(finite.size), "passed": bool(lo <= value <= hi)}
    value = float(_STATISTICS[stat](finite))
    where = np.unravel_index(int(np.nanargmax(np.abs(diff.values) if stat == "max_abs" else
                                              (diff.values if stat == "max" else -diff.values))), diff.shape)
    location = {d: float(diff[d].values[i]) for d, i in zip(diff.dims, where, strict=True)}
    return {"value": value, "n_points": int(finite.size), "where": label(spec, location),
            "passed": bool(lo <= value <= hi)}


def _validate_difference(check, at, context, key):
    if check.get("relative") and "minus" not in check:
        return [f"{context.where(key + '.relative')}: needs 'minus' (relative to which metric?)"]
    return bounds_in_order(check, context, key)


def describe_difference(entry):
    rel = "relative " if entry.get("relative") else ""
    what = f"{entry['statistic']} of {rel}{entry['metric']} ({entry.get('show', 'analytic')})"
    if "minus" in entry:
        what += f" − {entry['minus']['metric']} ({entry['minus'].get('show', 'analytic')})"
    if entry.get("statistic") == "range" and "min" in entry:
        ours = f"{text(entry['min'])} to {text(entry['max'])}"
    else:
        ours = text(entry.get("value")) + (f" at {entry['where']}" if entry.get("where") else "")
    return f"{what} in {interval(entry['bounds'])}", ours, "-"


DIFFERENCE = CheckKind(
    name="difference",
    summary="a statistic (max, min, max_abs, spread or range) of the metric minus another metric ('minus') "
            "over the grid, or over the curve fixed by 'at', must lie within 'bounds'",
    run=run_difference, describe=describe_difference,
    needs=frozenset({"statistic", "bounds"}), takes=frozenset({"show", "minus", "relative", "within"}),
    statistics=("max", "min", "max_abs", "range", "spread"),
    validate=_validate_difference,
)


# invariance -------------------------------------------------------------------------------------

def run_invariance(ds, spec, check):
    """The metric does not change across a dimension (``across``).

    Analytic values: their spread across the dimension is at most ``tolerance``. Monte
    Carlo estimates: every pair along the dimension differs by at most the Bonferroni z
    (over the pairs tested) times the standard error of the difference. Both are tested
    unless ``show`` names one.
    """
    metric, across = check["metric"], check["across"]
    show = check.get("show")  # analytic, mc, or (absent) both
    out = {"passed": True}
    if metric in ds and show != "mc":
        da = ds[metric]
        spread = float((da.max(across) - da.min(across)).max())
        out.update({"analytic_spread": spread, "passed": bool(spread <= check["tolerance"])})
    if show == "mc" and not (f"{metric}_mc" in ds and bool((ds["n_mc"] > 0).any())):
        return {"passed": False, "note": "no Monte Carlo markers to compare"}
    if f"{metric}_mc" in ds and bool((ds["n_mc"] > 0).any()) and show != "analytic":
        mc = ds[f"{metric}_mc"].where(ds["n_mc"] > 0).transpose(across, ...).values
        se = ds[f"{metric}_mc_se"].where(ds["n_mc"] > 0).transpose(across, ...).values
        k = mc.shape[0]
        pairs = [(i, j) for i in range(k) for j in range(i + 1, k)]
        diffs = np.stack([np.abs(mc[i] - mc[j]) for i, j in pairs])
        sds = np.stack([np.hypot(se[i], se[j]) for i, j in pairs])
        ok = np.isfinite(diffs)
        n_tests = int(ok.sum())
        z = stats.bonferroni_z(n_tests)
        with np.errstate(divide="ignore", invalid="ignore"):
            zs = np.where(diffs[ok] == 0, 0.0, diffs[ok] / sds[ok])
        out.update({"mc_max_abs_diff": float(diffs[ok].max()), "mc_max_z": float(zs.max()),
                    "mc_z_tolerance": float(z), "mc_pairs_tested": n_tests})
        out["passed"] = bool(out["passed"] and zs.max() <= z)
    return out


def _validate_invariance(check, at, context, key):
    across = check["across"]
    if across not in context.sizes:
        return [f"{context.where(key + '.across')}: {across!r} is not a grid dimension; "
                f"dims: {', '.join(context.sizes)}"]
    if context.sizes[across] < 2:
        return [f"{context.where(key + '.across')}: {across!r} has a single value; nothing to compare"]
    return whole_grid(check, context, key, "the whole grid")


def describe_invariance(entry):
    tolerance = (f"MC pairwise ≤ z·SE (the analytic kernel does not read {entry['across']})"
                 if entry.get("show") == "mc" else f"analytic spread ≤ {entry['tolerance']:g}; MC pairwise ≤ z·SE")
    parts = []
    if "analytic_spread" in entry:
        parts.append(f"analytic spread {entry['analytic_spread']:.1e}")
    if "mc_max_z" in entry:
        parts.append(f"MC max |Δ| {entry['mc_max_abs_diff']:.4f} = {entry['mc_max_z']:.2f} SE "
                     f"(z ≤ {entry['mc_z_tolerance']:.2f}, {entry['mc_pairs_tested']} pairs)")
    return f"no change across {entry['across']}", "; ".join(parts), tolerance


INVARIANCE = CheckKind(
    name="invariance",
    summary="the metric does not change across a dimension ('across'): analytic values agree to "
            "'tolerance' and Monte Carlo estimates pairwise within their standard errors",
    run=run_invariance, describe=describe_invariance,
    needs=frozenset({"across", "tolerance"}), takes=frozenset({"show"}),
    default_show="mc",
    validate=_validate_invariance,
)

KINDS = (DIFFERENCE, INVARIANCE)
