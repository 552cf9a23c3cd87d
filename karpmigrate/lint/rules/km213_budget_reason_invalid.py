"""KM213: a disruption budget reason outside Underutilized, Empty, Drifted (drift-and-lint §c)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from karpmigrate import catalogue
from karpmigrate.findings import Path
from karpmigrate.lint._base import Hit, RuleContext, lint_rule
from karpmigrate.lint.rules._v1 import budgets, shown

#: core v1.0.9 pkg/apis/v1/nodepool.go:132-140 (unchanged in v1.14.1): the enum of budgets[].reasons[].
REASONS = ("Underutilized", "Empty", "Drifted")
#: What people write instead, and what to say about it.
_HINTS: Mapping[str, str] = {
    "expired": "expiration is forceful in v1 and cannot be budgeted (bound it with terminationGracePeriod)",
    "expiration": "expiration is forceful in v1 and cannot be budgeted (bound it with terminationGracePeriod)",
    "drift": "did you mean Drifted?",
    "consolidation": "consolidation is budgeted as Underutilized and Empty",
    "underutilised": "did you mean Underutilized?",
    "emptiness": "did you mean Empty?",
}


@lint_rule(catalogue.KM213, kinds={"NodePool"})
def budget_reason_invalid(ctx: RuleContext) -> Iterator[Hit]:
    """A budget's reasons list holds a value the NodePool CRD rejects, or exists where the API has none.

    Versions: `karpenter.sh/v1` (the enum) and `v1beta1`, where budgets have no `reasons` field at all
    (v0.37 and v1.0 CRDs, `versions[name=v1beta1]`).

    What it does:
        Flags each `spec.disruption.budgets[].reasons[]` entry outside `Underutilized`, `Empty`,
        `Drifted` (case matters), a `reasons` that is not a list, and any `reasons` in a v1beta1
        NodePool.
    Why it matters:
        The API server rejects the whole NodePool for an unknown reason. In v1beta1 the field does not
        exist: it is dropped (or rejected under strict field validation), so the budget silently applies
        to every reason. A budget without reasons applies to all three; expiration is forceful in v1 and
        cannot be budgeted.
    Example:
        spec:
          disruption:
            budgets:
              - nodes: "0"
                reasons: [Expired, Drift]
    Use instead:
        spec:
          disruption:
            budgets:
              - nodes: "0"
                reasons: [Drifted]
    """
    assert ctx.obj is not None
    v1beta1 = ctx.obj.version == "v1beta1"
    for path, budget in budgets(ctx.obj):
        if "reasons" not in budget:
            continue
        where = (*path, "reasons")
        if v1beta1:
            yield Hit(
                "budgets[].reasons does not exist in karpenter.sh/v1beta1: the field is dropped and the budget "
                "applies to every disruption reason; reasons need the karpenter.sh/v1 NodePool",
                where,
                at_key=True,
            )
        else:
            yield from _check(where, budget["reasons"])


def _check(where: Path, reasons: Any) -> Iterator[Hit]:
    if reasons is None:
        return
    if not isinstance(reasons, list):
        yield Hit(f"reasons must be a list of {', '.join(REASONS)}, got {shown(reasons)}", where)
        return
    for i, reason in enumerate(reasons):
        if reason in REASONS:
            continue
        hint = _HINTS.get(str(reason).lower()) or _case_hint(reason)
        yield Hit(
            f"budget reason {shown(reason)} is not one of {', '.join(REASONS)}: the API server rejects the "
            f"NodePool{'; ' + hint if hint else ''}",
            (*where, i),
        )


def _case_hint(reason: Any) -> str | None:
    match = next((r for r in REASONS if r.lower() == str(reason).lower()), None)
    return f"did you mean {match}?" if match else None


RULE = budget_reason_invalid
