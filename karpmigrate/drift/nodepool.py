"""NodePool drift: the static NodePool hash, the v1.0 kubelet hash, requirements (drift-and-lint §a.1).

v1 (core v1.0.9 ``pkg/apis/v1/nodepool.go:280-288``): only ``spec.template`` is hashed, minus
``hash:"ignore"`` fields: template labels and annotations, taints, startupTaints, nodeClassRef,
expireAfter and terminationGracePeriod. Requirements are checked dynamically (requirements.py);
disruption, limits, weight and replicas are behaviour only and never drift.

v1beta1 at a target before 1.0 (core v0.37.7 ``nodepool.go:197-205``): the same template fields with
``nodeClassRef.apiVersion`` instead of ``group``, plus kubelet; expireAfter sat in ``spec.disruption``
and was not hashed.

On Karpenter 1.0.x the aws provider also compares a hash of the effective kubelet with the one each
NodeClaim was launched with (§0.4, reported as NodeClassDrift): the NodePool's
``compatibility.karpenter.sh/v1beta1-kubelet-conversion`` annotation when it has one, else the
EC2NodeClass's ``spec.kubelet``. The NodePool side of that is compared here when both versions carry
the annotation; when only one does, the outcome depends on the EC2NodeClass (KM102).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from karpmigrate import catalogue
from karpmigrate.drift import requirements
from karpmigrate.drift.change import NODECLASS_DRIFT, NODEPOOL_DRIFTED, Change
from karpmigrate.drift.diff import Explain, Field, Leaf, changes, describe, what
from karpmigrate.drift.effective import NotConvertible, converts, effective, version_of
from karpmigrate.drift.shapes import (
    KUBELET,
    MISSING,
    GoDuration,
    Invalid,
    NillableDuration,
    Ptr,
    SetOf,
    StringMap,
    Struct,
    Text,
)
from karpmigrate.findings import Path
from karpmigrate.io import paths
from karpmigrate.target import Target

TEMPLATE: Path = ("spec", "template")
CLAIM: Path = (*TEMPLATE, "spec")
KUBELET_ANNOTATION = "compatibility.karpenter.sh/v1beta1-kubelet-conversion"
KUBELET_PATH: Path = ("metadata", "annotations", KUBELET_ANNOTATION)
DO_NOT_DISRUPT = "karpenter.sh/do-not-disrupt"
#: Removed in v1.0, replaced by do-not-disrupt (KM212); clean conversion renames them (design §3).
DEPRECATED_ANNOTATIONS = ("karpenter.sh/do-not-consolidate", "karpenter.sh/do-not-evict")
#: The AWS provider's default NodeClass (NP-12, aws pkg/cloudprovider/cloudprovider.go:241-243).
DEFAULT_GROUP, DEFAULT_KIND = "karpenter.k8s.aws", "EC2NodeClass"

_TAINT = Struct({"key": Text(), "value": Text(), "effect": Text(), "timeAdded": Ptr(Text())})


def _node_class_ref(obj: Mapping[str, Any]) -> Any:
    """nodeClassRef as the controller would read it.

    A v1 manifest that still says ``apiVersion``, or leaves out group or kind, is rejected by the API
    server (KM116, KM215): nothing is applied, so nothing drifts. It is read as the reference it
    obviously means (NP-12's defaults) instead of as a changed reference.
    """
    ref = paths.get(obj, (*CLAIM, "nodeClassRef"))
    if not isinstance(ref, Mapping):
        return ref
    out = dict(ref)
    api_version = out.pop("apiVersion", None)
    if not out.get("group"):
        out["group"] = (
            api_version.split("/")[0] if isinstance(api_version, str) and api_version else DEFAULT_GROUP
        )
    if not out.get("kind"):
        out["kind"] = DEFAULT_KIND
    return out


def _template_fields(ref: Field, extra: tuple[Field, ...] = ()) -> tuple[Field, ...]:
    static, drifted = catalogue.KM201, NODEPOOL_DRIFTED
    return (
        Field((*TEMPLATE, "metadata", "labels"), StringMap(), static, drifted, "template labels"),
        # Annotations go to KM209 only (KM201 would name the same change twice).
        Field(
            (*TEMPLATE, "metadata", "annotations"),
            StringMap(),
            catalogue.KM209,
            drifted,
            "template annotations",
        ),
        Field((*CLAIM, "taints"), SetOf(_TAINT), static, drifted, "taints"),
        Field((*CLAIM, "startupTaints"), SetOf(_TAINT), static, drifted, "startupTaints"),
        ref,
        *extra,
    )


#: core v1.0.9 pkg/apis/v1/nodepool.go:175-218 (unchanged in v1.14.1).
V1_FIELDS = _template_fields(
    Field(
        (*CLAIM, "nodeClassRef"),
        Ptr(Struct({"group": Text(), "kind": Text(), "name": Text()})),
        catalogue.KM201,
        NODEPOOL_DRIFTED,
        "nodeClassRef",
        _node_class_ref,
    ),
    (
        Field(
            (*CLAIM, "expireAfter"),
            NillableDuration(),
            catalogue.KM201,
            NODEPOOL_DRIFTED,
            "expireAfter",
            unset="Never",
        ),
        Field(
            (*CLAIM, "terminationGracePeriod"),
            Ptr(GoDuration(), zero_is_nil=False),
            catalogue.KM201,
            NODEPOOL_DRIFTED,
            "terminationGracePeriod",
        ),
    ),
)

#: core v0.37.7 pkg/apis/v1beta1/nodepool.go:155-175 and nodeclaim.go:42-52.
V1BETA1_FIELDS = _template_fields(
    Field(
        (*CLAIM, "nodeClassRef"),
        Ptr(Struct({"apiVersion": Text(), "kind": Text(), "name": Text()})),
        catalogue.KM201,
        NODEPOOL_DRIFTED,
        "nodeClassRef",
    ),
    (Field((*CLAIM, "kubelet"), KUBELET, catalogue.KM201, NODEPOOL_DRIFTED, "kubelet"),),
)


def _compat_kubelet(obj: Mapping[str, Any]) -> Any:
    text = paths.get(obj, KUBELET_PATH)
    if text is None:
        return None
    try:
        return json.loads(text) if isinstance(text, str) else Invalid(str(text))
    except ValueError:
        return Invalid(text)


#: The kubelet compatibility hash of aws v1.0.x (pkg/cloudprovider/drift.go:143-161): nil and {} are
#: the same configuration (ZeroNil), so the struct is not a pointer here.
COMPAT_KUBELET = Field(
    KUBELET_PATH,
    KUBELET.inner,
    catalogue.KM201,
    NODECLASS_DRIFT,
    "kubelet (compatibility annotation)",
    _compat_kubelet,
)

#: Where a v1 path is in a v1beta1 object, for findings on a v1beta1 new version.
_V1BETA1_PATHS: tuple[tuple[Path, Path], ...] = (
    ((*CLAIM, "expireAfter"), ("spec", "disruption", "expireAfter")),
    ((*CLAIM, "nodeClassRef", "group"), (*CLAIM, "nodeClassRef", "apiVersion")),
    (KUBELET_PATH, (*CLAIM, "kubelet")),
)


def _name(obj: Mapping[str, Any]) -> str:
    name = paths.get(obj, ("metadata", "name"))
    return f"NodePool {name}" if isinstance(name, str) and name else "the NodePool"


def _explain(scope: str) -> Explain:
    def explain(leaf: Leaf) -> str:
        change = f"{what(leaf)} {describe(leaf.old, leaf.new, leaf.field.unset)}"
        if leaf.field is COMPAT_KUBELET:
            return (
                f"{change}: on Karpenter 1.0.x every node of {scope} drifts and is replaced through the kubelet "
                f"drift hash ({NODECLASS_DRIFT})"
            )
        if leaf.field.code is catalogue.KM209:
            lacking = (
                " (running nodes lack it, so adding it replaces each of them once)"
                if leaf.path[-1] == DO_NOT_DISRUPT and leaf.old is MISSING
                else ""
            )
            return (
                f"{change}: template annotations are hashed, so every node of {scope} drifts and is replaced "
                f"({leaf.field.reason}){lacking}"
            )
        return (
            f"{change}: hashed in the NodePool template, so every node of {scope} drifts and is replaced "
            f"({leaf.field.reason}), paced by its disruption budgets"
        )

    return explain


def _kubelet_compared(
    old: Mapping[str, Any], new: Mapping[str, Any], both_v1beta1: bool, target: Target
) -> bool:
    """Whether the NodePool alone decides the v1.0.x kubelet hash of both versions."""
    if target.at_least(1, 1):
        # aws 1.1-1.5 refuse to start with the annotation, 1.6+ ignore it (§0.4): KM103's business.
        return False
    # Two v1beta1 versions: their EC2NodeClass has no kubelet (EC-4), so no annotation means none.
    return both_v1beta1 or (_compat_kubelet(old) is not None and _compat_kubelet(new) is not None)


def _in_v1beta1(path: Path) -> Path:
    for v1, v1beta1 in _V1BETA1_PATHS:
        if path[: len(v1)] == v1:
            return (*v1beta1, *path[len(v1) :])
    return path


def semantics(old: Mapping[str, Any], new: Mapping[str, Any], target: Target) -> str:
    """``v1beta1`` when both versions are v1beta1 and the target still hashes v1beta1, else ``v1``."""
    both = version_of(old) == version_of(new) == "v1beta1"
    return "v1beta1" if both and not converts(target) else "v1"


def _effective_pair(
    old: Mapping[str, Any], new: Mapping[str, Any], target: Target
) -> tuple[dict[str, Any], dict[str, Any], tuple[Field, ...]]:
    if semantics(old, new, target) == "v1beta1":
        return effective(old, target), effective(new, target), V1BETA1_FIELDS
    return effective(old), effective(new), V1_FIELDS


def compare_nodepools(
    old: Mapping[str, Any], new: Mapping[str, Any], target: Target | None = None
) -> list[Change]:
    """Every change between two versions of a NodePool that drifts nodes (KM201, KM202, KM203, KM209, KM210).

    ``old`` may be v1beta1 and ``new`` v1 (a migration: the new manifest is compared with what the
    conversion webhook stored), or both the same version (an edit). An object the webhook cannot
    convert gives no changes: nothing can be said about what Karpenter would hold.
    """
    target = target or Target()
    try:
        before, after, fields = _effective_pair(old, new, target)
    except NotConvertible:
        return []
    scope = _name(new)
    explain = _explain(scope)
    found = _renames(list(changes(fields, before, after, explain, scope)), scope)
    both_v1beta1 = version_of(old) == version_of(new) == "v1beta1"
    if fields is V1_FIELDS and _kubelet_compared(before, after, both_v1beta1, target):
        found.extend(changes((COMPAT_KUBELET,), before, after, explain, scope))
    found.extend(requirements.compare(before, after, target))
    if version_of(new) == "v1beta1" and fields is V1_FIELDS:
        found = [_moved(c) for c in found]
    return found


def _renames(found: list[Change], scope: str) -> list[Change]:
    """A deprecated annotation removed and do-not-disrupt added is one change: the rename (KM209)."""
    annotations = (*TEMPLATE, "metadata", "annotations")
    added = next((c for c in found if c.path == (*annotations, DO_NOT_DISRUPT) and c.old is None), None)
    gone = [
        c for c in found if c.path[:-1] == annotations and c.path[-1] in DEPRECATED_ANNOTATIONS and c.removed
    ]
    if added is None or not gone:
        return found
    names = " and ".join(str(c.path[-1]) for c in gone)
    rename = replace(
        added,
        old=gone[0].old,
        message=(
            f"template annotation {names} renamed to {DO_NOT_DISRUPT} (the key Karpenter v1 reads): template "
            f"annotations are hashed, so every node of {scope} drifts and is replaced once ({NODEPOOL_DRIFTED})"
        ),
    )
    return [rename if c is added else c for c in found if c not in gone]


def _moved(change: Change) -> Change:
    return replace(change, path=_in_v1beta1(change.path))


def nodepool_hash_view(obj: Mapping[str, Any], target: Target | None = None) -> dict[Path, Any]:
    """The hashed fields of a NodePool as Karpenter holds it: path -> canonical value (absent: left out).

    Two versions hash alike exactly when their views are equal.
    """
    target = target or Target()
    both = version_of(obj) == "v1beta1" and not converts(target)
    stored = effective(obj, target)
    out: dict[Path, Any] = {}
    for field in V1BETA1_FIELDS if both else V1_FIELDS:
        value = field.shape.norm(field.value(stored), True)
        if value is not MISSING:
            out[field.path] = value
    return out
