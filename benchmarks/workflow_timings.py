"""Collect Snakemake's per-job benchmark files into benchmarks/results/workflow.json.

Usage: python benchmarks/workflow_timings.py WALL_SECONDS CORES  (run by bench_workflow.sh)
"""

from __future__ import annotations

import csv
import json
import os
import platform
import sys
from pathlib import Path


def _seconds_and_rss(tsv: Path) -> tuple[float, float]:
    with open(tsv) as fh:
        row = next(csv.DictReader(fh, delimiter="\t"))
    rss = float(row["max_rss"]) if row["max_rss"] not in ("-", "NA") else 0.0
    return float(row["s"]), rss


def main(wall_seconds: float, cores: int) -> dict:
    per_rule, per_paper = {}, {}
    root = Path("results/benchmarks")
    for tsv in sorted(root.rglob("*.tsv")):
        parts = tsv.relative_to(root).parts
        seconds, rss = _seconds_and_rss(tsv)
        r = per_rule.setdefault(parts[0], {"jobs": 0, "seconds": 0.0, "max_rss_mb": 0.0})
        r["jobs"] += 1
        r["seconds"] += seconds
        r["max_rss_mb"] = max(r["max_rss_mb"], rss)
        if len(parts) >= 3:  # <rule>/<paper>/<figure>/...: jobs of one figure
            p = per_paper.setdefault(parts[1], {"figures": set(), "jobs": 0, "seconds": 0.0, "max_rss_mb": 0.0})
            p["figures"].add(Path(parts[2]).stem)
            p["jobs"] += 1
            p["seconds"] += seconds
            p["max_rss_mb"] = max(p["max_rss_mb"], rss)
    for p in per_paper.values():
        p["figures"] = len(p["figures"])
    out = {"cores": cores, "wall_seconds": round(wall_seconds, 2), "per_rule": per_rule, "per_paper": per_paper,
           "machine": {"cpu_count": os.cpu_count(), "platform": platform.platform()}}
    Path("benchmarks/results").mkdir(parents=True, exist_ok=True)
    Path("benchmarks/results/workflow.json").write_text(json.dumps(out, indent=2) + "\n")
    return out


if __name__ == "__main__":
    print(json.dumps(main(float(sys.argv[1]), int(sys.argv[2])), indent=2))
