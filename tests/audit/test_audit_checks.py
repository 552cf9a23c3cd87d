"""The audit checks against an in-memory cluster view: each problem found once, a clean cluster left alone."""

from __future__ import annotations

import importlib
import pkgutil
import weakref
from collections import Counter
from collections.abc import Iterator

import pytest
from fake_view import (
    FakeView,
    clean_v11,
    crds_v037,
    crds_v037_0,
    crds_v10,
    deployment,
    forbidden,
    node,
    nodeclaim,
    nodeclass,
    nodepool,
    pod,
    release,
)

from karpmigrate.audit import checks as checks_package
from karpmigrate.audit._base import Check, Issue, SourceError, Stage
from karpmigrate.audit.checks import (
    compat_annotations,
    controller_version,
    crd_versions,
    deprecated_annotations,
    drifted_nodeclaims,
    helm_drift_gate,
    kubelet_sharing,
)
from karpmigrate.audit.checks._support import parse_version
from karpmigrate.findings import Level

KUBELET = "compatibility.karpenter.sh/v1beta1-kubelet-conversion"
REFERENCE = "compatibility.karpenter.sh/v1beta1-nodeclass-reference"
UBUNTU = "compatibility.karpenter.k8s.aws/v1beta1-ubuntu"
EVICT = {"karpenter.sh/do-not-evict": "true"}
CONSOLIDATE = {"karpenter.sh/do-not-consolidate": "true"}
DISRUPT = {"karpenter.sh/do-not-disrupt": "true"}


def all_checks() -> list[Check]:
    found = []
    for info in pkgutil.iter_modules(checks_package.__path__):
        if not info.name.startswith("_"):
            found.append(importlib.import_module(f"{checks_package.__name__}.{info.name}").CHECK)
    return found


def run(check: Check, view: FakeView) -> list[Issue]:
    return list(check.run(view))


def level(issue: Issue) -> Level:
    return Level.ERROR if issue.blocker else issue.level or issue.code.level


def loud(issues: list[Issue]) -> list[Issue]:
    """What the acceptance test counts as a reported problem: warnings, errors, blockers."""
    return [i for i in issues if level(i) is not Level.INFO]


def codes(issues: list[Issue]) -> Counter[str]:
    return Counter(i.code.code for i in issues)


def karpenter_10(**extra: object) -> FakeView:
    """A Karpenter 1.0.8 cluster with v1 storage, already migrated (stored versions [v1])."""
    view = FakeView(
        crd_list=crds_v10(),
        deployment_list=[deployment(image="public.ecr.aws/karpenter/controller:1.0.8@sha256:0f")],
    )
    for key, value in extra.items():
        setattr(view, key, value)
    return view


# ---------------------------------------------------------------- the registry


def test_every_check_module_declares_one_check_with_reads_and_doc() -> None:
    found = all_checks()
    assert sorted(c.id for c in found) == [
        "compat-annotations",
        "controller-version",
        "crd-versions",
        "deprecated-annotations",
        "drifted-nodeclaims",
        "helm-drift-gate",
        "kubelet-sharing",
    ]
    for check in found:
        assert isinstance(check, Check)
        assert check.reads and check.doc and check.title
    stages = {c.id: c.stage for c in found}
    assert stages["controller-version"] is stages["crd-versions"] is Stage.CLUSTER
    assert stages["deprecated-annotations"] is Stage.WORKLOADS


# ---------------------------------------------------------------- whole cluster


def test_clean_v11_cluster_gives_only_info() -> None:
    view = clean_v11()
    issues = [i for check in all_checks() for i in run(check, view)]
    assert loud(issues) == []
    assert codes(issues) == Counter({"KA011": 3, "KA001": 1, "KA020": 1})


def test_karpenter_not_installed_is_one_info() -> None:
    view = FakeView(deployment_list=[deployment("coredns", image="registry.k8s.io/coredns/coredns:v1.11.1")])
    issues = [i for check in all_checks() for i in run(check, view)]
    assert len(issues) == 1
    assert issues[0].code.code == "KA012" and issues[0].level is Level.INFO
    assert "not installed" in issues[0].message


