"""Helpers of the KM211-KM224 rules: robust plain-data access and the v1 API facts several rules share.

Every helper tolerates wrong types (lint runs before validate in pre-commit): a string where a list
belongs reads as an empty list, never as a traceback. Nothing heavy is imported here (design §7).
Facts are cited to spec/conversion-rules.md §7 (the v1.0 CRDs) and spec/drift-and-lint.md.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from karpmigrate.findings import Path
from karpmigrate.lint._base import POD_TEMPLATE, LintObject

AWS_GROUP = "karpenter.k8s.aws"
NODECLASS_KIND = "EC2NodeClass"
#: The v1 replacement of do-not-evict / do-not-consolidate; Karpenter honours only the value "true".
DO_NOT_DISRUPT = "karpenter.sh/do-not-disrupt"
#: ``Never`` disables a duration (expireAfter, consolidateAfter): the CRD pattern's only non-duration.
NEVER = "Never"
#: v1beta1 and v1 both default expireAfter to 720h (drift-and-lint §0.5).
DEFAULT_EXPIRE_AFTER = "720h"

TEMPLATE_META: Path = ("spec", "template", "metadata")
TEMPLATE_SPEC: Path = ("spec", "template", "spec")
DISRUPTION: Path = ("spec", "disruption")
BUDGETS: Path = (*DISRUPTION, "budgets")
#: Where expireAfter lives: v1 moved it into the (hashed) template (NP-4, drift-and-lint §0.5).
EXPIRE_AFTER: Mapping[str, Path] = {
    "v1beta1": (*DISRUPTION, "expireAfter"),
    "v1": (*TEMPLATE_SPEC, "expireAfter"),
}
#: Where each kind keeps its requirements and its nodeClassRef.
REQUIREMENTS: Mapping[str, Path] = {
    "NodePool": (*TEMPLATE_SPEC, "requirements"),
    "NodeClaim": ("spec", "requirements"),
}
NODECLASS_REF: Mapping[str, Path] = {
    "NodePool": (*TEMPLATE_SPEC, "nodeClassRef"),
    "NodeClaim": ("spec", "nodeClassRef"),
}


def mapping(value: Any) -> Mapping[str, Any]:
    """``value`` when it is a mapping, else empty."""
    return value if isinstance(value, Mapping) else {}


def sequence(value: Any) -> Sequence[Any]:
    """``value`` when it is a list, else empty (a string is not a list of characters here)."""
    return value if isinstance(value, list) else ()


def entries(obj: LintObject, path: Path) -> Iterator[tuple[Path, Mapping[str, Any]]]:
    """(path, item) of every mapping in the list at ``path``; other items and non-lists are skipped."""
    for i, item in enumerate(sequence(obj.get(path))):
        if isinstance(item, Mapping):
            yield (*path, i), item


def text(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def shown(value: Any) -> str:
    """A value as a message shows it: strings quoted, the rest as YAML would print them."""
    if isinstance(value, str):
        return f'"{value}"'
    if isinstance(value, bool):
        return "true" if value else "false"
    return "null" if value is None else str(value)


def is_true(value: Any) -> bool:
    """An annotation that is on: Karpenter compares with the string "true" (a YAML bool shows the intent)."""
    return value == "true" or value is True


# ---------------------------------------------------------------- workloads


def pod_template(obj: LintObject) -> Path | None:
    """Where a workload keeps its pod (``()`` for a Pod), None for other kinds."""
    return POD_TEMPLATE.get(obj.kind)


def pod_annotations(obj: LintObject) -> tuple[Path, Mapping[str, Any]]:
    """(path, annotations) of a workload's pod template."""
    base = pod_template(obj)
    if base is None:
        return (), {}
    path = (*base, "metadata", "annotations")
    return path, mapping(obj.get(path))


def uses_do_not_disrupt(obj: LintObject) -> bool:
    return is_true(pod_annotations(obj)[1].get(DO_NOT_DISRUPT))


# ---------------------------------------------------------------- NodePool disruption


def expire_after(pool: LintObject) -> tuple[Path, Any]:
    """(path, value) of the pool's expireAfter in its own version's location; the CRD default when absent."""
    path = EXPIRE_AFTER.get(pool.version, EXPIRE_AFTER["v1"])
    value = pool.get(path)
    return path, DEFAULT_EXPIRE_AFTER if value is None else value


def budgets(pool: LintObject) -> Iterator[tuple[Path, Mapping[str, Any]]]:
    return entries(pool, BUDGETS)


def holds_drift(budget: Mapping[str, Any]) -> bool:
    """The budget always allows 0 drift disruptions: no schedule, nodes 0 / 0%, reasons absent or Drifted.

    ``reasons`` absent (Go nil) applies to every reason; an explicit ``[]`` decodes to an empty, non-nil
    slice and applies to none (core ``GetAllowedDisruptionsByReason``: ``Reasons == nil || Contains``).
    A scheduled budget holds drift only inside its window, so it does not count.
    """
    if "schedule" in budget or str(budget.get("nodes", "10%")).strip() not in ("0", "0%"):
        return False
    if "reasons" not in budget or budget["reasons"] is None:
        return True
    return "Drifted" in sequence(budget["reasons"])
