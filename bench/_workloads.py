"""The ordinary objects of a GitOps tree: what ``convert --check`` must skip cheaply (budget P2).

Sizes follow what teams commit: a Deployment of 1-3 KB (one or two containers, a dozen env vars,
probes, resources), small Services, ConfigMaps with an embedded properties file. A few workloads
pin nodes with a ``karpenter.sh/...`` node selector (they mention Karpenter and need no change), and
a few carry the removed ``karpenter.sh/do-not-evict`` annotation (convert rewrites those, KM212).
"""

from __future__ import annotations

import random
from typing import Any

from _emit import Block, Comment, Inline

#: Share of Deployments with ``karpenter.sh/do-not-evict`` in the pod template (they need a change).
DO_NOT_EVICT_SHARE = 0.01
#: Share of Deployments with a ``karpenter.sh/capacity-type`` node selector (they need none).
NODE_SELECTOR_SHARE = 0.05

_ENV = (
    "LOG_LEVEL",
    "PORT",
    "DB_HOST",
    "DB_PORT",
    "CACHE_URL",
    "FEATURE_FLAGS",
    "OTEL_ENDPOINT",
    "REGION",
    "TIMEOUT_MS",
    "MAX_CONNECTIONS",
    "QUEUE_URL",
    "SENTRY_DSN",
    "JAVA_OPTS",
    "WORKERS",
)


def _labels(name: str, team: str) -> dict[str, Any]:
    return {
        "app.kubernetes.io/name": name,
        "app.kubernetes.io/part-of": team,
        "app.kubernetes.io/managed-by": "argocd",
        "team": team,
    }


def _env(rng: random.Random, name: str) -> list[dict[str, Any]]:
    env: list[dict[str, Any]] = []
    for key in rng.sample(_ENV, rng.randint(0, 6)):
        if rng.random() < 0.2:
            env.append(
                {"name": key, "valueFrom": {"secretKeyRef": {"name": f"{name}-secrets", "key": key.lower()}}}
            )
        else:
            env.append({"name": key, "value": f"{name}-{key.lower()}-{rng.randint(1, 999)}"})
    return env


def _container(rng: random.Random, name: str, team: str, main: bool) -> dict[str, Any]:
    image = f"registry.example.com/{team}/{name}:{rng.randint(1, 9)}.{rng.randint(0, 30)}.{rng.randint(0, 9)}"
    container: dict[str, Any] = {"name": name if main else f"{name}-sidecar", "image": image}
    container["imagePullPolicy"] = "IfNotPresent"
    port = rng.choice([8080, 8000, 9000, 3000])
    container["ports"] = [{"name": "http", "containerPort": port, "protocol": "TCP"}]
    container["env"] = _env(rng, name)
    cpu = rng.choice(["100m", "250m", "500m", "1"])
    container["resources"] = {
        "requests": {"cpu": cpu, "memory": rng.choice(["128Mi", "256Mi", "1Gi"])},
        "limits": {"memory": rng.choice(["256Mi", "512Mi", "2Gi"])},
    }
    if main:
        probe = {"httpGet": {"path": "/healthz", "port": "http"}, "periodSeconds": 10, "timeoutSeconds": 2}
        container["livenessProbe"] = dict(probe, initialDelaySeconds=15)
        container["readinessProbe"] = dict(probe, httpGet={"path": "/ready", "port": "http"})
        container["volumeMounts"] = [{"name": "config", "mountPath": "/etc/app", "readOnly": True}]
    container["securityContext"] = {
        "runAsNonRoot": True,
        "allowPrivilegeEscalation": False,
        "readOnlyRootFilesystem": True,
    }
    return container


def deployment(rng: random.Random, name: str, team: str, namespace: str) -> dict[str, Any]:
    labels = _labels(name, team)
    pod_meta: dict[str, Any] = {"labels": {"app.kubernetes.io/name": name, "team": team}}
    annotations: dict[str, Any] = {"prometheus.io/scrape": "true", "prometheus.io/port": "9090"}
    if rng.random() < DO_NOT_EVICT_SHARE:
        annotations[Comment("Long-running requests: do not let Karpenter evict this pod.")] = None
        annotations["karpenter.sh/do-not-evict"] = "true"
    pod_meta["annotations"] = annotations
    containers = [_container(rng, name, team, True)]
    if rng.random() < 0.15:
        containers.append(_container(rng, name, team, False))
    pod: dict[str, Any] = {"serviceAccountName": name}
    if rng.random() < NODE_SELECTOR_SHARE:
        pod["nodeSelector"] = {"karpenter.sh/capacity-type": "spot"}
    pod["containers"] = containers
    pod["volumes"] = [{"name": "config", "configMap": {"name": f"{name}-config"}}]
    spec: dict[str, Any] = {
        "replicas": Inline(rng.randint(1, 6), "scaled by the HPA")
        if rng.random() < 0.2
        else rng.randint(1, 6),
        "revisionHistoryLimit": 5,
        "selector": {"matchLabels": {"app.kubernetes.io/name": name}},
        "strategy": {"type": "RollingUpdate", "rollingUpdate": {"maxSurge": "25%", "maxUnavailable": 0}},
        "template": {"metadata": pod_meta, "spec": pod},
    }
    return _object("apps/v1", "Deployment", name, namespace, labels, spec)


