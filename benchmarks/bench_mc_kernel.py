"""Monte Carlo kernel throughput, in random points per second on one core.

Measured in the same run, on the same machine, single-threaded:

* ``raw_rng``: NumPy drawing just the variates a point needs (one uniform for its
  distance, one unit exponential for its fading), into preallocated buffers;
* ``disk_interference``: the library kernel (draws + path gains + per-trial sums),
  for several path-loss exponents and both point counts;
* ``p_det_kernel`` / ``p_cov_kernel``: the li_tradeoff Monte Carlo metrics end to end
  (also the target RCS / desired link and a 25-threshold sweep);
* baselines, straightforward simulations one trial at a time with a Poisson
  number of points: ``baseline_per_trial_numpy`` (NumPy within each trial:
  polar uniform positions, fading, sum) and ``baseline_per_point_python``
  (positions by rejection from the square, point by point).

Targets: kernel >= 50 % of raw_rng and >= 10x the (faster) per-trial NumPy baseline;
``speedup_vs_baseline`` is relative to that one.

Usage: OMP_NUM_THREADS=1 python benchmarks/bench_mc_kernel.py
Writes benchmarks/results/mc_kernel.json.
"""

from __future__ import annotations

import json
import os
import platform
import time
from pathlib import Path

import numpy as np

from isac_core.geometry import BLOCK_POINTS, disk_interference
from isac_core.models import get_model

N_POINTS = 50
ROUNDS = 7
R = 500.0


def timed(fn, points):
    """A case: ``fn`` processes ``points`` random points per call."""
    return {"fn": fn, "points": points, "best": np.inf}


def raw_rng(total):
    rng = np.random.default_rng(1)
    u = np.empty(BLOCK_POINTS)
    h = np.empty(BLOCK_POINTS)

    def run():
        for _ in range(total // BLOCK_POINTS):
            rng.random(out=u)
            rng.standard_exponential(out=h)

    return timed(run, (total // BLOCK_POINTS) * BLOCK_POINTS)


def kernel(n_trials, alpha, count):
    rng = np.random.default_rng(2)
    out = np.empty(n_trials)
    return timed(lambda: disk_interference(rng, n_trials, N_POINTS, alpha, R, count, out=out),
                 n_trials * N_POINTS)


def metric_kernel(metric, n_trials, n_thresholds=25):
    model = get_model("li_tradeoff")
    params = model.defaults()
    shared = model.metrics[metric].shared_sample_parameters
    threshold = shared[-1]  # the rate threshold (zeta_s / zeta_c)
    params[threshold] = params[threshold] * np.geomspace(0.1, 10, n_thresholds)
    sim = model.metrics[metric].simulate
    rng = np.random.default_rng(3)
    return timed(lambda: sim(rng, n_trials, params), n_trials * N_POINTS)


def baseline_rate(n_trials, alpha=4.0):
    """One trial at a time: Poisson count, rejection sampling in the disk, fading, sum."""
    rng = np.random.default_rng(4)
    total = 0
    t0 = time.perf_counter()
    for _ in range(n_trials):
        k = rng.poisson(N_POINTS)
        pts = []
        while len(pts) < k:
            x, y = rng.uniform(-R, R, size=2)
            if x * x + y * y <= R * R:
                pts.append((x, y))
        s = 0.0
        for x, y in pts:
            s += rng.exponential() * (x * x + y * y) ** (-alpha / 2)
        total += k
    return total / (time.perf_counter() - t0)


def baseline_numpy_per_trial_rate(n_trials, alpha=4.0):
    """One trial at a time, NumPy within the trial: Poisson count, polar uniform points, sum."""
    rng = np.random.default_rng(5)
    total = 0
    t0 = time.perf_counter()
    for _ in range(n_trials):
        k = rng.poisson(N_POINTS)
        r = R * np.sqrt(rng.random(k))
        h = rng.exponential(size=k)
        np.sum(h * r ** (-alpha))
        total += k
    return total / (time.perf_counter() - t0)


def main():
    total = 1 << 24
    n_trials = total // N_POINTS
    cases = {"raw_rng": raw_rng(total)}
    for alpha in (4.0, 3.0, 5.0, 4.4):
        cases[f"disk_interference_fixed_alpha{alpha:g}"] = kernel(n_trials, alpha, "fixed")
    cases["disk_interference_poisson_alpha4"] = kernel(n_trials, 4.0, "poisson")
    cases["p_det_kernel_alpha4_25_thresholds"] = metric_kernel("p_det", 20000)
    cases["p_cov_kernel_alpha4_25_thresholds"] = metric_kernel("p_cov", 20000)
    # interleave the cases over several rounds (warm-up and frequency drift hit all alike); keep each best
    for _ in range(ROUNDS):
        for case in cases.values():
            t0 = time.perf_counter()
            case["fn"]()
            case["best"] = min(case["best"], time.perf_counter() - t0)
    rates = {name: c["points"] / c["best"] for name, c in cases.items()}
    rates["baseline_per_point_python"] = baseline_rate(3000)
    rates["baseline_per_trial_numpy"] = baseline_numpy_per_trial_rate(20000)
    raw, base = rates["raw_rng"], rates["baseline_per_trial_numpy"]
    rows = {k: {"points_per_second": v, "fraction_of_raw_rng": v / raw, "speedup_vs_baseline": v / base}
            for k, v in rates.items()}
    for k, r in rows.items():
        print(f"{k:40s} {r['points_per_second'] / 1e6:9.2f} M points/s  {100 * r['fraction_of_raw_rng']:6.1f} % "
              f"of raw  {r['speedup_vs_baseline']:8.1f}x baseline")
    out = {"machine": {"cpu_count": os.cpu_count(), "platform": platform.platform(),
                       "numpy": np.__version__, "OMP_NUM_THREADS": os.environ.get("OMP_NUM_THREADS")},
           "points_per_trial": N_POINTS, "results": rows}
    Path("benchmarks/results").mkdir(parents=True, exist_ok=True)
    Path("benchmarks/results/mc_kernel.json").write_text(json.dumps(out, indent=2) + "\n")


if __name__ == "__main__":
    main()
