"""Webhook-mode NodePool rules: NP-2..NP-15 and S-6 (spec/conversion-rules.md §1-§2).

The cases restate, as manifests, the expectations of Karpenter's own tests of the conversion
(kubernetes-sigs/karpenter pkg/apis/v1/nodepool_conversion_test.go, "Convert V1beta1 to V1 NodePool
API"): undefaulted input, ``convert`` alone (spec §0.1). Placement is checked on whole texts (a renamed
key stays, an added one goes at the end of its mapping); values on the converted data.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from convert_support import codes, convert, output

from karpmigrate.findings import Level
from karpmigrate.io.documents import split_documents
from karpmigrate.io.yaml import parse_document, to_plain

WEBHOOK = ("--mode", "webhook")
KUBELET_KEY = "compatibility.karpenter.sh/v1beta1-kubelet-conversion"
REFERENCE_KEY = "compatibility.karpenter.sh/v1beta1-nodeclass-reference"
AWS_REFERENCE = '{"kind":"EC2NodeClass","name":"default","apiVersion":"karpenter.k8s.aws/v1beta1"}'
REF = """\
      nodeClassRef:
        apiVersion: karpenter.k8s.aws/v1beta1
        kind: EC2NodeClass
        name: default
"""
REQUIREMENTS = "      requirements:\n        - {key: kubernetes.io/os, operator: In, values: [linux]}\n"


def pool(
    *,
    meta: str = "",
    template: str = "",
    ref: str = REF,
    requirements: str = REQUIREMENTS,
    template_spec: str = "",
    spec: str = "",
    tail: str = "",
) -> str:
    """A v1beta1 NodePool; ``spec`` follows the template, ``tail`` the spec (``status``, say)."""
    return (
        f"apiVersion: karpenter.sh/v1beta1\nkind: NodePool\nmetadata:\n  name: demo\n{meta}"
        f"spec:\n  template:\n{template}    spec:\n{ref}{requirements}{template_spec}{spec}{tail}"
    )


def webhook(text: str) -> str:
    return output(text, *WEBHOOK)


def data(text: str) -> dict[str, Any]:
    """The converted NodePool as plain data."""
    plain: dict[str, Any] = to_plain(parse_document(split_documents(webhook(text))[0], "out").tree)
    return plain


def template_spec(text: str) -> dict[str, Any]:
    spec: dict[str, Any] = data(text)["spec"]["template"]["spec"]
    return spec


def notes(text: str) -> list[tuple[str, Level]]:
    return [(n.code, n.level) for n in convert(text, *WEBHOOK).notes]


def blocked(text: str) -> list[str]:
    """Codes of a conversion that must leave the document exactly as it was."""
    result = convert(text, *WEBHOOK)
    assert not result.changed
    return codes(result)


# ---------------------------------------------------------------- the whole object


MINIMAL_OUT = f"""\
apiVersion: karpenter.sh/v1
kind: NodePool
metadata:
  name: demo
  annotations:
    {REFERENCE_KEY}: '{AWS_REFERENCE}'
spec:
  template:
    spec:
      nodeClassRef:
        group: karpenter.k8s.aws
        kind: EC2NodeClass
        name: default
{REQUIREMENTS}      expireAfter: Never
    metadata: {{}}
  disruption:
    consolidateAfter: Never
