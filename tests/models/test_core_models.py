"""karpenter.sh NodePool / NodeClaim models, v1beta1 (v0.37 CRDs) and v1 (v1.0 CRDs).

Each case mutates one thing of a small valid base and checks what ``validate_object`` says: every
CEL rule fails once and holds once, with the upstream message at the node carrying the rule.
"""

from __future__ import annotations

import copy
import re
from pathlib import Path
from typing import Any

import pytest
from ruamel.yaml import YAML

from karpmigrate.models import IssueKind, manifest_adapter, validate_object

SHARED = Path(__file__).resolve().parents[2] / ".." / "shared"

NODE_CLASS_REF_V1BETA1 = {
    "apiVersion": "karpenter.k8s.aws/v1beta1",
    "kind": "EC2NodeClass",
    "name": "default",
}
NODE_CLASS_REF_V1 = {"group": "karpenter.k8s.aws", "kind": "EC2NodeClass", "name": "default"}
REQUIREMENTS = [{"key": "karpenter.sh/capacity-type", "operator": "In", "values": ["spot"]}]

BASES: dict[str, dict[str, Any]] = {
    "np0": {
        "apiVersion": "karpenter.sh/v1beta1",
        "kind": "NodePool",
        "metadata": {"name": "default"},
        "spec": {
            "template": {"spec": {"nodeClassRef": NODE_CLASS_REF_V1BETA1, "requirements": REQUIREMENTS}}
        },
    },
    "nc0": {
        "apiVersion": "karpenter.sh/v1beta1",
        "kind": "NodeClaim",
        "metadata": {"name": "default-abcde"},
        "spec": {"nodeClassRef": NODE_CLASS_REF_V1BETA1, "requirements": REQUIREMENTS},
    },
    "np1": {
        "apiVersion": "karpenter.sh/v1",
        "kind": "NodePool",
        "metadata": {"name": "default"},
        "spec": {"template": {"spec": {"nodeClassRef": NODE_CLASS_REF_V1, "requirements": REQUIREMENTS}}},
    },
    "nc1": {
        "apiVersion": "karpenter.sh/v1",
        "kind": "NodeClaim",
        "metadata": {"name": "default-abcde"},
        "spec": {"nodeClassRef": NODE_CLASS_REF_V1, "requirements": REQUIREMENTS},
    },
}

# Where the NodeClaim spec lives in each base.
CLAIM_SPEC = {
    "np0": ("spec", "template", "spec"),
    "np1": ("spec", "template", "spec"),
    "nc0": ("spec",),
    "nc1": ("spec",),
}

Path_ = tuple[str | int, ...]
_DELETE = object()


def build(base: str, *changes: tuple[Path_, Any]) -> dict[str, Any]:
    """A deep copy of ``base`` with each (path, value) set; value ``_DELETE`` removes the key."""
    doc = copy.deepcopy(BASES[base])
    for path, value in changes:
        node: Any = doc
        for part in path[:-1]:
            node = node.setdefault(part, {}) if isinstance(node, dict) else node[part]
        if value is _DELETE:
            del node[path[-1]]
        else:
            node[path[-1]] = copy.deepcopy(value)
    return doc


def issues(doc: dict[str, Any]) -> list[tuple[Path_, IssueKind, str]]:
    return [(i.path, i.kind, i.message) for i in validate_object(doc)]


def cel(path: Path_, *messages: str) -> list[tuple[Path_, IssueKind, str]]:
    return [(path, IssueKind.CEL, message) for message in messages]


@pytest.mark.parametrize("base", sorted(BASES))
def test_bases_are_valid(base: str) -> None:
    assert issues(BASES[base]) == []


# ---- CEL rules ---------------------------------------------------------------------------------

K8S = 'label domain "kubernetes.io" is restricted'
K8S_IO = 'label domain "k8s.io" is restricted'
KARPENTER = 'label domain "karpenter.sh" is restricted'
NODEPOOL = 'label "karpenter.sh/nodepool" is restricted'
HOSTNAME = 'label "kubernetes.io/hostname" is restricted'
AWS = 'label domain "karpenter.k8s.aws" is restricted'
IN_VALUES = "requirements with operator 'In' must have a value defined"
GT_LT = "requirements operator 'Gt' or 'Lt' must have a single positive integer value"
MIN_VALUES = (
    "requirements with 'minValues' must have at least that many values specified in the 'values' field"
)
SCHEDULE = "'schedule' must be set with 'duration'"
SIGNALS = (
    "['memory.available','nodefs.available','nodefs.inodesFree','imagefs.available','imagefs.inodesFree',"
    "'pid.available']"
)
RESOURCES = "['cpu','memory','ephemeral-storage','pid']"

# (key, messages it breaks) for requirements[].key; NodeClaims have no "karpenter.sh/nodepool" rule.
KEY_FAILURES = [
    ("kubernetes.io/foo", (K8S,)),
    ("sub.kubernetes.io/foo", (K8S,)),
    ("notkubernetes.io", (K8S,)),
    ("example.k8s.io/foo", (K8S_IO,)),
    ("karpenter.sh/foo", (KARPENTER,)),
    ("mykarpenter.sh/foo", (KARPENTER,)),
    ("karpenter.sh/nodepool", (NODEPOOL,)),
    ("kubernetes.io/hostname", (K8S, HOSTNAME)),
    ("karpenter.k8s.aws/foo", (AWS,)),
]
KEY_PASSES = [
    "example.com/team",
    "node.kubernetes.io/instance-type",
    "node-restriction.kubernetes.io/team",
    "topology.kubernetes.io/zone",
    "kubernetes.io/arch",
    "kops.k8s.io/instancegroup",
    "karpenter.sh/capacity-type",
    "karpenter.k8s.aws/instance-family",
    "kubernetes.io.example.com/foo",
]


