"""KM205: securityGroupSelectorTerms changed (drift-and-lint §a.2, §c)."""

from __future__ import annotations

from collections.abc import Iterator

from karpmigrate import catalogue
from karpmigrate.lint._base import Hit, RuleContext, Scope, lint_rule


@lint_rule(catalogue.KM205, kinds={"EC2NodeClass"}, scope=Scope.PAIR)
def security_groups_changed(ctx: RuleContext) -> Iterator[Hit]:
    """Changed security group terms replace every node whose groups differ from the new set.

    What it does:
        Flags any change of `securityGroupSelectorTerms` (terms compared as a set: reordering is not
        a change), including an added term.
    Why it matters:
        Karpenter compares each instance's security groups with the resolved set for equality
        (`SecurityGroupDrift`), so adding a group drifts every node of the class, not only removing one.
    Example:
        securityGroupSelectorTerms:
          - tags: {karpenter.sh/discovery: prod}
          - id: sg-0123456789abcdef0      # added
    Use instead:
        securityGroupSelectorTerms:
          - tags: {karpenter.sh/discovery: prod}   # tag the extra group instead, in a planned rollout
    """
    from karpmigrate.drift.hits import drift_hits

    yield from drift_hits(ctx, catalogue.KM205)


RULE = security_groups_changed
