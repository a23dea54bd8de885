"""Verdicts for a figure: analytic vs Monte Carlo, and against the paper's numbers.

``check_figure`` returns a JSON-able dict with

``agreement``
    one entry per (metric, curve): markers, ``max |analytic - MC|``,
    ``max |analytic - MC| / SE``, the tolerance and why (see :mod:`isac_core.stats`);
``checks``
    the figure's configured checks: ``value`` (a quoted number at a grid point,
    with our analytic and Monte Carlo values beside it), ``crossing`` (where a
    curve crosses a level, located by root finding on the analytic kernel),
    ``monotone``, ``difference`` (a statistic of one metric minus another, e.g.
    a Kolmogorov--Smirnov distance or the excess of a paper's printed formula,
    within bounds) and ``invariance`` (a metric does not change across a
    dimension: analytic values to a tolerance, Monte Carlo estimates pairwise
    within their standard errors), ``extremum``, ``peaks``, ``crossings``,
    ``optimum_ratio``, ``slope``, ``fit`` (a model's closed-form law fitted to the
    metric, with its residual) and ``reference`` (the metric against a table of
    reference values). Each has ``role``: "calibrated to" when a reconstructed parameter
    was fitted to its number (``calibrates`` names it; the check then cannot tell anything
    about the model), else "predicted";
``completeness``
    whether the dataset holds what the configuration asks for: the configured
    number of trials at every configured Monte Carlo marker (and at no other
    point), a finite estimate at each, and at least one agreement test when the
    figure has markers of a metric with both an analytic and a simulated result;
``warnings``
    analytic probabilities that left [0, 1] by more than rounding and were clipped;
``passed``
    whether everything passed.
"""

from __future__ import annotations

import numpy as np
import xarray as xr

from . import stats
from .config import FigureSpec
from .expressions import resolve_derived
from .grid import mc_mask, state_points
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
    """Analytic vs Monte Carlo per metric and curve, at a figure-wide Bonferroni level.

    The Monte Carlo estimate ``<metric>_mc`` is compared with the analytic values of
    the metric itself or, where the figure names one (``agreement.<metric>.exact``),
    with those of an exact numerical evaluation of the same quantity.
    """
    model = spec.model
    tested = [m for m in spec.metrics
              if model.metrics[m].analytic is not None and model.metrics[m].simulate is not None]
    n_markers = int((ds["n_mc"].values > 0).sum()) * len(tested)
    z = stats.bonferroni_z(n_markers)
    out = []
    for metric in tested:
        kind = model.metrics[metric].kind
        allowance = spec.agreement.get(metric, {})
        approx = float(allowance.get("allowance", 0.0))
        relative = float(allowance.get("relative", 0.0))
        if relative:
            stated = f"{approx:g} + {relative:g} |analytic|" if approx else f"{relative:g} |analytic|"
        else:
            stated = f"{approx:g}"
        if kind == "probability" and approx == 0.0 and relative == 0.0:
            test = "exact two-sided binomial test of the success count under the analytic value"
            tolerance = (f"p-value >= {stats.FAMILY_ALPHA:g}/{n_markers} "
                         f"(about |analytic - MC| <= {z:.2f} SE)")
        else:
            test = {"probability": "normal test with the binomial standard error",
                    "mean": "normal test with the sample standard error",
                    "median": "normal test with the order-statistic standard error of the median"}[kind]
            tolerance = (f"|analytic - MC| <= {stated} + {z:.2f} SE" if approx or relative
                         else f"|analytic - MC| <= {z:.2f} SE")
        exact = allowance.get("exact")
        if exact:
            basis = (f"the paper's formula for {metric} is an approximation, so the Monte Carlo is tested against "
                     f"{exact}, an exact numerical evaluation of the same quantity, with no allowance "
                     f"({allowance['why']})")
        elif approx or relative:
            basis = f"the analytic result is an approximation: allowance {stated} ({allowance['why']})"
        else:
            basis = "the analytic result is exact for the simulated model, so no approximation allowance is added"
        for at, sub in _curves(ds, spec):
            # the metric's own trial counts where they were chosen per marker (mc.precision)
            counts = sub[f"{metric}_mc_n" if f"{metric}_mc_n" in sub else "n_mc"].values
            mk = counts > 0  # a marker without trials is a completeness failure, not a test
            if not mk.any():
                continue
            analytic = sub[exact or metric].values[mk]
            curve = _curve_allowance(allowance, at)
            absolute = approx if curve is None else curve["allowance"]
            trials = counts[mk]
            res = stats.agreement(analytic, sub[f"{metric}_mc"].values[mk], trials, kind=kind,
                                  approx=absolute + relative * np.abs(analytic),
                                  mc_se=sub[f"{metric}_mc_se"].values[mk], z=z, n_family=n_markers)
            res.update({
                "metric": metric,
                "analytic": exact or metric,
                "curve": _label(spec, at),
                "tolerance": tolerance if curve is None else f"|analytic - MC| <= {curve['allowance']:g} + {z:.2f} SE",
                "why": (f"{test}; the level keeps the family-wise false-alarm rate at "
                        f"{stats.FAMILY_ALPHA:.0%} over the figure's {n_markers} markers (Bonferroni); "
                        f"SE is the standard error under the analytic value; "
                        + (basis if curve is None else f"on this curve the allowance is {curve['allowance']:g} "
                           f"({curve['why']})")),
            })
            out.append(res)
    return out


