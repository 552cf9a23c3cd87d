"""Kubernetes CEL (``x-kubernetes-validations``) evaluated on plain data with cel-python.

celpy implements standard CEL; the API server adds extension libraries
(k8s.io/apiserver/pkg/cel/library and cel-go's ext.Strings). The ones the Karpenter CRDs use,
and a few neighbours, are added here. A rule that calls anything else raises
:class:`UnsupportedCelError` when it is compiled, so an unknown rule never passes silently.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import cache
from typing import Any

from karpmigrate.errors import KarpmigrateError

# Standard CEL functions and macros celpy provides (celpy.evaluation.base_functions + macros).
_STANDARD = frozenset(
    {
        "size", "contains", "type", "endsWith", "startsWith", "matches", "bool", "bytes", "double",
        "duration", "int", "list", "map", "null_type", "string", "timestamp", "uint", "dyn",
        "getDate", "getDayOfMonth", "getDayOfWeek", "getDayOfYear", "getFullYear", "getMonth",
        "getHours", "getMilliseconds", "getMinutes", "getSeconds",
        "has", "all", "exists", "exists_one", "filter",
    }
)  # fmt: skip


class UnsupportedCelError(KarpmigrateError):
    """A rule uses a CEL function this evaluator does not implement."""


def cel_available() -> bool:
    """True when cel-python is installed (the ``karpmigrate[cel]`` extra)."""
    try:
        import celpy  # noqa: F401
    except ImportError:
        return False
    return True


def uses_old_self(rule: str) -> bool:
    """Transition rules compare with the stored object: they only run on update."""
    return re.search(r"\boldSelf\b", rule) is not None


def _extensions() -> dict[str, Callable[..., Any]]:
    import celpy

    string, listtype = celpy.celtypes.StringType, celpy.celtypes.ListType

    def find(text: str, pattern: str) -> Any:
        # k8s regex library: first match, or "" when none.
        match = re.search(pattern, text)
        return string(match.group(0) if match else "")

    def find_all(text: str, pattern: str, limit: int = -1) -> Any:
        found = [string(m.group(0)) for m in re.finditer(pattern, text)]
        return listtype(found if limit < 0 else found[:limit])

    def split(text: str, separator: str, limit: int = -1) -> Any:
        # cel-go ext.Strings: limit 0 gives [], negative means no limit.
        if limit == 0:
            return listtype([])
        parts = text.split(separator) if limit < 0 else text.split(separator, limit - 1)
        return listtype([string(part) for part in parts])

    def join(items: list[str], separator: str = "") -> Any:
        return string(separator.join(items))

    return {
        "find": find,
        "findAll": find_all,
        "split": split,
        "join": join,
        "lowerAscii": lambda text: string(text.lower()),
        "upperAscii": lambda text: string(text.upper()),
        "trim": lambda text: string(text.strip()),
        "replace": lambda text, old, new: string(text.replace(old, new)),
    }


def _called_names(tree: Any) -> set[str]:
    """Every function or method name a parsed rule calls (lark ``*_arg`` nodes)."""
    names: set[str] = set()
    for node in tree.iter_subtrees():
        if node.data == "member_dot_arg":
            names.add(str(node.children[1]))
        elif node.data == "ident_arg":
            names.add(str(node.children[0]))
    return names


@cache
def _program(rule: str) -> Any:
    import celpy
    from celpy.celparser import CELParseError

    env = celpy.Environment()
    try:
        tree = env.compile(rule)
    except CELParseError as exc:
        raise UnsupportedCelError(f"CEL rule does not parse: {rule!r}: {exc}") from exc
    extensions = _extensions()
    unknown = sorted(_called_names(tree) - _STANDARD - set(extensions))
    if unknown:
        raise UnsupportedCelError(f"CEL rule uses unsupported function(s) {', '.join(unknown)}: {rule!r}")
    return env.program(tree, functions=extensions)


def rule_holds(rule: str, value: Any) -> bool:
    """Evaluate ``rule`` with ``self`` bound to ``value`` (plain JSON-like data).

    An evaluation error (``int("abc")``, a missing field) is a violation, as in the API server
    (apiextensions-apiserver/pkg/apiserver/schema/cel/validation.go reports it as Invalid).
    """
    from celpy.adapter import json_to_cel
    from celpy.celtypes import BoolType
    from celpy.evaluation import CELEvalError

    program = _program(rule)
    try:
        result = program.evaluate({"self": json_to_cel(value)})
    except CELEvalError:
        return False
    # celpy may also return the error as a value: anything but true is a violation.
    return isinstance(result, BoolType) and bool(result)
