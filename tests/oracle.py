"""The independent judge and the case table the typed models are held to.

``crd_verdict`` is what the API server with the v1.0 CRDs installed would say on create
(karpmigrate.validate.crd + the ObjectMeta name check). ``CASES`` are small valid bases
(``fixtures/validate/*.yaml``) plus one mistake each; each invalid case names the issue it must
produce, so a case that misses its rule fails (tests/test_validate_oracle.py).
"""

from __future__ import annotations

import copy
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML

from karpmigrate.models import IssueKind, SchemaIssue
from karpmigrate.validate.crd import CrdVersion, load_crds, validate_with_crd

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO / ".." / "shared"
CRD_DIR = SHARED / "crds" / "v1.0"
FIXTURES = REPO / "fixtures" / "validate"

# k8s.io/apimachinery/pkg/util/validation IsDNS1123Subdomain (written out again on purpose:
# the oracle shares no code with the models).
_SUBDOMAIN = re.compile(r"[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*")


@cache
def crds(crd_dir: Path = CRD_DIR) -> dict[tuple[str, str], CrdVersion]:
    return load_crds(crd_dir)


def metadata_issues(data: Mapping[str, Any]) -> list[SchemaIssue]:
    """ObjectMeta as checked on create: a name (or generateName), a DNS-1123 subdomain."""
    meta = data.get("metadata")
    if not isinstance(meta, Mapping):
        return [SchemaIssue(("metadata",), IssueKind.REQUIRED, "Required value")]
    name = meta.get("name")
    if name is None:
        if isinstance(meta.get("generateName"), str):
            return []  # the API server generates the name
        return [
            SchemaIssue(
                ("metadata", "name"), IssueKind.REQUIRED, "Required value: name or generateName is required"
            )
        ]
    if not isinstance(name, str) or len(name) > 253 or not _SUBDOMAIN.fullmatch(name):
        return [
            SchemaIssue(
                ("metadata", "name"),
                IssueKind.FORMAT,
                f"Invalid value: {name!r}: a lowercase RFC 1123 subdomain",
            )
        ]
    return []


def crd_verdict(data: Mapping[str, Any], crd_dir: Path = CRD_DIR) -> list[SchemaIssue]:
    version = crds(crd_dir)[(data["apiVersion"], data["kind"])]
    return metadata_issues(data) + validate_with_crd(data, version)


def load_yaml(path: Path) -> Any:
    return YAML(typ="safe", pure=True).load(path.read_text(encoding="utf-8"))


# ---------------------------------------------------------------- the case table

BASES = {
    "np1": "nodepool_v1",
    "np0": "nodepool_v1beta1",
    "nc1": "nodeclaim_v1",
    "nc0": "nodeclaim_v1beta1",
    "ec1": "ec2nodeclass_v1",
    "ec0": "ec2nodeclass_v1beta1",
}
DELETE = "<delete>"
Edit = tuple[tuple[Any, ...], Any]


@dataclass(frozen=True)
class Expect:
    """The issue an invalid case must produce. ``detail``: the CEL message, or the limit keyword."""

    kind: IssueKind
    path: tuple[str | int, ...]
    detail: str | None = None


@dataclass(frozen=True)
class Case:
    id: str
    base: str
    edits: tuple[Edit, ...]
    expect: Expect | None  # None: valid

    @property
    def valid(self) -> bool:
        return self.expect is None

    def build(self) -> dict[str, Any]:
        data = copy.deepcopy(_base(self.base))
        for path, value in self.edits:
            _apply(data, path, value)
        return data


@cache
def _base(name: str) -> dict[str, Any]:
    data = load_yaml(FIXTURES / f"{BASES[name]}.yaml")
    assert isinstance(data, dict)
    return data


def _apply(data: Any, path: tuple[Any, ...], value: Any) -> None:
    node = data
    for part in path[:-1]:
        if isinstance(node, dict) and part not in node:
            node[part] = {}
        node = node[part]
    last = path[-1]
    if value == DELETE:
        del node[last]
    elif isinstance(node, list) and last == len(node):
        node.append(copy.deepcopy(value))
    else:
        node[last] = copy.deepcopy(value)


_CASES: list[Case] = []


def ok(base: str, id: str, *edits: Edit) -> None:
    _CASES.append(Case(f"{base}-ok-{id}", base, edits, None))


def bad(base: str, id: str, expect: Expect, *edits: Edit) -> None:
    _CASES.append(Case(f"{base}-bad-{id}", base, edits, expect))


def cel(path: tuple[str | int, ...], message: str) -> Expect:
    return Expect(IssueKind.CEL, path, message)


def limit(path: tuple[str | int, ...], keyword: str) -> Expect:
    return Expect(IssueKind.LIMIT, path, keyword)


def at(kind: IssueKind, path: tuple[str | int, ...]) -> Expect:
    return Expect(kind, path)


P, E, R, U, T, L = (
    IssueKind.PATTERN,
    IssueKind.ENUM,
    IssueKind.REQUIRED,
    IssueKind.UNKNOWN_FIELD,
    IssueKind.TYPE,
    IssueKind.LIMIT,
)
NODEPOOLS, NODECLAIMS, NODECLASSES = ("np1", "np0"), ("nc1", "nc0"), ("ec1", "ec0")
SIGNALS = "['memory.available','nodefs.available','nodefs.inodesFree','imagefs.available','imagefs.inodesFree','pid.available']"  # noqa: E501 - upstream message verbatim


