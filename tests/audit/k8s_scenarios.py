"""Clusters for the audit tests: mid-migration (every problem planted), clean, no Karpenter, large.

What ``mid_migration()`` plants, by check (names are stable; tests of checks rely on them):

- controller: Deployment ``kube-system/karpenter``, image ``public.ecr.aws/karpenter/controller:1.0.6@sha256:...``;
- CRDs ``nodepools.karpenter.sh``, ``nodeclaims.karpenter.sh``, ``ec2nodeclasses.karpenter.k8s.aws``: v1
  served+storage, v1beta1 served, conversion webhook ``kube-system/karpenter:8443``,
  ``status.storedVersions: [v1beta1, v1]``;
- NodePools ``default`` and ``batch`` share EC2NodeClass ``default`` with different
  ``compatibility.karpenter.sh/v1beta1-kubelet-conversion`` annotations; ``gpu`` uses ``ubuntu``, no kubelet;
  each is stored in both views (v1 as the webhook stores it, v1beta1 as the user wrote it);
- EC2NodeClass ``ubuntu`` carries ``compatibility.karpenter.k8s.aws/v1beta1-ubuntu``;
- NodeClaims ``default-x8k2p`` and ``batch-m2n9v`` are Drifted (condition status "True"), ``default-q7f4m``
  is not (its Drifted condition is "False");
- Pods ``default/web-6f7d8c9b5-2xk9q`` (``karpenter.sh/do-not-evict``) and ``default/report-28f7x``
  (``karpenter.sh/do-not-consolidate``); ``default/api-5c9d7f-9kq2z`` has the v1 ``do-not-disrupt`` (fine);
- Node ``ip-10-0-1-23.ec2.internal`` has ``karpenter.sh/do-not-consolidate``;
- Helm release Secrets of ``kube-system/karpenter``: revision 3 deployed (chart 1.0.6, values
  ``settings.featureGates.drift: false``), revision 2 superseded (chart 0.37.0).
"""

from __future__ import annotations

import base64
import gzip
import json
import uuid
from collections.abc import Mapping, Sequence
from typing import Any

from k8s_store import BUILTIN, Cluster, Stored

#: The bearer token every scenario accepts (user "admin"); tests scan all output for it.
TOKEN = "kmtest-bearer-5f2c9e1a7b3d4c6e8f0a1b2c3d4e5f60"
DIGEST = "sha256:" + "5e3b1c2d4f6a7b8c9d0e1f2a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e"
CREATED = "2024-06-01T10:00:00Z"
SH, AWS = "karpenter.sh", "karpenter.k8s.aws"
KUBELET_ANNOTATION = "compatibility.karpenter.sh/v1beta1-kubelet-conversion"
NODECLASS_REF_ANNOTATION = "compatibility.karpenter.sh/v1beta1-nodeclass-reference"
UBUNTU_ANNOTATION = "compatibility.karpenter.k8s.aws/v1beta1-ubuntu"
PODS, NODES = BUILTIN[0], BUILTIN[1]


def meta(
    name: str,
    namespace: str | None = None,
    *,
    labels: Mapping[str, str] | None = None,
    annotations: Mapping[str, str] | None = None,
    **extra: Any,
) -> dict[str, Any]:
    out: dict[str, Any] = {"name": name}
    if namespace:
        out["namespace"] = namespace
    out["uid"] = str(uuid.uuid5(uuid.NAMESPACE_URL, f"{namespace}/{name}"))
    out["resourceVersion"] = "4242"
    out["generation"] = 1
    out["creationTimestamp"] = CREATED
    if labels:
        out["labels"] = dict(labels)
    if annotations:
        out["annotations"] = dict(annotations)
    out.update(extra)
    return out


def _cluster() -> Cluster:
    cluster = Cluster()
    cluster.tokens[TOKEN] = "admin"
    return cluster


# ---------------------------------------------------------------------- CRDs
_KINDS = (
    (SH, "NodePool", "nodepools"),
    (SH, "NodeClaim", "nodeclaims"),
    (AWS, "EC2NodeClass", "ec2nodeclasses"),
)


