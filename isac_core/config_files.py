"""Reading configuration files: YAML with exact line numbers, duplicate keys refused, the JSON schemas.

Every problem is one line naming the file, the figure and the key (:class:`ConfigError`).
"""

from __future__ import annotations

import functools
import json
from pathlib import Path

import jsonschema
import numpy as np
import yaml

__all__ = ["ConfigError", "SCHEMA_DIR", "read_config_file"]

#: Folder with ``config.schema.yaml`` and ``figures.schema.yaml``.
SCHEMA_DIR = Path(__file__).resolve().parent / "schemas"


class ConfigError(ValueError):
    """A configuration problem, with every offending file/figure/key listed."""

    def __init__(self, problems):
        self.problems = list(problems)
        super().__init__(
            "invalid configuration:\n" + "\n".join(f"  - {p}" for p in self.problems)
        )


def _where(path, figure, key):
    fig = f", figure '{figure}'" if figure else ""
    return f"{path}{fig}, key '{key}'"




#: libyaml's parser where PyYAML was built with it (about ten times faster), else PyYAML's own.
_SafeLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _UniqueKeyLoader(_SafeLoader):
    """A YAML loader that rejects a key given twice in one mapping."""

    def construct_mapping(self, node, deep=False):
        seen = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            if key in seen:
                raise yaml.constructor.ConstructorError(
                    None, None, f"key {key!r} is given twice", key_node.start_mark)
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


def _load_yaml(path: Path, problems, shown=None):
    """Parse a YAML file strictly: UTF-8 text, valid YAML, no key given twice in one mapping.

    Each problem goes to ``problems`` naming the file (as ``shown``) and, where there is one,
    the line; returns None then.
    """
    shown = shown or path
    try:
        raw = Path(path).read_bytes()
    except FileNotFoundError:
        problems.append(f"{shown}: file not found")
        return None
    except OSError as exc:
        problems.append(f"{shown}: cannot be read: {exc.strerror}")
        return None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        column = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        problems.append(f"{shown}: not UTF-8 text: byte 0x{raw[exc.start]:02x} at line {line}, column {column}; "
                        "save the file as UTF-8")
        return None
    try:
        data = yaml.load(text, Loader=_UniqueKeyLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        at = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        what = getattr(exc, "problem", None) or str(exc)
        problems.append(f"{shown}: not valid YAML{at}: {what}")
        return None
    return {} if data is None else data


def read_config_file(path: str | Path, shown: str | None = None) -> dict:
    """Read an experiment configuration file (``config/config.yaml``) strictly.

    Raises
    ------
    ConfigError
        If the file is missing, not UTF-8, not valid YAML (with the line), has a key
        twice, or is not a mapping.
    """
    problems: list[str] = []
    data = _load_yaml(Path(path), problems, shown or str(path))
    if data is not None and not isinstance(data, dict):
        problems.append(f"{shown or path}: the top level must be a mapping of settings, not {type(data).__name__}")
    if problems:
        raise ConfigError(problems)
    return data


def _non_finite(data, path, figure_of, parts=()):
    """Problems for every NaN or infinite number in ``data`` (YAML's .nan, .inf), naming its key."""
    if isinstance(data, float) and not np.isfinite(data):
        figure, key_parts = figure_of([str(p) for p in parts])
        return [f"{_where(path, figure, '.'.join(key_parts))}: {data} is not a finite number"]
    items = data.items() if isinstance(data, dict) else enumerate(data) if isinstance(data, list) else ()
    return [p for k, v in items for p in _non_finite(v, path, figure_of, (*parts, k))]


@functools.cache
def _schema(name):
    """A schema of isac_core/schemas (read once per process; treat as read-only)."""
    with open(SCHEMA_DIR / name) as fh:
        return yaml.load(fh, Loader=_SafeLoader)  # noqa: S506 - a safe loader


def _schema_problems(data, schema, path, figure_of):
    validator = jsonschema.Draft202012Validator(schema)
    problems = []
    for err in sorted(validator.iter_errors(data), key=lambda e: list(map(str, e.absolute_path))):
        err = jsonschema.exceptions.best_match([err])
        parts = [str(p) for p in err.absolute_path]
        if err.validator == "additionalProperties" and isinstance(err.instance, dict):
            allowed = sorted(err.schema.get("properties", {}))
            for extra in sorted(set(err.instance) - set(allowed)):
                figure, key_parts = figure_of([*parts, str(extra)])
                problems.append(
                    f"{_where(path, figure, '.'.join(key_parts))}: unknown key {extra!r} is not allowed; "
                    f"allowed keys: {', '.join(allowed)}"
                )
            continue
        if "propertyNames" in err.relative_schema_path:  # a bad key of a mapping: name the key itself
            parts = [*parts, str(err.instance)]
        figure, key_parts = figure_of(parts)
        key = ".".join(key_parts) or "(top level)"
        message = err.message
        if "propertyNames" in err.relative_schema_path and err.schema.get("description"):
            message = f"{err.instance!r} is not allowed here: {err.schema['description']}"
        if err.validator == "pattern" and err.schema.get("description"):  # a naming rule, not a raw regex
            message = f"{err.instance!r} is not allowed here: {err.schema['description']}"
        if err.validator == "oneOf" and err.schema.get("description"):
            # jsonschema's "is valid under each of" / "not valid under any" lists whole schemas
            message = f"{err.instance!r} is not allowed here: {err.schema['description']}"
        problems.append(f"{_where(path, figure, key)}: {message}")
    return problems


def _fill_defaults(data, schema):
    for key, sub in schema.get("properties", {}).items():
        if key not in data and "default" in sub:
            data[key] = json.loads(json.dumps(sub["default"]))
        if isinstance(data.get(key), dict) and sub.get("type") == "object":
            _fill_defaults(data[key], sub)
    return data