def completeness(ds: xr.Dataset, spec: FigureSpec, agree: list[dict]) -> dict:
    """Does the dataset hold every Monte Carlo marker the configuration asks for?

    A dataset assembled from damaged or foreign chunks reads as ``n_mc = 0`` or NaN
    estimates; without this check such a figure would pass with no agreement test.
    """
    expected = mc_mask(spec, state_points(spec)).reshape(spec.shape)
    n_mc = ds["n_mc"].values
    trials = int(spec.n_trials) if spec.mc_enabled else 0
    metrics = spec.model.metrics
    simulated = [m for m in spec.metrics if metrics[m].simulate is not None]
    short = {}
    if spec.precision and spec.mc_enabled:
        # trials chosen per marker and metric: between one batch and the cap, none off the markers
        counts = [ds[f"{m}_mc_n"].values if f"{m}_mc_n" in ds else np.zeros_like(n_mc) for m in simulated]
        wrong_count = int(sum(np.sum(expected & ((c < 1) | (c > trials))) + np.sum(~expected & (c != 0))
                              for c in counts))
        for m, c in zip(simulated, counts, strict=True):
            met = stats.precision_met(ds[f"{m}_mc"].values, ds[f"{m}_mc_se"].values,
                                      absolute=spec.precision.get("absolute", 0.0),
                                      relative=spec.precision.get("relative", 0.0))
            k = int(np.sum(expected & (c == trials) & ~met))
            if k:
                short[m] = k
    else:
        wrong_count = int(np.sum(expected & (n_mc != trials)) + np.sum(~expected & (n_mc != 0)))
    nan = {m: int(np.sum(expected & np.isnan(ds[f"{m}_mc"].values))) for m in simulated}
    # a model may declare where its kernel has no estimate on purpose (an infinite mean, say)
    no_estimate = {m: k for m, k in nan.items() if k and not metrics[m].undefined_when}
    undefined = {m: {"markers": k, "why": metrics[m].undefined_when} for m, k in nan.items()
                 if k and metrics[m].undefined_when}
    tested = [m for m in simulated if metrics[m].analytic is not None]
    needs_test = bool(expected.any() and tested)
    out = {"expected_markers": int(expected.sum()), "trials_per_marker": trials,
           "markers_with_other_trial_counts": wrong_count,
           **({"precision": spec.precision, "markers_short_of_the_precision": short} if spec.precision else {}),
           "markers_without_estimate": no_estimate, "undefined_by_the_model": undefined,
           "agreement_tests": len(agree)}
    problems = []
    if wrong_count and spec.precision:
        problems.append(f"{wrong_count} marker(s) with no trials or more than the {trials}-trial cap, or trials "
                        "off the markers")
    elif wrong_count:
        problems.append(f"{wrong_count} point(s) where n_mc differs from the configured {trials} trials "
                        "(0 off the markers)")
    if no_estimate:
        problems.append("markers without an estimate (NaN): " + ", ".join(
            f"{m}_mc at {k}" for m, k in no_estimate.items()))
    if needs_test and not agree:
        problems.append("no agreement test although the figure has Monte Carlo markers of "
                        + ", ".join(tested))
    out["passed"] = not problems
    if problems:
        out["note"] = "; ".join(problems)
    return out


