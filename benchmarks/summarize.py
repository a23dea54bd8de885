"""Rewrite the results section of benchmarks/README.md from benchmarks/results/*.json."""

from __future__ import annotations

import json
from pathlib import Path

HERE = Path(__file__).resolve().parent


def workflow_rows(wf: dict) -> list[str]:
    """The end-to-end section from workflow.json (bench_workflow.sh)."""
    pct = lambda x: f"{100 * x:.0f} %"  # noqa: E731
    rows = ["", f"### End to end: `snakemake --cores {wf['cores']}` from a clean `results/`", "",
            "Targets: wall time ≤ 200 s on the 2-core reference machine at the default precision; overhead",
            "(CPU of the whole run − CPU inside the kernels) ≤ 25 % of the kernels' CPU; wall ≤ 1.3 × total",
            "CPU / cores; post-processing ≤ 10 % of the run: its jobs' CPU over cores × wall, and the wall time",
            "during which only post-processing runs (no sweep), which is what it adds to the run.",
            f"Last recorded run, from a clean `results/` of commit {wf.get('commit', '?')}"
            + (f", with the commit before this engine ({wf['baseline']['commit'][:7]}) run just before it on the "
               "same machine:" if "baseline" in wf else ":"), "",
            "| | wall | total CPU | kernel CPU | overhead | wall / (CPU / cores) | post-processing (alone) "
            "| raw draws |",
            "|---|---|---|---|---|---|---|---|"]
    if "baseline" in wf:
        b = wf["baseline"]
        rows.append(f"| `{b['commit'][:7]}` (before) | {b['wall_s']:.0f} s | {b['cpu_total_s']:.0f} s | – | – | "
                    f"{b['wall_s'] / (b['cpu_total_s'] / wf['cores']):.2f} | – | {b['raw_draw_rate_M_per_s']} M/s |")
    rows.append(f"| this checkout | **{wf['wall_s']:.0f} s** | {wf['cpu_total_s']:.0f} s | "
                f"{wf['kernel_cpu_s']:.0f} s | **{pct(wf['overhead_ratio'])}** | "
                f"**{wf['wall_over_cpu_per_core']:.2f}** | "
                f"**{100 * wf['post_processing_share']:.1f} %** ({wf['post_processing_alone_s']:.0f} s) | "
                f"{wf['machine']['raw_draw_rate_M_per_s']} M/s |")
    rows += ["", f"{wf['jobs']} jobs. Per rule (sums over jobs; `cpu` is the CPU of the job's own thread plus, for",
             "a sweep, its kernels wherever they ran):", "",
             "| rule | jobs | wall (s) | CPU (s) | kernel CPU (s) |", "|---|---|---|---|---|"]
    for k, r in wf["per_rule"].items():
        rows.append(f"| `{k}` | {r['jobs']} | {r['wall_s']:.1f} | {r['cpu_s']:.1f} | {r['kernel_cpu_s']:.1f} |")
    rows += ["", "Per paper:", "", "| paper | figures | jobs | CPU (s) | kernel CPU (s) |", "|---|---|---|---|---|"]
    for k, r in wf.get("per_paper", {}).items():
        rows.append(f"| `{k}` | {r['figures']} | {r['jobs']} | {r['cpu_s']:.1f} | {r['kernel_cpu_s']:.1f} |")
    return rows


def scaling_rows(sc: dict) -> list[str]:
    """The DAG-construction and per-chunk overhead table from scaling.json (bench_scaling.py)."""
    rows = ["", "### Scaling with the number of chunks", "",
            "One analytic-only li_tradeoff figure at one point per chunk (the kernels cost nothing), so the",
            "numbers are the workflow's own cost. `snakemake -n`: parse, validate and plan; the run: a clean",
            f"`snakemake --cores {sc['cores']}`, CPU of everything it started divided by the chunk count.", "",
            "| chunks | `-n` wall | `-n` peak memory | run wall | run CPU per chunk | run wall per chunk |",
            "|---|---|---|---|---|---|"]
    for r in sc["rows"]:
        d, run = r["dry_run"], r.get("run")
        tail = (f"{run['wall_s']:.0f} s | {run['cpu_per_chunk_ms']:.0f} ms | {run['wall_per_chunk_ms']:.0f} ms"
                if run else "not run | | ")
        rows.append(f"| {r['chunks']:,} | {d['wall_s']:.1f} s | {d['peak_rss_mb']:.0f} MB | {tail} |")
    runs = [r for r in sc["rows"] if r.get("run")]
    if len(runs) >= 2:
        a, b = runs[-2], runs[-1]
        grow = b["chunks"] / a["chunks"]
        rows += ["", f"From {a['chunks']:,} to {b['chunks']:,} chunks ({grow:.0f}×) planning took "
                 f"{b['dry_run']['wall_s'] / a['dry_run']['wall_s']:.1f}× as long and "
                 f"{b['dry_run']['peak_rss_mb'] / a['dry_run']['peak_rss_mb']:.1f}× the memory, and the CPU per chunk "
                 f"of a run grew {b['run']['cpu_per_chunk_ms'] / a['run']['cpu_per_chunk_ms']:.1f}×: a chunk's own "
                 "cost (its job's bookkeeping, its store and manifest, its timing record) is constant, and "
                 "what grows is Snakemake's scheduling of the pending jobs. "
                 f"Measured at commit {sc.get('commit', '?')}."]
    return rows


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
    rows += workflow_rows(wf)
    scaling = HERE / "results/scaling.json"
    if scaling.exists():
        rows += scaling_rows(json.loads(scaling.read_text()))
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
    papers = HERE / "results/mc_papers.json"
    if papers.exists():
        mp = json.loads(papers.read_text())
        rows += ["", "### Monte Carlo kernels of every paper against their raw draws", "",
                 "One batch of one representative curve per kernel (one core), against NumPy making just the",
                 "draws that batch makes (the same generator calls, replayed). Target: ≥ 50 % of the raw draw",
                 f"rate. Best of {mp['rounds']} interleaved rounds, last recorded run:", "",
                 "| paper | figure | metric | trials | kernel | raw draws | of raw | draws |",
                 "|---|---|---|---|---|---|---|---|"]
        for r in mp["results"]:
            rows.append(f"| `{r['paper']}` | `{r['figure']}` | `{r['metric']}` | {r['trials_per_batch']:,} | "
                        f"{r['kernel_seconds'] * 1e3:.1f} ms | {r['raw_seconds'] * 1e3:.1f} ms | "
                        f"{100 * r['fraction']:.0f} % | {r['draws']} |")
    readme = HERE / "README.md"
    text = readme.read_text()
    a, b = text.index("<!-- results:start -->"), text.index("<!-- results:end -->")
    readme.write_text(text[:a] + "<!-- results:start -->\n" + "\n".join(rows) + "\n" + text[b:])


if __name__ == "__main__":
    main()
