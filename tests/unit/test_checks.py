"""Engine features for figures beyond "one analytic line plus markers".

One-kernel metrics (analytic only / simulation only), several series on one axis,
approximation allowances in the analytic vs Monte Carlo test, and the
``difference`` and ``invariance`` checks, all on the toy model with known answers.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
import xarray as xr

from isac_core import stats
from isac_core.checks import check_figure
from isac_core.config import ConfigError, load_figure_file
from isac_core.io import chunk_dataset, figure_dataset
from isac_core.plotting import plot_series, render
from isac_core.provenance import kernel_digest
from isac_core.sweep import chunk_bounds, chunk_task, run_chunk
from tests.unit.toy import register

BASE = """
paper: toy
model: toy
figures:
  fig1:
    title: toy
    metrics: [p_exceed, p_markov, p_exceed_sim]
    grid:
      scale: {values: [1, 2]}
      t: {linspace: [0.5, 3, 6]}
    mc: {n_trials: 4000, batch_size: 1000}
    plot:
      x: {param: t}
      y: {metric: p_exceed}
      curves: scale
      series:
        - {metric: p_exceed, show: analytic, style: solid, label: exact}
        - {metric: p_markov, show: analytic, style: dashed, label: Markov bound}
        - {metric: p_exceed_sim, show: mc, style: solid, label: simulated}
        - {metric: p_exceed, show: mc, style: markers, label: MC}
"""


def _load(monkeypatch, tmp_path, text, key="fig1"):
    register(monkeypatch)
    path = tmp_path / "toy.yaml"
    path.write_text(text)
    return load_figure_file(path, seed=5)[key]


def _dataset(spec):
    chunks = [chunk_dataset(run_chunk(chunk_task(spec, i)), spec.name, i) for i in range(len(chunk_bounds(spec)))]
    return figure_dataset(spec, chunks, {})


def _with(spec, **checks):
    return dataclasses.replace(spec, **checks)


@pytest.fixture
def fig1(monkeypatch, tmp_path):
    spec = _load(monkeypatch, tmp_path, BASE)
    return spec, _dataset(spec)


def test_one_kernel_metrics_have_only_their_variables(fig1):
    spec, ds = fig1
    assert {"p_exceed", "p_exceed_mc", "p_exceed_mc_se"} <= set(ds.data_vars)
    assert "p_markov" in ds and "p_markov_mc" not in ds  # analytic only
    assert "p_exceed_sim_mc" in ds and "p_exceed_sim" not in ds  # simulation only
    # the simulation-only metric draws its own stream: it estimates the same probability
    diff = np.abs(ds["p_exceed_sim_mc"] - ds["p_exceed"]).max()
    se = float(ds["p_exceed_mc_se"].max())
    assert diff <= stats.bonferroni_z(ds["p_exceed"].size) * np.sqrt(2) * max(se, 1e-3)


def test_series_render_with_and_without_curves(fig1):
    spec, ds = fig1
    assert [s["metric"] for s in plot_series(spec)] == ["p_exceed", "p_markov", "p_exceed_sim", "p_exceed"]
    fig = render(ds, spec)
    ax = fig.axes[0]
    labels = [t.get_text() for t in ax.figure.legends[0].get_texts()]
    assert {"exact", "Markov bound", "simulated", "MC"} <= set(labels)



def test_series_without_curves_get_one_colour_each(monkeypatch, tmp_path):
    spec = _load(monkeypatch, tmp_path, BASE.replace("scale: {values: [1, 2]}", "scale: {values: [2]}")
                 .replace("      curves: scale\n", ""))
    ax = render(_dataset(spec), spec).axes[0]
    colours = {tuple(h.get_color()) if not isinstance(h.get_color(), str) else h.get_color()
               for h in ax.figure.legends[0].legend_handles}
    assert len(colours) == 4


TRADE_OFF = BASE.split("    plot:")[0] + """    plot:
      x: {metric: p_exceed}
      y: {metric: p_markov}
      curves: scale
      series:
        - {metric: p_markov, show: analytic, style: solid, label: bound}
        - {metric: p_exceed, x: p_exceed, show: mc, style: markers, label: diagonal (MC)}
        - {metric: p_exceed, x: p_markov, show: analytic, style: dashed, label: swapped}