def _node_spec(base: str) -> tuple[str, ...]:
    return ("spec", "template", "spec") if base in NODEPOOLS else ("spec",)


def _top_level_cases() -> None:
    for base in BASES:
        ok(base, "as-is")
        if base in NODECLASSES:
            # The EC2NodeClass CRDs have no top-level ``required: [spec]``.
            ok(base, "spec-missing", (("spec",), DELETE))
        else:
            bad(base, "spec-missing", at(R, ("spec",)), (("spec",), DELETE))
        bad(base, "spec-not-object", at(T, ("spec",)), (("spec",), "x"))
        bad(base, "unknown-top-level", at(U, ("extra",)), (("extra",), 1))
        bad(base, "unknown-in-spec", at(U, ("spec", "extra")), (("spec", "extra"), 1))
        bad(base, "name-missing", at(R, ("metadata", "name")), (("metadata", "name"), DELETE))
        bad(
            base,
            "name-not-subdomain",
            at(IssueKind.FORMAT, ("metadata", "name")),
            (("metadata", "name"), "Bad_Name"),
        )
        ok(base, "generate-name", (("metadata", "name"), DELETE), (("metadata", "generateName"), "pool-"))
        ok(base, "status-not-checked", (("status",), {"anything": [1, 2]}))


def _requirement_cases(base: str) -> None:
    reqs = (*_node_spec(base), "requirements")
    first = (*reqs, 0)
    bad(base, "requirements-missing", at(R, reqs), (reqs, DELETE))
    bad(base, "requirements-not-list", at(T, reqs), (reqs, {"key": "a"}))
    bad(base, "requirement-key-missing", at(R, (*first, "key")), ((*first, "key"), DELETE))
    bad(base, "requirement-operator-missing", at(R, (*first, "operator")), ((*first, "operator"), DELETE))
    bad(base, "requirement-unknown-field", at(U, (*first, "valuez")), ((*first, "valuez"), ["a"]))
    bad(base, "requirement-values-not-list", at(T, (*first, "values")), ((*first, "values"), "amd64"))
    bad(base, "requirement-operator-enum", at(E, (*first, "operator")), ((*first, "operator"), "Equals"))
    bad(base, "requirement-key-pattern", at(P, (*first, "key")), ((*first, "key"), "-bad-"))
    bad(base, "requirement-key-too-long", limit((*first, "key"), "maxLength"), ((*first, "key"), "a" * 317))
    bad(
        base,
        "requirements-too-many",
        limit(reqs, "maxItems"),
        (reqs, [{"key": f"example.com/k{i}", "operator": "Exists"} for i in range(101)]),
    )
    in_message = "requirements with operator 'In' must have a value defined"
    bad(base, "requirement-in-empty", cel(reqs, in_message), ((*first, "values"), []))
    bad(base, "requirement-in-without-values", cel(reqs, in_message), ((*first, "values"), DELETE))
    gt_message = "requirements operator 'Gt' or 'Lt' must have a single positive integer value"
    gt = {"key": "karpenter.k8s.aws/instance-cpu", "operator": "Gt"}
    bad(base, "requirement-gt-not-int", cel(reqs, gt_message), (first, {**gt, "values": ["abc"]}))
    bad(base, "requirement-gt-negative", cel(reqs, gt_message), (first, {**gt, "values": ["-1"]}))
    bad(
        base,
        "requirement-lt-two-values",
        cel(reqs, gt_message),
        (first, {**gt, "operator": "Lt", "values": ["1", "2"]}),
    )
    ok(base, "requirement-lt-zero", (first, {**gt, "operator": "Lt", "values": ["0"]}))
    min_message = (
        "requirements with 'minValues' must have at least that many values specified in the 'values' field"
    )
    bad(base, "requirement-min-values-unmet", cel(reqs, min_message), ((*first, "minValues"), 5))
    ok(base, "requirement-min-values-met", ((*first, "minValues"), 1))
    ok(
        base,
        "requirement-min-values-not-in",
        (first, {"key": "example.com/a", "operator": "Exists", "minValues": 3}),
    )
    bad(
        base,
        "requirement-min-values-zero",
        limit((*first, "minValues"), "minimum"),
        ((*first, "minValues"), 0),
    )
    bad(
        base,
        "requirement-min-values-51",
        limit((*first, "minValues"), "maximum"),
        ((*first, "minValues"), 51),
    )
    # The CRDs put maxLength and pattern on the values *array*, where they check nothing.
    ok(
        base,
        "requirement-values-array-pattern-has-no-effect",
        ((*first, "values"), ["Not A Label!", "x" * 64]),
    )
    key = (*first, "key")
    restricted = {
        "kubernetes.io/hostname": 'label "kubernetes.io/hostname" is restricted',
        "example.kubernetes.io/team": 'label domain "kubernetes.io" is restricted',
        "k8s.io/team": 'label domain "k8s.io" is restricted',
        "karpenter.sh/team": 'label domain "karpenter.sh" is restricted',
        "karpenter.k8s.aws/team": 'label domain "karpenter.k8s.aws" is restricted',
    }
    if base in NODEPOOLS:
        restricted["karpenter.sh/nodepool"] = 'label "karpenter.sh/nodepool" is restricted'
    for value, message in restricted.items():
        bad(base, f"requirement-key-{value}", cel(key, message), (key, value))
    for value in (
        "node.kubernetes.io/instance-type",
        "node-restriction.kubernetes.io/team",
        "kops.k8s.io/team",
        "karpenter.sh/capacity-type",
        "karpenter.k8s.aws/instance-family",
        "topology.kubernetes.io/zone",
    ):
        ok(base, f"requirement-key-{value}", (key, value))


