"""``karpmigrate rules``: the registry as a list (text, json, markdown) or one rule explained.

The text comes from the registry only: each rule's catalogue entry and its docstring.
"""

from __future__ import annotations

import json
from collections.abc import Callable

from karpmigrate.errors import UsageError
from karpmigrate.lint._base import Rule, Scope
from karpmigrate.lint.registry import all_rules, by_code

_SCOPE_NOTE = {
    Scope.OBJECT: "one object",
    Scope.PAIR: "previous and new version",
    Scope.SET: "the whole input set",
    Scope.CLUSTER: "live cluster (audit)",
}


def _json_entry(rule: Rule) -> dict[str, object]:
    return {
        "code": rule.id,
        "name": rule.name,
        "level": rule.level.value,
        "scope": rule.scope.value,
        "kinds": sorted(rule.kinds),
        "comparesVersions": rule.compares,
        "summary": rule.summary,
        "doc": rule.doc,
    }


def _text_listing(rules: tuple[Rule, ...]) -> str:
    width = max(len(r.name) for r in rules)
    lines = [
        f"{r.id}  {r.level.value:<7}  {r.name:<{width}}  {r.summary}  [{_SCOPE_NOTE[r.scope]}]" for r in rules
    ]
    return "\n".join(lines) + "\n"


def _markdown_listing(rules: tuple[Rule, ...]) -> str:
    out = ["| Code | Name | Level | Looks at | Summary |", "|---|---|---|---|---|"]
    for r in rules:
        summary = r.summary.replace("|", "\\|")
        out.append(f"| {r.id} | `{r.name}` | {r.level.value} | {_SCOPE_NOTE[r.scope]} | {summary} |")
    return "\n".join(out) + "\n"


_LISTINGS: dict[str, Callable[[tuple[Rule, ...]], str]] = {
    "text": _text_listing,
    "markdown": _markdown_listing,
    "json": lambda rules: (
        json.dumps({"version": 1, "rules": [_json_entry(r) for r in rules]}, indent=2) + "\n"
    ),
}


def listing(fmt: str) -> str:
    return _LISTINGS[fmt](all_rules())


def _rule(code: str) -> Rule:
    rule = by_code().get(code)
    if rule is None:
        raise UsageError(f"unknown rule code {code!r}: 'karpmigrate rules' lists them")
    return rule


def explain(code: str, fmt: str) -> str:
    rule = _rule(code)
    if fmt == "json":
        return json.dumps({"version": 1, "rule": _json_entry(rule)}, indent=2) + "\n"
    header = f"{rule.id} {rule.name} ({rule.level.value}; looks at {_SCOPE_NOTE[rule.scope]})"
    if fmt == "markdown":
        return f"## {rule.id} `{rule.name}`\n\n*{rule.level.value}; looks at {_SCOPE_NOTE[rule.scope]}*\n\n{rule.doc}\n"
    return f"{header}\n\n{rule.doc}\n"