def test_each_planted_problem_is_reported_once() -> None:
    crds = crds_v10()
    crds[0]["status"]["storedVersions"] = ["v1beta1", "v1"]  # nodepools only
    view = karpenter_10(
        crd_list=crds,
        objects=[
            nodepool("batch", "batch", kubelet={"maxPods": 20}),
            nodepool("web"),
            nodeclass("batch", kubelet={"maxPods": 20}),
            nodeclass(),
            nodeclaim("web-1", "web", drifted="AMIDrift"),
            nodeclaim("web-2", "web"),
        ],
        pod_source=[pod("job-1", "etl", owner=("Job", "nightly"), annotations=EVICT)],
        node_list=[node("n1", "web", annotations=CONSOLIDATE), node("n2", "web")],
        releases=[release({"settings": {"featureGates": {"drift": False}}})],
    )
    issues = [i for check in all_checks() for i in run(check, view)]
    assert codes(loud(issues)) == Counter(
        dict.fromkeys(("KA010", "KA020", "KA030", "KA040", "KA041", "KA050"), 1)
    )
    assert all("\n" not in i.message for i in issues)


@pytest.mark.parametrize(
    ("check", "key"),
    [
        (controller_version.CHECK, "deployments"),
        (crd_versions.CHECK, "crds"),
        (compat_annotations.CHECK, "karpenter/NodePool"),
        (compat_annotations.CHECK, "karpenter/NodeClaim"),
        (kubelet_sharing.CHECK, "karpenter/EC2NodeClass"),
        (drifted_nodeclaims.CHECK, "karpenter/NodeClaim"),
        (deprecated_annotations.CHECK, "pods"),
        (deprecated_annotations.CHECK, "nodes"),
        (helm_drift_gate.CHECK, "helm_releases"),
    ],
)
def test_a_source_that_cannot_be_read_propagates(check: Check, key: str) -> None:
    view = clean_v11()
    view.errors[key] = forbidden(key)
    with pytest.raises(SourceError) as raised:
        run(check, view)
    assert raised.value.reason == "forbidden"


def partial(check: Check, view: FakeView) -> tuple[list[Issue], SourceError]:
    """What a check yields before it raises the failure of one of its sources."""
    issues: list[Issue] = []
    with pytest.raises(SourceError) as raised:
        for issue in check.run(view):
            issues.append(issue)
    return issues, raised.value


def test_unreadable_nodeclaims_do_not_hide_nodepool_annotations() -> None:
    view = karpenter_10(
        objects=[nodepool("a", kubelet={"maxPods": 110}), nodeclass(kubelet={"maxPods": 110})],
        errors={"karpenter/NodeClaim": forbidden("nodeclaims")},
    )
    issues, error = partial(compat_annotations.CHECK, view)
    assert [(i.name, i.blocker) for i in issues] == [("a", True)]
    assert "already has the same spec.kubelet" in issues[0].message
    assert error.resource == "nodeclaims"


def test_unreadable_nodeclasses_still_compare_annotated_nodepools() -> None:
    view = karpenter_10(
        objects=[nodepool("a", kubelet={"maxPods": 110}), nodepool("b", kubelet={"maxPods": 20})],
        errors={"karpenter/EC2NodeClass": forbidden("ec2nodeclasses")},
    )
    issues, _ = partial(kubelet_sharing.CHECK, view)
    assert [i.code.code for i in issues] == ["KA021"]


def test_pods_failing_midway_keep_counts_and_nodes() -> None:
    def stream() -> Iterator[dict[str, object]]:
        yield pod("a", "ns", annotations=EVICT)
        raise SourceError("pods", "failed", "HTTP 500 after 3 retries")

    view = FakeView(pod_source=stream, node_list=[node("n1", annotations=CONSOLIDATE)])
    issues, error = partial(deprecated_annotations.CHECK, view)
    assert [(i.code.code, i.name) for i in issues] == [("KA040", "a"), ("KA041", "n1")]
    assert error.reason == "failed"


# ---------------------------------------------------------------- controller-version


