"""KM106: a v1 NodePool with spec.disruption.expireAfter (drift-and-lint §b)."""

from __future__ import annotations

from collections.abc import Iterator

from karpmigrate import catalogue
from karpmigrate.lint._base import Hit, RuleContext, lint_rule

_PATH = ("spec", "disruption", "expireAfter")


@lint_rule(catalogue.KM106, kinds={"NodePool"})
def expire_after_misplaced(ctx: RuleContext) -> Iterator[Hit]:
    """A v1 NodePool keeps expireAfter under spec.disruption, where v1beta1 had it.

    What it does:
        Flags `spec.disruption.expireAfter` in a `karpenter.sh/v1` NodePool.
    Why it matters:
        v1 reads expireAfter from `spec.template.spec.expireAfter`; the API server rejects the old
        location (unknown field) or, with pruning, drops it, and the pool falls back to 720h on create
        or replace. The value is hashed in v1, so the fix itself drifts nodes (KM105).
    Example:
        spec:
          disruption:
            expireAfter: 168h
    Use instead:
        spec:
          template:
            spec:
              expireAfter: 168h
    """
    assert ctx.obj is not None
    if ctx.obj.version == "v1" and ctx.obj.get(_PATH) is not None:
        yield Hit(
            "spec.disruption.expireAfter is the v1beta1 location: v1 reads spec.template.spec.expireAfter "
            "(hashed: moving it replaces every node of the pool once, see KM105)",
            _PATH,
        )


RULE = expire_after_misplaced
