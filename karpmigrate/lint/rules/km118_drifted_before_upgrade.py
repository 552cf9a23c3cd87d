"""KM118: NodeClaims already Drifted before the upgrade stay drifted (drift-and-lint §b, §0.3)."""

from __future__ import annotations

from collections.abc import Iterator

from karpmigrate import catalogue
from karpmigrate.lint._base import Hit, RuleContext, Scope, lint_rule


@lint_rule(catalogue.KM118, kinds={"NodeClaim"}, scope=Scope.CLUSTER)
def drifted_before_upgrade(ctx: RuleContext) -> Iterator[Hit]:
    """NodeClaims that are Drifted when the upgrade starts keep the old hash for good.

    What it does:
        Meant for the audit: reports NodeClaims whose `status.conditions` has `Drifted` true before a
        Karpenter upgrade that bumps a hash version. It needs live NodeClaim status, which manifests do
        not carry, so `lint` never runs it.
    Why it matters:
        On a hash-version change the hash controller writes the new version onto every NodeClaim but
        keeps the old hash on those already Drifted (hash/controller.go, §0.3). They stay statically
        drifted even if the cause is reverted, and are replaced whenever budgets allow.
    Example:
        # kubectl get nodeclaims: Drifted=True on some NodeClaims, then upgrade 0.37 -> 1.0
    Use instead:
        # let pending drift finish (or revert its cause and wait for Drifted=False), then upgrade
    """
    yield from ()


RULE = drifted_before_upgrade
