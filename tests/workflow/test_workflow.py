"""The Snakemake workflow: lint, dry run, a tiny end-to-end run and incremental re-runs.

Each test runs ``snakemake`` in a subprocess on a copy of ``.test/config`` in a
temporary working directory, with the repository's Snakefile.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys

import pytest

from tests.conftest import ROOT, edited_slurm_profile, read_yaml, write_yaml

pytestmark = pytest.mark.workflow


def snakemake(workdir, *args, check=True):
    cmd = [sys.executable, "-m", "snakemake", "-s", str(ROOT / "Snakefile"), "--directory", str(workdir), *args]
    proc = subprocess.run(cmd, cwd=workdir, capture_output=True, text=True, timeout=600)
    if check and proc.returncode != 0:
        raise AssertionError(f"{' '.join(cmd)} failed:\n{proc.stdout}\n{proc.stderr}")
    return proc


def planned_jobs(proc) -> dict[str, int]:
    """Parse the 'Job stats' table of a dry run into {rule: count}."""
    text = proc.stdout + proc.stderr
    if "Nothing to be done" in text:
        return {}
    table = text.split("Job stats:", 1)[1]
    jobs = {}
    for line in table.splitlines()[3:]:
        m = re.match(r"^(\w+)\s+(\d+)\s*$", line)
        if not m:
            break
        jobs[m.group(1)] = int(m.group(2))
    jobs.pop("total", None)
    return jobs


def test_lint_is_clean():
    proc = subprocess.run([sys.executable, "-m", "snakemake", "--lint"], cwd=ROOT, capture_output=True,
                          text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "Congratulations" in proc.stdout + proc.stderr, proc.stdout + proc.stderr


def test_dry_run_plans_every_rule(test_config):
    jobs = planned_jobs(snakemake(test_config, "-n"))
    # fig3: 6 points in chunks of 3 -> 2; fig5: 6 points -> 2
    assert jobs == {"sweep_chunk": 4, "aggregate_figure": 2, "plot_figure": 2, "check_figure": 2,
                    "report": 1, "verdicts": 1, "default": 1}


def test_slurm_profile_sets_chunking(test_config, tmp_path):
    """The profile (account and partition set) parses, selects the SLURM executor and sets the
    chunk size (250 points)."""
    profile = edited_slurm_profile(tmp_path / "profile")
    proc = snakemake(test_config, "-n", "--workflow-profile", str(profile))
    jobs = planned_jobs(proc)
    assert jobs["sweep_chunk"] == 2  # 6-point grids: one chunk each at 250 points per chunk (3 in .test)


def test_bad_config_fails_before_any_job(test_config):
    path = test_config / "config" / "figures" / "li_tradeoff.yaml"
    data = read_yaml(path)
    data["figures"]["fig3"]["grid"]["p_s"] = {"values": [-0.1, 0.2], "units": "W"}
    write_yaml(path, data)
    proc = snakemake(test_config, "--cores", "1", check=False)
    text = proc.stdout + proc.stderr
    assert proc.returncode != 0
    assert "config/figures/li_tradeoff.yaml, figure 'fig3', key 'grid.p_s'" in text, text
    assert not (test_config / "results").exists()


def test_end_to_end_then_noop_then_incremental(test_config):
    snakemake(test_config, "--cores", "2")
    results = test_config / "results"
    for fig in ("fig3", "fig5"):
        base = results / "li_tradeoff" / fig
        for suffix in (".png", ".pdf", ".check.json"):
            assert (base / f"{fig}{suffix}").stat().st_size > 0
        verdict = json.loads((base / f"{fig}.check.json").read_text())
        assert verdict["agreement"], "no analytic-vs-MC comparison was made"
        assert verdict["passed"], json.dumps(verdict, indent=1)
        assert "MC points done" in (results / "logs" / "sweep_chunk" / "li_tradeoff" / fig / "0000.log").read_text()
        timing = json.loads((results / "benchmarks" / "sweep_chunk" / "li_tradeoff" / fig / "0000.json").read_text())
        assert timing["rule"] == "sweep_chunk" and 0 < timing["kernel_cpu_s"] <= timing["cpu_s"]
        assert (results / "benchmarks" / "plot_figure" / "li_tradeoff" / f"{fig}.json").exists()
    html = (results / "report" / "index.html").read_text()
    assert "li_tradeoff/fig3" in html and "data:image/png;base64" in html

    # nothing to do on a second run
    assert planned_jobs(snakemake(test_config, "-n")) == {}

    # change one grid value of the first curve of fig3: only its chunk and what depends on it
    path = test_config / "config" / "figures" / "li_tradeoff.yaml"
    data = read_yaml(path)
    data["figures"]["fig3"]["grid"]["D"]["values"] = [16, 20]
    write_yaml(path, data)
    jobs = planned_jobs(snakemake(test_config, "-n"))
    assert jobs == {"sweep_chunk": 1, "aggregate_figure": 1, "plot_figure": 1, "check_figure": 1,
                    "report": 1, "verdicts": 1, "default": 1}, jobs