def _key_cases() -> list[Any]:
    out = []
    for base, spec in CLAIM_SPEC.items():
        for key, messages in KEY_FAILURES:
            expected = tuple(m for m in messages if m != NODEPOOL or base.startswith("np"))
            out.append(pytest.param(base, spec, key, expected, id=f"{base}-{key}"))
        for key in KEY_PASSES:
            out.append(pytest.param(base, spec, key, (), id=f"{base}-{key}-ok"))
    # The karpenter.k8s.aws well-known list: v1.0's NodeClaim knows two more keys than its NodePool.
    for key in ("karpenter.k8s.aws/ec2nodeclass", "karpenter.k8s.aws/instance-cpu-sustained-clock-speed-mhz"):
        out.append(pytest.param("nc1", ("spec",), key, (), id=f"nc1-{key}-ok"))
        for base in ("np0", "np1", "nc0"):
            out.append(pytest.param(base, CLAIM_SPEC[base], key, (AWS,), id=f"{base}-{key}"))
    return out


@pytest.mark.parametrize(("base", "spec", "key", "messages"), _key_cases())
def test_requirement_key_rules(base: str, spec: Path_, key: str, messages: tuple[str, ...]) -> None:
    doc = build(base, ((*spec, "requirements"), [{"key": key, "operator": "Exists"}]))
    assert issues(doc) == cel((*spec, "requirements", 0, "key"), *messages)


LABELS = ("spec", "template", "metadata", "labels")
LABEL_FAILURES = [
    ("kubernetes.io/foo", (K8S,)),
    ("example.k8s.io/foo", (K8S_IO,)),
    ("karpenter.sh/foo", (KARPENTER,)),
    ("karpenter.sh/nodepool", (NODEPOOL,)),
    ("kubernetes.io/hostname", (K8S, HOSTNAME)),
    ("karpenter.k8s.aws/foo", (AWS,)),
    ("karpenter.k8s.aws/ec2nodeclass", (AWS,)),
]
LABEL_PASSES = [
    "team",
    "example.com/team",
    "node.kubernetes.io/pool",
    "kops.k8s.io/x",
    "karpenter.sh/capacity-type",
    "karpenter.k8s.aws/instance-size",
    "topology.kubernetes.io/zone",
]


@pytest.mark.parametrize("base", ["np0", "np1"])
@pytest.mark.parametrize(
    ("key", "messages"),
    [pytest.param(k, m, id=k) for k, m in LABEL_FAILURES]
    + [pytest.param(k, (), id=f"{k}-ok") for k in LABEL_PASSES],
)
def test_template_label_rules(base: str, key: str, messages: tuple[str, ...]) -> None:
    doc = build(base, (LABELS, {"app": "web", key: "x"}))
    assert issues(doc) == cel(LABELS, *messages)


REQUIREMENT_LIST_CASES = [
    pytest.param([{"key": "example.com/a", "operator": "In", "values": []}], (IN_VALUES,), id="in-empty"),
    pytest.param([{"key": "example.com/a", "operator": "In"}], (IN_VALUES,), id="in-missing"),
    pytest.param([{"key": "example.com/a", "operator": "In", "values": ["x"]}], (), id="in-ok"),
    pytest.param([{"key": "example.com/a", "operator": "NotIn", "values": []}], (), id="notin-empty-ok"),
    pytest.param([{"key": "example.com/a", "operator": "Gt", "values": ["a"]}], (GT_LT,), id="gt-not-int"),
    pytest.param([{"key": "example.com/a", "operator": "Lt", "values": ["-1"]}], (GT_LT,), id="lt-negative"),
    pytest.param([{"key": "example.com/a", "operator": "Gt", "values": ["1", "2"]}], (GT_LT,), id="gt-two"),
    pytest.param([{"key": "example.com/a", "operator": "Gt", "values": ["1.5"]}], (GT_LT,), id="gt-float"),
    pytest.param([{"key": "example.com/a", "operator": "Lt"}], (GT_LT,), id="lt-missing"),
    pytest.param([{"key": "example.com/a", "operator": "Gt", "values": ["10"]}], (), id="gt-ok"),
    pytest.param([{"key": "example.com/a", "operator": "Lt", "values": ["+0"]}], (), id="lt-signed-ok"),
    pytest.param(
        [{"key": "example.com/a", "operator": "In", "values": ["x"], "minValues": 2}],
        (MIN_VALUES,),
        id="minvalues-short",
    ),
    pytest.param(
        [{"key": "example.com/a", "operator": "In", "values": ["x", "y"], "minValues": 2}],
        (),
        id="minvalues-ok",
    ),
    pytest.param(
        [{"key": "example.com/a", "operator": "Exists", "minValues": 2}], (), id="minvalues-exists-ok"
    ),
    pytest.param(
        [
            {"key": "example.com/a", "operator": "In", "values": []},
            {"key": "b", "operator": "Gt", "values": []},
        ],
        (IN_VALUES, GT_LT),
        id="two-rules",
    ),
]


