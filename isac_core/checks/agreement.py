"""Analytic vs Monte Carlo, and whether a dataset holds every marker its figure asks for."""

from __future__ import annotations

import numpy as np
import xarray as xr

from .. import stats
from ..figure_spec import FigureSpec
from ..grid import mc_mask, state_points
from .curves import curves, label

__all__ = ["agreement", "completeness"]


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
        for at, sub in curves(ds, spec):
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
                "curve": label(spec, at),
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
