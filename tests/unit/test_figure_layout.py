"""Every configured figure renders readably: the properties are measured on the rendered figure.

Rendered from datasets of each figure's real grid (values drawn at random within the data's
range: the layout, not the numbers, is under test). For each figure: the legend lies outside
the axes (so it covers no data) and names each entry once with typeset numbers; the tick
labels of an axis do not run into each other; the title and the provenance line are inside
the image; curves differ by marker shape as well as by a colour-blind-safe colour.
"""

from __future__ import annotations

import itertools
import subprocess
import sys

import matplotlib.colors as mcolors
import numpy as np
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg

from isac_core.plotting import PALETTE, render
from tests.unit.test_datasets_netcdf import SPECS, _dataset


def _rendered(name):
    spec = SPECS[name]
    ds = _dataset(spec)
    # probabilities and positive quantities in a plausible range, so log axes have finite data
    for var in ds.data_vars:
        if ds[var].dtype.kind == "f":
            ds[var].values[...] = np.random.default_rng(1).uniform(0.2, 0.8, ds[var].shape)
    fig = render(ds, spec)
    canvas = FigureCanvasAgg(fig)
    canvas.draw()
    return spec, fig, canvas.get_renderer()


def _overlap(a, b, pad=0.5):
    return a.x0 < b.x1 - pad and b.x0 < a.x1 - pad and a.y0 < b.y1 - pad and b.y0 < a.y1 - pad


@pytest.mark.parametrize("name", sorted(SPECS))
def test_layout(name):
    spec, fig, renderer = _rendered(name)
    ax = fig.axes[0]
    frame = ax.get_window_extent(renderer)
    (legend,) = fig.legends
    box = legend.get_window_extent(renderer)
    assert not _overlap(box, frame), f"{name}: the legend overlaps the axes"
    labels = [t.get_text() for t in legend.get_texts()]
    assert len(labels) == len(set(labels)), f"{name}: repeated legend entries {labels}"
    assert not any("e-0" in t or "e+0" in t for t in labels), labels
    for axis in (ax.xaxis, ax.yaxis):
        ticks = [t for t in axis.get_ticklabels(which="both") if t.get_visible() and t.get_text()]
        boxes = sorted((t.get_window_extent(renderer) for t in ticks), key=lambda b: (b.x0, b.y0))
        for a, b in itertools.combinations(boxes, 2):
            assert not _overlap(a, b), f"{name}: tick labels overlap on the {axis.axis_name} axis"
    page = fig.bbox
    for text in (ax.title, fig._suptitle):
        b = text.get_window_extent(renderer)
        assert page.x0 - 1 <= b.x0 and b.x1 <= page.x1 + 1 and b.y1 <= page.y1 + 1, f"{name}: clipped {text}"
    if spec.plot.get("curves"):
        handles = legend.legend_handles[:len(spec.axis(spec.plot["curves"]).values)]
        markers = [h.get_marker() for h in handles]
        assert len(set(markers)) == len(markers), f"{name}: curves share a marker shape"
        colours = [mcolors.to_hex(h.get_color()) for h in handles]
        assert all(c in {p.lower() for p in PALETTE} for c in colours)
        assert len(set(colours)) == min(len(colours), len(PALETTE)), f"{name}: curves share a colour"


def _deuteranopia(hex_colour):
    """Machado, Oliveira and Fernandes (2009), full deuteranopia, in linear RGB."""
    m = np.array([[0.367322, 0.860646, -0.227968], [0.280085, 0.672501, 0.047413],
                  [-0.011820, 0.042940, 0.968881]])
    c = np.asarray(mcolors.to_rgb(hex_colour))
    lin = np.where(c <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)
    out = np.clip(m @ lin, 0.0, 1.0)
    return np.where(out <= 0.0031308, 12.92 * out, 1.055 * out ** (1 / 2.4) - 0.055)


def _closest_pair(palette):
    return min(np.linalg.norm(_deuteranopia(a) - _deuteranopia(b)) for a, b in itertools.combinations(palette, 2))


def test_the_palette_stays_apart_under_deuteranopia():
    # closest pairs, Euclidean in simulated sRGB: 0.20 for Okabe-Ito (bluish green / reddish purple),
    # 0.115 for tab10 (blue / purple); 0.15 lies between them, a comparison, not a perceptual threshold
    assert _closest_pair(PALETTE) > 0.15
    # the check can fail: matplotlib's default tab10 has colours that merge
    assert _closest_pair([mcolors.to_hex(f"C{i}") for i in range(8)]) < 0.15


def test_importing_the_plotting_module_leaves_the_backend_alone():
    code = ("import matplotlib; matplotlib.use('svg'); import isac_core.plotting, isac_core.pipeline; "
            "print(matplotlib.get_backend())")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "svg"