def _taint_cases(base: str) -> None:
    for field in ("taints", "startupTaints"):
        first = (*_node_spec(base), field, 0)
        bad(base, f"{field}-key-missing", at(R, (*first, "key")), ((*first, "key"), DELETE))
        bad(base, f"{field}-effect-missing", at(R, (*first, "effect")), ((*first, "effect"), DELETE))
        bad(base, f"{field}-effect-enum", at(E, (*first, "effect")), ((*first, "effect"), "Never"))
        bad(base, f"{field}-key-pattern", at(P, (*first, "key")), ((*first, "key"), "bad key"))
        bad(base, f"{field}-key-empty", limit((*first, "key"), "minLength"), ((*first, "key"), ""))
        bad(base, f"{field}-value-pattern", at(P, (*first, "value")), ((*first, "value"), "bad value!"))
        bad(
            base,
            f"{field}-time-added-format",
            at(IssueKind.FORMAT, (*first, "timeAdded")),
            ((*first, "timeAdded"), "yesterday"),
        )
        ok(base, f"{field}-time-added", ((*first, "timeAdded"), "2024-08-01T10:00:00Z"))
        bad(base, f"{field}-unknown-field", at(U, (*first, "operator")), ((*first, "operator"), "Exists"))


def _node_class_ref_cases(base: str) -> None:
    ref = (*_node_spec(base), "nodeClassRef")
    bad(base, "node-class-ref-missing", at(R, ref), (ref, DELETE))
    bad(base, "node-class-ref-name-missing", at(R, (*ref, "name")), ((*ref, "name"), DELETE))
    if base.endswith("1"):
        for field in ("group", "kind"):
            bad(base, f"node-class-ref-{field}-missing", at(R, (*ref, field)), ((*ref, field), DELETE))
        bad(
            base,
            "node-class-ref-group-pattern",
            at(P, (*ref, "group")),
            ((*ref, "group"), "karpenter.k8s.aws/v1"),
        )
        bad(
            base,
            "node-class-ref-api-version-gone",
            at(U, (*ref, "apiVersion")),
            ((*ref, "apiVersion"), "karpenter.k8s.aws/v1"),
        )
    else:
        ok(base, "node-class-ref-name-only", (ref, {"name": "default"}))
        bad(
            base,
            "node-class-ref-group-is-v1-only",
            at(U, (*ref, "group")),
            ((*ref, "group"), "karpenter.k8s.aws"),
        )


def _duration_cases(base: str) -> None:
    if base == "np0":
        bad(
            base,
            "expire-after-pattern",
            at(P, ("spec", "disruption", "expireAfter")),
            (("spec", "disruption", "expireAfter"), "30d"),
        )
        ok(base, "expire-after-never", (("spec", "disruption", "expireAfter"), "Never"))
        return
    if base in ("np1", "nc1"):
        spec = _node_spec(base)
        bad(base, "expire-after-pattern", at(P, (*spec, "expireAfter")), ((*spec, "expireAfter"), "30d"))
        ok(base, "expire-after-compound", ((*spec, "expireAfter"), "1h30m10s"))
        bad(
            base,
            "termination-grace-pattern",
            at(P, (*spec, "terminationGracePeriod")),
            ((*spec, "terminationGracePeriod"), "Never"),
        )
        bad(
            base,
            "termination-grace-not-string",
            at(T, (*spec, "terminationGracePeriod")),
            ((*spec, "terminationGracePeriod"), 30),
        )


