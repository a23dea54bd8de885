"""One pipeline job: its log, and a record of the time it took.

The workflow's rules run their step inside :func:`job`, which logs to the job's
log file (see :func:`isac_core.logs.job_log`) and writes a timing record next to
the other jobs' records::

    results/logs/<rule>/<paper>/<fig>[/<chunk>].log          the log
    results/benchmarks/<rule>/<paper>/<fig>[/<chunk>].json   the timing record

A record holds the job's start (seconds since the epoch), its wall time, the CPU seconds of the thread that ran it
(``cpu_s``) and, for a sweep, the CPU seconds spent inside the kernels wherever
they ran (``kernel_cpu_s``, filled in by :func:`isac_core.sweep.run_chunk`).
``benchmarks/workflow_timings.py`` adds the records up.
"""

from __future__ import annotations

import contextlib
import json
import time
from pathlib import Path

from .logs import job_log

__all__ = ["job", "timing_path"]


def timing_path(log_file: str | Path) -> Path:
    """``results/benchmarks/<...>.json`` for the log file ``results/logs/<...>.log``."""
    path = Path(log_file)
    parts = path.parts
    if "logs" not in parts:
        return path.with_suffix(".timing.json")
    i = len(parts) - 1 - parts[::-1].index("logs")
    return Path(*parts[:i], "benchmarks", *parts[i + 1:]).with_suffix(".json")


@contextlib.contextmanager
def job(rule: str, log_file: str | Path):
    """Run a job's step with its log and timing record.

    Yields a dict that the step may add to (``kernel_cpu_s``, ...); it is written
    with ``rule``, ``wall_s`` and ``cpu_s`` when the step succeeds.
    """
    record: dict = {"rule": rule, "start": time.time()}
    with job_log(log_file):
        wall, cpu = time.perf_counter(), time.thread_time()
        yield record
        record["wall_s"] = time.perf_counter() - wall
        record["cpu_s"] = time.thread_time() - cpu + record.get("kernel_cpu_s", 0.0)
    out = timing_path(log_file)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(record, indent=1) + "\n")
