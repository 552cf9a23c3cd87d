"""The lint rule registry: one module per rule in ``karpmigrate/lint/rules/``, each ending ``RULE = ...``.

Rules are found by listing the package, so adding a rule is adding a module; the registry is sorted by
code and checked against the catalogue (a rule's code must be declared there, once).
"""

from __future__ import annotations

import importlib
import pkgutil
from functools import cache

from karpmigrate import catalogue
from karpmigrate.lint import rules as _rules_package
from karpmigrate.lint._base import Rule

#: The rules that need two versions of an object (PAIR) or a live cluster (CLUSTER, never run by lint).
#: A lint run without a previous version (no git work tree, no --baseline) would not call them, so it
#: does not import them either (issue 6, budget P1). tests/test_lint_startup.py checks this set
#: against the rules' own scopes.
TWO_VERSIONS_OR_CLUSTER = frozenset(
    {
        *("KM105", "KM107", "KM109", "KM111", "KM112", "KM117", "KM118"),
        *("KM201", "KM202", "KM203", "KM204", "KM205", "KM206", "KM207", "KM208", "KM209", "KM210"),
    }
)


def _code_of(module: str) -> str:
    # Rule modules are named after their code: km201_nodepool_static_drift -> KM201.
    return module.partition("_")[0].upper()


def _load(skip: frozenset[str]) -> tuple[Rule, ...]:
    found: dict[str, Rule] = {}
    for info in pkgutil.iter_modules(_rules_package.__path__):
        if info.name.startswith("_") or _code_of(info.name) in skip:
            continue
        module = importlib.import_module(f"{_rules_package.__name__}.{info.name}")
        rule = getattr(module, "RULE", None)
        if not isinstance(rule, Rule):
            raise TypeError(f"{module.__name__}: a rule module ends with RULE = <rule>")
        if rule.id in found:
            raise ValueError(f"{rule.id} is declared by two modules")
        if catalogue.BY_CODE.get(rule.id) is not rule.code:
            raise ValueError(f"{module.__name__}: {rule.id} is not the catalogue's entry")
        found[rule.id] = rule
    return tuple(found[code] for code in sorted(found))


@cache
def all_rules() -> tuple[Rule, ...]:
    return _load(frozenset())


@cache
def single_version_rules() -> tuple[Rule, ...]:
    """The rules a run without a previous version calls: all but :data:`TWO_VERSIONS_OR_CLUSTER`."""
    return _load(TWO_VERSIONS_OR_CLUSTER)


def by_code() -> dict[str, Rule]:
    return {rule.id: rule for rule in all_rules()}


def __getattr__(name: str) -> object:
    # RULES / RULES_BY_CODE as module attributes, loaded on first use (startup time: design §7).
    if name == "RULES":
        return all_rules()
    if name == "RULES_BY_CODE":
        return by_code()
    raise AttributeError(name)