def _kubelet_cases(base: str) -> None:
    kubelet = ("spec", "template", "spec", "kubelet") if base == "np0" else ("spec", "kubelet")
    bad(base, "kubelet-unknown-field", at(U, (*kubelet, "maxPodz")), ((*kubelet, "maxPodz"), 1))
    bad(base, "kubelet-max-pods-type", at(T, (*kubelet, "maxPods")), ((*kubelet, "maxPods"), "110"))
    bad(
        base,
        "kubelet-max-pods-negative",
        limit((*kubelet, "maxPods"), "minimum"),
        ((*kubelet, "maxPods"), -1),
    )
    bad(
        base,
        "kubelet-pods-per-core-negative",
        limit((*kubelet, "podsPerCore"), "minimum"),
        ((*kubelet, "podsPerCore"), -1),
    )
    for field in ("imageGCHighThresholdPercent", "imageGCLowThresholdPercent"):
        bad(base, f"kubelet-{field}-101", limit((*kubelet, field), "maximum"), ((*kubelet, field), 101))
        bad(base, f"kubelet-{field}-negative", limit((*kubelet, field), "minimum"), ((*kubelet, field), -1))
    bad(
        base,
        "kubelet-image-gc-order",
        cel(kubelet, "imageGCHighThresholdPercent must be greater than imageGCLowThresholdPercent"),
        ((*kubelet, "imageGCHighThresholdPercent"), 50),
        ((*kubelet, "imageGCLowThresholdPercent"), 50),
    )
    soft, grace = (*kubelet, "evictionSoft"), (*kubelet, "evictionSoftGracePeriod")
    bad(
        base,
        "kubelet-soft-without-grace",
        cel(kubelet, "evictionSoft OwnerKey does not have a matching evictionSoftGracePeriod"),
        (soft, {"memory.available": "1Gi", "nodefs.available": "10%"}),
        (grace, {"memory.available": "1m"}),
    )
    bad(
        base,
        "kubelet-soft-grace-missing",
        cel(kubelet, "evictionSoft OwnerKey does not have a matching evictionSoftGracePeriod"),
        (grace, DELETE),
    )
    bad(
        base,
        "kubelet-grace-without-soft",
        cel(kubelet, "evictionSoftGracePeriod OwnerKey does not have a matching evictionSoft"),
        (soft, {"memory.available": "1Gi"}),
        (grace, {"memory.available": "1m", "pid.available": "1m"}),
    )
    ok(
        base,
        "kubelet-soft-and-grace-match",
        (soft, {"pid.available": "10%"}),
        (grace, {"pid.available": "30s"}),
    )
    for field in ("evictionHard", "evictionSoft", "evictionSoftGracePeriod"):
        edits: tuple[Edit, ...] = (((*kubelet, field), {"memory.free": "1m"}),)
        if field != "evictionHard":
            edits = ((soft, {"memory.free": "1Gi"}), (grace, {"memory.free": "1m"}))
        bad(
            base,
            f"kubelet-{field}-signal",
            cel((*kubelet, field), f"valid keys for {field} are {SIGNALS}"),
            *edits,
        )
    bad(
        base,
        "kubelet-eviction-hard-pattern",
        at(P, (*kubelet, "evictionHard", "memory.available")),
        ((*kubelet, "evictionHard"), {"memory.available": "lots"}),
    )
    bad(
        base,
        "kubelet-eviction-soft-pattern",
        at(P, (*soft, "memory.available")),
        (soft, {"memory.available": "110%"}),
        (grace, {"memory.available": "1m"}),
    )
    for field in ("kubeReserved", "systemReserved"):
        path = (*kubelet, field)
        bad(
            base,
            f"kubelet-{field}-key",
            cel(path, f"valid keys for {field} are ['cpu','memory','ephemeral-storage','pid']"),
            (path, {"gpu": "1"}),
        )
        bad(
            base,
            f"kubelet-{field}-negative",
            cel(path, f"{field} value cannot be a negative resource quantity"),
            (path, {"cpu": "-100m"}),
        )
        bad(base, f"kubelet-{field}-pattern", at(P, (*path, "cpu")), (path, {"cpu": "lots"}))
        ok(
            base,
            f"kubelet-{field}-all-keys",
            (path, {"cpu": "1", "memory": "1Gi", "ephemeral-storage": "1Gi", "pid": "100"}),
        )


def _labels_cases(base: str) -> None:
    labels = ("spec", "template", "metadata", "labels")
    restricted = {
        "kubernetes.io/hostname": 'label "kubernetes.io/hostname" is restricted',
        "example.kubernetes.io/team": 'label domain "kubernetes.io" is restricted',
        "k8s.io/team": 'label domain "k8s.io" is restricted',
        "karpenter.sh/team": 'label domain "karpenter.sh" is restricted',
        "karpenter.sh/nodepool": 'label "karpenter.sh/nodepool" is restricted',
        "karpenter.k8s.aws/team": 'label domain "karpenter.k8s.aws" is restricted',
    }
    for key, message in restricted.items():
        bad(base, f"label-{key}", cel(labels, message), ((*labels, key), "x"))
    for key in (
        "node.kubernetes.io/team",
        "kops.k8s.io/team",
        "karpenter.sh/capacity-type",
        "kubernetes.io/os",
        "karpenter.k8s.aws/instance-family",
        "example.com/team",
    ):
        ok(base, f"label-{key}", ((*labels, key), "x"))
    bad(base, "label-value-pattern", at(P, (*labels, "team")), ((*labels, "team"), "bad value!"))
    bad(base, "label-value-too-long", limit((*labels, "team"), "maxLength"), ((*labels, "team"), "a" * 64))
    bad(base, "labels-too-many", limit(labels, "maxProperties"), (labels, {f"k{i}": "v" for i in range(101)}))
    bad(base, "label-value-not-string", at(T, (*labels, "team")), ((*labels, "team"), 1))
    bad(
        base,
        "template-metadata-unknown",
        at(U, ("spec", "template", "metadata", "name")),
        (("spec", "template", "metadata", "name"), "x"),
    )


