"""KM132: v1beta1 objects are not served from Karpenter 1.1 (drift-and-lint §b)."""

from __future__ import annotations

from collections.abc import Iterator

from karpmigrate import catalogue
from karpmigrate.findings import Level
from karpmigrate.lint._base import Hit, RuleContext, lint_rule


@lint_rule(catalogue.KM132, kinds={"NodePool", "NodeClaim", "EC2NodeClass"})
def v1beta1_not_served(ctx: RuleContext) -> Iterator[Hit]:
    """A v1beta1 Karpenter object for a release that no longer serves v1beta1 (or is about to stop).

    What it does:
        Flags a `karpenter.sh/v1beta1` or `karpenter.k8s.aws/v1beta1` object: an error when the target
        is 1.1 or later, an info on 1.0, nothing for 0.3x (where v1beta1 is the storage version).
    Why it matters:
        1.1 removed v1beta1 and the conversion webhook: the API server rejects these manifests, and the
        upgrade itself needs every stored object at v1 first (1.0.6+ migrates them). On 1.0 they still
        apply, through the webhook, so the info only says to convert while the 1.0 webhook can still
        check the result (and to compare with what it stores: KM102, KM105, KM112) instead of finding
        out at the 1.1 upgrade.
    Example:
        apiVersion: karpenter.sh/v1beta1
        kind: NodePool
    Use instead:
        apiVersion: karpenter.sh/v1
        kind: NodePool   # karpmigrate convert
    """
    assert ctx.obj is not None
    if ctx.obj.version != "v1beta1" or not ctx.target.at_least(1, 0):
        return
    if ctx.target.serves(ctx.obj.api_version):
        yield Hit(
            f"{ctx.obj.api_version} is served by 1.0 only through the conversion webhook, which 1.1 removes: "
            "convert this object to v1 (karpmigrate convert) before upgrading",
            ("apiVersion",),
            level=Level.INFO,
        )
        return
    yield Hit(
        f"{ctx.obj.api_version} is not served by Karpenter {ctx.target}: the API server rejects this "
        "object; convert it to v1 (karpmigrate convert) and make sure the stored versions are v1 "
        "(1.0.6+ migrates them) before upgrading",
        ("apiVersion",),
    )


RULE = v1beta1_not_served
