"""``isac``: run, list and inspect figures without Snakemake.

Examples
--------
``isac list``                         models (parameters with meaning, unit, default) and figures
``isac list meng_coop``               one model in detail
``isac checks``                       the kinds of figure check, with the keys each needs and takes
``isac validate``                     check config/ and exit (what Snakemake does first)
``isac run li_tradeoff/fig3``         compute, plot and check one figure in this process
``isac run --all``                    every configured figure
``isac report``                       the HTML report from results/, without Snakemake
``isac status``                       per figure: pass/FAIL, and what `snakemake` would re-run
``isac gallery``                      refresh the README's figure gallery from results/
``isac new-model mymodel``            the skeleton of a model package (docs/adding-a-model.md)
"""

from __future__ import annotations

import argparse
import difflib
import json
import os
import subprocess
import sys
from pathlib import Path

from . import __version__
from .config import ConfigError, load_experiment, read_config_file
from .grid import chunk_count
from .models import PluginError, available_models, get_model

__all__ = ["main"]


def _experiment(args):
    if not Path(args.config).exists():
        raise ConfigError([f"{args.config}: no configuration file here (in {Path.cwd()}); run isac in the "
                           "repository folder, or pass --config PATH (and --workdir for its figures_dir)"])
    config = read_config_file(args.config)
    return load_experiment(config, workdir=args.workdir, config_path=args.config)


