"""Run `snakemake --cores N` from a clean results/ folder and measure where the time goes.

Usage: python benchmarks/workflow_timings.py [--cores N] [--baseline REF] [--collect-only WALL CPU]
(run by bench_workflow.sh from the repository root). Writes benchmarks/results/workflow.json
and prints the targets:

* wall time;
* total CPU: user + sys of Snakemake and every process it started (the kernel worker pool
  included), from the operating system's accounting of the finished child processes;
* kernel CPU: CPU seconds spent inside the analytic and Monte Carlo kernels, summed over the
  sweep jobs' timing records (results/benchmarks/sweep_chunk/**.json, written by the jobs);
* overhead = (total CPU - kernel CPU) / kernel CPU;
* wall / (total CPU / cores): how well the run keeps the cores busy;
* post-processing share: CPU of the aggregate, plot, check and report jobs over cores x wall,
  and the wall time during which only post-processing runs (no sweep): what it adds to the run;
* a machine-speed reference (raw NumPy draw rate), to compare runs on different machines.

With ``--baseline REF`` it first runs the same command on the commit REF (a temporary git
worktree, with that commit's ``isac_core`` first on the path) and records its wall and total CPU
time beside this checkout's, measured back to back on the same machine.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

POST_RULES = ("aggregate_figure", "plot_figure", "check_figure", "report")


def raw_draw_rate(seconds: float = 2.0) -> float:
    """Millions of uniform doubles per second from NumPy's default generator, one core."""
    gen = np.random.default_rng(0)
    out = np.empty(1 << 20)
    n, t0 = 0, time.perf_counter()
    while time.perf_counter() - t0 < seconds:
        gen.random(out=out)
        n += out.size
    return n / (time.perf_counter() - t0) / 1e6


def run_snakemake(cores: int, checkout: Path = Path(".")) -> tuple[float, float]:
    """Wall and total CPU seconds of a clean `snakemake --cores N` run of ``checkout``."""
    shutil.rmtree(checkout / "results", ignore_errors=True)
    for stale in (".snakemake/metadata", ".snakemake/incomplete"):
        shutil.rmtree(checkout / stale, ignore_errors=True)
    env = {**os.environ, "PYTHONPATH": str(checkout.resolve())}  # this checkout's isac_core
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    subprocess.run([sys.executable, "-m", "snakemake", "--cores", str(cores), "--quiet", "rules"],
                   cwd=checkout, env=env, check=True)
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def run_baseline(ref: str, cores: int) -> dict:
    """The same run on commit ``ref``, in a temporary git worktree."""
    with tempfile.TemporaryDirectory() as tmp:
        tree = Path(tmp) / "baseline"
        subprocess.run(["git", "worktree", "add", "--detach", str(tree), ref], check=True, capture_output=True)
        try:
            commit = subprocess.run(["git", "-C", str(tree), "rev-parse", "HEAD"], check=True,
                                    capture_output=True, text=True).stdout.strip()
            wall, cpu = run_snakemake(cores, tree)
        finally:
            subprocess.run(["git", "worktree", "remove", "--force", str(tree)], check=True, capture_output=True)
    return {"ref": ref, "commit": commit, "wall_s": round(wall, 2), "cpu_total_s": round(cpu, 2),
            "raw_draw_rate_M_per_s": round(raw_draw_rate(), 1)}


def post_processing_alone(root: Path, step: float = 0.1) -> float:
    """Seconds during which a post-processing job runs and no sweep does (from the records' start times)."""
    spans = {"sweep": [], "post": []}
    for path in root.rglob("*.json"):
        r = json.loads(path.read_text())
        if "start" in r:
            spans["sweep" if r["rule"] == "sweep_chunk" else "post"].append((r["start"], r["start"] + r["wall_s"]))
    if not spans["post"]:
        return 0.0
    t0 = min(a for a, _ in spans["sweep"] + spans["post"])
    t1 = max(b for _, b in spans["sweep"] + spans["post"])
    grid = np.arange(t0, t1, step)

    def busy(intervals):
        out = np.zeros(grid.size, bool)
        for a, b in intervals:
            out |= (grid >= a) & (grid < b)
        return out

    return float(step * np.sum(busy(spans["post"]) & ~busy(spans["sweep"])))


