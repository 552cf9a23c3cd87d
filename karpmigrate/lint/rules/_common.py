"""Helpers shared by the KM1xx migration rules: plain-data access, NodePool -> EC2NodeClass, kubelet keys.

Everything here reads plain data and tolerates wrong types (lint runs before validate in pre-commit), and
imports nothing heavy at import time: ``karpmigrate.convert`` (pydantic through its engine) is imported
inside a function, only when a run needs it.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from karpmigrate.findings import Path
from karpmigrate.lint._base import LintObject, RuleContext

AWS_GROUP = "karpenter.k8s.aws"
NODECLASS_KIND = "EC2NodeClass"
#: NP-13: the v1beta1 NodePool kubelet, as JSON, on the v1 NodePool (spec/conversion-rules.md §0.2).
KUBELET_ANNOTATION = "compatibility.karpenter.sh/v1beta1-kubelet-conversion"
#: EC-2c: Ubuntu round-trip marker; ``incompatible`` makes the class NotReady (KM110).
UBUNTU_ANNOTATION = "compatibility.karpenter.k8s.aws/v1beta1-ubuntu"

ANNOTATIONS: Path = ("metadata", "annotations")
TEMPLATE_SPEC: Path = ("spec", "template", "spec")
NODEPOOL_KUBELET: Path = (*TEMPLATE_SPEC, "kubelet")
REQUIREMENTS: Path = (*TEMPLATE_SPEC, "requirements")
#: Where each kind keeps its nodeClassRef.
NODECLASS_REF: Mapping[str, Path] = {
    "NodePool": (*TEMPLATE_SPEC, "nodeClassRef"),
    "NodeClaim": ("spec", "nodeClassRef"),
}
AMI_TERMS: Path = ("spec", "amiSelectorTerms")
AMI_FAMILY: Path = ("spec", "amiFamily")


def mapping(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def items(value: Any) -> Sequence[Any]:
    """A list as a list; anything else (a string where a list belongs) as nothing."""
    return value if isinstance(value, list) else ()


def annotations_of(obj: LintObject) -> Mapping[str, Any]:
    return mapping(obj.get(ANNOTATIONS))


def annotation_path(key: str) -> Path:
    return (*ANNOTATIONS, key)


def ubuntu_incompatible(value: object) -> bool:
    """The Ubuntu annotation records ``incompatible`` (EC-2c: no AMI terms, the class stays NotReady)."""
    return isinstance(value, str) and "incompatible" in (part.strip() for part in value.split(","))


# ---------------------------------------------------------------- AMI selection


def ami_terms(obj: LintObject) -> list[tuple[int, Mapping[str, Any]]]:
    """(index, term) of every mapping in ``spec.amiSelectorTerms``."""
    return [(i, term) for i, term in enumerate(items(obj.get(AMI_TERMS))) if isinstance(term, Mapping)]


def alias_family(alias: object) -> str | None:
    """``al2023`` of ``al2023@v20240807`` (the CEL ``find('^[^@]+')``), None when it is not text."""
    if not isinstance(alias, str) or not alias or alias.startswith("@"):
        return None
    return alias.partition("@")[0]


def family_only(obj: LintObject) -> bool:
    """A v1beta1 class that selects its AMIs by family alone (Go ``len(terms) == 0``: absent, null, [])."""
    return not items(obj.get(AMI_TERMS))


# ---------------------------------------------------------------- NodePool -> EC2NodeClass


def class_name(pool: LintObject) -> str | None:
    """The EC2NodeClass a NodePool (v1beta1 or v1) refers to; None for no name or another provider's class.

    NP-12: v1beta1 has ``apiVersion``, v1 ``group``; an empty group or kind means the provider's default
    NodeClass (``EC2NodeClass`` in ``karpenter.k8s.aws``), as the conversion fills them in.
    """
    ref = mapping(pool.get(NODECLASS_REF["NodePool"]))
    group = ref.get("group")
    if group is None:
        group = str(ref.get("apiVersion") or "").partition("/")[0]
    kind = ref.get("kind") or NODECLASS_KIND
    name = ref.get("name")
    if group not in ("", AWS_GROUP) or kind != NODECLASS_KIND:
        return None
    return name if isinstance(name, str) and name else None


def nodeclass_of(ctx: RuleContext, pool: LintObject) -> LintObject | None:
    """The EC2NodeClass of the input a NodePool refers to (the nearest one when several share the name)."""
    name = class_name(pool)
    if name is None:
        return None
    found = [c for c in ctx.of_kind(NODECLASS_KIND) if c.name == name]
    if len(found) < 2:
        return found[0] if found else None
    return _nearest(pool, found)


def _nearest(pool: LintObject, found: Sequence[LintObject]) -> LintObject:
    # overlays/dev and overlays/prod each hold their own "default": a NodePool means the one beside it,
    # exactly as convert resolves it (convert/plan.py Inventory). Only this ambiguous case pays the import.
    from karpmigrate.convert.plan import Inventory, ObjectInfo

    def info(obj: LintObject, order: int) -> ObjectInfo:
        key = (obj.file, obj.document, obj.prefix)
        return ObjectInfo(key, obj.kind, obj.api_version, obj.name or None, obj.data, None, order)

    by_key = {(c.file, c.document, c.prefix): c for c in found}
    inventory = Inventory(info(c, i) for i, c in enumerate(found))
    best = inventory.resolve(NODECLASS_KIND, found[0].name, near=(pool.file, pool.document, pool.prefix))
    return by_key[best.key] if best is not None else found[0]


def pools_of(ctx: RuleContext, nodeclass: LintObject) -> Iterator[LintObject]:
    """The NodePools of the input that refer to ``nodeclass``."""
    for pool in ctx.of_kind("NodePool"):
        if class_name(pool) == nodeclass.name and nodeclass_of(ctx, pool) is nodeclass:
            yield pool


# ---------------------------------------------------------------- kubelet settings


def kubelet_annotation(pool: LintObject) -> Mapping[str, Any] | None:
    """The kubelet a v1 NodePool's compatibility annotation holds; None when absent or not JSON."""
    text = annotations_of(pool).get(KUBELET_ANNOTATION)
    if not isinstance(text, str):
        return None
    try:
        value = json.loads(text)
    except ValueError:
        return None
    return mapping(value)


