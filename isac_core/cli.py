"""``isac``: run, list and inspect figures without Snakemake.

Examples
--------
``isac list``                         models and configured figures
``isac validate``                     check config/ and exit (what Snakemake does first)
``isac run li_tradeoff/fig3``         compute, plot and check one figure in this process
``isac status``                       per figure: pass/FAIL, and what `snakemake` would re-run
``isac gallery``                      refresh the README's figure gallery from results/
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

from .config import ConfigError, load_experiment, read_config_file
from .models import available_models, get_model
from .sweep import chunk_count

__all__ = ["main"]


def _experiment(args):
    if not Path(args.config).exists():
        raise ConfigError([f"{args.config}: no configuration file here (in {Path.cwd()}); run isac in the "
                           "repository folder, or pass --config PATH (and --workdir for its figures_dir)"])
    config = read_config_file(args.config)
    return load_experiment(config, workdir=args.workdir, config_path=args.config)


def _cmd_list(args):
    print("models:")
    for key in available_models():
        model = get_model(key)
        print(f"  {key}: {model.title}")
        print(f"    metrics: {', '.join(model.metrics)}")
        params = ", ".join(f"{k} [{p.units}]" for k, p in model.parameters.items())
        print(f"    parameters: {params}")
    print("figures:")
    for spec in _experiment(args):
        n = 1
        for s in spec.shape:
            n *= s
        sizes = " x ".join(f"{d}={k}" for d, k in zip(spec.dims, spec.shape, strict=True))
        print(f"  {spec.name}: {spec.title} [{sizes}"
              f" = {n} points, {chunk_count(spec)} chunk(s)]")


def _cmd_validate(args):
    specs = _experiment(args)
    print(f"configuration valid: {len(specs)} figure(s)")


def _cmd_run(args):
    from . import logs
    from .pipeline import run_figure

    logs.configure()
    specs = {s.name: s for s in _experiment(args)}
    targets = args.figures or list(specs)
    for name in targets:
        if name not in specs:
            sys.exit(f"isac: no configured figure {name!r}; configured: {', '.join(specs)}")
    for name in targets:
        p = run_figure(specs[name], args.results, threads=args.threads, address=args.dask_address)
        verdict = json.loads(Path(p["check"]).read_text())
        print(f"{name}: {'pass' if verdict['passed'] else 'FAIL'} -> {p['png']}")


#: The workflow's entry point, next to the package in a checkout (an editable install).
SNAKEFILE = Path(__file__).resolve().parent.parent / "Snakefile"


class WorkflowUnavailable(RuntimeError):
    """Snakemake cannot say what it would do (no workflow here, or it stopped)."""


def workflow_plan(workdir, config) -> dict[str, tuple[str, str]]:
    """What ``snakemake`` would do in ``workdir``: output path -> (status, plan).

    Snakemake's own ``--summary``, so this agrees with ``snakemake -n`` (configuration edits,
    changed code, missing and stale outputs alike).

    Raises
    ------
    WorkflowUnavailable
        Without the repository's Snakefile, or when Snakemake stops (its last line quoted).
    """
    if not SNAKEFILE.exists():
        raise WorkflowUnavailable(f"no workflow at {SNAKEFILE}: isac status needs the repository checkout "
                                  "(an editable install)")
    cmd = [sys.executable, "-m", "snakemake", "-s", str(SNAKEFILE), "--directory", str(workdir), "--summary"]
    if Path(config).resolve() != (Path(workdir) / "config" / "config.yaml").resolve():
        cmd += ["--configfile", str(config)]
    proc = subprocess.run(cmd, capture_output=True, text=True)
    if proc.returncode != 0:
        last = (proc.stderr.strip().splitlines() or ["(no message)"])[-1]
        raise WorkflowUnavailable(f"snakemake --summary stopped in {workdir}: {last}")
    plan = {}
    for line in proc.stdout.splitlines()[1:]:
        fields = line.split("\t")
        if len(fields) >= 6:
            plan[fields[0]] = (fields[4], fields[5])
    return plan


def _cmd_status(args):
    from .pipeline import paths
    from .verdicts import read_verdict

    specs = _experiment(args)
    plan = workflow_plan(args.workdir, args.config)
    counts = {"pass": 0, "FAIL": 0, "to run": 0}
    for spec in specs:
        p = paths(spec, "results")
        outputs = [*p["chunks"], p["dataset"], p["png"], p["pdf"], p["check"]]
        pending = {plan[str(o)][0] for o in outputs if plan.get(str(o), ("", "no update"))[1] != "no update"}
        done = sum((Path(args.workdir) / c).exists() for c in p["chunks"])
        verdict = read_verdict(Path(args.workdir) / p["check"])
        shown = "no verdict" if verdict is None else "pass" if verdict["passed"] else "FAIL"
        if verdict is not None:
            counts[shown] += 1
        if pending:
            counts["to run"] += 1
            state = f"to run ({', '.join(sorted(pending))})" + (" - verdict out of date" if verdict else "")
        else:
            state = "up to date"
        print(f"{spec.name}: {shown}, {state}, {done}/{len(p['chunks'])} chunks")
    print(f"{len(specs)} figure(s): {counts['pass']} pass, {counts['FAIL']} FAIL, {counts['to run']} to run "
          "(snakemake --cores N)" + ("" if counts["to run"] else ", nothing to do"))


def _cmd_gallery(args):
    """Copy the figures into docs/gallery and rewrite the README's gallery section from results."""
    import shutil

    from .pipeline import paths

    gallery = Path(args.gallery)
    gallery.mkdir(parents=True, exist_ok=True)
    lines = ["| figure | verdict |", "|---|---|"]
    quoted = ["| figure | quantity | at | paper | ours (analytic) | Monte Carlo | role |",
              "|---|---|---|---|---|---|---|"]
    images, calibrated = [], []
    for spec in _experiment(args):
        p = paths(spec, args.results)
        if not (p["png"].exists() and p["check"].exists()):
            sys.exit(f"isac: {spec.name} has no results in {args.results}; run snakemake first")
        target = gallery / f"{spec.paper}_{spec.key}.png"
        shutil.copyfile(p["png"], target)
        verdict = json.loads(p["check"].read_text())
        n_ok = sum(c["passed"] for c in verdict["checks"]) + sum(a["passed"] for a in verdict["agreement"])
        n_all = len(verdict["checks"]) + len(verdict["agreement"])
        status = "pass" if verdict["passed"] else "FAIL"
        lines.append(f"| `{spec.name}` {spec.title} | {status} ({n_ok}/{n_all} checks) |")
        images.append(f'<img src="{target.as_posix()}" alt="{spec.name}" width="420">')
        for c in verdict["checks"]:
            if c.get("role") == "calibrated to" and c["kind"] != "value":
                calibrated.append(f"* `{spec.name}`: {c['kind']} check of {c['metric']} ({c.get('source', '')}): "
                                  f"calibrated to ({c['calibrates']} fitted to it), "
                                  f"{'holds' if c['passed'] else 'FAILS'}")
            if c["kind"] == "value" and c.get("source", "").startswith("paper"):
                mc = f"{c['mc']:.4f} ± {c['mc_se']:.4f}" if "mc" in c else "-"
                role = (f"calibrated to ({c['calibrates']} fitted to it)" if c.get("role") == "calibrated to"
                        else "predicted")
                quoted.append(f"| `{spec.name}` | {c['metric']} | {c['at']} | {c['expected']} | "
                              f"{c['analytic']:.4f} | {mc} | {role} |")
    block = "\n".join(["<!-- gallery:start -->",
                       "Generated by `isac gallery` from `results/` (do not edit by hand).", "",
                       *lines, "", "Numbers quoted in the papers, with ours beside them (\"calibrated to\": a",
                       "reconstructed parameter was fitted to the number, so it holds by construction;",
                       "\"predicted\": the model's own prediction):", "", *quoted, "",
                       *(["Other quoted numbers a parameter was calibrated to (not predictions):", "", *calibrated, ""]
                         if calibrated else []),
                       *images, "<!-- gallery:end -->"])
    readme = Path(args.readme)
    text = readme.read_text()
    start, end = text.index("<!-- gallery:start -->"), text.index("<!-- gallery:end -->") + len("<!-- gallery:end -->")
    readme.write_text(text[:start] + block + text[end:])
    print(f"gallery: {len(images)} figure(s) -> {gallery}, {readme}")


