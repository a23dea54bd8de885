"""Grid expansion, chunking and Dask execution of a figure's kernels.

A figure's grid is the Cartesian product of its axes, flattened in C order (the
first axis outermost). A *chunk* is a contiguous slice of that flat list and is
the unit of a Snakemake job. Inside a chunk the work is a set of Dask tasks:

* one analytic task per metric, vectorised over the chunk's points;
* one Monte Carlo task per (curve, batch): points that differ only in the
  metric's shared sample parameters (thresholds) form one *curve* and are
  evaluated on the same draws.

Each curve's random stream is keyed by its content (model, metric and the
values of every parameter the draws depend on) and each batch by its index, so
the numbers at a state point do not depend on the chunking, the worker count or
the scheduler. Batches are combined in index order.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Mapping

import dask
import numpy as np
from dask.base import tokenize
from dask.callbacks import Callback

from . import rng as _rng
from . import stats
from .config import FigureSpec, evaluate_expression, expression_names
from .models import MODEL_MODULES, get_model
from .provenance import kernel_digest

__all__ = [
    "resolve_derived",
    "state_points",
    "chunk_bounds",
    "chunk_task",
    "run_chunk",
    "batch_sizes",
]

log = logging.getLogger("isac_core.sweep")


# --------------------------------------------------------------------------- state points


def resolve_derived(derived: Mapping[str, str], namespace: Mapping[str, object]) -> dict:
    """Evaluate derived-parameter expressions, in dependency order.

    Raises
    ------
    ValueError
        On a circular definition.
    """
    values: dict[str, object] = {}
    pending = dict(derived)
    scope = dict(namespace)
    while pending:
        ready = [n for n, e in pending.items() if expression_names(e) <= set(scope)]
        if not ready:
            missing = {n: sorted(expression_names(e) - set(scope)) for n, e in pending.items()}
            raise ValueError(f"derived parameters cannot be resolved (circular or missing): {missing}")
        for name in ready:
            scope[name] = values[name] = evaluate_expression(pending.pop(name), scope)
    return values


def state_points(spec: FigureSpec, start: int = 0, stop: int | None = None) -> dict[str, np.ndarray]:
    """Values of the swept and derived parameters at flat points ``start:stop``.

    Returns
    -------
    dict
        ``name -> 1-D float array`` for every grid dimension and derived
        parameter, plus ``"point"``, the flat indices.
    """
    total = int(np.prod(spec.shape))
    stop = total if stop is None else stop
    index = np.arange(start, stop)
    coords = np.unravel_index(index, spec.shape)
    out = {a.name: a.values[c] for a, c in zip(spec.axes, coords, strict=True)}
    if spec.derived:
        derived = resolve_derived(spec.derived, {**spec.fixed, **out})
        out.update({k: np.broadcast_to(np.asarray(v, float), index.shape).copy() for k, v in derived.items()})
    out["point"] = index
    return out


def mc_mask(spec: FigureSpec, points: Mapping[str, np.ndarray]) -> np.ndarray:
    """True at the Monte Carlo markers among ``points``."""
    n = points["point"].size
    if not spec.mc_enabled:
        return np.zeros(n, bool)
    mask = np.ones(n, bool)
    for name, values in spec.mc_at.items():
        mask &= np.isin(points[name], values)
    return mask


def chunk_bounds(spec: FigureSpec) -> list[tuple[int, int]]:
    """``(start, stop)`` of every chunk of the flat grid."""
    total = int(np.prod(spec.shape))
    size = max(int(spec.chunk_size), 1)
    return [(s, min(s + size, total)) for s in range(0, total, size)]


def batch_sizes(n_trials: int, batch_size: int) -> list[int]:
    """Split ``n_trials`` into near-equal batches of at most ``batch_size``."""
    n_batches = max(1, -(-int(n_trials) // int(batch_size)))
    base, extra = divmod(int(n_trials), n_batches)
    return [base + (1 if i < extra else 0) for i in range(n_batches)]


def chunk_task(spec: FigureSpec, chunk: int) -> dict:
    """Everything a ``sweep_chunk`` job needs, as plain JSON-able values.

    Only what this chunk computes goes in (no figure-wide hashes), so a changed
    grid value changes the task of exactly the chunks that contain it.
    """
    start, stop = chunk_bounds(spec)[chunk]
    points = state_points(spec, start, stop)
    mask = mc_mask(spec, points)
    return {
        "figure": spec.name,
        "chunk": chunk,
        "model": spec.model_key,
        "metrics": list(spec.metrics),
        "fixed": dict(spec.fixed),
        "points": {k: v.tolist() for k, v in points.items()},
        "mc_mask": mask.tolist(),
        "n_trials": int(spec.n_trials),
        "batch_size": int(spec.batch_size),
        "seed": int(spec.seed),
        "kernel_digest": kernel_digest(MODEL_MODULES.get(spec.model_key, spec.model_key)),
    }


# --------------------------------------------------------------------------- kernels as tasks


def _analytic(model_key, metric, params):
    return np.asarray(get_model(model_key).metrics[metric].analytic(params), dtype=float)


def _mc_batch(model_key, metric, scalars, shared, seed, key, batch, size):
    spec = get_model(model_key).metrics[metric]
    gen = _rng.batch_generator(seed, key, batch)
    obs = spec.simulate(gen, size, {**scalars, **shared})
    if spec.kind == "median":  # a median needs every observation, not moments
        return np.asarray(obs, float).reshape(size, -1)
    return stats.moments(obs)


def _estimate(parts, kind):
    """``(estimate, standard error, trials)`` from the batches of one curve, in order."""
    if kind == "median":
        samples = np.concatenate(list(parts), axis=0)
        median, low, high = stats.median_interval(samples)
        with np.errstate(invalid="ignore"):
            se = np.where(np.isfinite(high), (high - low) / (2 * 1.959963984540054), np.nan)
        return median, se, samples.shape[0]
    combined = stats.combine(parts)
    mean, se = stats.estimate(combined, kind)
    return mean, se, combined.n


def _curves(model, metric, task, mask):
    """Group the chunk's MC points into curves sharing one set of draws."""
    shared_names = set(model.metrics[metric].shared_sample_parameters)
    varying = [k for k in task["points"] if k != "point"]
    idx = np.flatnonzero(mask)
    groups: dict[tuple, list[int]] = {}
    for i in idx:
        key = tuple((k, task["points"][k][i]) for k in varying if k not in shared_names)
        groups.setdefault(key, []).append(int(i))
    curves = []
    for key, members in groups.items():
        scalars = {**task["fixed"], **dict(key)}
        for name in shared_names:
            scalars.pop(name, None)
        shared = {
            name: np.asarray(
                [task["points"][name][i] for i in members] if name in task["points"]
                else [task["fixed"][name]] * len(members),
                float,
            )
            for name in shared_names
            if name in task["points"] or name in task["fixed"]
        }
        stream_name = model.metrics[metric].stream or metric
        stream = _rng.content_key(model.key, stream_name, {k: scalars[k] for k in sorted(scalars)})
        curves.append((members, scalars, shared, stream))
    return curves


