"""Checks of how a metric scales: a slope on log axes, a model's closed-form law fitted to it,
the ratio of two metrics' optima."""

from __future__ import annotations

import numpy as np

from .curves import point, rows, values, within
from .kind import CheckKind, along_not_fixed, bounds_in_order, interval, per_curve, text

__all__ = ["KINDS"]


def _validate_bounds_along(check, at, context, key):
    return along_not_fixed(check, context, key) or bounds_in_order(check, context, key)


# optimum_ratio ----------------------------------------------------------------------------------

def run_optimum_ratio(ds, spec, check):
    """Ratio of the extrema of two metrics along a dimension (each at its own optimum), per curve.

    With ``numerator_at`` the numerator is the metric at that coordinate of ``along``
    (e.g. how far a claimed optimum is from the true one).
    """
    along, pick = check["along"], (np.nanmin if check["extremum"] == "min" else np.nanmax)
    sub = point(ds, check["at"]) if check.get("at") else ds
    top = values(sub, check["metric"], check.get("show", "analytic"))
    over = check["over"]
    bottom = values(sub, over["metric"], over.get("show", "analytic"))
    ratios, ok = {}, True
    coords = top[along].values
    at = check.get("numerator_at")
    for (name, _, a), (_, _, b) in zip(rows(spec, top, along), rows(spec, bottom, along), strict=True):
        if at is not None:  # the numerator at one coordinate instead of at its own extremum
            a = a[np.isclose(coords, at, rtol=1e-9, atol=0.0)]
        a, b = a[np.isfinite(a)], b[np.isfinite(b)]
        if not (a.size and b.size):
            ratios[name], ok = None, False
            continue
        ratios[name] = float(pick(a) / pick(b))
        ok &= bool(check["bounds"][0] <= ratios[name] <= check["bounds"][1])
    return {"ratios": ratios, "passed": bool(ok)}


def _resolve_numerator_at(check, context, key, problems):
    """``numerator_at`` in canonical units of ``along``."""
    if "numerator_at" not in check or check.get("along") not in context.params:
        return check
    value = context.quantity(check["numerator_at"], context.params[check["along"]],
                             context.where(key + ".numerator_at"), problems)
    return {**check, "numerator_at": value}


def describe_optimum_ratio(entry):
    expected = (f"{entry['extremum']} of {entry['metric']} / {entry['extremum']} of {entry['over']['metric']} "
                f"along {entry['along']} in {interval(entry['bounds'])}")
    return expected, per_curve(entry["ratios"]), "-"


OPTIMUM_RATIO = CheckKind(
    name="optimum_ratio",
    summary="the extremum of a metric over the extremum of another ('over'), each along 'along', lies in "
            "'bounds'",
    run=run_optimum_ratio, describe=describe_optimum_ratio,
    needs=frozenset({"along", "over", "extremum", "bounds"}), takes=frozenset({"show", "numerator_at"}),
    resolve=_resolve_numerator_at, validate=_validate_bounds_along,
)


# slope ------------------------------------------------------------------------------------------

_X_SCALES = {"log": np.log, "loglog": lambda x: np.log(np.log(x)), "linear": lambda x: x}


def run_slope(ds, spec, check):
    """Least-squares slope of ln(metric) against ``x_scale`` of the dimension, per curve.

    ``x_scale``: ``log`` (a power law), ``loglog`` (powers of ``ln x``, e.g. a
    ``1/ln^2 N`` law has slope -2) or ``linear``; ``within`` restricts the range.
    """
    along = check["along"]
    sub = point(ds, check["at"]) if check.get("at") else ds
    sub = within(sub, check.get("within", {}))
    da = values(sub, check["metric"], check.get("show", "analytic"))
    x_all = _X_SCALES[check.get("x_scale", "log")](np.asarray(da[along].values, float))
    slopes, ok = {}, True
    for name, _, row in rows(spec, da, along):
        keep = np.isfinite(row) & (row > 0)
        if keep.sum() < 2:
            slopes[name], ok = None, False
            continue
        slopes[name] = float(np.polyfit(x_all[keep], np.log(row[keep]), 1)[0])
        ok &= bool(check["bounds"][0] <= slopes[name] <= check["bounds"][1])
    return {"slopes": slopes, "passed": bool(ok)}


