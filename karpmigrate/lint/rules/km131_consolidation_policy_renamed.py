"""KM131: WhenUnderutilized is gone and consolidateAfter is required in v1 (drift-and-lint §b; spec §7.1)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from karpmigrate import catalogue
from karpmigrate.lint._base import Hit, RuleContext, lint_rule

_DISRUPTION = ("spec", "disruption")
_POLICY = (*_DISRUPTION, "consolidationPolicy")


@lint_rule(catalogue.KM131, kinds={"NodePool"})
def consolidation_policy_renamed(ctx: RuleContext) -> Iterator[Hit]:
    """A v1 NodePool with the v1beta1 policy name, or a disruption block without consolidateAfter.

    What it does:
        In a `karpenter.sh/v1` NodePool, flags `consolidationPolicy: WhenUnderutilized` and a
        `spec.disruption` block without `consolidateAfter`.
    Why it matters:
        v1 renamed the policy `WhenEmptyOrUnderutilized` (the enum rejects the old name). And the CRD
        requires `consolidateAfter` inside `spec.disruption`: its `{consolidateAfter: 0s}` default
        applies only when the whole block is omitted ([core]@v1.0.9 pkg/apis/v1/nodepool.go:46,70;
        spec §7.1), so a block with only budgets or a policy is rejected. `0s` is what v1beta1's
        WhenUnderutilized did (NP-5).
    Example:
        spec:
          disruption:
            consolidationPolicy: WhenUnderutilized
    Use instead:
        spec:
          disruption:
            consolidationPolicy: WhenEmptyOrUnderutilized
            consolidateAfter: 0s
    """
    assert ctx.obj is not None
    disruption = ctx.obj.get(_DISRUPTION)
    if ctx.obj.version != "v1" or not isinstance(disruption, Mapping):
        return
    if disruption.get("consolidationPolicy") == "WhenUnderutilized":
        yield Hit(
            "consolidationPolicy WhenUnderutilized is the v1beta1 name: v1 calls it WhenEmptyOrUnderutilized "
            "(with consolidateAfter: 0s for the same behaviour)",
            _POLICY,
        )
    if disruption.get("consolidateAfter") is None:
        yield Hit(
            "spec.disruption without consolidateAfter: v1 requires it whenever the block is given (the 0s "
            "default applies only when spec.disruption is omitted); set consolidateAfter: 0s for the "
            "v1beta1 behaviour",
            _DISRUPTION,
        )


RULE = consolidation_policy_renamed
