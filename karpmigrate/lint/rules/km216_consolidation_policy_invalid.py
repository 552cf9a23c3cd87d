"""KM216: consolidationPolicy outside the target release's enum (drift-and-lint §c)."""

from __future__ import annotations

from collections.abc import Iterator

from karpmigrate import catalogue
from karpmigrate.lint._base import Hit, RuleContext, lint_rule
from karpmigrate.lint.rules._v1 import DISRUPTION, shown
from karpmigrate.target import Target

_PATH = (*DISRUPTION, "consolidationPolicy")
#: v1.0-v1.13 CRD enum (conversion-rules §7.1); core v1.14 adds Balanced (crds/latest, drift-and-lint §0.5).
_POLICIES = ("WhenEmpty", "WhenEmptyOrUnderutilized")
_BALANCED = "Balanced"
#: The v1beta1 name, renamed in v1: KM131 reports it.
_RENAMED = "WhenUnderutilized"


def _enum(target: Target) -> tuple[str, ...]:
    return (*_POLICIES, _BALANCED) if target.at_least(1, 14) else _POLICIES


@lint_rule(catalogue.KM216, kinds={"NodePool"})
def consolidation_policy_invalid(ctx: RuleContext) -> Iterator[Hit]:
    """A v1 NodePool's consolidationPolicy is not one the target release accepts.

    Versions: `karpenter.sh/v1` NodePools (v1beta1's own enum is checked by its CRD; its rename to v1
    is the conversion's). `WhenUnderutilized` is KM131's finding and not repeated here.

    What it does:
        Flags `spec.disruption.consolidationPolicy` outside `WhenEmpty`, `WhenEmptyOrUnderutilized`
        (Karpenter 1.0-1.13) or those plus `Balanced` (1.14+), using `--target-version`.
    Why it matters:
        The API server rejects the NodePool, so a GitOps sync fails and the previous spec stays in
        place. `Balanced` written for a newer release is rejected by an older CRD.
    Example:
        spec:
          disruption:
            consolidationPolicy: WhenEmptyAndUnderutilized
            consolidateAfter: 1m
    Use instead:
        spec:
          disruption:
            consolidationPolicy: WhenEmptyOrUnderutilized
            consolidateAfter: 1m
    """
    assert ctx.obj is not None
    if ctx.obj.version != "v1":
        return
    policy = ctx.obj.get(_PATH)
    allowed = _enum(ctx.target)
    if policy is None or policy in allowed or policy == _RENAMED:
        return
    if policy == _BALANCED:
        yield Hit(
            f"consolidationPolicy Balanced needs Karpenter 1.14 or later (target {ctx.target}): the API server "
            "rejects the NodePool; use WhenEmptyOrUnderutilized or raise --target-version",
            _PATH,
        )
        return
    yield Hit(
        f"consolidationPolicy {shown(policy)} is not one of {', '.join(allowed)} (Karpenter {ctx.target}): "
        "the API server rejects the NodePool",
        _PATH,
    )


RULE = consolidation_policy_invalid
