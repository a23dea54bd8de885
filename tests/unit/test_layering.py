"""The modules of isac_core import each other without cycles (function-level imports included)."""

from __future__ import annotations

import ast

from tests.conftest import ROOT

PACKAGE = ROOT / "isac_core"


def _graph() -> dict[str, set[str]]:
    """Top-level module -> the top-level isac_core modules it imports (relative or absolute)."""
    edges: dict[str, set[str]] = {}
    for f in PACKAGE.rglob("*.py"):
        parts = list(f.relative_to(PACKAGE).with_suffix("").parts)
        package = parts[:-1]
        top = parts[0] if parts[0] != "__init__" else ""
        for node in ast.walk(ast.parse(f.read_text())):
            targets = []
            if isinstance(node, ast.ImportFrom) and (node.level or (node.module or "").split(".")[0] == "isac_core"):
                base = package[: len(package) - node.level + 1] if node.level else []
                module = node.module.split(".") if node.module else []
                if not node.level:
                    module = module[1:]  # below isac_core
                # `from . import x` / `from isac_core import x`: x is a module of its own
                targets = [[*base, *module]] if [*base, *module] else [[a.name] for a in node.names]
            elif isinstance(node, ast.Import):
                targets = [a.name.split(".")[1:] for a in node.names if a.name.split(".")[0] == "isac_core"]
            for target in targets:
                if target and target[0] != top:
                    edges.setdefault(top, set()).add(target[0])
    return edges


def _cycles(edges):
    def reaches(start, goal, seen):
        for nxt in edges.get(start, ()):
            if nxt == goal or (nxt not in seen and (seen.add(nxt) or reaches(nxt, goal, seen))):
                return True
        return False

    return sorted({tuple(sorted((a, b))) for a in edges for b in edges[a] if reaches(b, a, set())})


def test_no_import_cycle():
    edges = _graph()
    assert {"stats", "rng"} <= edges["sweep"]  # `from . import stats` and `from . import rng as _rng` seen
    assert _cycles(edges) == []


def test_the_cycle_check_can_fail():
    assert _cycles({"config": {"sweep"}, "sweep": {"config"}}) == [("config", "sweep")]