"""


def test_trade_off_series_pair_their_own_x_metric(monkeypatch, tmp_path):
    spec = _load(monkeypatch, tmp_path, TRADE_OFF)
    ds = _dataset(spec)
    ax = render(ds, spec).axes[0]
    labels = [t.get_text() for t in ax.figure.legends[0].get_texts()]
    assert {"bound", "diagonal (MC)", "swapped"} <= set(labels)
    lines = [ln for ln in ax.get_lines() if ln.get_xdata().size == ds.sizes["t"]]
    curve = ds.sel(scale=1.0)
    traced = {(tuple(np.round(ln.get_xdata(), 12)), tuple(np.round(ln.get_ydata(), 12))) for ln in lines}
    assert (tuple(np.round(curve["p_exceed"].values, 12)), tuple(np.round(curve["p_markov"].values, 12))) in traced
    assert (tuple(np.round(curve["p_markov"].values, 12)), tuple(np.round(curve["p_exceed"].values, 12))) in traced


@pytest.mark.parametrize(
    "old, new, message",
    [
        ("x: p_markov, show: analytic", "x: p_exceed_sim, show: analytic", "has no analytic kernel"),
        ("x: p_exceed, show: mc", "x: mean_x, show: mc", "is not among the figure's metrics"),
    ],
)
def test_validation_of_trade_off_series(monkeypatch, tmp_path, old, new, message):
    assert old in TRADE_OFF
    with pytest.raises(ConfigError, match=message):
        _load(monkeypatch, tmp_path, TRADE_OFF.replace(old, new, 1))


def test_series_x_belongs_to_trade_off_plots(monkeypatch, tmp_path):
    text = BASE.replace("{metric: p_markov, show: analytic,", "{metric: p_markov, x: p_exceed, show: analytic,")
    with pytest.raises(ConfigError, match="applies to trade-off plots"):
        _load(monkeypatch, tmp_path, text)


def test_default_series_is_analytic_line_and_markers(monkeypatch, tmp_path):
    spec = _load(monkeypatch, tmp_path, BASE.replace("      series:", "      unused:").split("      unused:")[0])
    assert [(s["metric"], s["show"]) for s in plot_series(spec)] == [("p_exceed", "analytic"), ("p_exceed", "mc")]


def test_difference_check_statistics(fig1):
    spec, ds = fig1
    markov_minus_exact = (ds["p_markov"] - ds["p_exceed"]).values
    checks = (
        # the Markov bound is never below the truth: min >= 0 holds ...
        {"kind": "difference", "metric": "p_markov", "minus": {"metric": "p_exceed"}, "statistic": "min",
         "bounds": [0.0, 1.0], "at": {}},
        # ... and a claim that it is tight fails
        {"kind": "difference", "metric": "p_markov", "minus": {"metric": "p_exceed"}, "statistic": "max_abs",
         "bounds": [0.0, 0.01], "at": {}},
        {"kind": "difference", "metric": "p_markov", "minus": {"metric": "p_exceed"}, "statistic": "range",
         "bounds": [0.0, 1.0], "at": {"scale": 1.0}},
        {"kind": "difference", "metric": "p_markov", "minus": {"metric": "p_exceed"}, "statistic": "max",
         "relative": True, "bounds": [0.0, 100.0], "at": {}},
    )
    out = check_figure(ds, _with(spec, checks=checks))["checks"]
    assert out[0]["passed"] and out[0]["value"] == pytest.approx(markov_minus_exact.min())
    assert not out[1]["passed"] and out[1]["value"] == pytest.approx(np.abs(markov_minus_exact).max())
    assert out[2]["min"] == pytest.approx(markov_minus_exact[0].min())
    assert out[2]["max"] == pytest.approx(markov_minus_exact[0].max())
    rel = markov_minus_exact / ds["p_exceed"].values
    assert out[3]["value"] == pytest.approx(rel.max())


def test_difference_check_within_a_range(fig1):
    spec, ds = fig1
    check = {"kind": "difference", "metric": "p_markov", "minus": {"metric": "p_exceed"}, "statistic": "max_abs",
             "bounds": [0.0, 1.0], "at": {"scale": 1.0}, "within": {"t": (1.5, 2.5)}}
    out = check_figure(ds, _with(spec, checks=(check,)))["checks"][0]
    part = (ds["p_markov"] - ds["p_exceed"]).sel(scale=1.0)
    part = part.where((part["t"] >= 1.5) & (part["t"] <= 2.5), drop=True)
    assert out["n_points"] == part.size == 3  # t = 1.5, 2, 2.5 of 0.5, 1, ..., 3
    assert out["value"] == pytest.approx(float(np.abs(part).max()))
    assert out["at"] == "scale = 1 m; t from 1.5 m to 2.5 m"


def test_difference_check_on_monte_carlo_uses_markers_only(fig1):
    spec, ds = fig1
    check = {"kind": "difference", "metric": "p_exceed_sim", "show": "mc", "minus": {"metric": "p_exceed"},
             "statistic": "max_abs", "bounds": [0.0, 1.0], "at": {}}
    out = check_figure(ds, _with(spec, checks=(check,)))["checks"][0]
    expected = np.abs(ds["p_exceed_sim_mc"] - ds["p_exceed"]).max()
    assert out["value"] == pytest.approx(float(expected))
    assert out["n_points"] == int((ds["n_mc"] > 0).sum())


INVARIANT = """
paper: toy
model: toy
figures:
  fig1:
    title: toy
    metrics: [p_exceed]
    grid:
      offset: {values: [0, 1, 2]}
      t: {values: [0.5, 1, 2]}
    fixed: {scale: 2}
    mc: {n_trials: 4000, batch_size: 1000}
    plot: {x: {param: t}, y: {metric: p_exceed}, curves: offset}
    checks:
      - {kind: invariance, metric: p_exceed, across: offset, tolerance: 0}
