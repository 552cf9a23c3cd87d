"""KM115: controller- or server-managed metadata committed in a manifest (drift-and-lint §b)."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from typing import Any

from karpmigrate import catalogue
from karpmigrate.lint._base import Hit, LintObject, RuleContext, lint_rule
from karpmigrate.lint.rules import _common

_STALE_HASH = (
    "Karpenter's drift hash: re-applied by GitOps it disagrees with the NodeClaims until the hash "
    "controller rewrites it, a spurious {reason} on every sync"
)
#: drift-and-lint §0.3: a version that differs from the controller's makes it re-stamp the NodeClaims.
_STALE_VERSION = (
    "Karpenter's hash-version marker: re-applied with an old value it makes the hash controller re-stamp "
    "the NodeClaims on every sync, which absorbs real spec changes instead of drifting them"
)
#: Annotations written by Karpenter's controllers or kubectl (spec/conversion-rules.md §0.2, §8).
_ANNOTATIONS: Mapping[str, str] = {
    "karpenter.sh/nodepool-hash": _STALE_HASH.format(reason="NodePoolDrifted"),
    "karpenter.sh/nodepool-hash-version": _STALE_VERSION,
    "karpenter.k8s.aws/ec2nodeclass-hash": _STALE_HASH.format(reason="NodeClassDrift"),
    "karpenter.k8s.aws/ec2nodeclass-hash-version": _STALE_VERSION,
    "karpenter.sh/stored-version-migrated": "written by Karpenter's stored-version migration (RT-4)",
    "kubectl.kubernetes.io/last-applied-configuration": (
        "kubectl's copy of an earlier manifest: the next apply merges against that stale copy"
    ),
    # EC-2a: on a v1beta1 object this pins the alias the webhook stores; converting drops it.
    "compatibility.karpenter.k8s.aws/v1-alias-version": (
        "the conversion webhook's record of a pinned alias version: write the alias term "
        "(family@version) in the v1 manifest instead, or the class follows @latest (AMIDrift)"
    ),
}
#: apis.CompatibilityGroup of core and provider: the conversion webhook's round-trip state.
_PREFIXES = ("compatibility.karpenter.sh/", "compatibility.karpenter.k8s.aws/")
_ROUND_TRIP = "the conversion webhook's round-trip state, rewritten on every conversion"
#: ObjectMeta fields only the API server sets.
_METADATA: Mapping[str, str] = {
    "resourceVersion": "the API server's: an apply carrying it fails with a conflict once the object changes",
    "uid": "the API server's: applying it to a re-created object fails its UID precondition",
    "generation": "the API server's",
    "creationTimestamp": "the API server's",
    "managedFields": "the API server's field-ownership record",
    "selfLink": "the API server's",
    "deletionTimestamp": "the API server's",
    "deletionGracePeriodSeconds": "the API server's",
}
#: Added and removed by the termination controllers.
_FINALIZERS = frozenset({"karpenter.sh/termination", "karpenter.k8s.aws/termination"})


def _owned_elsewhere(obj: LintObject, key: str, value: Any) -> bool:
    """Keys another rule reports with a more precise message (one finding per problem)."""
    if key == _common.KUBELET_ANNOTATION and obj.kind == "NodePool" and obj.version == "v1":
        return True  # KM103: on a v1 NodePool it is live configuration, not stale state
    return key == _common.UBUNTU_ANNOTATION and _common.ubuntu_incompatible(value)  # KM110


def _annotation_reason(key: str) -> str | None:
    if key in _ANNOTATIONS:
        return _ANNOTATIONS[key]
    return _ROUND_TRIP if key.startswith(_PREFIXES) else None


def _annotations(obj: LintObject) -> Iterator[Hit]:
    for key, value in _common.annotations_of(obj).items():
        reason = _annotation_reason(str(key))
        if reason is not None and not _owned_elsewhere(obj, str(key), value):
            yield Hit(f"annotation {key} is {reason}; remove it", _common.annotation_path(str(key)))


def _metadata(obj: LintObject) -> Iterator[Hit]:
    for key, value in _common.mapping(obj.get(("metadata",))).items():
        # `creationTimestamp: null` is what `kubectl create --dry-run -o yaml` writes: harmless.
        if key in _METADATA and value is not None:
            yield Hit(f"metadata.{key} is {_METADATA[key]}; remove it", ("metadata", key))


def _finalizers(obj: LintObject) -> Iterator[Hit]:
    # Only Karpenter's own: a finalizer the user added on purpose is theirs to keep.
    for i, finalizer in enumerate(_common.items(obj.get(("metadata", "finalizers")))):
        if finalizer in _FINALIZERS:
            yield Hit(
                f"finalizer {finalizer} is added and removed by Karpenter's termination controller; remove it",
                ("metadata", "finalizers", i),
            )


def _status(obj: LintObject) -> Iterator[Hit]:
    # `status: {}` is what generators emit; only a filled-in status is a `kubectl get` copy.
    if obj.get(("status",)):
        yield Hit(
            "status is written by Karpenter's controllers (the API server ignores it on apply and it goes "
            "stale in Git); remove it",
            ("status",),
        )


_CHECKS: tuple[Callable[[LintObject], Iterator[Hit]], ...] = (_metadata, _annotations, _finalizers, _status)


@lint_rule(catalogue.KM115, kinds={"NodePool", "NodeClaim", "EC2NodeClass"})
def server_managed_metadata(ctx: RuleContext) -> Iterator[Hit]:
    """What the API server and Karpenter write into an object, committed to the manifest.

    What it does:
        Flags, one finding per item: Karpenter's hash and hash-version annotations,
        `karpenter.sh/stored-version-migrated`, every `compatibility.karpenter.sh/` and
        `compatibility.karpenter.k8s.aws/` annotation, `kubectl.kubernetes.io/last-applied-configuration`,
        server-set metadata (`resourceVersion`, `uid`, `generation`, non-null `creationTimestamp`,
        `managedFields`, ...), Karpenter's termination finalizers and a non-empty `status`. Two keys
        are left to rules with a sharper message: the kubelet compatibility annotation on a v1 NodePool
        (KM103) and an Ubuntu annotation that says `incompatible` (KM110).
    Why it matters:
        This is what `kubectl get -o yaml` adds, typically after the upgrade guide's conversion route. A
        stale hash re-applied by GitOps makes the object disagree with its NodeClaims until the hash
        controller rewrites it: spurious NodePoolDrifted/NodeClassDrift, repeated on every sync. A
        committed resourceVersion or uid makes later applies fail.
    Example:
        metadata:
          name: default
          resourceVersion: "123456"
          annotations:
            karpenter.sh/nodepool-hash: "6821555240594823858"
    Use instead:
        metadata:
          name: default
    """
    assert ctx.obj is not None
    for check in _CHECKS:
        yield from check(ctx.obj)


RULE = server_managed_metadata
