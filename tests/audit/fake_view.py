"""An in-memory :class:`ClusterView` for the audit checks, and builders of the objects it serves.

It behaves like the live view where the checks can tell: Karpenter kinds are served only in the versions
their CRD serves (else ``SourceError`` not-found, as a 404), pods are whatever iterable the test gives
(a generator stays a generator), and any method can be made to fail with a given :class:`SourceError`
(``errors={"pods": forbidden("pods")}``; Karpenter kinds also by ``"karpenter/<Kind>"``).
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from karpmigrate.audit._base import SourceError

Obj = dict[str, Any]

#: CRD name -> (group, kind).
KINDS: Mapping[str, tuple[str, str]] = {
    "nodepools.karpenter.sh": ("karpenter.sh", "NodePool"),
    "nodeclaims.karpenter.sh": ("karpenter.sh", "NodeClaim"),
    "ec2nodeclasses.karpenter.k8s.aws": ("karpenter.k8s.aws", "EC2NodeClass"),
}
GROUP_OF = {kind: group for group, kind in KINDS.values()}


def forbidden(resource: str) -> SourceError:
    return SourceError(resource, "forbidden", f'{resource} is forbidden: User "audit" cannot list it')


@dataclass
class FakeView:
    context: str = "test"
    server: str = "https://127.0.0.1:6443"
    crd_list: list[Obj] = field(default_factory=list)
    #: Karpenter objects in the version they are served as (``apiVersion`` decides).
    objects: list[Obj] = field(default_factory=list)
    deployment_list: list[Obj] = field(default_factory=list)
    #: An iterable, or a function returning one (a fresh generator per call).
    pod_source: Iterable[Obj] | Callable[[], Iterable[Obj]] = ()
    node_list: list[Obj] = field(default_factory=list)
    releases: list[Obj] = field(default_factory=list)
    errors: dict[str, SourceError] = field(default_factory=dict)
    calls: Counter[str] = field(default_factory=Counter)

    def _enter(self, *keys: str) -> None:
        self.calls[keys[0]] += 1
        for key in keys:
            if key in self.errors:
                raise self.errors[key]

    def version(self) -> Mapping[str, Any]:
        self._enter("version")
        return {"major": "1", "minor": "30", "gitVersion": "v1.30.4"}

    def crds(self) -> list[Mapping[str, Any]]:
        self._enter("crds")
        return list(self.crd_list)

    def karpenter(self, kind: str, version: str) -> list[Mapping[str, Any]]:
        self._enter("karpenter", f"karpenter/{kind}")
        group = GROUP_OF[kind]
        crd = next((c for c in self.crd_list if KINDS.get(c["metadata"]["name"]) == (group, kind)), None)
        served = [v["name"] for v in crd["spec"]["versions"] if v.get("served")] if crd else []
        if version not in served:
            raise SourceError(
                f"{group}/{version} {kind}", "not-found", "the server could not find the requested resource"
            )
        return [o for o in self.objects if o["kind"] == kind and o["apiVersion"] == f"{group}/{version}"]

    def deployments(self) -> list[Mapping[str, Any]]:
        self._enter("deployments")
        return list(self.deployment_list)

    def pods(self) -> Iterable[Mapping[str, Any]]:
        self._enter("pods")
        return self.pod_source() if callable(self.pod_source) else self.pod_source

    def nodes(self) -> Iterable[Mapping[str, Any]]:
        self._enter("nodes")
        return self.node_list

    def helm_releases(self) -> list[Mapping[str, Any]]:
        self._enter("helm_releases")
        return list(self.releases)


# ---------------------------------------------------------------- CRDs per release line


def crd(
    name: str,
    versions: Iterable[tuple[str, bool]],
    *,
    stored: Iterable[str],
    conversion: Obj | None = None,
) -> Obj:
    """``versions``: (name, storage) of each served version."""
    return {
        "apiVersion": "apiextensions.k8s.io/v1",
        "kind": "CustomResourceDefinition",
        "metadata": {"name": name},
        "spec": {
            "group": KINDS[name][0],
            "names": {"kind": KINDS[name][1]},
            "versions": [{"name": v, "served": True, "storage": storage} for v, storage in versions],
            "conversion": conversion or {"strategy": "None"},
        },
        "status": {"storedVersions": list(stored)},
    }


def webhook(namespace: str = "kube-system", name: str = "karpenter") -> Obj:
    # As in ../shared/crds/v1.0 and v0.37 (spec.conversion).
    return {
        "strategy": "Webhook",
        "webhook": {
            "conversionReviewVersions": ["v1beta1", "v1"],
            "clientConfig": {"service": {"name": name, "namespace": namespace, "port": 8443}},
        },
    }


def crds_v11() -> list[Obj]:
    return [crd(n, [("v1", True)], stored=["v1"]) for n in KINDS]


def crds_v10(stored: Iterable[str] = ("v1",), namespace: str = "kube-system") -> list[Obj]:
    return [
        crd(n, [("v1", True), ("v1beta1", False)], stored=list(stored), conversion=webhook(namespace))
        for n in KINDS
    ]


def crds_v037() -> list[Obj]:
    return [
        crd(n, [("v1", False), ("v1beta1", True)], stored=["v1beta1"], conversion=webhook()) for n in KINDS
    ]


def crds_v037_0() -> list[Obj]:
    return [crd(n, [("v1beta1", True)], stored=["v1beta1"]) for n in KINDS]


# ---------------------------------------------------------------- objects


def meta(name: str, namespace: str | None = None, **extra: Any) -> Obj:
    out: Obj = {"name": name, **{k: v for k, v in extra.items() if v}}
    if namespace:
        out["namespace"] = namespace
    return out


def deployment(
    name: str = "karpenter",
    namespace: str = "kube-system",
    image: str = "public.ecr.aws/karpenter/controller:1.1.0@sha256:abc123",
    labels: Obj | None = None,
    replicas: int = 2,
) -> Obj:
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": meta(name, namespace, labels=labels),
        "spec": {
            "replicas": replicas,
            "template": {"spec": {"containers": [{"name": "controller", "image": image}]}},
        },
    }


def nodepool(
    name: str,
    nodeclass: str = "default",
    *,
    version: str = "v1",
    kubelet: Obj | None = None,
    annotations: Obj | None = None,
) -> Obj:
    """A NodePool as served; a v1 one gets ``kubelet`` as the webhook stores it (NP-13 annotation)."""
    notes = dict(annotations or {})
    spec: Obj = {"requirements": []}
    if version == "v1":
        spec["nodeClassRef"] = {"group": "karpenter.k8s.aws", "kind": "EC2NodeClass", "name": nodeclass}
        if kubelet is not None:
            notes["compatibility.karpenter.sh/v1beta1-kubelet-conversion"] = json.dumps(
                kubelet, separators=(",", ":")
            )
    else:
        spec["nodeClassRef"] = {
            "apiVersion": "karpenter.k8s.aws/v1beta1",
            "kind": "EC2NodeClass",
            "name": nodeclass,
        }
        if kubelet is not None:
            spec["kubelet"] = kubelet
    return {
        "apiVersion": f"karpenter.sh/{version}",
        "kind": "NodePool",
        "metadata": meta(name, annotations=notes),
        "spec": {"template": {"spec": spec}},
    }


def nodeclass(
    name: str = "default", *, kubelet: Obj | None = None, annotations: Obj | None = None, **spec: Any
) -> Obj:
    body: Obj = {"role": "KarpenterNodeRole", "amiSelectorTerms": [{"alias": "al2023@v20240807"}], **spec}
    if kubelet is not None:
        body["kubelet"] = kubelet
    return {
        "apiVersion": "karpenter.k8s.aws/v1",
        "kind": "EC2NodeClass",
        "metadata": meta(name, annotations=annotations),
        "spec": body,
    }


def nodeclaim(
    name: str,
    pool: str | None = "default",
    *,
    drifted: str | None = None,
    version: str = "v1",
    annotations: Obj | None = None,
) -> Obj:
    """``drifted``: the reason of a Drifted=True condition (None: Drifted=False)."""
    conditions = [{"type": "Ready", "status": "True"}]
    if drifted is None:
        conditions.append({"type": "Drifted", "status": "False", "reason": "NotDrifted"})
    else:
        conditions.append({"type": "Drifted", "status": "True", "reason": drifted})
    labels = {"karpenter.sh/nodepool": pool} if pool else None
    return {
        "apiVersion": f"karpenter.sh/{version}",
        "kind": "NodeClaim",
        "metadata": meta(name, labels=labels, annotations=annotations),
        "spec": {},
        "status": {"conditions": conditions},
    }


def pod(
    name: str,
    namespace: str = "default",
    *,
    annotations: Obj | None = None,
    owner: tuple[str, str] | None = None,
    template_hash: str | None = None,
) -> Obj:
    refs = (
        [{"apiVersion": "apps/v1", "kind": owner[0], "name": owner[1], "controller": True}] if owner else None
    )
    labels = {"pod-template-hash": template_hash} if template_hash else None
    return {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": meta(name, namespace, annotations=annotations, ownerReferences=refs, labels=labels),
    }


def node(name: str, pool: str | None = "default", *, annotations: Obj | None = None) -> Obj:
    labels = {"karpenter.sh/nodepool": pool} if pool else None
    return {
        "apiVersion": "v1",
        "kind": "Node",
        "metadata": meta(name, labels=labels, annotations=annotations),
    }


def release(
    values: Obj,
    *,
    chart_version: str = "0.37.5",
    status: str = "deployed",
    chart: str = "karpenter",
    name: str = "karpenter",
    namespace: str = "karpenter",
    revision: int = 3,
) -> Obj:
    """A Helm release as the view decodes it from its Secret."""
    return {
        "name": name,
        "namespace": namespace,
        "version": revision,
        "info": {"status": status},
        "chart": {"metadata": {"name": chart, "version": chart_version}},
        "config": values,
        "manifest": "",
    }


def clean_v11() -> FakeView:
    """A Karpenter 1.1 cluster with v1 storage, migrated from v1beta1 and cleaned up: nothing to report.

    It keeps what a real migrated cluster keeps and what is harmless on 1.1: the nodeclass-reference
    annotation (info) and pods/nodes already on do-not-disrupt.
    """
    reference = {
        "compatibility.karpenter.sh/v1beta1-nodeclass-reference": '{"kind":"EC2NodeClass","name":"default","apiVersion":"karpenter.k8s.aws/v1beta1"}'
    }
    return FakeView(
        crd_list=crds_v11(),
        objects=[
            nodepool("default", annotations=reference),
            nodepool("gpu"),
            nodeclass("default", kubelet={"maxPods": 110}),
            nodeclaim("default-abcde"),
            nodeclaim("gpu-fghij", "gpu"),
        ],
        deployment_list=[
            deployment(labels={"app.kubernetes.io/name": "karpenter", "app.kubernetes.io/version": "1.1.0"}),
            deployment("coredns", image="registry.k8s.io/coredns/coredns:v1.11.1"),
        ],
        pod_source=[
            pod(
                "web-6d4cf56db6-x2x9z",
                "shop",
                owner=("ReplicaSet", "web-6d4cf56db6"),
                template_hash="6d4cf56db6",
                annotations={"karpenter.sh/do-not-disrupt": "true"},
            ),
        ],
        node_list=[node("ip-10-0-1-1.ec2.internal")],
        releases=[release({"settings": {"clusterName": "prod"}}, chart_version="1.1.0")],
    )