def kubelet_key(kubelet: Any) -> Mapping[str, Any]:
    """The kubelet reduced to what makes two configurations equal (KM101/KM102 equality, drift-and-lint §b).

    Absent equals ``{}``; ``clusterDNS`` order does not matter (hashed as a set, §0.2); grace periods
    compare as durations (``1m`` = ``1m0s``: the annotation holds Go's rendering, S-2); map values stay
    raw strings (``1Gi`` != ``1024Mi``: the kubelet hash compares them as written).
    """
    plain = dict(mapping(kubelet))
    dns = plain.get("clusterDNS")
    if isinstance(dns, list):
        plain["clusterDNS"] = sorted(str(v) for v in dns)
    grace = plain.get("evictionSoftGracePeriod")
    if isinstance(grace, Mapping) and grace:
        plain["evictionSoftGracePeriod"] = {str(k): _duration(v) for k, v in grace.items()}
    return plain


def _duration(value: Any) -> Any:
    from karpmigrate.convert.go import parse_go_duration

    try:
        return parse_go_duration(str(value))
    except ValueError:
        return value


def kubelet_text(key: Mapping[str, Any]) -> str:
    """One text per configuration (for grouping): equal keys, equal texts."""
    return json.dumps(key, sort_keys=True, default=str)


def same_kubelet(a: Mapping[str, Any], b: Mapping[str, Any]) -> bool:
    return kubelet_text(a) == kubelet_text(b)


def kubelet_differences(a: Mapping[str, Any], b: Mapping[str, Any]) -> list[str]:
    """The kubelet fields whose (normalised) values differ, in name order."""
    return sorted(k for k in set(a) | set(b) if not same_kubelet({k: a.get(k)}, {k: b.get(k)}))
