#!/usr/bin/env bash
# End-to-end: `snakemake --cores N` from a clean results/ folder. Prints and records (in
# benchmarks/results/workflow.json) the wall time, the CPU time of the whole run, the CPU time
# of the sweep kernels, and the targets derived from them (benchmarks/README.md).
# Usage: bash benchmarks/bench_workflow.sh [cores] [baseline git ref]
#   e.g. bash benchmarks/bench_workflow.sh 2 50b51c0   (the baseline runs first, back to back)
set -euo pipefail
cd "$(dirname "$0")/.."
exec python benchmarks/workflow_timings.py --cores "${1:-2}" ${2:+--baseline "$2"}
