"""KM206: subnetSelectorTerms narrowed (drift-and-lint §a.2, §c)."""

from __future__ import annotations

from collections.abc import Iterator

from karpmigrate import catalogue
from karpmigrate.lint._base import Hit, RuleContext, Scope, lint_rule


@lint_rule(catalogue.KM206, kinds={"EC2NodeClass"}, scope=Scope.PAIR)
def subnets_changed(ctx: RuleContext) -> Iterator[Hit]:
    """A removed or edited subnet term replaces the nodes in subnets no longer selected.

    What it does:
        Flags `subnetSelectorTerms` when a term of the old version is gone or edited. Terms are ORed,
        so a term that is only added widens the selection and is not flagged.
    Why it matters:
        A node whose subnet is no longer among the resolved subnets is Drifted (`SubnetDrift`) and
        replaced; nodes in subnets still selected stay.
    Example:
        subnetSelectorTerms:
          - id: subnet-0aaa   # subnet-0bbb removed
    Use instead:
        subnetSelectorTerms:
          - id: subnet-0aaa
          - id: subnet-0bbb   # drain it on purpose, or keep it selected
    """
    from karpmigrate.drift.hits import drift_hits

    yield from drift_hits(ctx, catalogue.KM206)


RULE = subnets_changed