@pytest.mark.parametrize("base", sorted(CLAIM_SPEC))
@pytest.mark.parametrize(("requirements", "messages"), REQUIREMENT_LIST_CASES)
def test_requirement_list_rules(base: str, requirements: list[Any], messages: tuple[str, ...]) -> None:
    path = (*CLAIM_SPEC[base], "requirements")
    assert issues(build(base, (path, requirements))) == cel(path, *messages)


def _disruption(base: str, **fields: Any) -> dict[str, Any]:
    return {"consolidateAfter": "0s", **fields} if base == "np1" else dict(fields)


def build_at(base: str, path: Path_, value: Any) -> dict[str, Any]:
    """``build`` with one change; a v1 NodePool's disruption first gets its required consolidateAfter."""
    if base == "np1" and path[:2] == ("spec", "disruption") and len(path) > 2:
        return build(base, (("spec", "disruption"), _disruption(base)), (path, value))
    return build(base, (path, value))


@pytest.mark.parametrize("base", ["np0", "np1"])
@pytest.mark.parametrize(
    ("budgets", "messages"),
    [
        pytest.param([{"nodes": "10%", "schedule": "@daily"}], (SCHEDULE,), id="schedule-only"),
        pytest.param([{"nodes": "10%"}, {"nodes": "1", "duration": "10m"}], (SCHEDULE,), id="duration-only"),
        pytest.param([{"nodes": "10%", "schedule": "@daily", "duration": "10m"}], (), id="both-ok"),
        pytest.param([{"nodes": "0"}], (), id="neither-ok"),
    ],
)
def test_budget_rule(base: str, budgets: list[Any], messages: tuple[str, ...]) -> None:
    doc = build(base, (("spec", "disruption"), _disruption(base, budgets=budgets)))
    assert issues(doc) == cel(("spec", "disruption", "budgets"), *messages)


COMBINED = "consolidateAfter cannot be combined with consolidationPolicy=WhenUnderutilized"
WHEN_EMPTY = "consolidateAfter must be specified with consolidationPolicy=WhenEmpty"


@pytest.mark.parametrize(
    ("disruption", "messages"),
    [
        pytest.param(
            {"consolidationPolicy": "WhenUnderutilized", "consolidateAfter": "30s"},
            (COMBINED,),
            id="underutilized-after",
        ),
        pytest.param({"consolidateAfter": "30s"}, (COMBINED,), id="defaulted-policy-after"),
        pytest.param(
            {"consolidationPolicy": "WhenUnderutilized", "consolidateAfter": "Never"}, (), id="never-ok"
        ),
        pytest.param({"consolidationPolicy": "WhenUnderutilized"}, (), id="underutilized-ok"),
        pytest.param({"consolidationPolicy": "WhenEmpty"}, (WHEN_EMPTY,), id="empty-without-after"),
        pytest.param({"consolidationPolicy": "WhenEmpty", "consolidateAfter": "30s"}, (), id="empty-ok"),
    ],
)
def test_v1beta1_disruption_rules(disruption: dict[str, Any], messages: tuple[str, ...]) -> None:
    assert issues(build("np0", (("spec", "disruption"), disruption))) == cel(
        ("spec", "disruption"), *messages
    )


