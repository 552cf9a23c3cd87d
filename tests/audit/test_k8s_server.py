"""The test API server itself: wire format, discovery, paging, selectors, auth, faults, scenarios, kubectl."""

from __future__ import annotations

import base64
import gzip
import json
import shutil
import socket
import ssl
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import pytest
from audit_support import served
from k8s_scenarios import KUBELET_ANNOTATION, NODES, PODS, UBUNTU_ANNOTATION, v1beta1_only
from k8s_server import (
    TOKEN,
    ApiServer,
    clean_cluster,
    large_cluster,
    mid_migration,
    no_karpenter,
    tls_material,
)
from k8s_store import parse_labels


def fetch(
    server: ApiServer, path: str, *, token: str | None = TOKEN, method: str = "GET", gzip_ok: bool = False
) -> tuple[int, dict[str, str], Any]:
    request = urllib.request.Request(server.url + path, method=method)
    if token is not None:
        request.add_header("Authorization", f"Bearer {token}")
    if gzip_ok:
        request.add_header("Accept-Encoding", "gzip")
    context = ssl.create_default_context(cafile=tls_material()[0]) if server.tls else None
    try:
        with urllib.request.urlopen(request, timeout=5, context=context) as response:
            status, headers, body = response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        status, headers, body = error.code, dict(error.headers), error.read()
    if headers.get("Content-Encoding") == "gzip":
        body = gzip.decompress(body)
    return status, headers, json.loads(body)


@pytest.fixture(scope="module")
def mid() -> Any:
    with served(mid_migration()) as server:
        yield server


# ---------------------------------------------------------------------- discovery
def test_discovery_lists_served_groups_with_v1_preferred(mid: ApiServer) -> None:
    status, headers, groups = fetch(mid, "/apis")
    assert status == 200 and headers["Content-Type"] == "application/json"
    by_name = {g["name"]: g for g in groups["groups"]}
    assert [v["version"] for v in by_name["karpenter.sh"]["versions"]] == ["v1", "v1beta1"]
    assert by_name["karpenter.sh"]["preferredVersion"]["groupVersion"] == "karpenter.sh/v1"
    assert {"apps", "apiextensions.k8s.io", "karpenter.k8s.aws"} <= set(by_name)
    assert fetch(mid, "/api")[2]["versions"] == ["v1"]


def test_api_resource_list_names_kinds_verbs_scope(mid: ApiServer) -> None:
    _, _, resources = fetch(mid, "/apis/karpenter.sh/v1")
    assert resources["kind"] == "APIResourceList" and resources["groupVersion"] == "karpenter.sh/v1"
    nodepools = next(r for r in resources["resources"] if r["name"] == "nodepools")
    assert nodepools["kind"] == "NodePool" and nodepools["namespaced"] is False
    assert {"get", "list"} <= set(nodepools["verbs"])
    pods = next(r for r in fetch(mid, "/api/v1")[2]["resources"] if r["name"] == "pods")
    assert pods["namespaced"] is True and pods["shortNames"] == ["po"]


def test_only_served_crd_versions_answer() -> None:
    with served(clean_cluster()) as server:
        assert fetch(server, "/apis/karpenter.sh/v1/nodepools")[0] == 200
        assert fetch(server, "/apis/karpenter.sh/v1beta1/nodepools")[0] == 404
        assert fetch(server, "/apis/karpenter.sh/v1beta1")[0] == 404
    with served(no_karpenter()) as server:
        assert fetch(server, "/apis/karpenter.sh/v1/nodepools")[0] == 404
        assert "karpenter.sh" not in {g["name"] for g in fetch(server, "/apis")[2]["groups"]}


def test_version(mid: ApiServer) -> None:
    _, _, version = fetch(mid, "/version")
    assert (version["major"], version["minor"]) == ("1", "30")


# ---------------------------------------------------------------------- lists and objects
def test_list_wire_format_builtin_items_are_untyped(mid: ApiServer) -> None:
    _, _, pods = fetch(mid, "/api/v1/pods")
    assert (pods["kind"], pods["apiVersion"]) == ("PodList", "v1")
    assert pods["metadata"]["resourceVersion"]
    assert "kind" not in pods["items"][0] and "apiVersion" not in pods["items"][0]
    names = [(p["metadata"]["namespace"], p["metadata"]["name"]) for p in pods["items"]]
    assert names == sorted(names)


