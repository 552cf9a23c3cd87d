"""KM202: a NodePool requirement narrowed (drift-and-lint §a.1, §c)."""

from __future__ import annotations

from collections.abc import Iterator

from karpmigrate import catalogue
from karpmigrate.lint._base import Hit, RuleContext, Scope, lint_rule


@lint_rule(catalogue.KM202, kinds={"NodePool"}, scope=Scope.PAIR)
def requirement_narrowed(ctx: RuleContext) -> Iterator[Hit]:
    """A narrowed requirement replaces the nodes whose labels no longer fit it.

    What it does:
        Merges the requirements of both versions per key as Karpenter does and flags a key whose new
        requirement rejects a label state the old one allowed: a value removed from `In`, a value
        added to `NotIn`, `Gt`/`Lt` tightened, or a new `In`/`Exists` key. Widening, removing a
        requirement and `minValues` are never flagged; neither is an `In` that lists every value a
        well-known label can have.
    Why it matters:
        Requirements are not hashed but checked against each NodeClaim's labels: a node whose label
        is missing or no longer allowed is Drifted (`RequirementsDrifted`) and replaced.
    Example:
        requirements:
          - key: karpenter.sh/capacity-type
            operator: In
            values: ["spot"]        # was ["spot", "on-demand"]
    Use instead:
        requirements:
          - key: karpenter.sh/capacity-type
            operator: In
            values: ["spot", "on-demand"]   # or accept that on-demand nodes are replaced
    """
    from karpmigrate.drift.hits import drift_hits

    yield from drift_hits(ctx, catalogue.KM202)


RULE = requirement_narrowed