def _kubelet_cases() -> list[Any]:
    soft, grace = {"memory.available": "5%"}, {"memory.available": "1m"}
    table: list[tuple[str, dict[str, Any], tuple[str, ...], tuple[str, ...]]] = [
        (
            "eviction-hard-keys",
            {"evictionHard": {"memory.free": "1Gi"}},
            ("evictionHard",),
            (f"valid keys for evictionHard are {SIGNALS}",),
        ),
        (
            "eviction-soft-keys",
            {"evictionSoft": {**soft, "memory.free": "5%"}, "evictionSoftGracePeriod": grace},
            ("evictionSoft",),
            (f"valid keys for evictionSoft are {SIGNALS}",),
        ),
        (
            "grace-keys",
            {"evictionSoft": soft, "evictionSoftGracePeriod": {**grace, "memory.free": "1m"}},
            ("evictionSoftGracePeriod",),
            (f"valid keys for evictionSoftGracePeriod are {SIGNALS}",),
        ),
        (
            "kube-reserved-keys",
            {"kubeReserved": {"gpu": "1"}},
            ("kubeReserved",),
            (f"valid keys for kubeReserved are {RESOURCES}",),
        ),
        (
            "kube-reserved-negative",
            {"kubeReserved": {"cpu": "-100m"}},
            ("kubeReserved",),
            ("kubeReserved value cannot be a negative resource quantity",),
        ),
        (
            "system-reserved-keys",
            {"systemReserved": {"gpu": "1"}},
            ("systemReserved",),
            (f"valid keys for systemReserved are {RESOURCES}",),
        ),
        (
            "system-reserved-negative",
            {"systemReserved": {"memory": "-1Gi"}},
            ("systemReserved",),
            ("systemReserved value cannot be a negative resource quantity",),
        ),
        (
            "image-gc",
            {"imageGCHighThresholdPercent": 50, "imageGCLowThresholdPercent": 50},
            (),
            ("imageGCHighThresholdPercent must be greater than imageGCLowThresholdPercent",),
        ),
        (
            "soft-without-grace",
            {"evictionSoft": soft},
            (),
            ("evictionSoft OwnerKey does not have a matching evictionSoftGracePeriod",),
        ),
        (
            "grace-without-soft",
            {"evictionSoftGracePeriod": grace},
            (),
            ("evictionSoftGracePeriod OwnerKey does not have a matching evictionSoft",),
        ),
        (
            "soft-grace-mismatch",
            {"evictionSoft": soft, "evictionSoftGracePeriod": {"nodefs.available": "1m"}},
            (),
            (
                "evictionSoft OwnerKey does not have a matching evictionSoftGracePeriod",
                "evictionSoftGracePeriod OwnerKey does not have a matching evictionSoft",
            ),
        ),
        (
            "all-ok",
            {
                "evictionHard": {"memory.available": "100Mi", "nodefs.available": "10%"},
                "evictionSoft": soft,
                "evictionSoftGracePeriod": grace,
                "evictionMaxPodGracePeriod": 60,
                "kubeReserved": {"cpu": "100m", "memory": "1Gi", "ephemeral-storage": "1Gi", "pid": "100"},
                "systemReserved": {"cpu": "0.5"},
                "imageGCHighThresholdPercent": 85,
                "imageGCLowThresholdPercent": 80,
                "maxPods": 110,
                "podsPerCore": 0,
                "cpuCFSQuota": True,
                "clusterDNS": ["10.0.0.10"],
            },
            (),
            (),
        ),
        ("empty-soft-ok", {"evictionSoft": {}}, (), ()),
    ]
    return [
        pytest.param(base, kubelet, where, messages, id=f"{base}-{name}")
        for base in ("np0", "nc0")
        for name, kubelet, where, messages in table
    ]


@pytest.mark.parametrize(("base", "kubelet", "where", "messages"), _kubelet_cases())
def test_v1beta1_kubelet_rules(
    base: str, kubelet: dict[str, Any], where: Path_, messages: tuple[str, ...]
) -> None:
    path = (*CLAIM_SPEC[base], "kubelet")
    assert issues(build(base, (path, kubelet))) == cel((*path, *where), *messages)


def test_nodeclaim_spec_is_immutable_rule_is_not_checked_on_one_manifest() -> None:
    # `self == oldSelf` needs the stored object; any single v1 NodeClaim is judged without it.
    assert issues(build("nc1", (("spec", "terminationGracePeriod"), "1h"))) == []


# ---- defaults applied before validation --------------------------------------------------------


def test_v1_missing_disruption_is_defaulted() -> None:
    pool = manifest_adapter().validate_python(BASES["np1"])
    assert pool.spec.disruption.consolidateAfter == "0s"
    assert pool.spec.disruption.consolidationPolicy == "WhenEmptyOrUnderutilized"
    assert [b.nodes for b in pool.spec.disruption.budgets] == ["10%"]
    assert pool.spec.template.spec.expireAfter == "720h"


def test_v1_present_empty_disruption_lacks_consolidate_after() -> None:
    doc = build("np1", (("spec", "disruption"), {}))
    assert issues(doc) == [(("spec", "disruption", "consolidateAfter"), IssueKind.REQUIRED, "Required value")]


def test_v1_null_disruption_is_pruned_then_defaulted() -> None:
    assert issues(build("np1", (("spec", "disruption"), None))) == []


def test_v1beta1_missing_disruption_is_defaulted() -> None:
    pool = manifest_adapter().validate_python(BASES["np0"])
    assert pool.spec.disruption.consolidationPolicy == "WhenUnderutilized"
    assert pool.spec.disruption.expireAfter == "720h"
    assert pool.spec.disruption.consolidateAfter is None
    assert [b.nodes for b in pool.spec.disruption.budgets] == ["10%"]


def test_v1beta1_field_defaults_inside_a_given_disruption() -> None:
    pool = manifest_adapter().validate_python(build("np0", (("spec", "disruption"), {"budgets": [{}]})))
    assert pool.spec.disruption.consolidationPolicy == "WhenUnderutilized"
    assert pool.spec.disruption.expireAfter == "720h"
    assert [b.nodes for b in pool.spec.disruption.budgets] == ["10%"]


@pytest.mark.parametrize("base", ["np0", "np1"])
def test_budget_without_nodes_is_valid(base: str) -> None:
    doc = build(
        base, (("spec", "disruption"), _disruption(base, budgets=[{"schedule": "@daily", "duration": "1h"}]))
    )
    assert issues(doc) == []


def test_v1_nodeclaim_expire_after_defaults() -> None:
    claim = manifest_adapter().validate_python(BASES["nc1"])
    assert claim.spec.expireAfter == "720h"


# ---- patterns -----------------------------------------------------------------------------------

DURATION = r"^(([0-9]+(s|m|h))+)|(Never)$"
QUANTITY = r"^(\+|-)?(([0-9]+(\.[0-9]*)?)|(\.[0-9]+))(([KMGTPE]i)|[numkMGTPE]|([eE](\+|-)?(([0-9]+(\.[0-9]*)?)|(\.[0-9]+))))?$"


