"""Labelled datasets: construction, atomic Zarr writes, aggregation and reading.

Chunk stores hold flat results (dimension ``point``). The aggregated figure
store has one dimension per swept parameter, named after it, with ``units`` and
``long_name`` on every coordinate and variable; analytic values (``<metric>``)
and Monte Carlo estimates (``<metric>_mc``, ``<metric>_mc_se``, ``n_mc``) side by
side; every fixed parameter with its unit; and provenance.

Writes are atomic: a store is written under a temporary name in the same
folder and renamed into place only when complete, so a killed job leaves
nothing that a rerun would take for a result. The last file written into a
store is its manifest (every file with its size and SHA-256); a store is read
only if the manifest is there and every file matches it, so a store damaged
afterwards (a deleted or truncated array file) is refused, by name, instead of
reading as fill values.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import socket
import uuid
import warnings
from pathlib import Path

import numpy as np
import xarray as xr

from .figure_spec import FigureSpec
from .stats import precision_text
from .units import format_quantity, from_canonical

__all__ = ["chunk_dataset", "figure_dataset", "write_zarr", "open_dataset", "verify_store", "CorruptStoreError",
           "remove_stale_temporaries", "unit_interval",
           "DATA_ATTRS_VOLATILE", "MANIFEST"]

#: File, inside every store, listing the store's other files (written last).
MANIFEST = "isac-manifest.json"

#: How a temporary store is named while it is written (``<name>.tmp-<pid>-<random>-<host>``).
_TMP = ".tmp-"

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


#: How far outside [0, 1] an analytic probability may stray by rounding alone.
_ROUNDING = 1e-9


def unit_interval(values: np.ndarray, what: str) -> tuple[np.ndarray, dict]:
    """Clip an analytic probability into [0, 1]; record where it strayed by more than rounding.

    A series or quadrature approximation can leave [0, 1] (sun_blockage's Rician series of
    Table II gives P_c = 1.0062 at K = 10, lambda = 3e-3 m^-2, T = -17.3 dB; docs/errata.md);
    the clipped values are recorded, never silent.

    Returns
    -------
    values : ndarray
        The clipped values.
    attrs : dict
        ``{"out_of_range": text}`` when some value strayed by more than ``_ROUNDING``, else empty.
    """
    outside = (values < -_ROUNDING) | (values > 1 + _ROUNDING)
    attrs = {}
    if outside.any():
        worst = values[outside][np.argmax(np.abs(values[outside] - 0.5))]
        attrs["out_of_range"] = (f"{int(outside.sum())} analytic value(s) of {what} outside [0, 1] (extreme "
                                 f"{worst:.6g}), clipped to [0, 1]: the approximation fails there")
    return np.clip(values, 0.0, 1.0), attrs


def _metric_vars(spec: FigureSpec, flat: dict, shape):
    model = spec.model
    out = {}
    for m in spec.metrics:
        metric = model.metrics[m]
        base = {"units": metric.units, "reference": metric.reference}
        if metric.analytic is not None:
            values, flagged = flat[m].reshape(shape), {}
            # a probability: its simulation counts successes (an analytic-only metric's kind says nothing)
            if metric.kind == "probability" and metric.simulate is not None:
                values, flagged = unit_interval(values, f"{spec.name} {m}")
            out[m] = (spec.dims, values, {
                **base, "long_name": f"{metric.long_name} (analytic)", "method": "analytic", **flagged})
        if metric.simulate is None:
            continue
        counts = f"{m}_mc_n" if f"{m}_mc_n" in flat else "n_mc"
        out[f"{m}_mc"] = (spec.dims, flat[f"{m}_mc"].reshape(shape), {
            **base, "long_name": f"{metric.long_name} (Monte Carlo)", "method": "monte carlo",
            "estimator": _ESTIMATORS[metric.kind][0], "ancillary_variables": f"{m}_mc_se {counts}"})
        out[f"{m}_mc_se"] = (spec.dims, flat[f"{m}_mc_se"].reshape(shape), {
            "units": metric.units, "long_name": f"standard error of {m}_mc",
            "formula": _ESTIMATORS[metric.kind][1]})
        if f"{m}_mc_n" in flat:
            out[f"{m}_mc_n"] = (spec.dims, flat[f"{m}_mc_n"].reshape(shape), {
                "units": "1", "long_name": f"Monte Carlo trials behind {m}_mc (chosen to reach the precision; "
                                           "0: no marker)"})
    out["n_mc"] = (spec.dims, flat["n_mc"].reshape(shape), {
        "units": "1", "long_name": "Monte Carlo trials per marker (0: no marker)"})
    return out


def _precision_attr(precision, cap):
    return f"standard error <= {precision_text(precision)} per marker, at most {cap} trials"


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
    from .grid import state_points

    total = int(np.prod(spec.shape))
    metrics = spec.model.metrics
    names = [m for m in spec.metrics if metrics[m].analytic is not None]
    names += [f"{m}{suffix}" for m in spec.metrics if metrics[m].simulate is not None
              for suffix in ("_mc", "_mc_se")]
    flat = {k: np.full(total, np.nan) for k in names}
    flat["n_mc"] = np.zeros(total, np.int64)
    if spec.precision and spec.mc_enabled:  # trials chosen per marker and metric
        flat.update({f"{m}_mc_n": np.zeros(total, np.int64) for m in spec.metrics if metrics[m].simulate is not None})
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

    # fixed parameters as scalar coordinates, where xarray and netCDF users look for them
    defaults = model.defaults()
    for name, value in sorted(spec.fixed.items()):
        p = model.parameters[name]
        # (text as a variable-length string: zarr 3 has no specification of fixed-width ones)
        coords[name] = ((), np.array(value, dtype=object) if isinstance(value, str) else float(value), {
            "units": p.units, "long_name": p.long_name, "symbol": p.symbol,
            "text": value if isinstance(value, str) else format_quantity(value, p.units, "auto"),
            "set_by": "model default" if defaults.get(name) == value else "figure"})
    # a swept axis shown in a logarithmic unit (dB, dBm) also as the values swept
    for a in spec.axes:
        if a.display_units.startswith("dB"):
            shown = np.round(from_canonical(a.values, a.units, a.display_units), 9)
            coords[f"{a.name}_{a.display_units}"] = (a.name, shown, {
                "units": a.display_units, "long_name": f"{model.parameters[a.name].long_name} ({a.display_units})",
                "swept_as": a.name})
    attrs = {
        "Conventions": "CF-1.10",
        "title": spec.title,
        "figure": spec.name,
        "paper": spec.paper,
        "paper_title": spec.paper_title,
        "paper_reference": spec.paper_reference,
        "paper_inventory": json.dumps([dict(i) for i in spec.inventory]),
        "model": model.key,
        "model_reference": model.reference,
        "caption": spec.caption,
        "fixed_parameters": " ".join(sorted(spec.fixed)),
        "mc_trials_per_marker": int(spec.n_trials) if spec.mc_enabled else 0,
        "mc_batch_size": int(spec.batch_size),
        **({"mc_precision": _precision_attr(spec.precision, spec.n_trials)}
           if spec.precision and spec.mc_enabled else {}),
        **provenance,
    }
    ds = xr.Dataset(_metric_vars(spec, flat, spec.shape), coords=coords, attrs=attrs)
    return with_swept_indexes(ds)


def with_swept_indexes(ds: xr.Dataset) -> xr.Dataset:
    """Index the coordinates that hold a swept axis in its display unit (``T_dB``), so that
    ``ds.sel(T_dB=5)`` picks the 5 dB curve. Zarr and netCDF keep the coordinate, not the
    index: :func:`open_dataset` calls this again (with plain ``xarray.open_dataset``, call it
    yourself, or ``ds.set_xindex("T_dB")``)."""
    for name, coord in ds.coords.items():
        if "swept_as" in coord.attrs and name not in ds.xindexes:
            ds = ds.set_xindex(name)
    return ds


class CorruptStoreError(ValueError):
    """A store that is incomplete or was changed after it was written."""

    without_traceback = True  # the message names the store (see isac_core.logs.job_log)


def _files(store: Path) -> dict[str, dict]:
    """Every file of ``store`` but the manifest: relative path -> size and SHA-256."""
    out = {}
    for f in sorted(store.rglob("*")):
        rel = f.relative_to(store).as_posix()
        if f.is_file() and rel != MANIFEST:
            out[rel] = {"bytes": f.stat().st_size, "sha256": hashlib.sha256(f.read_bytes()).hexdigest()}
    return out


def verify_store(path: str | Path) -> None:
    """Check that the store at ``path`` is complete and unchanged since it was written.

    Raises
    ------
    CorruptStoreError
        Naming the store and what is wrong with it: no manifest (not written, or
        written by an interrupted or older run), or files missing or changed.
    """
    path = Path(path)
    advice = "delete it and run again (snakemake re-creates it)"
    if not path.is_dir():
        raise CorruptStoreError(f"{path}: no such store")
    try:
        expected = json.loads((path / MANIFEST).read_text())["files"]
    except (OSError, ValueError, KeyError) as exc:
        raise CorruptStoreError(f"{path}: incomplete store, its manifest {MANIFEST} is missing or unreadable "
                                f"({exc.__class__.__name__}); {advice}") from None
    found = _files(path)
    missing = sorted(set(expected) - set(found))
    changed = sorted(k for k in expected if k in found and found[k] != expected[k])
    if missing or changed:
        what = "; ".join(part for part in (f"missing {', '.join(missing)}" if missing else "",
                                           f"changed {', '.join(changed)}" if changed else "") if part)
        raise CorruptStoreError(f"{path}: corrupt store ({what}); {advice}")


def remove_stale_temporaries(path: Path) -> list[Path]:
    """Remove the temporary stores a killed writer of ``path`` left next to it.

    A temporary store is named after its writer's process and host; one whose
    process is gone is removed. One whose process still runs (a concurrent run),
    or that was written on another host (a cluster node), is kept.
    """
    removed = []
    for tmp in path.parent.glob(f"{path.name}{_TMP}*"):
        pid, _, host = (tmp.name[len(path.name) + len(_TMP):].split("-", 2) + ["", ""])[:3]
        if pid.isdigit() and host == socket.gethostname() and not _process_alive(int(pid)):
            shutil.rmtree(tmp, ignore_errors=True)
            removed.append(tmp)
    return removed


def _process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process
        return True
    return True


def write_zarr(ds: xr.Dataset, path: str | Path) -> Path:
    """Write ``ds`` to a Zarr store at ``path`` atomically (temporary name, then rename).

    The manifest is written last; temporary stores left by killed writers of the
    same path are removed first.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    remove_stale_temporaries(path)
    tmp = path.with_name(f"{path.name}{_TMP}{os.getpid()}-{uuid.uuid4().hex[:8]}-{socket.gethostname()}")
    try:
        encoding = {k: {"chunks": ds[k].shape} for k in ds.variables if ds[k].ndim}
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", message=".*[Cc]onsolidated metadata.*")
            ds.to_zarr(tmp, mode="w", consolidated=True, encoding=encoding)
        (tmp / MANIFEST).write_text(json.dumps({"files": _files(tmp)}, indent=1) + "\n")
        if path.exists():
            shutil.rmtree(path)
        os.replace(tmp, path)
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)
    return path


def open_dataset(path: str | Path) -> xr.Dataset:
    """Open a store written by :func:`write_zarr`, loaded into memory.

    Raises
    ------
    CorruptStoreError
        If the store is incomplete or was changed after it was written (see :func:`verify_store`).
    """
    verify_store(path)
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=".*[Cc]onsolidated metadata.*")
        with xr.open_zarr(path, consolidated=True, chunks=None) as ds:
            return with_swept_indexes(ds.load())
