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

import functools
import logging
import socket
import time
from collections.abc import Mapping
from dataclasses import dataclass, field

import dask
import numpy as np
from dask.base import tokenize
from dask.callbacks import Callback

from . import rng as _rng
from . import stats
from .figure_spec import FigureSpec
from .grid import chunk_bounds, chunk_count, chunk_range, mc_mask, state_points
from .models import get_model, model_source
from .provenance import model_digest

__all__ = [
    "state_points",
    "chunk_bounds",
    "chunk_count",
    "chunk_range",
    "chunk_task",
    "run_chunk",
    "batch_sizes",
    "probe_scheduler",
]

log = logging.getLogger("isac_core.sweep")
#: Progress of long computations: shown on the console as well as in the job's log.
progress_log = logging.getLogger("isac_core.progress")


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
    start, stop = chunk_range(spec, chunk)
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
        **({"precision": dict(spec.precision)} if spec.precision and spec.mc_enabled else {}),
        "seed": int(spec.seed),
        "kernel_digest": model_digest(model_source(spec.model_key)),
    }


# --------------------------------------------------------------------------- kernels as tasks


def _analytic(model_key, metric, params):
    """Analytic values of one metric over the chunk, and the CPU seconds they took."""
    cpu = time.thread_time()
    value = np.asarray(get_model(model_key).metrics[metric].analytic(params), dtype=float)
    return value, time.thread_time() - cpu


def _mc_batch(model_key, metric, scalars, shared, seed, key, batch, size):
    """Sufficient statistics of one Monte Carlo batch of one curve, and its CPU seconds."""
    cpu = time.thread_time()
    spec = get_model(model_key).metrics[metric]
    gen = _rng.batch_generator(seed, key, batch)
    obs = spec.simulate(gen, size, {**scalars, **shared})
    if spec.kind == "median":  # a median needs every observation (sorted here, in parallel), not moments
        out = np.sort(np.asarray(obs, float).reshape(size, -1), axis=0)
    else:
        out = stats.moments(obs)
    return out, time.thread_time() - cpu


def _estimate(parts, kind):
    """``(estimate, standard error, trials)`` from the batches of one curve, in order."""
    if kind == "median":  # batches arrive sorted: merging their sorted runs is the cheap (stable) sort
        samples = np.sort(np.concatenate(list(parts), axis=0), axis=0, kind="stable")
        median, low, high = stats.median_interval(samples, presorted=True)
        with np.errstate(invalid="ignore"):
            se = np.where(np.isfinite(high), (high - low) / (2 * 1.959963984540054), np.nan)
        return median, se, samples.shape[0]
    combined = stats.combine(parts)
    mean, se = stats.estimate(combined, kind)
    return mean, se, combined.n


def _sequential_estimate(parts, kind, precision, *, final=False):
    """Per member of a curve: the estimate at the first prefix of batches that meets ``precision``.

    Member ``i`` uses batches ``0 .. b_i - 1``, ``b_i`` the first count after which its
    stopping standard error (:func:`isac_core.stats.stopping_standard_error`) is at most
    ``absolute + relative |estimate|``; ``b_i`` is therefore fixed by the member's own
    draws, whatever other members or batches were computed.

    Returns
    -------
    value, se, trials : ndarray
        Estimate, its standard error and the trials used, per member (NaN / 0 where
        no prefix of ``parts`` meets the precision yet).
    shortfall : ndarray
        ``(stopping SE / target)^2`` after all of ``parts`` for the undecided members
        (how many times the trials so far they need), 0 for decided ones.

    With ``final=True`` (``parts`` reach the trial cap) undecided members use every batch.
    """
    parts = list(parts)
    absolute, relative = precision.get("absolute", 0.0), precision.get("relative", 0.0)
    value = se = trials = combined = None
    for b, part in enumerate(parts, start=1):
        if kind == "median":
            est, err, n = _estimate(parts[:b], kind)
            stop_se = err
        else:  # one more batch on the running moments: the same operations as combine(parts[:b])
            combined = part if combined is None else stats.combine([combined, part])
            est, err = stats.estimate(combined, kind)
            n, stop_se = combined.n, stats.stopping_standard_error(combined, kind)
        if value is None:
            value, se = np.full(est.shape, np.nan), np.full(est.shape, np.nan)
            trials = np.zeros(est.shape, np.int64)
        met = (trials == 0) & stats.precision_met(est, stop_se, absolute=absolute, relative=relative)
        value[met], se[met], trials[met] = est[met], err[met], n
    undecided = trials == 0
    with np.errstate(divide="ignore", invalid="ignore"):
        shortfall = np.where(undecided, np.square(stop_se / (absolute + relative * np.abs(est))), 0.0)
    if final:  # at the trial cap: the undecided members use every batch
        value[undecided], se[undecided], trials[undecided] = est[undecided], err[undecided], n
    return value, se, trials, np.nan_to_num(shortfall, nan=np.inf, posinf=np.inf)


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