"""


def test_invariance_check(monkeypatch, tmp_path):
    spec = _load(monkeypatch, tmp_path, INVARIANT)
    out = check_figure(_dataset(spec), spec)["checks"][0]
    # offset does not enter the kernels: analytic spread exactly 0; the MC streams are keyed by
    # every parameter value, so the three curves are independent estimates of one curve
    assert out["analytic_spread"] == 0.0 and out["mc_pairs_tested"] == 3 * 3
    assert out["passed"]


def test_invariance_check_detects_dependence(monkeypatch, tmp_path):
    text = (INVARIANT.replace("offset: {values: [0, 1, 2]}", "scale: {values: [1, 2, 3]}")
            .replace("fixed: {scale: 2}", "fixed: {offset: 0}")
            .replace("curves: offset", "curves: scale").replace("across: offset", "across: scale"))
    spec = _load(monkeypatch, tmp_path, text)
    out = check_figure(_dataset(spec), spec)["checks"][0]
    assert out["analytic_spread"] > 0.1 and not out["passed"]
    assert out["mc_max_z"] > out["mc_z_tolerance"]


def test_monotone_check_with_shrinking_increments(fig1):
    spec, ds = fig1
    checks = (
        # exp(-t/s) falls along t, by ever smaller steps (convex)
        {"kind": "monotone", "metric": "p_exceed", "along": "t", "direction": "decreasing",
         "increments": "shrinking", "at": {}},
        # min(1, s/t) is flat, then falls: its steps grow before they shrink
        {"kind": "monotone", "metric": "p_markov", "along": "t", "direction": "decreasing",
         "increments": "shrinking", "at": {}},
    )
    convex, markov = check_figure(ds, _with(spec, checks=checks))["checks"]
    assert convex["passed"] and convex["worst_increment_growth"] == 0.0
    assert markov["worst_violation"] == 0.0  # monotone ...
    assert not markov["passed"] and markov["worst_increment_growth"] > 0.1  # ... but not with shrinking steps


def test_monotone_check_on_monte_carlo(fig1):
    spec, ds = fig1
    checks = tuple({"kind": "monotone", "metric": "p_exceed", "show": "mc", "along": "t", "direction": d,
                    "at": {}} for d in ("decreasing", "increasing"))
    right, wrong = check_figure(ds, _with(spec, checks=checks))["checks"]
    # 2 curves x 5 steps between neighbouring markers, tested against the Bonferroni z
    assert right["passed"] and right["steps_tested"] == 10 and right["worst_z"] == 0.0
    assert not wrong["passed"] and wrong["worst_z"] > wrong["z_tolerance"]
    # noise alone: two estimates of one probability never differ by many standard errors
    flat = dataclasses.replace(spec, checks=({"kind": "monotone", "metric": "p_exceed_sim", "show": "mc",
                                              "along": "scale", "direction": "increasing", "at": {}},))
    out = check_figure(ds, flat)["checks"][0]
    assert out["passed"] and out["smallest_step"] > 0  # larger scale: X exceeds t more often
    # significant: exp(-t) vs exp(-t/2) at 4000 trials differ by many SE except where both are tiny
    strict = dict(flat.checks[0], significant=True)
    out = check_figure(ds, dataclasses.replace(spec, checks=(strict,)))["checks"][0]
    assert out["passed"] and out["smallest_step_z"] > out["z_tolerance"]
    # two independent estimates of the same probability are not significantly ordered
    same = {"kind": "monotone", "metric": "p_exceed", "show": "mc", "along": "t", "direction": "decreasing",
            "significant": True, "ignore_above": 0.5, "at": {}}
    out = check_figure(ds, dataclasses.replace(spec, checks=(same,)))["checks"][0]
    assert out["steps_tested"] < 10  # the markers above 0.5 are skipped


def test_extremum_check(fig1):
    spec, ds = fig1
    # min(1, s/t) - exp(-t/s) peaks inside the grid; exp(-t/s) itself is largest at the first t
    gap = {"kind": "difference", "metric": "p_markov", "minus": {"metric": "p_exceed"}, "statistic": "max",
           "bounds": [0, 1], "at": {}}
    checks = (
        {"kind": "extremum", "metric": "p_exceed", "along": "t", "extremum": "max", "location": [0.5, 0.5], "at": {}},
        {"kind": "extremum", "metric": "p_exceed", "along": "t", "extremum": "min", "location": [0.5, 2.5], "at": {}},
        {"kind": "extremum", "metric": "p_exceed", "show": "mc", "along": "t", "extremum": "min",
         "location": [3, 3], "at": {"scale": 1.0}},
        gap,
    )
    top, wrong, mc, _ = check_figure(ds, _with(spec, checks=checks))["checks"]
    assert top["passed"] and set(top["locations"].values()) == {0.5}
    assert not wrong["passed"] and set(wrong["locations"].values()) == {3.0}
    assert mc["passed"] and list(mc["locations"]) == ["all"]


def test_value_check_on_a_simulation_only_metric(fig1):
    spec, ds = fig1
    point = {"scale": 2.0, "t": 1.0}
    check = {"kind": "value", "metric": "p_exceed_sim", "show": "mc", "at": point, "expected": float(np.exp(-0.5)),
             "tolerance": 0.05}
    out = check_figure(ds, _with(spec, checks=(check,)))["checks"][0]
    assert out["passed"] and out["mc"] == pytest.approx(float(ds["p_exceed_sim_mc"].sel(point)))


def test_peaks_and_extremum_trend(fig1):
    spec, ds = fig1
    # a curve with two interior maxima, the first before the maximum of a one-peak curve
    t = ds["t"].values  # 0.5, 1, ..., 3
    two = xr.DataArray(np.array([[0, 2, 1, 1, 3, 0], [0, 1, 0, 2, 2, 1]], float), dims=("scale", "t"))
    one = xr.DataArray(np.array([[0, 1, 2, 5, 1, 0], [0, 1, 2, 3, 4, 0]], float), dims=("scale", "t"))
    ds = ds.assign(p_exceed=two.assign_coords(scale=ds["scale"], t=t),
                   p_markov=one.assign_coords(scale=ds["scale"], t=t))
    checks = (
        {"kind": "peaks", "metric": "p_exceed", "along": "t", "count": 2, "first_before": "p_markov", "at": {}},
        {"kind": "peaks", "metric": "p_markov", "along": "t", "count": 1, "at": {}},
        {"kind": "peaks", "metric": "p_markov", "along": "t", "count": 2, "at": {}},
        # the maximum of p_markov moves from t = 2 (scale 1) to t = 2.5 (scale 2)
        {"kind": "extremum", "metric": "p_markov", "along": "t", "extremum": "max",
         "trend": {"across": "scale", "direction": "increasing"}, "at": {}},
        {"kind": "extremum", "metric": "p_markov", "along": "t", "extremum": "max",
         "trend": {"across": "scale", "direction": "decreasing"}, "at": {}},
    )
    two_peaks, one_peak, wrong, up, down = check_figure(ds, _with(spec, checks=checks))["checks"]
    assert two_peaks["passed"]
    assert two_peaks["peaks"]["scale = 1 m"]["locations"] == [1.0, 2.5]
    assert two_peaks["peaks"]["scale = 2 m"]["locations"] == [1.0, 2.0]  # the plateau 2, 2 counts once
    assert one_peak["passed"] and not wrong["passed"]
    assert up["passed"] and up["locations"] == {"scale = 1 m": 2.0, "scale = 2 m": 2.5}
    assert not down["passed"] and not down["trend_passed"]


def test_crossings_check(fig1):
    spec, ds = fig1
    # exp(-t/s) curves of different scales never cross; the Markov bounds min(1, s/t) do not either
    checks = ({"kind": "crossings", "metric": "p_exceed", "along": "t", "across": "scale", "pairs": [0, 0]},
              {"kind": "crossings", "metric": "p_exceed", "along": "t", "across": "scale", "pairs": [1, 1]})
    none, one = check_figure(ds, _with(spec, checks=checks))["checks"]
    assert none["passed"] and none["crossing_pairs"] == 0 and none["of_pairs"] == 1
    assert not one["passed"]
    crossed = ds.assign(p_exceed=ds["p_exceed"] * 0 + xr.DataArray([[0, 1, 2, 3, 4, 5], [5, 4, 3, 2, 1, 0]],
                                                                   dims=("scale", "t")))
    assert check_figure(crossed, _with(spec, checks=checks[1:]))["checks"][0]["passed"]


def test_slope_and_optimum_ratio_checks(fig1):
    spec, ds = fig1
    checks = (
        # ln exp(-t/s) = -t/s: slope -1/s against linear t
        {"kind": "slope", "metric": "p_exceed", "along": "t", "x_scale": "linear", "bounds": [-1.0001, -0.4999],
         "at": {}, "within": {"t": (1.0, 3.0)}},
        {"kind": "slope", "metric": "p_exceed", "along": "t", "x_scale": "linear", "bounds": [-0.9, 0], "at": {}},
        {"kind": "optimum_ratio", "metric": "p_exceed", "over": {"metric": "p_markov"}, "extremum": "min",
         "along": "t", "bounds": [0, 1], "at": {}},
    )
    good, bad, ratio = check_figure(ds, _with(spec, checks=checks))["checks"]
    assert good["passed"] and good["slopes"]["scale = 1 m"] == pytest.approx(-1.0)
    assert good["slopes"]["scale = 2 m"] == pytest.approx(-0.5)
    assert not bad["passed"]
    expected = float(ds["p_exceed"].sel(scale=2.0).min() / ds["p_markov"].sel(scale=2.0).min())
    assert ratio["passed"] and ratio["ratios"]["scale = 2 m"] == pytest.approx(expected)
    at_point = dict(checks[2], numerator_at=1.5)
    out = check_figure(ds, _with(spec, checks=(at_point,)))["checks"][0]
    expected = float(ds["p_exceed"].sel(scale=2.0, t=1.5) / ds["p_markov"].sel(scale=2.0).min())
    assert out["ratios"]["scale = 2 m"] == pytest.approx(expected)


def test_fit_check(fig1):
    spec, ds = fig1
    checks = (
        {"kind": "fit", "metric": "p_exceed", "along": "t", "law": "exponential", "bounds": [0, 1e-9],
         "positive": True, "at": {}},
        {"kind": "fit", "metric": "p_exceed", "along": "t", "law": "power", "bounds": [0, 0.05], "at": {}},
        {"kind": "fit", "metric": "p_exceed", "along": "t", "law": "power", "statistic": "ratio",
         "bounds": [1, 1.1], "at": {}, "within": {"t": (2.0, 3.0)}},
        {"kind": "fit", "metric": "p_exceed", "show": "mc", "along": "t", "law": "exponential",
         "bounds": [0, 0.2], "at": {}},
    )
    exact, wrong, near, mc = check_figure(ds, _with(spec, checks=checks))["checks"]
    assert exact["passed"] and exact["law"] == "c exp(-t / tau)"
    fit = exact["fits"]["scale = 2 m"]
    assert fit["coefficients"]["c"] == pytest.approx(1.0) and fit["coefficients"]["tau"] == pytest.approx(2.0)
    assert fit["points"] == 6 and fit["max_abs"] < 1e-12
    assert not wrong["passed"] and wrong["fits"]["scale = 1 m"]["max_abs"] > 0.05
    # over t in [2, 3] a power law bends away by little; the ratio statistic is max/min of y / fit
    assert near["fits"]["scale = 2 m"]["points"] == 3 and near["fits"]["scale = 2 m"]["ratio"] >= 1.0
    assert mc["fits"]["scale = 1 m"]["points"] == 6  # Monte Carlo markers
    negative = dict(checks[1], positive=True, bounds=[0, 10])  # a power law with k < 0
    assert not check_figure(ds, _with(spec, checks=(negative,)))["checks"][0]["passed"]


def test_reference_check(fig1):
    spec, ds = fig1
    truth = [(t, float(np.exp(-t / 2.0))) for t in (1.0, 2.0)]
    check = {"kind": "reference", "metric": "p_exceed", "along": "t", "at": {"scale": 2.0},
             "points": truth, "relative_tolerance": 1e-12}
    good = check_figure(ds, _with(spec, checks=(check,)))["checks"][0]
    assert good["passed"] and good["worst_relative"] < 1e-12 and len(good["points"]) == 2
    off = dict(check, points=[(1.0, truth[0][1] * 1.05), (2.0, truth[1][1])], relative_tolerance=0.04)
    bad = check_figure(ds, _with(spec, checks=(off,)))["checks"][0]
    assert not bad["passed"] and bad["worst_relative"] == pytest.approx(1 - 1 / 1.05, abs=1e-12)
    mc = dict(check, show="mc", relative_tolerance=0.2)
    assert check_figure(ds, _with(spec, checks=(mc,)))["checks"][0]["passed"]


def test_monotone_check_within_a_range(fig1):
    spec, ds = fig1
    # min(1, s/t) is flat up to t = s: not strictly anything there, decreasing beyond
    check = {"kind": "monotone", "metric": "p_markov", "along": "t", "direction": "decreasing",
             "increments": "shrinking", "at": {}}
    assert not check_figure(ds, _with(spec, checks=(check,)))["checks"][0]["passed"]
    within = dict(check, within={"t": (2.0, 3.0)})
    assert check_figure(ds, _with(spec, checks=(within,)))["checks"][0]["passed"]


def test_difference_check_of_one_metric(fig1):
    spec, ds = fig1
    check = {"kind": "difference", "metric": "p_exceed", "statistic": "range", "bounds": [0.0, 1.0], "at": {}}
    spread = {"kind": "difference", "metric": "p_exceed", "statistic": "spread", "bounds": [0.0, 0.1], "at": {}}
    out, wide = check_figure(ds, _with(spec, checks=(check, spread)))["checks"]
    assert out["passed"] and out["min"] == pytest.approx(float(ds["p_exceed"].min()))
    assert wide["value"] == pytest.approx(float(ds["p_exceed"].max() - ds["p_exceed"].min()))
    assert not wide["passed"]


MEDIAN = """
paper: toy
model: toy
figures:
  fig1:
    title: toy
    metrics: [median_x]
    grid:
      scale: {values: [1, 2, 4]}
      t: {values: [1]}
    mc: {n_trials: 9000, batch_size: 2000}
    plot: {x: {param: scale}, y: {metric: median_x}}
