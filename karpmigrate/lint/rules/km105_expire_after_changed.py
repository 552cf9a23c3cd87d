"""KM105: the effective expireAfter of a NodePool changes with the migration (drift-and-lint §b)."""

from __future__ import annotations

from collections.abc import Iterator

from karpmigrate import catalogue
from karpmigrate.lint._base import Hit, RuleContext, Scope, lint_rule
from karpmigrate.lint.rules._migration import (
    DEFAULT_EXPIRE_AFTER,
    NODEPOOL_SPEC,
    Unreadable,
    duration_ns,
    is_migration,
    shown,
)

_OLD = ("spec", "disruption", "expireAfter")
_NEW = (*NODEPOOL_SPEC, "expireAfter")


@lint_rule(catalogue.KM105, kinds={"NodePool"}, scope=Scope.PAIR)
def expire_after_changed(ctx: RuleContext) -> Iterator[Hit]:
    """The v1 NodePool expires nodes after another time than its v1beta1 version did.

    What it does:
        Compares the effective expireAfter of a v1beta1 NodePool (`spec.disruption.expireAfter`, default
        720h) with that of its v1 rewrite (`spec.template.spec.expireAfter`, default 720h), by value
        (`720h` == `720h0m0s` == `43200m`; `Never` = no expiry). Only for a migration (old v1beta1, new
        v1): a change between two v1 manifests is the drift engine's (KM201).
    Why it matters:
        The conversion webhook moves the old value into `spec.template.spec.expireAfter`, which v1 hashes
        (in v1beta1 it was behavioural only). A v1 manifest with another value, typically one that omits
        it (720h) where the v1beta1 pool had `Never` or `168h`, changes the NodePool hash: every node of
        the pool is replaced (NodePoolDrifted).
    Example:
        # v1beta1
        spec:
          disruption:
            expireAfter: Never
        # v1
        spec:
          template:
            spec: {}   # 720h by default
    Use instead:
        spec:
          template:
            spec:
              expireAfter: Never
    """
    if not is_migration(ctx.obj, ctx.old):
        return
    assert ctx.obj is not None and ctx.old is not None
    old, new = ctx.old.get(_OLD), ctx.obj.get(_NEW)
    if old == new:
        return  # the same text (or both absent): no need to parse
    try:
        changed = duration_ns(old, DEFAULT_EXPIRE_AFTER) != duration_ns(new, DEFAULT_EXPIRE_AFTER)
    except Unreadable:
        return  # validate reports the value; the webhook would refuse it (S-1)
    if changed:
        yield Hit(
            f"expireAfter changes from {shown(old, DEFAULT_EXPIRE_AFTER)} (v1beta1 spec.disruption.expireAfter) "
            f"to {shown(new, DEFAULT_EXPIRE_AFTER)}: v1 hashes spec.template.spec.expireAfter, so every node "
            f"of NodePool {ctx.obj.name} is replaced (NodePoolDrifted); keep the v1beta1 value",
            _NEW,
        )


RULE = expire_after_changed