@dataclass
class _Graph:
    """A chunk as Dask tasks: what to compute and how to put the results back together."""

    tasks: dict = field(default_factory=dict)  # task name -> delayed call
    weights: dict = field(default_factory=dict)  # task name -> MC points it completes
    analytic: dict = field(default_factory=dict)  # metric -> task name
    curves: list = field(default_factory=list)  # (metric, point indices, batch task names)
    mc_points: int = 0


def _curve_records(task: Mapping, model, mask: np.ndarray) -> list[tuple]:
    """``(metric, members, scalars, shared, stream, token)`` of every Monte Carlo curve of the chunk."""
    records = []
    for metric in task["metrics"]:
        if model.metrics[metric].simulate is None:
            continue
        for members, scalars, shared, stream in _curves(model, metric, task, mask):
            token = tokenize(task["model"], metric, scalars, shared, task["seed"], stream)
            records.append((metric, members, scalars, shared, stream, token))
    return records


def _add_batch(g: _Graph, task: Mapping, record: tuple, batch: int, size: int, weight: float) -> str:
    """Add batch ``batch`` (``size`` trials) of one curve to ``g``; return its task name."""
    metric, _, scalars, shared, stream, token = record
    name = f"mc-{metric}-{token}-{batch}-{size}"
    g.tasks[name] = dask.delayed(_mc_batch, pure=True)(
        task["model"], metric, scalars, shared, task["seed"], stream, batch, size, dask_key_name=name)
    g.weights[name] = weight
    return name


def _analytic_tasks(g: _Graph, task: Mapping, model, full: Mapping) -> None:
    for metric in task["metrics"]:
        if model.metrics[metric].analytic is not None:
            name = f"analytic-{metric}-{tokenize(task['model'], metric, full)}"
            g.tasks[name] = dask.delayed(_analytic, pure=True)(task["model"], metric, full, dask_key_name=name)
            g.analytic[metric] = name


def _graph(task: Mapping, model, full: Mapping, mask: np.ndarray) -> _Graph:
    """One analytic task per metric, one Monte Carlo task per (curve, batch).

    Task names are content digests: a shared dask.distributed scheduler keeps one
    result per name across all its clients, so names must differ whenever inputs differ.
    """
    g = _Graph()
    _analytic_tasks(g, task, model, full)
    sizes = batch_sizes(task["n_trials"], task["batch_size"])
    for record in _curve_records(task, model, mask):
        g.mc_points += len(record[1])
        names = [_add_batch(g, task, record, b, size, len(record[1]) / len(sizes)) for b, size in enumerate(sizes)]
        g.curves.append((record[0], record[1], names))
    return g


class _ProgressMeter:
    """Counts Monte Carlo points done and logs a line at most every ``interval`` seconds."""

    def __init__(self, label, total, interval=5.0):
        self.label, self.total, self.interval = label, total, interval
        self.done = 0.0
        self.t0 = self.last = time.perf_counter()

    def advance(self, points):
        self.done += points
        now = time.perf_counter()
        if now - self.last >= self.interval:
            self.last = now
            report_progress(self.label, self.done, self.total, now - self.t0)


