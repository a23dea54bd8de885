"""Time to evaluate the analytic curves of every configured figure (target: < 1 s each, warm).

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
    """Points, first-call time (cold caches of quadrature tables) and best time of ``repeat`` calls."""
    points = state_points(spec)
    n = points["point"].size
    params = {k: v for k, v in points.items() if k != "point"}
    params.update({k: (v if isinstance(v, str) else np.full(n, v, float)) for k, v in spec.fixed.items()})
    kernels = [spec.model.metrics[m].analytic for m in spec.metrics if spec.model.metrics[m].analytic is not None]
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        for kernel in kernels:
            kernel(params)
        times.append(time.perf_counter() - t0)
    return n, len(kernels), times[0], min(times)


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
        n, n_kernels, first, best = time_figure(spec, args.repeat)
        metrics = [m for m in spec.metrics if spec.model.metrics[m].analytic is not None]
        rows.append({"figure": spec.name, "metrics": metrics, "points": n, "seconds_first": first,
                     "seconds_best_of": best})
        print(f"{spec.name:28s} {n:6d} points  {n_kernels} analytic metric(s)  first {first * 1e3:9.2f} ms  "
              f"best {best * 1e3:8.2f} ms")
    out = {"machine": {"cpu_count": __import__("os").cpu_count(), "platform": platform.platform()},
           "repeat": args.repeat, "figures": rows}
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(out, indent=2) + "\n")


if __name__ == "__main__":
    main()
