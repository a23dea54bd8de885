"""The arithmetic of derived parameters: ``+ - * /``, parentheses, numbers and parameter names.

Expressions (``p_s: "p_t - p_c"``) are parsed into an AST and checked against a whitelist
of node types before they are compiled, so a configuration file cannot run code.
"""

from __future__ import annotations

import ast
from collections.abc import Mapping

__all__ = ["expression_names", "evaluate_expression", "resolve_derived"]

_ALLOWED_NODES = (
    ast.Expression, ast.BinOp, ast.UnaryOp, ast.Add, ast.Sub, ast.Mult, ast.Div,
    ast.USub, ast.UAdd, ast.Name, ast.Load, ast.Constant,
)


def _parse_expression(expr: str) -> ast.Expression:
    if len(expr) > 500:
        raise ValueError("expressions are limited to 500 characters")
    tree = ast.parse(expr, mode="eval")
    for node in ast.walk(tree):
        if not isinstance(node, _ALLOWED_NODES):
            raise ValueError(f"only + - * / ( ), numbers and parameter names are allowed in {expr!r}")
        if isinstance(node, ast.Constant) and not isinstance(node.value, (int, float)):
            raise ValueError(f"only numbers may appear as constants in {expr!r}")
    return tree


def expression_names(expr: str) -> set[str]:
    """Parameter names used by a derived-parameter expression."""
    return {n.id for n in ast.walk(_parse_expression(expr)) if isinstance(n, ast.Name)}


def evaluate_expression(expr: str, namespace):
    """Evaluate an arithmetic expression over arrays or scalars in ``namespace``."""
    code = compile(_parse_expression(expr), "<derived>", "eval")
    return eval(code, {"__builtins__": {}}, dict(namespace))  # noqa: S307 - AST-whitelisted


def resolve_derived(derived: Mapping[str, str], namespace: Mapping[str, object]) -> dict:
    """Evaluate derived-parameter expressions, in dependency order.

    Raises
    ------
    ValueError
        On a circular definition.
    """
    values: dict[str, object] = {}
    pending = dict(derived)
    scope = dict(namespace)
    while pending:
        ready = [n for n, e in pending.items() if expression_names(e) <= set(scope)]
        if not ready:
            missing = {n: sorted(expression_names(e) - set(scope)) for n, e in pending.items()}
            raise ValueError(f"derived parameters cannot be resolved (circular or missing): {missing}")
        for name in ready:
            scope[name] = values[name] = evaluate_expression(pending.pop(name), scope)
    return values
