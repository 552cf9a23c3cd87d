"""KM103: a v1 NodePool carries the v1beta1 kubelet compatibility annotation (drift-and-lint §b, §0.4)."""

from __future__ import annotations

from collections.abc import Iterator

from karpmigrate import catalogue
from karpmigrate.findings import Level
from karpmigrate.lint._base import Hit, RuleContext, lint_rule
from karpmigrate.lint.rules import _common
from karpmigrate.target import Target

_PATH = _common.annotation_path(_common.KUBELET_ANNOTATION)


def _effect(target: Target) -> str:
    """What the annotation does on the target release (drift-and-lint §0.4)."""
    if not target.at_least(1, 1):
        return (
            "on 1.0 it overrides EC2NodeClass.spec.kubelet (aws#7833) and Karpenter 1.1 to 1.5 refuse to "
            "start while any NodePool carries it"
        )
    if not target.at_least(1, 6):
        # [aws]@v1.1.0:pkg/operator/operator.go:95-108
        return (
            f"Karpenter {target} refuses to start while any NodePool carries it (the log names the NodePools)"
        )
    # aws#8121 removed the startup check: the annotation is ignored from 1.6.
    return f"Karpenter {target} ignores it: nodes get EC2NodeClass.spec.kubelet instead"


@lint_rule(catalogue.KM103, kinds={"NodePool"})
def kubelet_compat_annotation(ctx: RuleContext) -> Iterator[Hit]:
    """A v1 NodePool still carries `compatibility.karpenter.sh/v1beta1-kubelet-conversion`.

    What it does:
        Flags the annotation on a `karpenter.sh/v1` NodePool: an error when the target is 1.1 or later,
        a warning on 1.0, where it still works. (On a v1beta1 NodePool the conversion webhook rewrites or
        deletes it, NP-13, so there it is stale state and KM115 reports it.)
    Why it matters:
        The conversion webhook stores the v1beta1 NodePool kubelet in this annotation. On 1.0 it
        overrides `EC2NodeClass.spec.kubelet`; Karpenter 1.1 to 1.5 exit at startup while any NodePool
        carries it; 1.6 and later silently ignore it. Copy its values to the EC2NodeClass first (KM102
        checks they match, so removing it drifts nothing), then remove it; re-add it before any rollback
        to v0.3x (v1-migration.md:348,508-514).
    Example:
        metadata:
          annotations:
            compatibility.karpenter.sh/v1beta1-kubelet-conversion: '{"maxPods":110}'
    Use instead:
        # EC2NodeClass
        spec:
          kubelet:
            maxPods: 110
    """
    assert ctx.obj is not None
    if ctx.obj.version != "v1" or _common.KUBELET_ANNOTATION not in _common.annotations_of(ctx.obj):
        return
    yield Hit(
        f"the v1beta1 kubelet compatibility annotation is still set: {_effect(ctx.target)}; move its "
        "values to the EC2NodeClass spec.kubelet (identical values drift nothing, KM102) and remove it",
        _PATH,
        level=None if ctx.target.at_least(1, 1) else Level.WARNING,
    )


RULE = kubelet_compat_annotation
