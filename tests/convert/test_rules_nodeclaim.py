"""NodeClaim rules: NC-2, NC-3, NC-6, the NP-* rules NodeClaims share (NC-1, NC-4, NC-5) and S-6.

The cases restate, as manifests, the expectations of Karpenter's own tests of the conversion
(kubernetes-sigs/karpenter pkg/apis/v1/nodeclaim_conversion_test.go, "Convert V1beta1 to V1 NodeClaim
API"), where the cluster's NodePool is replaced by the NodePools of the input set (spec §3 NC-6).
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from convert_support import codes, convert, options, output

from karpmigrate.convert import convert_texts
from karpmigrate.findings import Level
from karpmigrate.io.documents import split_documents
from karpmigrate.io.yaml import parse_document, to_plain

WEBHOOK = ("--mode", "webhook")
KUBELET_KEY = "compatibility.karpenter.sh/v1beta1-kubelet-conversion"
REFERENCE_KEY = "compatibility.karpenter.sh/v1beta1-nodeclass-reference"
LABEL = "    karpenter.sh/nodepool: general\n"
REF = "  nodeClassRef:\n    apiVersion: test-group/test-version\n    kind: test-kind\n    name: test\n"
REQUIREMENTS = "  requirements:\n    - {key: karpenter.sh/capacity-type, operator: In, values: [spot]}\n"


def claim(*, labels: str = LABEL, ref: str = REF, spec: str = "", tail: str = "") -> str:
    """A v1beta1 NodeClaim (upstream BeforeEach: labelled with its NodePool, a test-group reference)."""
    meta = f"  labels:\n{labels}" if labels else ""
    return (
        f"apiVersion: karpenter.sh/v1beta1\nkind: NodeClaim\nmetadata:\n  name: general-x7k2p\n{meta}"
        f"spec:\n{ref}{REQUIREMENTS}{spec}{tail}"
    )


def v1beta1_pool(disruption: str = "") -> str:
    return (
        "apiVersion: karpenter.sh/v1beta1\nkind: NodePool\nmetadata:\n  name: general\nspec:\n  template:\n"
        "    spec:\n      nodeClassRef: {name: default}\n      requirements: []\n" + disruption
    )


def v1_pool(template_spec: str = "") -> str:
    return (
        "apiVersion: karpenter.sh/v1\nkind: NodePool\nmetadata:\n  name: general\nspec:\n  template:\n"
        "    spec:\n      nodeClassRef: {group: karpenter.k8s.aws, kind: EC2NodeClass, name: default}\n"
        "      requirements: []\n" + template_spec
    )


def converted_claim(text: str, *args: str) -> dict[str, Any]:
    """The converted NodeClaim (the last document) as plain data."""
    doc = split_documents(output(text, *args))[-1]
    plain: dict[str, Any] = to_plain(parse_document(doc, "out").tree)
    assert plain["kind"] == "NodeClaim"
    return plain


def claim_notes(text: str, *args: str) -> list[tuple[str, Level]]:
    return [(n.code, n.level) for n in convert(text, *args).notes if n.obj.kind == "NodeClaim"]


def both(pool: str, nodeclaim: str) -> str:
    return f"{pool}---\n{nodeclaim}"


# ---------------------------------------------------------------- the whole object


WHOLE_OUT = f"""\
apiVersion: karpenter.sh/v1
kind: NodeClaim
metadata:
  name: general-x7k2p
  labels:
{LABEL}  annotations:
    {REFERENCE_KEY}: '{{"kind":"test-kind","name":"test","apiVersion":"test-group/test-version"}}'
spec:
  nodeClassRef:
    group: test-group
    kind: test-kind
    name: test
{REQUIREMENTS}  expireAfter: Never
  resources: {{}}
