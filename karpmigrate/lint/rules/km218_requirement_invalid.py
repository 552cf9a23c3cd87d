"""KM218: a requirement the v1 CRD rejects: In without values, bad Gt/Lt, minValues (drift-and-lint §c)."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any

from karpmigrate import catalogue
from karpmigrate.findings import Path
from karpmigrate.lint._base import Hit, RuleContext, lint_rule
from karpmigrate.lint.rules._v1 import REQUIREMENTS, entries, shown
from karpmigrate.target import Target

# CRD (conversion-rules §7.1/§7.2; core v1.0.9 pkg/apis/v1/nodepool.go:183-188): the operator enum, the
# three CEL rules on requirements and minValues' bounds. Gte/Lte arrived with core v1.9 (crds/latest).
_OPERATORS = ("In", "NotIn", "Exists", "DoesNotExist", "Gt", "Lt")
_NUMERIC = frozenset({"Gt", "Lt", "Gte", "Lte"})
_MIN_VALUES = range(1, 51)
#: CEL int(string) is Go strconv.ParseInt(s, 10, 64): an optional sign, then decimal digits.
_INTEGER = re.compile(r"[+-]?[0-9]+")
_INT64_MAX = (1 << 63) - 1


def _operators(target: Target) -> tuple[str, ...]:
    return (*_OPERATORS, "Gte", "Lte") if target.at_least(1, 9) else _OPERATORS


@lint_rule(catalogue.KM218, kinds=set(REQUIREMENTS))
def requirement_invalid(ctx: RuleContext) -> Iterator[Hit]:
    """A requirement of a v1 NodePool or NodeClaim that the CRD rejects.

    Versions: `karpenter.sh/v1` NodePools (`spec.template.spec.requirements`) and NodeClaims
    (`spec.requirements`). `NotIn` without values is accepted (it excludes nothing), as the CRD and
    Karpenter's validation do.

    What it does:
        Flags a requirement without key or operator, an operator outside the target's enum (`Gte`/`Lte`
        need 1.9), non-list or non-string values, `In` without values, `Gt`/`Lt`/`Gte`/`Lte` without
        exactly one non-negative integer, and `minValues` that is not an integer from 1 to 50 or, with
        `In`, larger than the number of values.
    Why it matters:
        The API server rejects the whole NodePool, so an apply or GitOps sync fails and the previous
        spec stays. YAML numbers in `values` are a common cause: values are strings (`"4"`, not `4`).
    Example:
        requirements:
          - key: karpenter.k8s.aws/instance-cpu
            operator: Gt
            values: [4, 8]
            minValues: 3
    Use instead:
        requirements:
          - key: karpenter.k8s.aws/instance-cpu
            operator: Gt
            values: ["4"]
    """
    obj = ctx.obj
    assert obj is not None
    if obj.version != "v1":
        return
    operators = _operators(ctx.target)
    for path, requirement in entries(obj, REQUIREMENTS[obj.kind]):
        yield from _check(path, requirement, operators)


def _check(path: Path, requirement: Mapping[str, Any], operators: tuple[str, ...]) -> Iterator[Hit]:
    if not isinstance(requirement.get("key"), str):
        yield Hit("requirement without a key: the API server rejects it", path)
    operator = requirement.get("operator")
    if operator not in operators:
        yield _bad_operator(path, operator, operators)
    values = requirement.get("values")
    if values is not None and not isinstance(values, list):
        yield Hit(f"requirement values must be a list of strings, got {shown(values)}", (*path, "values"))
        return
    values = values or []
    strings = all(isinstance(v, str) for v in values)
    for i, value in enumerate(values):
        if not isinstance(value, str):
            yield Hit(
                f'requirement value {shown(value)} must be a string: quote it ("{shown(value)}")',
                (*path, "values", i),
            )
    if operator == "In" and not values:
        yield Hit(
            "requirement with operator In has no values: the API server rejects it (it would match no "
            "node); list the allowed values or use Exists",
            (*path, "values") if "values" in requirement else (*path, "operator"),
        )
    if operator in _NUMERIC and strings and not _one_count(values):
        got = shown(values[0]) if len(values) == 1 else f"{len(values)} values"
        yield Hit(
            f"requirement with operator {operator} needs exactly one non-negative integer value, got "
            f"{got}: the API server rejects it",
            (*path, "values") if "values" in requirement else (*path, "operator"),
        )
    if "minValues" in requirement:
        yield from _min_values(path, requirement["minValues"], operator, len(values))


def _bad_operator(path: Path, operator: Any, operators: tuple[str, ...]) -> Hit:
    if operator is None:
        return Hit("requirement without an operator: the API server rejects it", path)
    newer = " (Gte and Lte need Karpenter 1.9)" if operator in ("Gte", "Lte") else ""
    return Hit(
        f"requirement operator {shown(operator)} is not one of {', '.join(operators)}{newer}: the API "
        "server rejects it",
        (*path, "operator"),
    )


def _one_count(values: list[Any]) -> bool:
    if len(values) != 1 or not _INTEGER.fullmatch(values[0]):
        return False
    return 0 <= int(values[0]) <= _INT64_MAX


def _min_values(path: Path, min_values: Any, operator: Any, count: int) -> Iterator[Hit]:
    where = (*path, "minValues")
    if isinstance(min_values, bool) or not isinstance(min_values, int) or min_values not in _MIN_VALUES:
        yield Hit(
            f"minValues {shown(min_values)} must be an integer from 1 to 50: the API server rejects it", where
        )
    elif operator == "In" and min_values > count:
        yield Hit(
            f"minValues {min_values} is more than the {count} value(s) listed: the API server rejects it "
            "(the requirement could never be met)",
            where,
        )


RULE = requirement_invalid
