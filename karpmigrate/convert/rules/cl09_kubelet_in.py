"""CL-9: an EC2NodeClass receives the kubelet of the NodePools that keep pointing at it.

The NodePool side is CL-5; copies for the other groups are added by the engine after this document.
The kubelet node is copied from the first NodePool of the group, so its comments come along, and it is
appended at the end of ``spec`` (spec/clean-mode-example.md: moved keys go last).
"""

from __future__ import annotations

import copy

from ruamel.yaml.comments import CommentedMap

from karpmigrate.convert import codes
from karpmigrate.convert._base import Context, rule
from karpmigrate.convert.plan import Kubelet
from karpmigrate.io import paths


@rule("CL-9", "kubelet-from-nodepools", kinds={"EC2NodeClass"}, versions=("v1beta1", "v1"))
def kubelet_from_nodepools(obj: CommentedMap, ctx: Context) -> None:
    """spec.kubelet is set from the NodePools that reference this EC2NodeClass (KM101, KM103)."""
    plan = ctx.plan.classes.get(ctx.key)
    if plan is None:
        return
    for split in plan.copies:
        ctx.note(
            codes.KUBELET_SPLIT,
            f"split: the new EC2NodeClass/{split.name} follows this one for "
            + ", ".join(f"NodePool/{p.name}" for p in split.pools)
            + " (different kubelet settings); one EC2NodeClass holds one kubelet configuration",
            ("metadata", "name"),
        )
    if plan.kubelet is None:
        return
    current = paths.get(obj, ("spec", "kubelet"))
    if current is not None:
        if current == plan.kubelet.node:
            return
        ctx.note(
            codes.KUBELET_MOVED,
            "spec.kubelet replaced by the kubelet of " + ", ".join(f"NodePool/{p.name}" for p in plan.pools),
            ("spec", "kubelet"),
        )
        paths.pop(obj, ("spec", "kubelet"))
    give_kubelet(obj, plan.kubelet)


def give_kubelet(nodeclass: CommentedMap, kubelet: Kubelet) -> None:
    """Append a NodePool's kubelet to ``spec`` with its comments, shifted to the EC2NodeClass indentation."""
    target = paths.get(nodeclass, ("spec",))
    node = copy.deepcopy(kubelet.node)
    if kubelet.column is not None and isinstance(target, CommentedMap) and target.lc.col is not None:
        node = paths.transplant(kubelet.node, kubelet.column, target.lc.col)
    paths.set_(nodeclass, ("spec", "kubelet"), node, above=kubelet.above)


RULE = kubelet_from_nodepools
