"""NodePool drift (drift-and-lint §a.1): hashed template fields, behaviour-only fields, spellings, migrations."""

from __future__ import annotations

import textwrap

import pytest
from drift_support import changes, codes, load, nodepool

from karpmigrate.convert import Options, convert_text
from karpmigrate.drift import NODECLASS_DRIFT, NODEPOOL_DRIFTED, compare_nodepools
from karpmigrate.target import Target

TEMPLATE = ("spec", "template")
CLAIM = (*TEMPLATE, "spec")
KUBELET_ANNOTATION = "compatibility.karpenter.sh/v1beta1-kubelet-conversion"

BASE = """\
template:
  metadata:
    labels: {team: web}
    annotations: {example.com/owner: web}
  spec:
    nodeClassRef: {group: karpenter.k8s.aws, kind: EC2NodeClass, name: default}
    taints:
      - {key: dedicated, value: web, effect: NoSchedule}
      - {key: spot, effect: PreferNoSchedule}
    startupTaints:
      - {key: node.cilium.io/agent-not-ready, value: "true", effect: NoExecute}
    requirements:
      - {key: karpenter.sh/capacity-type, operator: In, values: [spot, on-demand]}
      - {key: karpenter.k8s.aws/instance-category, operator: In, values: [c, m, r], minValues: 2}
    expireAfter: 720h
disruption:
  consolidationPolicy: WhenEmptyOrUnderutilized
  consolidateAfter: 1m
  budgets:
    - nodes: 10%
limits:
  cpu: "1000"
weight: 10
"""


def edit(old: str, new: str) -> str:
    assert old in BASE, old
    return nodepool(BASE.replace(old, new, 1))


# ---------------------------------------------------------------- every hashed field drifts


@pytest.mark.parametrize(
    ("old", "new", "code", "path"),
    [
        pytest.param(
            "{team: web}",
            "{team: api}",
            "KM201",
            (*TEMPLATE, "metadata", "labels", "team"),
            id="label changed",
        ),
        pytest.param(
            "{team: web}",
            "{team: web, tier: a}",
            "KM201",
            (*TEMPLATE, "metadata", "labels", "tier"),
            id="label added",
        ),
        pytest.param(
            "    labels: {team: web}\n",
            "",
            "KM201",
            (*TEMPLATE, "metadata", "labels", "team"),
            id="labels removed",
        ),
        pytest.param(
            "{example.com/owner: web}",
            "{example.com/owner: api}",
            "KM209",
            (*TEMPLATE, "metadata", "annotations", "example.com/owner"),
            id="annotation changed",
        ),
        pytest.param("value: web,", "value: api,", "KM201", (*CLAIM, "taints"), id="taint value"),
        pytest.param(
            "effect: PreferNoSchedule}", "effect: NoSchedule}", "KM201", (*CLAIM, "taints"), id="taint effect"
        ),
        pytest.param(
            'value: "true"', 'value: "false"', "KM201", (*CLAIM, "startupTaints"), id="startup taint"
        ),
        pytest.param(
            "name: default}", "name: gpu}", "KM201", (*CLAIM, "nodeClassRef", "name"), id="nodeClassRef name"
        ),
        pytest.param(
            "expireAfter: 720h", "expireAfter: 168h", "KM201", (*CLAIM, "expireAfter"), id="expireAfter"
        ),
        pytest.param(
            "expireAfter: 720h",
            "expireAfter: Never",
            "KM201",
            (*CLAIM, "expireAfter"),
            id="expireAfter Never",
        ),
        pytest.param(
            "expireAfter: 720h",
            "expireAfter: 720h\n    terminationGracePeriod: 24h",
            "KM201",
            (*CLAIM, "terminationGracePeriod"),
            id="terminationGracePeriod added",
        ),
        pytest.param(
            "expireAfter: 720h",
            "expireAfter: 720h\n    terminationGracePeriod: 0s",
            "KM201",
            (*CLAIM, "terminationGracePeriod"),
            id="terminationGracePeriod 0s is a value",
        ),
    ],
)
def test_hashed_field_changes_drift_every_node(old, new, code, path):
    found = changes(nodepool(BASE), edit(old, new))
    assert [(c.code.code, c.path) for c in found] == [(code, path)]
    assert found[0].reason == NODEPOOL_DRIFTED
    assert "every node of NodePool default" in found[0].message


