"""KM220: a pool meant never to be disrupted (expireAfter: Never) with nothing holding drift (§c)."""

from __future__ import annotations

from collections.abc import Iterator

from karpmigrate import catalogue
from karpmigrate.lint._base import Hit, RuleContext, lint_rule
from karpmigrate.lint.rules._v1 import DISRUPTION, NEVER, budgets, expire_after, holds_drift

_CONSOLIDATE_AFTER = (*DISRUPTION, "consolidateAfter")
#: What holds drift in each version: v1beta1 budgets have no reasons, so only an all-reasons budget can.
_FIX = {
    "v1": 'add a budget {nodes: "0", reasons: [Drifted]} to hold drift',
    "v1beta1": 'add a budget {nodes: "0"} (v1beta1 budgets cover every reason; v1 adds reasons: [Drifted])',
}


@lint_rule(catalogue.KM220, kinds={"NodePool"})
def never_disrupt_without_drift_budget(ctx: RuleContext) -> Iterator[Hit]:
    """A NodePool whose nodes are meant to live for ever, but which drift can still replace.

    Versions: `karpenter.sh/v1` (`spec.template.spec.expireAfter`) and `v1beta1`
    (`spec.disruption.expireAfter`; drift is on by default from v0.33 and cannot be disabled in v1).

    What it does:
        Flags `expireAfter: Never` when no budget always allows 0 drift disruptions: one without a
        schedule, with `nodes: "0"` (or `"0%"`) and `reasons` absent or containing `Drifted`.
        `consolidateAfter: Never` is named in the message when also set. A finite expireAfter is not
        reported: such a pool is replaced on schedule anyway, so drift does not defeat its intent.
    Why it matters:
        Drift is independent of expiry and consolidation (aws/karpenter-provider-aws#7049): a new AMI,
        an EC2NodeClass edit or a NodePool template edit replaces the nodes (AMIDrift, NodeClassDrift,
        NodePoolDrifted). Only a budget stops it. A `reasons: []` budget covers no reason at all.
    Example:
        spec:
          template:
            spec:
              expireAfter: Never
          disruption:
            consolidationPolicy: WhenEmpty
            consolidateAfter: Never
    Use instead:
        spec:
          template:
            spec:
              expireAfter: Never
          disruption:
            consolidationPolicy: WhenEmpty
            consolidateAfter: Never
            budgets:
              - nodes: "0"
                reasons: [Drifted]
    """
    pool = ctx.obj
    assert pool is not None
    path, value = expire_after(pool)
    if value != NEVER or any(holds_drift(budget) for _, budget in budgets(pool)):
        return
    both = pool.get(_CONSOLIDATE_AFTER) == NEVER
    subject = "expireAfter: Never and consolidateAfter: Never do" if both else "expireAfter: Never does"
    yield Hit(
        f"{subject} not stop drift: a new AMI or an edit of this pool or its EC2NodeClass "
        f"still replaces its nodes (AMIDrift, NodeClassDrift, NodePoolDrifted); {_FIX.get(pool.version, _FIX['v1'])}",
        path,
    )


RULE = never_disrupt_without_drift_budget
