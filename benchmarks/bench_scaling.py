"""How the workflow's cost grows with the number of chunks, from 10^2 to 10^4.

Usage: python benchmarks/bench_scaling.py [--counts 100 1000 10000] [--run-up-to 10000]
(run from the repository root). Writes benchmarks/results/scaling.json.

Two measurements per chunk count N, on a generated configuration: one li_tradeoff figure of
N points (P_D against p_s, analytic only, so the kernels cost nothing) at one point per chunk:

* DAG construction: `snakemake -n` (parse, validate, plan N sweep jobs): wall time, CPU
  time and peak memory;
* per-chunk overhead: a real `snakemake --cores 2` of the same N chunks, from a clean results
  folder; its CPU time (Snakemake, the worker pool, the aggregation of N chunk stores, one plot,
  one check, the report) divided by N. Done for N up to ``--run-up-to``.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent


def write_config(folder: Path, n_points: int) -> None:
    figures = folder / "figures"
    figures.mkdir(parents=True)
    (folder / "config.yaml").write_text(yaml.safe_dump({
        "seed": 1, "figures_dir": "config/figures", "select": {"li_tradeoff": "all"},
        "defaults": {"target_se": 0.01, "batch_size": 1000, "chunk_size": 1},
    }))
    (figures / "li_tradeoff.yaml").write_text(yaml.safe_dump({
        "paper": "li_tradeoff", "model": "li_tradeoff", "title": "scaling benchmark",
        "figures": {"fig1": {
            "title": "P_D vs p_s",
            "metrics": ["p_det"],
            "grid": {"D": {"values": [20], "units": "m"},
                     "p_s": {"linspace": [0.01, 1, n_points], "units": "W"}},
            "mc": {"enabled": False},
            "plot": {"x": {"param": "p_s", "units": "W"}, "y": {"metric": "p_det"}},
            "checks": [{"kind": "monotone", "metric": "p_det", "along": "p_s", "direction": "increasing"}],
        }},
    }, sort_keys=False))


#: Runs a command and prints the CPU seconds and the peak RSS (kB) of it and its children, in a
#: process of its own (the peak RSS of a process's children is the largest it has ever waited for).
_MEASURE = ("import resource, subprocess, sys; subprocess.run(sys.argv[1:], check=True, "
            "stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL); "
            "u = resource.getrusage(resource.RUSAGE_CHILDREN); print(u.ru_utime + u.ru_stime, u.ru_maxrss)")


def measure(cmd: list[str], cwd: Path) -> dict:
    """Wall, CPU (the command and its children) and peak RSS of one command."""
    t0 = time.perf_counter()
    out = subprocess.run([sys.executable, "-c", _MEASURE, *cmd], cwd=cwd, check=True, capture_output=True, text=True)
    wall = time.perf_counter() - t0
    cpu, rss_kb = out.stdout.split()
    return {"wall_s": round(wall, 2), "cpu_s": round(float(cpu), 2), "peak_rss_mb": round(int(rss_kb) / 1024, 1)}


def main(argv=None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--counts", type=int, nargs="+", default=[100, 1000, 10000])
    parser.add_argument("--run-up-to", type=int, default=10000, help="largest N also run for real")
    parser.add_argument("--cores", type=int, default=2)
    args = parser.parse_args(argv)
    rows = []
    for n in args.counts:
        with tempfile.TemporaryDirectory() as tmp:
            work = Path(tmp)
            write_config(work / "config", n)
            base = [sys.executable, "-m", "snakemake", "-s", str(ROOT / "Snakefile"), "--directory", str(work)]
            row = {"chunks": n, "dry_run": measure([*base, "-n", "--quiet"], work)}
            if n <= args.run_up_to:
                run = measure([*base, "--cores", str(args.cores), "--quiet", "rules"], work)
                run["cpu_per_chunk_ms"] = round(1000 * run["cpu_s"] / n, 1)
                run["wall_per_chunk_ms"] = round(1000 * run["wall_s"] / n, 1)
                row["run"] = run
            rows.append(row)
            print(json.dumps(row), flush=True)
    commit = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"], capture_output=True,
                            text=True).stdout.strip()
    out = {"cores": args.cores, "commit": commit, "rows": rows, "machine": {"cpu_count": os.cpu_count()}}
    (ROOT / "benchmarks" / "results").mkdir(parents=True, exist_ok=True)
    (ROOT / "benchmarks" / "results" / "scaling.json").write_text(json.dumps(out, indent=2) + "\n")
    return out


if __name__ == "__main__":
    main()
