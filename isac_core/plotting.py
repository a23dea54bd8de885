"""One renderer for every figure, driven by the figure's ``plot`` specification.

Two layouts cover the papers' figures:

* **line**: ``x`` is a swept parameter, ``y`` a metric; one curve per value of
  ``curves`` (one colour each). Optional ``series`` draw several metrics on the
  same axes, each with its own line style (a paper's printed formula dashed next
  to the corrected one, an empirical distribution as a line, ...);
* **parametric**: ``x`` and ``y`` are both metrics, traced along the remaining
  swept parameter (trade-off regions); one curve per value of ``curves``. Optional
  ``series`` pair a y metric with its own x metric (a time-sharing baseline beside
  a region boundary).

Analytic values are lines; Monte Carlo estimates are markers with 95 %
confidence intervals (``1.96`` standard errors). Provenance goes into the
image metadata and a footer line.

Readable by everyone and everywhere:

* curves differ by colour (the Okabe--Ito palette, safe under the common colour
  vision deficiencies) *and* by marker shape, drawn on the lines too, so they
  stay apart in grey print; series (a printed formula beside the corrected one)
  differ by line style, and several Monte Carlo series by marker fill;
* the legend sits below the axes, so it never covers data, and has each entry once;
* numbers in legends are typeset (``10^{-5}``, not ``1e-05``); long titles wrap;
* a logarithmic axis spanning less than two decades is labelled at 1, 2 and 5
  times the powers of ten, never at every minor tick (whose labels run into
  each other).

Figures are built with :class:`matplotlib.figure.Figure`, not ``pyplot``: no
global figure registry, no backend selection (a notebook keeps its own), and
figures can be rendered from several threads at once.
"""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

import numpy as np
import xarray as xr
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.ticker import LogFormatterSciNotation, LogLocator, NullFormatter

from .figure_spec import FigureSpec
from .units import format_quantity, from_canonical

__all__ = ["render", "save", "curve_label", "plot_series"]

Z95 = 1.959963984540054

_LINESTYLES = {"solid": "-", "dashed": "--", "dotted": ":", "dashdot": "-."}

#: Okabe & Ito's colour-blind-safe palette (yellow last: it is faint on white).
PALETTE = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000", "#F0E442")
#: One marker shape per curve, in step with the colours.
MARKERS = ("o", "s", "^", "D", "v", "P", "X", "*", "h", "<", ">", "p")
#: Fill of the markers of the first, second, ... Monte Carlo series of a figure.
_FILLS = ("none", "full", "left", "bottom")
_TITLE_WIDTH = 70  # characters per title line


def curve_style(i: int) -> dict:
    """Colour and marker of the ``i``-th curve."""
    return {"color": PALETTE[i % len(PALETTE)], "marker": MARKERS[i % len(MARKERS)]}


def _typeset_powers(text: str) -> str:
    """Unit exponents as mathtext superscripts: ``km^-2`` -> ``km$^{-2}$``."""
    return re.sub(r"\^(-?\d+)", r"$^{\1}$", text)


def _typeset_number(text: str) -> str:
    """Numbers in E notation as powers of ten: ``3e-05`` -> ``$3\\times10^{-5}$``, ``1e-05`` -> ``$10^{-5}$``."""
    def power(match):
        mantissa, exponent = match.group(1), int(match.group(2))
        if float(mantissa) == 1.0:
            return f"$10^{{{exponent}}}$"
        return f"${mantissa}\\times10^{{{exponent}}}$"

    return re.sub(r"(?<![\w.])([-+]?\d+(?:\.\d+)?)[eE]([-+]?\d+)", power, text)


def curve_label(spec: FigureSpec, dim: str, value: float) -> str:
    """Legend text such as ``D = 20 m``."""
    axis = spec.axis(dim)
    symbol = spec.model.parameters[dim].symbol or dim
    quantity = format_quantity(value, axis.units, axis.display_units, digits=4)
    return f"${symbol}$ = {_typeset_powers(_typeset_number(quantity))}"


