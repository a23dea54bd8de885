"""sui_coop6g Monte Carlo: kernel throughput and memory against the trial count.

* Throughput (trials per second, one core) of the three simulation kernels, each
  evaluating every cluster size of its figure from one set of draws: coverage
  (``L = 1..4``, ``K = 200`` BSs and the mean tail), sensing (``N = 1..10``) and the
  Conjecture 1 sums (``L = 4``).
* Peak traced memory of a whole figure chunk (``fig9``: 40 markers, rates) at
  increasing trial counts: the engine simulates in batches of ``batch_size`` trials
  and each kernel in blocks of 4096, so the peak must not grow with the count.

Usage: OMP_NUM_THREADS=1 python benchmarks/bench_mc_sui.py
Writes benchmarks/results/mc_sui.json.
"""

from __future__ import annotations

import dataclasses
import json
import os
import platform
import time
import tracemalloc
from pathlib import Path

import numpy as np

from isac_core.config import load_figure_file
from isac_core.models.sui_coop6g import coverage, gamma_approx, sensing
from isac_core.sweep import chunk_task, run_chunk

ROUNDS = 3


def best_rate(fn, n_trials):
    best = np.inf
    for _ in range(ROUNDS):
        t0 = time.perf_counter()
        fn(n_trials)
        best = min(best, time.perf_counter() - t0)
    return n_trials / best


def throughput():
    rng = np.random.default_rng(1)
    cases = {
        "coverage_L1to4_K200": (lambda n: coverage.coverage_sir_samples(
            rng, n, np.arange(1, 5), M_t=10, p_c=0.5, p_t=1.0, beta=4.0, density=1.0, gains="independent",
            fading="model", n_nearest=200), 100_000),
        "sensing_N1to10_K200": (lambda n: sensing.sensing_sir_samples(
            rng, n, np.arange(1, 11), M_t=10, M_r=6, sigma2=1.0, p_s=0.5, p_t=1.0, beta=4.0, density=1.0,
            fading="model", n_nearest=200), 40_000),
        "conjecture1_sums_L4": (lambda n: gamma_approx.conjecture1_sums(rng, n, 4, 4.0, 1.0, 10), 400_000),
    }
    return {k: {"trials_per_second": best_rate(fn, n), "trials_per_call": n} for k, (fn, n) in cases.items()}


def memory():
    spec = load_figure_file(Path("config/figures/sui_coop6g.yaml"), seed=1)["fig9"]
    out = {}
    for n_trials in (20_000, 100_000, 400_000):
        s = dataclasses.replace(spec, n_trials=n_trials)
        task = chunk_task(s, 0)
        tracemalloc.start()
        t0 = time.perf_counter()
        run_chunk(task, threads=1, scheduler="synchronous")
        seconds = time.perf_counter() - t0
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        out[str(n_trials)] = {"peak_mb": peak / 2**20, "seconds": seconds, "batch_size": s.batch_size}
        print(f"fig9 chunk, {n_trials:7d} trials/marker: peak {peak / 2**20:7.1f} MB, {seconds:6.1f} s")
    return out


def main():
    rates = throughput()
    for k, r in rates.items():
        print(f"{k:24s} {r['trials_per_second']:10.0f} trials/s")
    out = {"machine": {"cpu_count": os.cpu_count(), "platform": platform.platform()},
           "throughput": rates, "memory_fig9_chunk": memory()}
    Path("benchmarks/results").mkdir(parents=True, exist_ok=True)
    Path("benchmarks/results/mc_sui.json").write_text(json.dumps(out, indent=2) + "\n")


if __name__ == "__main__":
    main()