def _nodepool_cases(base: str) -> None:
    spec, disruption = ("spec",), ("spec", "disruption")
    budgets = (*disruption, "budgets")
    bad(base, "template-missing", at(R, ("spec", "template")), (("spec", "template"), DELETE))
    bad(
        base,
        "template-spec-missing",
        at(R, ("spec", "template", "spec")),
        (("spec", "template", "spec"), DELETE),
    )
    bad(base, "weight-zero", limit((*spec, "weight"), "minimum"), ((*spec, "weight"), 0))
    bad(base, "weight-101", limit((*spec, "weight"), "maximum"), ((*spec, "weight"), 101))
    bad(base, "weight-string", at(T, (*spec, "weight")), ((*spec, "weight"), "10"))
    ok(base, "weight-null-is-pruned", ((*spec, "weight"), None))
    bad(base, "limits-pattern", at(P, ("spec", "limits", "cpu")), (("spec", "limits", "cpu"), "lots"))
    bad(base, "limits-type", at(T, ("spec", "limits", "cpu")), (("spec", "limits", "cpu"), [1]))
    ok(
        base,
        "limits-int-or-string",
        (("spec", "limits", "cpu"), 100),
        (("spec", "limits", "nvidia.com/gpu"), "4"),
    )
    ok(base, "disruption-defaulted", (disruption, DELETE))
    bad(base, "budget-nodes-pattern", at(P, (*budgets, 0, "nodes")), ((*budgets, 0, "nodes"), "ten"))
    ok(base, "budget-nodes-defaulted", ((*budgets, 0, "nodes"), DELETE))
    bad(base, "budget-duration-pattern", at(P, (*budgets, 1, "duration")), ((*budgets, 1, "duration"), "1d"))
    bad(
        base,
        "budget-schedule-pattern",
        at(P, (*budgets, 1, "schedule")),
        ((*budgets, 1, "schedule"), "daily"),
    )
    bad(
        base,
        "budget-schedule-without-duration",
        cel(budgets, "'schedule' must be set with 'duration'"),
        ((*budgets, 1, "duration"), DELETE),
    )
    bad(
        base,
        "budget-duration-without-schedule",
        cel(budgets, "'schedule' must be set with 'duration'"),
        ((*budgets, 1, "schedule"), DELETE),
    )
    bad(base, "budgets-too-many", limit(budgets, "maxItems"), (budgets, [{"nodes": "1"}] * 51))
    bad(
        base,
        "consolidate-after-pattern",
        at(P, (*disruption, "consolidateAfter")),
        ((*disruption, "consolidateAfter"), "1d"),
    )
    if base == "np1":
        bad(
            base,
            "consolidation-policy-enum",
            at(E, (*disruption, "consolidationPolicy")),
            ((*disruption, "consolidationPolicy"), "WhenUnderutilized"),
        )
        bad(
            base,
            "consolidate-after-missing",
            at(R, (*disruption, "consolidateAfter")),
            ((*disruption, "consolidateAfter"), DELETE),
        )
        bad(
            base,
            "budget-reason-enum",
            at(E, (*budgets, 1, "reasons", 0)),
            ((*budgets, 1, "reasons", 0), "Expired"),
        )
        bad(
            base,
            "disruption-expire-after-moved",
            at(U, (*disruption, "expireAfter")),
            ((*disruption, "expireAfter"), "720h"),
        )
        bad(
            base,
            "template-kubelet-moved",
            at(U, ("spec", "template", "spec", "kubelet")),
            (("spec", "template", "spec", "kubelet"), {"maxPods": 1}),
        )
    else:
        bad(
            base,
            "consolidation-policy-enum",
            at(E, (*disruption, "consolidationPolicy")),
            ((*disruption, "consolidationPolicy"), "WhenEmptyOrUnderutilized"),
        )
        combined = "consolidateAfter cannot be combined with consolidationPolicy=WhenUnderutilized"
        bad(
            base,
            "consolidate-after-with-underutilized",
            cel(disruption, combined),
            ((*disruption, "consolidationPolicy"), "WhenUnderutilized"),
        )
        bad(
            base,
            "consolidate-after-with-defaulted-policy",
            cel(disruption, combined),
            (disruption, {"consolidateAfter": "30s"}),
        )
        ok(
            base,
            "consolidate-after-never-with-underutilized",
            ((*disruption, "consolidationPolicy"), "WhenUnderutilized"),
            ((*disruption, "consolidateAfter"), "Never"),
        )
        bad(
            base,
            "when-empty-without-consolidate-after",
            cel(disruption, "consolidateAfter must be specified with consolidationPolicy=WhenEmpty"),
            ((*disruption, "consolidateAfter"), DELETE),
        )
        bad(
            base,
            "template-resources-forbidden",
            limit(("spec", "template", "spec", "resources"), "maxProperties"),
            (("spec", "template", "spec", "resources"), {"requests": {"cpu": "1"}}),
        )
        bad(
            base,
            "template-resources-pattern",
            at(P, ("spec", "template", "spec", "resources", "requests", "cpu")),
            (("spec", "template", "spec", "resources"), {"requests": {"cpu": "lots"}}),
        )
        bad(
            base,
            "kubelet-cluster-dns-type",
            at(T, ("spec", "template", "spec", "kubelet", "clusterDNS")),
            (("spec", "template", "spec", "kubelet", "clusterDNS"), "10.0.0.10"),
        )


def _nodeclaim_cases(base: str) -> None:
    requests = ("spec", "resources", "requests")
    bad(base, "resources-pattern", at(P, (*requests, "cpu")), ((*requests, "cpu"), "lots"))
    ok(base, "resources-int", ((*requests, "cpu"), 2))
    bad(
        base,
        "resources-unknown",
        at(U, ("spec", "resources", "limits")),
        (("spec", "resources", "limits"), {"cpu": "1"}),
    )


