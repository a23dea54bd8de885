"""Rewrite the results section of benchmarks/README.md from benchmarks/results/*.json."""

from __future__ import annotations

import json
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main():
    mc = json.loads((HERE / "results/mc_kernel.json").read_text())["results"]
    an = json.loads((HERE / "results/analytic.json").read_text())["figures"]
    wf = json.loads((HERE / "results/workflow.json").read_text())
    rows = [
        "### Monte Carlo kernels (one core, random points per second)", "",
        "Target: ≥ 50 % of the raw NumPy draw rate and ≥ 10× the baseline. `speedup` is against",
        "`baseline_per_trial_numpy`, the faster of the two baselines. Last recorded run:", "",
        "| case | M points/s | of raw RNG | speedup |", "|---|---|---|---|",
    ]
    for k, r in mc.items():
        rows.append(f"| `{k}` | {r['points_per_second'] / 1e6:.1f} | {100 * r['fraction_of_raw_rng']:.0f} % "
                    f"| {r['speedup_vs_baseline']:.1f}× |")
    rows += ["", "### Analytic curves of a full figure", "",
             "Target: < 1 s per figure. Best of 5, last recorded run:", "",
             "| figure | grid points | metrics | time |", "|---|---|---|---|"]
    for r in an:
        rows.append(f"| `{r['figure']}` | {r['points']} | {', '.join(r['metrics'])} | "
                    f"{r['seconds_best_of'] * 1e3:.2f} ms |")
    n_jobs = sum(r["jobs"] for r in wf["per_rule"].values())
    rows += ["", "### End to end: `snakemake --cores 2` from a clean `results/`", "",
             "Target: < 3 minutes for every figure and the report at the default precision (standard",
             f"error ≤ 0.003 on every plotted probability). Last recorded run: **{wf['wall_seconds']:.0f} s** wall",
             f"time for {n_jobs} jobs on {wf['cores']} cores. Per rule (sum over jobs; peak memory of one job):", "",
             "| rule | jobs | seconds | max RSS (MB) |", "|---|---|---|---|"]
    for k, r in wf["per_rule"].items():
        rows.append(f"| `{k}` | {r['jobs']} | {r['seconds']:.1f} | {r['max_rss_mb']:.0f} |")
    readme = HERE / "README.md"
    text = readme.read_text()
    a, b = text.index("<!-- results:start -->"), text.index("<!-- results:end -->")
    readme.write_text(text[:a] + "<!-- results:start -->\n" + "\n".join(rows) + "\n" + text[b:])


if __name__ == "__main__":
    main()