def karpenter_crds(
    versions: Sequence[tuple[str, bool, bool]], *, stored: Sequence[str], webhook: bool
) -> list[dict[str, Any]]:
    """The three Karpenter CRDs; ``versions`` = (name, served, storage). The schema is left open."""
    crds = []
    for group, kind, plural in _KINDS:
        spec: dict[str, Any] = {
            "group": group,
            "names": {
                "categories": ["karpenter"],
                "kind": kind,
                "listKind": f"{kind}List",
                "plural": plural,
                "singular": kind.lower(),
            },
            "scope": "Cluster",
            "versions": [
                {
                    "name": name,
                    "served": served,
                    "storage": storage,
                    "schema": {
                        "openAPIV3Schema": {"type": "object", "x-kubernetes-preserve-unknown-fields": True}
                    },
                    "subresources": {"status": {}},
                }
                for name, served, storage in versions
            ],
            "conversion": {"strategy": "None"},
        }
        if webhook:
            spec["conversion"] = {
                "strategy": "Webhook",
                "webhook": {
                    "conversionReviewVersions": ["v1beta1", "v1"],
                    "clientConfig": {
                        "service": {"name": "karpenter", "namespace": "kube-system", "port": 8443}
                    },
                },
            }
        crds.append(
            {
                "apiVersion": "apiextensions.k8s.io/v1",
                "kind": "CustomResourceDefinition",
                "metadata": meta(
                    f"{plural}.{group}", annotations={"controller-gen.kubebuilder.io/version": "v0.16.1"}
                ),
                "spec": spec,
                "status": {
                    "acceptedNames": spec["names"],
                    "conditions": [{"type": "Established", "status": "True", "lastTransitionTime": CREATED}],
                    "storedVersions": list(stored),
                },
            }
        )
    return crds


# ---------------------------------------------------------------------- workloads
def deployment(
    name: str, namespace: str, image: str, *, labels: Mapping[str, str] | None = None
) -> dict[str, Any]:
    selector = {"app.kubernetes.io/name": name, **(labels or {})}
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": meta(name, namespace, labels=selector),
        "spec": {
            "replicas": 2,
            "selector": {"matchLabels": {"app.kubernetes.io/name": name}},
            "template": {
                "metadata": {"labels": selector},
                "spec": {
                    "containers": [{"name": "controller" if name == "karpenter" else name, "image": image}]
                },
            },
        },
        "status": {"replicas": 2, "readyReplicas": 2, "availableReplicas": 2, "observedGeneration": 1},
    }


def karpenter_deployment(version: str) -> dict[str, Any]:
    labels = {
        "app.kubernetes.io/instance": "karpenter",
        "app.kubernetes.io/version": version,
        "app.kubernetes.io/managed-by": "Helm",
        "helm.sh/chart": f"karpenter-{version}",
    }
    obj = deployment(
        "karpenter", "kube-system", f"public.ecr.aws/karpenter/controller:{version}@{DIGEST}", labels=labels
    )
    obj["spec"]["template"]["spec"]["containers"][0]["env"] = [
        {"name": "CLUSTER_NAME", "value": "prod"},
        {"name": "FEATURE_GATES", "value": "SpotToSpotConsolidation=false"},
    ]
    return obj


def pod(
    name: str, namespace: str, node: str, *, annotations: Mapping[str, str] | None = None
) -> dict[str, Any]:
    return {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": meta(name, namespace, labels={"app": name.split("-")[0]}, annotations=annotations),
        "spec": {"nodeName": node, "containers": [{"name": "main", "image": "nginx:1.27"}]},
        "status": {"phase": "Running", "podIP": "10.0.5.10"},
    }


def node(name: str, nodepool: str | None, *, annotations: Mapping[str, str] | None = None) -> dict[str, Any]:
    labels = {"kubernetes.io/hostname": name, "kubernetes.io/os": "linux"}
    if nodepool:
        labels.update({"karpenter.sh/nodepool": nodepool, "karpenter.sh/registered": "true"})
    return {
        "apiVersion": "v1",
        "kind": "Node",
        "metadata": meta(name, labels=labels, annotations=annotations),
        "spec": {"providerID": f"aws:///us-east-1a/i-{uuid.uuid5(uuid.NAMESPACE_DNS, name).hex[:17]}"},
        "status": {
            "conditions": [{"type": "Ready", "status": "True"}],
            "nodeInfo": {"kubeletVersion": "v1.30.2"},
        },
    }