def _selector_cases(base: str) -> None:
    spec = ("spec",)
    for field, prefix, others in (
        ("subnetSelectorTerms", "subnet-", "['tags', 'id']"),
        ("securityGroupSelectorTerms", "sg-", "['tags', 'id', 'name']"),
    ):
        terms = (*spec, field)
        bad(base, f"{field}-missing", at(R, terms), (terms, DELETE))
        bad(base, f"{field}-empty", cel(terms, f"{field} cannot be empty"), (terms, []))
        bad(
            base,
            f"{field}-term-empty",
            cel(terms, f"expected at least one, got none, {others}"),
            (terms, [{}]),
        )
        bad(
            base,
            f"{field}-id-and-tags",
            cel(
                terms,
                f"'id' is mutually exclusive, cannot be set with a combination of other fields in {field}",
            ),
            (terms, [{"id": f"{prefix}1", "tags": {"a": "b"}}]),
        )
        ok(
            base,
            f"{field}-id-and-tags-in-some-terms-only",
            (terms, [{"id": f"{prefix}1", "tags": {"a": "b"}}, {"id": f"{prefix}2"}]),
        )
        bad(base, f"{field}-id-pattern", at(P, (*terms, 0, "id")), (terms, [{"id": "nope-1"}]))
        bad(
            base,
            f"{field}-tag-value-empty",
            cel((*terms, 0, "tags"), "empty tag keys or values aren't supported"),
            (terms, [{"tags": {"a": ""}}]),
        )
        bad(
            base,
            f"{field}-tags-too-many",
            limit((*terms, 0, "tags"), "maxProperties"),
            (terms, [{"tags": {f"k{i}": "v" for i in range(21)}}]),
        )
        bad(
            base,
            f"{field}-too-many",
            limit(terms, "maxItems"),
            (terms, [{"id": f"{prefix}{i}"} for i in range(31)]),
        )
        bad(base, f"{field}-term-unknown", at(U, (*terms, 0, "owner")), ((*terms, 0, "owner"), "self"))
    sg = (*spec, "securityGroupSelectorTerms")
    bad(
        base,
        "sg-name-and-tags",
        cel(
            sg,
            "'name' is mutually exclusive, cannot be set with a combination of other fields in securityGroupSelectorTerms",  # noqa: E501 - upstream message verbatim
        ),
        (sg, [{"name": "x", "tags": {"a": "b"}}]),
    )


def _node_class_cases(base: str) -> None:
    spec = ("spec",)
    ami = (*spec, "amiSelectorTerms")
    bad(
        base,
        "role-and-instance-profile",
        cel(spec, "must specify exactly one of ['role', 'instanceProfile']"),
        ((*spec, "instanceProfile"), "KarpenterNodeInstanceProfile"),
    )
    bad(
        base,
        "neither-role-nor-instance-profile",
        cel(spec, "must specify exactly one of ['role', 'instanceProfile']"),
        ((*spec, "role"), DELETE),
    )
    ok(
        base,
        "instance-profile-only",
        ((*spec, "role"), DELETE),
        ((*spec, "instanceProfile"), "KarpenterNodeInstanceProfile"),
    )
    bad(base, "role-empty", cel((*spec, "role"), "role cannot be empty"), ((*spec, "role"), ""))
    bad(
        base,
        "instance-profile-empty",
        cel((*spec, "instanceProfile"), "instanceProfile cannot be empty"),
        ((*spec, "role"), DELETE),
        ((*spec, "instanceProfile"), ""),
    )
    bad(base, "ami-family-enum", at(E, (*spec, "amiFamily")), ((*spec, "amiFamily"), "Fedora"))
    bad(
        base,
        "instance-store-policy-enum",
        at(E, (*spec, "instanceStorePolicy")),
        ((*spec, "instanceStorePolicy"), "RAID1"),
    )
    bad(
        base,
        "detailed-monitoring-type",
        at(T, (*spec, "detailedMonitoring")),
        ((*spec, "detailedMonitoring"), "yes"),
    )
    bad(base, "user-data-type", at(T, (*spec, "userData")), ((*spec, "userData"), ["echo"]))
    meta = (*spec, "metadataOptions")
    for field, value in (("httpEndpoint", "on"), ("httpProtocolIPv6", "on"), ("httpTokens", "always")):
        bad(base, f"metadata-options-{field}-enum", at(E, (*meta, field)), ((*meta, field), value))
    bad(
        base,
        "hop-limit-zero",
        limit((*meta, "httpPutResponseHopLimit"), "minimum"),
        ((*meta, "httpPutResponseHopLimit"), 0),
    )
    bad(
        base,
        "hop-limit-65",
        limit((*meta, "httpPutResponseHopLimit"), "maximum"),
        ((*meta, "httpPutResponseHopLimit"), 65),
    )
    ok(base, "metadata-options-defaulted", (meta, DELETE))
    ok(base, "metadata-options-empty", (meta, {}))
    bdm = (*spec, "blockDeviceMappings")
    ebs = (*bdm, 0, "ebs")
    bad(
        base,
        "two-root-volumes",
        cel(bdm, "must have only one blockDeviceMappings with rootVolume"),
        (
            bdm,
            [
                {"deviceName": "/dev/xvda", "rootVolume": True, "ebs": {"volumeSize": "20Gi"}},
                {"deviceName": "/dev/xvdb", "rootVolume": True, "ebs": {"volumeSize": "20Gi"}},
            ],
        ),
    )
    ok(
        base,
        "one-root-volume-of-two",
        (
            bdm,
            [
                {"deviceName": "/dev/xvda", "rootVolume": True, "ebs": {"volumeSize": "20Gi"}},
                {"deviceName": "/dev/xvdb", "rootVolume": False, "ebs": {"snapshotID": "snap-1"}},
            ],
        ),
    )
    bad(
        base,
        "ebs-without-size-or-snapshot",
        cel(ebs, "snapshotID or volumeSize must be defined"),
        ((*ebs, "volumeSize"), DELETE),
    )
    bad(base, "ebs-volume-size-pattern", at(P, (*ebs, "volumeSize")), ((*ebs, "volumeSize"), "100GB"))
    bad(base, "ebs-volume-size-too-big", at(P, (*ebs, "volumeSize")), ((*ebs, "volumeSize"), "65T"))
    ok(base, "ebs-volume-size-64T", ((*ebs, "volumeSize"), "64T"))
    bad(base, "ebs-volume-type-enum", at(E, (*ebs, "volumeType")), ((*ebs, "volumeType"), "gp4"))
    bad(base, "ebs-iops-type", at(T, (*ebs, "iops")), ((*ebs, "iops"), "3000"))
    bad(
        base,
        "block-device-mappings-too-many",
        limit(bdm, "maxItems"),
        (bdm, [{"deviceName": f"/dev/sd{i}"} for i in range(51)]),
    )
    tags = (*spec, "tags")
    restricted = {
        "": "empty tag keys aren't supported",
        "kubernetes.io/cluster/my-cluster": "tag contains a restricted tag matching kubernetes.io/cluster/",
        "karpenter.sh/nodepool": "tag contains a restricted tag matching karpenter.sh/nodepool",
        "karpenter.sh/nodeclaim": "tag contains a restricted tag matching karpenter.sh/nodeclaim",
        "karpenter.k8s.aws/ec2nodeclass": "tag contains a restricted tag matching karpenter.k8s.aws/ec2nodeclass",  # noqa: E501 - upstream message verbatim
    }
    if base == "ec1":
        restricted["eks:eks-cluster-name"] = "tag contains a restricted tag matching eks:eks-cluster-name"
    else:
        restricted["karpenter.sh/managed-by"] = (
            "tag contains a restricted tag matching karpenter.sh/managed-by"
        )
    for key, message in restricted.items():
        bad(base, f"tag-{key or 'empty'}", cel(tags, message), ((*tags, key), "x"))
    ok(base, "tag-empty-value", ((*tags, "team"), ""))
    ami_tags = (*ami, 0, "tags")
    bad(
        base,
        "ami-tag-empty-key",
        cel(ami_tags, "empty tag keys or values aren't supported"),
        (ami, [{"tags": {"": "x"}}]),
        *_family(base),
    )
    bad(
        base,
        "ami-tags-too-many",
        limit(ami_tags, "maxProperties"),
        (ami, [{"tags": {f"k{i}": "v" for i in range(21)}}]),
        *_family(base),
    )
    bad(base, "ami-id-pattern", at(P, (*ami, 0, "id")), (ami, [{"id": "img-1"}]), *_family(base))
    bad(
        base,
        "ami-terms-too-many",
        limit(ami, "maxItems"),
        (ami, [{"name": f"ami-{i}"} for i in range(31)]),
        *_family(base),
    )


