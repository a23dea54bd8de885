"""Where a result came from: versions, git state, configuration hash, seed, time."""

from __future__ import annotations

import datetime as _dt
import functools
import hashlib
import json
import platform
import subprocess
from importlib import metadata
from pathlib import Path

__all__ = ["git_state", "library_versions", "provenance", "kernel_digest", "task_hash"]

#: Modules whose code shapes every number (besides the model's own module).
_KERNEL_MODULES = ("model", "numerics", "geometry", "fading", "rng", "stats", "sweep")

_LIBRARIES = ("isac-sweep", "numpy", "scipy", "xarray", "zarr", "dask", "distributed", "matplotlib", "snakemake")


def git_state(path: str | Path = ".") -> dict:
    """Commit of the checkout containing ``path`` and whether it has local changes.

    Outside a git checkout (or without git) both are reported as ``"unknown"``.
    """
    def run(*args):
        return subprocess.run(
            ["git", "-C", str(path), *args], capture_output=True, text=True, timeout=10, check=True
        ).stdout.strip()

    try:
        commit = run("rev-parse", "HEAD")
        dirty = bool(run("status", "--porcelain", "--untracked-files=no"))
        return {"git_commit": commit, "git_dirty": dirty}
    except (OSError, subprocess.SubprocessError):
        return {"git_commit": "unknown", "git_dirty": "unknown"}


@functools.cache
def kernel_digest(model_module: str) -> str:
    """SHA-256 of the source of a model's module and of the shared kernel modules.

    Part of every chunk's task, so a change to the code that computes the numbers
    re-runs the sweeps (and a stale chunk store is recognised as such).
    """
    package = Path(__file__).resolve().parent
    module = package / "models" / model_module
    # a model is one module or a package of modules
    own = sorted(module.glob("*.py")) if module.is_dir() else [package / "models" / f"{model_module}.py"]
    files = [*own, *(package / f"{m}.py" for m in _KERNEL_MODULES)]
    h = hashlib.sha256()
    for f in files:
        h.update(f.name.encode())
        h.update(f.read_bytes() if f.exists() else b"")
    return h.hexdigest()


def task_hash(task: dict) -> str:
    """SHA-256 of a chunk task (canonical JSON)."""
    return hashlib.sha256(json.dumps(task, sort_keys=True, separators=(",", ":")).encode()).hexdigest()


def library_versions() -> dict:
    """Installed versions of the libraries that shape the numbers."""
    out = {"python": platform.python_version()}
    for name in _LIBRARIES:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = "not installed"
    return out


def provenance(*, config_hash: str, seed: int, source: str = "", repo: str | Path | None = None) -> dict:
    """Attributes recording how a dataset was produced (JSON-able)."""
    from . import __version__

    repo = Path(repo) if repo else Path(__file__).resolve().parent.parent
    return {
        "isac_core_version": __version__,
        **git_state(repo),
        "config_hash": config_hash,
        "config_source": source,
        "seed": int(seed),
        "library_versions": library_versions(),
        "created": _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds"),
    }