def _display(values, ds, axis_spec, spec):
    """Convert a parameter or metric axis to its display unit."""
    values = np.asarray(values, float)
    if "param" in axis_spec:
        name = axis_spec["param"]
        unit = axis_spec.get("units", spec.axis(name).display_units)
        return from_canonical(values, ds[name].attrs["units"], unit)
    if "units" in axis_spec:
        return from_canonical(values, ds[axis_spec["metric"]].attrs["units"], axis_spec["units"])
    return values


def _default_label(axis_spec, spec) -> str:
    """``long name $symbol$ (unit)`` from the model, for axes without a label."""
    model = spec.model
    if "param" in axis_spec:
        p = model.parameters[axis_spec["param"]]
        unit = axis_spec.get("units", spec.axis(axis_spec["param"]).display_units)
        name, symbol = p.long_name, p.symbol
    else:
        m = model.metrics[axis_spec["metric"]]
        unit = axis_spec.get("units", m.units)
        name, symbol = m.long_name, m.symbol
    text = name[:1].upper() + name[1:] + (f" ${symbol}$" if symbol else "")
    return text + (f" ({_typeset_powers(unit)})" if unit != "1" else "")


def _curves(ds, spec):
    dim = spec.plot.get("curves")
    if dim is None:
        return [(None, ds)]
    return [(float(v), ds.sel({dim: v})) for v in ds[dim].values]


def _squeeze_other(sub: xr.Dataset, keep: str):
    extra = [d for d in sub[list(sub.data_vars)[0]].dims if d != keep]
    for d in extra:
        if sub.sizes[d] != 1:
            raise ValueError(f"plot: dimension {d!r} has {sub.sizes[d]} values; it must be the "
                             f"curves dimension or have a single value")
    return sub.isel({d: 0 for d in extra})


def plot_series(spec: FigureSpec) -> list[dict]:
    """What a plot draws: ``{metric, show, style, label}`` (and ``x`` in trade-off plots) per series.

    Without a ``series`` entry in the plot specification, the y metric's
    analytic values are a solid line and its Monte Carlo estimates markers.
    """
    if spec.plot.get("series"):
        return [dict(s) for s in spec.plot["series"]]
    name = spec.plot["y"]["metric"]
    metric = spec.model.metrics[name]
    out = []
    if metric.analytic is not None:
        out.append({"metric": name, "show": "analytic", "style": "solid", "label": "analytic"})
    if metric.simulate is not None and spec.mc_enabled:
        out.append({"metric": name, "show": "mc", "style": "markers", "label": "Monte Carlo (95 % CI)"})
    return out


def _mc_fill(series, series_list) -> str:
    """Marker fill of a Monte Carlo series: the first open, the next filled, ..."""
    mc = [i for i, sr in enumerate(series_list) if sr["show"] == "mc" and sr.get("style", "markers") == "markers"]
    return _FILLS[mc.index(series_list.index(series)) % len(_FILLS)] if series_list.index(series) in mc else "none"