def _family(base: str) -> tuple[Edit, ...]:
    # v1 requires amiFamily when no alias term is left.
    return ((("spec", "amiFamily"), "AL2023"),) if base == "ec1" else ()


def _ami_cases_v1() -> None:
    base, spec = "ec1", ("spec",)
    ami = (*spec, "amiSelectorTerms")
    family = _family(base)
    bad(base, "ami-terms-missing", at(R, ami), (ami, DELETE))
    bad(base, "ami-terms-empty", limit(ami, "minItems"), (ami, []), *family)
    bad(
        base,
        "ami-term-empty",
        cel(ami, "expected at least one, got none, ['tags', 'id', 'name', 'alias']"),
        (ami, [{"owner": "self"}]),
        *family,
    )
    bad(
        base,
        "ami-id-with-name",
        cel(
            ami,
            "'id' is mutually exclusive, cannot be set with a combination of other fields in amiSelectorTerms",  # noqa: E501 - upstream message verbatim
        ),
        (ami, [{"id": "ami-1", "name": "x"}]),
        *family,
    )
    bad(
        base,
        "ami-alias-with-owner",
        cel(
            ami,
            "'alias' is mutually exclusive, cannot be set with a combination of other fields in amiSelectorTerms",  # noqa: E501 - upstream message verbatim
        ),
        ((*ami, 0, "owner"), "amazon"),
    )
    bad(
        base,
        "ami-alias-with-other-term",
        cel(ami, "'alias' is mutually exclusive, cannot be set with a combination of other amiSelectorTerms"),
        ((*ami, 1), {"id": "ami-1"}),
    )
    bad(
        base,
        "ami-family-needed-without-alias",
        cel(spec, "must specify amiFamily if amiSelectorTerms does not contain an alias"),
        (ami, [{"id": "ami-1"}]),
    )
    ok(base, "ami-family-with-id", (ami, [{"id": "ami-1"}]), *family)
    alias = (*ami, 0, "alias")
    bad(
        base,
        "alias-format",
        cel(alias, "'alias' is improperly formatted, must match the format 'family@version'"),
        (alias, "al2023"),
    )
    bad(
        base,
        "alias-family",
        cel(
            alias,
            "family is not supported, must be one of the following: 'al2', 'al2023', 'bottlerocket', 'windows2019', 'windows2022'",  # noqa: E501 - upstream message verbatim
        ),
        (alias, "ubuntu@latest"),
    )
    bad(
        base,
        "alias-windows-version",
        cel(alias, "windows families may only specify version 'latest'"),
        (alias, "windows2022@v20240101"),
    )
    bad(base, "alias-too-long", limit(alias, "maxLength"), (alias, "al2023@v" + "1" * 30))
    ok(base, "alias-pinned", (alias, "al2023@v20240807"))
    names = {
        "al2": "AL2",
        "al2023": "AL2023",
        "bottlerocket": "Bottlerocket",
        "windows2019": "Windows2019",
        "windows2022": "Windows2022",
    }
    for alias_family, family_name in names.items():
        article = "an" if family_name.startswith("AL") else "a"
        message = (
            f"if set, amiFamily must be '{family_name}' or 'Custom' when using {article} {family_name} alias"
        )
        wrong = "Bottlerocket" if family_name != "Bottlerocket" else "AL2"
        bad(
            base,
            f"alias-{alias_family}-family-mismatch",
            cel(spec, message),
            (alias, f"{alias_family}@latest"),
            ((*spec, "amiFamily"), wrong),
        )
        ok(
            base,
            f"alias-{alias_family}-family-match",
            (alias, f"{alias_family}@latest"),
            ((*spec, "amiFamily"), family_name),
        )
        ok(
            base,
            f"alias-{alias_family}-family-custom",
            (alias, f"{alias_family}@latest"),
            ((*spec, "amiFamily"), "Custom"),
        )
    bad(base, "ami-family-ubuntu-gone", at(E, (*spec, "amiFamily")), ((*spec, "amiFamily"), "Ubuntu"))


