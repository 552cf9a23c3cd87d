"""KM201: a hashed NodePool template field changed (drift-and-lint §a.1, §c)."""

from __future__ import annotations

from collections.abc import Iterator

from karpmigrate import catalogue
from karpmigrate.lint._base import Hit, RuleContext, Scope, lint_rule


@lint_rule(catalogue.KM201, kinds={"NodePool"}, scope=Scope.PAIR)
def nodepool_static_drift(ctx: RuleContext) -> Iterator[Hit]:
    """A change to a field of the NodePool hash replaces every node of the pool.

    What it does:
        Compares the NodePool with its previous version the way Karpenter does: only the hashed
        template fields (template labels, taints, startupTaints, nodeClassRef, expireAfter,
        terminationGracePeriod; kubelet and nodeClassRef.apiVersion for v1beta1 before 1.0), after
        CRD defaults, with lists as sets and durations by value. A v1beta1 previous version is taken
        as the conversion webhook stores it. Template annotations are KM209's, explicit empty values
        KM210's; limits, weight and the disruption block never drift.
    Why it matters:
        Every NodeClaim carries the hash of the template it was launched from; when it differs from
        the NodePool's, the NodeClaim is Drifted (`NodePoolDrifted`) and replaced, paced only by the
        disruption budgets. `720h` vs `720h0m0s` or reordered taints are not changes.
    Example:
        spec:
          template:
            spec:
              expireAfter: 168h   # was 720h (or absent)
    Use instead:
        spec:
          template:
            spec:
              expireAfter: 720h   # keep it, or roll the change out behind a budget:
          disruption:
            budgets:
              - nodes: "1"
                reasons: [Drifted]
    """
    from karpmigrate.drift.hits import drift_hits

    yield from drift_hits(ctx, catalogue.KM201)


RULE = nodepool_static_drift