@pytest.mark.parametrize(
    ("image", "labels", "expected"),
    [
        ("public.ecr.aws/karpenter/controller:1.0.6", None, "1.0.6"),
        ("public.ecr.aws/karpenter/controller:v0.37.5@sha256:9e1f", None, "0.37.5"),
        ("registry.local:5000/mirror/karpenter/controller:1.1.2", None, "1.1.2"),
        ("karpenter/karpenter:v0.32.1", None, "0.32.1"),
        ("public.ecr.aws/karpenter/controller@sha256:9e1f", {"app.kubernetes.io/version": "1.0.8"}, "1.0.8"),
        ("public.ecr.aws/karpenter/controller@sha256:9e1f", {"helm.sh/chart": "karpenter-0.37.7"}, "0.37.7"),
        ("mirror.local/kp-ctrl:1.0.2", {"app.kubernetes.io/name": "karpenter"}, "1.0.2"),
    ],
)
def test_controller_version_from_image_or_labels(
    image: str, labels: dict[str, str] | None, expected: str
) -> None:
    view = FakeView(
        deployment_list=[
            deployment("coredns", image="coredns/coredns:1.11.1"),
            deployment(image=image, labels=labels),
        ]
    )
    assert controller_version.controller_version(view) == expected
    (issue,) = run(controller_version.CHECK, view)
    assert issue.code.code == "KA001" and level(issue) is Level.INFO
    assert (issue.kind, issue.namespace, issue.name) == ("Deployment", "kube-system", "karpenter")
    assert f"runs {expected}" in issue.message


def test_controller_with_unreadable_version() -> None:
    view = FakeView(
        deployment_list=[deployment(image="public.ecr.aws/karpenter/controller@sha256:9e1f", replicas=0)]
    )
    assert controller_version.controller_version(view) is None
    (issue,) = run(controller_version.CHECK, view)
    assert "scaled to 0 replicas" in issue.message and "upgrade path is unknown" in issue.message


@pytest.mark.parametrize(
    ("version", "expected"),
    [
        ("0.32.3", "predates the v1beta1 API"),
        ("0.37.2", "upgrade to v0.37.7 or later first"),
        ("0.33.4", "upgrade to v0.33.12 or later first"),
        ("0.37.7", "next: 1.0.6 or a later 1.0 patch"),
        ("1.0.3", "upgrade to 1.0.6 or a later 1.0 patch"),
        ("1.0.8", "status.storedVersions must be [v1]"),
        ("1.1.0", "already 1.1 or later"),
        ("1.6.2", "already 1.1 or later"),
    ],
)
def test_upgrade_path(version: str, expected: str) -> None:
    parsed = parse_version(version)
    assert parsed is not None
    assert expected in controller_version.upgrade_path(parsed)


def test_no_controller_but_crds_warns() -> None:
    (issue,) = run(controller_version.CHECK, FakeView(crd_list=crds_v10()))
    assert issue.code.code == "KA002" and level(issue) is Level.WARNING


def test_no_controller_and_no_crds_says_nothing() -> None:
    assert run(controller_version.CHECK, FakeView()) == []


def test_no_controller_and_unreadable_crds_warns() -> None:
    view = FakeView(errors={"crds": forbidden("customresourcedefinitions")})
    assert codes(run(controller_version.CHECK, view)) == Counter({"KA002": 1})


# ---------------------------------------------------------------- crd-versions


def test_v11_crds_are_info_only() -> None:
    issues = run(crd_versions.CHECK, clean_v11())
    assert codes(issues) == Counter({"KA011": 3})
    assert "serves v1, stores v1, status.storedVersions [v1], conversion None" in issues[0].message


@pytest.mark.parametrize(
    ("image", "advice"),
    [
        (
            "public.ecr.aws/karpenter/controller:1.0.3",
            "Karpenter 1.0.3 does not migrate them: upgrade to 1.0.6",
        ),
        ("public.ecr.aws/karpenter/controller:1.0.8", "Karpenter 1.0.8 migrates them itself"),
        ("public.ecr.aws/karpenter/controller:1.1.0", "Karpenter 1.1.0 no longer migrates them"),
    ],
)
def test_stored_v1beta1_blocks_with_advice_for_the_running_release(image: str, advice: str) -> None:
    view = karpenter_10(
        crd_list=crds_v10(stored=("v1beta1", "v1")), deployment_list=[deployment(image=image)]
    )
    stored = [i for i in run(crd_versions.CHECK, view) if i.code.code == "KA010"]
    assert len(stored) == 3
    assert all(
        i.blocker and advice in i.message and "never patch storedVersions" in i.message for i in stored
    )
    assert stored[0].name == "nodepools.karpenter.sh" and stored[0].kind == "CustomResourceDefinition"


def test_stored_v1beta1_without_readable_deployments_gives_generic_advice() -> None:
    view = karpenter_10(
        crd_list=crds_v10(stored=("v1beta1", "v1")), errors={"deployments": forbidden("deployments")}
    )
    issues = run(crd_versions.CHECK, view)
    assert codes(issues) == Counter({"KA011": 3, "KA010": 3})
    assert "Karpenter 1.0.6 or a later 1.0 patch migrates them itself" in issues[1].message


