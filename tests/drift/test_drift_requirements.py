"""Requirement narrowing (KM202, KM203): which label states old nodes may have that the new pool rejects."""

from __future__ import annotations

import pytest
from drift_support import changes, nodepool

from karpmigrate.drift import REQUIREMENTS_DRIFTED
from karpmigrate.drift.requirements import Requirement, merged, narrowing, parse
from karpmigrate.target import Target

REQUIREMENTS = ("spec", "template", "spec", "requirements")


def pool(*requirements: str, labels: str = "") -> str:
    lines = "".join(f"      - {r}\n" for r in requirements) or "      []\n"
    meta = f"  metadata:\n    labels: {labels}\n" if labels else ""
    return nodepool(
        "template:\n"
        + meta
        + "  spec:\n"
        + "    nodeClassRef: {group: karpenter.k8s.aws, kind: EC2NodeClass, name: default}\n"
        + "    requirements:\n"
        + lines
    )


def found(old: list[str], new: list[str], target: str = "1.0", labels: str = "") -> list[tuple[str, object]]:
    return [
        (c.code.code, c.path[-1])
        for c in changes(pool(*old, labels=labels), pool(*new, labels=labels), target)
    ]


CT = "karpenter.sh/capacity-type"
CAT = "karpenter.k8s.aws/instance-category"
GEN = "karpenter.k8s.aws/instance-generation"
TEAM = "example.com/team"


def req(key: str, operator: str, *values: str) -> str:
    vals = f", values: [{', '.join(repr(v) for v in values)}]" if values else ""
    return f"{{key: {key}, operator: {operator}{vals}}}"


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        pytest.param(
            [req(CAT, "In", "c", "m")], [req(CAT, "In", "c")], [("KM202", 0)], id="value removed from In"
        ),
        pytest.param([req(CAT, "In", "c")], [req(CAT, "In", "c", "m")], [], id="value added to In"),
        pytest.param(
            [req(CAT, "NotIn", "t")], [req(CAT, "NotIn", "t", "a")], [("KM202", 0)], id="value added to NotIn"
        ),
        pytest.param(
            [req(CAT, "NotIn", "t", "a")], [req(CAT, "NotIn", "t")], [], id="value removed from NotIn"
        ),
        pytest.param([req(GEN, "Gt", "4")], [req(GEN, "Gt", "6")], [("KM202", 0)], id="Gt tightened"),
        pytest.param([req(GEN, "Gt", "6")], [req(GEN, "Gt", "4")], [], id="Gt loosened"),
        pytest.param([req(GEN, "Lt", "8")], [req(GEN, "Lt", "7")], [("KM202", 0)], id="Lt tightened"),
        pytest.param([req(GEN, "Gt", "4")], [req(GEN, "Gte", "5")], [], id="Gte same as Gt"),
        pytest.param([req(GEN, "In", "5", "6")], [req(GEN, "Gt", "5")], [("KM202", 0)], id="In vs Gt"),
        pytest.param([req(GEN, "In", "6", "7")], [req(GEN, "Gt", "5")], [], id="In inside Gt"),
        pytest.param([], [req(TEAM, "In", "a")], [("KM202", 0)], id="new In key"),
        pytest.param([], [req(TEAM, "Exists")], [("KM202", 0)], id="new Exists key"),
        pytest.param([], [req(TEAM, "DoesNotExist")], [("KM202", 0)], id="new DoesNotExist key"),
        pytest.param([], [req(CAT, "Exists")], [], id="new Exists on a label every node has"),
        pytest.param([req(TEAM, "In", "a")], [], [], id="requirement removed"),
        pytest.param([], [req("kubernetes.io/arch", "In", "arm64", "amd64")], [], id="In listing every arch"),
        pytest.param([], [req("kubernetes.io/arch", "In", "amd64")], [("KM202", 0)], id="In on arch"),
        pytest.param([], [req(CT, "In", "spot", "on-demand")], [], id="every capacity type on 1.0"),
        pytest.param(
            [req("beta.kubernetes.io/arch", "In", "amd64")],
            [req("kubernetes.io/arch", "In", "amd64")],
            [],
            id="beta key",
        ),
        pytest.param(
            [req(CAT, "In", "c", "m", "r")],
            [req(CAT, "In", "c", "m", "r"), req(CAT, "NotIn", "r")],
            [("KM202", 0)],
            id="merged",
        ),
        pytest.param(
            [req(CAT, "In", "c", "m"), req(CAT, "In", "m", "r")], [req(CAT, "In", "m")], [], id="merged old"
        ),
    ],
)
def test_narrowing(old, new, expected):
    assert found(old, new) == expected


