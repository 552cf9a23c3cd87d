"""KM119: v1 fields that a rollback to v0.3x cannot keep (drift-and-lint §b, conversion-rules §5)."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping

from karpmigrate import catalogue
from karpmigrate.lint._base import Hit, LintObject, RuleContext, lint_rule
from karpmigrate.lint.rules._migration import (
    NODEPOOL_SPEC,
    Unreadable,
    alias_term,
    duration_ns,
    mapping,
    split_alias,
)

_GRACE = (*NODEPOOL_SPEC, "terminationGracePeriod")
_DISRUPTION = ("spec", "disruption")
_ROLLBACK = "a rollback to v0.3x"


def _termination_grace_period(obj: LintObject) -> Iterator[Hit]:
    if obj.get(_GRACE) is not None:
        yield Hit(f"terminationGracePeriod is dropped on {_ROLLBACK} (v1beta1 has no such field)", _GRACE)


def _budget_reasons(obj: LintObject) -> Iterator[Hit]:
    budgets = obj.get((*_DISRUPTION, "budgets"))
    for i, budget in enumerate(budgets if isinstance(budgets, list) else []):
        if isinstance(budget, Mapping) and budget.get("reasons"):
            yield Hit(
                f"budget reasons are dropped on {_ROLLBACK}: the budget then limits every disruption reason",
                (*_DISRUPTION, "budgets", i, "reasons"),
            )


def _consolidate_after(obj: LintObject) -> Iterator[Hit]:
    disruption = mapping(obj.get(_DISRUPTION))
    value = disruption.get("consolidateAfter")
    if disruption.get("consolidationPolicy", "WhenEmptyOrUnderutilized") != "WhenEmptyOrUnderutilized":
        return
    try:
        if value is None or duration_ns(value) == 0:
            return
    except Unreadable:
        return
    # RV-1: WhenEmptyOrUnderutilized becomes WhenUnderutilized without consolidateAfter, which
    # converts back to 0s (aws/karpenter-provider-aws#7347).
    yield Hit(
        f"consolidateAfter {value} with WhenEmptyOrUnderutilized is lost on {_ROLLBACK}: it comes back as "
        "0s (consolidation without delay)",
        (*_DISRUPTION, "consolidateAfter"),
    )


def _pinned_alias(obj: LintObject) -> Iterator[Hit]:
    found = alias_term(mapping(obj.get(("spec",))))
    if found is None or split_alias(found[1])[1] == "latest":
        return
    yield Hit(
        f"alias {found[1]}: on {_ROLLBACK} the pinned version is kept only in the "
        "compatibility.karpenter.k8s.aws/v1-alias-version annotation and v0.37 resolves the latest AMI, "
        "so nodes not on it are replaced (AMIDrift)",
        ("spec", "amiSelectorTerms", found[0], "alias"),
    )


_CHECKS: Mapping[str, tuple[Callable[[LintObject], Iterator[Hit]], ...]] = {
    "NodePool": (_termination_grace_period, _budget_reasons, _consolidate_after),
    "EC2NodeClass": (_pinned_alias,),
}


def _mid_migration(ctx: RuleContext) -> bool:
    """The previous version of this object, or of the set when the object is new, is v1beta1."""
    assert ctx.obj is not None
    old = ctx.old_of(ctx.obj)  # an OBJECT rule: ctx.old is not promised
    if old is not None:
        return old.version == "v1beta1"
    return any(o.version == "v1beta1" for o in ctx.of_kind(*_CHECKS, old=True))


@lint_rule(catalogue.KM119, kinds=set(_CHECKS))
def rollback_unsafe_fields(ctx: RuleContext) -> Iterator[Hit]:
    """A v1 manifest written during the migration uses fields that a rollback cannot keep.

    What it does:
        Flags, in v1 NodePools and EC2NodeClasses whose previous version is v1beta1 (or that are new
        in a set whose previous version still has v1beta1 objects): `terminationGracePeriod`,
        `budgets[].reasons`, a non-zero `consolidateAfter` with `WhenEmptyOrUnderutilized`, and an
        `alias` pinned to a version. Without a previous version (no git, no --baseline) or once the
        previous manifests are v1, it stays quiet: a rollback to v0.3x is only an option while the
        migration is under way, and teams long on v1 should not be told about it on every change.
    Why it matters:
        A rollback (to v0.33.12, v0.34.13, v0.35.12, v0.36.9 or v0.37.7) stores these objects as
        v1beta1 again: terminationGracePeriod and budget reasons are dropped, consolidateAfter comes back
        as 0s (aws#7347), and a pinned alias survives only as an annotation while the v0.37 runtime
        resolves the latest AMI (AMIDrift).
    Example:
        spec:
          disruption:
            consolidationPolicy: WhenEmptyOrUnderutilized
            consolidateAfter: 10m
    Use instead:
        # migrate with the converted values first; adopt v1-only fields once a rollback is off the table
        spec:
          disruption:
            consolidationPolicy: WhenEmptyOrUnderutilized
            consolidateAfter: 0s
    """
    assert ctx.obj is not None
    if ctx.obj.version != "v1" or not _mid_migration(ctx):
        return
    for check in _CHECKS.get(ctx.obj.kind, ()):
        yield from check(ctx.obj)


RULE = rollback_unsafe_fields