status: {{}}
"""


def test_nodeclaim_without_its_nodepool_whole_output() -> None:
    # NC-1/NP-14 annotation, NC-4/NP-12 group, NC-6 Never, S-6 resources and status, each at the end.
    result = convert(claim(), *WEBHOOK)
    assert result.text == WHOLE_OUT
    assert sorted(n.code for n in result.notes) == ["KM105", "KM116"]


def test_v1_nodeclaim_is_left_alone() -> None:
    assert not convert(WHOLE_OUT, *WEBHOOK).changed


def test_nc1_metadata_copied_with_the_reference_annotation() -> None:
    # upstream "should convert v1beta1 nodeclaim metadata": only the nodeclass-reference annotation added.
    meta = claim(labels=LABEL + "    team: web\n")
    converted = converted_claim(meta, *WEBHOOK)
    assert converted["metadata"]["labels"] == {"karpenter.sh/nodepool": "general", "team": "web"}
    assert converted["metadata"]["annotations"] == {
        REFERENCE_KEY: '{"kind":"test-kind","name":"test","apiVersion":"test-group/test-version"}'
    }


# ---------------------------------------------------------------- NC-2, NC-3 (S-3)


def test_nc2_status_copied_quantities_canonicalised() -> None:
    # upstream NodeClaim Status context: nodeName, providerID, imageID, capacity/allocatable, conditions.
    status = (
        "status:\n  nodeName: test-node-name\n  providerID: test-provider-id\n  imageID: test-image-id\n"
        "  capacity: {cpu: '13432', memory: 1332G, pods: 110}\n"
        "  allocatable:\n    cpu: 3920m\n    memory: 14500Mi\n    ephemeral-storage: 18000M\n"
        "  conditions:\n    - {type: Ready, status: 'True', reason: test-reason, message: ''}\n"
    )
    out = output(claim(tail=status), *WEBHOOK)
    assert out.endswith(
        "status:\n  nodeName: test-node-name\n  providerID: test-provider-id\n  imageID: test-image-id\n"
        "  capacity: {cpu: '13432', memory: 1332G, pods: \"110\"}\n"
        "  allocatable:\n    cpu: 3920m\n    memory: 14500Mi\n    ephemeral-storage: 18G\n"
        "  conditions:\n    - {type: Ready, status: 'True', reason: test-reason, message: ''}\n"
    )


def test_nc2_empty_maps_dropped() -> None:
    status = "status:\n  nodeName: n1\n  capacity: {}\n  allocatable:\n"
    assert output(claim(tail=status), *WEBHOOK).endswith("status:\n  nodeName: n1\n")


def test_nc2_noop() -> None:
    status = 'status:\n  capacity:\n    cpu: "4"\n    memory: 15155Mi\n'
    assert output(claim(tail=status), *WEBHOOK).endswith(status)


def test_nc2_quantity_go_cannot_parse_blocks_the_object() -> None:
    result = convert(claim(tail="status:\n  capacity: {cpu: four}\n"), *WEBHOOK)
    assert not result.changed and "KC006" in codes(result)


def test_nc3_requests_canonicalised() -> None:
    # upstream "should convert v1beta1 nodeclaim resources" (1, 134G) plus values Go re-prints.
    spec = (
        "  resources:\n    requests:\n      cpu: 1\n      memory: 134G\n      pods: 1000m\n      gpu: '0.5'\n"
    )
    out = output(claim(spec=spec), *WEBHOOK)
    assert (
        '  resources:\n    requests:\n      cpu: "1"\n      memory: 134G\n      pods: "1"\n      gpu: \'500m\'\n'
        in out
    )


@pytest.mark.parametrize("requests", ["requests: {}", "requests:"])
def test_nc3_empty_requests_leave_an_empty_struct(requests: str) -> None:
    assert converted_claim(claim(spec=f"  resources:\n    {requests}\n"), *WEBHOOK)["spec"]["resources"] == {}


def test_nc3_noop() -> None:
    spec = "  resources:\n    requests: {cpu: 1250m, memory: 2Gi}\n"
    assert spec in output(claim(spec=spec), *WEBHOOK)


# ---------------------------------------------------------------- NC-4, NC-5 (shared NP-12, NP-13, NP-10, NP-11)


@pytest.mark.parametrize(
    ("ref", "stored", "annotation"),
    [
        (
            "{kind: test-kind, name: nodeclass-test, apiVersion: testgroup.sh/testversion}",
            {"kind": "test-kind", "name": "nodeclass-test", "group": "testgroup.sh"},
            '{"kind":"test-kind","name":"nodeclass-test","apiVersion":"testgroup.sh/testversion"}',
        ),
        (
            "{name: nodeclass-test}",
            {"name": "nodeclass-test", "group": "karpenter.k8s.aws", "kind": "EC2NodeClass"},
            '{"name":"nodeclass-test"}',
        ),
    ],
)
def test_nc4_reference(ref: str, stored: dict[str, str], annotation: str) -> None:
    converted = converted_claim(claim(ref=f"  nodeClassRef: {ref}\n"), *WEBHOOK)
    assert converted["spec"]["nodeClassRef"] == stored
    assert converted["metadata"]["annotations"][REFERENCE_KEY] == annotation


def test_nc5_kubelet_becomes_the_annotation() -> None:
    # upstream "should convert v1 nodeclaim template kubelet" (string maps, as in v1.0.9).
    kubelet = (
        "  kubelet:\n    clusterDNS: [test-cluster-dns]\n    maxPods: 9383\n    podsPerCore: 9334283\n"
        "    systemReserved: {system-key: reserved}\n    kubeReserved: {kube-key: reserved}\n"
        "    evictionHard: {eviction-key: eviction}\n    evictionSoft: {eviction-key: eviction}\n"
        "    evictionSoftGracePeriod: {test-soft-grace: 1h}\n    evictionMaxPodGracePeriod: 382902\n"
        "    imageGCHighThresholdPercent: 382902\n    cpuCFSQuota: false\n"
    )
    converted = converted_claim(claim(spec=kubelet), *WEBHOOK)
    assert "kubelet" not in converted["spec"]
    assert json.loads(converted["metadata"]["annotations"][KUBELET_KEY]) == {
        "clusterDNS": ["test-cluster-dns"],
        "maxPods": 9383,
        "podsPerCore": 9334283,
        "systemReserved": {"system-key": "reserved"},
        "kubeReserved": {"kube-key": "reserved"},
        "evictionHard": {"eviction-key": "eviction"},
        "evictionSoft": {"eviction-key": "eviction"},
        "evictionSoftGracePeriod": {"test-soft-grace": "1h0m0s"},
        "evictionMaxPodGracePeriod": 382902,
        "imageGCHighThresholdPercent": 382902,
        "cpuCFSQuota": False,
    }


def test_nc5_clean_mode_keeps_the_kubelet_as_the_webhook_does() -> None:
    converted = converted_claim(claim(spec="  kubelet: {maxPods: 58}\n"))
    assert converted["metadata"]["annotations"] == {KUBELET_KEY: '{"maxPods":58}'}


def test_nc3_taints_and_requirements_copied() -> None:
    # upstream taints / startup taints / requirements (minValues 4189133, unchecked).
    spec = (
        "  taints:\n    - {key: test-key-1, value: test-value-1, effect: NoExecute}\n"
        "  startupTaints:\n    - {key: test-key-startup-1, value: test-value-startup-1, effect: NoExecute}\n"
    )
    converted = converted_claim(claim(spec=spec), *WEBHOOK)["spec"]
    assert converted["taints"] == [{"key": "test-key-1", "value": "test-value-1", "effect": "NoExecute"}]
    assert converted["startupTaints"][0]["key"] == "test-key-startup-1"
    requirements = "  requirements:\n    - {key: kubernetes.io/arch, operator: Exists, minValues: 4189133}\n"
    text = claim().replace(REQUIREMENTS, requirements)
    assert requirements in output(text, *WEBHOOK)


def test_nc3_empty_taints_dropped_absent_requirements_written() -> None:
    text = claim(spec="  taints: []\n").replace(REQUIREMENTS, "")
    spec = converted_claim(text, *WEBHOOK)["spec"]
    assert "taints" not in spec and spec["requirements"] == []


# ---------------------------------------------------------------- NC-6 webhook


@pytest.mark.parametrize(
    ("pool", "stored"),
    [
        (v1beta1_pool("  disruption:\n    expireAfter: 336h  # two weeks\n"), "336h"),
        (v1beta1_pool("  disruption:\n    expireAfter: Never\n"), "Never"),
        (v1beta1_pool(), "Never"),  # what NP-4 stores for an absent value
        (v1_pool("      expireAfter: 30m\n"), "30m"),  # upstream BeforeEach: the v1 NodePool's 30m
        (v1_pool(), "720h"),  # a stored v1 NodePool is defaulted
    ],
)
def test_nc6_webhook_copies_the_nodepool_value(pool: str, stored: str) -> None:
    text = both(pool, claim())
    assert converted_claim(text, *WEBHOOK)["spec"]["expireAfter"] == stored
    assert "KM105" not in [c for c, _ in claim_notes(text, *WEBHOOK)]


@pytest.mark.parametrize(
    "text",
    [
        # upstream "...when the nodepool doesn't exist" and "...when the nodepool label doesn't exist"
        claim(),
        both(v1_pool("      expireAfter: 30m\n"), claim(labels="")),
    ],
)
def test_nc6_webhook_without_nodepool_stores_never(text: str) -> None:
    assert converted_claim(text, *WEBHOOK)["spec"]["expireAfter"] == "Never"
    assert ("KM105", Level.INFO) in claim_notes(text, *WEBHOOK)


def test_nc6_nodepool_from_another_file() -> None:
    results = convert_texts(
        {
            "pools/general.yaml": v1beta1_pool("  disruption:\n    expireAfter: 48h\n"),
            "claims/c.yaml": claim(),
        },
        options(*WEBHOOK),
    )
    assert "  expireAfter: 48h\n" in (results["claims/c.yaml"].text or "")


def test_nc6_replaces_an_expire_after_written_in_place() -> None:
    text = both(v1beta1_pool("  disruption:\n    expireAfter: 1h\n"), claim(spec="  expireAfter: 5h\n"))
    assert "  expireAfter: 1h\n  requirements" not in output(text, *WEBHOOK)
    assert f"{REQUIREMENTS}  expireAfter: 1h\n" in output(text, *WEBHOOK)


# ---------------------------------------------------------------- NC-6 clean


@pytest.mark.parametrize(
    ("pool", "stored"),
    [
        (v1beta1_pool("  disruption:\n    expireAfter: 336h\n"), "336h"),
        (v1beta1_pool("  disruption:\n    expireAfter: Never\n"), "Never"),
        (v1_pool("      expireAfter: 30m\n"), "30m"),
    ],
)
def test_nc6_clean_copies_an_explicit_value(pool: str, stored: str) -> None:
    text = both(pool, claim())
    assert converted_claim(text)["spec"]["expireAfter"] == stored
    assert "KC007" not in [c for c, _ in claim_notes(text)]


@pytest.mark.parametrize("pool", [v1beta1_pool(), v1_pool()])
def test_nc6_clean_noop_when_the_nodepool_uses_the_default(pool: str) -> None:
    text = both(pool, claim())
    assert "expireAfter" not in converted_claim(text)["spec"]
    assert "KC007" not in [c for c, _ in claim_notes(text)]


@pytest.mark.parametrize("text", [claim(), both(v1_pool(), claim(labels=""))])
def test_nc6_clean_without_nodepool_leaves_the_default_and_says_the_webhook_differs(text: str) -> None:
    assert "expireAfter" not in converted_claim(text)["spec"]
    found = [n for n in convert(text).notes if n.code == "KC007"]
    assert len(found) == 1 and found[0].level is Level.INFO and "Never" in found[0].message


# ---------------------------------------------------------------- S-6


def test_s6_existing_resources_and_status_kept() -> None:
    text = claim(spec="  resources:\n    requests: {cpu: '1'}\n", tail="status:\n  nodeName: n1\n")
    out = output(text, *WEBHOOK)
    assert "resources: {}" not in out and "status: {}" not in out


def test_s6_clean_mode_adds_no_struct() -> None:
    out = output(claim())
    assert "resources" not in out and "status" not in out
