"""KM134: Custom userData without the karpenter.sh/unregistered taint (drift-and-lint §b)."""

from __future__ import annotations

from collections.abc import Iterator

from karpmigrate import catalogue
from karpmigrate.lint._base import Hit, RuleContext, lint_rule
from karpmigrate.lint.rules import _common

_USER_DATA = ("spec", "userData")
_TAINT = "karpenter.sh/unregistered"
#: [core] v1 pkg/controllers/nodeclaim/lifecycle/registration.go: Registered=False, reason
#: UnregisteredTaintNotFound, when the Node comes up without the taint (later releases only warn).
_EFFECT = (
    "Karpenter 1.0 refuses to register a node without it (UnregisteredTaintNotFound) and replaces the "
    "NodeClaim after the registration timeout"
)


@lint_rule(catalogue.KM134, kinds={"EC2NodeClass"})
def custom_userdata_registration_taint(ctx: RuleContext) -> Iterator[Hit]:
    """A Custom-family EC2NodeClass whose userData does not register nodes with the unregistered taint.

    What it does:
        For `amiFamily: Custom` (v1beta1 or v1), flags `spec.userData` whose text does not mention both
        `karpenter.sh/unregistered` and `NoExecute`, and a missing userData. It searches the text, so
        any format (shell flags, NodeConfig, Bottlerocket TOML) passes once both appear.
    Why it matters:
        From v1.0 nodes must join with the `karpenter.sh/unregistered:NoExecute` taint, which Karpenter
        removes once it has synced labels and taints (v1-migration.md:103-126). For the other families
        Karpenter's generated userData adds it; for Custom, Karpenter generates nothing and the userData
        must do it. Without it 1.0 does not register the node.
    Example:
        spec:
          amiFamily: Custom
          userData: |
            /etc/eks/bootstrap.sh my-cluster
    Use instead:
        spec:
          amiFamily: Custom
          userData: |
            /etc/eks/bootstrap.sh my-cluster \\
              --kubelet-extra-args '--register-with-taints=karpenter.sh/unregistered:NoExecute'
    """
    assert ctx.obj is not None
    if ctx.obj.get(_common.AMI_FAMILY) != "Custom":
        return
    user_data = ctx.obj.get(_USER_DATA)
    if user_data is None or user_data == "":
        yield Hit(
            f"amiFamily Custom without userData: Karpenter writes no bootstrap for Custom AMIs, so nothing "
            f"registers the node with the {_TAINT}:NoExecute taint and {_EFFECT}",
            _common.AMI_FAMILY,
        )
    elif isinstance(user_data, str) and not (_TAINT in user_data and "NoExecute" in user_data):
        yield Hit(
            f"userData of a Custom AMI does not register the node with the {_TAINT}:NoExecute taint: "
            f"{_EFFECT}; add it to the kubelet's --register-with-taints (or registerWithTaints)",
            _USER_DATA,
        )


RULE = custom_userdata_registration_taint
