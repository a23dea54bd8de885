"""A run never ends green on a failing, missing, stale or damaged result.

One finished run of ``.test`` is made once; each test works on its own copy of it.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys

import pytest

from tests.conftest import ROOT, read_yaml, write_yaml
from tests.workflow.test_workflow import planned_jobs, snakemake

pytestmark = pytest.mark.workflow


@pytest.fixture(scope="module")
def finished(tmp_path_factory):
    work = tmp_path_factory.mktemp("finished")
    shutil.copytree(ROOT / ".test" / "config", work / "config")
    proc = snakemake(work, "--cores", "2")
    assert "2 of 2 figure(s) pass their checks" in proc.stderr, proc.stderr[-2000:]
    return work


@pytest.fixture
def run(finished, tmp_path):
    """A copy of the finished run (results and Snakemake's records), free to change."""
    work = tmp_path / "run"
    shutil.copytree(finished, work, symlinks=True)
    return work


def quote_a_wrong_number(work):
    path = work / "config" / "figures" / "li_tradeoff.yaml"
    data = read_yaml(path)
    data["figures"]["fig3"]["checks"][0]["expected"] = 0.5  # the paper says 0.3245
    write_yaml(path, data)


def test_a_failing_figure_fails_the_run_and_is_named_last(run):
    quote_a_wrong_number(run)
    proc = snakemake(run, "--cores", "2", check=False)
    assert proc.returncode != 0
    tail = "\n".join(proc.stderr.strip().splitlines()[-8:])
    assert "1 of 2 figure(s) pass their checks, 1 FAIL" in tail, tail
    assert "FAIL li_tradeoff/fig3: value check of p_det" in tail, tail
    assert "report: results/report/index.html" in tail, tail
    # the other figure and the report are still built, and the failure is not forgotten
    assert (run / "results" / "report" / "index.html").exists()
    again = snakemake(run, "--cores", "2", check=False)
    assert again.returncode != 0 and "FAIL li_tradeoff/fig3" in again.stderr


def test_the_switch_turns_a_failing_check_into_a_warning(run):
    quote_a_wrong_number(run)
    proc = snakemake(run, "--cores", "2", "--config", "failing_checks=warn")
    assert "FAIL li_tradeoff/fig3" in "\n".join(proc.stderr.strip().splitlines()[-8:])


@pytest.mark.parametrize("deleted", ["fig3/fig3.zarr", "fig3/fig3.pdf", "fig3/fig3.check.json", "fig5"])
def test_a_deleted_output_is_rebuilt(run, deleted):
    target = run / "results" / "li_tradeoff" / deleted
    shutil.rmtree(target) if target.is_dir() else target.unlink()
    jobs = planned_jobs(snakemake(run, "-n"))
    assert jobs, f"nothing planned after deleting {deleted}"
    snakemake(run, "--cores", "2")
    assert target.exists()
    assert planned_jobs(snakemake(run, "-n")) == {}


def test_a_killed_aggregates_temporary_is_cleaned_up(run):
    dataset = run / "results" / "li_tradeoff" / "fig3" / "fig3.zarr"
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    leftover = dataset.with_name(f"fig3.zarr.tmp-{dead.pid}-0a1b2c3d-{socket.gethostname()}")
    shutil.copytree(dataset, leftover)  # what `kill -9` during aggregate_figure leaves
    shutil.rmtree(dataset)
    snakemake(run, "--cores", "2")
    assert dataset.exists() and not leftover.exists()


def test_an_edited_shared_module_plans_its_users_sweeps(run, tmp_path):
    # a scratch copy of the code, edited in localization (used by meng_coop and han_survey) and in
    # units (used by every model): the .test figures (li_tradeoff) re-run for units only
    code = tmp_path / "code"
    for part in ("isac_core", "workflow", "Snakefile"):
        (shutil.copytree if (ROOT / part).is_dir() else shutil.copyfile)(ROOT / part, code / part)
    env = {**os.environ, "PYTHONPATH": str(code)}

    def planned():
        cmd = [sys.executable, "-m", "snakemake", "-s", str(code / "Snakefile"), "--directory", str(run), "-n"]
        return planned_jobs(subprocess.run(cmd, cwd=run, env=env, capture_output=True, text=True, timeout=300))

    assert planned() == {}
    with open(code / "isac_core" / "localization.py", "a") as fh:
        fh.write("\n# an edit\n")
    assert planned() == {}
    # the code of a post-processing step re-runs that step only (here a module of the checks package)
    assert (code / "isac_core" / "checks" / "shape.py").is_file()
    with open(code / "isac_core" / "checks" / "shape.py", "a") as fh:
        fh.write("\n# an edit\n")
    jobs = planned()
    assert jobs.get("check_figure") == 2 and "sweep_chunk" not in jobs and "aggregate_figure" not in jobs, jobs
    with open(code / "isac_core" / "units.py", "a") as fh:
        fh.write("\n# an edit\n")
    assert planned().get("sweep_chunk") == 4  # every chunk of fig3 and fig5


def isac_status(work):
    proc = subprocess.run([sys.executable, "-m", "isac_core.cli", "status"], cwd=work, capture_output=True,
                          text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    return dict(line.split(": ", 1) for line in proc.stdout.splitlines() if line.startswith("li_tradeoff/"))


def test_status_agrees_with_snakemake(run):
    assert isac_status(run) == {"li_tradeoff/fig3": "pass, up to date, 2/2 chunks",
                                "li_tradeoff/fig5": "pass, up to date, 2/2 chunks"}
    # a config edit: snakemake plans fig3 only, and so does status
    path = run / "config" / "figures" / "li_tradeoff.yaml"
    data = read_yaml(path)
    data["figures"]["fig3"]["grid"]["D"]["values"] = [16, 20]
    write_yaml(path, data)
    assert planned_jobs(snakemake(run, "-n"))["sweep_chunk"] == 1
    status = isac_status(run)
    assert status["li_tradeoff/fig3"].startswith("pass, to run (params changed) - verdict out of date")
    assert status["li_tradeoff/fig5"] == "pass, up to date, 2/2 chunks"
    # a deleted chunk store and a failing verdict
    shutil.rmtree(run / "results" / "li_tradeoff" / "fig5" / "chunks" / "0001.zarr")
    quote_a_wrong_number(run)
    snakemake(run, "--cores", "2", "--config", "failing_checks=warn")
    status = isac_status(run)
    assert status["li_tradeoff/fig3"] == "FAIL, up to date, 2/2 chunks"
    # a missing intermediate (a chunk whose figure dataset is current) is not rebuilt: same as snakemake
    assert status["li_tradeoff/fig5"] == "pass, up to date, 1/2 chunks"
    assert planned_jobs(snakemake(run, "-n")) == {}


def test_the_gallery_says_which_quoted_numbers_were_calibrated(run):
    readme = run / "README.md"
    readme.write_text("# x\n<!-- gallery:start -->\n<!-- gallery:end -->\n")
    proc = subprocess.run([sys.executable, "-m", "isac_core.cli", "gallery", "--readme", str(readme),
                           "--gallery", str(run / "gallery")], cwd=run, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    row = next(line for line in readme.read_text().splitlines() if line.startswith("| `li_tradeoff/fig3` | p_det"))
    assert row.endswith("| calibrated to (noise_factor F and zeta_s fitted to it) |"), row
