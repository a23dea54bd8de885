"""``isac``: run, list and inspect figures without Snakemake.

Examples
--------
``isac list``                         models and configured figures
``isac validate``                     check config/ and exit (what Snakemake does first)
``isac run li_tradeoff/fig3``         compute, plot and check one figure in this process
``isac status``                       chunks present vs expected, per figure
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import yaml

from .config import ConfigError, load_experiment
from .models import available_models, get_model
from .sweep import chunk_bounds

__all__ = ["main"]


def _experiment(args):
    with open(args.config) as fh:
        config = yaml.safe_load(fh) or {}
    return load_experiment(config, workdir=args.workdir, config_path=args.config)


def _cmd_list(args):
    print("models:")
    for key in available_models():
        model = get_model(key)
        print(f"  {key}: {model.title}")
        print(f"    metrics: {', '.join(model.metrics)}")
        print(f"    parameters: {', '.join(model.parameters)}")
    print("figures:")
    for spec in _experiment(args):
        n = 1
        for s in spec.shape:
            n *= s
        print(f"  {spec.name}: {spec.title} [{' x '.join(f'{d}={k}' for d, k in zip(spec.dims, spec.shape, strict=True))}"
              f" = {n} points, {len(chunk_bounds(spec))} chunk(s)]")


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


def _cmd_status(args):
    from .pipeline import paths

    for spec in _experiment(args):
        p = paths(spec, args.results)
        done = sum(c.exists() for c in p["chunks"])
        state = "checked" if p["check"].exists() else "aggregated" if p["dataset"].exists() else "running/pending"
        print(f"{spec.name}: {done}/{len(p['chunks'])} chunks, {state}")


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
    status = sub.add_parser("status", help="progress of each figure in a results folder")
    status.add_argument("--results", default="results")
    status.set_defaults(func=_cmd_status)
    args = parser.parse_args(argv)
    try:
        args.func(args)
    except ConfigError as exc:
        sys.exit(f"isac: {exc}")


if __name__ == "__main__":
    main()
