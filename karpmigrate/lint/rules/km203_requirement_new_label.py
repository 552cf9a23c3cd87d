"""KM203: a new requirement on a label older nodes do not carry (drift-and-lint §a.1, §c)."""

from __future__ import annotations

from collections.abc import Iterator

from karpmigrate import catalogue
from karpmigrate.lint._base import Hit, RuleContext, Scope, lint_rule


@lint_rule(catalogue.KM203, kinds={"NodePool"}, scope=Scope.PAIR)
def requirement_new_label(ctx: RuleContext) -> Iterator[Hit]:
    """A new requirement on a label that older nodes lack replaces all of them.

    What it does:
        Flags a requirement that needs a label to be present (`In`, `Exists`, `Gt`, `Lt`) on a key
        the old version did not require, when the key is one Karpenter added after v1.0 (e.g.
        `karpenter.k8s.aws/instance-capability-flex`, `placement-group-id`) or a GPU/accelerator label
        that non-GPU instance types never carry.
    Why it matters:
        A NodeClaim without a required label fails the requirement check (`RequirementsDrifted`):
        every node launched before Karpenter set that label is replaced at once
        (kubernetes-sigs/karpenter#2549).
    Example:
        requirements:
          - key: karpenter.k8s.aws/instance-capability-flex
            operator: In
            values: ["true"]
    Use instead:
        # the same requirement, with the replacement of the older nodes paced by a budget
        disruption:
          budgets:
            - nodes: "10%"
              reasons: [Drifted]
    """
    from karpmigrate.drift.hits import drift_hits

    yield from drift_hits(ctx, catalogue.KM203)


RULE = requirement_new_label
