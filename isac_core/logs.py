"""Logging for pipeline jobs: to the job's log file and to stderr.

An ``excepthook`` makes uncaught errors land in the log too, so a failed job's
log says why it failed.
"""

from __future__ import annotations

import logging
import sys
from pathlib import Path

__all__ = ["configure"]


def configure(log_file: str | Path | None = None, level: int = logging.INFO) -> logging.Logger:
    """Send ``isac_core`` log records to ``log_file`` (if given) and stderr."""
    fmt = logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s", "%Y-%m-%d %H:%M:%S")
    handlers: list[logging.Handler] = [logging.StreamHandler(sys.stderr)]
    if log_file:
        Path(log_file).parent.mkdir(parents=True, exist_ok=True)
        handlers.append(logging.FileHandler(log_file, mode="w"))
    root = logging.getLogger("isac_core")
    root.handlers.clear()
    for h in handlers:
        h.setFormatter(fmt)
        root.addHandler(h)
    root.setLevel(level)
    root.propagate = False

    def hook(exc_type, exc, tb):
        root.error("uncaught exception", exc_info=(exc_type, exc, tb))
        sys.__excepthook__(exc_type, exc, tb)

    sys.excepthook = hook
    return root