def _pattern(path: Path_, value: str, pattern: str) -> list[tuple[Path_, IssueKind, str]]:
    return [(path, IssueKind.PATTERN, f"Invalid value: \"{value}\": should match '{pattern}'")]


@pytest.mark.parametrize(
    ("base", "path", "value", "pattern"),
    [
        pytest.param(
            "np1", ("spec", "disruption", "consolidateAfter"), "soon", DURATION, id="np1-consolidate-after"
        ),
        pytest.param(
            "np1", ("spec", "template", "spec", "expireAfter"), "30d", DURATION, id="np1-expire-after"
        ),
        pytest.param("nc1", ("spec", "expireAfter"), "1d", DURATION, id="nc1-expire-after"),
        pytest.param("np0", ("spec", "disruption", "expireAfter"), "1d", DURATION, id="np0-expire-after"),
        pytest.param(
            "np1",
            ("spec", "template", "spec", "terminationGracePeriod"),
            "10mfoo",
            r"^([0-9]+(s|m|h))+$",
            id="np1-termination-grace-anchored",
        ),
        pytest.param(
            "nc1", ("spec", "terminationGracePeriod"), "Never", r"^([0-9]+(s|m|h))+$", id="nc1-tgp-never"
        ),
        pytest.param(
            "np1",
            ("spec", "template", "spec", "nodeClassRef", "group"),
            "karpenter.k8s.aws/v1",
            r"^[^/]*$",
            id="np1-group",
        ),
        pytest.param("nc1", ("spec", "nodeClassRef", "group"), "a/b", r"^[^/]*$", id="nc1-group"),
        pytest.param("np1", ("spec", "limits", "cpu"), "ten", QUANTITY, id="np1-limits"),
        pytest.param("np0", ("spec", "limits", "memory"), "10GB", QUANTITY, id="np0-limits"),
        pytest.param("nc1", ("spec", "resources", "requests", "cpu"), "1 cpu", QUANTITY, id="nc1-requests"),
        pytest.param("nc0", ("spec", "resources", "requests", "cpu"), "lots", QUANTITY, id="nc0-requests"),
        pytest.param(
            "np1",
            ("spec", "disruption", "budgets", 0, "nodes"),
            "101%",
            r"^((100|[0-9]{1,2})%|[0-9]+)$",
            id="budget-nodes",
        ),
        pytest.param(
            "np0",
            ("spec", "disruption", "budgets", 0, "duration"),
            "30s",
            r"^((([0-9]+(h|m))|([0-9]+h[0-9]+m))(0s)?)$",
            id="budget-duration",
        ),
        pytest.param(
            "np0",
            ("spec", "template", "metadata", "labels", "team"),
            "a b",
            r"^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$",
            id="label-value",
        ),
        pytest.param(
            "np1",
            ("spec", "template", "spec", "taints", 0, "value"),
            "",
            r"^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*(\/))?([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$",
            id="taint-value-empty",
        ),
        pytest.param(
            "nc1",
            ("spec", "startupTaints", 0, "key"),
            "-bad",
            r"^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*(\/))?([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$",
            id="taint-key",
        ),
        pytest.param(
            "np0",
            ("spec", "template", "spec", "requirements", 0, "key"),
            "Example.com/a",
            r"^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*(\/))?([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$",
            id="requirement-key",
        ),
    ],
)
def test_pattern_violations(base: str, path: Path_, value: str, pattern: str) -> None:
    changes: list[tuple[Path_, Any]] = []
    if "taints" in path or "startupTaints" in path:
        list_path = path[: path.index(0)]
        changes.append((list_path, [{"key": "example.com/t", "value": "v", "effect": "NoSchedule"}]))
    if "budgets" in path:
        changes.append((("spec", "disruption"), _disruption(base, budgets=[{"nodes": "1"}])))
    changes.append((path, value))
    assert issues(build(base, *changes)) == _pattern(path, value, pattern)


@pytest.mark.parametrize(
    ("base", "path", "value"),
    [
        # v1.0's precedence bug: "starts with a duration" OR "ends with Never".
        pytest.param("np1", ("spec", "disruption", "consolidateAfter"), "10mfoo", id="starts-with-duration"),
        pytest.param("np1", ("spec", "disruption", "consolidateAfter"), "xNever", id="ends-with-never"),
        pytest.param("np1", ("spec", "template", "spec", "expireAfter"), "Never", id="never"),
        pytest.param("nc1", ("spec", "expireAfter"), "1h30m", id="compound"),
        pytest.param("np0", ("spec", "disruption", "expireAfter"), "10mfoo", id="v1beta1-bug-too"),
        pytest.param("np1", ("spec", "template", "spec", "terminationGracePeriod"), "1h30m", id="tgp"),
        pytest.param("np1", ("spec", "limits", "cpu"), 1000, id="limits-int"),
        pytest.param("np1", ("spec", "limits", "cpu"), "1000", id="limits-str"),
        pytest.param("np0", ("spec", "limits", "memory"), "1.5Ti", id="limits-binary-si"),
        pytest.param("np0", ("spec", "limits", "nvidia.com/gpu"), "2e3", id="limits-exponent"),
        pytest.param("nc1", ("spec", "resources", "requests", "cpu"), 2, id="requests-int"),
        pytest.param("np1", ("spec", "template", "spec", "nodeClassRef", "group"), "", id="group-empty-v1.0"),
        pytest.param("np1", ("spec", "template", "metadata", "labels", "team"), "", id="label-value-empty"),
        # controller-gen's array-level pattern/maxLength on `values` is not enforced by the API server.
        pytest.param(
            "np1",
            ("spec", "template", "spec", "requirements", 0, "values"),
            ["not a label", "x" * 70],
            id="values-unchecked",
        ),
    ],
)
def test_pattern_passes(base: str, path: Path_, value: Any) -> None:
    assert issues(build_at(base, path, value)) == []


