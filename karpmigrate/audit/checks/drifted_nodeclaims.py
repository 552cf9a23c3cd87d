"""drifted-nodeclaims: NodeClaims already Drifted, per NodePool (KA030; the logic of lint rule KM118).

On a hash-version change (v0.3x -> 1.0: NodePool and EC2NodeClass; 1.0 -> 1.1: EC2NodeClass) the hash
controller stamps the new version on every NodeClaim but keeps the old hash on those already Drifted,
so they stay drifted for good, even if the cause is reverted (drift-and-lint §0.3 consequence 2,
hash/controller.go). KM118 is a CLUSTER-scope rule that ``lint`` cannot run; this check is its
implementation.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from karpmigrate.audit._base import DRIFTED, ClusterView, Issue, check
from karpmigrate.audit.checks import _support as s


@dataclass(slots=True)
class _Pool:
    total: int = 0
    drifted: int = 0
    reasons: Counter[str] = field(default_factory=Counter)


def _drift_reason(claim: Mapping[str, Any]) -> str | None:
    """The reason of a ``Drifted`` condition with status True (``""`` when it has none), else None."""
    for condition in s.items(s.get(claim, ("status", "conditions"))):
        if isinstance(condition, Mapping) and condition.get("type") == "Drifted":
            return s.text(condition.get("reason")) if condition.get("status") == "True" else None
    return None


def _reasons(reasons: Counter[str]) -> str:
    return ", ".join(f"{reason or 'no reason'} {count}" for reason, count in sorted(reasons.items()))


@check(
    "drifted-nodeclaims",
    "NodeClaims already Drifted",
    reads=("karpenter.sh/v1 nodeclaims",),
)
def drifted_nodeclaims(view: ClusterView) -> Iterator[Issue]:
    """Count NodeClaims whose ``status.conditions`` has ``Drifted`` True, per NodePool (KM118).

    Reads NodeClaims (v1, else v1beta1 on a cluster without v1) and groups them by their
    ``karpenter.sh/nodepool`` label; one warning per NodePool with drifted NodeClaims, giving how many
    of its NodeClaims and the drift reasons (NodePoolDrifted, AMIDrift, ...).
    """
    version, claims = s.live_objects(view, "NodeClaim")
    pools: dict[str, _Pool] = {}
    for claim in claims:
        pool = pools.setdefault(s.text(s.labels(claim).get(s.NODEPOOL_LABEL)), _Pool())
        pool.total += 1
        reason = _drift_reason(claim)
        if reason is not None:
            pool.drifted += 1
            pool.reasons[reason] += 1
    for name, pool in sorted(pools.items(), key=lambda item: s.unlabelled_last(item[0])):
        if not pool.drifted:
            continue
        owner = f"of NodePool {name}" if name else "without a NodePool label"
        verb = "is" if pool.drifted == 1 else "are"
        yield Issue(
            DRIFTED,
            f"{pool.drifted} of {s.plural(pool.total, 'NodeClaim')} {owner} {verb} already Drifted "
            f"({_reasons(pool.reasons)}): on an upgrade that bumps a hash version (0.3x to 1.0, 1.0 to 1.1) "
            "they keep the old hash under the new version and stay drifted even if the cause is reverted; "
            "let the drift finish, or revert its cause and wait for Drifted=False, before upgrading (KM118)",
            kind="NodePool" if name else "NodeClaim",
            name=name or None,
            api_version=s.api_version("NodePool", version),
        )


CHECK = drifted_nodeclaims