def _ami_cases_v1beta1() -> None:
    base, spec = "ec0", ("spec",)
    ami = (*spec, "amiSelectorTerms")
    bad(base, "ami-family-missing", at(R, (*spec, "amiFamily")), ((*spec, "amiFamily"), DELETE))
    bad(
        base,
        "ami-term-empty",
        cel(ami, "expected at least one, got none, ['tags', 'id', 'name']"),
        (ami, [{"owner": "self"}]),
    )
    bad(
        base,
        "ami-id-with-name",
        cel(
            ami,
            "'id' is mutually exclusive, cannot be set with a combination of other fields in amiSelectorTerms",  # noqa: E501 - upstream message verbatim
        ),
        (ami, [{"id": "ami-1", "name": "x"}]),
    )
    custom = "amiSelectorTerms is required when amiFamily == 'Custom'"
    bad(base, "custom-without-terms", cel(spec, custom), ((*spec, "amiFamily"), "Custom"), (ami, []))
    bad(base, "custom-terms-missing", cel(spec, custom), ((*spec, "amiFamily"), "Custom"), (ami, DELETE))
    ok(base, "custom-with-terms", ((*spec, "amiFamily"), "Custom"))
    ok(base, "ubuntu", ((*spec, "amiFamily"), "Ubuntu"))
    ok(base, "no-ami-terms", (ami, DELETE))
    bad(base, "alias-is-v1-only", at(U, (*ami, 0, "alias")), ((*ami, 0, "alias"), "al2@latest"))


def _all_cases() -> list[Case]:
    _top_level_cases()
    for base in (*NODEPOOLS, *NODECLAIMS):
        _requirement_cases(base)
        _taint_cases(base)
        _node_class_ref_cases(base)
        _duration_cases(base)
    for base in NODEPOOLS:
        _labels_cases(base)
        _nodepool_cases(base)
    for base in NODECLAIMS:
        _nodeclaim_cases(base)
    for base in ("np0", "nc0", "ec1"):
        _kubelet_cases(base)
    for base in NODECLASSES:
        _selector_cases(base)
        _node_class_cases(base)
    _ami_cases_v1()
    _ami_cases_v1beta1()
    return _CASES


CASES: list[Case] = _all_cases()
VALID_CASES = [case for case in CASES if case.valid]


def api_key(base: str) -> tuple[str, str]:
    data = _base(base)
    return data["apiVersion"], data["kind"]


def schema_path(schema: Mapping[str, Any], path: tuple[str | int, ...]) -> tuple[str, ...]:
    """A data path as a schema path: list indexes become ``[]``, map keys ``{}``."""
    out: list[str] = []
    node: Any = schema
    for part in path:
        if isinstance(part, int):
            out.append("[]")
            node = (node or {}).get("items")
        elif part in ((node or {}).get("properties") or {}):
            out.append(part)
            node = node["properties"][part]
        else:
            out.append("{}")
            node = (node or {}).get("additionalProperties")
    return tuple(out)


def iter_schema(
    node: Mapping[str, Any], path: tuple[str, ...] = ()
) -> Iterator[tuple[tuple[str, ...], Mapping[str, Any]]]:
    yield path, node
    for key, sub in (node.get("properties") or {}).items():
        yield from iter_schema(sub, (*path, key))
    if isinstance(node.get("items"), dict):
        yield from iter_schema(node["items"], (*path, "[]"))
    if isinstance(node.get("additionalProperties"), dict):
        yield from iter_schema(node["additionalProperties"], (*path, "{}"))