def test_expire_after_message_names_the_values():
    (change,) = changes(nodepool(BASE), edit("expireAfter: 720h", "expireAfter: Never"))
    assert (change.old, change.new) == ("720h", "Never")
    assert change.message.startswith("expireAfter 720h -> Never: hashed in the NodePool template")


def test_removed_expire_after_falls_back_to_the_default():
    assert codes(nodepool(BASE), edit("    expireAfter: 720h\n", "")) == []
    assert codes(edit("expireAfter: 720h", "expireAfter: Never"), edit("    expireAfter: 720h\n", "")) == [
        ("KM201", (*CLAIM, "expireAfter"))
    ]


def test_do_not_disrupt_added_to_the_template_is_km209_only():
    found = changes(
        nodepool(BASE),
        edit("{example.com/owner: web}", '{example.com/owner: web, karpenter.sh/do-not-disrupt: "true"}'),
    )
    assert [(c.code.code, c.path[-1]) for c in found] == [("KM209", "karpenter.sh/do-not-disrupt")]
    assert "running nodes lack it" in found[0].message


# ---------------------------------------------------------------- behaviour only: never drift


@pytest.mark.parametrize(
    ("old", "new"),
    [
        pytest.param('cpu: "1000"', 'cpu: "2000"\n  memory: 1000Gi', id="limits"),
        pytest.param("weight: 10", "weight: 50", id="weight"),
        pytest.param(
            "- nodes: 10%",
            '- nodes: "0"\n      reasons: [Drifted]\n      schedule: "0 9 * * *"\n      duration: 8h',
            id="budgets",
        ),
        pytest.param(
            "consolidationPolicy: WhenEmptyOrUnderutilized",
            "consolidationPolicy: WhenEmpty",
            id="consolidationPolicy",
        ),
        pytest.param("consolidateAfter: 1m", "consolidateAfter: Never", id="consolidateAfter"),
        pytest.param("minValues: 2", "minValues: 3", id="minValues"),
        pytest.param("values: [c, m, r]", "values: [c, m, r, t]", id="requirement widened"),
        pytest.param(
            "      - {key: karpenter.k8s.aws/instance-category, operator: In, values: [c, m, r], minValues: 2}\n",
            "",
            id="requirement removed",
        ),
        pytest.param("limits:", "replicas: 3\nlimits:", id="replicas"),
    ],
)
def test_behaviour_only_fields_never_drift(old, new):
    assert codes(nodepool(BASE), edit(old, new)) == []


def test_object_metadata_is_not_hashed():
    assert codes(nodepool(BASE), nodepool(BASE, metadata="labels: {a: b}\nannotations: {c: d}\n")) == []


# ---------------------------------------------------------------- spelling only: never drift


@pytest.mark.parametrize(
    ("old", "new"),
    [
        pytest.param("expireAfter: 720h", "expireAfter: 720h0m0s", id="720h vs 720h0m0s"),
        pytest.param("expireAfter: 720h", "expireAfter: 43200m", id="720h vs 43200m"),
        pytest.param("expireAfter: 720h", 'expireAfter: "720h"', id="quoted"),
        pytest.param("    expireAfter: 720h\n", "", id="explicit default vs absent"),
        pytest.param(
            "      - {key: dedicated, value: web, effect: NoSchedule}\n      - {key: spot, effect: PreferNoSchedule}\n",
            "      - {key: spot, effect: PreferNoSchedule}\n      - {effect: NoSchedule, value: web, key: dedicated}\n",
            id="taint order and key order",
        ),
        pytest.param(
            "{key: spot, effect: PreferNoSchedule}",
            '{key: spot, value: "", effect: PreferNoSchedule}',
            id="empty taint value",
        ),
        pytest.param("values: [spot, on-demand]", "values: [on-demand, spot]", id="requirement value order"),
        pytest.param('value: "true"', "value: 'true'", id="quote style"),
        pytest.param(
            "{group: karpenter.k8s.aws, kind: EC2NodeClass, name: default}",
            "{name: default, kind: EC2NodeClass, group: karpenter.k8s.aws}",
            id="nodeClassRef key order",
        ),
    ],
)
def test_spelling_only_changes_never_drift(old, new):
    assert codes(nodepool(BASE), edit(old, new)) == []


