"""The workflow on a real SLURM cluster, through ``--workflow-profile profiles/slurm``.

The cluster is the single-node one of ``tests/cluster/slurm.sh`` (Debian packages, started
without systemd), brought up by the ``slurm_cluster`` fixture if it is not running. Each test
does what the README's cluster section tells a user to do: copy the profile, set the account
and partition, run ``snakemake --workflow-profile <profile>``. Skipped, with the reason, on a
machine without root or apt-get.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml

from tests.cluster.compare import assert_same_datasets
from tests.conftest import ROOT, edited_slurm_profile

pytestmark = pytest.mark.slurm

SLURM_SH = ROOT / "tests" / "cluster" / "slurm.sh"
ACCOUNT, PARTITION = "isac", "debug"
#: A run in which one job is cancelled must still end within this many seconds.
CANCEL_BOUND_S = 240


@pytest.fixture(scope="session")
def slurm_cluster():
    """Node and partition limits of the running test cluster."""
    if os.geteuid() != 0:
        pytest.skip("the SLURM cluster tests need root (they install and start SLURM daemons)")
    if shutil.which("apt-get") is None:
        pytest.skip("the SLURM cluster tests need apt-get (Debian packages)")
    subprocess.run(["bash", str(SLURM_SH), "up"], check=True, timeout=600)
    node = dict(kv.split("=", 1) for kv in _run("scontrol", "-o", "show", "node").split() if "=" in kv)
    part = dict(kv.split("=", 1) for kv in _run("scontrol", "-o", "show", "partition", PARTITION).split()
                if "=" in kv)
    return {"cpus": int(node["CPUTot"]), "mem_mb": int(node["RealMemory"]),
            "max_minutes": _minutes(part["MaxTime"])}


def _run(*cmd) -> str:
    return subprocess.run(cmd, check=True, capture_output=True, text=True, timeout=60).stdout


def _minutes(limit: str) -> float:
    """SLURM time limit (``[D-]HH:MM:SS``, ``MM``, ``UNLIMITED``) in minutes."""
    if limit in ("UNLIMITED", "INFINITE", "Partition_Limit"):
        return float("inf")
    days, _, clock = limit.rpartition("-")
    parts = [int(p) for p in clock.split(":")]
    if len(parts) == 1:  # minutes
        return float(parts[0]) + 1440 * int(days or 0)
    while len(parts) < 3:
        parts.insert(0, 0)
    h, m, s = parts
    return 1440 * int(days or 0) + 60 * h + m + s / 60


def _mem_mb(req: str) -> float:
    """``ReqMem`` of sacct (``2000M``, ``4G``, ``2000Mc``) in MB."""
    req = req.rstrip("cn")
    scale = {"K": 1 / 1024, "M": 1, "G": 1024, "T": 1024**2}[req[-1]]
    return float(req[:-1]) * scale


def edited_profile(tmp_path: Path) -> Path:
    return edited_slurm_profile(tmp_path / "profile", ACCOUNT, PARTITION)


def workdir_with_test_config(path: Path, **defaults) -> Path:
    path.mkdir()
    shutil.copytree(ROOT / ".test" / "config", path / "config")
    if defaults:
        cfg = path / "config" / "config.yaml"
        data = yaml.safe_load(cfg.read_text())
        data["defaults"].update(defaults)
        cfg.write_text(yaml.safe_dump(data, sort_keys=False))
    return path


def snakemake_cmd(workdir: Path, *args) -> list[str]:
    return [sys.executable, "-m", "snakemake", "-s", str(ROOT / "Snakefile"), "--directory", str(workdir), *args]


def sacct_jobs(workdir: Path) -> list[dict]:
    """Every SLURM job (allocation, not step) submitted from ``workdir``."""
    out = _run("sacct", "-X", "-n", "-P", "--starttime", "now-1days", "--endtime", "now",
               "-o", "JobID,State,ReqCPUS,ReqMem,Timelimit,WorkDir%400")
    keys = ("id", "state", "cpus", "mem", "time", "workdir")
    rows = [dict(zip(keys, line.split("|"), strict=True)) for line in out.splitlines() if line]
    return [r for r in rows if Path(r["workdir"]) == workdir]


def wait_for_accounting(workdir: Path, n: int, timeout: float = 30.0) -> list[dict]:
    """Jobs of ``workdir`` once ``n`` of them are in a final state in the accounting database."""
    deadline = time.monotonic() + timeout
    while True:
        jobs = sacct_jobs(workdir)
        final = [j for j in jobs if j["state"].split()[0] not in ("PENDING", "RUNNING", "REQUEUED")]
        if len(final) >= n or time.monotonic() > deadline:
            return jobs
        time.sleep(1)


def test_test_config_through_slurm_is_identical_to_a_local_run(slurm_cluster, tmp_path):
    slurm_dir = workdir_with_test_config(tmp_path / "slurm")
    proc = subprocess.run(snakemake_cmd(slurm_dir, "--workflow-profile", str(edited_profile(tmp_path))),
                          capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stdout + proc.stderr

    # every chunk was one sbatch job, and every job COMPLETED
    n_chunks = len(list((slurm_dir / "results").glob("*/*/chunks/*.zarr")))
    assert n_chunks == 2  # .test at the profile's chunk_size=250: one chunk per figure
    jobs = wait_for_accounting(slurm_dir, n_chunks)
    assert len(jobs) == n_chunks, jobs
    assert all(j["state"] == "COMPLETED" for j in jobs), jobs
    # post-processing stayed off the queue: it ran in the Snakemake process
    text = proc.stdout + proc.stderr
    for rule in ("aggregate_figure", "plot_figure", "check_figure", "report"):
        assert f"localrule {rule}:" in text

    # each request is the rule's own (2 CPUs, 2000 MB, 20 min) and fits the node and partition
    for j in jobs:
        assert int(j["cpus"]) == 2 <= slurm_cluster["cpus"], j
        assert _mem_mb(j["mem"]) == 2000 <= slurm_cluster["mem_mb"], j
        assert _minutes(j["time"]) == 20 <= slurm_cluster["max_minutes"], j

    # the same configuration run locally, with another chunking, gives the same numbers
    local_dir = workdir_with_test_config(tmp_path / "local")
    subprocess.run(snakemake_cmd(local_dir, "--cores", "2"), check=True, capture_output=True, timeout=600)
    assert_same_datasets(slurm_dir / "results", local_dir / "results")


def test_a_cancelled_job_is_resubmitted_and_the_run_finishes(slurm_cluster, tmp_path):
    workdir = workdir_with_test_config(tmp_path / "run")
    cmd = snakemake_cmd(workdir, "--workflow-profile", str(edited_profile(tmp_path)))
    t0 = time.monotonic()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                            start_new_session=True)
    try:
        victim = None
        while victim is None and time.monotonic() - t0 < 120 and proc.poll() is None:
            running = [line.split("|")[0] for line in _run("squeue", "-h", "-t", "RUNNING", "-o", "%i|%Z").splitlines()
                       if Path(line.split("|")[1]) == workdir]
            if running:
                victim = running[0]
                subprocess.run(["scancel", victim], check=True)
            else:
                time.sleep(0.2)
        assert victim is not None, "no job of the run was ever seen running"
        out, _ = proc.communicate(timeout=CANCEL_BOUND_S - (time.monotonic() - t0))
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGINT)
        out, _ = proc.communicate(timeout=60)
        pytest.fail(f"the run did not finish within {CANCEL_BOUND_S} s after a cancelled job:\n{out[-3000:]}")
    assert proc.returncode == 0, out
    jobs = {j["id"]: j for j in wait_for_accounting(workdir, 3)}
    assert jobs[victim]["state"].startswith("CANCELLED"), jobs
    completed = [j for j in jobs.values() if j["state"] == "COMPLETED"]
    assert len(completed) == 2, jobs  # both chunks, one of them resubmitted
    # the resubmission (attempt 2) asked for twice the memory and time of the first attempt
    requests = sorted((_mem_mb(j["mem"]), _minutes(j["time"])) for j in completed)
    assert requests == [(2000, 20), (4000, 40)], jobs
    assert (workdir / "results" / "report" / "index.html").exists()


def test_profile_placeholders_stop_the_run_before_any_submission(slurm_cluster, tmp_path):
    workdir = workdir_with_test_config(tmp_path / "run")
    proc = subprocess.run(snakemake_cmd(workdir, "--workflow-profile", str(ROOT / "profiles" / "slurm")),
                          capture_output=True, text=True, timeout=300)
    text = proc.stdout + proc.stderr
    assert proc.returncode != 0
    assert "slurm_account (YOUR_ACCOUNT)" in text and "slurm_partition (YOUR_PARTITION)" in text, text
    assert "Traceback" not in text, text
    assert not (workdir / "results").exists()
    assert sacct_jobs(workdir) == []