@pytest.mark.parametrize("value", ["@daily", "@hourly", "0 9 * * 1-5", "*/5 * * * *"])
def test_budget_schedule_accepts_cron(value: str) -> None:
    budgets = [{"nodes": "1", "schedule": value, "duration": "1h"}]
    assert issues(build("np1", (("spec", "disruption"), _disruption("np1", budgets=budgets)))) == []


def test_budget_schedule_rejects_non_cron() -> None:
    budgets = [{"nodes": "1", "schedule": "daily", "duration": "1h"}]
    found = issues(build("np1", (("spec", "disruption"), _disruption("np1", budgets=budgets))))
    assert [(p, k) for p, k, _ in found] == [
        (("spec", "disruption", "budgets", 0, "schedule"), IssueKind.PATTERN)
    ]


@pytest.mark.parametrize(
    ("base", "value", "ok"),
    [
        pytest.param("np1", "2024-05-01T10:00:00Z", True, id="utc"),
        pytest.param("nc0", "2024-05-01T10:00:00.123+02:00", True, id="offset"),
        pytest.param("np0", "yesterday", False, id="word"),
        pytest.param("nc1", "2024-13-01T10:00:00Z", False, id="month-13"),
        pytest.param("np1", "2024-05-01", False, id="date-only"),
    ],
)
def test_taint_time_added_is_a_date_time(base: str, value: str, ok: bool) -> None:
    path = (*CLAIM_SPEC[base], "taints")
    taint = {"key": "example.com/t", "effect": "NoExecute", "timeAdded": value}
    expected = [] if ok else [((*path, 0, "timeAdded"), IssueKind.FORMAT)]
    assert [(p, k) for p, k, _ in issues(build(base, (path, [taint])))] == expected


# ---- enums, limits, unknown fields, types, required ---------------------------------------------


def _first(doc: dict[str, Any]) -> list[tuple[Path_, IssueKind]]:
    return [(p, k) for p, k, _ in issues(doc)]


REQ0 = ("spec", "template", "spec", "requirements", 0)


@pytest.mark.parametrize(
    ("base", "path", "value"),
    [
        pytest.param(
            "np1", ("spec", "disruption", "consolidationPolicy"), "WhenUnderutilized", id="v1-policy"
        ),
        pytest.param(
            "np0",
            ("spec", "disruption", "consolidationPolicy"),
            "WhenEmptyOrUnderutilized",
            id="v1beta1-policy",
        ),
        pytest.param("np1", (*REQ0, "operator"), "Equals", id="np1-operator"),
        pytest.param("nc0", ("spec", "requirements", 0, "operator"), "in", id="nc0-operator"),
        pytest.param(
            "np1", ("spec", "disruption", "budgets", 0, "reasons", 1), "Expired", id="budget-reason"
        ),
        pytest.param("nc1", ("spec", "taints", 0, "effect"), "NoScheduleX", id="taint-effect"),
    ],
)
def test_enum_violations(base: str, path: Path_, value: str) -> None:
    if "reasons" in path:
        budgets = [{"nodes": "1", "reasons": ["Drifted", value]}]
        doc = build(base, (("spec", "disruption"), _disruption(base, budgets=budgets)))
    elif "taints" in path:
        doc = build(base, (path[:-2], [{"key": "a", "effect": value}]))
    else:
        doc = build_at(base, path, value)
    assert _first(doc) == [(path, IssueKind.ENUM)]


@pytest.mark.parametrize("reasons", [["Underutilized", "Empty", "Drifted"], []])
def test_v1_budget_reasons_accepted(reasons: list[str]) -> None:
    budgets = [{"nodes": "1", "reasons": reasons}]
    assert issues(build("np1", (("spec", "disruption"), _disruption("np1", budgets=budgets)))) == []


def _requirements(count: int) -> list[dict[str, Any]]:
    return [{"key": f"example.com/k{i}", "operator": "Exists"} for i in range(count)]


