"""The input set as a whole: which object a reference names, and where each NodePool's kubelet goes.

v1 has no NodePool kubelet; it lives on the EC2NodeClass (design §3, guide lines 498-594). One
EC2NodeClass holds one kubelet configuration, so NodePools that share a class but disagree need one
class per distinct setting (KM101). This module decides that once, over every document given, before
any rule runs; the rules CL-5 (NodePool side) and CL-9 (EC2NodeClass side) and the engine (copies)
carry the decision out. Pure: plain data in, a plan out.
"""

from __future__ import annotations

import json
import posixpath
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from karpmigrate.findings import Path
from karpmigrate.io import paths

#: (file, document index, path of the object inside the document): unique in one run.
ObjectKey = tuple[str, int, Path]

AWS_GROUP = "karpenter.k8s.aws"
NODECLASS_KIND = "EC2NodeClass"
KUBELET_ANNOTATION = "compatibility.karpenter.sh/v1beta1-kubelet-conversion"


@dataclass(slots=True)
class ObjectInfo:
    """One Karpenter object of the input set, as written (``data``) and as a round-trip node (``node``)."""

    key: ObjectKey
    kind: str
    api_version: str
    name: str | None
    data: Mapping[str, Any]
    node: Any
    order: int
    #: A v1beta1 NodePool's kubelet, taken while its tree was at hand (the conversion drops the trees it
    #: planned from, performance issue P2); None: read it from ``node``.
    kubelet: Kubelet | None = None

    @property
    def file(self) -> str:
        return self.key[0]

    @property
    def version(self) -> str:
        return self.api_version.rpartition("/")[2]

    def __str__(self) -> str:
        return f"{self.kind}/{self.name or '<unnamed>'}"


def _closeness(a: str, b: str) -> tuple[bool, int]:
    # Same file first, then the deepest shared directory: overlays/dev/ and overlays/prod/ each hold
    # their own EC2NodeClass "default", and a NodePool means the one beside it.
    da, db = posixpath.dirname(a).split("/"), posixpath.dirname(b).split("/")
    shared = 0
    for x, y in zip(da, db, strict=False):
        if x != y:
            break
        shared += 1
    return a == b, shared


class Inventory:
    """Every Karpenter object of the run, looked up by kind and name, nearest to the referrer first."""

    def __init__(self, objects: Iterable[ObjectInfo] = ()) -> None:
        self.objects: list[ObjectInfo] = list(objects)
        self._by_name: dict[tuple[str, str], list[ObjectInfo]] = {}
        self._by_key: dict[ObjectKey, ObjectInfo] = {}
        for info in self.objects:
            self._by_key[info.key] = info
            if info.name is not None:
                self._by_name.setdefault((info.kind, info.name), []).append(info)

    def get(self, key: ObjectKey) -> ObjectInfo | None:
        return self._by_key.get(key)

    def of_kind(self, kind: str) -> list[ObjectInfo]:
        return [o for o in self.objects if o.kind == kind]

    def names(self, kind: str) -> set[str]:
        return {name for (k, name) in self._by_name if k == kind}

    def candidates(self, kind: str, name: str, near: ObjectKey) -> list[ObjectInfo]:
        """Objects of that kind and name, the best match first; several equally near = ambiguous."""
        found = self._by_name.get((kind, name), [])
        ranked = sorted(found, key=lambda o: (_closeness(o.file, near[0]), -o.order), reverse=True)
        if len(ranked) < 2:
            return ranked
        best = _closeness(ranked[0].file, near[0])
        return [o for o in ranked if _closeness(o.file, near[0]) == best]

    def resolve(self, kind: str, name: str, near: ObjectKey) -> ObjectInfo | None:
        found = self.candidates(kind, name, near)
        return found[0] if found else None


# ---------------------------------------------------------------- the kubelet plan


@dataclass(slots=True, frozen=True)
class Kubelet:
    """A NodePool's kubelet as written: the round-trip node, the comment above it, and its owner."""

    node: Any
    #: The comment lines directly above ``kubelet:`` in the NodePool; they move with it.
    above: str
    #: The column of the NodePool's ``spec.template.spec`` keys (it decides how far comments shift).
    column: int | None


@dataclass(slots=True)
class Copy:
    """A new EC2NodeClass for the NodePools whose kubelet differs from the original's group (KM101)."""

    name: str
    #: The kubelet to give the copy, None for no kubelet.
    kubelet: Kubelet | None
    pools: list[ObjectInfo]


@dataclass(slots=True)
class ClassPlan:
    #: The kubelet the class itself gets; None when its group has no kubelet.
    kubelet: Kubelet | None
    pools: list[ObjectInfo]
    copies: list[Copy] = field(default_factory=list)


@dataclass(slots=True)
class PoolPlan:
    nodeclass: ObjectInfo | None = None
    #: The class name the NodePool points at after the split (None: unchanged).
    repoint: str | None = None
    #: Why the NodePool cannot be converted (its kubelet has nowhere to go).
    blocked: str | None = None
    #: Other NodePools in the same group, for the notes.
    group: list[ObjectInfo] = field(default_factory=list)


@dataclass(slots=True)
class Plan:
    pools: dict[ObjectKey, PoolPlan] = field(default_factory=dict)
    classes: dict[ObjectKey, ClassPlan] = field(default_factory=dict)


