"""Every check kind can fail: each passes on a dataset and fails on the same dataset perturbed.

The toy model of tests/unit/toy.py: ``p_exceed = exp(-t / scale)`` (analytic and Monte Carlo),
``p_markov = min(1, scale / t)``, over scale in {1, 2} and t in {0.5, 1, ..., 3}.
"""

from __future__ import annotations

import numpy as np
import pytest
import xarray as xr

from isac_core.checks import KINDS, check_figure
from tests.unit.test_checks import _with, fig1  # noqa: F401 - the fixture

LN2 = float(np.log(2.0))


def _reverse_t(da):
    return da.copy(data=da.values[..., ::-1])


def _same_across_scale(ds):
    """p_exceed (analytic and Monte Carlo) made equal at both scales."""
    out = ds.copy()
    for name in ("p_exceed", "p_exceed_mc", "p_exceed_mc_se"):
        first = ds[name].isel(scale=0)
        out[name] = first.expand_dims(scale=ds["scale"].values).transpose(*ds[name].dims)
    return out


def _two_peaks(ds):
    rows = np.array([[0, 2, 1, 1, 3, 0], [0, 1, 0, 2, 2, 1]], float)
    return ds.assign(p_exceed=ds["p_exceed"].copy(data=rows))


# kind -> (check, dataset it passes on, perturbation that must make it fail)
CASES = {
    "value": ({"kind": "value", "metric": "p_exceed", "at": {"scale": 2.0, "t": 1.0},
               "expected": float(np.exp(-0.5)), "tolerance": 1e-9},
              None, lambda ds: ds.assign(p_exceed=ds["p_exceed"] + 1e-3)),
    "crossing": ({"kind": "crossing", "metric": "p_exceed", "along": "t", "level": 0.5, "at": {"scale": 2.0},
                  "expected": 2 * LN2, "tolerance": 1e-6},
                 None, lambda ds: ds.assign(p_exceed=ds["p_exceed"] * 0.1)),
    "monotone": ({"kind": "monotone", "metric": "p_exceed", "along": "t", "direction": "decreasing", "at": {}},
                 None, lambda ds: ds.assign(p_exceed=_reverse_t(ds["p_exceed"]))),
    "difference": ({"kind": "difference", "metric": "p_markov", "minus": {"metric": "p_exceed"},
                    "statistic": "max", "bounds": [0, 1], "at": {}},
                   None, lambda ds: ds.assign(p_markov=ds["p_markov"] + 2)),
    "invariance": ({"kind": "invariance", "metric": "p_exceed", "across": "scale", "tolerance": 1e-12, "at": {}},
                   _same_across_scale,
                   lambda ds: ds.assign(p_exceed_mc=ds["p_exceed_mc"] + xr.DataArray([0.0, 0.2], dims="scale"))),
    "extremum": ({"kind": "extremum", "metric": "p_exceed", "along": "t", "extremum": "max", "location": [0.5, 0.5],
                  "at": {}},
                 None, lambda ds: ds.assign(p_exceed=_reverse_t(ds["p_exceed"]))),
    "peaks": ({"kind": "peaks", "metric": "p_exceed", "along": "t", "count": 2, "at": {}},
              _two_peaks, lambda ds: ds.assign(p_exceed=ds["p_exceed"].cumsum("t"))),
    "crossings": ({"kind": "crossings", "metric": "p_exceed", "along": "t", "across": "scale", "pairs": [0, 0]},
                  None, lambda ds: ds.assign(p_exceed=ds["p_exceed"].copy(
                      data=np.array([[0, 1, 2, 3, 4, 5], [5, 4, 3, 2, 1, 0]], float)))),
    "optimum_ratio": ({"kind": "optimum_ratio", "metric": "p_exceed", "over": {"metric": "p_markov"},
                       "extremum": "min", "along": "t", "bounds": [0, 1], "at": {}},
                      None, lambda ds: ds.assign(p_exceed=ds["p_exceed"] * 100)),
    "slope": ({"kind": "slope", "metric": "p_exceed", "along": "t", "x_scale": "linear",
               "bounds": [-1.0001, -0.4999], "at": {}},
              None, lambda ds: ds.assign(p_exceed=ds["p_exceed"] ** 2)),
    "fit": ({"kind": "fit", "metric": "p_exceed", "along": "t", "law": "exponential", "bounds": [0, 1e-9],
             "positive": True, "at": {}},
            None, lambda ds: ds.assign(p_exceed=ds["p_exceed"] * (1 + 0.01 * np.sin(ds["t"])))),
    "reference": ({"kind": "reference", "metric": "p_exceed", "along": "t", "at": {"scale": 2.0},
                   "points": [(1.0, float(np.exp(-0.5))), (2.0, float(np.exp(-1.0)))], "relative_tolerance": 1e-9},
                  None, lambda ds: ds.assign(p_exceed=ds["p_exceed"] * 1.01)),
}


def test_every_check_kind_has_a_case():
    assert set(CASES) == set(KINDS)