def test_requirement_order_never_drifts():
    reordered = BASE.replace(
        "      - {key: karpenter.sh/capacity-type, operator: In, values: [spot, on-demand]}\n"
        "      - {key: karpenter.k8s.aws/instance-category, operator: In, values: [c, m, r], minValues: 2}\n",
        "      - {key: karpenter.k8s.aws/instance-category, operator: In, values: [r, m, c]}\n"
        "      - {key: karpenter.sh/capacity-type, operator: In, values: [spot, on-demand]}\n",
    )
    assert codes(nodepool(BASE), nodepool(reordered)) == []


# ---------------------------------------------------------------- explicit empties: KM210


def test_explicit_empty_list_is_km210_not_km201():
    without = BASE.replace(
        '    startupTaints:\n      - {key: node.cilium.io/agent-not-ready, value: "true", effect: NoExecute}\n',
        "",
    )
    found = changes(
        nodepool(without),
        nodepool(without.replace("expireAfter: 720h", "expireAfter: 720h\n    startupTaints: []")),
    )
    assert [(c.code.code, c.path) for c in found] == [("KM210", (*CLAIM, "startupTaints"))]
    assert found[0].reason == NODEPOOL_DRIFTED
    assert "inferred" in found[0].message
    assert "startupTaints added []" in found[0].message


def test_empty_template_labels_map_alone_is_km210():
    without = BASE.replace("    labels: {team: web}\n", "")
    with_empty = BASE.replace("    labels: {team: web}\n", "    labels: {}\n")
    assert codes(nodepool(without), nodepool(with_empty)) == [("KM210", (*TEMPLATE, "metadata", "labels"))]


# ---------------------------------------------------------------- migrations v1beta1 -> v1

V1BETA1 = """\
template:
  metadata:
    labels: {team: web}
    annotations: {karpenter.sh/do-not-consolidate: "true"}
  spec:
    nodeClassRef:
      apiVersion: karpenter.k8s.aws/v1beta1
      kind: EC2NodeClass
      name: default
    taints:
      - {key: dedicated, value: web, effect: NoSchedule}
    requirements:
      - {key: karpenter.sh/capacity-type, operator: In, values: [spot, on-demand]}
      - {key: beta.kubernetes.io/arch, operator: In, values: [amd64]}
    kubelet:
      maxPods: 110
      systemReserved: {memory: 1Gi}
disruption:
  consolidationPolicy: WhenUnderutilized
  expireAfter: Never
  budgets:
    - nodes: 20%
limits:
  cpu: 1000
"""

CLASS = """\
---
apiVersion: karpenter.k8s.aws/v1beta1
kind: EC2NodeClass
metadata:
  name: default
spec:
  amiFamily: AL2023
  role: KarpenterNodeRole
  subnetSelectorTerms: [{tags: {karpenter.sh/discovery: prod}}]
  securityGroupSelectorTerms: [{tags: {karpenter.sh/discovery: prod}}]
"""


def migrate(text: str, **options: object) -> dict:
    """The first document of the clean conversion of ``text`` + the EC2NodeClass it refers to."""
    result = convert_text(text + CLASS, Options(**options))  # type: ignore[arg-type]
    assert result.text is not None
    return load(result.text.split("---\n")[0])


def test_faithful_clean_conversion_only_renames_the_deprecated_annotation():
    old = nodepool(V1BETA1, version="v1beta1")
    found = changes(old, migrate(old))
    assert [(c.code.code, c.path[-1]) for c in found] == [("KM209", "karpenter.sh/do-not-disrupt")]
    assert "karpenter.sh/do-not-consolidate renamed to karpenter.sh/do-not-disrupt" in found[0].message


def test_faithful_clean_conversion_keeping_deprecated_annotations_has_no_drift():
    old = nodepool(V1BETA1, version="v1beta1")
    assert codes(old, migrate(old, keep_deprecated_annotations=True)) == []


