"""CL-11: tag keys v1 rejects are reported, and kept. EC-7 (spec/conversion-rules.md §4, §8), KM121.

v1beta1 accepted ``eks:eks-cluster-name``; the v1 CEL on ``spec.tags`` rejects it (and the keys below).
The webhook copies tags unchanged, so the stored class keeps the tag; removing it changes the class
hash and replaces every node of the class. That is the user's decision: the tag stays as written.
"""

from __future__ import annotations

from collections.abc import Mapping

from ruamel.yaml.comments import CommentedMap

from karpmigrate.convert import codes
from karpmigrate.convert._base import Context, rule

#: The v1 CEL rules on spec.tags (AWS pkg/apis/v1/ec2nodeclass.go:89-94, spec §7.3).
_RESTRICTED = (
    "eks:eks-cluster-name",
    "karpenter.sh/nodepool",
    "karpenter.sh/nodeclaim",
    "karpenter.k8s.aws/ec2nodeclass",
)
_RESTRICTED_PREFIX = "kubernetes.io/cluster"
#: v1beta1 accepted this one; Karpenter 1.0 tags every instance with it itself (upgrade guide lines 28-42).
_WHY = {"eks:eks-cluster-name": "Karpenter 1.0 sets it on every instance itself"}


@rule("CL-11", "restricted-tags", kinds={"EC2NodeClass"})
def restricted_tags(obj: CommentedMap, ctx: Context) -> None:
    """Tag keys v1 rejects (eks:eks-cluster-name) are reported."""
    spec = ctx.before.get("spec")
    tags = spec.get("tags") if isinstance(spec, Mapping) else None
    if not isinstance(tags, Mapping):
        return
    for key in tags:
        if key in _RESTRICTED or key.startswith(_RESTRICTED_PREFIX):
            why = _WHY.get(key, "Karpenter manages it")
            ctx.note(
                codes.RESTRICTED_TAG,
                f"tag {key} is rejected by v1 ({why}). Kept as written: the API server refuses this class "
                "until the tag is removed, and removing it replaces every node of the class (NodeClassDrift)",
                ("spec", "tags", key),
            )


RULE = restricted_tags