def test_migrated_v10_crds_are_fine() -> None:
    assert codes(loud(run(crd_versions.CHECK, karpenter_10()))) == Counter()


def test_v037_storage_is_one_blocker_per_crd_not_two() -> None:
    view = FakeView(
        crd_list=crds_v037(), deployment_list=[deployment(image="public.ecr.aws/karpenter/controller:0.37.7")]
    )
    issues = loud(run(crd_versions.CHECK, view))
    assert codes(issues) == Counter({"KA014": 3})
    assert all(i.blocker and "still stores v1beta1" in i.message for i in issues)


def test_v1beta1_only_crds_do_not_serve_v1() -> None:
    view = FakeView(
        crd_list=crds_v037_0(),
        deployment_list=[deployment(image="public.ecr.aws/karpenter/controller:0.37.0")],
    )
    issues = loud(run(crd_versions.CHECK, view))
    assert codes(issues) == Counter({"KA014": 3})
    assert "does not serve v1" in issues[0].message


def test_two_served_versions_without_webhook() -> None:
    crds = crds_v10()
    crds[1]["spec"]["conversion"] = {"strategy": "None"}
    (issue,) = loud(run(crd_versions.CHECK, karpenter_10(crd_list=crds)))
    assert issue.code.code == "KA013" and issue.name == "nodeclaims.karpenter.sh"
    assert "only relabels objects" in issue.message


def test_webhook_without_client_config() -> None:
    crds = crds_v10()
    crds[2]["spec"]["conversion"] = {"strategy": "Webhook", "webhook": {"conversionReviewVersions": ["v1"]}}
    (issue,) = loud(run(crd_versions.CHECK, karpenter_10(crd_list=crds)))
    assert issue.code.code == "KA013" and "without a clientConfig" in issue.message


def test_webhook_in_another_namespace_than_the_controller() -> None:
    view = karpenter_10(
        deployment_list=[deployment(namespace="karpenter", image="public.ecr.aws/karpenter/controller:1.0.8")]
    )
    issues = loud(run(crd_versions.CHECK, view))
    assert codes(issues) == Counter({"KA013": 3})
    assert (
        "service kube-system/karpenter:8443, but the controller runs in namespace karpenter"
        in issues[0].message
    )


def test_webhook_left_on_11() -> None:
    view = karpenter_10(deployment_list=[deployment(image="public.ecr.aws/karpenter/controller:1.1.0")])
    issues = loud(run(crd_versions.CHECK, view))
    assert codes(issues) == Counter({"KA013": 3})
    assert "has no conversion webhook (removed in 1.1)" in issues[0].message


def test_one_missing_crd_warns() -> None:
    view = karpenter_10(crd_list=crds_v10()[:2])
    (issue,) = loud(run(crd_versions.CHECK, view))
    assert issue.code.code == "KA012" and issue.name == "ec2nodeclasses.karpenter.k8s.aws"
    assert level(issue) is Level.WARNING


def test_controller_without_any_crd_warns_per_crd() -> None:
    view = karpenter_10(crd_list=[])
    assert codes(loud(run(crd_versions.CHECK, view))) == Counter({"KA012": 3})


# ---------------------------------------------------------------- compat-annotations


def test_kubelet_annotation_on_nodepool_blocks_and_says_whether_removal_drifts() -> None:
    view = karpenter_10(
        objects=[
            nodepool("same", "a", kubelet={"maxPods": 110}),
            nodepool("other", "b", kubelet={"maxPods": 110, "clusterDNS": ["10.0.0.10"]}),
            nodeclass("a", kubelet={"maxPods": 110}),
            nodeclass("b", kubelet={"maxPods": 110}),
        ]
    )
    same, other = run(compat_annotations.CHECK, view)
    for issue in (same, other):
        assert issue.code.code == "KA020" and issue.blocker and level(issue) is Level.ERROR
        assert issue.path == ("metadata", "annotations", KUBELET)
        assert "Karpenter 1.1 to 1.5 refuse to start" in issue.message
    assert (
        same.name == "same"
        and "already has the same spec.kubelet, so removing it drifts nothing" in same.message
    )
    assert other.name == "other" and "EC2NodeClass b spec.kubelet differs (clusterDNS)" in other.message