def test_handwritten_v1_equivalent_has_no_drift():
    new = nodepool(
        """\
        template:
          metadata:
            labels: {team: web}
            annotations: {karpenter.sh/do-not-consolidate: "true"}
          spec:
            nodeClassRef: {group: karpenter.k8s.aws, kind: EC2NodeClass, name: default}
            taints: [{key: dedicated, value: web, effect: NoSchedule}]
            requirements:
              - {key: kubernetes.io/arch, operator: In, values: [amd64]}
              - {key: karpenter.sh/capacity-type, operator: In, values: [on-demand, spot]}
            expireAfter: Never
        disruption:
          consolidationPolicy: WhenEmptyOrUnderutilized
          consolidateAfter: 0s
        """
    )
    assert codes(nodepool(V1BETA1, version="v1beta1"), new) == []


def test_migration_that_drops_expire_after_never_drifts():
    old = nodepool(V1BETA1, version="v1beta1")
    new = migrate(old, keep_deprecated_annotations=True)
    del new["spec"]["template"]["spec"]["expireAfter"]
    found = changes(old, new)
    assert [(c.code.code, c.path, c.old, c.new) for c in found] == [
        ("KM201", (*CLAIM, "expireAfter"), "Never", "720h")
    ]


def test_migration_of_absent_expire_after_compares_with_the_stored_720h():
    v1beta1 = V1BETA1.replace("  expireAfter: Never\n", "")
    old = nodepool(v1beta1, version="v1beta1")
    new = migrate(old, keep_deprecated_annotations=True)
    assert "expireAfter" not in new["spec"]["template"]["spec"]
    assert codes(old, new) == []
    new["spec"]["template"]["spec"]["expireAfter"] = "Never"
    assert codes(old, new) == [("KM201", (*CLAIM, "expireAfter"))]


def test_migration_that_renames_the_nodeclass_drifts():
    old = nodepool(V1BETA1, version="v1beta1")
    new = migrate(old, keep_deprecated_annotations=True)
    new["spec"]["template"]["spec"]["nodeClassRef"]["name"] = "default-v1"
    assert codes(old, new) == [("KM201", (*CLAIM, "nodeClassRef", "name"))]


def test_moving_kubelet_out_of_the_nodepool_is_not_nodepool_drift():
    # The kubelet now lives in the EC2NodeClass; whether it matches is KM102's question.
    old = nodepool(V1BETA1, version="v1beta1")
    new = migrate(old, keep_deprecated_annotations=True)
    assert "kubelet" not in new["spec"]["template"]["spec"]
    assert codes(old, new) == []


def test_a_v1_nodeclassref_still_written_with_api_version_is_read_as_its_group():
    old = nodepool(V1BETA1, version="v1beta1")
    new = migrate(old, keep_deprecated_annotations=True)
    new["spec"]["template"]["spec"]["nodeClassRef"] = {
        "apiVersion": "karpenter.k8s.aws/v1",
        "name": "default",
    }
    assert codes(old, new) == []


# ---------------------------------------------------------------- both v1beta1, and the target


def test_v1beta1_edit_of_expire_after_drifts_from_1_0_only():
    old = nodepool(V1BETA1, version="v1beta1")
    new = nodepool(V1BETA1.replace("expireAfter: Never", "expireAfter: 168h"), version="v1beta1")
    assert codes(old, new, target="0.37") == []
    assert codes(old, new) == [("KM201", ("spec", "disruption", "expireAfter"))]


def test_v1beta1_kubelet_edit_drifts_by_nodepool_hash_before_1_0_and_kubelet_hash_on_1_0():
    old = nodepool(V1BETA1, version="v1beta1")
    new = nodepool(V1BETA1.replace("maxPods: 110", "maxPods: 58"), version="v1beta1")
    (before,) = changes(old, new, target="0.37")
    assert (before.code.code, before.reason, before.path) == (
        "KM201",
        NODEPOOL_DRIFTED,
        (*CLAIM, "kubelet", "maxPods"),
    )
    (on_1_0,) = changes(old, new)
    assert (on_1_0.code.code, on_1_0.reason, on_1_0.path) == (
        "KM201",
        NODECLASS_DRIFT,
        (*CLAIM, "kubelet", "maxPods"),
    )
    assert "kubelet drift hash" in on_1_0.message
    assert codes(old, new, target="1.1") == []