def main(argv=None):
    parser = argparse.ArgumentParser(prog="isac", description=__doc__.split("\n\n")[0])
    parser.add_argument("--config", default="config/config.yaml", help="experiment config (default: %(default)s)")
    parser.add_argument("--workdir", default=".", help="folder figures_dir is relative to (default: %(default)s)")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("list", help="models and configured figures").set_defaults(func=_cmd_list)
    sub.add_parser("validate", help="validate the configuration").set_defaults(func=_cmd_validate)
    run = sub.add_parser("run", help="compute, plot and check figures in this process")
    run.add_argument("figures", nargs="*", help="paper/fig keys (default: all configured)")
    run.add_argument("--results", default="results", help="output folder (default: %(default)s)")
    run.add_argument("--threads", type=int, default=1, help="Dask threads (default: %(default)s)")
    run.add_argument("--dask-address", default=None, help="existing dask.distributed scheduler")
    run.set_defaults(func=_cmd_run)
    status = sub.add_parser("status", help="per figure: its verdict and what snakemake would re-run")
    status.set_defaults(func=_cmd_status)
    gallery = sub.add_parser("gallery", help="refresh docs/gallery and the README gallery from results")
    gallery.add_argument("--results", default="results")
    gallery.add_argument("--gallery", default="docs/gallery")
    gallery.add_argument("--readme", default="README.md")
    gallery.set_defaults(func=_cmd_gallery)
    args = parser.parse_args(argv)
    try:
        args.func(args)
    except BrokenPipeError:  # the output was piped into a command that stopped reading (`| head`)
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # no second error at exit
        sys.exit(0)
    except (ConfigError, ConnectionError, WorkflowUnavailable) as exc:  # bad config, no Dask scheduler, ...
        sys.exit(f"isac: {exc}")


if __name__ == "__main__":
    main()