def test_kubelet_annotation_on_a_split_class_says_split_first() -> None:
    view = karpenter_10(
        objects=[
            nodepool("a", kubelet={"maxPods": 110}),
            nodepool("b", kubelet={"maxPods": 20}),
            nodeclass(kubelet={"maxPods": 110}),
        ]
    )
    issues = run(compat_annotations.CHECK, view)
    assert [i.name for i in issues] == ["a", "b"]
    for issue in issues:
        assert "the NodePools on EC2NodeClass default disagree on kubelet" in issue.message
        assert "(KA021)" in issue.message and issue.blocker


def test_nodeclass_reference_is_info() -> None:
    view = karpenter_10(objects=[nodepool("default", annotations={REFERENCE: '{"name":"default"}'})])
    (issue,) = run(compat_annotations.CHECK, view)
    assert issue.code.code == "KA020" and level(issue) is Level.INFO and "rollback to v0.3x" in issue.message


@pytest.mark.parametrize(
    ("value", "expected", "words"),
    [
        ("amiFamily,blockDeviceMappings", Level.WARNING, "runs as amiFamily AL2"),
        ("amiFamily,incompatible", Level.ERROR, "NotReady"),
    ],
)
def test_ubuntu_annotation(value: str, expected: Level, words: str) -> None:
    cls = nodeclass(
        "ubuntu", annotations={UBUNTU: value}, amiFamily="AL2", amiSelectorTerms=[{"id": "ami-placeholder"}]
    )
    (issue,) = run(compat_annotations.CHECK, karpenter_10(objects=[cls]))
    assert issue.code.code == "KA020" and level(issue) is expected and words in issue.message
    assert issue.kind == "EC2NodeClass" and issue.name == "ubuntu" and not issue.blocker
    assert ("ami-placeholder" in issue.message) is (expected is Level.ERROR)


def test_nodeclaim_annotations_are_counted_per_nodepool() -> None:
    both = {KUBELET: '{"maxPods":110}', REFERENCE: '{"name":"default"}'}
    view = karpenter_10(
        objects=[
            nodeclaim("a-1", "a", annotations=both),
            nodeclaim("a-2", "a", annotations=both),
            nodeclaim("b-1", "b", annotations={REFERENCE: "null"}),
            nodeclaim("b-2", "b", annotations={"compatibility.karpenter.k8s.aws/kubelet-drift-hash": "123"}),
        ]
    )
    issues = run(compat_annotations.CHECK, view)
    assert [(i.name, i.path[-1], level(i)) for i in issues] == [
        ("a", KUBELET, Level.INFO),
        ("a", REFERENCE, Level.INFO),
        ("b", REFERENCE, Level.INFO),
    ]
    assert issues[0].message.startswith("2 NodeClaims of NodePool a carry")
    assert issues[2].message.startswith("1 NodeClaim of NodePool b carries")


def test_compat_annotations_without_v1_served() -> None:
    pools = [nodepool("default", version="v1beta1", kubelet={"maxPods": 110})]
    assert run(compat_annotations.CHECK, FakeView(crd_list=crds_v037_0(), objects=pools)) == []


# ---------------------------------------------------------------- kubelet-sharing


def test_kubelet_split_reports_the_smaller_group() -> None:
    view = karpenter_10(
        objects=[
            nodepool("a", kubelet={"maxPods": 110}),
            nodepool("b", kubelet={"maxPods": 110}),
            nodepool("c", kubelet={"maxPods": 20}),
            nodepool("d", "other", kubelet={"maxPods": 20}),
            nodeclass(),
            nodeclass("other"),
        ]
    )
    (issue,) = run(kubelet_sharing.CHECK, view)
    assert issue.code.code == "KA021" and issue.blocker
    assert (issue.kind, issue.name, issue.api_version) == ("NodePool", "c", "karpenter.sh/v1")
    assert "shares EC2NodeClass default with a, b but its kubelet differs (maxPods)" in issue.message
    assert issue.message.endswith("(KM101)")


def test_kubelet_equal_by_hash_semantics_is_no_split() -> None:
    view = karpenter_10(
        objects=[
            nodepool("a", kubelet={"clusterDNS": ["10.0.0.10", "10.0.0.11"]}),
            nodepool("b", kubelet={"clusterDNS": ["10.0.0.11", "10.0.0.10"]}),
            nodepool("c"),  # follows the class, whose kubelet is the same
            nodeclass(kubelet={"clusterDNS": ["10.0.0.10", "10.0.0.11"]}),
        ]
    )
    assert run(kubelet_sharing.CHECK, view) == []


