"""The pipeline's steps as plain functions, used by the Snakemake scripts and the CLI.

Results layout (relative to a results folder)::

    <paper>/<fig>/chunks/<chunk>.zarr   sweep_chunk      (flat, one store per chunk)
    <paper>/<fig>/<fig>.zarr            aggregate_figure (labelled, with provenance)
    <paper>/<fig>/<fig>.png, .pdf       plot_figure
    <paper>/<fig>/<fig>.check.json      check_figure
    report/index.html                   report
"""

from __future__ import annotations

import json
import logging
from pathlib import Path

from .figure_spec import FigureSpec
from .io import chunk_dataset, figure_dataset, open_dataset, write_zarr
from .provenance import provenance, task_hash
from .sweep import chunk_count, chunk_task, run_chunk

# Modules only one step needs (scipy.optimize for checks, matplotlib for plots) are imported
# inside that step, so a cluster job or `isac run` imports only what it uses.

__all__ = ["paths", "sweep_chunk", "aggregate_figure", "plot_figure", "check_figure", "report", "run_figure"]

log = logging.getLogger("isac_core.pipeline")


def paths(spec: FigureSpec, results: str | Path = "results") -> dict:
    """Output paths of a figure under ``results``."""
    base = Path(results) / spec.paper / spec.key
    return {
        "chunks": [base / "chunks" / f"{i:04d}.zarr" for i in range(chunk_count(spec))],
        "dataset": base / f"{spec.key}.zarr",
        "png": base / f"{spec.key}.png",
        "pdf": base / f"{spec.key}.pdf",
        "check": base / f"{spec.key}.check.json",
    }


def sweep_chunk(task: dict, out: str | Path, *, threads: int = 1, address: str | None = None,
                scheduler: str = "threads", pool=None, timing: dict | None = None) -> Path:
    """Run one chunk (see :func:`isac_core.sweep.chunk_task`) and write its store.

    ``threads``, ``scheduler``, ``pool``, ``address`` and ``timing`` are passed to
    :func:`isac_core.sweep.run_chunk`.
    """
    result = run_chunk(task, threads=threads, address=address, scheduler=scheduler, pool=pool, timing=timing)
    return write_zarr(chunk_dataset(result, task["figure"], task["chunk"], task_hash(task)), out)


def aggregate_figure(spec: FigureSpec, chunk_paths, out: str | Path) -> Path:
    """Combine the chunk stores into the labelled figure dataset.

    Raises
    ------
    isac_core.io.CorruptStoreError
        If a chunk store is incomplete or damaged (named in the message).
    ValueError
        If chunk stores were computed for another configuration or kernel code
        (for example left over from a run with different settings); the message
        names them and the command that re-runs just those chunks.
    """
    chunks = [open_dataset(p) for p in chunk_paths]
    stale = [str(path) for i, (path, ds) in enumerate(zip(chunk_paths, chunks, strict=True))
             if ds.attrs.get("task_hash") != task_hash(chunk_task(spec, i))]
    if stale:
        raise ValueError(
            f"{spec.name}: {', '.join(stale)} computed for another configuration or kernel code than "
            f"the current one; re-run just {'that chunk' if len(stale) == 1 else 'those chunks'}: "
            f"snakemake --cores N --forcerun {' '.join(stale)}"
        )
    prov = provenance(config_hash=spec.config_hash(), seed=spec.seed, source=spec.source)
    ds = figure_dataset(spec, chunks, prov)
    log.info("%s: aggregated %d chunk(s) into dims %s", spec.name, len(chunks), dict(ds.sizes))
    return write_zarr(ds, out)


def plot_figure(spec: FigureSpec, dataset: str | Path, png: str | Path, pdf: str | Path):
    """Render the figure to PNG and PDF."""
    from .plotting import render, save

    ds = open_dataset(dataset)
    save(render(ds, spec), png, pdf, ds)


def check_figure(spec: FigureSpec, dataset: str | Path, out: str | Path) -> dict:
    """Write ``check.json``; returns the verdict."""
    from .checks import check_figure as _check

    verdict = _check(open_dataset(dataset), spec)
    Path(out).parent.mkdir(parents=True, exist_ok=True)
    Path(out).write_text(json.dumps(verdict, indent=2) + "\n")
    log.info("%s: %s", spec.name, "all checks pass" if verdict["passed"] else "SOME CHECKS FAIL")
    return verdict


def report(entries, out: str | Path, *, errata: str | Path | None = None) -> Path:
    """Write the HTML report from ``(dataset, check.json, png)`` triples (with the errata, if given)."""
    from .report import write_report

    return write_report(entries, out, errata=errata)


def run_figure(spec: FigureSpec, results: str | Path = "results", *, threads: int = 1,
               address: str | None = None) -> dict:
    """Run every step of one figure in this process (no Snakemake); returns its paths."""
    p = paths(spec, results)
    for i, out in enumerate(p["chunks"]):
        sweep_chunk(chunk_task(spec, i), out, threads=threads, address=address)
    aggregate_figure(spec, p["chunks"], p["dataset"])
    plot_figure(spec, p["dataset"], p["png"], p["pdf"])
    check_figure(spec, p["dataset"], p["check"])
    return p
