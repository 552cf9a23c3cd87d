"""Well-known node label keys of the Karpenter CRDs, declared once for the models, lint and drift.

Plain data, no imports: the lint path (pre-commit) reads it without loading the pydantic models.
"""

from __future__ import annotations

from collections.abc import Mapping

#: kubernetes.io labels the v1.0 CRDs let through in NodePool template labels and requirement keys
#: (karpenter.sh_nodepools.yaml CEL rules; conversion-rules §7.1/§7.2).
K8S_WELL_KNOWN_LABELS = frozenset(
    {
        "beta.kubernetes.io/instance-type",
        "failure-domain.beta.kubernetes.io/region",
        "beta.kubernetes.io/os",
        "beta.kubernetes.io/arch",
        "failure-domain.beta.kubernetes.io/zone",
        "topology.kubernetes.io/zone",
        "topology.kubernetes.io/region",
        "kubernetes.io/arch",
        "kubernetes.io/os",
        "node.kubernetes.io/windows-build",
    }
)

#: karpenter.k8s.aws labels the v1.0 NodePool CRD allows.
AWS_WELL_KNOWN = frozenset(
    {
        "karpenter.k8s.aws/instance-encryption-in-transit-supported",
        "karpenter.k8s.aws/instance-category",
        "karpenter.k8s.aws/instance-hypervisor",
        "karpenter.k8s.aws/instance-family",
        "karpenter.k8s.aws/instance-generation",
        "karpenter.k8s.aws/instance-local-nvme",
        "karpenter.k8s.aws/instance-size",
        "karpenter.k8s.aws/instance-cpu",
        "karpenter.k8s.aws/instance-cpu-manufacturer",
        "karpenter.k8s.aws/instance-memory",
        "karpenter.k8s.aws/instance-ebs-bandwidth",
        "karpenter.k8s.aws/instance-network-bandwidth",
        "karpenter.k8s.aws/instance-gpu-name",
        "karpenter.k8s.aws/instance-gpu-manufacturer",
        "karpenter.k8s.aws/instance-gpu-count",
        "karpenter.k8s.aws/instance-gpu-memory",
        "karpenter.k8s.aws/instance-accelerator-name",
        "karpenter.k8s.aws/instance-accelerator-manufacturer",
        "karpenter.k8s.aws/instance-accelerator-count",
    }
)

#: AWS labels added after v1.0, with the first release that sets them (§a.1, diffed from
#: pkg/apis/v1/labels.go across aws tags): NodeClaims launched before it do not carry them.
LATE_AWS_LABELS: Mapping[str, str] = {
    "karpenter.k8s.aws/instance-cpu-sustained-clock-speed-mhz": "v1.1.0",
    "karpenter.k8s.aws/capacity-reservation-id": "v1.3.0",
    "karpenter.k8s.aws/capacity-reservation-type": "v1.6.0",
    "karpenter.k8s.aws/instance-capability-flex": "v1.7.0",
    "karpenter.k8s.aws/instance-tenancy": "v1.9.0",
    "karpenter.k8s.aws/capacity-reservation-interruptible": "v1.10.0",
    "karpenter.k8s.aws/placement-group-id": "v1.11.0",
    "karpenter.k8s.aws/placement-group-partition": "v1.11.0",
}
