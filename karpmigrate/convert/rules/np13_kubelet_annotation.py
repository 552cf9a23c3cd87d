"""NP-13: kubelet moves into the v1beta1-kubelet-conversion annotation as Go JSON.

Upstream: nodepool_conversion.go:126-134 and :193-200, nodeclaim_conversion.go:105-113 and :169-176
(NC-5). v1 has no kubelet on the NodePool or NodeClaim; the webhook parks the block, even ``{}``, in the
annotation as compact ``encoding/json`` text (S-4) and never fills the EC2NodeClass (EC-4). Without a
kubelet, an annotation already there is deleted. Keys the Go struct does not know are lost: say which.
"""

from __future__ import annotations

from ruamel.yaml.comments import CommentedMap

from karpmigrate.convert import codes
from karpmigrate.convert._base import Blocked, Context, rule
from karpmigrate.convert.go import kubelet_annotation
from karpmigrate.convert.rules._webhook import KUBELET_ANNOTATION, drop_annotation, present, set_annotation
from karpmigrate.io import paths


@rule("NP-13", "kubelet-to-annotation", kinds={"NodePool", "NodeClaim"})
def kubelet_to_annotation(obj: CommentedMap, ctx: Context) -> None:
    """kubelet moves into the v1beta1-kubelet-conversion annotation as Go JSON."""
    path = (*ctx.claim_spec, "kubelet")
    kubelet = paths.get(ctx.before, path)
    if kubelet is None:
        if present(obj, path):
            paths.pop(obj, path)  # a null: the nil pointer
        drop_annotation(obj, KUBELET_ANNOTATION)
        return
    try:
        text, dropped = kubelet_annotation(kubelet)
    except ValueError as exc:
        raise Blocked(
            codes.NOT_CONVERTIBLE,
            f"not converted: the kubelet block cannot be decoded as Karpenter's ({exc}); the conversion "
            "webhook fails on it too",
            path,
        ) from None
    if dropped:
        ctx.note(
            codes.FIELD_DROPPED,
            f"kubelet {', '.join(dropped)}: not a v1beta1 kubelet setting, left out of the "
            f"{KUBELET_ANNOTATION} annotation (the webhook never sees it)",
            path,
        )
    paths.pop(obj, path)
    set_annotation(obj, KUBELET_ANNOTATION, text)


RULE = kubelet_to_annotation
