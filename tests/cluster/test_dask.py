"""The workflow on a ``dask.distributed`` cluster that already runs (``dask_address``).

The cluster is a scheduler and two workers started as separate processes on 127.0.0.1 with
the ``dask`` command line, as a user would start them, and stopped by PID at the end.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from isac_core.config import load_experiment
from isac_core.sweep import chunk_task, probe_scheduler, run_chunk
from tests.cluster.compare import assert_same_datasets
from tests.conftest import ROOT, read_yaml

pytestmark = pytest.mark.dask

DASK = str(Path(sys.executable).with_name("dask"))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def dask_cluster(tmp_path_factory):
    """``tcp://127.0.0.1:<port>`` of a scheduler with two single-threaded workers."""
    if not Path(DASK).exists():
        pytest.skip("the dask command line is not installed")
    folder = tmp_path_factory.mktemp("dask")
    address = f"tcp://127.0.0.1:{free_port()}"
    procs = [subprocess.Popen([DASK, "scheduler", "--host", "127.0.0.1", "--port", address.rsplit(":", 1)[1],
                               "--no-dashboard"], stdout=(folder / "scheduler.log").open("w"),
                              stderr=subprocess.STDOUT, start_new_session=True)]
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                probe_scheduler(address, timeout=1)
                break
            except ConnectionError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)
        for i in range(2):
            procs.append(subprocess.Popen(
                [DASK, "worker", address, "--nthreads", "1", "--no-dashboard", "--name", f"w{i}",
                 "--local-directory", str(folder / f"w{i}")],
                stdout=(folder / f"worker{i}.log").open("w"), stderr=subprocess.STDOUT, start_new_session=True))
        from distributed import Client

        with Client(address, timeout=30) as client:
            client.wait_for_workers(2, timeout=60)
        yield address
    finally:
        for p in reversed(procs):  # stop by PID: workers first, then the scheduler
            if p.poll() is None:
                os.killpg(p.pid, signal.SIGTERM)
        for p in procs:
            try:
                p.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(p.pid, signal.SIGKILL)


def snakemake(workdir: Path, *args, timeout=600) -> subprocess.CompletedProcess:
    cmd = [sys.executable, "-m", "snakemake", "-s", str(ROOT / "Snakefile"), "--directory", str(workdir), *args]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)


def copy_test_config(path: Path) -> Path:
    shutil.copytree(ROOT / ".test" / "config", path / "config")
    return path


def test_figures_through_a_dask_cluster_are_identical_to_a_local_run(dask_cluster, tmp_path):
    remote = copy_test_config(tmp_path / "remote")
    proc = snakemake(remote, "--cores", "2", "--config", f"dask_address={dask_cluster}")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    local = copy_test_config(tmp_path / "local")
    proc = snakemake(local, "--cores", "2", "--config", "chunk_size=1")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert_same_datasets(remote / "results", local / "results")
    # the chunk jobs declared what they used: one thread, the tasks ran on the cluster
    record = json.loads((remote / "results/benchmarks/sweep_chunk/li_tradeoff/fig5/0000.json").read_text())
    assert record["kernel_cpu_s"] > 0


def test_an_unreachable_scheduler_fails_in_seconds_with_one_line(tmp_path):
    address = f"tcp://127.0.0.1:{free_port()}"  # nothing listens there
    workdir = copy_test_config(tmp_path)
    t0 = time.monotonic()
    proc = snakemake(workdir, "--cores", "2", "--config", f"dask_address={address}", timeout=120)
    elapsed = time.monotonic() - t0
    text = proc.stdout + proc.stderr
    assert proc.returncode != 0
    lines = [line for line in text.splitlines() if address in line]
    assert len(lines) == 1 and "no Dask scheduler at" in lines[0], text
    assert "Traceback" not in text, text
    assert not (workdir / "results").exists()
    assert elapsed < 60, elapsed  # Snakemake's start-up included; Dask's own retries take minutes


def test_the_library_fails_in_seconds_too():
    spec = next(s for s in load_experiment(read_yaml(ROOT / ".test/config/config.yaml"), workdir=ROOT / ".test")
                if s.key == "fig3")
    address = f"tcp://127.0.0.1:{free_port()}"
    t0 = time.monotonic()
    with pytest.raises(ConnectionError, match=f"no Dask scheduler at {address}"):
        run_chunk(chunk_task(spec, 0), address=address)
    assert time.monotonic() - t0 < 10


def test_the_command_line_says_so_in_one_line(tmp_path):
    address = f"tcp://127.0.0.1:{free_port()}"
    proc = subprocess.run([sys.executable, "-m", "isac_core.cli", "--config", str(ROOT / ".test/config/config.yaml"),
                           "--workdir", str(ROOT / ".test"), "run", "li_tradeoff/fig3", "--results", str(tmp_path),
                           "--dask-address", address], capture_output=True, text=True, timeout=120)
    assert proc.returncode != 0
    assert proc.stderr.strip().splitlines()[-1].startswith(f"isac: no Dask scheduler at {address}"), proc.stderr
    assert "Traceback" not in proc.stderr
