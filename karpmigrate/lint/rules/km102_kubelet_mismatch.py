"""KM102: the v1 EC2NodeClass kubelet differs from the v1beta1 kubelet it replaces (drift-and-lint §b, §0.4)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from karpmigrate import catalogue
from karpmigrate.lint._base import Hit, LintObject, RuleContext, Scope, lint_rule
from karpmigrate.lint.rules._migration import (
    Unreadable,
    kubelet_diff,
    names,
    nodeclass_name,
    previous_kubelet,
)

_PATH = ("spec", "kubelet")


def _pools(ctx: RuleContext, nodeclass: str) -> Iterator[LintObject]:
    """Previous NodePools whose nodes this class now configures.

    A pool repointed to another class in the new set is left out: its nodes are replaced anyway
    (NodePoolDrifted, KM116). A pool missing from the new set (not linted this time) is kept.
    """
    for pool in ctx.of_kind("NodePool", old=True):
        if nodeclass_name(pool) != nodeclass:
            continue
        new = ctx.find("NodePool", pool.name)
        if new is None or nodeclass_name(new) == nodeclass:
            yield pool


def _still_annotated(ctx: RuleContext, pool: LintObject, previous: Any, nodeclass: LintObject) -> bool:
    """The new pool keeps the compatibility annotation with the same kubelet and the class has none.

    That is what the conversion webhook stores: the annotation wins on 1.0.x, so nothing drifts on
    apply (KM103 tells the user the annotation must go, and that the values must move first).
    """
    new = ctx.find("NodePool", pool.name)
    if new is None or nodeclass.get(_PATH) is not None:
        return False
    try:
        return not kubelet_diff(previous, previous_kubelet(new))
    except Unreadable:
        return False


def _mismatches(ctx: RuleContext, nodeclass: LintObject) -> Iterator[tuple[LintObject, list[str]]]:
    for pool in _pools(ctx, nodeclass.name):
        try:
            previous = previous_kubelet(pool)
        except Unreadable:
            continue  # a v1 pool without the annotation: not a migration (KM204's)
        if _still_annotated(ctx, pool, previous, nodeclass):
            continue
        fields = kubelet_diff(previous, nodeclass.get(_PATH))
        if fields:
            yield pool, fields


def _consequence(ctx: RuleContext) -> str:
    if ctx.target.at_least(1, 1):
        return (
            "on 1.1+ spec.kubelet is in the static EC2NodeClass hash (NodeClassDrift for every node of the "
            "class) and their new nodes get other kubelet settings"
        )
    return (
        "on 1.0.x their nodes are replaced (NodeClassDrift, kubelet drift hash) as soon as the "
        "compatibility annotation is removed"
    )


@lint_rule(catalogue.KM102, kinds={"EC2NodeClass", "NodePool"}, scope=Scope.SET, compares=True)
def kubelet_mismatch(ctx: RuleContext) -> Iterator[Hit]:
    """The kubelet of a v1 EC2NodeClass is not the one its v1beta1 NodePools gave their nodes.

    What it does:
        For each v1 EC2NodeClass, compares `spec.kubelet` with the kubelet of the previous NodePools
        that reference it: their v1beta1 `spec.template.spec.kubelet`, or the
        `compatibility.karpenter.sh/v1beta1-kubelet-conversion` annotation of an already converted pool.
        Values are compared as the kubelet hash does: clusterDNS in any order, map values as raw strings
        (`1Gi` != `1024Mi`), eviction grace periods as durations, absent == `{}`. Needs the previous
        version (git or --baseline).
    Why it matters:
        v1 moves kubelet to the EC2NodeClass. On Karpenter 1.0.x the NodePool annotation still wins and a
        dedicated kubelet hash is compared: moving identical values and then removing the annotation
        does not drift, any difference replaces the pool's nodes (NodeClassDrift). From 1.1 the kubelet
        is in the static EC2NodeClass hash. Either way new nodes get other kubelet settings.
    Example:
        # v1beta1 NodePool: kubelet: {maxPods: 110, systemReserved: {memory: 1Gi}}
        # v1 EC2NodeClass
        spec:
          kubelet:
            maxPods: 110
            systemReserved: {memory: 1024Mi}
    Use instead:
        spec:
          kubelet:
            maxPods: 110
            systemReserved: {memory: 1Gi}
    """
    if not ctx.has_old or not ctx.old_objects:
        return
    for nodeclass in ctx.of_kind("EC2NodeClass"):
        kubelet = nodeclass.get(_PATH)
        if nodeclass.version != "v1" or not nodeclass.name:
            continue
        if kubelet is not None and not isinstance(kubelet, Mapping):
            continue  # validate's finding
        found = list(_mismatches(ctx, nodeclass))
        if not found:
            continue
        fields = sorted({f for _, f_list in found for f in f_list})
        yield Hit(
            f"spec.kubelet differs from the v1beta1 kubelet of NodePool {names(p for p, _ in found)} "
            f"({', '.join(fields)}): {_consequence(ctx)}; copy the v1beta1 values exactly",
            _PATH,
            obj=nodeclass,
        )


RULE = kubelet_mismatch
