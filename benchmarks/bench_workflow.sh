#!/usr/bin/env bash
# End-to-end: `snakemake --cores 2` from a clean results/ folder, wall time, per-rule and per-paper totals.
# Usage: bash benchmarks/bench_workflow.sh [cores]   (run from the repository root)
# Writes benchmarks/results/workflow.json.
set -euo pipefail
cores=${1:-2}
rm -rf results .snakemake/metadata .snakemake/incomplete
start=$(date +%s.%N)
snakemake --cores "$cores" --quiet rules
end=$(date +%s.%N)
python benchmarks/workflow_timings.py "$(python -c "print($end - $start)")" "$cores"