def helm_release_secret(
    release: str, namespace: str, revision: int, status: str, chart_version: str, values: Mapping[str, Any]
) -> dict[str, Any]:
    """Helm 3's storage: ``data.release`` = base64(Secret) of base64(gzip(release JSON))."""
    record = {
        "name": release,
        "namespace": namespace,
        "version": revision,
        "info": {
            "status": status,
            "first_deployed": CREATED,
            "last_deployed": CREATED,
            "description": "Upgrade complete",
        },
        "chart": {
            "metadata": {
                "name": "karpenter",
                "version": chart_version,
                "appVersion": chart_version,
                "apiVersion": "v2",
            },
            "values": {
                "replicas": 2,
                "settings": {"clusterName": "", "featureGates": {"spotToSpotConsolidation": False}},
            },
        },
        "config": dict(values),
        "manifest": "---\n# Source: karpenter/templates/deployment.yaml\napiVersion: apps/v1\nkind: Deployment\n",
    }
    helm_text = base64.b64encode(gzip.compress(json.dumps(record).encode())).decode()
    labels = {"name": release, "owner": "helm", "status": status, "version": str(revision)}
    return {
        "apiVersion": "v1",
        "kind": "Secret",
        "metadata": meta(f"sh.helm.release.v1.{release}.v{revision}", namespace, labels=labels),
        "type": "helm.sh/release.v1",
        "data": {"release": base64.b64encode(helm_text.encode()).decode()},
    }


# ---------------------------------------------------------------------- Karpenter objects
def _requirements() -> list[dict[str, Any]]:
    return [
        {"key": "karpenter.sh/capacity-type", "operator": "In", "values": ["on-demand", "spot"]},
        {"key": "kubernetes.io/arch", "operator": "In", "values": ["amd64"]},
    ]


def nodepool_v1beta1(name: str, nodeclass: str, kubelet: Mapping[str, Any] | None) -> dict[str, Any]:
    spec: dict[str, Any] = {
        "nodeClassRef": {"apiVersion": f"{AWS}/v1beta1", "kind": "EC2NodeClass", "name": nodeclass},
        "requirements": _requirements(),
    }
    if kubelet:
        spec["kubelet"] = dict(kubelet)
    return {
        "apiVersion": f"{SH}/v1beta1",
        "kind": "NodePool",
        "metadata": meta(
            name,
            annotations={
                "karpenter.sh/nodepool-hash": "6821555240594823858",
                "karpenter.sh/nodepool-hash-version": "v3",
            },
        ),
        "spec": {
            "template": {"metadata": {"labels": {"team": name}}, "spec": spec},
            "disruption": {"consolidationPolicy": "WhenUnderutilized", "expireAfter": "720h"},
            "limits": {"cpu": "1000"},
        },
    }


def nodepool_v1(
    name: str, nodeclass: str, kubelet: Mapping[str, Any] | None, *, compat: bool = True
) -> dict[str, Any]:
    """As Karpenter 1.0's conversion webhook stores it (compatibility annotations when ``compat``)."""
    annotations = {
        "karpenter.sh/nodepool-hash": "6821555240594823858",
        "karpenter.sh/nodepool-hash-version": "v3",
    }
    if compat:
        ref = {"kind": "EC2NodeClass", "name": nodeclass, "apiVersion": f"{AWS}/v1beta1"}
        annotations[NODECLASS_REF_ANNOTATION] = json.dumps(ref, separators=(",", ":"))
        if kubelet:
            annotations[KUBELET_ANNOTATION] = json.dumps(kubelet, separators=(",", ":"))
    return {
        "apiVersion": f"{SH}/v1",
        "kind": "NodePool",
        "metadata": meta(name, annotations=annotations),
        "spec": {
            "template": {
                "metadata": {"labels": {"team": name}},
                "spec": {
                    "nodeClassRef": {"group": AWS, "kind": "EC2NodeClass", "name": nodeclass},
                    "requirements": _requirements(),
                    "expireAfter": "720h",
                },
            },
            "disruption": {
                "consolidationPolicy": "WhenEmptyOrUnderutilized",
                "consolidateAfter": "0s",
                "budgets": [{"nodes": "10%"}],
            },
            "limits": {"cpu": "1000"},
        },
        "status": {
            "conditions": [
                {"type": "Ready", "status": "True", "reason": "Ready", "lastTransitionTime": CREATED}
            ]
        },
    }


def _nodeclass_common() -> dict[str, Any]:
    return {
        "role": "KarpenterNodeRole-prod",
        "subnetSelectorTerms": [{"tags": {"karpenter.sh/discovery": "prod"}}],
        "securityGroupSelectorTerms": [{"tags": {"karpenter.sh/discovery": "prod"}}],
        "metadataOptions": {
            "httpEndpoint": "enabled",
            "httpPutResponseHopLimit": 2,
            "httpTokens": "required",
        },
    }