"""


def test_median_metric(monkeypatch, tmp_path):
    spec = _load(monkeypatch, tmp_path, MEDIAN)
    ds = _dataset(spec)
    assert "order-statistic" in ds["median_x_mc_se"].attrs["formula"]
    assert (ds["n_mc"] == 9000).all()  # 4 batches of 2000 and one of 1000, all kept
    out = check_figure(ds, spec)["agreement"][0]
    assert out["passed"], out  # scale ln 2 within the order-statistic band
    # the same draws however the grid is chunked: batches are concatenated in order
    one = _dataset(dataclasses.replace(spec, chunk_size=1))
    np.testing.assert_array_equal(one["median_x_mc"].values, ds["median_x_mc"].values)


def test_metrics_naming_one_stream_share_their_draws(monkeypatch, tmp_path):
    text = BASE.replace("metrics: [p_exceed, p_markov, p_exceed_sim]",
                        "metrics: [p_exceed, p_exceed_twin, p_exceed_sim]")
    text = text.split("      series:")[0]
    spec = _load(monkeypatch, tmp_path, text)
    ds = _dataset(spec)
    np.testing.assert_array_equal(ds["p_exceed_twin_mc"].values, ds["p_exceed_mc"].values)  # same stream
    assert not np.array_equal(ds["p_exceed_sim_mc"].values, ds["p_exceed_mc"].values)  # its own stream


def test_median_interval():
    x = np.arange(1.0, 10_002.0)[:, None]  # 1 .. 10001, median 5001
    med, low, high = stats.median_interval(np.random.default_rng(0).permutation(x))
    half = 0.98 * np.sqrt(10_001)  # z sqrt(n) / 2
    assert med[0] == 5001.0
    assert low[0] == np.floor(10_001 / 2 - half) and high[0] == np.ceil(10_001 / 2 + half)
    # more than half infinite: the median is infinite (and so is the upper end)
    y = np.concatenate([np.ones((4, 1)), np.full((6, 1), np.inf)])
    med, low, high = stats.median_interval(y)
    assert np.isinf(med[0]) and np.isinf(high[0])


BIASED = """
paper: toy
model: toy
figures:
  fig1:
    title: toy
    metrics: [p_biased]
    grid:
      t: {values: [0.5, 1, 1.5, 2]}
    mc: {n_trials: 40000, batch_size: 10000}
    plot: {x: {param: t}, y: {metric: p_biased}}
