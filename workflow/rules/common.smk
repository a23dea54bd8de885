# Helpers only: load and validate the configuration, resolve what each job needs, and run a
# job's step. Each step is a one-line `run` block calling an isac_core.pipeline function in
# this Snakemake process, so no job starts an interpreter (README, "How it works").
import json
import re
import sys
from pathlib import Path

from isac_core import pipeline, verdicts, workers
from isac_core.config import ConfigError, FigureSpec, load_experiment
from isac_core.jobs import job
from isac_core.provenance import code_digest
from isac_core.sweep import chunk_task, probe_scheduler

try:
    FIGURES = {spec.name: spec for spec in load_experiment(config, workdir=".")}
except ConfigError as exc:
    sys.exit(f"isac-sweep: {exc}")


def profile_placeholders():
    """default-resources still set to a profile's placeholder (YOUR_ACCOUNT, ...)."""
    args = getattr(workflow.resource_settings.default_resources, "args", None) or []
    pairs = (str(a).partition("=") for a in args)
    return [f"{k} ({v})" for k, _, v in pairs if re.fullmatch(r"['\"]?YOUR_[A-Z_]+['\"]?", v)]


if workflow.is_main_process and profile_placeholders():
    sys.exit(
        "isac-sweep: the profile's default-resources still hold placeholders: "
        f"{', '.join(profile_placeholders())}. Set them in the profile you run with "
        "(profiles/slurm/config.yaml): your SLURM account and partition, as listed by "
        "`sacctmgr show assoc user=$USER format=account,partition` and `sinfo -s`."
    )

# A runtime setting that changes no number (not a rerun trigger): where the Monte Carlo
# tasks run. Checked once, before any job, so a wrong address fails in seconds.
DASK_ADDRESS = config.get("dask_address")
if DASK_ADDRESS and workflow.is_main_process:
    try:
        probe_scheduler(DASK_ADDRESS)
    except ConnectionError as exc:
        sys.exit(f"isac-sweep: {exc}")


def figure_spec(wildcards):
    name = f"{wildcards.paper}/{wildcards.fig}"
    if name not in FIGURES:  # a target outside the configuration: say what is configured
        sys.exit(f"isac-sweep: {name} is not a configured figure (config/config.yaml, select); "
                 f"configured: {', '.join(FIGURES)}")
    return FIGURES[name]


def chunk_params(wildcards):
    """The resolved task of one chunk: only what that chunk computes."""
    return chunk_task(figure_spec(wildcards), int(wildcards.chunk))


def figure_chunks(wildcards):
    return [str(p) for p in pipeline.paths(figure_spec(wildcards))["chunks"]]


def aggregate_params(wildcards):
    """The figure minus its plot and check settings (restyling re-runs nothing upstream)."""
    spec = figure_spec(wildcards).to_dict()
    spec.pop("plot")
    spec.pop("checks")
    return spec


def figure_params(wildcards):
    return figure_spec(wildcards).to_dict()


def all_outputs(kind):
    return [str(pipeline.paths(spec)[kind]) for spec in FIGURES.values()]


REPORT = "results/report/index.html"
# What a failing figure does to the run (config failing_checks: fail or warn); a runtime setting.
FAILING_CHECKS = config.get("failing_checks", "fail")


def run_sweep(task, out, log_file, threads):
    """One chunk. In a local run's Snakemake process its tasks go to the run's shared pool of
    worker processes (one per core); in a cluster job, to `threads` threads of that job; with
    dask_address, to that Dask cluster."""
    pool = None
    if workflow.is_main_process and workflow.local_exec and not DASK_ADDRESS:
        pool = workers.shared_pool(workflow.cores)
    with job("sweep_chunk", log_file) as record:
        pipeline.sweep_chunk(task, out, threads=workflow.cores if pool else threads, pool=pool,
                             address=DASK_ADDRESS, timing=record)


def run_figure_step(rule, log_file, step, spec, *args):
    """A post-processing step of one figure (``spec``: the figure's params) with its log."""
    with job(rule, log_file):
        step(FigureSpec.from_dict(spec), *args)


#: The errata the report shows, if the working directory has them (a copy of the repository does).
ERRATA = ["docs/errata.md"] if Path("docs/errata.md").exists() else []


def run_report(log_file, datasets, checks, pngs, errata, out):
    with job("report", log_file):
        pipeline.report(list(zip(datasets, checks, pngs, strict=True)), out, errata=errata)


def run_verdicts(log_file, checks, report, out):
    """Write the run's verdict; fail if a figure fails its checks (unless failing_checks: warn)."""
    with job("verdicts", log_file):
        summary = verdicts.summarize(dict(zip(FIGURES, checks, strict=True)), report)
        Path(out).write_text(json.dumps(summary, indent=2) + "\n")
        failed = summary["failed"]
        if failed and FAILING_CHECKS == "fail":
            raise verdicts.ChecksFailed(
                f"{len(failed)} figure(s) FAIL their checks: {', '.join(failed)} (report: {report}; "
                "with --config failing_checks=warn a failing check is only reported)"
            )


def print_summary():
    """The end-of-run summary: how many figures pass, which FAIL and why, where the report is."""
    if not workflow.is_main_process:
        return
    checks = {name: pipeline.paths(spec)["check"] for name, spec in FIGURES.items()}
    report_path = REPORT if Path(REPORT).exists() else None
    print("\n".join(verdicts.summary_lines(verdicts.summarize(checks, report_path))), file=sys.stderr)