def _draw_series(ax, x, sub, ds, ys, spec, series, style, fill):
    metric, kind = series["metric"], series.get("style", "solid" if series["show"] == "analytic" else "markers")
    if series["show"] == "analytic":
        n = len(x)
        every = max(n // 6, 1)
        ax.plot(x, _display(sub[metric].values, ds, {**ys, "metric": metric}, spec), color=style["color"],
                ls=_LINESTYLES.get(kind, "-"), lw=1.2, marker=style["marker"] if style.get("line_marker") else "",
                ms=4, mfc="white", markevery=(style.get("offset", 0) % every, every))
        return
    mk = sub["n_mc"].values > 0
    if not mk.any():
        return
    y_mc = _display(sub[metric + "_mc"].values, ds, {**ys, "metric": metric}, spec)[mk]
    y_err = Z95 * _display(sub[metric + "_mc_se"].values, ds, {**ys, "metric": metric}, spec)[mk]
    if kind == "markers":
        ax.errorbar(x[mk], y_mc, yerr=y_err, fmt=style["marker"], fillstyle=fill, color=style["color"], ms=5,
                    capsize=2, lw=0.8)
    else:  # an empirical curve: a line with its 95 % band
        ax.plot(x[mk], y_mc, color=style["color"], ls=_LINESTYLES[kind], lw=1.2)
        ax.fill_between(x[mk], y_mc - y_err, y_mc + y_err, color=style["color"], alpha=0.2, lw=0)


def _draw_trade_off(ax, sub, ds, xs, ys, spec, series, style, fill):
    """One series of a trade-off plot: ``(x metric, y metric)`` traced along the free dimension."""
    xm, ym = series.get("x", xs["metric"]), series["metric"]

    def show(name, axis_spec, metric):
        return _display(sub[name].values, ds, {**axis_spec, "metric": metric}, spec)

    if series["show"] == "analytic":
        x = show(xm, xs, xm)
        every = max(len(x) // 6, 1)
        ax.plot(x, show(ym, ys, ym), color=style["color"], ls=_LINESTYLES.get(series.get("style", "solid"), "-"),
                lw=1.2, marker=style["marker"] if style.get("line_marker") else "", ms=4, mfc="white",
                markevery=(style.get("offset", 0) % every, every))
        return
    mk = sub["n_mc"].values > 0
    if not mk.any() or f"{xm}_mc" not in sub:
        return
    x_mc, y_mc = show(xm + "_mc", xs, xm)[mk], show(ym + "_mc", ys, ym)[mk]
    x_err, y_err = Z95 * show(xm + "_mc_se", xs, xm)[mk], Z95 * show(ym + "_mc_se", ys, ym)[mk]
    ax.errorbar(x_mc, y_mc, xerr=x_err, yerr=y_err, fmt=style["marker"], fillstyle=fill, color=style["color"],
                ms=5, capsize=2, lw=0.8)


def _series_handle(series, fill, style=None):
    """Legend entry of a series: its line style, or its marker fill (grey unless ``style`` is given)."""
    style = style or {"color": "0.3", "marker": "o"}
    kind = series.get("style", "solid" if series["show"] == "analytic" else "markers")
    if kind == "markers":
        return Line2D([], [], color=style["color"], marker=style["marker"], fillstyle=fill, ls="none",
                      label=series["label"])
    return Line2D([], [], color=style["color"], ls=_LINESTYLES[kind], label=series["label"])


def _log_ticks(axis) -> None:
    """On a log axis spanning under two decades, label 1, 2 and 5 times powers of ten, no minor ticks."""
    low, high = sorted(axis.get_view_interval())
    if low > 0 and np.log10(high / low) < 2.0:
        axis.set_major_locator(LogLocator(base=10.0, subs=(1.0, 2.0, 5.0)))
        axis.set_major_formatter(LogFormatterSciNotation(labelOnlyBase=False))
        axis.set_minor_formatter(NullFormatter())


def render(ds: xr.Dataset, spec: FigureSpec):
    """Draw the figure described by ``spec.plot`` from the figure dataset.

    Returns
    -------
    matplotlib.figure.Figure
    """
    plot = spec.plot
    xs, ys = plot["x"], plot["y"]
    parametric = "metric" in xs
    along = None
    if parametric:
        along = next(d for d in spec.dims if d != plot.get("curves"))
    series_list = plot_series(spec)
    # the curve's marker shape goes on its lines unless its Monte Carlo markers already show it
    line_markers = not any(sr["show"] == "mc" and sr.get("style", "markers") == "markers" for sr in series_list)
    fig = Figure(figsize=(6.4, 5.2), layout="constrained")
    ax = fig.subplots()
    curve_handles = []
    curves = _curves(ds, spec)
    for i, (value, sub) in enumerate(curves):
        label = curve_label(spec, plot["curves"], value) if value is not None else None
        style = {**curve_style(i), "offset": i, "line_marker": line_markers}
        if parametric:
            sub = _squeeze_other(sub, along)
        else:
            sub = _squeeze_other(sub, xs["param"])
            x = _display(sub[xs["param"]].values, ds, xs, spec)
        for j, series in enumerate(series_list):
            own = style if label is not None else {**curve_style(j), "offset": j, "line_marker": line_markers}
            fill = _mc_fill(series, series_list)
            if parametric:
                _draw_trade_off(ax, sub, ds, xs, ys, spec, series, own, fill)
            else:
                _draw_series(ax, x, sub, ds, ys, spec, series, own, fill)
        if label is not None:
            curve_handles.append(Line2D([], [], color=style["color"], marker=style["marker"], ms=5, mfc="white",
                                        label=label))
    for axis_spec, set_label, set_scale, set_lim, axis in (
        (xs, ax.set_xlabel, ax.set_xscale, ax.set_xlim, ax.xaxis),
        (ys, ax.set_ylabel, ax.set_yscale, ax.set_ylim, ax.yaxis),
    ):
        set_label(axis_spec.get("label") or _default_label(axis_spec, spec))
        set_scale(axis_spec.get("scale", "linear"))
        if "lim" in axis_spec:
            set_lim(*axis_spec["lim"])
        if axis_spec.get("scale") == "log":
            _log_ticks(axis)
    ax.grid(True, alpha=0.3)
    ax.set_title(textwrap.fill(spec.title, _TITLE_WIDTH), fontsize=10)
    if plot.get("curves") is None:
        series_handles = [_series_handle(sr, _mc_fill(sr, series_list), curve_style(j))
                          for j, sr in enumerate(series_list)]
    else:
        series_handles = [_series_handle(sr, _mc_fill(sr, series_list)) for sr in series_list]
    handles, seen = [], set()
    for h in curve_handles + series_handles:  # each label once
        if h.get_label() not in seen:
            seen.add(h.get_label())
            handles.append(h)
    note = plot.get("note")
    footer = (f"isac-sweep {ds.attrs.get('isac_core_version', '?')} | commit "
              f"{str(ds.attrs.get('git_commit', '?'))[:10]}{'+dirty' if ds.attrs.get('git_dirty') == 'true' else ''}"
              f" | seed {ds.attrs.get('seed', '?')} | MC {'<= ' if 'mc_precision' in ds.attrs else ''}"
              f"{ds.attrs.get('mc_trials_per_marker', 0)} trials/marker")
    text = (textwrap.fill(note, 2 * _TITLE_WIDTH) + "\n" if note else "") + footer
    # provenance (and a note) above the title: constrained layout keeps it clear of the axes,
    # and the bottom margin belongs to the legend
    fig.suptitle(text, x=0.01, ha="left", fontsize=6, color="0.4")
    # below the axes: a legend never covers data
    fig.legend(handles=handles, fontsize=8, loc="outside lower center", ncols=max(1, min(3, len(handles))),
               frameon=False)
    return fig


def save(fig, png: str | Path, pdf: str | Path, ds: xr.Dataset):
    """Write PNG and PDF with provenance in their metadata."""
    desc = (f"{ds.attrs.get('figure')} | config {ds.attrs.get('config_hash', '')[:16]} | seed "
            f"{ds.attrs.get('seed')} | commit {ds.attrs.get('git_commit')} dirty={ds.attrs.get('git_dirty')}")
    Path(png).parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(png, dpi=150, metadata={"Title": ds.attrs.get("title", ""), "Description": desc,
                                        "Software": f"isac-sweep {ds.attrs.get('isac_core_version')}"})
    # the layout was computed for the PNG; the PDF has the same size, so reuse it
    fig.set_layout_engine("none")
    fig.savefig(pdf, metadata={"Title": ds.attrs.get("title", ""), "Subject": desc,
                               "Creator": f"isac-sweep {ds.attrs.get('isac_core_version')}"})
