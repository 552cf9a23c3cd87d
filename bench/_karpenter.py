"""Karpenter v1beta1 objects for the corpus: valid against the v0.37 CRDs, with the fields convert moves.

Every NodePool that gets a kubelet makes convert move it to its EC2NodeClass (clean mode, design §3);
NodePools sharing a class with different kubelets make it split the class. The values stay inside what
the v1beta1 CEL rules accept (evictionSoft needs its grace period, imageGC high > low,
WhenUnderutilized takes no consolidateAfter), so ``karpmigrate validate`` finds nothing to report.
"""

from __future__ import annotations

import random
from typing import Any

from _emit import Block, Comment, Inline

CORE = "karpenter.sh/v1beta1"
AWS = "karpenter.k8s.aws/v1beta1"

_CATEGORIES = ("c", "m", "r", "t", "x", "i")
_FAMILIES = ("AL2", "AL2023", "Bottlerocket")
_MAX_PODS = (29, 58, 110, 234)


def kubelet(rng: random.Random, *, not_max_pods: int | None = None) -> dict[str, Any]:
    """A kubelet block; ``not_max_pods`` forces a value differing from a sibling's (a class split)."""
    max_pods = rng.choice([m for m in _MAX_PODS if m != not_max_pods])
    block: dict[str, Any] = {"maxPods": max_pods}
    if rng.random() < 0.5:
        block[Comment("Room for system daemons on every node.")] = None
        block["systemReserved"] = {
            "cpu": rng.choice(["100m", "250m"]),
            "memory": rng.choice(["100Mi", "512Mi"]),
        }
    if rng.random() < 0.4:
        block["kubeReserved"] = {"cpu": "200m", "ephemeral-storage": "1Gi"}
    if rng.random() < 0.4:
        block["evictionHard"] = {"memory.available": rng.choice(["5%", "500Mi"]), "nodefs.available": "10%"}
    if rng.random() < 0.25:
        block["evictionSoft"] = {"memory.available": "1Gi"}
        block["evictionSoftGracePeriod"] = {"memory.available": "1m30s"}
        block["evictionMaxPodGracePeriod"] = 60
    if rng.random() < 0.25:
        block["imageGCHighThresholdPercent"] = 85
        block["imageGCLowThresholdPercent"] = rng.choice([70, 80])
    if rng.random() < 0.15:
        block["clusterDNS"] = ["10.100.0.10"]
    return block


def nodeclass(rng: random.Random, name: str, cluster: str) -> dict[str, Any]:
    discovery = {"karpenter.sh/discovery": cluster}
    spec: dict[str, Any] = {}
    if rng.random() < 0.15:
        # Custom AMIs need selector terms in v1beta1; convert keeps them and drops nothing.
        spec["amiFamily"] = "Custom"
        spec["amiSelectorTerms"] = [{"name": f"{cluster}-node-*", "owner": "self"}]
    else:
        spec["amiFamily"] = (
            Inline(rng.choice(_FAMILIES), "pinned by the platform team")
            if rng.random() < 0.2
            else rng.choice(_FAMILIES)
        )
        if rng.random() < 0.2:
            spec["amiSelectorTerms"] = [{"tags": {"ami-channel": rng.choice(["stable", "canary"])}}]
    if rng.random() < 0.9:
        spec["role"] = f"KarpenterNodeRole-{cluster}"
    else:
        spec["instanceProfile"] = f"KarpenterNodeInstanceProfile-{cluster}"
    spec["subnetSelectorTerms"] = [{"tags": dict(discovery)}]
    if rng.random() < 0.3:
        spec["subnetSelectorTerms"].append({"id": f"subnet-{rng.getrandbits(64):016x}"})
    spec["securityGroupSelectorTerms"] = [{"tags": dict(discovery)}]
    spec["tags"] = {"team": "platform", "cluster": cluster, "nodeclass": name}
    if rng.random() < 0.5:
        spec["metadataOptions"] = {
            "httpEndpoint": "enabled",
            "httpProtocolIPv6": "disabled",
            "httpPutResponseHopLimit": 2,
            "httpTokens": "required",
        }
    if rng.random() < 0.4:
        spec["blockDeviceMappings"] = [
            {
                "deviceName": "/dev/xvda",
                "ebs": {
                    "volumeSize": rng.choice(["50Gi", "100Gi", "200Gi"]),
                    "volumeType": "gp3",
                    "encrypted": True,
                },
            }
        ]
    if rng.random() < 0.2:
        spec["userData"] = Block(
            "#!/bin/bash\necho 'vm.max_map_count=262144' >> /etc/sysctl.conf\nsysctl -p\n"
        )
    if rng.random() < 0.1:
        spec["detailedMonitoring"] = True
    return {"apiVersion": AWS, "kind": "EC2NodeClass", "metadata": {"name": name}, "spec": spec}


