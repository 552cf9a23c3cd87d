"""KM113: an AL2023 class whose NodePools allow GPU/Neuron types resolves other AMIs on v1 (drift-and-lint §b)."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any

from karpmigrate import catalogue
from karpmigrate.findings import Path
from karpmigrate.lint._base import Hit, LintObject, RuleContext, Scope, lint_rule
from karpmigrate.lint.rules import _common

NVIDIA, NEURON = "NVIDIA GPU", "Neuron"
_AWS = "karpenter.k8s.aws/"
#: Categories with an accelerated AL2023 variant ([aws]@v1.0.14 pkg/providers/amifamily/types.go:72-85).
_CATEGORIES = {"g": NVIDIA, "gr": NVIDIA, "p": NVIDIA, "inf": NEURON, "trn": NEURON}
#: g4ad carries AMD GPUs: there is no AL2023 variant for them.
_NOT_NVIDIA = frozenset({"g4ad"})
_FAMILY = re.compile(r"^([a-z]+)\d")
#: For these keys ``In`` selects accelerators only with this value.
_MAKER = {f"{_AWS}instance-gpu-manufacturer": "nvidia", f"{_AWS}instance-accelerator-manufacturer": "aws"}

Requirement = Mapping[str, Any]


def _strings(req: Requirement) -> list[str]:
    return [str(v) for v in _common.items(req.get("values"))]


def _family(family: str) -> str | None:
    match = _FAMILY.match(family)
    if match is None or family in _NOT_NVIDIA:
        return None
    return _CATEGORIES.get(match[1])


def _by_category(req: Requirement) -> set[str]:
    return (
        {_CATEGORIES[v] for v in _strings(req) if v in _CATEGORIES} if req.get("operator") == "In" else set()
    )


def _by_family(req: Requirement) -> set[str]:
    if req.get("operator") != "In":
        return set()
    return {kind for v in _strings(req) if (kind := _family(v)) is not None}


def _by_type(req: Requirement) -> set[str]:
    if req.get("operator") != "In":
        return set()
    return {kind for v in _strings(req) if (kind := _family(v.partition(".")[0])) is not None}


def _selects(kind: str) -> Callable[[Requirement], set[str]]:
    """A GPU/accelerator property key: Exists, Gt (> n >= 0) or In a non-zero value selects ``kind``."""

    def check(req: Requirement) -> set[str]:
        operator, values = req.get("operator"), _strings(req)
        maker = _MAKER.get(str(req.get("key")))
        if operator == "In":
            hit = maker in values if maker else any(v != "0" for v in values)
        else:
            hit = operator in ("Exists", "Gt")
        return {kind} if hit else set()

    return check


#: How each requirement key can explicitly allow accelerated instance types.
_ALLOWS: dict[str, Callable[[Requirement], set[str]]] = {
    f"{_AWS}instance-category": _by_category,
    f"{_AWS}instance-family": _by_family,
    "node.kubernetes.io/instance-type": _by_type,
    "beta.kubernetes.io/instance-type": _by_type,
    **{f"{_AWS}instance-gpu-{p}": _selects(NVIDIA) for p in ("count", "name", "manufacturer", "memory")},
    **{f"{_AWS}instance-accelerator-{p}": _selects(NEURON) for p in ("count", "name", "manufacturer")},
}
#: Count keys that, with DoesNotExist / In [0] / Lt 1, rule the kind out again.
_COUNTS = {f"{_AWS}instance-gpu-count": NVIDIA, f"{_AWS}instance-accelerator-count": NEURON}


def _excludes(req: Requirement) -> set[str]:
    kind = _COUNTS.get(str(req.get("key")))
    operator, values = req.get("operator"), _strings(req)
    none = operator == "DoesNotExist" or (operator == "In" and values == ["0"])
    none = none or (operator == "Lt" and values in (["0"], ["1"]))
    return {kind} if kind and none else set()


def accelerated(pool: LintObject) -> tuple[list[str], Path] | None:
    """(kinds, path of the first requirement allowing one) when the NodePool explicitly allows them."""
    found: dict[str, int] = {}
    excluded: set[str] = set()
    for i, req in enumerate(_common.items(pool.get(_common.REQUIREMENTS))):
        if not isinstance(req, Mapping):
            continue
        check = _ALLOWS.get(str(req.get("key")))
        for kind in check(req) if check else ():
            found.setdefault(kind, i)
        excluded |= _excludes(req)
    allowed = {kind: i for kind, i in found.items() if kind not in excluded}
    if not allowed:
        return None
    return sorted(allowed), (*_common.REQUIREMENTS, min(allowed.values()))


def _al2023(ctx: RuleContext, nodeclass: LintObject) -> bool:
    """An AL2023 class whose AMIs the upgrade to v1 resolves anew."""
    if nodeclass.version == "v1beta1":
        return nodeclass.get(_common.AMI_FAMILY) == "AL2023" and _common.family_only(nodeclass)
    if nodeclass.version != "v1":
        return False
    old = ctx.old_of(nodeclass)
    if ctx.has_old and (old is None or old.version != "v1beta1"):
        return False  # already v1 before this change (or new): no node switches AMI variant now
    return any(_common.alias_family(t.get("alias")) == "al2023" for _, t in _common.ami_terms(nodeclass))


def _label(kinds: Sequence[str]) -> str:
    return " and ".join(kinds)


@lint_rule(catalogue.KM113, kinds={"NodePool", "EC2NodeClass"}, scope=Scope.SET)
def al2023_accelerated_amis(ctx: RuleContext) -> Iterator[Hit]:
    """NodePools that allow GPU/Neuron types on an AL2023 class get other AMIs for them on v1.

    What it does:
        Finds AL2023 classes: a v1beta1 EC2NodeClass with `amiFamily: AL2023` and no
        `amiSelectorTerms`, or a v1 class with an `al2023@...` alias converted from v1beta1 in this change
        (or with no previous version given). It reports each NodePool of such a class whose requirements
        explicitly allow GPU or Neuron instance types: `instance-category` or `instance-family` (or
        `instance-type`) In g/gr/p/inf/trn types, or `instance-gpu-*` / `instance-accelerator-*` with
        Exists, Gt or a non-zero In, unless a count requirement rules them out again (DoesNotExist, In
        [0], Lt 1). It is deliberately conservative: a NodePool without any such requirement may also
        get accelerated types, but is not reported.
    Why it matters:
        v0.37 resolved only the standard AL2023 AMIs for every instance type ([aws]@v0.37.8
        pkg/providers/amifamily/al2023.go:35-50); v1.0 maps GPU types to the NVIDIA variant and Neuron
        types to the Neuron variant and drops the standard AMI for them (types.go:72-85). After the
        upgrade, every GPU/accelerator node launched before it is replaced (AMIDrift).
    Example:
        # EC2NodeClass gpu: amiFamily: AL2023 (no amiSelectorTerms)
        requirements:
          - key: karpenter.k8s.aws/instance-category
            operator: In
            values: [g]
    Use instead:
        # Plan the replacement: a budget with reasons: [Drifted] on the NodePool, or an explicit
        # amiSelectorTerms for the GPU AMIs you want, rolled out before or after the upgrade.
    """
    for pool in ctx.of_kind("NodePool"):
        nodeclass = _common.nodeclass_of(ctx, pool)
        if nodeclass is None or not _al2023(ctx, nodeclass):
            continue
        found = accelerated(pool)
        if found is None:
            continue
        kinds, path = found
        yield Hit(
            f"NodePool {pool.name} allows {_label(kinds)} instance types on the AL2023 EC2NodeClass "
            f"{nodeclass.name}: v0.37 ran them on the standard AL2023 AMI, v1 resolves the "
            f"{_label(kinds)} variant, so those nodes are replaced after the upgrade (AMIDrift); plan it "
            "with a Drifted budget",
            path,
            obj=pool,
        )


RULE = al2023_accelerated_amis
