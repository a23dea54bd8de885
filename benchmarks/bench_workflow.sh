#!/usr/bin/env bash
# End-to-end: `snakemake --cores N` from a clean results/ folder. Prints and records (in
# benchmarks/results/workflow.json) the wall time, the CPU time of the whole run, the CPU time
# of the sweep kernels, and the targets derived from them (benchmarks/README.md).
# Usage: bash benchmarks/bench_workflow.sh [cores]   (run from the repository root)
set -euo pipefail
cd "$(dirname "$0")/.."
exec python benchmarks/workflow_timings.py --cores "${1:-2}"
