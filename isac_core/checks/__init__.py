"""Verdicts for a figure: analytic vs Monte Carlo, and against the paper's numbers.

``check_figure`` returns a JSON-able dict with

``agreement``
    one entry per (metric, curve): markers, ``max |analytic - MC|``,
    ``max |analytic - MC| / SE``, the tolerance and why (see :mod:`isac_core.stats`);
``checks``
    the figure's configured checks, each run by its kind (:data:`KINDS`):
    numbers a paper quotes (``value``, ``crossing``, ``reference``; module
    :mod:`~isac_core.checks.quoted`), a curve's shape (``monotone``, ``extremum``,
    ``peaks``, ``crossings``; :mod:`~isac_core.checks.shape`), how a metric scales
    (``slope``, ``fit``, ``optimum_ratio``; :mod:`~isac_core.checks.scaling`) and
    comparisons (``difference``, ``invariance``; :mod:`~isac_core.checks.comparison`).
    Each has ``role``: "calibrated to" when a reconstructed parameter
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

import xarray as xr

from ..figure_spec import FigureSpec
from ..units import format_quantity
from . import comparison, quoted, scaling, shape
from .agreement import agreement, completeness
from .curves import label
from .kind import CheckKind

__all__ = ["check_figure", "agreement", "completeness", "KINDS", "CheckKind"]

#: Every check kind by name: what it needs and takes, how it runs, how the report shows it.
KINDS: dict[str, CheckKind] = {kind.name: kind for module in (quoted, shape, scaling, comparison)
                               for kind in module.KINDS}


def check_figure(ds: xr.Dataset, spec: FigureSpec) -> dict:
    """Full verdict of a figure (see module docstring)."""
    agree = agreement(ds, spec)
    checks = []
    for check in spec.checks:
        result = KINDS[check["kind"]].run(ds, spec, check)
        entry = {k: v for k, v in check.items() if k != "at"}
        entry["at"] = label(spec, check["at"]) if check.get("at") else "every curve"
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
