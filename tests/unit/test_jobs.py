"""Jobs that run side by side in one process: separate logs, timing records, the worker pool."""

from __future__ import annotations

import json
import logging
import threading

import pytest

from isac_core import workers
from isac_core.jobs import job, timing_path
from isac_core.logs import job_log
from isac_core.sweep import probe_scheduler


def test_concurrent_jobs_keep_their_own_logs(tmp_path):
    log = logging.getLogger("isac_core.test")
    barrier = threading.Barrier(2)

    def work(name):
        with job_log(tmp_path / f"{name}.log"):
            for i in range(50):
                log.info("%s line %d", name, i)
                if i == 10:
                    barrier.wait()  # both jobs are logging at the same time

    threads = [threading.Thread(target=work, args=(n,)) for n in ("a", "b")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for name, other in (("a", "b"), ("b", "a")):
        text = (tmp_path / f"{name}.log").read_text()
        assert text.count(f"{name} line") == 50
        assert f"{other} line" not in text


def test_a_failing_job_logs_why_and_writes_no_timing_record(tmp_path):
    log_file = tmp_path / "results" / "logs" / "plot_figure" / "p" / "f.log"
    with pytest.raises(ZeroDivisionError), job("plot_figure", log_file):
        1 / 0  # noqa: B018
    assert "ZeroDivisionError" in log_file.read_text()
    assert not timing_path(log_file).exists()


def test_timing_record_beside_the_logs(tmp_path):
    log_file = tmp_path / "results" / "logs" / "sweep_chunk" / "p" / "f" / "0003.log"
    assert timing_path(log_file) == tmp_path / "results" / "benchmarks" / "sweep_chunk" / "p" / "f" / "0003.json"
    with job("sweep_chunk", log_file) as record:
        record["kernel_cpu_s"] = 1.5
        sum(range(10**5))
    saved = json.loads(timing_path(log_file).read_text())
    assert saved["rule"] == "sweep_chunk" and saved["kernel_cpu_s"] == 1.5
    assert saved["cpu_s"] >= 1.5 and saved["wall_s"] > 0


def test_shared_pool_is_reused_and_resized():
    try:
        pool = workers.shared_pool(1)
        assert workers.shared_pool(1) is pool
        assert pool.submit(sum, [1, 2]).result(timeout=60) == 3
        bigger = workers.shared_pool(2)
        assert bigger is not pool
        with pytest.raises(ValueError):
            workers.shared_pool(0)
    finally:
        workers.shutdown()


def test_probe_scheduler_names_the_address():
    with pytest.raises(ConnectionError, match="not of the form"):
        probe_scheduler("tcp://nohostport")
    import socket

    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with pytest.raises(ConnectionError, match=f"no Dask scheduler at tcp://127.0.0.1:{port}"):
        probe_scheduler(f"tcp://127.0.0.1:{port}", timeout=2)
