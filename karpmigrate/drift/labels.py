"""Node label facts the requirement check needs (drift-and-lint §a.1, KM202/KM203).

A NodeClaim carries the labels of its instance type that have one value for it, its NodePool's
template labels and the single-valued requirements. Which labels an *older* NodeClaim lacks decides
whether a new requirement drifts it (kubernetes-sigs/karpenter#2549).
"""

from __future__ import annotations

from collections.abc import Mapping

from karpmigrate.labels import LATE_AWS_LABELS
from karpmigrate.target import Target

#: Deprecated keys Karpenter reads as their stable form (core pkg/apis/v1/labels.go NormalizedLabels).
NORMALIZED: Mapping[str, str] = {
    "failure-domain.beta.kubernetes.io/zone": "topology.kubernetes.io/zone",
    "failure-domain.beta.kubernetes.io/region": "topology.kubernetes.io/region",
    "beta.kubernetes.io/arch": "kubernetes.io/arch",
    "beta.kubernetes.io/os": "kubernetes.io/os",
    "beta.kubernetes.io/instance-type": "node.kubernetes.io/instance-type",
}

#: AWS labels added after v1.0, with the first release that sets them: NodeClaims launched before lack them.
LATE_LABELS: Mapping[str, str] = LATE_AWS_LABELS

#: Labels set only on GPU / accelerator instance types: every other node lacks them (§a.1).
ACCELERATOR_LABELS = frozenset(
    {
        "karpenter.k8s.aws/instance-gpu-count",
        "karpenter.k8s.aws/instance-gpu-name",
        "karpenter.k8s.aws/instance-gpu-manufacturer",
        "karpenter.k8s.aws/instance-gpu-memory",
        "karpenter.k8s.aws/instance-accelerator-count",
        "karpenter.k8s.aws/instance-accelerator-name",
        "karpenter.k8s.aws/instance-accelerator-manufacturer",
    }
)

#: Labels every Karpenter node has (one value for every instance type and offering), so a new
#: ``Exists`` on them never drifts anything.
ALWAYS_PRESENT = frozenset(
    {
        "kubernetes.io/arch",
        "kubernetes.io/os",
        "node.kubernetes.io/instance-type",
        "topology.kubernetes.io/zone",
        "topology.kubernetes.io/region",
        "karpenter.sh/capacity-type",
        "karpenter.sh/nodepool",
        "karpenter.k8s.aws/instance-category",
        "karpenter.k8s.aws/instance-family",
        "karpenter.k8s.aws/instance-generation",
        "karpenter.k8s.aws/instance-size",
        "karpenter.k8s.aws/instance-cpu",
        "karpenter.k8s.aws/instance-cpu-manufacturer",
        "karpenter.k8s.aws/instance-memory",
        "karpenter.k8s.aws/instance-encryption-in-transit-supported",
    }
)


def domain(key: str, target: Target) -> frozenset[str] | None:
    """Every value a node can have for ``key``, when that is a short known list (else None).

    Lets ``kubernetes.io/arch In [amd64, arm64]`` replace "no requirement" without drift.
    """
    if key == "kubernetes.io/arch":
        return frozenset({"amd64", "arm64"})
    if key == "kubernetes.io/os":
        return frozenset({"linux", "windows"})
    if key == "karpenter.sh/capacity-type":
        # reserved (capacity blocks / ODCRs) exists from aws v1.3.0.
        extra = {"reserved"} if target.at_least(1, 3) else set()
        return frozenset({"on-demand", "spot", *extra})
    return None


def normalized(key: str) -> str:
    return NORMALIZED.get(key, key)