"""


def test_agreement_allowance(monkeypatch, tmp_path):
    # the formula is 0.02 off: at 4e4 trials (SE <= 0.0025) the exact test rejects it ...
    spec = _load(monkeypatch, tmp_path, BIASED)
    ds = _dataset(spec)
    strict = check_figure(ds, spec)["agreement"][0]
    assert not strict["passed"]
    # ... and a stated allowance of 0.025 for the approximation accepts it, saying why
    allowance = "    agreement:\n      p_biased: {allowance: 0.025, why: a stated bias}\n"
    loose_spec = _load(monkeypatch, tmp_path, BIASED + allowance)
    loose = check_figure(ds, loose_spec)["agreement"][0]
    assert loose["passed"] and loose["approx_tolerance"] == 0.025
    assert "a stated bias" in loose["why"] and "0.025" in loose["tolerance"]
    # a relative allowance scales with the analytic value: 5 % of P is too little where P < 0.4 ...
    rel = dataclasses.replace(spec, agreement={"p_biased": {"relative": 0.05, "why": "5 %"}})
    assert not check_figure(ds, rel)["agreement"][0]["passed"]
    # ... and 0.02 + 1 % of P is enough everywhere
    both = dataclasses.replace(spec, agreement={"p_biased": {"allowance": 0.02, "relative": 0.01, "why": "x"}})
    out = check_figure(ds, both)["agreement"][0]
    assert out["passed"] and "0.02 + 0.01 |analytic|" in out["tolerance"]


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("{metric: p_markov, show: analytic, style: dashed", "{metric: p_markov, show: mc, style: dashed",
         "has no Monte Carlo estimates"),
        ("{metric: p_exceed_sim, show: mc, style: solid", "{metric: p_exceed_sim, show: analytic, style: solid",
         "has no analytic kernel"),
        ("{metric: p_exceed, show: analytic, style: solid", "{metric: p_exceed, show: analytic, style: markers",
         "markers are for Monte Carlo"),
        ("{metric: p_markov, show: analytic", "{metric: mean_x, show: analytic", "is not among the figure's metrics"),
        ("    plot:\n", "    agreement:\n      p_markov: {allowance: 0.1, why: x}\n    plot:\n",
         "is not both computed and simulated"),
        ("    plot:\n", "    checks:\n      - {kind: difference, metric: p_markov, minus: {metric: p_exceed}, "
         "statistic: max}\n    plot:\n", "difference checks need bounds"),
        ("    plot:\n", "    checks:\n      - {kind: difference, metric: p_exceed_sim, minus: {metric: p_exceed}, "
         "statistic: max, bounds: [0, 1]}\n    plot:\n", "has no analytic kernel; use show: mc"),
        ("    plot:\n", "    checks:\n      - {kind: invariance, metric: p_exceed, across: offset, tolerance: 0}\n"
         "    plot:\n", "'offset' is not a grid dimension"),
        ("    plot:\n", "    checks:\n      - {kind: value, metric: p_exceed, at: {scale: 1, t: 1}, expected: 0.3, "
         "tolerance: 0.1, bounds: [0, 1]}\n    plot:\n", "value checks do not take bounds"),
        ("    plot:\n", "    checks:\n      - {kind: difference, metric: p_markov, minus: {metric: p_exceed}, "
         "statistic: max, bounds: [0, 1], within: {t: [2, 1]}}\n    plot:\n", "low 2 is above high 1"),
        ("    plot:\n", "    checks:\n      - {kind: difference, metric: p_markov, minus: {metric: p_exceed}, "
         "statistic: max, bounds: [0, 1], within: {u: [1, 2]}}\n    plot:\n", "'u' is not a grid dimension"),
        ("    plot:\n", "    checks:\n      - {kind: extremum, metric: p_exceed, along: t, extremum: max, "
         "location: [2, 1]}\n    plot:\n", "low 2 is above high 1"),
        ("    plot:\n", "    checks:\n      - {kind: extremum, metric: p_exceed, along: t, extremum: max}\n"
         "    plot:\n", "need a location, a trend, or both"),
        ("    plot:\n", "    checks:\n      - {kind: extremum, metric: p_exceed, along: t, extremum: max, "
         "trend: {across: t}}\n    plot:\n", "must be another grid dimension"),
        ("    plot:\n", "    checks:\n      - {kind: peaks, metric: p_exceed, along: t, count: 1, first_before: q}\n"
         "    plot:\n", "'q' is not among the figure's metrics"),
        ("    plot:\n", "    checks:\n      - {kind: difference, metric: p_exceed, statistic: max, bounds: [0, 1], "
         "relative: true}\n    plot:\n", "needs 'minus'"),
        ("    plot:\n", "    checks:\n      - {kind: monotone, metric: p_exceed, along: t, direction: decreasing, "
         "show: mc, increments: shrinking}\n    plot:\n", "applies to analytic values only"),
        ("    plot:\n", "    checks:\n      - {kind: fit, metric: p_exceed, along: t, law: cubic, bounds: [0, 1], "
         "at: {scale: 1}}\n    plot:\n", "states no law 'cubic'; laws: exponential, power"),
        ("    plot:\n", "    checks:\n      - {kind: fit, metric: p_exceed, along: t, law: power, bounds: [0, 1], "
         "statistic: spread, at: {scale: 1}}\n    plot:\n", "fit checks take one of max_abs, ratio"),
        ("    plot:\n", "    checks:\n      - {kind: reference, metric: p_exceed, along: t, at: {scale: 1}, "
         "points: [[1.7, 0.2]], relative_tolerance: 0.1}\n    plot:\n", "1.7 is not on the grid of 't'"),
        ("    plot:\n", "    checks:\n      - {kind: reference, metric: p_exceed, along: t, "
         "points: [[1, 0.2]], relative_tolerance: 0.1}\n    plot:\n", "must fix scale"),
        ("    plot:\n", "    checks:\n      - {kind: reference, metric: p_exceed, along: t, at: {scale: 1}, "
         "points: [[1, 0]], relative_tolerance: 0.1}\n    plot:\n", "must be > 0"),
    ],
)
def test_validation_of_the_extensions(monkeypatch, tmp_path, old, new, message):
    assert old in BASE
    with pytest.raises(ConfigError, match=message):
        _load(monkeypatch, tmp_path, BASE.replace(old, new, 1))


def test_kernel_digest_covers_model_packages():
    # a model that is a package hashes every module in it
    assert kernel_digest("sui_coop6g") != kernel_digest("no_such_model")
    assert kernel_digest("sui_coop6g") != kernel_digest("li_tradeoff")
