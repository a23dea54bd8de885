"""Logging for pipeline jobs and for the command line.

Two set-ups:

* :func:`configure`, for a process that runs one thing (``isac run``): records
  go to stderr and optionally to a file, and an ``excepthook`` puts uncaught
  errors in the file too.
* :func:`job_log`, for jobs that run side by side in threads of one process
  (the Snakemake process of a local run): each record goes to the log file of
  the job whose thread emitted it, so concurrent jobs never mix their logs.
  Progress lines and warnings are also shown on stderr.
"""

from __future__ import annotations

import contextlib
import contextvars
import logging
import sys
import threading
from pathlib import Path

__all__ = ["configure", "job_log", "FORMAT"]

FORMAT = logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s", "%Y-%m-%d %H:%M:%S")

#: The log file handler of the job running in the current thread, if any.
_job_handler: contextvars.ContextVar[logging.Handler | None] = contextvars.ContextVar("isac_job_log", default=None)
_router_lock = threading.Lock()


def configure(log_file: str | Path | None = None, level: int = logging.INFO) -> logging.Logger:
    """Send ``isac_core`` log records to ``log_file`` (if given) and stderr."""
    handlers: list[logging.Handler] = [logging.StreamHandler(sys.stderr)]
    if log_file:
        Path(log_file).parent.mkdir(parents=True, exist_ok=True)
        handlers.append(logging.FileHandler(log_file, mode="w"))
    root = logging.getLogger("isac_core")
    root.handlers.clear()
    for h in handlers:
        h.setFormatter(FORMAT)
        root.addHandler(h)
    root.setLevel(level)
    root.propagate = False

    def hook(exc_type, exc, tb):
        root.error("uncaught exception", exc_info=(exc_type, exc, tb))
        sys.__excepthook__(exc_type, exc, tb)

    sys.excepthook = hook
    return root


class _JobRouter(logging.Handler):
    """Hands each record to the current thread's job log, if there is one."""

    def emit(self, record):
        handler = _job_handler.get()
        if handler is not None:
            handler.handle(record)


def _console_worthy(record: logging.LogRecord) -> bool:
    return record.levelno >= logging.WARNING or record.name == "isac_core.progress"


def _install_router(level: int) -> None:
    root = logging.getLogger("isac_core")
    with _router_lock:
        if any(isinstance(h, _JobRouter) for h in root.handlers):
            return
        root.handlers.clear()
        console = logging.StreamHandler(sys.stderr)
        console.setFormatter(FORMAT)
        console.addFilter(_console_worthy)
        root.addHandler(console)
        root.addHandler(_JobRouter())
        root.setLevel(level)
        root.propagate = False


@contextlib.contextmanager
def job_log(log_file: str | Path, level: int = logging.INFO):
    """Log this thread's ``isac_core`` records to ``log_file`` while the block runs.

    An exception leaving the block is logged before it propagates, so a failed
    job's log says why it failed: with its traceback, unless the exception says
    what is wrong by itself (a class attribute ``without_traceback = True``, as
    on a failing verdict or a damaged store).
    """
    _install_router(level)
    path = Path(log_file)
    path.parent.mkdir(parents=True, exist_ok=True)
    handler = logging.FileHandler(path, mode="w")
    handler.setFormatter(FORMAT)
    token = _job_handler.set(handler)
    try:
        yield logging.getLogger("isac_core")
    except BaseException as exc:
        if getattr(exc, "without_traceback", False):
            logging.getLogger("isac_core.job").error("job failed: %s", exc)
        else:
            logging.getLogger("isac_core.job").exception("job failed")
        raise
    finally:
        _job_handler.reset(token)
        handler.close()
