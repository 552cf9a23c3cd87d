"""KM209: a NodePool template annotation changed (drift-and-lint §a.1, §c)."""

from __future__ import annotations

from collections.abc import Iterator

from karpmigrate import catalogue
from karpmigrate.lint._base import Hit, RuleContext, Scope, lint_rule


@lint_rule(catalogue.KM209, kinds={"NodePool"}, scope=Scope.PAIR)
def template_annotation_drift(ctx: RuleContext) -> Iterator[Hit]:
    """A changed template annotation replaces every node of the pool once.

    What it does:
        Flags each annotation of `spec.template.metadata.annotations` added, removed or changed,
        including `karpenter.sh/do-not-disrupt` added to an existing pool and the migration's
        rewrite of `do-not-consolidate`/`do-not-evict` to `do-not-disrupt`.
    Why it matters:
        Template annotations are part of the NodePool hash: existing nodes were launched without the
        new annotation, so all of them drift (`NodePoolDrifted`) and are replaced once.
    Example:
        spec:
          template:
            metadata:
              annotations:
                karpenter.sh/do-not-disrupt: "true"   # added to an existing pool
    Use instead:
        # annotate the pods that must not be disrupted, or add it behind a `reasons: [Drifted]` budget
        metadata:
          annotations:
            karpenter.sh/do-not-disrupt: "true"       # on the Pod template of the workload
    """
    from karpmigrate.drift.hits import drift_hits

    yield from drift_hits(ctx, catalogue.KM209)


RULE = template_annotation_drift
