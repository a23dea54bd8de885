"""Where a result came from: versions, git state, configuration hash, seed, time."""

from __future__ import annotations

import ast
import datetime as _dt
import functools
import hashlib
import importlib.util
import json
import platform
import subprocess
from importlib import metadata
from pathlib import Path

__all__ = ["git_state", "library_versions", "provenance", "kernel_digest", "kernel_modules", "model_digest",
           "code_digest", "task_hash"]

_PACKAGE = Path(__file__).resolve().parent

#: The engine that runs every model's kernels on a chunk's task (its batches, random streams and
#: estimators): part of every digest, with everything it imports.
_ENGINE = ("sweep",)

#: Modules that only build a chunk's task, look models up or decide where a task runs, not what
#: it computes: the task itself (points, fixed values, trials, seed) is hashed, a model's own
#: modules are followed from the model, and where a task runs changes no bit
#: (tests/unit/test_determinism.py). Their imports are not followed either.
_NOT_KERNEL = ("config", "config_files", "axes", "figure_spec", "provenance", "logs", "workers", "jobs", "models")

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


def _module_file(name: str) -> Path | None:
    """Source file of ``isac_core.<name>`` (dotted below the package), or None."""
    base = _PACKAGE.joinpath(*name.split(".")) if name else _PACKAGE
    for f in (base.with_suffix(".py"), base / "__init__.py"):
        if f.is_file():
            return f
    return None


def _imports(name: str, source: Path) -> set[str]:
    """The isac_core modules (dotted below the package) that ``source`` imports, anywhere in it."""
    package = name.split(".") if source.name == "__init__.py" else name.split(".")[:-1]
    package = [p for p in package if p]
    found = set()
    for node in ast.walk(ast.parse(source.read_text(), str(source))):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - node.level + 1]
                target = [*base, *(node.module.split(".") if node.module else [])]
            elif node.module and node.module.split(".")[0] == "isac_core":
                target = node.module.split(".")[1:]
            else:
                continue
            # `from . import x` and `from .x import y`: x may be a module or a name in one
            for alias in node.names:
                sub = ".".join([*target, alias.name])
                found.add(sub if _module_file(sub) else ".".join(target))
        elif isinstance(node, ast.Import):
            found.update(".".join(a.name.split(".")[1:]) for a in node.names
                         if a.name.split(".")[0] == "isac_core")
    return {m for m in found if _module_file(m) is not None}


def kernel_modules(model_module: str) -> list[str]:
    """Every isac_core module a model's numbers depend on, found by following imports.

    Starts from the model's module (a model is a module or a package: every module in it)
    and the engine, and follows every import of an isac_core module, wherever it is in the
    file (function-level imports too), except into the modules that only build tasks.

    Returns
    -------
    list of str
        Dotted names below ``isac_core`` (``""`` is the package itself), sorted.
    """
    start = [f"models.{model_module}"]
    own = _PACKAGE / "models" / model_module
    if own.is_dir():
        start += [f"models.{model_module}.{f.stem}" for f in own.glob("*.py") if f.stem != "__init__"]
    return _closure([*start, *_ENGINE])


def _closure(start) -> list[str]:
    """``start`` and every isac_core module it imports, transitively, except ``_NOT_KERNEL``."""
    todo, seen = [m for m in start if _module_file(m)], set()
    while todo:
        name = todo.pop()
        if name in seen or name in _NOT_KERNEL:
            continue
        seen.add(name)
        todo.extend(_imports(name, _module_file(name)) - seen)
    return sorted(seen)


@functools.cache
def kernel_digest(model_module: str) -> str:
    """SHA-256 of the source of every module a model's numbers depend on.

    Part of every chunk's task, so a change to the code that computes the numbers
    re-runs the sweeps (and a stale chunk store is recognised as such). The modules
    are found by following imports (:func:`kernel_modules`), so none can be forgotten.
    """
    return _source_digest(kernel_modules(model_module), salt=model_module)


def _absolute_isac_imports(source: Path) -> set[str]:
    """The isac_core modules (dotted below the package) that a file outside the package imports."""
    found = set()
    for node in ast.walk(ast.parse(source.read_text(), str(source))):
        names = []
        if isinstance(node, ast.ImportFrom) and not node.level and node.module:
            names = [f"{node.module}.{a.name}" for a in node.names] + [node.module]
        elif isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        for name in names:
            parts = name.split(".")
            if parts[0] == "isac_core" and _module_file(".".join(parts[1:])):
                found.add(".".join(parts[1:]))
    return found


@functools.cache
def model_digest(module: str) -> str:
    """SHA-256 of the source a model's numbers depend on, for the model defined in ``module``.

    A model of this library (``isac_core.models.<name>``): :func:`kernel_digest`. A model
    from another package (a plug-in): every ``.py`` file of that package, plus the engine
    and every isac_core module those files import, transitively.
    """
    if module.startswith("isac_core.models."):
        return kernel_digest(module.split(".")[2])
    top = module.split(".")[0]
    try:
        spec = importlib.util.find_spec(top)
    except (ImportError, ValueError):
        spec = None
    if spec is None:  # not importable (a model registered at run time): the engine only
        return kernel_digest(module)
    roots = [Path(p) for p in (spec.submodule_search_locations or [])]
    files = sorted(f for root in roots for f in root.rglob("*.py")) if roots else [Path(spec.origin)]
    digest = hashlib.sha256(module.encode())
    imported = set()
    for f in files:
        digest.update(f.name.encode() + b"\0" + f.read_bytes())
        imported |= _absolute_isac_imports(f)
    digest.update(_source_digest(_closure([*sorted(imported), *_ENGINE])).encode())
    return digest.hexdigest()


@functools.cache
def code_digest(*modules: str) -> str:
    """SHA-256 of the source of a post-processing step: ``modules`` (e.g. ``"checks"``), every
    module they import, and ``pipeline``, which runs every step.

    A parameter of the post-processing rules, so a change to the code that aggregates,
    plots or checks re-runs that step (the sweeps follow :func:`kernel_digest`). The imports
    of ``pipeline`` itself are not followed: each step imports its own module inside the
    function that runs it, so following them would tie every step to every other.
    """
    return _source_digest(sorted({*_closure(modules), "pipeline"}))


def _source_digest(names, salt: str = "") -> str:
    """SHA-256 of the names and source bytes of the isac_core modules ``names``, in order."""
    h = hashlib.sha256(salt.encode())
    for name in names:
        h.update(name.encode())
        h.update(_module_file(name).read_bytes())
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
        **{k: str(v).lower() for k, v in git_state(repo).items()},  # git_dirty: "true", "false" or "unknown"
        "config_hash": config_hash,
        "config_source": source,
        "seed": int(seed),
        # flat text, so that the dataset's attributes round-trip through netCDF
        "library_versions": ", ".join(f"{k} {v}" for k, v in library_versions().items()),
        "created": _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds"),
    }
