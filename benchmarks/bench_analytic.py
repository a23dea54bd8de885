"""Time to evaluate the analytic curves of every configured figure (target: < 1 s each).

Usage: python benchmarks/bench_analytic.py [--config config/config.yaml] [--repeat 5]
Writes benchmarks/results/analytic.json and prints a table.
"""

from __future__ import annotations

import argparse
import json
import platform
import time
from pathlib import Path

import numpy as np
import yaml

from isac_core.config import load_experiment
from isac_core.sweep import state_points


def time_figure(spec, repeat):
    points = state_points(spec)
    n = points["point"].size
    params = {k: v for k, v in points.items() if k != "point"}
    params.update({k: (v if isinstance(v, str) else np.full(n, v, float)) for k, v in spec.fixed.items()})
    best = np.inf
    for _ in range(repeat):
        t0 = time.perf_counter()
        for metric in spec.metrics:
            spec.model.metrics[metric].analytic(params)
        best = min(best, time.perf_counter() - t0)
    return n, best


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--config", default="config/config.yaml")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--out", default="benchmarks/results/analytic.json")
    args = parser.parse_args()
    with open(args.config) as fh:
        specs = load_experiment(yaml.safe_load(fh))
    rows = []
    for spec in specs:
        n, best = time_figure(spec, args.repeat)
        rows.append({"figure": spec.name, "metrics": list(spec.metrics), "points": n, "seconds_best_of": best})
        print(f"{spec.name:28s} {n:6d} points  {len(spec.metrics)} metric(s)  {best * 1e3:8.2f} ms")
    out = {"machine": {"cpu_count": __import__("os").cpu_count(), "platform": platform.platform()},
           "repeat": args.repeat, "figures": rows}
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(out, indent=2) + "\n")


if __name__ == "__main__":
    main()