class _Progress(Callback):
    """A :class:`_ProgressMeter` advanced by each finished task of a local Dask scheduler."""

    def __init__(self, meter, weights):
        super().__init__()
        self.meter, self.weights = meter, weights

    def _posttask(self, key, result, dsk, state, id):
        self.meter.advance(self.weights.get(key, 0.0))


def report_progress(label, done, total, elapsed):
    """Log one progress line: points done, elapsed time, estimated time remaining."""
    frac = done / total if total else 1.0
    eta = f"{elapsed * (1 - frac) / frac:.1f} s" if frac > 0 else "unknown until a batch is done"
    progress_log.info(
        "%s: %.1f/%d MC points done (%.0f%%), elapsed %.1f s, est. remaining %s",
        label, done, total, 100 * frac, elapsed, eta,
    )


def _compute_local(g: _Graph, label, *, threads, scheduler, pool, progress_interval):
    names = list(g.tasks)
    options = {"num_workers": threads}
    if pool is not None:  # a shared pool of worker processes: one task at a time per worker
        options = {"scheduler": "processes", "pool": pool, "num_workers": threads, "chunksize": 1}
    else:
        options["scheduler"] = scheduler
    with _Progress(_ProgressMeter(label, g.mc_points, progress_interval), g.weights):
        values = dask.compute(*[g.tasks[k] for k in names], **options)
    return dict(zip(names, values, strict=True))


def probe_scheduler(address: str, timeout: float = 3.0) -> None:
    """Raise :class:`ConnectionError` unless something accepts connections at ``address``.

    ``address`` is a ``dask.distributed`` scheduler address (``tcp://host:port``,
    ``tls://host:port`` or ``host:port``). A quick TCP check, so a wrong address
    fails in seconds with one line rather than after Dask's connection retries.
    Other transports are not checked here.
    """
    scheme, _, rest = address.rpartition("://")
    if scheme not in ("", "tcp", "tls"):
        return
    host, sep, port = rest.rpartition(":")
    if not sep or not port.isdigit():
        raise ConnectionError(f"dask_address {address!r} is not of the form tcp://host:port")
    try:
        socket.create_connection((host.strip("[]"), int(port)), timeout=timeout).close()
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        raise ConnectionError(f"no Dask scheduler at {address} ({reason}); start one there "
                              f"or drop dask_address") from None


def _compute_distributed(g: _Graph, label, *, address, timeout, progress_interval):
    from distributed import Client, as_completed

    probe_scheduler(address, timeout)
    try:
        # not set as the process-wide default: other code here keeps its own scheduler
        client = Client(address, set_as_default=False, timeout=timeout)
    except OSError as exc:
        raise ConnectionError(f"no Dask scheduler answers at {address} within {timeout} s "
                              f"({type(exc).__name__}); start it or unset dask_address") from None
    names = list(g.tasks)
    meter = _ProgressMeter(label, g.mc_points, progress_interval)
    # not client.as_current(): it sets dask's process-wide scheduler option, and jobs running in
    # threads (several chunks at once) would leave it pointing at a closed client
    with client:
        futures = client.compute([g.tasks[k] for k in names])
        for fut in as_completed(futures, loop=client.loop):
            meter.advance(g.weights.get(fut.key, 0.0))
        values = client.gather(futures)
    return dict(zip(names, values, strict=True))