def _mapping(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def _template_spec(data: Mapping[str, Any]) -> Mapping[str, Any]:
    return _mapping(_mapping(_mapping(data.get("spec")).get("template")).get("spec"))


def _reference(pool: ObjectInfo) -> tuple[str | None, bool]:
    """(class name, refers to an EC2NodeClass) of a NodePool's nodeClassRef, v1beta1 or v1."""
    ref = _mapping(_template_spec(pool.data).get("nodeClassRef"))
    group = ref.get("group")
    if group is None:
        group = str(ref.get("apiVersion") or "").partition("/")[0]
    kind = ref.get("kind") or NODECLASS_KIND
    name = ref.get("name")
    return (name if isinstance(name, str) and name else None), group in (
        "",
        AWS_GROUP,
    ) and kind == NODECLASS_KIND


def _setting_key(kubelet: Any) -> str:
    """Equal keys = one kubelet configuration. Grace periods compare by value (``1m`` = ``1m0s``)."""
    from karpmigrate.convert.go import parse_go_duration

    plain = dict(_mapping(kubelet))
    grace = plain.get("evictionSoftGracePeriod")
    if isinstance(grace, Mapping):
        parsed: dict[str, Any] = {}
        for k, v in grace.items():
            try:
                parsed[str(k)] = parse_go_duration(str(v))
            except ValueError:
                parsed[str(k)] = v
        plain["evictionSoftGracePeriod"] = parsed
    return json.dumps(plain, sort_keys=True, default=str)


def kubelet_of(tree: Any) -> Kubelet | None:
    """The kubelet of a NodePool's round-trip tree, with the comment above it and its indentation."""
    where = ("spec", "template", "spec", "kubelet")
    node = paths.get(tree, where)
    if node is None:
        return None
    spec = paths.get(tree, where[:-1])
    column = getattr(getattr(spec, "lc", None), "col", None)
    return Kubelet(node, paths.comment_above(tree, where), column if isinstance(column, int) else None)


def _pool_setting(pool: ObjectInfo, nodeclass: ObjectInfo) -> tuple[str, Kubelet | None]:
    """(key, kubelet to move or None) of the kubelet this NodePool's nodes run with today."""
    if pool.version == "v1beta1":
        moving = pool.kubelet if pool.kubelet is not None else kubelet_of(pool.node)
        return _setting_key(_template_spec(pool.data).get("kubelet")), moving
    annotation = _mapping(_mapping(pool.data.get("metadata")).get("annotations")).get(KUBELET_ANNOTATION)
    if isinstance(annotation, str):
        # RT-1: on 1.0 the NodePool's compatibility annotation wins over the EC2NodeClass kubelet.
        try:
            return _setting_key(json.loads(annotation)), None
        except ValueError:
            pass
    current = _mapping(nodeclass.data.get("spec")).get("kubelet")
    return _setting_key(current), None


def _unique(name: str, taken: set[str]) -> str:
    candidate, n = name, 2
    while candidate in taken:
        candidate = f"{name}-{n}"
        n += 1
    taken.add(candidate)
    return candidate


def build_plan(inventory: Inventory) -> Plan:
    """Where each v1beta1 NodePool's kubelet goes, and which EC2NodeClasses must be split (clean mode)."""
    plan = Plan()
    members: dict[ObjectKey, list[ObjectInfo]] = {}
    affected: set[ObjectKey] = set()
    for pool in inventory.of_kind("NodePool"):
        name, ours = _reference(pool)
        moving = pool.version == "v1beta1" and "kubelet" in _template_spec(pool.data)
        if name is None or not ours:
            if moving:
                what = (
                    "no nodeClassRef name" if name is None else "a nodeClassRef that is not an EC2NodeClass"
                )
                plan.pools[pool.key] = PoolPlan(blocked=f"{pool} has kubelet settings but {what}")
            continue
        nodeclass = inventory.resolve(NODECLASS_KIND, name, near=pool.key)
        if nodeclass is None:
            if moving:
                plan.pools[pool.key] = PoolPlan(
                    blocked=f"its kubelet must move to EC2NodeClass/{name}, which is not in the input: "
                    "add the file that defines it to the command line (under pre-commit: stage it too)"
                )
            continue
        plan.pools[pool.key] = PoolPlan(nodeclass=nodeclass)
        members.setdefault(nodeclass.key, []).append(pool)
        if moving:
            affected.add(nodeclass.key)
    taken = inventory.names(NODECLASS_KIND)
    for class_key in sorted(affected, key=lambda k: members[k][0].order):
        nodeclass = inventory.get(class_key)
        assert nodeclass is not None
        groups: dict[str, list[tuple[ObjectInfo, Kubelet | None]]] = {}
        for pool in members[class_key]:
            key, node = _pool_setting(pool, nodeclass)
            groups.setdefault(key, []).append((pool, node))
        ordered = list(groups.values())
        # The largest group keeps the original name (fewest nodes drift); ties: the first NodePool's group.
        kept = max(ordered, key=len)
        kept_node = next((node for _, node in kept if node is not None), None)
        class_plan = ClassPlan(kubelet=kept_node, pools=[p for p, _ in kept])
        plan.classes[class_key] = class_plan
        for pool, _ in kept:
            plan.pools[pool.key].group = class_plan.pools
        for group in ordered:
            if group is kept:
                continue
            pools = [p for p, _ in group]
            if class_key[2]:
                # A copy is a new document after the original; an item of a `kind: List` has no such place.
                for pool in pools:
                    plan.pools[pool.key].blocked = (
                        f"its kubelet differs from the other NodePools of EC2NodeClass/{nodeclass.name}, which "
                        "is an item of a List and cannot be split: move it into a document of its own"
                    )
                continue
            copy = Copy(
                name=_unique(f"{nodeclass.name}-{pools[0].name}", taken),
                kubelet=next((node for _, node in group if node is not None), None),
                pools=pools,
            )
            class_plan.copies.append(copy)
            for pool in pools:
                plan.pools[pool.key].repoint = copy.name
                plan.pools[pool.key].group = pools
    return plan
