"""KM101: NodePools sharing an EC2NodeClass have different kubelet settings (drift-and-lint §b)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any, NamedTuple

from karpmigrate import catalogue
from karpmigrate.findings import Path
from karpmigrate.lint._base import Hit, LintObject, RuleContext, Scope, lint_rule
from karpmigrate.lint.rules import _common


class _Setting(NamedTuple):
    """The kubelet a NodePool's nodes run with today, and where the manifest says so."""

    key: Mapping[str, Any]
    path: Path


def _setting(ctx: RuleContext, pool: LintObject) -> _Setting | None:
    """None when it cannot be known from the input (a v1 NodePool whose EC2NodeClass is not given)."""
    if pool.version == "v1beta1":
        # v1beta1 has no other kubelet than the NodePool's own: absent == {}.
        return _Setting(_common.kubelet_key(pool.get(_common.NODEPOOL_KUBELET)), _common.NODEPOOL_KUBELET)
    annotated = _common.kubelet_annotation(pool)
    if annotated is not None:
        # RT-1: on 1.0 the compatibility annotation wins over EC2NodeClass.spec.kubelet.
        return _Setting(_common.kubelet_key(annotated), _common.annotation_path(_common.KUBELET_ANNOTATION))
    nodeclass = _common.nodeclass_of(ctx, pool)
    if nodeclass is None:
        return None
    where = (*_common.NODECLASS_REF["NodePool"], "name")
    return _Setting(_common.kubelet_key(nodeclass.get(("spec", "kubelet"))), where)


def _groups(ctx: RuleContext) -> dict[object, list[LintObject]]:
    """NodePools by the EC2NodeClass they use: the input's object when given, else its name."""
    groups: dict[object, list[LintObject]] = {}
    for pool in ctx.of_kind("NodePool"):
        name = _common.class_name(pool)
        if name is None:
            continue
        nodeclass = _common.nodeclass_of(ctx, pool)
        groups.setdefault(id(nodeclass) if nodeclass is not None else name, []).append(pool)
    return groups


def _explicit(pool: LintObject) -> bool:
    """The NodePool states a kubelet of its own (else it simply follows its class: nothing to split)."""
    if pool.version == "v1beta1":
        return pool.get(_common.NODEPOOL_KUBELET) is not None
    return _common.KUBELET_ANNOTATION in _common.annotations_of(pool)


class _Move(NamedTuple):
    """A NodePool that needs another class: its setting, its own group and the group keeping the class."""

    pool: LintObject
    setting: _Setting
    group: list[LintObject]
    keepers: list[LintObject]
    kept: Mapping[str, Any]


def _moves(ctx: RuleContext, pools: list[LintObject]) -> Iterator[_Move]:
    by_key: dict[str, list[tuple[LintObject, _Setting]]] = {}
    for pool in pools:
        setting = _setting(ctx, pool)
        if setting is not None:
            by_key.setdefault(_common.kubelet_text(setting.key), []).append((pool, setting))
    if len(by_key) < 2:
        return
    # convert/plan.py build_plan: the largest group keeps the class name (fewest nodes drift);
    # ties go to the group of the first NodePool in input order (dicts keep insertion order).
    kept = max(by_key.values(), key=len)
    keepers = [p for p, _ in kept]
    for group in by_key.values():
        if group is not kept:
            members = [p for p, _ in group]
            for pool, setting in group:
                yield _Move(pool, setting, members, keepers, kept[0][1].key)


def _names(pools: list[LintObject]) -> str:
    return ", ".join(p.name for p in pools)


def _hit(move: _Move) -> Hit:
    cls = _common.class_name(move.pool)
    fields = ", ".join(_common.kubelet_differences(move.setting.key, move.kept))
    # convert names the copy after the first NodePool of the group (plus -2, -3 on a clash).
    return Hit(
        f"NodePool {move.pool.name} shares EC2NodeClass {cls} with {_names(move.keepers)} but its kubelet "
        f"differs ({fields}): v1 keeps one kubelet per EC2NodeClass, so it needs a class of its own "
        f"({cls}-{move.group[0].name} is the name karpmigrate convert gives it); repointing nodeClassRef.name replaces "
        "every node of this NodePool once (NodePoolDrifted)",
        move.setting.path,
        obj=move.pool,
    )


@lint_rule(catalogue.KM101, kinds={"NodePool"}, scope=Scope.SET)
def kubelet_split_nodeclass(ctx: RuleContext) -> Iterator[Hit]:
    """NodePools that share an EC2NodeClass but not a kubelet configuration need one class each.

    What it does:
        Groups NodePools by the EC2NodeClass they refer to (`nodeClassRef.name`; with several classes of
        that name in the input, the nearest one, as `karpmigrate convert` resolves it) and compares their
        kubelet: v1beta1 `spec.template.spec.kubelet` (absent is `{}`), or on v1 the
        `compatibility.karpenter.sh/v1beta1-kubelet-conversion` annotation, else the class's own
        `spec.kubelet`. clusterDNS order does not matter, grace periods compare as durations, other
        values as written. The largest group keeps the class (ties: the first NodePool's group); each
        NodePool of the other groups is reported, as `convert` splits them.
    Why it matters:
        v1 moved kubelet from the NodePool to `EC2NodeClass.spec.kubelet`, and one class holds one
        configuration. The NodePools that disagree need a class of their own; pointing their
        `nodeClassRef.name` at it replaces every node of those NodePools once (NodePoolDrifted), so the
        largest group keeps the original class (upgrade guide, v1-migration.md:498-594).
    Example:
        # NodePool a and NodePool b, both with nodeClassRef.name: default
        kubelet: {maxPods: 110}   # a
        kubelet: {maxPods: 20}    # b
    Use instead:
        # EC2NodeClass default: kubelet {maxPods: 110}, used by a
        # EC2NodeClass default-b: kubelet {maxPods: 20}, used by b (karpmigrate convert writes it)
    """
    for pools in _groups(ctx).values():
        if len(pools) < 2 or not any(_explicit(p) for p in pools):
            continue
        for move in _moves(ctx, pools):
            yield _hit(move)


RULE = kubelet_split_nodeclass