def did_you_mean(name: str, known) -> str:
    """`` (did you mean 'x'?)`` for the closest known name, or an empty string."""
    close = difflib.get_close_matches(name, list(known), n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else ""


def _describe_model(key: str) -> list[str]:
    model = get_model(key)
    lines = [f"  {key}: {model.title}", f"    reference: {model.reference}", "    parameters:"]
    for name, p in model.parameters.items():
        symbol = f" ({p.symbol})" if p.symbol and p.symbol != name else ""
        unit = "" if p.units == "1" else f" [{p.units}]"
        default = "none" if p.default is None else p.default if isinstance(p.default, str) else f"{p.default:g}"
        lines.append(f"      {name}{symbol}{unit}: {p.long_name}; default {default}")
    lines.append("    metrics:")
    for name, m in model.metrics.items():
        how = " + ".join(k for k, f in (("analytic", m.analytic), ("Monte Carlo", m.simulate)) if f is not None)
        unit = "" if m.units == "1" else f" [{m.units}]"
        lines.append(f"      {name}{unit}: {m.long_name} ({how})")
    return lines


def _cmd_checks(args):
    from .checks import KINDS

    print("check kinds (a check has kind and metric; any kind may also have at, source, calibrates, note):")
    for kind in KINDS.values():
        print(f"  {kind.name}: {kind.summary}")
        print(f"    needs: {', '.join(sorted(kind.needs)) or '-'}; may have: {', '.join(sorted(kind.takes)) or '-'}")


def _cmd_list(args):
    models = available_models()
    if args.model:
        if args.model not in models:
            raise ConfigError([f"no model {args.model!r}{did_you_mean(args.model, models)}; models: "
                               f"{', '.join(models)}"])
        print("\n".join(_describe_model(args.model)))
        return
    print("models:")
    for key in models:
        print("\n".join(_describe_model(key)))
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

    specs = {s.name: s for s in _experiment(args)}
    if not args.figures and not args.all:
        raise ConfigError([f"name the figures to run (isac run li_tradeoff/fig3 ...) or run all {len(specs)} "
                           "configured ones with --all; isac list shows them"])
    targets = list(specs) if args.all else args.figures
    unknown = [n for n in targets if n not in specs]
    if unknown:
        raise ConfigError([f"no configured figure {n!r}{did_you_mean(n, specs)}" for n in unknown]
                          + [f"configured: {', '.join(specs)}"])
    logs.configure()
    for name in targets:
        p = run_figure(specs[name], args.results, threads=args.threads, address=args.dask_address)
        verdict = json.loads(Path(p["check"]).read_text())
        print(f"{name}: {'pass' if verdict['passed'] else 'FAIL'} -> {p['png']}")


def _cmd_report(args):
    from .pipeline import paths, report

    entries, missing = [], []
    for spec in _experiment(args):
        p = paths(spec, args.results)
        if all(p[k].exists() for k in ("dataset", "check", "png")):
            entries.append((p["dataset"], p["check"], p["png"]))
        else:
            missing.append(spec.name)
    if missing and not args.partial:
        raise ConfigError([f"no results in {args.results} for {', '.join(missing)}: run them first "
                           "(isac run, or snakemake), or pass --partial to report the others"])
    if not entries:
        raise ConfigError([f"no figure has results in {args.results}"])
    out = Path(args.results) / "report" / "index.html"
    errata = Path(args.workdir) / "docs" / "errata.md"
    report(entries, out, errata=errata if errata.exists() else None)
    print(f"report: {len(entries)} figure(s) -> {out}")


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
    from .report import quoted_numbers

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
        for q in quoted_numbers(verdict):
            quoted.append(f"| `{spec.name}` | {q['metric']} | {q['at']} | {q['paper']} | "
                          f"{q['analytic']:.4f} | {q['mc']} | {q['role']} |")
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


def _cmd_new_model(args):
    from .scaffold import new_model

    if args.name in available_models():
        raise ConfigError([f"a model {args.name!r} is registered already; choose another name"])
    try:
        root = new_model(args.name, args.path)
    except (ValueError, OSError) as exc:
        raise ConfigError([f"cannot write the package: {exc}"]) from None
    print(f"new model package: {root}\n  pip install -e {root}\n  pytest {root / 'tests'}\n"
          f"  select: {{{args.name}: all}} in config/config.yaml, then snakemake --cores N "
          "(docs/adding-a-model.md)")


def _subcommand(sub, common, name, summary, example, func):
    parser = sub.add_parser(name, parents=[common], help=summary, description=summary[:1].upper() + summary[1:] + ".",
                            epilog=f"example:\n  {example}", formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.set_defaults(func=func)
    return parser


def main(argv=None):
    # --config / --workdir are accepted before or after the subcommand
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--config", default=argparse.SUPPRESS,
                        help="experiment config (default: config/config.yaml)")
    common.add_argument("--workdir", default=argparse.SUPPRESS,
                        help="folder figures_dir (and, for isac status, results/) is relative to (default: .)")
    summary = __doc__.split("\n\n")[0].replace("``", "")
    parser = argparse.ArgumentParser(prog="isac", description=summary, parents=[common],
                                     epilog="examples:\n" + __doc__.split("--------\n")[1].replace("``", ""),
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--version", action="version", version=f"isac-sweep {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    listing = _subcommand(sub, common, "list", "models (parameters with meaning, unit and default) and figures",
                          "isac list meng_coop", _cmd_list)
    listing.add_argument("model", nargs="?", help="show only this model")
    _subcommand(sub, common, "checks", "the kinds of figure check, with the keys each needs and takes",
                "isac checks", _cmd_checks)
    _subcommand(sub, common, "validate", "validate the configuration and exit", "isac validate --config my.yaml",
                _cmd_validate)
    run = _subcommand(sub, common, "run", "compute, plot and check figures in this process (no Snakemake)",
                      "isac run li_tradeoff/fig3 meng_coop/fig4 --threads 2", _cmd_run)
    run.add_argument("figures", nargs="*", help="paper/fig keys (isac list shows them)")
    run.add_argument("--all", action="store_true", help="every configured figure")
    run.add_argument("--results", default="results", help="output folder (default: %(default)s)")
    run.add_argument("--threads", type=int, default=1, help="Dask threads (default: %(default)s)")
    run.add_argument("--dask-address", default=None, help="existing dask.distributed scheduler")
    rep = _subcommand(sub, common, "report", "build the HTML report from results (no Snakemake)",
                      "isac report --results results", _cmd_report)
    rep.add_argument("--results", default="results", help="results folder (default: %(default)s)")
    rep.add_argument("--partial", action="store_true", help="report the figures that have results, skip the rest")
    _subcommand(sub, common, "status", "per figure: its verdict and what snakemake would re-run", "isac status",
                _cmd_status)
    scaffold = _subcommand(sub, common, "new-model", "write the skeleton of a model package (installs and tests)",
                           "isac new-model mymodel --path ..", _cmd_new_model)
    scaffold.add_argument("name", help="model key (lower case letters, digits and _)")
    scaffold.add_argument("--path", default=".", help="folder to write isac-<name>/ in (default: %(default)s)")
    gallery = _subcommand(sub, common, "gallery", "refresh docs/gallery and the README gallery from results",
                          "isac gallery", _cmd_gallery)
    gallery.add_argument("--results", default="results")
    gallery.add_argument("--gallery", default="docs/gallery")
    gallery.add_argument("--readme", default="README.md")
    args = parser.parse_args(argv)
    args.config = getattr(args, "config", "config/config.yaml")
    args.workdir = getattr(args, "workdir", ".")
    try:
        args.func(args)
    except BrokenPipeError:  # the output was piped into a command that stopped reading (`| head`)
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # no second error at exit
        sys.exit(0)
    except (ConfigError, ConnectionError, WorkflowUnavailable, PluginError) as exc:  # bad config, no Dask, ...
        sys.exit(f"isac: {exc}")
    except Exception as exc:  # a damaged store, a failing check, ...: one line where the error says so
        if getattr(exc, "without_traceback", False):
            sys.exit(f"isac: {exc}")
        raise


if __name__ == "__main__":
    main()