@pytest.mark.parametrize("kind", sorted(CASES))
def test_a_check_passes_then_fails_on_a_perturbed_dataset(fig1, kind):  # noqa: F811 - the fixture
    spec, ds = fig1
    check, prepare, perturb = CASES[kind]
    ds = prepare(ds) if prepare else ds
    spec = _with(spec, checks=(check,))
    assert check_figure(ds, spec)["checks"][0]["passed"], f"{kind} fails on the unperturbed dataset"
    verdict = check_figure(perturb(ds), spec)
    assert not verdict["checks"][0]["passed"] and not verdict["passed"], f"{kind} passes on a perturbed dataset"


def test_agreement_fails_on_a_shifted_monte_carlo(fig1):  # noqa: F811 - the fixture
    spec, ds = fig1
    spec = _with(spec, checks=())
    assert all(a["passed"] for a in check_figure(ds, spec)["agreement"])
    shifted = ds.assign(p_exceed_mc=ds["p_exceed_mc"] + 0.05)  # >= 6.3 SE: SE <= sqrt(0.25 / 4000) = 0.0079
    verdict = check_figure(shifted, spec)
    assert not verdict["passed"] and not all(a["passed"] for a in verdict["agreement"])


def test_a_per_curve_allowance_is_applied_to_its_curve_only(fig1):  # noqa: F811 - the fixture
    spec, ds = fig1
    shifted = ds.assign(p_exceed_mc=ds["p_exceed_mc"] + 0.04)  # >= 5 SE (SE <= 0.0079 at 4000 trials)
    loose = {"p_exceed": {"allowance": 0.05, "why": "test"}}
    tight = {"p_exceed": {"allowance": 0.05, "why": "test",
                          "curves": [{"at": 2.0, "allowance": 0.0, "why": "this curve is exact"}]}}
    by_curve = {a["curve"]: a for a in check_figure(shifted, _with(spec, checks=(), agreement=loose))["agreement"]}
    assert all(a["passed"] for a in by_curve.values())
    by_curve = {a["curve"]: a for a in check_figure(shifted, _with(spec, checks=(), agreement=tight))["agreement"]}
    assert by_curve["scale = 1 m"]["passed"] and not by_curve["scale = 2 m"]["passed"]
    assert "this curve is exact" in by_curve["scale = 2 m"]["why"]


def test_a_per_curve_allowance_must_name_a_curve(monkeypatch, tmp_path):
    from isac_core.config import ConfigError
    from tests.unit.test_checks import BASE, _load

    text = BASE.replace("    mc: {n_trials: 4000, batch_size: 1000}\n", """    mc: {n_trials: 4000, batch_size: 1000}
    agreement:
      p_exceed:
        allowance: 0.01
        why: test
        curves: [{at: 3, allowance: 0, why: test}]
""")
    with pytest.raises(ConfigError, match=r"key 'agreement.p_exceed.curves.0.at': 3 is not a curve of the figure"):
        _load(monkeypatch, tmp_path, text)


def test_agreement_against_an_exact_evaluation_tests_the_named_metric(fig1):  # noqa: F811 - the fixture
    # p_markov (the Markov bound) stands in for the named "exact" metric: the Monte Carlo of
    # p_exceed is tested against its values, with no allowance, so the test fails ...
    spec, ds = fig1
    spec = _with(spec, checks=(), agreement={"p_exceed": {"exact": "p_markov", "why": "test"}})
    verdict = check_figure(ds, spec)
    assert not verdict["passed"]
    assert {a["analytic"] for a in verdict["agreement"]} == {"p_markov"}
    assert all(a["approx_tolerance"] == 0.0 for a in verdict["agreement"])
    assert "p_markov, an exact numerical evaluation" in verdict["agreement"][0]["why"]
    # ... and passes once the named metric holds the simulated quantity's true value
    verdict = check_figure(ds.assign(p_markov=ds["p_exceed"]), spec)
    assert verdict["passed"] and all(a["passed"] for a in verdict["agreement"])


@pytest.mark.parametrize(("entry", "message"), [
    ("{exact: p_exceed_sim, why: test}", "'p_exceed_sim' is not an analytic metric of the figure"),
    ("{exact: nowhere, why: test}", "'nowhere' is not an analytic metric of the figure"),
    ("{exact: p_markov, allowance: 0.01, why: test}", "a test against an exact evaluation takes no allowance"),
])
def test_an_exact_reference_must_be_an_analytic_metric_without_allowance(monkeypatch, tmp_path, entry, message):
    from isac_core.config import ConfigError
    from tests.unit.test_checks import BASE, _load

    text = BASE.replace("    mc: {n_trials: 4000, batch_size: 1000}\n",
                        f"    mc: {{n_trials: 4000, batch_size: 1000}}\n    agreement:\n      p_exceed: {entry}\n")
    with pytest.raises(ConfigError, match=rf"key 'agreement.p_exceed.exact': {message}"):
        _load(monkeypatch, tmp_path, text)