status: {{}}
"""


def test_minimal_nodepool_gets_every_always_present_field_at_the_end_of_its_mapping() -> None:
    # NP-4 (Never), NP-7 + S-6 (disruption), NP-12 (group), NP-14 (annotation), S-6 (metadata, status).
    result = convert(pool(), *WEBHOOK)
    assert result.text == MINIMAL_OUT
    assert codes(result) == []


def test_v1_nodepool_is_left_alone() -> None:
    # Every NP rule is a no-op on an object that is already v1 (they run on v1beta1 only).
    text = MINIMAL_OUT
    assert not convert(text, *WEBHOOK).changed


def test_metadata_is_copied_and_only_the_reference_annotation_added() -> None:
    # upstream "should convert v1beta1 nodepool metadata": ObjectMeta equal once annotations are ignored.
    meta = (
        "  labels: {team: web}\n  annotations:\n    owner: infra\n"
        "  uid: 1f0f4c39-3d8f-4c2a-9d55-0c3c6a8a2e11\n  finalizers: [example.com/keep]\n"
    )
    before = to_plain(parse_document(split_documents(pool(meta=meta))[0], "in").tree)["metadata"]
    after = data(pool(meta=meta))["metadata"]
    assert after.pop("annotations") == {"owner": "infra", REFERENCE_KEY: AWS_REFERENCE}
    before.pop("annotations")
    assert after == before


# ---------------------------------------------------------------- NP-2, NP-3 (S-3)


@pytest.mark.parametrize(
    ("written", "stored"),
    [
        ("1000", "1k"),
        ("1000m", '"1"'),
        ("0.5", "500m"),
        ("1024Mi", "1Gi"),
        ("1.5Gi", "1536Mi"),
        ("'1000'", "'1k'"),
        ('"2000G"', '"2T"'),
        ("5", '"5"'),  # Quantity.MarshalJSON writes a JSON string, "5"
        ("8    # GPUs", '"8"  # GPUs'),  # the comment keeps its column
    ],
)
def test_np3_limits_canonicalised(written: str, stored: str) -> None:
    out = webhook(pool(spec=f"  limits:\n    cpu: {written}\n"))
    assert f"  limits:\n    cpu: {stored}\n" in out


def test_np3_limits_upstream_values_kept_and_empty_map_dropped() -> None:
    # upstream "should convert v1beta1 nodepool limits" (5, 14145G) and "weights" (62).
    assert data(pool(spec="  weight: 62\n  limits: {cpu: 5, memory: 14145G}\n"))["spec"]["limits"] == {
        "cpu": "5",
        "memory": "14145G",
    }
    assert data(pool(spec="  weight: 62\n"))["spec"]["weight"] == 62
    for empty in ("  limits: {}\n", "  limits:\n"):
        assert "limits" not in webhook(pool(spec=empty))


def test_np3_noop_on_canonical_text() -> None:
    limits = '  limits:\n    cpu: "5"   # cores\n    memory: 14145G\n    nvidia.com/gpu: "8"\n'
    assert limits in webhook(pool(spec=limits))


def test_np3_quantity_go_cannot_parse_blocks_the_object() -> None:
    assert blocked(pool(spec="  limits:\n    cpu: lots\n")) == ["KC006"]


def test_np2_status_resources_canonicalised_conditions_copied() -> None:
    # upstream "should convert v1beta1 nodepool status" (5, 14145G).
    status = (
        "status:\n  resources:\n    cpu: 5\n    memory: 14145G\n    pods: 1000\n"
        "  conditions:\n    - {type: Ready, status: 'True', reason: Ready, message: ''}\n"
    )
    out = webhook(pool(tail=status))
    assert out.endswith(
        'status:\n  resources:\n    cpu: "5"\n    memory: 14145G\n    pods: 1k\n'
        "  conditions:\n    - {type: Ready, status: 'True', reason: Ready, message: ''}\n"
    )


def test_np2_empty_resources_dropped_status_kept() -> None:
    assert webhook(pool(tail="status:\n  resources: {}\n")).endswith("status: {}\n")


def test_np2_noop() -> None:
    status = 'status:\n  resources:\n    cpu: "12"\n    memory: 47431716Ki\n'
    assert webhook(pool(tail=status)).endswith(status)


# ---------------------------------------------------------------- NP-4 (S-1)


@pytest.mark.parametrize(
    ("written", "moved"),
    [
        ("2121s", "2121s"),  # upstream "should convert v1beta1 nodepool ExpireAfter": text kept, not 35m21s
        ("10h", "10h"),  # upstream round trip: "10h"
        ("Never", "Never"),  # upstream round trip (Never)
        ('"720h"  # thirty days', '"720h"  # thirty days'),
    ],
)
def test_np4_expire_after_moves_with_its_text_and_comment(written: str, moved: str) -> None:
    text = pool(
        spec=f"  disruption:\n    consolidationPolicy: WhenEmpty\n    consolidateAfter: 1m\n"
        f"    expireAfter: {written}\n"
    )
    out = webhook(text)
    assert f"{REQUIREMENTS}      expireAfter: {moved}\n    metadata: {{}}\n" in out
    assert "  disruption:\n    consolidationPolicy: WhenEmpty\n    consolidateAfter: 1m\nstatus" in out


@pytest.mark.parametrize("disruption", ["", "  disruption:\n    expireAfter:\n"])
def test_np4_absent_or_null_becomes_never(disruption: str) -> None:
    assert template_spec(pool(spec=disruption))["expireAfter"] == "Never"
    assert "expireAfter" not in data(pool(spec=disruption))["spec"]["disruption"]


def test_np4_unparsable_duration_blocks_the_object() -> None:
    # NillableDuration.UnmarshalJSON fails on it, and with it the whole ConversionReview.
    assert blocked(pool(spec="  disruption:\n    expireAfter: 30d\n")) == ["KC006"]


def test_np4_template_expire_after_is_not_a_v1beta1_field() -> None:
    text = pool(template_spec="      expireAfter: 1h\n", spec="  disruption:\n    expireAfter: 2h\n")
    assert template_spec(text)["expireAfter"] == "2h"
    assert notes(text) == [("KC005", Level.WARNING)]


# ---------------------------------------------------------------- NP-5, NP-6, NP-7 (consolidation)


def test_np5_underutilized_without_consolidate_after_gets_0s() -> None:
    # upstream "should convert v1beta1 nodepool consolidateAfter to 0 for WhenUnderutilized".
    out = webhook(pool(spec="  disruption:\n    consolidationPolicy: WhenUnderutilized\n"))
    assert out.endswith(
        "  disruption:\n    consolidationPolicy: WhenEmptyOrUnderutilized\n    consolidateAfter: 0s\nstatus: {}\n"
    )


def test_np5_never_becomes_0s_in_place_and_says_consolidation_turns_on() -> None:
    text = pool(
        spec='  disruption:\n    consolidateAfter: "Never"  # off\n    consolidationPolicy: WhenUnderutilized\n'
    )
    assert (
        '    consolidateAfter: "0s"  # off\n    consolidationPolicy: WhenEmptyOrUnderutilized\n'
        in webhook(text)
    )
    found = convert(text, *WEBHOOK).notes
    assert [(n.code, n.level) for n in found] == [("KM131", Level.WARNING)]
    assert "consolidates" in found[0].message and found[0].path == ("spec", "disruption", "consolidateAfter")


def test_np5_a_duration_v1beta1_rejected_is_replaced_without_a_note() -> None:
    text = pool(spec="  disruption:\n    consolidationPolicy: WhenUnderutilized\n    consolidateAfter: 30s\n")
    assert data(text)["spec"]["disruption"]["consolidateAfter"] == "0s"
    assert notes(text) == []


def test_np5_noop_for_when_empty() -> None:
    disruption = (
        "  disruption:\n    consolidationPolicy: WhenEmpty\n    consolidateAfter: 30s  # half a minute\n"
    )
    assert disruption + "status: {}\n" in webhook(pool(spec=disruption))


@pytest.mark.parametrize(
    ("policy", "stored"),
    [
        ("WhenUnderutilized", "WhenEmptyOrUnderutilized"),
        ("'WhenUnderutilized'", "'WhenEmptyOrUnderutilized'"),
        ("WhenEmpty", "WhenEmpty"),  # upstream "should convert v1beta1 nodepool consolidatePolicy"
    ],
)
def test_np6_policy(policy: str, stored: str) -> None:
    text = pool(
        spec=f"  disruption:\n    consolidationPolicy: {policy}  # why\n    consolidateAfter: Never\n"
    )
    assert f"    consolidationPolicy: {stored}  # why\n" in webhook(text)


@pytest.mark.parametrize("policy", ['""', ""])
def test_np6_empty_policy_is_omitted(policy: str) -> None:
    text = pool(spec=f"  disruption:\n    consolidationPolicy: {policy}\n    consolidateAfter: 1m\n")
    assert data(text)["spec"]["disruption"] == {"consolidateAfter": "1m"}


def test_np6_noop_without_policy() -> None:
    assert "consolidationPolicy" not in webhook(pool(spec="  disruption:\n    consolidateAfter: 1m\n"))


@pytest.mark.parametrize(
    ("disruption", "stored"),
    [
        ("consolidationPolicy: WhenEmpty, consolidateAfter: 2121s", "2121s"),  # upstream WhenEmpty: kept
        ("consolidateAfter: '1h'", "1h"),  # no policy: copied
        ("consolidationPolicy: WhenEmpty", "Never"),  # v1beta1 CEL rejects it; convert alone gives Never
        ("consolidationPolicy: WhenEmpty, consolidateAfter: null", "Never"),
    ],
)
def test_np7_other_policies_copy_consolidate_after(disruption: str, stored: str) -> None:
    assert (
        data(pool(spec=f"  disruption: {{{disruption}}}\n"))["spec"]["disruption"]["consolidateAfter"]
        == stored
    )


@pytest.mark.parametrize("disruption", ["", "  disruption:\n", "  disruption: {}\n"])
def test_np7_disruption_always_present(disruption: str) -> None:
    out = webhook(pool(spec=disruption))
    assert out.endswith("  disruption:\n    consolidateAfter: Never\nstatus: {}\n")


def test_np7_noop_keeps_text_and_quoting() -> None:
    disruption = '  disruption:\n    consolidationPolicy: "WhenEmpty"\n    consolidateAfter: "90s"\n'
    assert disruption in webhook(pool(spec=disruption))


def test_np7_unparsable_consolidate_after_blocks_the_object() -> None:
    assert blocked(
        pool(spec="  disruption: {consolidationPolicy: WhenEmpty, consolidateAfter: 5 min}\n")
    ) == ["KC006"]


# ---------------------------------------------------------------- NP-8 (S-2)


@pytest.mark.parametrize(
    ("written", "stored"),
    [("8h", "8h0m0s"), ("90m", "1h30m0s"), ("10m", "10m0s"), ("1h30m", "1h30m0s"), ("'2h'", "'2h0m0s'")],
)
def test_np8_budget_duration_rerendered_in_place(written: str, stored: str) -> None:
    budgets = f'    budgets:\n      - nodes: "0"\n        duration: {written}  # window\n        schedule: "@daily"\n'
    out = webhook(pool(spec="  disruption:\n    consolidationPolicy: WhenUnderutilized\n" + budgets))
    assert f'      - nodes: "0"\n        duration: {stored}  # window\n        schedule: "@daily"\n' in out


def test_np8_upstream_budgets() -> None:
    # upstream Budgets context: nodes "1545" copied, schedule "1545" alone, duration 2121s -> 35m21s.
    text = pool(
        spec="  disruption:\n    budgets:\n      - nodes: '1545'\n      - schedule: '1545'\n"
        "      - {nodes: '1', schedule: '@daily', duration: 2121s}\n"
    )
    assert data(text)["spec"]["disruption"]["budgets"] == [
        {"nodes": "1545"},
        {"schedule": "1545", "nodes": ""},  # nodes has no omitempty
        {"nodes": "1", "schedule": "@daily", "duration": "35m21s"},
    ]
    # The webhook stores what the v1 schema rejects (nodes "", 35m21s): reported, not fixed.
    assert set(codes(convert(text, *WEBHOOK))) == {"KC003"}


def test_np8_budget_without_nodes_gets_nodes_at_its_end() -> None:
    budgets = "    budgets:\n      - schedule: '@daily'   # nightly\n        duration: 1h\n"
    out = webhook(pool(spec="  disruption:\n" + budgets))
    assert "      - schedule: '@daily'   # nightly\n        duration: 1h0m0s\n        nodes: \"\"\n" in out


@pytest.mark.parametrize("budgets", ["budgets: []", "budgets:"])
def test_np8_empty_budgets_dropped(budgets: str) -> None:
    assert "budgets" not in webhook(pool(spec=f"  disruption:\n    consolidateAfter: 1m\n    {budgets}\n"))


def test_np8_noop() -> None:
    budgets = '    budgets:\n    - nodes: 10%\n    - nodes: "0"\n      schedule: "0 9 * * *"\n      duration: 8h0m0s\n'
    assert budgets in webhook(pool(spec="  disruption:\n    consolidateAfter: 1m\n" + budgets))


def test_np8_unparsable_duration_blocks_the_object() -> None:
    text = pool(spec="  disruption:\n    budgets:\n      - {nodes: '1', schedule: '@daily', duration: 1d}\n")
    assert blocked(text) == ["KC006"]


# ---------------------------------------------------------------- NP-10, NP-11


@pytest.mark.parametrize("empty", ["[]", "", "[]   # none yet"])
def test_np10_empty_taints_dropped(empty: str) -> None:
    spec = template_spec(pool(template_spec=f"      taints: {empty}\n      startupTaints: {empty}\n"))
    assert "taints" not in spec and "startupTaints" not in spec


def test_np10_noop_taints_copied() -> None:
    # upstream "template taints" / "startup taints": key, value, effect (and timeAdded) unchanged.
    taints = (
        "      taints:\n        - {key: test-key-1, value: test-value-1, effect: NoExecute}\n"
        "        - key: test-key-2\n          value: test-value-2\n          effect: NoSchedule\n"
        "          timeAdded: '2024-08-01T10:00:00Z'\n"
        "      startupTaints:\n        - {key: test-key-startup-1, value: test-value-startup-1, effect: NoExecute}\n"
    )
    assert taints in webhook(pool(template_spec=taints))


def test_np11_absent_requirements_written_empty_at_the_end() -> None:
    out = webhook(pool(requirements=""))
    assert (
        "        name: default\n      expireAfter: Never\n      requirements: []\n    metadata: {}\n" in out
    )


def test_np11_upstream_requirements_copied_min_values_unchecked() -> None:
    requirements = (
        "      requirements:\n        - key: kubernetes.io/arch\n          operator: Exists\n"
        "          minValues: 98946513\n"
        "        - {key: karpenter.sh/capacity-type, operator: In, values: [spot], minValues: 513164}\n"
    )
    assert requirements in webhook(pool(requirements=requirements))


@pytest.mark.parametrize("values", ["values: []", "values:"])
def test_np11_empty_values_omitted(values: str) -> None:
    requirements = f"      requirements:\n        - key: example.com/gpu\n          operator: DoesNotExist\n          {values}\n"
    assert template_spec(pool(requirements=requirements))["requirements"] == [
        {"key": "example.com/gpu", "operator": "DoesNotExist"}
    ]


# ---------------------------------------------------------------- NP-12, NP-14


@pytest.mark.parametrize(
    ("ref", "stored", "annotation"),
    [
        # upstream "should convert v1beta1 nodepool template nodeClassRef"
        (
            "{kind: test-kind, name: nodeclass-test, apiVersion: testgroup.sh/testversion}",
            {"kind": "test-kind", "name": "nodeclass-test", "group": "testgroup.sh"},
            '{"kind":"test-kind","name":"nodeclass-test","apiVersion":"testgroup.sh/testversion"}',
        ),
        # upstream "should set default nodeclass group and kind on v1beta1 nodeclassRef"
        (
            "{name: nodeclass-test}",
            {"name": "nodeclass-test", "group": "karpenter.k8s.aws", "kind": "EC2NodeClass"},
            '{"name":"nodeclass-test"}',
        ),
        # no parsing: the text before the first "/"
        (
            "{apiVersion: v1beta1, name: legacy}",
            {"group": "v1beta1", "name": "legacy", "kind": "EC2NodeClass"},
            '{"name":"legacy","apiVersion":"v1beta1"}',
        ),
        (
            "{apiVersion: '', kind: '', name: web}",
            {"group": "karpenter.k8s.aws", "kind": "EC2NodeClass", "name": "web"},
            '{"name":"web"}',
        ),
    ],
)
def test_np12_np14_reference(ref: str, stored: dict[str, str], annotation: str) -> None:
    converted = data(pool(ref=f"      nodeClassRef: {ref}\n"))
    assert converted["spec"]["template"]["spec"]["nodeClassRef"] == stored
    assert converted["metadata"]["annotations"][REFERENCE_KEY] == annotation


def test_np12_renames_in_place_and_appends_defaults() -> None:
    ref = "      nodeClassRef:\n        apiVersion: karpenter.k8s.aws/v1beta1  # the AWS provider\n        name: default\n"
    out = webhook(pool(ref=ref))
    assert (
        "      nodeClassRef:\n        group: karpenter.k8s.aws  # the AWS provider\n        name: default\n"
        "        kind: EC2NodeClass\n"
    ) in out


def test_np12_foreign_group_is_reported() -> None:
    found = convert(pool(ref="      nodeClassRef: {apiVersion: v1beta1, name: legacy}\n"), *WEBHOOK).notes
    assert [(n.code, n.level) for n in found] == [("KM116", Level.WARNING)]
    assert "'v1beta1'" in found[0].message


def test_np12_np14_missing_reference() -> None:
    # upstream "should not panic when the v1beta1 nodeclassRef is not defined": empty kind, name, group.
    text = pool(ref="")
    out = webhook(text)
    assert f"    {REFERENCE_KEY}: 'null'\n" in out
    assert '      nodeClassRef:\n        kind: ""\n        name: ""\n        group: ""\n' in out
    assert notes(text) == [("KM116", Level.WARNING)]


def test_np14_replaces_a_stale_value_in_place() -> None:
    meta = f"  annotations:\n    {REFERENCE_KEY}: stale\n    owner: infra\n"
    assert f"    {REFERENCE_KEY}: '{AWS_REFERENCE}'\n    owner: infra\n" in webhook(pool(meta=meta))


def test_np14_json_style_document_stays_json_style() -> None:
    meta = '  "annotations":\n    "owner": "infra"\n'
    escaped = AWS_REFERENCE.replace('"', '\\"')
    assert f'    "owner": "infra"\n    "{REFERENCE_KEY}": "{escaped}"\n' in webhook(pool(meta=meta))


def test_np14_reference_go_cannot_decode_blocks_the_object() -> None:
    assert blocked(pool(ref="      nodeClassRef: {name: 42}\n")) == ["KC006"]


# ---------------------------------------------------------------- NP-13 (S-4)

#: upstream "should convert v1 nodepool template kubelet" (v1.0.9 types: string maps).
UPSTREAM_KUBELET = """\
      kubelet:
        clusterDNS: [test-cluster-dns]
        maxPods: 9383
        podsPerCore: 9334283
        systemReserved: {cpu: "2"}
        kubeReserved: {cpu: "2"}
        evictionHard: {eviction-key: eviction}
        evictionSoft: {eviction-key: eviction}
        evictionSoftGracePeriod: {test-soft-grace: 1h}
        evictionMaxPodGracePeriod: 382902
        imageGCHighThresholdPercent: 382902
        cpuCFSQuota: false
