"""CL-5: a NodePool's kubelet leaves it for its EC2NodeClass; NodePools of a split group are repointed.

The plan (``karpmigrate.convert.plan``) was made over the whole input set; this rule carries out the
NodePool side. v1 has no NodePool kubelet (guide lines 498-514, 688-690); where NodePools sharing a class
disagree, the smaller groups get their own copy of the class (KM101), which drifts their nodes because
``nodeClassRef`` is in the NodePool hash (drift-and-lint a.1).
"""

from __future__ import annotations

from ruamel.yaml.comments import CommentedMap

from karpmigrate.convert import codes
from karpmigrate.convert._base import Context, rule
from karpmigrate.io import paths


@rule("CL-5", "kubelet-to-nodeclass", kinds={"NodePool"}, versions=("v1beta1", "v1"))
def kubelet_to_nodeclass(obj: CommentedMap, ctx: Context) -> None:
    """spec.template.spec.kubelet moves to the referenced EC2NodeClass (split when NodePools disagree)."""
    pool = ctx.plan.pools.get(ctx.key)
    if pool is None or pool.nodeclass is None:
        return
    spec = ctx.claim_spec
    target = pool.repoint or pool.nodeclass.name
    if pool.repoint is not None:
        others = ", ".join(f"NodePool/{p.name}" for p in pool.group if p.key != ctx.key)
        with_ = f" (with {others})" if others else ""
        ctx.note(
            codes.KUBELET_SPLIT,
            f"repointed from EC2NodeClass/{pool.nodeclass.name} to the new EC2NodeClass/{pool.repoint}"
            f"{with_}: its kubelet settings differ from the other NodePools of that class. nodeClassRef is "
            "hashed, so every node of this NodePool will be replaced (NodePoolDrifted); give it a "
            "Drifted budget before applying",
            spec + ("nodeClassRef", "name"),
        )
        paths.set_(obj, spec + ("nodeClassRef", "name"), pool.repoint)
    if paths.get(obj, spec + ("kubelet",)) is not None and ctx.api_version.endswith("/v1beta1"):
        # RT-1: on 1.0.x the webhook's annotation overrides the EC2NodeClass kubelet until removed.
        drift = "" if pool.repoint else " With identical values this does not drift nodes on Karpenter 1.0.x."
        ctx.note(
            codes.KUBELET_MOVED,
            f"kubelet moved to EC2NodeClass/{target}.{drift} After applying, remove the "
            "compatibility.karpenter.sh/v1beta1-kubelet-conversion annotation the webhook left on the live "
            "NodePool (it overrides the EC2NodeClass kubelet until then)",
            spec + ("kubelet",),
        )
        # The comment above `kubelet:` travels with it (CL-9 writes it in the EC2NodeClass).
        paths.pop(obj, spec + ("kubelet",), with_comment=True)


RULE = kubelet_to_nodeclass