def service_account(rng: random.Random, name: str, team: str, namespace: str) -> dict[str, Any]:
    obj = _object("v1", "ServiceAccount", name, namespace, _labels(name, team), None)
    if rng.random() < 0.5:
        obj["metadata"]["annotations"] = {
            "eks.amazonaws.com/role-arn": f"arn:aws:iam::123456789012:role/{name}"
        }
    return obj


def hpa(rng: random.Random, name: str, team: str, namespace: str) -> dict[str, Any]:
    spec = {
        "scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": name},
        "minReplicas": rng.randint(1, 3),
        "maxReplicas": rng.randint(4, 30),
        "metrics": [
            {
                "type": "Resource",
                "resource": {"name": "cpu", "target": {"type": "Utilization", "averageUtilization": 70}},
            }
        ],
    }
    return _object("autoscaling/v2", "HorizontalPodAutoscaler", name, namespace, _labels(name, team), spec)


def pdb(rng: random.Random, name: str, team: str, namespace: str) -> dict[str, Any]:
    spec = {"maxUnavailable": 1, "selector": {"matchLabels": {"app.kubernetes.io/name": name}}}
    return _object("policy/v1", "PodDisruptionBudget", name, namespace, _labels(name, team), spec)


def service(
    rng: random.Random, name: str, team: str, namespace: str, *, headless: bool = False
) -> dict[str, Any]:
    spec: dict[str, Any] = {"selector": {"app.kubernetes.io/name": name}}
    if headless:
        spec["clusterIP"] = "None"
    spec["ports"] = [{"name": "http", "port": 80, "targetPort": "http", "protocol": "TCP"}]
    if rng.random() < 0.3:
        spec["ports"].append({"name": "metrics", "port": 9090, "targetPort": 9090})
    return _object(
        "v1", "Service", f"{name}-headless" if headless else name, namespace, _labels(name, team), spec
    )


def ingress(rng: random.Random, name: str, team: str, namespace: str) -> dict[str, Any]:
    host = f"{name}.{team}.example.com"
    backend = {"service": {"name": name, "port": {"name": "http"}}}
    spec = {
        "ingressClassName": "alb",
        "rules": [
            {"host": host, "http": {"paths": [{"path": "/", "pathType": "Prefix", "backend": backend}]}}
        ],
        "tls": [{"hosts": [host], "secretName": f"{name}-tls"}],
    }
    obj = _object("networking.k8s.io/v1", "Ingress", name, namespace, _labels(name, team), spec)
    obj["metadata"]["annotations"] = {
        "alb.ingress.kubernetes.io/scheme": rng.choice(["internal", "internet-facing"])
    }
    return obj


def network_policy(rng: random.Random, name: str, team: str, namespace: str) -> dict[str, Any]:
    spec = {
        "podSelector": {"matchLabels": {"app.kubernetes.io/name": name}},
        "policyTypes": ["Ingress"],
        "ingress": [
            {
                "from": [{"namespaceSelector": {"matchLabels": {"team": team}}}],
                "ports": [{"port": 8080, "protocol": "TCP"}],
            }
        ],
    }
    return _object("networking.k8s.io/v1", "NetworkPolicy", name, namespace, _labels(name, team), spec)


def configmap(rng: random.Random, name: str, team: str, namespace: str, index: int) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for i in range(rng.randint(2, 8)):
        data[f"setting_{i}"] = f"value-{rng.randint(0, 10**6)}"
    if rng.random() < 0.5:
        lines = [f"{name}.option{i}={rng.randint(0, 1000)}" for i in range(rng.randint(3, 15))]
        data["application.properties"] = Block("\n".join(lines) + "\n")
    suffix = "config" if index == 0 else f"config-{index}"
    return _object("v1", "ConfigMap", f"{name}-{suffix}", namespace, _labels(name, team), None, data=data)


def _object(
    api_version: str,
    kind: str,
    name: str,
    namespace: str,
    labels: dict[str, Any],
    spec: dict[str, Any] | None,
    **extra: Any,
) -> dict[str, Any]:
    obj: dict[str, Any] = {
        "apiVersion": api_version,
        "kind": kind,
        "metadata": {"name": name, "namespace": namespace, "labels": dict(labels)},
    }
    if spec is not None:
        obj["spec"] = spec
    obj.update(extra)
    return obj