def nodeclass_v1beta1(name: str, family: str, ami: str | None = None) -> dict[str, Any]:
    spec = {"amiFamily": family, **_nodeclass_common()}
    if ami:
        spec["amiSelectorTerms"] = [{"id": ami}]
    return {"apiVersion": f"{AWS}/v1beta1", "kind": "EC2NodeClass", "metadata": meta(name), "spec": spec}


def nodeclass_v1(
    name: str,
    alias: str | None,
    *,
    ami: str | None = None,
    annotations: Mapping[str, str] | None = None,
    kubelet: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    spec: dict[str, Any] = dict(_nodeclass_common())
    if alias:
        spec["amiSelectorTerms"] = [{"alias": alias}]
    else:
        spec["amiFamily"] = "AL2"
        spec["amiSelectorTerms"] = [{"id": ami}]
        spec["blockDeviceMappings"] = [
            {
                "deviceName": "/dev/sda1",
                "rootVolume": True,
                "ebs": {"encrypted": True, "volumeSize": "20Gi", "volumeType": "gp3"},
            }
        ]
    if kubelet:
        spec["kubelet"] = dict(kubelet)
    return {
        "apiVersion": f"{AWS}/v1",
        "kind": "EC2NodeClass",
        "metadata": meta(name, annotations=annotations),
        "spec": spec,
        "status": {
            "conditions": [
                {"type": "Ready", "status": "True", "reason": "Ready", "lastTransitionTime": CREATED}
            ]
        },
    }


def nodeclaim(name: str, nodepool: str, nodeclass: str, *, drifted: bool | None) -> dict[str, Any]:
    conditions = [{"type": "Ready", "status": "True", "reason": "Ready", "lastTransitionTime": CREATED}]
    if drifted is not None:
        conditions.append(
            {
                "type": "Drifted",
                "status": "True" if drifted else "False",
                "reason": "NodePoolDrifted" if drifted else "NotDrifted",
                "lastTransitionTime": CREATED,
            }
        )
    return {
        "apiVersion": f"{SH}/v1",
        "kind": "NodeClaim",
        "metadata": meta(
            name,
            labels={"karpenter.sh/nodepool": nodepool, "karpenter.k8s.aws/ec2nodeclass": nodeclass},
            annotations={
                "karpenter.sh/nodepool-hash": "6821555240594823858",
                "karpenter.sh/nodepool-hash-version": "v3",
            },
            ownerReferences=[
                {
                    "apiVersion": f"{SH}/v1",
                    "kind": "NodePool",
                    "name": nodepool,
                    "uid": str(uuid.uuid5(uuid.NAMESPACE_URL, f"None/{nodepool}")),
                    "blockOwnerDeletion": True,
                }
            ],
        ),
        "spec": {
            "nodeClassRef": {"group": AWS, "kind": "EC2NodeClass", "name": nodeclass},
            "requirements": _requirements(),
            "expireAfter": "720h",
        },
        "status": {
            "nodeName": f"ip-{name}.ec2.internal",
            "providerID": f"aws:///us-east-1a/i-{name}",
            "conditions": conditions,
        },
    }


# ---------------------------------------------------------------------- scenarios
KUBELET_DEFAULT = {"maxPods": 110}
KUBELET_BATCH = {"maxPods": 58, "systemReserved": {"cpu": "200m"}}
UBUNTU_AMI = "ami-0a1b2c3d4e5f60718"


def _common_workloads(cluster: Cluster) -> None:
    cluster.add(
        deployment(
            "coredns", "kube-system", "602401143452.dkr.ecr.us-east-1.amazonaws.com/eks/coredns:v1.11.1"
        ),
        deployment("web", "default", "nginx:1.27"),
        pod("coredns-5d9f7c8b6-hx2lq", "kube-system", "ip-10-0-3-67.ec2.internal"),
    )


def mid_migration() -> Cluster:
    """Karpenter 1.0.6 halfway through the migration: every audit finding planted (module docstring)."""
    cluster = _cluster()
    cluster.add(
        *karpenter_crds(
            [("v1", True, True), ("v1beta1", True, False)], stored=["v1beta1", "v1"], webhook=True
        )
    )
    cluster.add(karpenter_deployment("1.0.6"))
    _common_workloads(cluster)
    pools = (
        ("default", "default", KUBELET_DEFAULT),
        ("batch", "default", KUBELET_BATCH),
        ("gpu", "ubuntu", None),
    )
    for name, nodeclass, kubelet in pools:
        cluster.add(nodepool_v1(name, nodeclass, kubelet), nodepool_v1beta1(name, nodeclass, kubelet))
    cluster.add(
        nodeclass_v1("default", "al2@latest"),
        nodeclass_v1beta1("default", "AL2"),
        nodeclass_v1(
            "ubuntu", None, ami=UBUNTU_AMI, annotations={UBUNTU_ANNOTATION: "amiFamily,blockDeviceMappings"}
        ),
        nodeclass_v1beta1("ubuntu", "Ubuntu", UBUNTU_AMI),
    )
    cluster.add(
        nodeclaim("default-x8k2p", "default", "default", drifted=True),
        nodeclaim("default-q7f4m", "default", "default", drifted=False),
        nodeclaim("batch-m2n9v", "batch", "default", drifted=True),
    )
    cluster.add(
        pod("karpenter-7d9f8b6c5d-abcde", "kube-system", "ip-10-0-3-67.ec2.internal"),
        pod(
            "web-6f7d8c9b5-2xk9q",
            "default",
            "ip-10-0-1-23.ec2.internal",
            annotations={"karpenter.sh/do-not-evict": "true"},
        ),
        pod(
            "report-28f7x",
            "default",
            "ip-10-0-1-23.ec2.internal",
            annotations={"karpenter.sh/do-not-consolidate": "true"},
        ),
        pod(
            "api-5c9d7f-9kq2z",
            "default",
            "ip-10-0-2-45.ec2.internal",
            annotations={"karpenter.sh/do-not-disrupt": "true"},
        ),
        node("ip-10-0-1-23.ec2.internal", "default", annotations={"karpenter.sh/do-not-consolidate": "true"}),
        node("ip-10-0-2-45.ec2.internal", "batch", annotations={"karpenter.sh/do-not-disrupt": "true"}),
        node("ip-10-0-3-67.ec2.internal", None),
    )
    drift_off = {"settings": {"clusterName": "prod", "featureGates": {"drift": False}}}
    cluster.add(
        helm_release_secret("karpenter", "kube-system", 3, "deployed", "1.0.6", drift_off),
        helm_release_secret("karpenter", "kube-system", 2, "superseded", "0.37.0", drift_off),
    )
    return cluster


def clean_cluster() -> Cluster:
    """Karpenter 1.1.1 fully migrated: v1 only, storedVersions [v1], no compatibility leftovers."""
    cluster = _cluster()
    cluster.add(*karpenter_crds([("v1", True, True)], stored=["v1"], webhook=False))
    cluster.add(karpenter_deployment("1.1.1"))
    _common_workloads(cluster)
    cluster.add(
        nodepool_v1("default", "default", None, compat=False),
        nodepool_v1("batch", "batch", None, compat=False),
        nodeclass_v1("default", "al2023@latest", kubelet=KUBELET_DEFAULT),
        nodeclass_v1("batch", "al2023@latest", kubelet=KUBELET_BATCH),
        nodeclaim("default-x8k2p", "default", "default", drifted=False),
        nodeclaim("batch-m2n9v", "batch", "batch", drifted=None),
        pod(
            "web-6f7d8c9b5-2xk9q",
            "default",
            "ip-10-0-1-23.ec2.internal",
            annotations={"karpenter.sh/do-not-disrupt": "true"},
        ),
        node("ip-10-0-1-23.ec2.internal", "default"),
        node("ip-10-0-3-67.ec2.internal", None),
        helm_release_secret(
            "karpenter", "kube-system", 5, "deployed", "1.1.1", {"settings": {"clusterName": "prod"}}
        ),
    )
    return cluster


def no_karpenter() -> Cluster:
    """A cluster without Karpenter: no CRDs (so its groups are not served), no controller."""
    cluster = _cluster()
    _common_workloads(cluster)
    cluster.add(node("ip-10-0-3-67.ec2.internal", None))
    return cluster


def v1beta1_only() -> Cluster:
    """Karpenter 0.37 before the upgrade: the CRDs serve and store only v1beta1."""
    cluster = _cluster()
    cluster.add(*karpenter_crds([("v1beta1", True, True)], stored=["v1beta1"], webhook=False))
    cluster.add(karpenter_deployment("0.37.5"))
    _common_workloads(cluster)
    cluster.add(nodepool_v1beta1("default", "default", KUBELET_DEFAULT), nodeclass_v1beta1("default", "AL2"))
    return cluster


# ---------------------------------------------------------------------- large (issue 6 budget)
def _template(obj: Mapping[str, Any], fields: Sequence[str]) -> str:
    """JSON of ``obj`` as a %-format string: every ``"@field@"`` placeholder becomes ``%(field)s``.

    Filling a template is much faster than building and encoding a dict per object: 20,000 Pods take ~0.1 s.
    """
    text = json.dumps(
        {k: v for k, v in obj.items() if k not in ("apiVersion", "kind")}, separators=(",", ":")
    )
    text = text.replace("%", "%%")
    for name in fields:
        text = text.replace(f"@{name}@", f"%({name})s")
    return text


def _pod_template() -> str:
    container = {
        "name": "app",
        "image": "123456789012.dkr.ecr.us-east-1.amazonaws.com/@app@:v2.14.3",
        "ports": [{"name": "http", "containerPort": 8080, "protocol": "TCP"}],
        "env": [
            {"name": "APP_ENV", "value": "production"},
            {"name": "LOG_LEVEL", "value": "info"},
            {
                "name": "POD_NAME",
                "valueFrom": {"fieldRef": {"apiVersion": "v1", "fieldPath": "metadata.name"}},
            },
            {"name": "POD_IP", "valueFrom": {"fieldRef": {"apiVersion": "v1", "fieldPath": "status.podIP"}}},
        ],
        "resources": {"limits": {"memory": "512Mi"}, "requests": {"cpu": "250m", "memory": "256Mi"}},
        "readinessProbe": {
            "httpGet": {"path": "/healthz", "port": "http", "scheme": "HTTP"},
            "periodSeconds": 10,
            "timeoutSeconds": 1,
            "successThreshold": 1,
            "failureThreshold": 3,
        },
        "volumeMounts": [
            {
                "name": "kube-api-access-@short@",
                "readOnly": True,
                "mountPath": "/var/run/secrets/kubernetes.io/serviceaccount",
            }
        ],
        "terminationMessagePath": "/dev/termination-log",
        "terminationMessagePolicy": "File",
        "imagePullPolicy": "IfNotPresent",
    }
    condition = {"status": "True", "lastProbeTime": None, "lastTransitionTime": CREATED}
    pod = {
        "metadata": {
            "name": "@name@",
            "generateName": "@rs@-",
            "namespace": "@ns@",
            "uid": "@uid@",
            "resourceVersion": "@rv@",
            "creationTimestamp": CREATED,
            "labels": {"app": "@app@", "pod-template-hash": "@hash@"},
            "annotations": "@annotations@",
            "ownerReferences": [
                {
                    "apiVersion": "apps/v1",
                    "kind": "ReplicaSet",
                    "name": "@rs@",
                    "uid": "@uid@",
                    "controller": True,
                    "blockOwnerDeletion": True,
                }
            ],
        },
        "spec": {
            "volumes": [
                {
                    "name": "kube-api-access-@short@",
                    "projected": {
                        "sources": [
                            {"serviceAccountToken": {"expirationSeconds": 3607, "path": "token"}},
                            {
                                "configMap": {
                                    "name": "kube-root-ca.crt",
                                    "items": [{"key": "ca.crt", "path": "ca.crt"}],
                                }
                            },
                        ],
                        "defaultMode": 420,
                    },
                }
            ],
            "containers": [container],
            "restartPolicy": "Always",
            "terminationGracePeriodSeconds": 30,
            "dnsPolicy": "ClusterFirst",
            "serviceAccountName": "default",
            "nodeName": "@node@",
            "securityContext": {},
            "schedulerName": "default-scheduler",
            "tolerations": [
                {
                    "key": "node.kubernetes.io/not-ready",
                    "operator": "Exists",
                    "effect": "NoExecute",
                    "tolerationSeconds": 300,
                },
                {
                    "key": "node.kubernetes.io/unreachable",
                    "operator": "Exists",
                    "effect": "NoExecute",
                    "tolerationSeconds": 300,
                },
            ],
            "priority": 0,
            "enableServiceLinks": True,
            "preemptionPolicy": "PreemptLowerPriority",
        },
        "status": {
            "phase": "Running",
            "conditions": [
                {"type": t, **condition} for t in ("Initialized", "Ready", "ContainersReady", "PodScheduled")
            ],
            "hostIP": "@ip@",
            "podIP": "@podip@",
            "podIPs": [{"ip": "@podip@"}],
            "startTime": CREATED,
            "containerStatuses": [
                {
                    "name": "app",
                    "state": {"running": {"startedAt": CREATED}},
                    "lastState": {},
                    "ready": True,
                    "restartCount": 0,
                    "image": "123456789012.dkr.ecr.us-east-1.amazonaws.com/@app@:v2.14.3",
                    "imageID": f"123456789012.dkr.ecr.us-east-1.amazonaws.com/@app@@{DIGEST}",
                    "containerID": "containerd://@uid@@uid@",
                    "started": True,
                }
            ],
            "qosClass": "Burstable",
        },
    }
    text = _template(pod, ("name", "rs", "ns", "uid", "rv", "app", "hash", "short", "node", "ip", "podip"))
    return text.replace('"@annotations@"', "%(annotations)s")


def _node_template() -> str:
    node = {
        "metadata": {
            "name": "@name@",
            "uid": "@uid@",
            "resourceVersion": "@rv@",
            "creationTimestamp": CREATED,
            "labels": {
                "beta.kubernetes.io/arch": "amd64",
                "beta.kubernetes.io/instance-type": "m6i.2xlarge",
                "beta.kubernetes.io/os": "linux",
                "karpenter.k8s.aws/instance-category": "m",
                "karpenter.k8s.aws/instance-cpu": "8",
                "karpenter.k8s.aws/instance-family": "m6i",
                "karpenter.k8s.aws/instance-generation": "6",
                "karpenter.k8s.aws/instance-memory": "32768",
                "karpenter.sh/capacity-type": "on-demand",
                "karpenter.sh/initialized": "true",
                "karpenter.sh/nodepool": "@pool@",
                "karpenter.sh/registered": "true",
                "kubernetes.io/arch": "amd64",
                "kubernetes.io/hostname": "@name@",
                "kubernetes.io/os": "linux",
                "node.kubernetes.io/instance-type": "m6i.2xlarge",
                "topology.kubernetes.io/region": "us-east-1",
                "topology.kubernetes.io/zone": "us-east-1a",
            },
            "annotations": {
                "alpha.kubernetes.io/provided-node-ip": "@ip@",
                "karpenter.k8s.aws/ec2nodeclass-hash": "15535182697325354914",
                "karpenter.sh/nodepool-hash": "6821555240594823858",
                "node.alpha.kubernetes.io/ttl": "0",
                "volumes.kubernetes.io/controller-managed-attach-detach": "true",
            },
        },
        "spec": {"providerID": "aws:///us-east-1a/i-@short@"},
        "status": {
            "capacity": {
                "cpu": "8",
                "ephemeral-storage": "104845292Ki",
                "memory": "32386520Ki",
                "pods": "58",
            },
            "allocatable": {
                "cpu": "7910m",
                "ephemeral-storage": "95551679124",
                "memory": "31369688Ki",
                "pods": "58",
            },
            "conditions": [
                {
                    "type": t,
                    "status": s,
                    "lastHeartbeatTime": CREATED,
                    "lastTransitionTime": CREATED,
                    "reason": r,
                    "message": m,
                }
                for t, s, r, m in (
                    (
                        "MemoryPressure",
                        "False",
                        "KubeletHasSufficientMemory",
                        "kubelet has sufficient memory available",
                    ),
                    ("DiskPressure", "False", "KubeletHasNoDiskPressure", "kubelet has no disk pressure"),
                    (
                        "PIDPressure",
                        "False",
                        "KubeletHasSufficientPID",
                        "kubelet has sufficient PID available",
                    ),
                    ("Ready", "True", "KubeletReady", "kubelet is posting ready status"),
                )
            ],
            "addresses": [
                {"type": "InternalIP", "address": "@ip@"},
                {"type": "Hostname", "address": "@name@"},
            ],
            "daemonEndpoints": {"kubeletEndpoint": {"Port": 10250}},
            "nodeInfo": {
                "machineID": "ec2@short@",
                "systemUUID": "ec2@short@",
                "bootID": "@uid@",
                "kernelVersion": "6.1.102-111.182.amzn2023.x86_64",
                "osImage": "Amazon Linux 2023.5.20240805",
                "containerRuntimeVersion": "containerd://1.7.20",
                "kubeletVersion": "v1.30.2-eks-1552ad0",
                "kubeProxyVersion": "v1.30.2-eks-1552ad0",
                "operatingSystem": "linux",
                "architecture": "amd64",
            },
        },
    }
    return _template(node, ("name", "uid", "rv", "pool", "ip", "short"))


def _nodeclaim_template() -> str:
    claim = nodeclaim("@name@", "@pool@", "@class@", drifted=None)
    claim["metadata"]["uid"] = "@uid@"
    claim["metadata"]["ownerReferences"][0]["uid"] = "@uid@"
    claim["status"]["nodeName"] = "@node@"
    claim["status"]["providerID"] = "aws:///us-east-1a/i-@short@"
    return _template(claim, ("name", "pool", "class", "uid", "node", "short"))


def _uid(i: int, kind: int) -> str:
    return f"{kind:08x}-{i >> 16 & 0xFFFF:04x}-4{i >> 4 & 0xFFF:03x}-8{i & 0xF:03x}-{i:012x}"


def large_cluster(
    nodepools: int = 50, nodeclaims: int = 2000, pods: int = 20000, nodes: int = 2000
) -> Cluster:
    """A fully migrated Karpenter 1.1 cluster at scale (issue 6): realistic Pods (~3.2 KB of JSON each),
    Nodes (~2.8 KB), NodeClaims; one Pod in 1,000 still carries ``karpenter.sh/do-not-evict``."""
    cluster = _cluster()
    cluster.add(*karpenter_crds([("v1", True, True)], stored=["v1"], webhook=False))
    cluster.add(karpenter_deployment("1.1.1"), deployment("web", "default", "nginx:1.27"))
    classes = max(1, nodepools // 10)
    for c in range(classes):
        cluster.add(nodeclass_v1(f"class-{c}", "al2023@latest", kubelet={"maxPods": 58}))
    for p in range(nodepools):
        cluster.add(nodepool_v1(f"pool-{p:02d}", f"class-{p % classes}", None, compat=False))
    node_names = [f"ip-10-{i // 250}-{i % 250}-{i % 7 + 10}.ec2.internal" for i in range(max(nodes, 1))]
    claim_resource = cluster.resource_for_kind(SH, "v1", "NodeClaim")
    template = _nodeclaim_template()
    for i in range(nodeclaims):
        name = f"pool-{i % max(nodepools, 1):02d}-{i:05d}"
        values = {
            "name": name,
            "pool": f"pool-{i % max(nodepools, 1):02d}",
            "class": f"class-{i % classes}",
            "uid": _uid(i, 1),
            "node": node_names[i % len(node_names)],
            "short": f"{i:017x}",
        }
        cluster.add_stored(
            claim_resource,
            Stored("", name, (template % values).encode(), {"karpenter.sh/nodepool": values["pool"]}),
        )
    template = _node_template()
    for i in range(nodes):
        name = node_names[i]
        values = {
            "name": name,
            "uid": _uid(i, 2),
            "rv": str(10000 + i),
            "pool": f"pool-{i % max(nodepools, 1):02d}",
            "ip": f"10.{i // 250}.{i % 250}.{i % 7 + 10}",
            "short": f"{i:017x}",
        }
        cluster.add_stored(
            NODES, Stored("", name, (template % values).encode(), {"kubernetes.io/hostname": name})
        )
    template = _pod_template()
    plain, planted = "{}", '{"karpenter.sh/do-not-evict":"true"}'
    for i in range(pods):
        app, ns = f"app{i % 400:03d}", f"team-{i % 40:02d}"
        rs = f"{app}-{i % 400:06x}8b9"
        name = f"{rs}-{i:05x}"
        values = {
            "name": name,
            "rs": rs,
            "ns": ns,
            "uid": _uid(i, 3),
            "rv": str(20000 + i),
            "app": app,
            "hash": f"{i % 400:06x}8b9",
            "short": f"{i % 100000:05x}",
            "node": node_names[i % len(node_names)],
            "ip": f"10.{i // 250 % 250}.{i % 250}.{i % 7 + 10}",
            "podip": f"100.{i // 65536 % 64 + 64}.{i // 256 % 256}.{i % 256}",
            "annotations": planted if i % 1000 == 999 else plain,
        }
        cluster.add_stored(
            PODS,
            Stored(ns, name, (template % values).encode(), {"app": app, "pod-template-hash": values["hash"]}),
        )
    return cluster
