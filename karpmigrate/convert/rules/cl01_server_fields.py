"""CL-1: status, server metadata, hash and compatibility annotations are removed (design §3, KM115).

What ``kubectl get -o yaml`` adds to a manifest does not belong in Git: the API server's bookkeeping,
Karpenter's drift hashes (a stale hash re-applied by GitOps makes the object disagree with its
NodeClaims until the hash controller rewrites it: spurious drift, drift-and-lint KM115), the
compatibility annotations of the conversion webhook (spec/conversion-rules.md §0.2) and kubectl's own
last-applied copy of the old manifest.
"""

from __future__ import annotations

from collections.abc import Mapping

from ruamel.yaml.comments import CommentedMap

from karpmigrate.convert import codes
from karpmigrate.convert._base import Context, rule
from karpmigrate.findings import Path
from karpmigrate.io import paths

#: Written by the API server (ObjectMeta fields a client never sets).
SERVER_METADATA = (
    "uid",
    "resourceVersion",
    "generation",
    "creationTimestamp",
    "managedFields",
    "selfLink",
    "deletionTimestamp",
    "deletionGracePeriodSeconds",
)
#: Written by Karpenter's controllers (spec §0.2, §8) or by kubectl apply.
SERVER_ANNOTATIONS = frozenset(
    {
        "karpenter.sh/nodepool-hash",
        "karpenter.sh/nodepool-hash-version",
        "karpenter.k8s.aws/ec2nodeclass-hash",
        "karpenter.k8s.aws/ec2nodeclass-hash-version",
        "karpenter.sh/stored-version-migrated",
        "kubectl.kubernetes.io/last-applied-configuration",
    }
)
#: apis.CompatibilityGroup of core and provider: every key is the webhook's round-trip state.
SERVER_ANNOTATION_PREFIXES = ("compatibility.karpenter.sh/", "compatibility.karpenter.k8s.aws/")
#: Added by the termination controllers; a finalizer in a manifest only blocks a later delete.
SERVER_FINALIZERS = frozenset({"karpenter.sh/termination", "karpenter.k8s.aws/termination"})

_ANNOTATIONS: Path = ("metadata", "annotations")
_FINALIZERS: Path = ("metadata", "finalizers")


Removal = tuple[Path, str]


def _annotations(annotations: object) -> list[Removal]:
    if not isinstance(annotations, Mapping):
        return []
    return [
        ((*_ANNOTATIONS, key), f"annotation {key}")
        for key in annotations
        if isinstance(key, str) and (key in SERVER_ANNOTATIONS or key.startswith(SERVER_ANNOTATION_PREFIXES))
    ]


def _finalizers(finalizers: object) -> list[Removal]:
    if not isinstance(finalizers, list):
        return []
    server = [i for i, f in enumerate(finalizers) if isinstance(f, str) and f in SERVER_FINALIZERS]
    # Last to first, so that popping one does not shift the index of the next.
    return [((*_FINALIZERS, i), f"finalizer {finalizers[i]}") for i in reversed(server)]


#: Metadata entries that hold server-written items among the user's own.
_MIXED = {"annotations": _annotations, "finalizers": _finalizers}


def _found(before: Mapping[str, object]) -> list[Removal]:
    """(path, what) to remove, in document order (``kubectl get -o yaml`` puts status last)."""
    found: list[Removal] = []
    meta = before.get("metadata")
    for key, value in meta.items() if isinstance(meta, Mapping) else ():
        if key in SERVER_METADATA:
            found.append((("metadata", key), f"metadata.{key}"))
        elif key in _MIXED:
            found += _MIXED[key](value)
    if "status" in before:
        found.append((("status",), "status"))
    return found


@rule("CL-1", "server-fields-removed", kinds={"NodePool", "NodeClaim", "EC2NodeClass"})
def server_fields_removed(obj: CommentedMap, ctx: Context) -> None:
    """status, server metadata, hash and compatibility annotations are removed."""
    found = _found(ctx.before)
    if not found:
        return
    ctx.note(
        codes.SERVER_FIELDS,
        "removed what the API server and Karpenter write, which does not belong in Git (a stale hash "
        f"re-applied by GitOps causes spurious drift): {', '.join(what for _, what in found)}",
        found[0][0],
    )
    for path, _ in found:
        paths.pop(obj, path)
    # Only a collection this rule emptied goes; an `annotations: {}` the user wrote is not ours to touch.
    touched = {path[:2] for path, _ in found}
    for container in (_ANNOTATIONS, _FINALIZERS):
        if container in touched and not paths.get(obj, container):
            paths.pop(obj, container)


RULE = server_fields_removed