def _assemble(task, model, analytic, curves, results, n):
    """The chunk's arrays from the task results (batches combined in index order).

    ``analytic`` maps a metric to its task name, ``curves`` lists ``(metric, point
    indices, batch task names)``, ``results`` maps a task name to its value.
    """
    out = {"point": np.asarray(task["points"]["point"], np.int64), "n_mc": np.zeros(n, np.int64)}
    for metric in task["metrics"]:
        if metric in analytic:
            out[metric] = results[analytic[metric]]
        if model.metrics[metric].simulate is not None:
            out[f"{metric}_mc"] = np.full(n, np.nan)
            out[f"{metric}_mc_se"] = np.full(n, np.nan)
    precision = task.get("precision")
    if precision:  # every simulated metric, also in a chunk without markers (the dataset expects them)
        for metric in task["metrics"]:
            if model.metrics[metric].simulate is not None:
                out[f"{metric}_mc_n"] = np.zeros(n, np.int64)
    for metric, members, names in curves:
        kind = model.metrics[metric].kind
        if precision:
            # every member met the precision or its curve reached the n_trials cap
            value, se, n_trials, _ = _sequential_estimate([results[nm] for nm in names], kind, precision,
                                                          final=True)
            out[f"{metric}_mc_n"][members] = n_trials
            out["n_mc"][members] = np.maximum(out["n_mc"][members], n_trials)
        else:
            value, se, n_trials = _estimate((results[nm] for nm in names), kind)
            out["n_mc"][members] = n_trials
        out[f"{metric}_mc"][members] = value
        out[f"{metric}_mc_se"][members] = se
    return out


def _run_fixed(task, model, full, mask, label, compute):
    """Monte Carlo with ``n_trials`` trials at every marker: one graph, computed at once.

    Returns ``(results, analytic, curves)`` as :func:`_run_sequential` does.
    """
    g = _graph(task, model, full, mask)
    return compute(g), g.analytic, g.curves


def _run_sequential(task, model, full, mask, label, compute):
    """Monte Carlo with trials chosen per marker (``task["precision"]``), in rounds.

    Every curve starts with one batch. After each round, a curve whose members do not
    all meet the precision asks for as many more batches as its worst member's
    shortfall suggests (at least one, at most the ``n_trials`` cap); the next round
    computes them, in parallel across curves. Which batches a member finally uses is
    decided batch by batch (:func:`_sequential_estimate`), so the rounds only set how
    much is computed, never the numbers: they are bit-identical whatever the chunking,
    worker count or scheduler.

    Returns
    -------
    results : dict
        Task name -> ``(value, kernel CPU seconds)``, for the analytic tasks and every
        batch computed.
    analytic : dict
        Metric -> the name of its analytic task.
    curves : list
        ``(metric, members, batch task names)`` per curve.
    """
    sizes = batch_sizes(task["n_trials"], task["batch_size"])
    records = _curve_records(task, model, mask)
    names = [[] for _ in records]
    wanted = [1] * len(records)
    results: dict = {}
    analytic: dict = {}
    for round_ in range(1, len(sizes) + 1):
        g = _Graph()
        if round_ == 1:
            _analytic_tasks(g, task, model, full)
            analytic = g.analytic
        for i, record in enumerate(records):
            for b in range(len(names[i]), wanted[i]):
                names[i].append(_add_batch(g, task, record, b, sizes[b], len(record[1])))
                g.mc_points += len(record[1])
        if not g.tasks:
            break
        results.update(compute(g))
        short = 0
        for i, (metric, *_rest) in enumerate(records):
            parts = [results[n][0] for n in names[i]]
            *_, shortfall = _sequential_estimate(parts, model.metrics[metric].kind, task["precision"])
            done = len(names[i])
            if np.any(shortfall > 0) and done < len(sizes):
                more = int(np.ceil(done * (min(float(shortfall.max()), 1e6) - 1.0)))
                wanted[i] = done + min(max(more, 1), len(sizes) - done)
                short += 1
        log.info("%s: round %d done; %d curve(s) still short of the precision", label, round_, short)
        if not short:
            break
    return results, analytic, [(rec[0], rec[1], nm) for rec, nm in zip(records, names, strict=True)]


