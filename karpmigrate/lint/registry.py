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


@cache
def all_rules() -> tuple[Rule, ...]:
    found: dict[str, Rule] = {}
    for info in pkgutil.iter_modules(_rules_package.__path__):
        if info.name.startswith("_"):
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


def by_code() -> dict[str, Rule]:
    return {rule.id: rule for rule in all_rules()}


def __getattr__(name: str) -> object:
    # RULES / RULES_BY_CODE as module attributes, loaded on first use (startup time: design §7).
    if name == "RULES":
        return all_rules()
    if name == "RULES_BY_CODE":
        return by_code()
    raise AttributeError(name)
