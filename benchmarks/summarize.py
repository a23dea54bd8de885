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
             "Target: < 1 s per figure once the quadrature tables are cached (missed by sun_blockage/fig5;",
             "han_survey/fig4a_surrogate needs 4 s cold for the two rate integrals of its ~900 configurations,",
             "then 50 ms).",
             "First call (cold",
             "caches) and best of 5, last recorded run:", "",
             "| figure | grid points | analytic metrics | first | best |", "|---|---|---|---|---|"]
    for r in an:
        rows.append(f"| `{r['figure']}` | {r['points']} | {', '.join(r['metrics']) or '(simulation only)'} | "
                    f"{r['seconds_first'] * 1e3:.1f} ms | {r['seconds_best_of'] * 1e3:.2f} ms |")
    n_jobs = sum(r["jobs"] for r in wf["per_rule"].values())
    rows += ["", "### End to end: `snakemake --cores 2` from a clean `results/`", "",
             "Target: < 15 minutes for every figure of the five papers and the report at the default",
             "precision (li_tradeoff ≤ 3 min, sui_coop6g ≤ 4 min more, meng_coop and sun_blockage ≤ 3 min more",
             "each, han_survey ≤ 2 min more). Last recorded run:",
             f"**{wf['wall_seconds']:.0f} s** wall",
             f"time for {n_jobs} jobs on {wf['cores']} cores. Per rule (sum over jobs; peak memory of one job):", "",
             "| rule | jobs | seconds | max RSS (MB) |", "|---|---|---|---|"]
    for k, r in wf["per_rule"].items():
        rows.append(f"| `{k}` | {r['jobs']} | {r['seconds']:.1f} | {r['max_rss_mb']:.0f} |")
    if wf.get("note"):
        rows += ["", f"Note: {wf['note']}."]
    rows += ["", "Per paper (CPU seconds summed over its jobs; on 2 cores the wall time is about half):", "",
             "| paper | figures | jobs | seconds | max RSS (MB) |", "|---|---|---|---|---|"]
    for k, r in wf.get("per_paper", {}).items():
        rows.append(f"| `{k}` | {r['figures']} | {r['jobs']} | {r['seconds']:.1f} | {r['max_rss_mb']:.0f} |")
    sui = HERE / "results/mc_sui.json"
    if sui.exists():
        ms = json.loads(sui.read_text())
        rows += ["", "### sui_coop6g simulation kernels (one core)", "",
                 "Every cluster size of a figure comes from one set of draws. Last recorded run:", "",
                 "| kernel | trials/s |", "|---|---|"]
        for k, r in ms["throughput"].items():
            rows.append(f"| `{k}` | {r['trials_per_second']:,.0f} |")
        rows += ["", "Peak traced memory of the `fig9` chunk (40 markers) against the trial count:", "",
                 "| trials per marker | peak (MB) | seconds |", "|---|---|---|"]
        for n, r in ms["memory_fig9_chunk"].items():
            rows.append(f"| {int(n):,} | {r['peak_mb']:.1f} | {r['seconds']:.1f} |")
    readme = HERE / "README.md"
    text = readme.read_text()
    a, b = text.index("<!-- results:start -->"), text.index("<!-- results:end -->")
    readme.write_text(text[:a] + "<!-- results:start -->\n" + "\n".join(rows) + "\n" + text[b:])


if __name__ == "__main__":
    main()
