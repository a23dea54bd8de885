"""Labelled datasets: construction, atomic Zarr writes, aggregation and reading.

Chunk stores hold flat results (dimension ``point``). The aggregated figure
store has one dimension per swept parameter, named after it, with ``units`` and
``long_name`` on every coordinate and variable; analytic values (``<metric>``)
and Monte Carlo estimates (``<metric>_mc``, ``<metric>_mc_se``, ``n_mc``) side by
side; every fixed parameter with its unit; and provenance.

Writes are atomic: a store is written under a temporary name in the same
folder and renamed into place only when complete, so a killed job leaves
nothing that a rerun would take for a result.
"""

from __future__ import annotations

import os
import shutil
import uuid
import warnings
from pathlib import Path

import numpy as np
import xarray as xr

from .config import FigureSpec
from .units import format_quantity

__all__ = ["chunk_dataset", "figure_dataset", "write_zarr", "open_dataset", "DATA_ATTRS_VOLATILE"]

#: Attributes that legitimately differ between identical computations.
DATA_ATTRS_VOLATILE = ("created", "git_commit", "git_dirty", "library_versions")

#: Monte Carlo estimator of each metric kind, and its standard error.
_ESTIMATORS = {
    "probability": ("success fraction", "sqrt(p(1-p)/n)"),
    "mean": ("sample mean", "s/sqrt(n)"),
    "median": ("sample median (+inf observations allowed)",
               "width of the distribution-free 95 % order-statistic interval / 3.92"),
}


def chunk_dataset(result: dict, spec_name: str, chunk: int, task_hash: str = "") -> xr.Dataset:
    """Flat dataset of one chunk's results (dimension ``point``).

    ``task_hash`` identifies what was computed (see :func:`isac_core.provenance.task_hash`);
    aggregation refuses a chunk whose hash does not match the current configuration.
    """
    data_vars = {k: ("point", np.asarray(v)) for k, v in result.items() if k != "point"}
    return xr.Dataset(
        data_vars,
        coords={"point": ("point", np.asarray(result["point"], np.int64))},
        attrs={"figure": spec_name, "chunk": int(chunk), "task_hash": task_hash},
    )


def _metric_vars(spec: FigureSpec, flat: dict, shape):
    model = spec.model
    out = {}
    for m in spec.metrics:
        metric = model.metrics[m]
        base = {"units": metric.units, "reference": metric.reference}
        if metric.analytic is not None:
            out[m] = (spec.dims, flat[m].reshape(shape), {
                **base, "long_name": f"{metric.long_name} (analytic)", "method": "analytic"})
        if metric.simulate is None:
            continue
        out[f"{m}_mc"] = (spec.dims, flat[f"{m}_mc"].reshape(shape), {
            **base, "long_name": f"{metric.long_name} (Monte Carlo)", "method": "monte carlo",
            "estimator": _ESTIMATORS[metric.kind][0]})
        out[f"{m}_mc_se"] = (spec.dims, flat[f"{m}_mc_se"].reshape(shape), {
            "units": metric.units, "long_name": f"standard error of {m}_mc",
            "formula": _ESTIMATORS[metric.kind][1]})
    out["n_mc"] = (spec.dims, flat["n_mc"].reshape(shape), {
        "units": "1", "long_name": "Monte Carlo trials per marker (0: no marker)"})
    return out


def figure_dataset(spec: FigureSpec, chunks: list[xr.Dataset], provenance: dict) -> xr.Dataset:
    """Assemble chunk results into the labelled figure dataset.

    Parameters
    ----------
    spec : FigureSpec
        The figure.
    chunks : list of Dataset
        Chunk datasets, in any order; together they must cover the grid once.
    provenance : dict
        From :func:`isac_core.provenance.provenance`.
    """
    from .sweep import state_points

    total = int(np.prod(spec.shape))
    metrics = spec.model.metrics
    names = [m for m in spec.metrics if metrics[m].analytic is not None]
    names += [f"{m}{suffix}" for m in spec.metrics if metrics[m].simulate is not None
              for suffix in ("_mc", "_mc_se")]
    flat = {k: np.full(total, np.nan) for k in names}
    flat["n_mc"] = np.zeros(total, np.int64)
    seen = np.zeros(total, bool)
    for ds in chunks:
        idx = ds["point"].values
        if seen[idx].any():
            raise ValueError(f"{spec.name}: chunks overlap at points {idx[seen[idx]][:5]}")
        seen[idx] = True
        for k in flat:
            flat[k][idx] = ds[k].values
    if not seen.all():
        raise ValueError(f"{spec.name}: {int((~seen).sum())} grid points have no result")

    model = spec.model
    coords = {}
    for a in spec.axes:
        p = model.parameters[a.name]
        coords[a.name] = (a.name, a.values, {
            "units": a.units, "long_name": p.long_name, "display_units": a.display_units,
            "symbol": p.symbol})
    if spec.derived:
        pts = state_points(spec)
        for name, expr in spec.derived.items():
            p = model.parameters[name]
            values = pts[name].reshape(spec.shape)
            # keep only the dims the value depends on
            keep = [i for i in range(len(spec.dims)) if not np.all(np.ptp(values, axis=i) == 0)]
            index = tuple(slice(None) if i in keep else 0 for i in range(len(spec.dims)))
            coords[name] = ([spec.dims[i] for i in keep], values[index], {
                "units": p.units, "long_name": p.long_name, "derived_as": expr, "symbol": p.symbol})

    fixed = {}
    defaults = model.defaults()
    for name, value in sorted(spec.fixed.items()):
        p = model.parameters[name]
        fixed[name] = {
            "value": value if isinstance(value, str) else float(value),
            "units": p.units,
            "long_name": p.long_name,
            "text": value if isinstance(value, str) else format_quantity(value, p.units, "auto"),
            "set_by": "model default" if defaults.get(name) == value else "figure",
        }
    attrs = {
        "title": spec.title,
        "figure": spec.name,
        "paper": spec.paper,
        "paper_title": spec.paper_title,
        "paper_reference": spec.paper_reference,
        "paper_inventory": [dict(i) for i in spec.inventory],
        "model": model.key,
        "model_reference": model.reference,
        "caption": spec.caption,
        "fixed_parameters": fixed,
        "derived_parameters": dict(spec.derived),
        "mc_trials_per_marker": int(spec.n_trials) if spec.mc_enabled else 0,
        "mc_batch_size": int(spec.batch_size),
        **provenance,
    }
    return xr.Dataset(_metric_vars(spec, flat, spec.shape), coords=coords, attrs=attrs)


def write_zarr(ds: xr.Dataset, path: str | Path) -> Path:
    """Write ``ds`` to a Zarr store at ``path`` atomically (temporary name, then rename)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f"{path.name}.tmp-{uuid.uuid4().hex[:8]}")
    try:
        encoding = {k: {"chunks": ds[k].shape} for k in ds.variables if ds[k].ndim}
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", message=".*[Cc]onsolidated metadata.*")
            ds.to_zarr(tmp, mode="w", consolidated=True, encoding=encoding)
        if path.exists():
            shutil.rmtree(path)
        os.replace(tmp, path)
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)
    return path


def open_dataset(path: str | Path) -> xr.Dataset:
    """Open a store written by :func:`write_zarr`, loaded into memory."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=".*[Cc]onsolidated metadata.*")
        with xr.open_zarr(path, consolidated=True, chunks=None) as ds:
            return ds.load()