def _requirements(rng: random.Random) -> list[dict[str, Any]]:
    reqs: list[dict[str, Any]] = [
        {
            "key": "karpenter.sh/capacity-type",
            "operator": "In",
            "values": rng.sample(["spot", "on-demand"], rng.randint(1, 2)),
        },
        {
            "key": "kubernetes.io/arch",
            "operator": "In",
            "values": rng.sample(["amd64", "arm64"], rng.randint(1, 2)),
        },
    ]
    if rng.random() < 0.7:
        category: dict[str, Any] = {
            "key": "karpenter.k8s.aws/instance-category",
            "operator": "In",
            "values": sorted(rng.sample(_CATEGORIES, 3)),
        }
        if rng.random() < 0.3:
            category["minValues"] = 2
        reqs.append(category)
    if rng.random() < 0.5:
        reqs.append({"key": "karpenter.k8s.aws/instance-generation", "operator": "Gt", "values": ["4"]})
    if rng.random() < 0.3:
        reqs.append({"key": "karpenter.k8s.aws/instance-cpu", "operator": "Lt", "values": ["65"]})
    return reqs


def _disruption(rng: random.Random) -> dict[str, Any]:
    if rng.random() < 0.6:
        block: dict[str, Any] = {"consolidationPolicy": "WhenUnderutilized"}
    else:
        block = {"consolidationPolicy": "WhenEmpty", "consolidateAfter": rng.choice(["30s", "5m", "1h"])}
    roll = rng.random()
    if roll < 0.6:
        block["expireAfter"] = (
            Inline("720h", "30 days") if rng.random() < 0.3 else rng.choice(["720h", "168h"])
        )
    elif roll < 0.8:
        block["expireAfter"] = "Never"
    if rng.random() < 0.4:
        block["budgets"] = [{"nodes": "10%"}, {"nodes": "0", "schedule": "0 9 * * mon-fri", "duration": "8h"}]
    return block


def nodepool(
    rng: random.Random, name: str, class_name: str, kubelet_block: dict[str, Any] | None
) -> dict[str, Any]:
    metadata: dict[str, Any] = {"name": name}
    if rng.random() < 0.3:
        metadata["annotations"] = {"argocd.argoproj.io/sync-wave": "1"}
    template_meta: dict[str, Any] = {
        "labels": {"nodepool": name, "team": rng.choice(["platform", "data", "web"])}
    }
    if rng.random() < 0.1:
        template_meta["annotations"] = {"karpenter.sh/do-not-consolidate": "true"}
    ref: dict[str, Any] = {"name": class_name}
    if rng.random() < 0.7:
        ref = {"apiVersion": AWS, "kind": "EC2NodeClass", "name": class_name}
    template_spec: dict[str, Any] = {"nodeClassRef": ref, "requirements": _requirements(rng)}
    if rng.random() < 0.2:
        template_spec["taints"] = [{"key": "dedicated", "value": name, "effect": "NoSchedule"}]
    if kubelet_block is not None:
        template_spec[Comment("Kubelet settings for every node of this pool.")] = None
        template_spec["kubelet"] = kubelet_block
    spec: dict[str, Any] = {"template": {"metadata": template_meta, "spec": template_spec}}
    if rng.random() < 0.7:
        spec["limits"] = {"cpu": rng.choice([100, 1000]), "memory": rng.choice(["400Gi", "1000Gi"])}
    spec["disruption"] = _disruption(rng)
    if rng.random() < 0.3:
        spec["weight"] = rng.randint(1, 100)
    return {"apiVersion": CORE, "kind": "NodePool", "metadata": metadata, "spec": spec}