def test_capacity_type_reserved_counts_from_1_3():
    assert found([], [req(CT, "In", "spot", "on-demand")], target="1.3") == [("KM202", 0)]
    assert found([], [req(CT, "In", "spot", "on-demand", "reserved")], target="1.3") == []


def test_template_labels_pin_the_value_old_nodes_have():
    assert found([], [req(TEAM, "In", "a")], labels="{example.com/team: a}") == []
    assert found([], [req(TEAM, "In", "b")], labels="{example.com/team: a}") == [("KM202", 0)]


def test_narrowing_message_and_position():
    (change,) = changes(
        pool(req(CT, "In", "spot"), req(CAT, "In", "c", "m")),
        pool(req(CT, "In", "spot"), req(CAT, "In", "c")),
    )
    assert change.path == (*REQUIREMENTS, 1)
    assert change.reason == REQUIREMENTS_DRIFTED
    assert (change.old, change.new) == ("In [c, m]", "In [c]")
    assert "value m no longer allowed" in change.message
    assert "only the nodes whose karpenter.k8s.aws/instance-category label no longer fits" in change.message


@pytest.mark.parametrize(
    ("key", "why"),
    [
        ("karpenter.k8s.aws/instance-capability-flex", "from v1.7.0"),
        ("karpenter.k8s.aws/placement-group-id", "from v1.11.0"),
        ("karpenter.k8s.aws/instance-gpu-count", "GPU/accelerator"),
    ],
)
def test_new_requirement_on_a_label_old_nodes_lack_is_km203(key, why):
    (change,) = changes(pool(), pool(req(key, "Exists")))
    assert change.code.code == "KM203"
    assert why in change.message
    assert "every node without the label drifts" in change.message


def test_gpu_label_that_must_be_absent_is_km202():
    assert found([], [req("karpenter.k8s.aws/instance-gpu-count", "DoesNotExist")]) == [("KM202", 0)]


def test_min_values_never_drift():
    old = f"{{key: {CAT}, operator: In, values: [c, m], minValues: 1}}"
    new = f"{{key: {CAT}, operator: In, values: [c, m], minValues: 2}}"
    assert found([old], [new]) == []


@pytest.mark.parametrize(
    "entry",
    [
        {"key": "a", "operator": "Gt", "values": ["x"]},
        {"key": "a", "operator": "Near"},
        {"operator": "In"},
        "a",
        None,
    ],
)
def test_requirements_the_api_rejects_are_ignored(entry):
    assert parse(entry) is None


def test_merged_intersects_like_karpenter():
    obj = {
        "spec": {
            "template": {
                "spec": {
                    "requirements": [
                        {"key": "k", "operator": "NotIn", "values": ["a", "5"]},
                        {"key": "k", "operator": "Gt", "values": ["3"]},
                    ]
                }
            }
        }
    }
    requirement = merged(obj)["k"].requirement
    # Bounds drop the non-integer "a"; the merged operator is NotIn, so (Karpenter's quirk) a node
    # without the label passes.
    assert requirement == Requirement(True, frozenset({"5"}), 3, None)
    assert requirement.absent_ok
    assert str(requirement) == "NotIn [5] Gt 3"


def test_bounds_that_cross_give_does_not_exist():
    assert Requirement(True, greater_than=5).intersect(Requirement(True, less_than=3)) == Requirement(False)


def test_narrowing_is_empty_for_the_same_requirement():
    same = Requirement(True, frozenset({"a"}))
    assert not narrowing("k", same, same, None, Target())