def describe_slope(entry):
    expected = (f"slope of ln {entry['metric']} vs {entry.get('x_scale', 'log')} {entry['along']} "
                f"in {interval(entry['bounds'])}")
    return expected, per_curve(entry["slopes"]), "-"


SLOPE = CheckKind(
    name="slope",
    summary="the least-squares slope of ln(metric) against 'x_scale' of 'along' lies in 'bounds'",
    run=run_slope, describe=describe_slope,
    needs=frozenset({"along", "bounds"}), takes=frozenset({"show", "within", "x_scale"}),
    validate=_validate_bounds_along,
)


# fit --------------------------------------------------------------------------------------------

def run_fit(ds, spec, check):
    """A model's closed-form law fitted to a metric along a dimension, per curve.

    The law (``Model.laws[check["law"]]``) is fitted by its own least-squares rule; the
    residual statistic is ``max_abs`` (default: ``max |y / fit - 1|``) or ``ratio``
    (``max(y / fit) / min(y / fit)``, e.g. the spread of ``CRLB ln^2 N``) and must lie in
    ``bounds``; ``positive: true`` also requires every fitted coefficient to be > 0.
    """
    law = spec.model.laws[check["law"]]
    along = check["along"]
    sub = point(ds, check["at"]) if check.get("at") else ds
    sub = within(sub, check.get("within", {}))
    da = values(sub, check["metric"], check.get("show", "analytic"))
    x_all = np.asarray(da[along].values, float)
    statistic = check.get("statistic", "max_abs")
    fits, ok = {}, True
    for name, _, row in rows(spec, da, along):
        keep = np.isfinite(row) & (row > 0)
        if keep.sum() < len(law.coefficients) + 1:
            fits[name], ok = None, False
            continue
        coefficients = law.fit(x_all[keep], row[keep])
        ratio = row[keep] / law.evaluate(x_all[keep], *coefficients)
        value = float(np.max(np.abs(ratio - 1.0))) if statistic == "max_abs" else float(ratio.max() / ratio.min())
        fits[name] = {"coefficients": dict(zip(law.coefficients, map(float, coefficients), strict=True)),
                      statistic: value, "points": int(keep.sum())}
        ok &= bool(check["bounds"][0] <= value <= check["bounds"][1])
        if check.get("positive"):
            ok &= bool(all(c > 0 for c in coefficients))
    return {"law": law.formula, "fits": fits, "passed": bool(ok)}


def _resolve_law(check, context, key, problems):
    """The law must be one the model states (``Model.laws``)."""
    if "law" in check and check["law"] not in context.model.laws:  # a missing law: key_problems
        problems.append(f"{context.where(key + '.law')}: model {context.model.key!r} states no law "
                        f"{check.get('law')!r}; laws: {', '.join(context.model.laws) or 'none'}")
    return check


def describe_fit(entry):
    statistic = entry.get("statistic", "max_abs")
    what = "max |y/fit - 1|" if statistic == "max_abs" else "max(y/fit) / min(y/fit)"
    expected = (f"{entry['law']} fitted along {entry['along']}: {what} in {interval(entry['bounds'])}"
                + (", every coefficient > 0" if entry.get("positive") else ""))
    ours = "; ".join(
        f"{k}: {what} = {text(v[statistic])} ("
        + ", ".join(f"{n} = {x:.4g}" for n, x in v["coefficients"].items()) + ")"
        if v else f"{k}: too few points" for k, v in entry["fits"].items())
    return expected, ours, "-"


FIT = CheckKind(
    name="fit",
    summary="a closed-form law of the model ('law') fitted to the metric along 'along' has a residual "
            "statistic in 'bounds'",
    run=run_fit, describe=describe_fit,
    needs=frozenset({"along", "law", "bounds"}), takes=frozenset({"show", "within", "statistic", "positive"}),
    statistics=("max_abs", "ratio"),
    resolve=_resolve_law, validate=_validate_bounds_along,
)

KINDS = (OPTIMUM_RATIO, SLOPE, FIT)