def test_kubelet_split_on_a_v1beta1_only_cluster() -> None:
    view = FakeView(
        crd_list=crds_v037_0(),
        objects=[
            nodepool("a", version="v1beta1", kubelet={"maxPods": 110}),
            nodepool("b", version="v1beta1", kubelet={"maxPods": 110}),
            nodepool("c", version="v1beta1"),
        ],
    )
    (issue,) = run(kubelet_sharing.CHECK, view)
    assert (issue.name, issue.api_version) == ("c", "karpenter.sh/v1beta1")


def test_kubelet_sharing_without_nodepools() -> None:
    assert run(kubelet_sharing.CHECK, FakeView()) == []


# ---------------------------------------------------------------- drifted-nodeclaims


def test_drifted_nodeclaims_counted_per_nodepool() -> None:
    view = karpenter_10(
        objects=[
            nodeclaim("d-1", drifted="AMIDrift"),
            nodeclaim("d-2", drifted="AMIDrift"),
            nodeclaim("d-3", drifted="NodePoolDrifted"),
            nodeclaim("d-4"),
            nodeclaim("g-1", "gpu"),
            nodeclaim("x-1", None, drifted="SubnetDrift"),
        ]
    )
    default, unlabelled = run(drifted_nodeclaims.CHECK, view)
    assert default.code.code == "KA030" and level(default) is Level.WARNING
    assert (default.kind, default.name) == ("NodePool", "default")
    assert default.message.startswith(
        "3 of 4 NodeClaims of NodePool default are already Drifted (AMIDrift 2, NodePoolDrifted 1)"
    )
    assert "(KM118)" in default.message
    assert unlabelled.message.startswith(
        "1 of 1 NodeClaim without a NodePool label is already Drifted (SubnetDrift 1)"
    )


def test_no_drifted_nodeclaims() -> None:
    assert run(drifted_nodeclaims.CHECK, clean_v11()) == []


def test_drifted_v1beta1_nodeclaims() -> None:
    view = FakeView(crd_list=crds_v037_0(), objects=[nodeclaim("d-1", drifted="Drifted", version="v1beta1")])
    (issue,) = run(drifted_nodeclaims.CHECK, view)
    assert issue.api_version == "karpenter.sh/v1beta1"


# ---------------------------------------------------------------- deprecated-annotations


def test_pods_grouped_by_owner() -> None:
    view = FakeView(
        pod_source=[
            pod(
                "web-5f7d8-a",
                "shop",
                owner=("ReplicaSet", "web-5f7d8"),
                template_hash="5f7d8",
                annotations=EVICT,
            ),
            pod(
                "web-5f7d8-b",
                "shop",
                owner=("ReplicaSet", "web-5f7d8"),
                template_hash="5f7d8",
                annotations=EVICT,
            ),
            pod(
                "web-99aa1-c",
                "shop-eu",
                owner=("ReplicaSet", "web-99aa1"),
                template_hash="99aa1",
                annotations={**EVICT, **DISRUPT},
            ),
            pod("db-0", "shop", owner=("StatefulSet", "db"), annotations={**EVICT, **DISRUPT}),
            pod("debug", "tools", annotations=CONSOLIDATE),
            pod("report", "tools", annotations=EVICT),
            pod("api-1", "shop", owner=("ReplicaSet", "api-1"), annotations={"other": "x"}),
        ]
    )
    issues = run(deprecated_annotations.CHECK, view)
    assert [(i.kind, i.name, i.namespace, level(i)) for i in issues] == [
        ("Deployment", "web", None, Level.ERROR),
        ("Pod", "debug", "tools", Level.ERROR),
        ("Pod", "report", "tools", Level.ERROR),
        ("StatefulSet", "db", "shop", Level.INFO),
    ]
    web, debug, _, db = issues
    assert web.code.code == "KA040"
    assert web.message.startswith(
        "3 pods of Deployment web in namespaces shop, shop-eu (web-5f7d8-a, web-5f7d8-b, web-99aa1-c) carry karpenter.sh/do-not-evict"
    )
    assert (
        'karpenter.sh/do-not-disrupt: "true" protects them: set it in the pod template of Deployment web'
        in web.message
    )
    assert "(1 already also carries karpenter.sh/do-not-disrupt) (KM212)" in web.message
    assert debug.message.startswith(
        "pod debug in namespace tools (no owner) carries karpenter.sh/do-not-consolidate"
    )
    assert 'it also carries karpenter.sh/do-not-disrupt: "true", so the protection holds' in db.message


