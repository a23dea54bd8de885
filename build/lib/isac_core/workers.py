"""One pool of worker processes for every chunk a local run computes.

A local ``snakemake --cores N`` run executes its ``sweep_chunk`` jobs inside the
Snakemake process, and each job hands its Dask tasks to this pool of ``N``
worker processes. The kernels' modules are imported once per worker, not once
per job, and the kernels never compete for the interpreter lock with the
post-processing (aggregation, plots, checks) that runs in the Snakemake
process at the same time. The pool never runs more than ``N`` tasks at once,
whatever the number of jobs feeding it.

Workers start with ``spawn`` (the Snakemake process has threads, which ``fork``
does not survive) and with single-threaded BLAS/OpenMP, so ``N`` workers use
``N`` cores. This module imports nothing heavy: a worker's initializer runs
before NumPy is loaded.
"""

from __future__ import annotations

import atexit
import multiprocessing
import os
import threading
from concurrent.futures import ProcessPoolExecutor

__all__ = ["shared_pool", "shutdown", "SINGLE_THREADED_MATH"]

#: Environment that keeps BLAS/OpenMP to one thread in a process that runs kernels.
SINGLE_THREADED_MATH = {var: "1" for var in (
    "OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "NUMEXPR_NUM_THREADS")}

_lock = threading.Lock()
_pool: ProcessPoolExecutor | None = None
_size = 0


def _initialize_worker():
    os.environ.update(SINGLE_THREADED_MATH)


def shared_pool(workers: int) -> ProcessPoolExecutor:
    """The process's pool of ``workers`` kernel processes, started on first use.

    A pool of another size, or one broken by a worker that died (for example
    killed for lack of memory), is replaced.
    """
    global _pool, _size
    if workers < 1:
        raise ValueError(f"workers must be >= 1, got {workers}")
    with _lock:
        if _pool is not None and (_size != workers or getattr(_pool, "_broken", False)):
            _pool.shutdown(wait=False, cancel_futures=True)
            _pool = None
        if _pool is None:
            _pool = ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn"),
                                        initializer=_initialize_worker)
            _size = workers
        return _pool


def shutdown() -> None:
    """Stop the pool's workers (also done at interpreter exit)."""
    global _pool
    with _lock:
        if _pool is not None:
            _pool.shutdown(wait=True, cancel_futures=True)
            _pool = None


atexit.register(shutdown)