def test_v1beta1_kubelet_added_on_1_0_drifts():
    without = V1BETA1.replace("    kubelet:\n      maxPods: 110\n      systemReserved: {memory: 1Gi}\n", "")
    found = codes(nodepool(without, version="v1beta1"), nodepool(V1BETA1, version="v1beta1"))
    assert found == [
        ("KM201", (*CLAIM, "kubelet", "maxPods")),
        ("KM201", (*CLAIM, "kubelet", "systemReserved", "memory")),
    ]


def test_v1beta1_nodeclassref_api_version_is_hashed_before_1_0():
    old = nodepool(V1BETA1, version="v1beta1")
    new = nodepool(V1BETA1.replace("karpenter.k8s.aws/v1beta1", "karpenter.k8s.aws/v1"), version="v1beta1")
    assert codes(old, new, target="0.37") == [("KM201", (*CLAIM, "nodeClassRef", "apiVersion"))]
    assert codes(old, new) == []  # both become group karpenter.k8s.aws


def test_compatibility_annotation_edit_drifts_on_1_0():
    def pool(kubelet: str) -> str:
        return nodepool(BASE, metadata=f"annotations:\n  {KUBELET_ANNOTATION}: '{kubelet}'\n")

    old, new = (
        pool('{"maxPods":110,"clusterDNS":["10.0.0.10"]}'),
        pool('{"clusterDNS":["10.0.0.10"],"maxPods":110}'),
    )
    assert codes(old, new) == []
    changed = pool('{"maxPods":58,"clusterDNS":["10.0.0.10"]}')
    found = changes(old, changed)
    assert [(c.code.code, c.reason, c.path[-1]) for c in found] == [("KM201", NODECLASS_DRIFT, "maxPods")]
    assert codes(old, changed, target="1.6") == []
    assert codes(old, nodepool(BASE)) == []  # removed: decided by the EC2NodeClass (KM102)


# ---------------------------------------------------------------- robustness


def test_an_object_the_webhook_rejects_gives_no_changes():
    bad = nodepool(V1BETA1.replace("expireAfter: Never", "expireAfter: 30days"), version="v1beta1")
    assert codes(bad, nodepool(BASE)) == []


@pytest.mark.parametrize(
    "broken",
    [
        "template: []\n",
        "template:\n  spec:\n    taints: notalist\n    requirements: {a: b}\n    expireAfter: 5\n",
        "template:\n  metadata: {labels: [a]}\n  spec: {nodeClassRef: default}\n",
    ],
)
def test_wrong_types_never_raise(broken):
    found = changes(nodepool(BASE), nodepool(broken))
    assert all(c.code.code in {"KM201", "KM209", "KM210"} for c in found)
    compare_nodepools(load(nodepool(broken)), load(nodepool(BASE)), Target())


def test_messages_are_one_line():
    found = changes(nodepool(BASE), edit("value: web,", "value: " + "x" * 200 + ","))
    assert all("\n" not in c.message for c in found)
    assert all(len(c.new or "") <= 60 for c in found)


def test_dedent_helper_is_exact():
    assert textwrap.dedent(nodepool(BASE)).startswith("apiVersion: karpenter.sh/v1\n")


def test_v1beta1_reference_by_name_only_gets_the_provider_defaults():
    old = nodepool(
        V1BETA1.replace("      apiVersion: karpenter.k8s.aws/v1beta1\n      kind: EC2NodeClass\n", ""),
        version="v1beta1",
    )
    new = migrate(old, keep_deprecated_annotations=True)
    assert new["spec"]["template"]["spec"]["nodeClassRef"] == {
        "name": "default",
        "group": "karpenter.k8s.aws",
        "kind": "EC2NodeClass",
    }
    assert codes(old, new) == []


@pytest.mark.parametrize("spec", [[], "text", {"disruption": ["x"]}])
def test_a_v1beta1_shape_go_cannot_decode_gives_no_changes(spec):
    old = load(nodepool(version="v1beta1"))
    old["spec"] = spec
    assert codes(old, nodepool(BASE)) == []
