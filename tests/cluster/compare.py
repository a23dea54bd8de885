"""Bit-for-bit comparison of the figure datasets of two runs."""

from __future__ import annotations

from pathlib import Path

from isac_core.io import DATA_ATTRS_VOLATILE, open_dataset


def figure_stores(results: Path) -> dict[str, Path]:
    """``<paper>/<fig>`` -> the figure's labelled dataset under a results folder."""
    return {f"{p.parent.parent.name}/{p.parent.name}": p for p in sorted(results.glob("*/*/*.zarr"))}


def assert_same_datasets(results_a: Path, results_b: Path) -> None:
    """Every variable and coordinate has the same dtype, shape and bytes; attributes agree
    except those that legitimately differ between identical computations (creation time,
    git state, library versions)."""
    a, b = figure_stores(results_a), figure_stores(results_b)
    assert a and a.keys() == b.keys(), (sorted(a), sorted(b))
    for name in a:
        da, db = open_dataset(a[name]), open_dataset(b[name])
        assert set(da.variables) == set(db.variables), name
        for var in da.variables:
            x, y = da[var].values, db[var].values
            assert (x.dtype, x.shape) == (y.dtype, y.shape), f"{name}: {var}"
            assert x.tobytes() == y.tobytes(), f"{name}: {var} differs"
        volatile = set(DATA_ATTRS_VOLATILE)
        assert {k: v for k, v in da.attrs.items() if k not in volatile} == \
               {k: v for k, v in db.attrs.items() if k not in volatile}, name
