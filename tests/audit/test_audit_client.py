"""karpmigrate.audit.client through the real ``kubernetes`` package, real kubeconfig files and the test
API server: kubectl's context rules, pagination, retries, 410 restarts, error mapping, no leaked secrets."""

from __future__ import annotations

import base64
import gzip
import json
import logging
import os
import socket
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from audit_support import FAST, assert_no_secret, live_view, served
from k8s_scenarios import helm_release_secret
from k8s_server import (
    TOKEN,
    ApiServer,
    Cluster,
    clean_cluster,
    exec_user,
    large_cluster,
    mid_migration,
    no_karpenter,
    tls_material,
    write_kubeconfig,
)

from karpmigrate.audit import client
from karpmigrate.audit._base import SourceError
from karpmigrate.audit.client import (
    ClusterUnreachable,
    LiveCluster,
    Retry,
    connect,
    decode_helm_release,
    resolve_contexts,
    resource_name,
)
from karpmigrate.errors import KarpmigrateError, UsageError

OTHER_TOKEN = "kmtest-other-9d8c7b6a5f4e3d2c1b0a"


@pytest.fixture(autouse=True)
def isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """No KUBECONFIG, an empty HOME, not in a cluster: only what a test writes counts."""
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    for name in ("KUBECONFIG", "KUBERNETES_SERVICE_HOST", "KUBERNETES_SERVICE_PORT"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr(client, "SERVICE_ACCOUNT_DIR", str(tmp_path / "no-service-account"))
    return home


@pytest.fixture(scope="module")
def mid() -> Iterator[ApiServer]:
    with served(mid_migration()) as server:
        yield server


@pytest.fixture
def clean() -> Iterator[ApiServer]:
    with served(clean_cluster()) as server:
        yield server


def names(items: Any) -> list[str]:
    return [i["metadata"]["name"] for i in items]


# ---------------------------------------------------------------------- contexts
def test_current_context_by_default(tmp_path: Path) -> None:
    kubeconfig = write_kubeconfig(
        tmp_path / "k", {"a": ("https://a.example:6443", "t1"), "b": ("https://b.example", "t2")}, current="b"
    )
    [target] = resolve_contexts(str(kubeconfig), [], False)
    assert (target.name, target.server, target.files) == ("b", "https://b.example", (str(kubeconfig),))


def test_repeated_context_keeps_order_and_all_contexts_takes_every_one(tmp_path: Path) -> None:
    contexts = {n: (f"https://{n}.example", "t") for n in ("a", "b", "c")}
    kubeconfig = str(write_kubeconfig(tmp_path / "k", contexts))
    assert [t.name for t in resolve_contexts(kubeconfig, ["c", "a", "c"], False)] == ["c", "a"]
    assert [t.name for t in resolve_contexts(kubeconfig, [], True)] == ["a", "b", "c"]


def test_unknown_context_is_a_usage_error_listing_the_names(tmp_path: Path) -> None:
    kubeconfig = str(
        write_kubeconfig(tmp_path / "k", {"prod": ("https://p", "t"), "dev": ("https://d", "t")})
    )
    with pytest.raises(UsageError) as error:
        resolve_contexts(kubeconfig, ["staging"], False)
    assert str(error.value) == "context 'staging' not found in the kubeconfig (available: prod, dev)"
    assert error.value.exit_code == 2


@pytest.mark.parametrize(
    ("contexts", "all_contexts", "current", "message"),
    [
        (["a"], True, None, "--context and --all-contexts cannot be combined"),
        ([], False, "", "no current context in the kubeconfig; pass --context (available: a)"),
    ],
)
def test_context_usage_errors(
    tmp_path: Path, contexts: list[str], all_contexts: bool, current: str | None, message: str
) -> None:
    kubeconfig = str(write_kubeconfig(tmp_path / "k", {"a": ("https://a", "t")}, current=current))
    with pytest.raises(UsageError, match=message.replace("(", r"\(").replace(")", r"\)")):
        resolve_contexts(kubeconfig, contexts, all_contexts)


def test_kubeconfig_env_merges_files_first_wins(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    first = write_kubeconfig(
        tmp_path / "one", {"shared": ("https://first", "t"), "one": ("https://one", "t")}, current=""
    )
    second = write_kubeconfig(
        tmp_path / "two", {"shared": ("https://second", "t"), "two": ("https://two", "t")}, current="two"
    )
    missing = tmp_path / "missing"
    monkeypatch.setenv("KUBECONFIG", os.pathsep.join([str(first), str(missing), str(second)]))
    targets = {t.name: t for t in resolve_contexts(None, [], True)}
    assert list(targets) == ["shared", "one", "two"]
    assert targets["shared"].server == "https://first"  # the first file to define a name wins
    assert targets["two"].files == (str(first), str(second))
    [current] = resolve_contexts(None, [], False)
    assert current.name == "two"  # the first file that sets current-context


def test_first_file_current_context_wins(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    first = write_kubeconfig(tmp_path / "one", {"one": ("https://one", "t")}, current="one")
    second = write_kubeconfig(tmp_path / "two", {"two": ("https://two", "t")}, current="two")
    monkeypatch.setenv("KUBECONFIG", os.pathsep.join([str(first), str(second)]))
    assert [t.name for t in resolve_contexts(None, [], False)] == ["one"]


def test_explicit_kubeconfig_overrides_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    env_file = write_kubeconfig(tmp_path / "env", {"env": ("https://env", "t")})
    flag_file = write_kubeconfig(tmp_path / "flag", {"flag": ("https://flag", "t")})
    monkeypatch.setenv("KUBECONFIG", str(env_file))
    assert [t.name for t in resolve_contexts(str(flag_file), [], True)] == ["flag"]
    with pytest.raises(UsageError, match="no such file"):
        resolve_contexts(str(tmp_path / "absent"), [], False)


def test_home_kube_config_is_the_default(isolated: Path) -> None:
    (isolated / ".kube").mkdir()
    write_kubeconfig(isolated / ".kube" / "config", {"home": ("https://user:secret@home:6443/", "t")})
    [target] = resolve_contexts(None, [], False)
    assert (target.name, target.server) == ("home", "https://home:6443/")  # no userinfo in the URL


def test_no_kubeconfig_and_not_in_a_cluster() -> None:
    with pytest.raises(UsageError, match="no kubeconfig with contexts found"):
        resolve_contexts(None, [], False)


def test_broken_kubeconfig_names_file_and_line_but_no_content(tmp_path: Path) -> None:
    kubeconfig = tmp_path / "k"
    kubeconfig.write_text(f"users:\n- name: u\n  user:\n    token: {TOKEN}\n  : [\n")
    with pytest.raises(UsageError) as error:
        resolve_contexts(str(kubeconfig), [], False)
    assert str(error.value).startswith(f"{kubeconfig}: not a valid kubeconfig (YAML error at line")
    assert_no_secret([str(error.value)])


def test_empty_files_in_kubeconfig_env_are_skipped(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    empty = tmp_path / "empty"
    empty.write_text("")
    real = write_kubeconfig(tmp_path / "real", {"real": ("https://real", "t")})
    monkeypatch.setenv("KUBECONFIG", os.pathsep.join([str(empty), str(real)]))
    assert [t.name for t in resolve_contexts(None, [], False)] == ["real"]


def test_in_cluster_fallback(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    account = tmp_path / "serviceaccount"
    account.mkdir()
    (account / "token").write_text(TOKEN)
    (account / "ca.crt").write_bytes(Path(tls_material()[0]).read_bytes())
    monkeypatch.setattr(client, "SERVICE_ACCOUNT_DIR", str(account))
    with served(clean_cluster(), tls=True) as server:
        monkeypatch.setenv("KUBERNETES_SERVICE_HOST", "127.0.0.1")
        monkeypatch.setenv("KUBERNETES_SERVICE_PORT", str(server.port))
        [target] = resolve_contexts(None, [], False)
        assert (target.name, target.server, target.in_cluster) == ("in-cluster", server.url, True)
        with connect(target, 5, retry=FAST) as view:
            assert names(view.karpenter("NodePool", "v1")) == ["batch", "default"]
        assert server.requests[-1].headers["authorization"].lower() == f"bearer {TOKEN}"
        with pytest.raises(UsageError, match=r"context 'prod' not found .*available: in-cluster"):
            resolve_contexts(None, ["prod"], False)
        # An explicit kubeconfig never falls back to the service account.
        with pytest.raises(UsageError):
            resolve_contexts(str(tmp_path / "absent"), [], False)


# ---------------------------------------------------------------------- connecting and credentials
def test_one_client_per_context(tmp_path: Path) -> None:
    first, second = mid_migration(), clean_cluster()
    second.tokens = {OTHER_TOKEN: "other"}
    with served(first) as a, served(second) as b:
        kubeconfig = write_kubeconfig(tmp_path / "k", {"a": (a.url, TOKEN), "b": (b.url, OTHER_TOKEN)})
        views = [connect(t, 5, retry=FAST) for t in resolve_contexts(str(kubeconfig), [], True)]
        assert [v.context for v in views] == ["a", "b"]
        assert [len(v.karpenter("NodePool", "v1")) for v in views] == [3, 2]
        assert {r.headers["authorization"] for r in a.requests} == {f"Bearer {TOKEN}"}
        assert {r.headers["authorization"] for r in b.requests} == {f"Bearer {OTHER_TOKEN}"}
        assert views[1].server == b.url and "token" not in repr(views[1]).lower()


def test_exec_credential_plugin(tmp_path: Path) -> None:
    with served(clean_cluster()) as server:
        user = exec_user(tmp_path, TOKEN)
        kubeconfig = write_kubeconfig(tmp_path / "k", {"eks": (server.url, user)})
        [target] = resolve_contexts(str(kubeconfig), [], False)
        with connect(target, 5, retry=FAST) as view:
            assert view.version()["gitVersion"].startswith("v1.30")
        assert server.requests[-1].headers["authorization"] == f"Bearer {TOKEN}"


def test_failing_exec_plugin_is_one_clear_line_without_its_output(
    tmp_path: Path, capfd: pytest.CaptureFixture[str], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    with served(clean_cluster()) as server:
        kubeconfig = write_kubeconfig(
            tmp_path / "k", {"eks": (server.url, exec_user(tmp_path, TOKEN, fail=True))}
        )
        [target] = resolve_contexts(str(kubeconfig), [], False)
        with pytest.raises(ClusterUnreachable) as error:
            connect(target, 5, retry=FAST)
    assert error.value.reason.startswith("exec credential plugin 'python")
    assert error.value.reason.endswith("failed (exit status 1)")
    captured = capfd.readouterr()
    assert_no_secret([str(error.value), captured.out, captured.err, caplog.text, repr(target)])
    assert server.requests == []


def test_https_with_certificate_authority_data(tmp_path: Path) -> None:
    with served(clean_cluster(), tls=True) as server:
        view = live_view(server, tmp_path)
        assert names(view.karpenter("EC2NodeClass", "v1")) == ["batch", "default"]


def test_https_with_a_relative_certificate_authority_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "ca.crt").write_bytes(Path(tls_material()[0]).read_bytes())
    with served(clean_cluster(), tls=True) as server:
        config = {
            "apiVersion": "v1",
            "kind": "Config",
            "clusters": [{"name": "c", "cluster": {"server": server.url, "certificate-authority": "ca.crt"}}],
            "users": [{"name": "u", "user": {"token": TOKEN}}],
            "contexts": [{"name": "x", "context": {"cluster": "c", "user": "u"}}],
            "current-context": "x",
        }
        (tmp_path / "k").write_text(json.dumps(config))
        monkeypatch.chdir(tmp_path / "home")  # relative to the kubeconfig, not the working directory
        [target] = resolve_contexts(str(tmp_path / "k"), [], False)
        assert len(connect(target, 5, retry=FAST).deployments()) == 3


def test_untrusted_certificate_is_unreachable(tmp_path: Path) -> None:
    with served(clean_cluster(), tls=True) as server:
        kubeconfig = write_kubeconfig(tmp_path / "k", {"x": (server.url, TOKEN)})  # no CA data
        [target] = resolve_contexts(str(kubeconfig), [], False)
        with pytest.raises(ClusterUnreachable) as error:
            connect(target, 5, retry=FAST)
    assert error.value.reason.startswith(f"TLS handshake with {server.url} failed: certificate verify failed")
    assert error.value.exit_code == 3 and isinstance(error.value, KarpmigrateError)


def test_rejected_token_is_unreachable_without_the_token(tmp_path: Path, clean: ApiServer) -> None:
    kubeconfig = write_kubeconfig(tmp_path / "k", {"x": (clean.url, OTHER_TOKEN)})
    [target] = resolve_contexts(str(kubeconfig), [], False)
    with pytest.raises(ClusterUnreachable) as error:
        connect(target, 5, retry=FAST)
    assert str(error.value) == f"context 'x': {clean.url} rejected the credentials (HTTP 401 Unauthorized)"
    assert len(clean.requests) == 1  # a 401 is not retried
    assert_no_secret([str(error.value)], [OTHER_TOKEN])


def test_token_expiring_mid_run_is_unreachable(tmp_path: Path, clean: ApiServer) -> None:
    view = live_view(clean, tmp_path)
    clean.cluster.tokens.clear()
    with pytest.raises(ClusterUnreachable, match="rejected the credentials"):
        view.deployments()


def test_server_down_is_unreachable_quickly(tmp_path: Path) -> None:
    server = ApiServer(clean_cluster()).start()
    kubeconfig = server.kubeconfig(tmp_path / "k")
    server.stop()
    [target] = resolve_contexts(str(kubeconfig), [], False)
    started = time.monotonic()
    with pytest.raises(ClusterUnreachable) as error:
        connect(target, 1.0)  # production backoff: connection errors are not retried anyway
    assert time.monotonic() - started < 1.0
    assert error.value.reason == f"cannot connect to {server.url}: connection refused"


def test_silent_server_respects_the_request_timeout(tmp_path: Path) -> None:
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()  # accepts connections (backlog) but never answers
    url = f"http://127.0.0.1:{listener.getsockname()[1]}"
    kubeconfig = write_kubeconfig(tmp_path / "k", {"x": (url, TOKEN)})
    [target] = resolve_contexts(str(kubeconfig), [], False)
    started = time.monotonic()
    with pytest.raises(ClusterUnreachable) as error:
        connect(target, 0.2, retry=FAST)
    elapsed = time.monotonic() - started
    listener.close()
    assert 0.6 <= elapsed < 2.0  # three attempts of 0.2 s
    assert error.value.reason == f"{url} did not answer: no answer within 0.2s (after 3 attempts)"


# ---------------------------------------------------------------------- the ClusterView
def test_view_reads_every_source_with_get_only(tmp_path: Path) -> None:
    cluster = mid_migration()
    foreign = dict(cluster.crds()[0], metadata={"name": "widgets.example.com"})
    foreign["spec"] = dict(
        foreign["spec"],
        group="example.com",
        names=dict(foreign["spec"]["names"], plural="widgets", kind="Widget"),
    )
    cluster.add(foreign)
    with served(cluster) as server:
        view = live_view(server, tmp_path)
        assert view.version()["minor"] == "30"
        assert sorted(names(view.crds())) == [
            "ec2nodeclasses.karpenter.k8s.aws",
            "nodeclaims.karpenter.sh",
            "nodepools.karpenter.sh",
        ]
        assert names(view.karpenter("NodePool", "v1")) == ["batch", "default", "gpu"]
        assert names(view.karpenter("NodePool", "v1beta1")) == ["batch", "default", "gpu"]
        assert len(view.karpenter("NodeClaim", "v1")) == 3
        assert names(view.karpenter("EC2NodeClass", "v1beta1")) == ["default", "ubuntu"]
        assert "karpenter" in names(view.deployments())
        assert len(list(view.pods())) == 5 and len(list(view.nodes())) == 3
        [release] = view.helm_releases()
        assert (release["name"], release["version"], release["info"]["status"]) == (
            "karpenter",
            3,
            "deployed",
        )
        assert release["config"]["settings"]["featureGates"] == {"drift": False}
        assert server.methods() == {"GET"}
        helm = next(r for r in server.requests if r.path == "/api/v1/secrets")
        assert helm.query["labelSelector"] == "owner=helm,status=deployed"
        assert helm.query["fieldSelector"] == "type=helm.sh/release.v1"
        with pytest.raises(ValueError, match="not a Karpenter kind"):
            view.karpenter("Provisioner", "v1alpha5")


def test_the_client_has_no_way_to_write() -> None:
    public = {name for name in dir(LiveCluster) if not name.startswith("_")}
    assert public == {
        "close",
        "crds",
        "deployments",
        "get",
        "helm_releases",
        "karpenter",
        "list",
        "nodes",
        "pods",
        "probe",
        "version",
    }


def test_small_sources_are_read_once_pods_are_streamed_each_time(tmp_path: Path, mid: ApiServer) -> None:
    view = live_view(mid, tmp_path)
    mid.clear()
    view.deployments(), view.deployments(), view.version()
    assert mid.paths() == ["/apis/apps/v1/deployments"]  # /version was read by connect()
    pods = view.pods()
    assert len(list(pods)) == len(list(pods)) == 5
    assert mid.paths("/api/v1/pods") == ["/api/v1/pods", "/api/v1/pods"]


def test_generic_get_and_namespaced_list(tmp_path: Path, mid: ApiServer) -> None:
    view = live_view(mid, tmp_path)
    nodepool = view.get("/apis/karpenter.sh/v1/nodepools/gpu")
    assert (nodepool["kind"], nodepool["metadata"]["name"]) == ("NodePool", "gpu")
    assert names(view.list("/api/v1/namespaces/kube-system/pods")) == [
        "coredns-5d9f7c8b6-hx2lq",
        "karpenter-7d9f8b6c5d-abcde",
    ]
    with pytest.raises(SourceError) as error:
        view.get("/apis/karpenter.sh/v1/nodepools/absent")
    assert (error.value.resource, error.value.reason) == ("nodepools.v1.karpenter.sh", "not-found")


# ---------------------------------------------------------------------- pagination
def test_pages_through_many_pages_exactly(tmp_path: Path) -> None:
    with served(large_cluster(nodepools=3, nodeclaims=250, pods=1234, nodes=7)) as server:
        view = live_view(server, tmp_path)
        pods = [
            (p["metadata"]["namespace"], p["metadata"]["name"]) for p in view.list("/api/v1/pods", limit=100)
        ]
        assert len(pods) == len(set(pods)) == 1234
        assert len(server.paths("/api/v1/pods")) == 13
        assert len(view.karpenter("NodeClaim", "v1")) == 250
        assert [r.query.get("limit") for r in server.requests if "nodeclaims" in r.path] == ["500"]


def test_expired_continue_restarts_the_list_without_duplicates(tmp_path: Path) -> None:
    with served(large_cluster(nodepools=1, nodeclaims=1, pods=350, nodes=1)) as server:
        view = live_view(server, tmp_path)
        server.fault("/api/v1/pods", 410, times=1, on_continue=True)
        pods = [p["metadata"]["uid"] for p in view.list("/api/v1/pods", limit=100)]
        assert len(pods) == len(set(pods)) == 350
        continues = [bool(r.query.get("continue")) for r in server.requests if r.path == "/api/v1/pods"]
        assert continues == [False, True, False, True, True, True]  # page 2 expired: started over


def test_list_expiring_again_fails(tmp_path: Path) -> None:
    with served(large_cluster(nodepools=1, nodeclaims=1, pods=150, nodes=1)) as server:
        view = live_view(server, tmp_path)
        server.fault("/api/v1/pods", 410, on_continue=True)
        yielded: list[dict[str, Any]] = []
        with pytest.raises(SourceError) as error:
            yielded.extend(view.list("/api/v1/pods", limit=100))
        assert len(yielded) == 100  # the first page, once
        assert (error.value.resource, error.value.reason) == ("pods", "failed")
        assert error.value.detail == "the list expired twice (410 Gone)"


def test_full_scale_cluster_lists_exact_counts(tmp_path: Path) -> None:
    with served(large_cluster()) as server:
        view = live_view(server, tmp_path, request_timeout=30)
        assert sum(1 for _ in view.pods()) == 20000
        assert sum(1 for _ in view.nodes()) == 2000
        assert len(view.karpenter("NodeClaim", "v1")) == 2000
        assert len(view.karpenter("NodePool", "v1")) == 50
        assert len(server.paths("/api/v1/pods")) == 40


# ---------------------------------------------------------------------- retries and errors
def test_server_errors_are_retried_then_succeed(tmp_path: Path, clean: ApiServer) -> None:
    view = live_view(clean, tmp_path)
    clean.fault("/apis/apps/v1/deployments", 500, times=2)
    assert len(view.deployments()) == 3
    assert len(clean.paths("/apis/apps/v1/deployments")) == 3


def test_persistent_server_errors_fail_that_source_only(tmp_path: Path, clean: ApiServer) -> None:
    view = live_view(clean, tmp_path)
    clean.fault("/api/v1/nodes", 500)
    with pytest.raises(SourceError) as error:
        list(view.nodes())
    assert (error.value.resource, error.value.reason) == ("nodes", "failed")
    assert error.value.detail == (
        "HTTP 500 InternalError: Internal error occurred: etcdserver: request timed out (after 3 attempts)"
    )
    assert len(clean.paths("/api/v1/nodes")) == 3
    assert len(view.deployments()) == 3  # the rest of the cluster still reads


def test_too_many_requests_honours_retry_after(tmp_path: Path, clean: ApiServer) -> None:
    view = live_view(clean, tmp_path)
    clean.fault("/apis/apps/v1/deployments", 429, times=1, retry_after=0)
    assert len(view.deployments()) == 3
    assert Retry(base=0.2, cap=5).delay(0, "2") == 2.0
    assert Retry(base=0.2, cap=5).delay(0, "120") == 5.0
    assert [Retry(base=0.2).delay(n) for n in range(3)] == [0.2, 0.4, 0.8]


def test_forbidden_source_is_a_source_error_read_once(tmp_path: Path, clean: ApiServer) -> None:
    view = live_view(clean, tmp_path)
    clean.fault("/api/v1/secrets", 403)
    for _ in range(2):
        with pytest.raises(SourceError) as error:
            view.helm_releases()
        assert (error.value.resource, error.value.reason) == ("secrets", "forbidden")
    assert error.value.detail.startswith('HTTP 403 Forbidden: secrets is forbidden: User "admin"')
    assert len(clean.paths("/api/v1/secrets")) == 1


@pytest.mark.parametrize(
    ("scenario", "kind", "version", "expected"),
    [
        (no_karpenter, "NodePool", "v1", "not-found"),
        (clean_cluster, "NodePool", "v1beta1", "not-found"),
        (mid_migration, "NodePool", "v1beta1", None),
        (clean_cluster, "EC2NodeClass", "v1", None),
    ],
)
def test_unserved_versions_are_not_found(
    tmp_path: Path, scenario: Any, kind: str, version: str, expected: str | None
) -> None:
    with served(scenario()) as server:
        view = live_view(server, tmp_path)
        if expected is None:
            assert view.karpenter(kind, version)
            return
        with pytest.raises(SourceError) as error:
            view.karpenter(kind, version)
        assert error.value.reason == expected
        assert error.value.resource == f"{kind.lower()}s.{version}.karpenter.sh"


def test_no_karpenter_has_no_crds(tmp_path: Path) -> None:
    with served(no_karpenter()) as server:
        assert live_view(server, tmp_path).crds() == []


def test_slow_source_is_retried_then_reported(tmp_path: Path, clean: ApiServer) -> None:
    view = live_view(clean, tmp_path, request_timeout=0.1)
    clean.fault("/api/v1/pods", delay=0.4)
    started = time.monotonic()
    with pytest.raises(SourceError) as error:
        list(view.pods())
    assert 0.3 <= time.monotonic() - started < 1.5
    assert (error.value.reason, error.value.detail) == ("failed", "no answer within 0.1s (after 3 attempts)")
    assert len(view.karpenter("NodePool", "v1")) == 2  # other sources still answer


def test_slow_once_is_retried(tmp_path: Path, clean: ApiServer) -> None:
    view = live_view(clean, tmp_path, request_timeout=0.1)
    clean.fault("/api/v1/nodes", delay=0.3, times=1)
    assert len(list(view.nodes())) == 2


def test_version_errors_do_not_stop_the_audit(tmp_path: Path, clean: ApiServer) -> None:
    clean.fault("/version", 403)
    view = live_view(clean, tmp_path)
    with pytest.raises(SourceError, match="forbidden"):
        view.version()
    assert len(view.deployments()) == 3


# ---------------------------------------------------------------------- no credentials anywhere
def test_echoed_credentials_are_scrubbed(
    tmp_path: Path, clean: ApiServer, capfd: pytest.CaptureFixture[str], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)  # even urllib3's and kubernetes' debug logging
    view = live_view(clean, tmp_path)
    clean.fault("/api/v1/secrets", 403, message=f"proxy says: Authorization: Bearer {TOKEN}")
    clean.fault("/api/v1/nodes", 500, message=f"upstream token {TOKEN}")
    errors: list[BaseException] = []
    for read in (view.helm_releases, lambda: list(view.nodes())):
        with pytest.raises(SourceError) as error:
            read()
        errors.append(error.value)
    assert errors[0].detail == "HTTP 403 Forbidden: proxy says: Authorization: ***"  # type: ignore[attr-defined]
    captured = capfd.readouterr()
    texts = [str(e) for e in errors] + [repr(e) for e in errors] + [captured.out, captured.err, caplog.text]
    assert_no_secret(
        texts + [repr(view), repr(resolve_contexts(str(tmp_path / f"kubeconfig-{clean.port}"), [], False))]
    )


# ---------------------------------------------------------------------- helpers
@pytest.mark.parametrize(
    ("path", "name"),
    [
        ("/api/v1/pods", "pods"),
        ("/api/v1/namespaces/kube-system/secrets?limit=5", "secrets"),
        ("/apis/karpenter.sh/v1/nodepools", "nodepools.v1.karpenter.sh"),
        ("/apis/apps/v1/namespaces/default/deployments/web", "deployments.v1.apps"),
        ("/version", "version"),
    ],
)
def test_resource_names_as_kubectl_spells_them(path: str, name: str) -> None:
    assert resource_name(path) == name


def test_helm_release_decoding() -> None:
    secret = helm_release_secret("karpenter", "kube-system", 1, "deployed", "1.0.6", {"a": 1})
    release = decode_helm_release(secret)
    assert release is not None and release["config"] == {"a": 1}
    # Helm's own decoder also accepts base64(JSON) without gzip.
    plain = base64.b64encode(base64.b64encode(json.dumps({"name": "old"}).encode())).decode()
    assert decode_helm_release({"data": {"release": plain}}) == {"name": "old"}
    garbage = base64.b64encode(base64.b64encode(gzip.compress(b"not json"))).decode()
    for data in ({"release": garbage}, {"release": "%%%"}, {}, {"release": 5}):
        assert decode_helm_release({"data": data}) is None


def test_unknown_secret_content_is_skipped(tmp_path: Path) -> None:
    cluster: Cluster = clean_cluster()
    broken = helm_release_secret("broken", "default", 1, "deployed", "1.0.0", {})
    broken["data"]["release"] = base64.b64encode(b"!!").decode()
    cluster.add(broken)
    with served(cluster) as server:
        assert [r["name"] for r in live_view(server, tmp_path).helm_releases()] == ["karpenter"]


def test_missing_exec_plugin_and_broken_entries_are_one_line(tmp_path: Path) -> None:
    user = {"exec": {"apiVersion": "client.authentication.k8s.io/v1beta1", "command": "km-no-such-plugin"}}
    kubeconfig = write_kubeconfig(tmp_path / "k", {"eks": ("https://127.0.0.1:1", user)})
    [target] = resolve_contexts(str(kubeconfig), [], False)
    with pytest.raises(
        ClusterUnreachable, match="^context 'eks': exec credential plugin 'km-no-such-plugin' not found$"
    ):
        connect(target, 1)
    config = json.loads(kubeconfig.read_text())
    config["contexts"][0]["context"]["cluster"] = "gone"
    kubeconfig.write_text(json.dumps(config))
    [target] = resolve_contexts(str(kubeconfig), [], False)
    assert target.server == ""
    with pytest.raises(ClusterUnreachable) as error:
        connect(target, 1)
    assert error.value.reason.startswith(
        "cannot load its kubeconfig entry or credentials: Invalid kube-config file."
    )