def _curve_allowance(allowance, at):
    """The per-curve allowance entry for the curve ``at`` ({dim: value}), if one is configured."""
    for entry in allowance.get("curves", ()):
        if at and np.isclose(next(iter(at.values())), entry["at"], rtol=1e-12, atol=0):
            return entry
    return None


def _point(ds, at):
    return ds.sel({k: v for k, v in at.items()})


def _value_check(ds, spec, check):
    sub = _point(ds, check["at"])
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
    ds = _within(ds, check.get("within", {}))
    if check.get("show") == "mc":
        return _monotone_mc(ds, check)
    along, metric = check["along"], check["metric"]
    sign = 1.0 if check.get("direction", "increasing") == "increasing" else -1.0
    da = ds[metric].transpose(..., along).values
    if np.isnan(da).any():
        return {"worst_violation": None, "passed": False, "note": "NaN values on a curve"}
    steps = sign * np.diff(da, axis=-1)
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
    sign = 1.0 if check.get("direction", "increasing") == "increasing" else -1.0
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


def _values(ds, metric, show):
    """Analytic values, or Monte Carlo estimates with NaN where there is no marker."""
    if show == "mc":
        return ds[f"{metric}_mc"].where(ds["n_mc"] > 0)
    return ds[metric]


def _within(ds, within):
    """The part of the grid whose coordinates lie in the closed ranges ``{dim: (low, high)}``."""
    for dim, (low, high) in within.items():
        values = ds[dim].values
        tol = 1e-12 * max(abs(low), abs(high), 1e-300)
        ds = ds.isel({dim: np.flatnonzero((values >= low - tol) & (values <= high + tol))})
    return ds


def _difference_check(ds, spec, check):
    sub = _point(ds, check["at"]) if check.get("at") else ds
    sub = _within(sub, check.get("within", {}))
    a = _values(sub, check["metric"], check.get("show", "analytic"))
    if "minus" in check:
        b = _values(sub, check["minus"]["metric"], check["minus"].get("show", "analytic"))
        diff = (a - b) / b if check.get("relative") else a - b
    else:  # a statistic of the metric itself
        diff = a
    values = diff.values[np.isfinite(diff.values)]
    if values.size == 0:
        return {"value": None, "passed": False, "note": "no point where both values exist"}
    lo, hi = check["bounds"]
    stat = check["statistic"]
    if stat == "range":
        low, high = float(values.min()), float(values.max())
        return {"min": low, "max": high, "n_points": int(values.size),
                "passed": bool(lo <= low and high <= hi)}
    if stat == "spread":
        value = float(values.max() - values.min())
        return {"value": value, "n_points": int(values.size), "passed": bool(lo <= value <= hi)}
    value = float({"max": np.max, "min": np.min, "max_abs": lambda v: np.max(np.abs(v))}[stat](values))
    where = np.unravel_index(int(np.nanargmax(np.abs(diff.values) if stat == "max_abs" else
                                              (diff.values if stat == "max" else -diff.values))), diff.shape)
    location = {d: float(diff[d].values[i]) for d, i in zip(diff.dims, where, strict=True)}
    return {"value": value, "n_points": int(values.size), "where": _label(spec, location),
            "passed": bool(lo <= value <= hi)}


def _invariance_check(ds, spec, check):
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


def _rows(spec, values, along):
    """Each curve of ``values`` along ``along``: (label, coordinates of the other dims, values)."""
    other = [d for d in values.dims if d != along]
    stacked = values.transpose(*other, along).values.reshape(-1, values.sizes[along])
    for idx, row in zip(np.ndindex(*[values.sizes[d] for d in other]), stacked, strict=True):
        coords = {d: float(values[d].values[i]) for d, i in zip(other, idx, strict=True)}
        yield _label(spec, coords), coords, row


