"""KM221: expiring nodes, no terminationGracePeriod, and pods that use do-not-disrupt (drift-and-lint §c)."""

from __future__ import annotations

from collections.abc import Iterator

from karpmigrate import catalogue
from karpmigrate.lint._base import WORKLOAD_KINDS, Hit, LintObject, RuleContext, Scope, lint_rule
from karpmigrate.lint.rules._v1 import DO_NOT_DISRUPT, NEVER, TEMPLATE_SPEC, expire_after, uses_do_not_disrupt

_GRACE = (*TEMPLATE_SPEC, "terminationGracePeriod")


@lint_rule(catalogue.KM221, kinds={"NodePool", *WORKLOAD_KINDS}, scope=Scope.SET)
def expiry_without_grace_period(ctx: RuleContext) -> Iterator[Hit]:
    """NodePools whose expired nodes can drain for ever because some pods opt out of disruption.

    Versions: `karpenter.sh/v1` NodePools, and `v1beta1` ones when the target is 1.0 or later (the v1
    controller runs them; the fix needs the v1 API). Workloads: Pods and every pod template kind.

    What it does:
        Reports each NodePool whose nodes expire (expireAfter not `Never`; absent counts, since the CRD
        defaults it to 720h) and that has no `terminationGracePeriod`, when any workload of the input
        sets `karpenter.sh/do-not-disrupt: "true"` on its pods.
    Why it matters:
        In v1 expiry is forceful: the expired node is tainted and drained at once, but eviction still
        waits for do-not-disrupt pods (and blocking PDBs) until terminationGracePeriod runs out. Without
        one the node drains indefinitely, half-empty and unschedulable (v1.0 disruption docs, Expiration).
        Adding terminationGracePeriod is a hashed change: every node of the pool is replaced once
        (NodePoolDrifted).
    Example:
        # NodePool: no expireAfter (720h by default), no terminationGracePeriod
        # Deployment pod template:
        metadata:
          annotations:
            karpenter.sh/do-not-disrupt: "true"
    Use instead:
        spec:
          template:
            spec:
              expireAfter: 720h
              terminationGracePeriod: 24h
    """
    if not ctx.target.at_least(1, 0):
        return
    protected = [o for o in ctx.objects if o.kind in WORKLOAD_KINDS and uses_do_not_disrupt(o)]
    if not protected:
        return
    example = f"{protected[0]}" + (f" and {len(protected) - 1} more" if len(protected) > 1 else "")
    for pool in ctx.of_kind("NodePool"):
        hit = _pool(pool, example)
        if hit is not None:
            yield hit


def _pool(pool: LintObject, example: str) -> Hit | None:
    path, value = expire_after(pool)
    if value == NEVER or pool.get(_GRACE) is not None:
        return None
    explicit = pool.get(path) is not None
    migrate = " in a karpenter.sh/v1 NodePool" if pool.version == "v1beta1" else ""
    return Hit(
        f"nodes of this pool expire after {value}{'' if explicit else ' (the default)'} but no "
        f"terminationGracePeriod is set: a pod with {DO_NOT_DISRUPT} ({example}) keeps an expired node draining "
        f"indefinitely; set spec.template.spec.terminationGracePeriod{migrate} (hashed: every node of the pool "
        "is replaced once, NodePoolDrifted)",
        path if explicit else path[:-1],
        obj=pool,
        at_key=not explicit,
    )


RULE = expiry_without_grace_period