def collect(wall: float, cpu_total: float, cores: int) -> dict:
    """Add up the jobs' timing records under results/benchmarks."""
    root = Path("results/benchmarks")
    per_rule, per_paper = {}, {}
    for path in sorted(root.rglob("*.json")):
        record = json.loads(path.read_text())
        parts = path.relative_to(root).parts
        rule = parts[0]
        r = per_rule.setdefault(rule, {"jobs": 0, "wall_s": 0.0, "cpu_s": 0.0, "kernel_cpu_s": 0.0})
        r["jobs"] += 1
        for k in ("wall_s", "cpu_s", "kernel_cpu_s"):
            r[k] += record.get(k, 0.0)
        if len(parts) >= 3:  # <rule>/<paper>/<figure>...
            p = per_paper.setdefault(parts[1], {"figures": set(), "jobs": 0, "cpu_s": 0.0, "kernel_cpu_s": 0.0})
            p["figures"].add(Path(parts[2]).stem)
            p["jobs"] += 1
            p["cpu_s"] += record.get("cpu_s", 0.0)
            p["kernel_cpu_s"] += record.get("kernel_cpu_s", 0.0)
    for p in per_paper.values():
        p["figures"] = len(p["figures"])
    kernel = sum(r["kernel_cpu_s"] for r in per_rule.values())
    post_alone = post_processing_alone(root)
    post = sum(per_rule.get(k, {}).get("cpu_s", 0.0) for k in POST_RULES)
    return {
        "cores": cores,
        "wall_s": round(wall, 2),
        "cpu_total_s": round(cpu_total, 2),
        "kernel_cpu_s": round(kernel, 2),
        "overhead_ratio": round((cpu_total - kernel) / kernel, 3) if kernel else None,
        "wall_over_cpu_per_core": round(wall / (cpu_total / cores), 3) if cpu_total else None,
        "post_processing_cpu_s": round(post, 2),
        "post_processing_share": round(post / (cores * wall), 3) if wall else None,
        "post_processing_alone_s": round(post_alone, 1),
        "jobs": sum(r["jobs"] for r in per_rule.values()),
        "commit": subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True,
                                 text=True).stdout.strip(),
        "per_rule": per_rule,
        "per_paper": per_paper,
        "machine": {"cpu_count": os.cpu_count(), "platform": platform.platform(),
                    "raw_draw_rate_M_per_s": round(raw_draw_rate(), 1)},
    }


def main(argv=None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cores", type=int, default=2)
    parser.add_argument("--baseline", metavar="REF", help="also run commit REF first, for comparison")
    parser.add_argument("--collect-only", nargs=2, type=float, metavar=("WALL", "CPU"),
                        help="do not run; add up the records of the last run with the given wall and CPU")
    args = parser.parse_args(argv)
    baseline = run_baseline(args.baseline, args.cores) if args.baseline else None
    wall, cpu = args.collect_only if args.collect_only else run_snakemake(args.cores)
    out = collect(wall, cpu, args.cores)
    if baseline:
        out["baseline"] = baseline
        print(f"baseline {baseline['ref']}: wall {baseline['wall_s']:.0f} s | CPU {baseline['cpu_total_s']:.0f} s")
    Path("benchmarks/results").mkdir(parents=True, exist_ok=True)
    Path("benchmarks/results/workflow.json").write_text(json.dumps(out, indent=2) + "\n")
    print(f"wall {out['wall_s']:.0f} s | CPU {out['cpu_total_s']:.0f} s, kernels {out['kernel_cpu_s']:.0f} s | "
          f"overhead {100 * out['overhead_ratio']:.0f} % of kernel CPU | wall / (CPU / cores) "
          f"{out['wall_over_cpu_per_core']:.2f} | post-processing {100 * out['post_processing_share']:.1f} % "
          f"of cores x wall, alone for {out['post_processing_alone_s']:.0f} s | "
          f"raw draws {out['machine']['raw_draw_rate_M_per_s']} M/s")
    return out


if __name__ == "__main__":
    main()
