"""KM210: an explicit empty value or pointer-to-zero added or removed (drift-and-lint §0.2, §c)."""

from __future__ import annotations

from collections.abc import Iterator

from karpmigrate import catalogue
from karpmigrate.lint._base import Hit, RuleContext, Scope, lint_rule


@lint_rule(catalogue.KM210, kinds={"NodePool", "EC2NodeClass"}, scope=Scope.PAIR)
def explicit_empty_value(ctx: RuleContext) -> Iterator[Hit]:
    """An explicit empty collection or zero pointer likely changes the hash without changing behaviour.

    What it does:
        Flags a hashed field whose only difference is an explicit empty value against an absent one:
        `taints: []`, `tags: {}`, `detailedMonitoring: false`, `ebs.encrypted: false`,
        `terminationGracePeriod: 0s`. A v1beta1 previous version is compared as the webhook stores
        it, which drops empty lists and maps.
    Why it matters:
        Karpenter's hash skips nil and zero fields but not an empty non-nil list or map or a pointer
        to false (inferred from its hashing options, not verified on a cluster): adding or removing
        such a literal likely drifts every node (`NodePoolDrifted` / `NodeClassDrift`) for nothing.
    Example:
        spec:
          template:
            spec:
              taints: []
    Use instead:
        spec:
          template:
            spec: {}      # write it the way the previous version did
    """
    from karpmigrate.drift.hits import drift_hits

    yield from drift_hits(ctx, catalogue.KM210)


RULE = explicit_empty_value