class _Progress(Callback):
    """Log Monte Carlo progress at most every ``interval`` seconds."""

    def __init__(self, label, total, weights, interval=5.0):
        super().__init__()
        self.label, self.total, self.weights, self.interval = label, total, weights, interval
        self.done = 0.0
        self.t0 = self.last = time.perf_counter()

    def _posttask(self, key, result, dsk, state, id):
        name = key[0] if isinstance(key, tuple) else key
        self.done += self.weights.get(name, 0.0)
        now = time.perf_counter()
        if now - self.last >= self.interval:
            self.last = now
            report_progress(self.label, self.done, self.total, now - self.t0)


def report_progress(label, done, total, elapsed):
    """Log one progress line: points done, elapsed time, estimated time remaining."""
    frac = done / total if total else 1.0
    eta = elapsed * (1 - frac) / frac if frac > 0 else float("nan")
    log.info(
        "%s: %.1f/%d MC points done (%.0f%%), elapsed %.1f s, est. remaining %.1f s",
        label, done, total, 100 * frac, elapsed, eta,
    )


def run_chunk(task: Mapping, *, threads: int = 1, scheduler: str = "threads",
              address: str | None = None, progress_interval: float = 5.0) -> dict:
    """Evaluate one chunk: analytic values everywhere, Monte Carlo at the markers.

    Parameters
    ----------
    task : mapping
        Output of :func:`chunk_task`.
    threads : int
        Worker threads of the local scheduler.
    scheduler : {"threads", "processes", "synchronous"}
        Local Dask scheduler (ignored when ``address`` is given).
    address : str, optional
        Address of a running ``dask.distributed`` scheduler to use instead.
    progress_interval : float
        Seconds between progress log lines.

    Returns
    -------
    dict
        ``point``, per metric ``<m>`` (if it has an analytic kernel), ``<m>_mc``
        and ``<m>_mc_se`` (if it has a simulate kernel), and ``n_mc``: 1-D arrays
        over the chunk's points.
    """
    model = get_model(task["model"])
    points = {k: np.asarray(v, float) for k, v in task["points"].items()}
    n = points["point"].size
    mask = np.asarray(task["mc_mask"], bool)
    params = {k: v for k, v in points.items() if k != "point"}
    full = {**{k: (v if isinstance(v, str) else np.full(n, v, float)) for k, v in task["fixed"].items()},
            **params}
    sizes = batch_sizes(task["n_trials"], task["batch_size"])
    label = f"{task['figure']} chunk {task['chunk']:04d}"

    graph = {}
    weights = {}
    plan = []
    # Task names are content digests: a shared dask.distributed scheduler keeps one result per
    # name across all its clients, so names must differ whenever inputs differ.
    for metric in task["metrics"]:
        if model.metrics[metric].analytic is not None:
            graph[("analytic", metric)] = dask.delayed(_analytic, pure=True)(
                task["model"], metric, full,
                dask_key_name=f"analytic-{metric}-{tokenize(task['model'], metric, full)}",
            )
        if model.metrics[metric].simulate is None:
            continue
        for members, scalars, shared, stream in _curves(model, metric, task, mask):
            names = []
            curve = tokenize(task["model"], metric, scalars, shared, task["seed"], stream)
            for b, size in enumerate(sizes):
                name = f"mc-{metric}-{curve}-{b}-{size}"
                names.append(name)
                graph[name] = dask.delayed(_mc_batch, pure=True)(
                    task["model"], metric, scalars, shared, task["seed"], stream, b, size,
                    dask_key_name=name,
                )
                weights[name] = len(members) / len(sizes)
            plan.append((metric, members, names))
    total_points = int(mask.sum()) * sum(
        1 for m in task["metrics"] if model.metrics[m].simulate is not None
    )
    log.info("%s: %d points, %d MC markers x %d metric(s), %d trials each in %d batch(es)",
             label, n, int(mask.sum()), len(task["metrics"]), task["n_trials"], len(sizes))

    t0 = time.perf_counter()
    keys = list(graph)
    if address:
        from distributed import Client, as_completed

        # not set as the process-wide default: other code here keeps its own scheduler
        with Client(address, set_as_default=False) as client, client.as_current():
            futures = client.compute([graph[k] for k in keys])
            done = 0.0
            last = t0
            for fut in as_completed(futures):
                done += weights.get(fut.key if isinstance(fut.key, str) else "", 0.0)
                if time.perf_counter() - last >= progress_interval:
                    last = time.perf_counter()
                    report_progress(label, done, total_points, last - t0)
            values = client.gather(futures)
    else:
        with _Progress(label, total_points, weights, progress_interval):
            values = dask.compute(*[graph[k] for k in keys], scheduler=scheduler, num_workers=threads)
    results = dict(zip(keys, values, strict=True))
    report_progress(label, total_points, total_points, time.perf_counter() - t0)

    out = {"point": points["point"].astype(np.int64), "n_mc": np.zeros(n, np.int64)}
    for metric in task["metrics"]:
        if model.metrics[metric].analytic is not None:
            out[metric] = results[("analytic", metric)]
        if model.metrics[metric].simulate is not None:
            out[f"{metric}_mc"] = np.full(n, np.nan)
            out[f"{metric}_mc_se"] = np.full(n, np.nan)
    for metric, members, names in plan:
        value, se, n_trials = _estimate((results[nm] for nm in names), model.metrics[metric].kind)
        out[f"{metric}_mc"][members] = value
        out[f"{metric}_mc_se"][members] = se
        out["n_mc"][members] = n_trials
    return out
