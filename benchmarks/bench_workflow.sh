#!/usr/bin/env bash
# End-to-end: `snakemake --cores 2` from a clean results/ folder, wall time and per-rule totals.
# Usage: bash benchmarks/bench_workflow.sh [cores]   (run from the repository root)
# Writes benchmarks/results/workflow.json.
set -euo pipefail
cores=${1:-2}
rm -rf results .snakemake/metadata .snakemake/incomplete
start=$(date +%s.%N)
snakemake --cores "$cores" --quiet rules
end=$(date +%s.%N)
python - "$start" "$end" "$cores" <<'PY'
import csv, json, pathlib, platform, sys, os
start, end, cores = float(sys.argv[1]), float(sys.argv[2]), int(sys.argv[3])
per_rule = {}
for tsv in pathlib.Path("results/benchmarks").rglob("*.tsv"):
    rule = tsv.relative_to("results/benchmarks").parts[0]
    with open(tsv) as fh:
        row = next(csv.DictReader(fh, delimiter="\t"))
    r = per_rule.setdefault(rule, {"jobs": 0, "seconds": 0.0, "max_rss_mb": 0.0})
    r["jobs"] += 1
    r["seconds"] += float(row["s"])
    r["max_rss_mb"] = max(r["max_rss_mb"], float(row["max_rss"]) if row["max_rss"] not in ("-", "NA") else 0.0)
out = {"cores": cores, "wall_seconds": round(end - start, 2), "per_rule": per_rule,
       "machine": {"cpu_count": os.cpu_count(), "platform": platform.platform()}}
pathlib.Path("benchmarks/results").mkdir(parents=True, exist_ok=True)
pathlib.Path("benchmarks/results/workflow.json").write_text(json.dumps(out, indent=2) + "\n")
print(json.dumps(out, indent=2))
PY
