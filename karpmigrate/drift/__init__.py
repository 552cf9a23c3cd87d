"""Drift analysis: which edits of a NodePool or EC2NodeClass make Karpenter replace nodes, and why.

Pure functions on plain dicts (drift-and-lint §0, §a). Two versions of an object are compared the way
Karpenter compares them: each is taken as it is stored (CRD defaults applied; a v1beta1 object as the
conversion webhook stores it, ``effective``), the static hash fields are compared with the hash
library's semantics (lists as sets, zero values skipped, durations and volume sizes by value), and the
dynamically checked parts (requirements, selector terms) by what they can still select. Each
``Change`` carries its lint code, Karpenter's reason string and a message naming the nodes replaced.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from karpmigrate.drift.change import (
    AMI_DRIFT,
    CAPACITY_RESERVATION_DRIFT,
    NODECLASS_DRIFT,
    NODEPOOL_DRIFTED,
    PLACEMENT_GROUP_DRIFT,
    REQUIREMENTS_DRIFTED,
    SECURITY_GROUP_DRIFT,
    SUBNET_DRIFT,
    Change,
)
from karpmigrate.drift.effective import NotConvertible, effective
from karpmigrate.drift.nodeclass import compare_nodeclasses, nodeclass_hash_view
from karpmigrate.drift.nodepool import compare_nodepools, nodepool_hash_view
from karpmigrate.target import Target

Compare = Callable[[Mapping[str, Any], Mapping[str, Any], "Target | None"], list[Change]]

#: The comparison of each kind that can drift nodes.
COMPARERS: Mapping[str, Compare] = {
    "NodePool": compare_nodepools,
    "EC2NodeClass": compare_nodeclasses,
}


def compare(old: Mapping[str, Any], new: Mapping[str, Any], target: Target | None = None) -> list[Change]:
    """Every drift-relevant change from ``old`` to ``new`` (same kind); [] for kinds that never drift."""
    kind = new.get("kind")
    comparer = COMPARERS.get(kind) if isinstance(kind, str) else None
    return comparer(old, new, target) if comparer is not None else []


__all__ = [
    "AMI_DRIFT",
    "CAPACITY_RESERVATION_DRIFT",
    "COMPARERS",
    "NODECLASS_DRIFT",
    "NODEPOOL_DRIFTED",
    "PLACEMENT_GROUP_DRIFT",
    "REQUIREMENTS_DRIFTED",
    "SECURITY_GROUP_DRIFT",
    "SUBNET_DRIFT",
    "Change",
    "NotConvertible",
    "compare",
    "compare_nodeclasses",
    "compare_nodepools",
    "effective",
    "nodeclass_hash_view",
    "nodepool_hash_view",
]