def _shown(spec, dim, value):
    axis = spec.axis(dim)
    return None if value is None else float(from_canonical(value, axis.units, axis.display_units))


def _extremum_check(ds, spec, check):
    """Where each curve has its minimum or maximum along a dimension (grid or marker values).

    ``location: [low, high]`` bounds it; ``trend: {across, direction}`` requires the
    locations to move monotonically (non-strictly) with another dimension.
    """
    along = check["along"]
    sub = _point(ds, check["at"]) if check.get("at") else ds
    values = _values(sub, check["metric"], check.get("show", "analytic"))
    coords = values[along].values
    pick = np.nanargmin if check["extremum"] == "min" else np.nanargmax
    found, where, ok = {}, {}, True
    for label, at, row in _rows(spec, values, along):
        if not np.isfinite(row).any():
            found[label], ok = None, False
            continue
        found[label] = float(coords[pick(row)])
        where[label] = at
        if "location" in check:
            low, high = check["location"]
            ok &= bool(low - 1e-12 * abs(low) <= found[label] <= high + 1e-12 * abs(high))
    out = {"locations": {k: _shown(spec, along, v) for k, v in found.items()},
           "units": spec.axis(along).display_units}
    if "location" in check:
        out["location_shown"] = [_shown(spec, along, b) for b in check["location"]]
    if "trend" in check:
        trend_ok = _trend(found, where, check["trend"])
        out["trend_passed"] = trend_ok
        ok &= trend_ok
    out["passed"] = bool(ok)
    return out


def _trend(found, where, trend):
    """Locations ordered by ``trend['across']`` move in ``trend['direction']`` (ties allowed)."""
    across, sign = trend["across"], 1.0 if trend.get("direction", "increasing") == "increasing" else -1.0
    groups = {}
    for label, loc in found.items():
        if loc is None:
            return False
        key = tuple(sorted((d, v) for d, v in where[label].items() if d != across))
        groups.setdefault(key, []).append((where[label][across], loc))
    for members in groups.values():
        locs = np.array([loc for _, loc in sorted(members)])
        if np.any(sign * np.diff(locs) < 0):
            return False
    return True


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


def _peaks_check(ds, spec, check):
    """Number of interior local maxima of each analytic curve along a dimension.

    ``first_before: <metric>`` also requires the first peak to lie before the global
    maximum of that metric on the same curve; ``first_trend: {across, direction}``
    requires the first peak to move monotonically with another dimension.
    """
    along = check["along"]
    sub = _point(ds, check["at"]) if check.get("at") else ds
    coords = sub[along].values
    other = sub[check["first_before"]] if "first_before" in check else None
    peaks, ok, first, where = {}, True, {}, {}
    rows = _rows(spec, sub[check["metric"]], along)
    others = _rows(spec, other, along) if other is not None else None
    for label, at, row in rows:
        idx = _local_maxima(row) if np.isfinite(row).all() else []
        first[label], where[label] = (float(coords[idx[0]]) if idx else None), at
        entry = {"locations": [_shown(spec, along, float(coords[i])) for i in idx],
                 "values": [float(row[i]) for i in idx]}
        ok &= len(idx) == check["count"]
        if others is not None:
            _, _, ref = next(others)
            ref_at = float(coords[int(np.nanargmax(ref))])
            entry["before"] = _shown(spec, along, ref_at)
            ok &= bool(idx) and float(coords[idx[0]]) < ref_at
        peaks[label] = entry
    out = {"peaks": peaks, "units": spec.axis(along).display_units}
    if "first_trend" in check:
        out["first_trend_passed"] = _trend(first, where, check["first_trend"])
        ok &= out["first_trend_passed"]
    out["passed"] = bool(ok)
    return out