def test_custom_resource_items_are_typed_in_the_version_asked(mid: ApiServer) -> None:
    _, _, v1 = fetch(mid, "/apis/karpenter.sh/v1/nodepools")
    assert {i["apiVersion"] for i in v1["items"]} == {"karpenter.sh/v1"}
    assert KUBELET_ANNOTATION in v1["items"][1]["metadata"]["annotations"]
    _, _, beta = fetch(mid, "/apis/karpenter.sh/v1beta1/nodepools")
    assert beta["items"][1]["spec"]["template"]["spec"]["kubelet"] == {"maxPods": 110}
    # NodeClaims were stored as v1 only: the v1beta1 view is the same objects with a new apiVersion.
    _, _, claims = fetch(mid, "/apis/karpenter.sh/v1beta1/nodeclaims")
    assert {i["apiVersion"] for i in claims["items"]} == {"karpenter.sh/v1beta1"} and len(
        claims["items"]
    ) == 3


def test_namespaced_list_and_single_get(mid: ApiServer) -> None:
    _, _, pods = fetch(mid, "/api/v1/namespaces/kube-system/pods")
    assert {p["metadata"]["namespace"] for p in pods["items"]} == {"kube-system"}
    status, _, one = fetch(mid, "/api/v1/namespaces/default/pods/report-28f7x")
    assert status == 200 and (one["kind"], one["apiVersion"]) == ("Pod", "v1")
    status, _, missing = fetch(mid, "/api/v1/namespaces/default/pods/nope")
    assert (status, missing["reason"]) == (404, "NotFound")
    assert fetch(mid, "/api/v1/namespaces/default/nodes")[0] == 404  # nodes are cluster-scoped


def test_limit_and_continue_page_through_everything() -> None:
    with served(large_cluster(nodepools=3, nodeclaims=10, pods=1050, nodes=5)) as server:
        names: list[str] = []
        token, pages = "", 0
        while True:
            _, _, page = fetch(server, "/api/v1/pods?limit=100" + (f"&continue={token}" if token else ""))
            names += [p["metadata"]["name"] for p in page["items"]]
            pages += 1
            token = page["metadata"].get("continue", "")
            if not token:
                break
            assert page["metadata"]["remainingItemCount"] == 1050 - len(names)
        assert (len(names), len(set(names)), pages) == (1050, 1050, 11)
        assert fetch(server, "/api/v1/pods?limit=10&continue=garbage")[0] == 400


def test_selectors_find_helm_release_secrets(mid: ApiServer) -> None:
    query = "labelSelector=owner%3Dhelm%2Cstatus%3Ddeployed&fieldSelector=type%3Dhelm.sh%2Frelease.v1"
    _, _, secrets = fetch(mid, f"/api/v1/secrets?{query}")
    assert [s["metadata"]["name"] for s in secrets["items"]] == ["sh.helm.release.v1.karpenter.v3"]
    _, _, everything = fetch(mid, "/api/v1/secrets?labelSelector=owner%3Dhelm")
    assert len(everything["items"]) == 2
    assert fetch(mid, "/api/v1/secrets?fieldSelector=spec.bogus%3D1")[0] == 400


@pytest.mark.parametrize(
    ("selector", "matches"),
    [
        ("app=web", True),
        ("app==web", True),
        ("app!=web", False),
        ("app", True),
        ("!app", False),
        ("app in (web,api)", True),
        ("app notin (web)", False),
        ("app=web,tier=front", False),
    ],
)
def test_label_selector_terms(selector: str, matches: bool) -> None:
    from k8s_store import BUILTIN, Stored

    stored = Stored("ns", "n", b"{}", {"app": "web"})
    assert all(test(stored, BUILTIN[0]) for test in parse_labels(selector)) is matches


# ---------------------------------------------------------------------- auth, methods, recording
def test_missing_or_wrong_token_is_401(mid: ApiServer) -> None:
    for token in (None, "wrong"):
        status, _, body = fetch(mid, "/api/v1/pods", token=token)
        assert (status, body["kind"], body["reason"]) == (401, "Status", "Unauthorized")


def test_writes_are_refused_and_recorded(mid: ApiServer) -> None:
    status, _, body = fetch(mid, "/api/v1/namespaces/default/pods/report-28f7x", method="DELETE")
    assert (status, body["reason"]) == (405, "MethodNotAllowed")
    assert "DELETE" in mid.methods()
    last = mid.requests[-1]
    assert (last.method, last.path, last.headers["authorization"]) == (
        "DELETE",
        "/api/v1/namespaces/default/pods/report-28f7x",
        f"Bearer {TOKEN}",
    )
    mid.clear()