def test_nodes_reported_one_by_one() -> None:
    view = FakeView(
        node_list=[
            node("n1", annotations=CONSOLIDATE),
            node("n2", annotations={**CONSOLIDATE, **DISRUPT}),
            node("n3", "gpu"),
            node("m1", None, annotations=CONSOLIDATE),
        ]
    )
    n1, n2, m1 = run(deprecated_annotations.CHECK, view)
    assert n1.code.code == "KA041" and level(n1) is Level.ERROR
    assert (n1.kind, n1.name, n1.path) == (
        "Node",
        "n1",
        ("metadata", "annotations", "karpenter.sh/do-not-consolidate"),
    )
    assert n1.message.startswith(
        "Node n1 (NodePool default) carries karpenter.sh/do-not-consolidate, which Karpenter 1.0 no longer reads"
    )
    assert 'annotate it karpenter.sh/do-not-disrupt: "true" instead (KM212)' in n1.message
    assert level(n2) is Level.INFO and "so the protection holds" in n2.message
    assert m1.message.startswith("Node m1 carries") and level(m1) is Level.ERROR


def test_no_deprecated_annotations() -> None:
    assert run(deprecated_annotations.CHECK, clean_v11()) == []


class _Pod(dict[str, object]):
    """A pod that can be watched for being freed (plain dicts cannot be weakly referenced)."""


def test_pods_are_streamed_not_held() -> None:
    alive = peak = made = 0

    def freed() -> None:
        nonlocal alive
        alive -= 1

    def stream() -> Iterator[_Pod]:
        nonlocal alive, peak, made
        for i in range(50_000):
            annotations = EVICT if i % 5 == 0 else {}
            item = _Pod(
                pod(
                    f"w{i % 100}-h{i % 100}-{i}",
                    f"ns{i % 7}",
                    owner=("ReplicaSet", f"w{i % 100}-h{i % 100}"),
                    template_hash=f"h{i % 100}",
                    annotations=annotations,
                )
            )
            weakref.finalize(item, freed)
            alive += 1
            made += 1
            peak = max(peak, alive)
            yield item

    view = FakeView(pod_source=stream)
    issues = run(deprecated_annotations.CHECK, view)
    assert made == 50_000
    assert peak <= 3, f"{peak} pods were alive at once: the check keeps pods"
    assert len(issues) == 20  # owners w0, w5, ... w95 carry the annotation
    assert all(i.message.startswith("500 pods of Deployment w") for i in issues)
    assert "namespaces ns0, ns2, ns4 and 4 more" in issues[0].message


# ---------------------------------------------------------------- helm-drift-gate


@pytest.mark.parametrize(
    "values",
    [
        {"settings": {"featureGates": {"drift": False}}},
        {"settings": {"featureGates": {"drift": "false"}}},
        {"featureGates": {"drift": False}},
    ],
)
def test_drift_gate_off_in_a_v03x_release_blocks(values: dict[str, object]) -> None:
    (issue,) = run(helm_drift_gate.CHECK, FakeView(releases=[release(values)]))
    assert issue.code.code == "KA050" and issue.blocker
    assert (issue.kind, issue.name, issue.namespace) == ("HelmRelease", "karpenter", "karpenter")
    assert issue.message.startswith(
        "Helm release karpenter (namespace karpenter, chart karpenter-0.37.5, revision 3): "
    )
    assert issue.message.endswith("(KM114)")


def test_drift_gate_leftover_in_a_v1_chart_warns() -> None:
    view = FakeView(
        releases=[release({"settings": {"featureGates": {"drift": False}}}, chart_version="1.0.6")]
    )
    (issue,) = run(helm_drift_gate.CHECK, view)
    assert not issue.blocker and level(issue) is Level.WARNING and "drift is already on" in issue.message


def test_only_deployed_karpenter_releases_with_the_gate_off_count() -> None:
    off = {"settings": {"featureGates": {"drift": False}}}
    view = FakeView(
        releases=[
            release(off, status="superseded", revision=2),
            release(off, chart="karpenter-crd", name="karpenter-crd"),
            release({"settings": {"featureGates": {"drift": True}}}),
            release({}),
        ]
    )
    assert run(helm_drift_gate.CHECK, view) == []
