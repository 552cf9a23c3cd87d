"""KM107: terminationGracePeriod introduced in the same change as the migration (drift-and-lint §b)."""

from __future__ import annotations

from collections.abc import Iterator

from karpmigrate import catalogue
from karpmigrate.lint._base import Hit, RuleContext, Scope, lint_rule
from karpmigrate.lint.rules._migration import NODEPOOL_SPEC, is_migration

_PATH = (*NODEPOOL_SPEC, "terminationGracePeriod")


@lint_rule(catalogue.KM107, kinds={"NodePool"}, scope=Scope.PAIR)
def termination_grace_period_added(ctx: RuleContext) -> Iterator[Hit]:
    """The v1 rewrite of a v1beta1 NodePool adds terminationGracePeriod.

    What it does:
        Flags `spec.template.spec.terminationGracePeriod` in a v1 NodePool whose previous version is
        v1beta1 (which has no such field, so the conversion never sets it: NP-15).
    Why it matters:
        The field is new in v1 and part of the NodePool hash: adding it replaces every node of the pool
        (NodePoolDrifted) in the same rollout as the migration, mixing two risky changes. Migrate first,
        then add it in its own change behind a budget that paces drift (`reasons: [Drifted]`).
    Example:
        spec:
          template:
            spec:
              terminationGracePeriod: 24h   # added while converting from v1beta1
    Use instead:
        # change 1: the conversion only; change 2 (later):
        spec:
          template:
            spec:
              terminationGracePeriod: 24h
          disruption:
            budgets:
              - nodes: "1"
                reasons: [Drifted]
    """
    if not is_migration(ctx.obj, ctx.old):
        return
    assert ctx.obj is not None and ctx.old is not None
    if ctx.obj.get(_PATH) is not None and ctx.old.get(_PATH) is None:
        yield Hit(
            "terminationGracePeriod is added together with the v1beta1 -> v1 migration: it is hashed, so "
            f"every node of NodePool {ctx.obj.name} is replaced (NodePoolDrifted); add it in a separate "
            "change, behind a `reasons: [Drifted]` budget",
            _PATH,
        )


RULE = termination_grace_period_added
