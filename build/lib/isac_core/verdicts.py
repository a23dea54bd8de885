"""The run's verdict: which figures pass their checks, which fail and why.

Read from the figures' ``check.json`` files (written by :func:`isac_core.checks.check_figure`);
used by the workflow's last rule, by its end-of-run summary and by ``isac status``.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path

__all__ = ["read_verdict", "failures", "summarize", "summary_lines", "ChecksFailed"]


class ChecksFailed(RuntimeError):
    """Raised at the end of a run in which some figures fail their checks."""

    without_traceback = True  # the message is the whole story (see isac_core.logs.job_log)


def read_verdict(path: str | Path) -> dict | None:
    """The verdict in a ``check.json``, or None if there is none (not built yet, or unreadable)."""
    try:
        return json.loads(Path(path).read_text())
    except (OSError, ValueError):
        return None


def failures(verdict: Mapping) -> list[str]:
    """One short line per failed part of a verdict (empty if it passed)."""
    out = []
    complete = verdict.get("completeness", {})
    if complete and not complete.get("passed", True):
        out.append(f"incomplete dataset: {complete.get('note', '')}")
    for a in verdict.get("agreement", []):
        if not a["passed"]:
            out.append(f"analytic vs Monte Carlo, {a['metric']} at {a['curve']}")
    for c in verdict.get("checks", []):
        if not c["passed"]:
            what = f"{c['kind']} check of {c.get('metric', '?')} at {c.get('at', 'every curve')}"
            if c.get("note"):
                what += f": {c['note']}"
            elif c.get("expected") is not None and isinstance(c.get("analytic"), (int, float)):
                what += f": expected {c['expected']:g}, got {c['analytic']:.4g}"
            out.append(what)
    return out


def summarize(checks: Mapping[str, str | Path], report: str | Path | None = None) -> dict:
    """Verdicts of the figures ``name -> check.json path``.

    Returns
    -------
    dict
        ``figures`` (count), ``passed`` (names), ``failed`` (name -> failure lines),
        ``missing`` (names without a verdict) and ``report`` (its path, if given).
    """
    out = {"figures": len(checks), "passed": [], "failed": {}, "missing": [],
           "report": str(report) if report else None}
    for name, path in checks.items():
        verdict = read_verdict(path)
        if verdict is None:
            out["missing"].append(name)
        elif verdict["passed"]:
            out["passed"].append(name)
        else:
            out["failed"][name] = failures(verdict) or ["failed"]
    return out


def summary_lines(summary: Mapping) -> list[str]:
    """The end-of-run summary, a few lines for a person."""
    n, failed, missing = summary["figures"], summary["failed"], summary["missing"]
    lines = [f"isac-sweep: {len(summary['passed'])} of {n} figure(s) pass their checks"
             + (f", {len(failed)} FAIL" if failed else "")
             + (f", {len(missing)} without a verdict" if missing else "")]
    for name, why in failed.items():
        lines.append(f"  FAIL {name}: {why[0]}" + (f" (and {len(why) - 1} more)" if len(why) > 1 else ""))
    if missing:
        lines.append(f"  no verdict (not built, or a job failed): {', '.join(missing)}")
    if summary.get("report"):
        lines.append(f"  report: {summary['report']}")
    return lines