@pytest.mark.parametrize(
    ("base", "path", "value", "ok"),
    [
        pytest.param("np1", ("spec", "weight"), 0, False, id="weight-0"),
        pytest.param("np0", ("spec", "weight"), 101, False, id="weight-101"),
        pytest.param("np1", ("spec", "weight"), 1, True, id="weight-1"),
        pytest.param("np0", ("spec", "weight"), 100, True, id="weight-100"),
        pytest.param("np1", (*REQ0, "minValues"), 0, False, id="minvalues-0"),
        pytest.param("np0", (*REQ0, "minValues"), 51, False, id="minvalues-51"),
        pytest.param("np0", (*REQ0, "key"), "example.com/" + "k" * 305, False, id="key-317"),
        pytest.param("np0", (*REQ0, "key"), "example.com/" + "k" * 304, True, id="key-316"),
        pytest.param(
            "np0", ("spec", "template", "metadata", "labels", "team"), "v" * 64, False, id="label-value-64"
        ),
        pytest.param(
            "np1", ("spec", "template", "metadata", "labels", "team"), "v" * 63, True, id="label-value-63"
        ),
        pytest.param(
            "np1", ("spec", "template", "spec", "requirements"), _requirements(101), False, id="reqs-101"
        ),
        pytest.param(
            "np0", ("spec", "template", "spec", "requirements"), _requirements(101), False, id="v1b1-101"
        ),
        # v0.37.0 said 30; v0.37.1+ (the required upgrade step) and v1.0 say 100.
        pytest.param(
            "np0", ("spec", "template", "spec", "requirements"), _requirements(100), True, id="v1b1-100"
        ),
        pytest.param("nc0", ("spec", "requirements"), _requirements(31), True, id="nc0-31"),
        pytest.param("nc1", ("spec", "requirements"), _requirements(101), False, id="nc1-101"),
        pytest.param("np1", ("spec", "disruption", "budgets"), [{"nodes": "1"}] * 51, False, id="budgets-51"),
        pytest.param("np0", ("spec", "disruption", "budgets"), [{"nodes": "1"}] * 50, True, id="budgets-50"),
        pytest.param(
            "np1",
            ("spec", "template", "metadata", "labels"),
            {f"example.com/l{i}": "x" for i in range(101)},
            False,
            id="labels-101",
        ),
        pytest.param(
            "np0",
            ("spec", "template", "metadata", "labels"),
            {f"example.com/l{i}": "x" for i in range(100)},
            True,
            id="labels-100",
        ),
        pytest.param(
            "np0",
            ("spec", "template", "spec", "kubelet", "imageGCHighThresholdPercent"),
            101,
            False,
            id="image-gc-101",
        ),
        pytest.param(
            "nc0", ("spec", "kubelet", "imageGCLowThresholdPercent"), -1, False, id="image-gc-low--1"
        ),
        pytest.param("nc0", ("spec", "kubelet", "maxPods"), -1, False, id="max-pods--1"),
        pytest.param(
            "np0", ("spec", "template", "spec", "kubelet", "podsPerCore"), -1, False, id="pods-per-core--1"
        ),
        # template.spec.resources has maxProperties: 0 in v1beta1 NodePools (not NodeClaims).
        pytest.param(
            "np0",
            ("spec", "template", "spec", "resources"),
            {"requests": {"cpu": 1}},
            False,
            id="template-resources",
        ),
        pytest.param(
            "np0", ("spec", "template", "spec", "resources"), {}, True, id="template-resources-empty"
        ),
        pytest.param(
            "nc0",
            ("spec", "resources"),
            {"requests": {"cpu": "1", "memory": "1Gi"}},
            True,
            id="nodeclaim-resources",
        ),
        pytest.param(
            "np1",
            ("spec", "template", "spec", "taints"),
            [{"key": "", "effect": "NoSchedule"}],
            False,
            id="taint-key-empty",
        ),
    ],
)
def test_limits(base: str, path: Path_, value: Any, ok: bool) -> None:
    found = _first(build_at(base, path, value))
    if ok:
        assert found == []
    else:
        assert len(found) == 1 and found[0][1] is IssueKind.LIMIT, found
        assert found[0][0][: len(path)] == path


def test_limit_messages() -> None:
    found = issues(build("np1", (("spec", "weight"), 0)))
    assert found == [
        (("spec", "weight"), IssueKind.LIMIT, "Invalid value: 0: should be greater than or equal to 1")
    ]
    found = issues(build("np0", (("spec", "template", "spec", "resources"), {"requests": {"cpu": 1}})))
    assert found == [
        (("spec", "template", "spec", "resources"), IssueKind.LIMIT, "Too many: 1: must have at most 0 items")
    ]


@pytest.mark.parametrize(
    ("base", "path", "value"),
    [
        pytest.param("np1", ("spec", "replicas"), 3, id="spec"),
        pytest.param("np1", ("spec", "template", "spec", "kubelet"), {"maxPods": 10}, id="v1-kubelet"),
        pytest.param("nc1", ("spec", "kubelet"), {"maxPods": 10}, id="v1-nodeclaim-kubelet"),
        pytest.param("np1", ("spec", "template", "spec", "resources"), {}, id="v1-template-resources"),
        pytest.param(
            "np1",
            ("spec", "template", "spec", "nodeClassRef", "apiVersion"),
            "karpenter.k8s.aws/v1",
            id="v1-nodeclassref-apiversion",
        ),
        pytest.param(
            "np0", ("spec", "template", "spec", "expireAfter"), "720h", id="v1beta1-template-expire"
        ),
        pytest.param("np0", ("spec", "disruption", "consolidateAfterr"), "30s", id="typo"),
        pytest.param("np0", ("spec", "template", "metadata", "name"), "x", id="template-metadata-name"),
        pytest.param("nc0", ("spec", "template"), {}, id="nodeclaim-template"),
        pytest.param("np0", ("spec", "template", "spec", "kubelet", "maxpods"), 10, id="kubelet-case"),
        pytest.param(
            "np1", ("spec", "disruption", "budgets"), [{"nodes": "1", "extra": 1}], id="budget-extra"
        ),
        pytest.param("np1", ("spec", "disruption", "expireAfter"), "720h", id="v1-disruption-expire"),
    ],
)
def test_unknown_fields(base: str, path: Path_, value: Any) -> None:
    unknown = path if path[-1] != "budgets" else (*path, 0, "extra")
    where = "spec.disruption.budgets[0].extra" if path[-1] == "budgets" else ".".join(map(str, unknown))
    assert issues(build_at(base, path, value)) == [
        (unknown, IssueKind.UNKNOWN_FIELD, f'unknown field "{where}"')
    ]


