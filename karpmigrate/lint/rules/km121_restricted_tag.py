"""KM121: spec.tags edited during the migration, or a tag key v1 restricts (drift-and-lint §b)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from karpmigrate import catalogue
from karpmigrate.findings import Level
from karpmigrate.lint._base import Hit, LintObject, RuleContext, lint_rule
from karpmigrate.lint.rules._migration import is_migration, mapping

_TAGS = ("spec", "tags")
#: v1 CEL on spec.tags (AWS v1.0.14 pkg/apis/v1/ec2nodeclass.go:89-94; CRD .spec.tags): exact keys, and
#: the prefix `kubernetes.io/cluster` (`startsWith`, so without the trailing slash).
_RESTRICTED = frozenset(
    {
        "eks:eks-cluster-name",
        "karpenter.sh/nodepool",
        "karpenter.sh/nodeclaim",
        "karpenter.k8s.aws/ec2nodeclass",
    }
)
_RESTRICTED_PREFIX = "kubernetes.io/cluster"


def _restricted(key: Any) -> bool:
    return isinstance(key, str) and (key in _RESTRICTED or key.startswith(_RESTRICTED_PREFIX))


def _restricted_hits(tags: Mapping[str, Any]) -> Iterator[Hit]:
    for key in tags:
        if _restricted(key):
            # The API server rejects the object (CEL), so the apply fails: error, whatever the catalogue
            # level of the tag-edit half of this rule.
            yield Hit(
                f"tag {key} is restricted in v1: the API server rejects the EC2NodeClass (Karpenter sets it "
                "itself); remove it",
                (*_TAGS, key),
                level=Level.ERROR,
            )


def _edit_hit(old: Mapping[str, Any], new: Mapping[str, Any], obj: LintObject) -> Iterator[Hit]:
    # Tag values are hashed as raw strings; absent == {} (§0.2).
    added = [k for k in new if k not in old]
    removed = [k for k in old if k not in new]
    changed = [k for k in new if k in old and new[k] != old[k]]
    if not (added or removed or changed):
        return
    parts = [
        f"{label} {', '.join(map(str, keys))}"
        for label, keys in (("added", added), ("removed", removed), ("changed", changed))
        if keys
    ]
    first = (added or changed)[:1]
    yield Hit(
        f"spec.tags edited during the migration ({'; '.join(parts)}): tags are hashed and not patched onto "
        f"running instances, so every node of EC2NodeClass {obj.name} is replaced (NodeClassDrift); "
        "change tags in a separate rollout",
        (*_TAGS, *first),
    )


@lint_rule(catalogue.KM121, kinds={"EC2NodeClass"}, compares=True)
def restricted_tag(ctx: RuleContext) -> Iterator[Hit]:
    """A v1 EC2NodeClass uses a restricted tag key, or its tags differ from its v1beta1 version.

    What it does:
        Flags tag keys v1 forbids (`eks:eks-cluster-name`, `kubernetes.io/cluster*`,
        `karpenter.sh/nodepool`, `karpenter.sh/nodeclaim`, `karpenter.k8s.aws/ec2nodeclass`) in a v1
        EC2NodeClass, as an error. When the previous version is v1beta1 (a migration), also flags any
        difference in `spec.tags` (added, removed or changed keys). A tag change between two v1
        manifests is the drift engine's (KM204).
    Why it matters:
        v1 rejects the restricted keys (v1beta1 allowed `eks:eks-cluster-name`, so a converted object
        carrying it fails on its next update); v1 no longer restricts `karpenter.sh/managed-by`. Tags are
        in the EC2NodeClass hash and are not applied to running instances: any edit replaces every node
        of the class (NodeClassDrift), which a migration should not do by the way.
    Example:
        spec:
          tags:
            eks:eks-cluster-name: prod
            team: platform   # was team: infra in v1beta1
    Use instead:
        spec:
          tags:
            team: infra
    """
    assert ctx.obj is not None
    if ctx.obj.version != "v1":
        return
    tags = ctx.obj.get(_TAGS)
    if tags is not None and not isinstance(tags, Mapping):
        return
    yield from _restricted_hits(mapping(tags))
    old = ctx.old_of(ctx.obj)
    if old is not None and is_migration(ctx.obj, old):
        old_tags = old.get(_TAGS)
        if old_tags is None or isinstance(old_tags, Mapping):
            yield from _edit_hit(mapping(old_tags), mapping(tags), ctx.obj)


RULE = restricted_tag