"""


def test_np13_kubelet_becomes_the_annotation() -> None:
    converted = data(pool(template_spec=UPSTREAM_KUBELET))
    assert "kubelet" not in converted["spec"]["template"]["spec"]
    annotation = converted["metadata"]["annotations"][KUBELET_KEY]
    assert annotation == (
        '{"clusterDNS":["test-cluster-dns"],"maxPods":9383,"podsPerCore":9334283,"systemReserved":{"cpu":"2"},'
        '"kubeReserved":{"cpu":"2"},"evictionHard":{"eviction-key":"eviction"},'
        '"evictionSoft":{"eviction-key":"eviction"},"evictionSoftGracePeriod":{"test-soft-grace":"1h0m0s"},'
        '"evictionMaxPodGracePeriod":382902,"imageGCHighThresholdPercent":382902,"cpuCFSQuota":false}'
    )
    assert json.loads(annotation)["cpuCFSQuota"] is False
    assert list(converted["metadata"]["annotations"]) == [KUBELET_KEY, REFERENCE_KEY]


def test_np13_kubelet_annotation_placement_and_quoting() -> None:
    meta = "  annotations:\n    owner: infra\n"
    out = webhook(pool(meta=meta, template_spec="      kubelet: {maxPods: 10}\n"))
    assert f"    owner: infra\n    {KUBELET_KEY}: '{{\"maxPods\":10}}'\n    {REFERENCE_KEY}: " in out
    assert "kubelet:" not in out


def test_np13_empty_kubelet_still_makes_an_annotation() -> None:
    assert data(pool(template_spec="      kubelet: {}\n"))["metadata"]["annotations"][KUBELET_KEY] == "{}"


def test_np13_unknown_kubelet_key_dropped_with_a_note() -> None:
    text = pool(template_spec="      kubelet:\n        maxPods: 10\n        containerLogMaxSize: 50Mi\n")
    assert data(text)["metadata"]["annotations"][KUBELET_KEY] == '{"maxPods":10}'
    found = convert(text, *WEBHOOK).notes
    assert [n.code for n in found] == ["KC005"] and "containerLogMaxSize" in found[0].message


def test_np13_without_kubelet_a_stale_annotation_is_deleted() -> None:
    meta = f"  annotations:\n    {KUBELET_KEY}: '{{\"maxPods\":58}}'\n    owner: infra\n"
    text = pool(meta=meta)
    assert data(text)["metadata"]["annotations"] == {"owner": "infra", REFERENCE_KEY: AWS_REFERENCE}
    assert notes(text) == []


def test_np13_noop_without_kubelet() -> None:
    assert KUBELET_KEY not in webhook(pool())


def test_np13_kubelet_go_cannot_decode_blocks_the_object() -> None:
    assert blocked(pool(template_spec="      kubelet: {maxPods: '10'}\n")) == ["KC006"]


# ---------------------------------------------------------------- NP-15


def test_np15_empty_resources_dropped_silently() -> None:
    text = pool(template_spec="      resources: {}\n")
    assert "resources" not in webhook(text)
    assert notes(text) == []


@pytest.mark.parametrize("mode", [(), WEBHOOK])
def test_np15_non_empty_resources_dropped_with_a_note(mode: tuple[str, ...]) -> None:
    text = pool(template_spec="      resources:\n        requests: {cpu: '1'}\n")
    result = convert(text, *mode)
    assert "resources" not in (result.text or "")
    assert "KC005" in codes(result)


def test_np15_noop() -> None:
    assert "resources" not in webhook(pool())


# ---------------------------------------------------------------- S-6


def test_s6_existing_status_and_template_metadata_are_kept() -> None:
    template = "    metadata:\n      labels: {tier: web}\n"
    out = webhook(pool(template=template, tail="status:\n  resources: {cpu: '4'}\n"))
    assert out.count("metadata:") == 2 and "    metadata: {}" not in out
    assert out.endswith("status:\n  resources: {cpu: '4'}\n")


@pytest.mark.parametrize("tail", ["status:\n", "status: {}\n"])
def test_s6_null_status_becomes_empty(tail: str) -> None:
    assert webhook(pool(tail=tail)).endswith("status: {}\n")


def test_s6_null_template_metadata_becomes_empty() -> None:
    assert "  template:\n    metadata: {}\n    spec:\n" in webhook(pool(template="    metadata:\n"))


def test_s6_ec2nodeclass_gets_status_too() -> None:
    text = (
        "apiVersion: karpenter.k8s.aws/v1beta1\nkind: EC2NodeClass\nmetadata:\n  name: demo\nspec:\n"
        "  amiFamily: Custom\n  amiSelectorTerms: [{id: ami-0123456789abcdef0}]\n  role: NodeRole\n"
        "  subnetSelectorTerms: [{id: subnet-0123456789abcdef0}]\n"
        "  securityGroupSelectorTerms: [{id: sg-0123456789abcdef0}]\n"
    )
    assert webhook(text) == text.replace("v1beta1", "v1") + "status: {}\n"


def test_s6_clean_mode_adds_nothing() -> None:
    out = output(pool(spec="  disruption:\n    consolidationPolicy: WhenEmpty\n    consolidateAfter: 1m\n"))
    assert "status" not in out and "metadata: {}" not in out and "annotations" not in out
