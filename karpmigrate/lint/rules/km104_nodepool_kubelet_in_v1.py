"""KM104: a v1 NodePool with spec.template.spec.kubelet (drift-and-lint §b, §0.4)."""

from __future__ import annotations

from collections.abc import Iterator

from karpmigrate import catalogue
from karpmigrate.lint._base import Hit, RuleContext, lint_rule
from karpmigrate.lint.rules import _common


@lint_rule(catalogue.KM104, kinds={"NodePool"})
def nodepool_kubelet_in_v1(ctx: RuleContext) -> Iterator[Hit]:
    """A v1 NodePool keeps the kubelet block v1 moved to the EC2NodeClass.

    What it does:
        Flags `spec.template.spec.kubelet` in a `karpenter.sh/v1` NodePool.
    Why it matters:
        v1 has no NodePool kubelet: the API server rejects the unknown field or, with pruning, drops it
        without a word. The settings are then lost: new nodes get the EC2NodeClass kubelet (or the
        defaults), and once the compatibility annotation is removed existing nodes drift to it
        (NodeClassDrift on 1.0.x).
    Example:
        apiVersion: karpenter.sh/v1
        kind: NodePool
        spec:
          template:
            spec:
              kubelet:
                maxPods: 110
    Use instead:
        apiVersion: karpenter.k8s.aws/v1
        kind: EC2NodeClass
        spec:
          kubelet:
            maxPods: 110
    """
    assert ctx.obj is not None
    if ctx.obj.version == "v1" and ctx.obj.get(_common.NODEPOOL_KUBELET) is not None:
        target = _common.class_name(ctx.obj) or "its EC2NodeClass"
        yield Hit(
            "spec.template.spec.kubelet is not a v1 NodePool field: the API server rejects or drops it and "
            f"these settings are lost; move them to EC2NodeClass {target} spec.kubelet (one kubelet per "
            "class: NodePools that disagree need a class each, KM101)",
            _common.NODEPOOL_KUBELET,
        )


RULE = nodepool_kubelet_in_v1