def _optimum_ratio_check(ds, spec, check):
    """Ratio of the extrema of two metrics along a dimension (each at its own optimum), per curve.

    With ``numerator_at`` the numerator is the metric at that coordinate of ``along``
    (e.g. how far a claimed optimum is from the true one).
    """
    along, pick = check["along"], (np.nanmin if check["extremum"] == "min" else np.nanmax)
    sub = _point(ds, check["at"]) if check.get("at") else ds
    top = _values(sub, check["metric"], check.get("show", "analytic"))
    over = check["over"]
    bottom = _values(sub, over["metric"], over.get("show", "analytic"))
    ratios, ok = {}, True
    coords = top[along].values
    at = check.get("numerator_at")
    for (label, _, a), (_, _, b) in zip(_rows(spec, top, along), _rows(spec, bottom, along), strict=True):
        if at is not None:  # the numerator at one coordinate instead of at its own extremum
            a = a[np.isclose(coords, at, rtol=1e-9, atol=0.0)]
        a, b = a[np.isfinite(a)], b[np.isfinite(b)]
        if not (a.size and b.size):
            ratios[label], ok = None, False
            continue
        ratios[label] = float(pick(a) / pick(b))
        ok &= bool(check["bounds"][0] <= ratios[label] <= check["bounds"][1])
    return {"ratios": ratios, "passed": bool(ok)}


_X_SCALES = {"log": np.log, "loglog": lambda x: np.log(np.log(x)), "linear": lambda x: x}


def _slope_check(ds, spec, check):
    """Least-squares slope of ln(metric) against ``x_scale`` of the dimension, per curve.

    ``x_scale``: ``log`` (a power law), ``loglog`` (powers of ``ln x``, e.g. a
    ``1/ln^2 N`` law has slope -2) or ``linear``; ``within`` restricts the range.
    """
    along = check["along"]
    sub = _point(ds, check["at"]) if check.get("at") else ds
    sub = _within(sub, check.get("within", {}))
    values = _values(sub, check["metric"], check.get("show", "analytic"))
    x_all = _X_SCALES[check.get("x_scale", "log")](np.asarray(values[along].values, float))
    slopes, ok = {}, True
    for label, _, row in _rows(spec, values, along):
        keep = np.isfinite(row) & (row > 0)
        if keep.sum() < 2:
            slopes[label], ok = None, False
            continue
        slopes[label] = float(np.polyfit(x_all[keep], np.log(row[keep]), 1)[0])
        ok &= bool(check["bounds"][0] <= slopes[label] <= check["bounds"][1])
    return {"slopes": slopes, "passed": bool(ok)}


def _crossings_check(ds, spec, check, tol=1e-4):
    """How many pairs of curves (values of ``across``) cross along ``along`` (analytic).

    A pair crosses when the difference of the two curves exceeds ``tol`` with both signs
    somewhere along ``along``.
    """
    along, across = check["along"], check["across"]
    values = ds[check["metric"]].transpose(across, ..., along).values
    labels = [_label(spec, {across: float(v)}) for v in ds[across].values]
    crossing = []
    for i in range(len(labels)):
        for j in range(i + 1, len(labels)):
            diff = values[i] - values[j]
            if (diff > tol).any() and (diff < -tol).any():
                crossing.append(f"{labels[i]} / {labels[j]}")
    n_pairs = len(labels) * (len(labels) - 1) // 2
    low, high = check["pairs"]
    return {"crossing_pairs": len(crossing), "of_pairs": n_pairs, "pairs_crossing": crossing,
            "passed": bool(low <= len(crossing) <= high)}


def _fit_check(ds, spec, check):
    """A model's closed-form law fitted to a metric along a dimension, per curve.

    The law (``Model.laws[check["law"]]``) is fitted by its own least-squares rule; the
    residual statistic is ``max_abs`` (default: ``max |y / fit - 1|``) or ``ratio``
    (``max(y / fit) / min(y / fit)``, e.g. the spread of ``CRLB ln^2 N``) and must lie in
    ``bounds``; ``positive: true`` also requires every fitted coefficient to be > 0.
    """
    law = spec.model.laws[check["law"]]
    along = check["along"]
    sub = _point(ds, check["at"]) if check.get("at") else ds
    sub = _within(sub, check.get("within", {}))
    values = _values(sub, check["metric"], check.get("show", "analytic"))
    x_all = np.asarray(values[along].values, float)
    statistic = check.get("statistic", "max_abs")
    fits, ok = {}, True
    for label, _, row in _rows(spec, values, along):
        keep = np.isfinite(row) & (row > 0)
        if keep.sum() < len(law.coefficients) + 1:
            fits[label], ok = None, False
            continue
        coefficients = law.fit(x_all[keep], row[keep])
        ratio = row[keep] / law.evaluate(x_all[keep], *coefficients)
        value = float(np.max(np.abs(ratio - 1.0))) if statistic == "max_abs" else float(ratio.max() / ratio.min())
        fits[label] = {"coefficients": dict(zip(law.coefficients, map(float, coefficients), strict=True)),
                       statistic: value, "points": int(keep.sum())}
        ok &= bool(check["bounds"][0] <= value <= check["bounds"][1])
        if check.get("positive"):
            ok &= bool(all(c > 0 for c in coefficients))
    return {"law": law.formula, "fits": fits, "passed": bool(ok)}