# ---------------------------------------------------------------------- faults
def test_error_fault_n_times_then_ok() -> None:
    with served(clean_cluster()) as server:
        server.fault("/api/v1/nodes", 500, times=2)
        assert [fetch(server, "/api/v1/nodes")[0] for _ in range(3)] == [500, 500, 200]
        assert fetch(server, "/api/v1/nodes", token=None)[0] == 401  # auth before the fault's status


def test_forbidden_fault_names_the_user_and_resource() -> None:
    with served(clean_cluster()) as server:
        server.fault("/api/v1/secrets", 403)
        status, _, body = fetch(server, "/api/v1/secrets")
        assert (status, body["reason"]) == (403, "Forbidden")
        assert body["message"].startswith('secrets is forbidden: User "admin"')
        assert fetch(server, "/api/v1/pods")[0] == 200


def test_gone_only_on_continued_lists() -> None:
    with served(large_cluster(nodepools=1, nodeclaims=1, pods=30, nodes=1)) as server:
        server.fault("/api/v1/pods", 410, times=1, on_continue=True)
        _, _, first = fetch(server, "/api/v1/pods?limit=10")
        token = first["metadata"]["continue"]
        status, _, gone = fetch(server, f"/api/v1/pods?limit=10&continue={token}")
        assert (status, gone["reason"], gone["code"]) == (410, "Expired", 410)
        assert fetch(server, f"/api/v1/pods?limit=10&continue={token}")[0] == 200


def test_delay_and_retry_after() -> None:
    with served(clean_cluster()) as server:
        server.fault("/api/v1/nodes", 429, times=1, delay=0.2, retry_after=3)
        started = time.monotonic()
        status, headers, _ = fetch(server, "/api/v1/nodes")
        assert time.monotonic() - started >= 0.2
        assert (status, headers["Retry-After"]) == (429, "3")


def test_stopped_server_refuses_connections() -> None:
    server = ApiServer(clean_cluster()).start()
    assert fetch(server, "/version")[0] == 200
    server.stop()
    with pytest.raises(urllib.error.URLError):
        fetch(server, "/version")
    with pytest.raises(ConnectionRefusedError):
        socket.create_connection(("127.0.0.1", server.port), timeout=1)


def test_large_bodies_are_gzipped_when_accepted() -> None:
    with served(large_cluster(nodepools=1, nodeclaims=1, pods=200, nodes=1)) as server:
        status, headers, pods = fetch(server, "/api/v1/pods", gzip_ok=True)
        assert (status, headers.get("Content-Encoding"), len(pods["items"])) == (200, "gzip", 200)
        assert "Content-Encoding" not in fetch(server, "/api/v1/pods")[1]


def test_https_with_self_signed_ca() -> None:
    with served(clean_cluster(), tls=True) as server:
        assert server.url.startswith("https://127.0.0.1:")
        assert fetch(server, "/version")[0] == 200
        assert base64.b64decode(server.ca_data or "").startswith(b"-----BEGIN CERTIFICATE-----")


# ---------------------------------------------------------------------- scenarios
def test_mid_migration_plants_every_problem(mid: ApiServer) -> None:
    cluster = mid.cluster
    crds = {c["metadata"]["name"]: c for c in cluster.crds()}
    nodepools = crds["nodepools.karpenter.sh"]
    assert nodepools["status"]["storedVersions"] == ["v1beta1", "v1"]
    assert nodepools["spec"]["conversion"]["strategy"] == "Webhook"
    assert [(v["name"], v["served"], v["storage"]) for v in nodepools["spec"]["versions"]] == [
        ("v1", True, True),
        ("v1beta1", True, False),
    ]
    [controller] = [d for d in cluster.objects("deployments") if d["metadata"]["name"] == "karpenter"]
    image = controller["spec"]["template"]["spec"]["containers"][0]["image"]
    assert image.startswith("public.ecr.aws/karpenter/controller:1.0.6@sha256:")
    kubelets = {
        p["metadata"]["name"]: p["metadata"]["annotations"].get(KUBELET_ANNOTATION)
        for p in cluster.objects("nodepools", "v1")
    }
    assert kubelets["default"] != kubelets["batch"] and kubelets["gpu"] is None
    [ubuntu] = [c for c in cluster.objects("ec2nodeclasses", "v1") if c["metadata"]["name"] == "ubuntu"]
    assert UBUNTU_ANNOTATION in ubuntu["metadata"]["annotations"]
    drifted = {
        c["metadata"]["name"]
        for c in cluster.objects("nodeclaims", "v1")
        if any(x["type"] == "Drifted" and x["status"] == "True" for x in c["status"]["conditions"])
    }
    assert drifted == {"default-x8k2p", "batch-m2n9v"}
    annotated = {
        p["metadata"]["name"]: set(p["metadata"].get("annotations", {})) for p in cluster.objects("pods")
    }
    assert annotated["web-6f7d8c9b5-2xk9q"] == {"karpenter.sh/do-not-evict"}
    assert annotated["report-28f7x"] == {"karpenter.sh/do-not-consolidate"}