@pytest.mark.parametrize(
    ("base", "path", "value", "type_name"),
    [
        pytest.param("np1", ("spec", "weight"), "10", "integer", id="weight-string"),
        pytest.param("np0", ("spec", "weight"), 1.5, "integer", id="weight-float"),
        pytest.param("np0", ("spec", "weight"), True, "integer", id="weight-bool"),
        pytest.param("np1", ("spec", "limits", "cpu"), 1.5, "integer", id="limits-float"),
        pytest.param("np1", ("spec", "limits", "cpu"), [1], "integer", id="limits-list"),
        pytest.param(
            "np0", ("spec", "template", "spec", "kubelet", "cpuCFSQuota"), "true", "boolean", id="cfs"
        ),
        pytest.param("nc0", ("spec", "kubelet", "clusterDNS"), "10.0.0.10", "array", id="cluster-dns"),
        pytest.param(
            "np1", ("spec", "template", "spec", "requirements"), {"key": "a"}, "array", id="requirements"
        ),
        pytest.param("np1", ("spec", "template", "metadata", "labels", "team"), 1, "string", id="label-int"),
        pytest.param("nc1", ("spec", "requirements", 0, "minValues"), "2", "integer", id="minvalues-string"),
        pytest.param("np1", ("spec", "template"), "x", "object", id="template-string"),
    ],
)
def test_wrong_types(base: str, path: Path_, value: Any, type_name: str) -> None:
    found = issues(build(base, (path, value)))
    assert [(p, k) for p, k, _ in found] == [(path, IssueKind.TYPE)]
    assert found[0][2].endswith(f"must be of type {type_name}")


@pytest.mark.parametrize(
    ("base", "path", "missing"),
    [
        pytest.param("np1", ("spec", "template", "spec", "nodeClassRef", "group"), None, id="v1-group"),
        pytest.param("nc1", ("spec", "nodeClassRef", "kind"), None, id="v1-kind"),
        pytest.param("np0", ("spec", "template", "spec", "nodeClassRef", "name"), None, id="v1beta1-name"),
        pytest.param("np1", ("spec", "template", "spec", "requirements"), None, id="requirements"),
        pytest.param("nc0", ("spec", "nodeClassRef"), None, id="nodeclassref"),
        pytest.param("np0", ("spec", "template", "spec"), None, id="template-spec"),
        pytest.param("np1", ("spec", "template"), None, id="template"),
        pytest.param("nc1", ("spec",), None, id="spec"),
        pytest.param("np1", ("spec", "template", "spec", "taints"), ("effect",), id="taint-effect"),
        pytest.param("nc0", ("spec", "requirements"), ("operator",), id="requirement-operator"),
    ],
)
def test_required(base: str, path: Path_, missing: tuple[str] | None) -> None:
    if missing is None:
        doc, where = build(base, (path, _DELETE)), path
    else:
        item = {"key": "example.com/a"}
        doc, where = build(base, (path, [item])), (*path, 0, *missing)
    assert issues(doc) == [(where, IssueKind.REQUIRED, "Required value")]


@pytest.mark.parametrize("base", ["np0", "np1"])
def test_v1beta1_v1_nodeclassref_shapes_do_not_mix(base: str) -> None:
    other = NODE_CLASS_REF_V1 if base == "np0" else NODE_CLASS_REF_V1BETA1
    found = _first(build(base, (("spec", "template", "spec", "nodeClassRef"), other)))
    assert found and all(k in (IssueKind.UNKNOWN_FIELD, IssueKind.REQUIRED) for _, k in found)


# ---- the worked example of the product contract -------------------------------------------------


def _example_documents(section: str) -> list[Any]:
    example = SHARED / "spec" / "clean-mode-example.md"
    if not example.is_file():
        pytest.skip("../shared not present: reference data unavailable")
    text = example.read_text(encoding="utf-8")
    block = re.search(rf"^{section}:\n\n```yaml\n(.*?)^```", text, re.S | re.M)
    assert block, f"no {section} block"
    return [doc for doc in YAML(typ="safe", pure=True).load_all(block.group(1)) if doc]


@pytest.mark.parametrize(
    ("section", "api_version"), [("After", "karpenter.sh/v1"), ("Before", "karpenter.sh/v1beta1")]
)
def test_clean_mode_example_nodepool_validates(section: str, api_version: str) -> None:
    pools = [d for d in _example_documents(section) if d["kind"] == "NodePool"]
    assert [p["apiVersion"] for p in pools] == [api_version]
    assert validate_object(pools[0]) == []