def _reference_check(ds, spec, check):
    """A metric against a table of reference values along one dimension.

    Every listed point must lie within ``relative_tolerance`` (a fraction) of its
    reference value; a point without a finite value fails.
    """
    along = check["along"]
    sub = _point(ds, check["at"]) if check.get("at") else ds
    values = _values(sub, check["metric"], check.get("show", "analytic"))
    extra = [d for d in values.dims if d != along]
    if extra:
        raise ValueError(f"reference check on {check['metric']!r} does not fix dims {extra}")
    rows, worst, ok = [], 0.0, True
    for x, expected in check["points"]:
        ours = float(values.sel({along: x}))
        deviation = ours / expected - 1.0 if np.isfinite(ours) else None
        rows.append({"at": _label(spec, {along: x}), "expected": expected, "ours": ours, "relative": deviation})
        if deviation is None:
            ok = False
            continue
        worst = max(worst, abs(deviation))
        ok &= bool(abs(deviation) <= check["relative_tolerance"])
    return {"points": rows, "worst_relative": worst, "passed": bool(ok)}


_CHECKS = {"value": _value_check, "crossing": _crossing_check, "monotone": _monotone_check,
           "difference": _difference_check, "invariance": _invariance_check, "extremum": _extremum_check,
           "peaks": _peaks_check, "crossings": _crossings_check, "optimum_ratio": _optimum_ratio_check,
           "slope": _slope_check, "fit": _fit_check, "reference": _reference_check}


def check_figure(ds: xr.Dataset, spec: FigureSpec) -> dict:
    """Full verdict of a figure (see module docstring)."""
    agree = agreement(ds, spec)
    checks = []
    for check in spec.checks:
        result = _CHECKS[check["kind"]](ds, spec, check)
        entry = {k: v for k, v in check.items() if k != "at"}
        entry["at"] = _label(spec, check["at"]) if check.get("at") else "every curve"
        if check.get("within"):
            ranges = []
            for d, (low, high) in check["within"].items():
                axis = spec.axis(d)
                low_s, high_s = (format_quantity(b, axis.units, axis.display_units, digits=6) for b in (low, high))
                ranges.append(f"{d} from {low_s} to {high_s}")
            entry["within"] = "; ".join(ranges)
            entry["at"] = ("" if entry["at"] == "every curve" else entry["at"] + "; ") + entry["within"]
        entry.update(result)
        # a number a reconstructed parameter was fitted to holds by construction: say so
        entry["role"] = "calibrated to" if check.get("calibrates") else "predicted"
        checks.append(entry)
    complete = completeness(ds, spec, agree)
    passed = complete["passed"] and all(a["passed"] for a in agree) and all(c["passed"] for c in checks)
    return {
        "figure": spec.name,
        "title": spec.title,
        "passed": passed,
        # analytic probabilities clipped into [0, 1] (isac_core.io.unit_interval)
        "warnings": [v.attrs["out_of_range"] for v in ds.data_vars.values() if "out_of_range" in v.attrs]
        + [f"{k} marker(s) of {m}_mc reached the {spec.n_trials}-trial cap short of the precision "
           f"({ds.attrs.get('mc_precision', '')}); their standard errors are larger"
           for m, k in complete.get("markers_short_of_the_precision", {}).items()],
        "completeness": complete,
        "agreement": agree,
        "checks": checks,
        "mc_trials_per_marker": int(spec.n_trials) if spec.mc_enabled else 0,
        "config_hash": spec.config_hash(),
        "seed": ds.attrs.get("seed"),
    }