def run_chunk(task: Mapping, *, threads: int = 1, scheduler: str = "threads", pool=None,
              address: str | None = None, connect_timeout: float = 5.0, progress_interval: float = 5.0,
              timing: dict | None = None) -> dict:
    """Evaluate one chunk: analytic values everywhere, Monte Carlo at the markers.

    Parameters
    ----------
    task : mapping
        Output of :func:`chunk_task`.
    threads : int
        Worker threads of the local scheduler, or tasks in flight on ``pool``.
    scheduler : {"threads", "processes", "synchronous"}
        Local Dask scheduler (ignored when ``pool`` or ``address`` is given).
    pool : concurrent.futures.Executor, optional
        Worker processes to run the tasks on (see :mod:`isac_core.workers`),
        shared with other chunks computed at the same time.
    address : str, optional
        Address of a running ``dask.distributed`` scheduler to use instead.
    connect_timeout : float
        Seconds to wait for that scheduler before raising :class:`ConnectionError`.
    progress_interval : float
        Seconds between progress log lines.
    timing : dict, optional
        If given, filled with ``wall_s`` (seconds to compute the chunk),
        ``kernel_cpu_s`` (CPU seconds spent inside the kernels, wherever they ran)
        and ``tasks``.

    Returns
    -------
    dict
        ``point``, per metric ``<m>`` (if it has an analytic kernel), ``<m>_mc``
        and ``<m>_mc_se`` (if it has a simulate kernel), and ``n_mc``: 1-D arrays
        over the chunk's points.
    """
    model = get_model(task["model"])
    n, mask, full = _chunk_parameters(task)
    label = f"{task['figure']} chunk {task['chunk']:04d}"
    _log_plan(label, task, n, mask)
    compute = _executor(label, threads=threads, scheduler=scheduler, pool=pool, address=address,
                        connect_timeout=connect_timeout, progress_interval=progress_interval)
    t0 = time.perf_counter()
    run = _run_sequential if task.get("precision") else _run_fixed
    results, analytic, curves = run(task, model, full, mask, label, compute)
    wall = time.perf_counter() - t0
    total = sum(len(members) for _, members, _ in curves)
    report_progress(label, total, total, wall)
    if timing is not None:
        timing.update(wall_s=wall, kernel_cpu_s=sum(cpu for _, cpu in results.values()), tasks=len(results))
    return _assemble(task, model, analytic, curves, {k: value for k, (value, _) in results.items()}, n)


def _chunk_parameters(task: Mapping) -> tuple[int, np.ndarray, dict]:
    """Number of points, the Monte Carlo marker mask, and every parameter as a 1-D array over
    the points (categorical ones stay strings)."""
    points = {k: np.asarray(v, float) for k, v in task["points"].items()}
    n = points["point"].size
    mask = np.asarray(task["mc_mask"], bool)
    swept = {k: v for k, v in points.items() if k != "point"}
    full = {**{k: (v if isinstance(v, str) else np.full(n, v, float)) for k, v in task["fixed"].items()},
            **swept}
    return n, mask, full


def _log_plan(label: str, task: Mapping, n: int, mask: np.ndarray) -> None:
    """One line saying what the chunk will compute."""
    n_batches = len(batch_sizes(task["n_trials"], task["batch_size"]))
    precision = task.get("precision")
    if precision:
        log.info("%s: %d points, %d MC markers x %d metric(s), standard error <= %s, at most %d trials "
                 "in batches of %d", label, n, int(mask.sum()), len(task["metrics"]), stats.precision_text(precision),
                 task["n_trials"], -(-task["n_trials"] // n_batches))
    else:
        log.info("%s: %d points, %d MC markers x %d metric(s), %d trials each in %d batch(es)",
                 label, n, int(mask.sum()), len(task["metrics"]), task["n_trials"], n_batches)


def _executor(label, *, threads, scheduler, pool, address, connect_timeout, progress_interval):
    """``compute(graph) -> {task name: result}`` on the scheduler the arguments choose."""
    if address:
        return functools.partial(_compute_distributed, label=label, address=address, timeout=connect_timeout,
                                 progress_interval=progress_interval)
    return functools.partial(_compute_local, label=label, threads=threads, scheduler=scheduler, pool=pool,
                             progress_interval=progress_interval)