def test_helm_secret_holds_gzipped_release_json(mid: ApiServer) -> None:
    [deployed] = [
        s for s in mid.cluster.objects("secrets") if s["metadata"]["labels"]["status"] == "deployed"
    ]
    assert deployed["type"] == "helm.sh/release.v1"
    helm_text = base64.b64decode(deployed["data"]["release"])
    release = json.loads(gzip.decompress(base64.b64decode(helm_text)))
    assert release["config"]["settings"]["featureGates"] == {"drift": False}
    assert release["chart"]["metadata"]["version"] == "1.0.6"


def test_clean_and_other_scenarios() -> None:
    clean = clean_cluster()
    assert {c["status"]["storedVersions"][0] for c in clean.crds()} == {"v1"}
    assert all(
        KUBELET_ANNOTATION not in p["metadata"].get("annotations", {}) for p in clean.objects("nodepools")
    )
    assert no_karpenter().crds() == []
    assert v1beta1_only().group_versions()["karpenter.sh"] == ["v1beta1"]


def test_large_cluster_is_quick_to_build_and_realistic() -> None:
    started = time.perf_counter()
    cluster = large_cluster()
    assert time.perf_counter() - started < 2.0  # ~0.2 s; generous for slow CI machines
    pods = cluster.stored(PODS)
    assert len(pods) == 20000
    assert 2000 < sum(len(p.body) for p in pods) / len(pods) < 3500
    sample = pods[12345].decode(PODS)
    assert sample["spec"]["nodeName"] and sample["status"]["phase"] == "Running"
    assert len(cluster.stored(NODES)) == 2000
    assert len(cluster.objects("nodeclaims")) == 2000 and len(cluster.objects("nodepools")) == 50


# ---------------------------------------------------------------------- real clients
@pytest.mark.skipif(shutil.which("kubectl") is None, reason="kubectl is not installed")
def test_kubectl_gets_everything(tmp_path: Path) -> None:
    """kubectl's discovery falls back to the legacy endpoints and lists in chunks of 500.

    Over TLS: kubectl does not send a bearer token to a plain-http server."""
    cluster = large_cluster(nodepools=4, nodeclaims=30, pods=1200, nodes=20)
    with served(cluster, tls=True) as server:
        kubeconfig = server.kubeconfig(tmp_path / "kubeconfig")
        command = ["kubectl", "--kubeconfig", str(kubeconfig), "--cache-dir", str(tmp_path / "cache")]
        result = subprocess.run(
            [*command, "get", "pods,nodes,nodeclaims,nodepools", "-A", "-o", "json"],
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert result.returncode == 0, result.stderr
        kinds = [item["kind"] for item in json.loads(result.stdout)["items"]]
        assert [kinds.count(k) for k in ("Pod", "Node", "NodeClaim", "NodePool")] == [1200, 20, 30, 4]
        assert server.methods() == {"GET"}
        assert len(server.paths("/api/v1/pods")) == 3  # limit=500: three chunks


def test_standalone_server_for_benchmarks(tmp_path: Path) -> None:
    script = Path(__file__).with_name("k8s_server.py")
    kubeconfig = tmp_path / "kubeconfig"
    process = subprocess.Popen(
        [sys.executable, str(script), "clean", "--kubeconfig", str(kubeconfig)],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        url = process.stdout.readline().strip()
        assert url.startswith("http://127.0.0.1:")
        assert url in kubeconfig.read_text()
    finally:
        process.terminate()
        process.wait(timeout=5)
