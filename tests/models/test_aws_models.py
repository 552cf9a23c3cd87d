"""EC2NodeClass models (karpenter.k8s.aws v1beta1 from v0.37.0, v1 from v1.0) against their CRDs.

Every CEL rule has a manifest that passes and one that fails with the upstream message at the
place the CRD puts the rule; then patterns, enums, limits, required and unknown fields, types,
defaults, and the clean-mode example of the spec.
"""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path
from typing import Any

import pytest
from ruamel.yaml import YAML

from karpmigrate.models import IssueKind, SchemaIssue, aws_v1, aws_v1beta1, validate_object
from karpmigrate.models._aws_common import VOLUME_SIZE_PATTERN

SHARED = Path(__file__).resolve().parents[2] / ".." / "shared"
DELETE = object()

V1BETA1: dict[str, Any] = {
    "apiVersion": "karpenter.k8s.aws/v1beta1",
    "kind": "EC2NodeClass",
    "metadata": {"name": "default"},
    "spec": {
        "amiFamily": "AL2",
        "role": "KarpenterNodeRole",
        "subnetSelectorTerms": [{"tags": {"karpenter.sh/discovery": "demo"}}],
        "securityGroupSelectorTerms": [{"tags": {"karpenter.sh/discovery": "demo"}}],
    },
}
V1: dict[str, Any] = {
    "apiVersion": "karpenter.k8s.aws/v1",
    "kind": "EC2NodeClass",
    "metadata": {"name": "default"},
    "spec": {
        "amiSelectorTerms": [{"alias": "al2023@latest"}],
        "role": "KarpenterNodeRole",
        "subnetSelectorTerms": [{"tags": {"karpenter.sh/discovery": "demo"}}],
        "securityGroupSelectorTerms": [{"tags": {"karpenter.sh/discovery": "demo"}}],
    },
}
BASES = {"v1beta1": V1BETA1, "v1": V1}
BOTH = ("v1beta1", "v1")


def build(version: str, **edits: Any) -> dict[str, Any]:
    """The base manifest with ``spec`` keys replaced (or removed with DELETE)."""
    data = copy.deepcopy(BASES[version])
    for key, value in edits.items():
        if value is DELETE:
            del data["spec"][key]
        else:
            data["spec"][key] = value
    return data


def issues(version: str, **edits: Any) -> list[SchemaIssue]:
    return validate_object(build(version, **edits))


def cel_issues(version: str, **edits: Any) -> list[tuple[tuple[str | int, ...], str]]:
    found = issues(version, **edits)
    assert all(i.kind is IssueKind.CEL for i in found), found
    return [(i.path, i.message) for i in found]


def test_bases_are_valid() -> None:
    assert issues("v1beta1") == []
    assert issues("v1") == []


# ---------------------------------------------------------------------------------- CEL rules

SPEC: tuple[str, ...] = ("spec",)
AMI = ("spec", "amiSelectorTerms")
SG = ("spec", "securityGroupSelectorTerms")
SUBNET = ("spec", "subnetSelectorTerms")
TAGS = ("spec", "tags")
KUBELET = ("spec", "kubelet")
T = {"k": "v"}


def exclusive(field: str, terms: str) -> str:
    return f"'{field}' is mutually exclusive, cannot be set with a combination of other fields in {terms}"


ONE_OF = "must specify exactly one of ['role', 'instanceProfile']"
ID_EXCLUSIVE = exclusive("id", "amiSelectorTerms")
SIGNALS = (
    "['memory.available','nodefs.available','nodefs.inodesFree','imagefs.available',"
    "'imagefs.inodesFree','pid.available']"
)
RESERVED = "['cpu','memory','ephemeral-storage','pid']"


def _alias_family_message(family: str) -> str:
    article = "an" if family.startswith("AL") else "a"
    return f"if set, amiFamily must be '{family}' or 'Custom' when using {article} {family} alias"


# Rules both versions share: (id, edits that break it, location, message).
SHARED_FAILING = [
    pytest.param({"role": "p", "instanceProfile": "p"}, SPEC, ONE_OF, id="role-and-profile"),
    pytest.param({"role": DELETE}, SPEC, ONE_OF, id="neither-role-nor-profile"),
    pytest.param({"role": ""}, ("spec", "role"), "role cannot be empty", id="role-empty"),
    pytest.param(
        {"role": DELETE, "instanceProfile": ""},
        ("spec", "instanceProfile"),
        "instanceProfile cannot be empty",
        id="profile-empty",
    ),
    pytest.param(
        {"subnetSelectorTerms": [{}]},
        SUBNET,
        "expected at least one, got none, ['tags', 'id']",
        id="subnet-no-selector",
    ),
    pytest.param(
        {"subnetSelectorTerms": [{"id": "subnet-1", "tags": T}]},
        SUBNET,
        exclusive("id", "subnetSelectorTerms"),
        id="subnet-id-and-tags",
    ),
    pytest.param(
        {"subnetSelectorTerms": [{"tags": {"k": ""}}]},
        (*SUBNET, 0, "tags"),
        "empty tag keys or values aren't supported",
        id="subnet-tag-value-empty",
    ),
    pytest.param(
        {"securityGroupSelectorTerms": [{}]},
        SG,
        "expected at least one, got none, ['tags', 'id', 'name']",
        id="sg-no-selector",
    ),
    pytest.param(
        {"securityGroupSelectorTerms": [{"id": "sg-1", "tags": T}]},
        SG,
        exclusive("id", "securityGroupSelectorTerms"),
        id="sg-id-and-tags",
    ),
    pytest.param(
        {"securityGroupSelectorTerms": [{"name": "n", "tags": T}]},
        SG,
        exclusive("name", "securityGroupSelectorTerms"),
        id="sg-name-and-tags",
    ),
    pytest.param(
        {"securityGroupSelectorTerms": [{"tags": {"": "v"}}]},
        (*SG, 0, "tags"),
        "empty tag keys or values aren't supported",
        id="sg-tag-key-empty",
    ),
    pytest.param(
        {"blockDeviceMappings": [{"rootVolume": True}, {"rootVolume": True}]},
        ("spec", "blockDeviceMappings"),
        "must have only one blockDeviceMappings with rootVolume",
        id="two-root-volumes",
    ),
    pytest.param(
        {"blockDeviceMappings": [{"deviceName": "/dev/xvda", "ebs": {"volumeType": "gp3"}}]},
        ("spec", "blockDeviceMappings", 0, "ebs"),
        "snapshotID or volumeSize must be defined",
        id="ebs-without-size-or-snapshot",
    ),
    pytest.param({"tags": {"": "v"}}, TAGS, "empty tag keys aren't supported", id="tag-key-empty"),
    pytest.param(
        {"tags": {"kubernetes.io/clusterx": "owned"}},
        TAGS,
        "tag contains a restricted tag matching kubernetes.io/cluster/",
        id="tag-kubernetes-io-cluster-prefix",
    ),
    pytest.param(
        {"tags": {"karpenter.sh/nodepool": "a"}},
        TAGS,
        "tag contains a restricted tag matching karpenter.sh/nodepool",
        id="tag-nodepool",
    ),
    pytest.param(
        {"tags": {"karpenter.sh/nodeclaim": "a"}},
        TAGS,
        "tag contains a restricted tag matching karpenter.sh/nodeclaim",
        id="tag-nodeclaim",
    ),
    pytest.param(
        {"tags": {"karpenter.k8s.aws/ec2nodeclass": "a"}},
        TAGS,
        "tag contains a restricted tag matching karpenter.k8s.aws/ec2nodeclass",
        id="tag-ec2nodeclass",
    ),
]


@pytest.mark.parametrize("version", BOTH)
@pytest.mark.parametrize(("edits", "path", "message"), SHARED_FAILING)
def test_shared_cel_rule_fails(
    version: str, edits: dict[str, Any], path: tuple[str | int, ...], message: str
) -> None:
    assert cel_issues(version, **edits) == [(path, message)]


SHARED_PASSING = [
    pytest.param({"role": DELETE, "instanceProfile": "KarpenterNodeInstanceProfile"}, id="profile-only"),
    # A manifest cannot show the oldSelf transition rules (role immutable, profile -> role) failing.
    pytest.param({"role": "another-role"}, id="role-changed-is-not-judged"),
    pytest.param({"subnetSelectorTerms": [{"id": "subnet-1"}, {"tags": T}]}, id="subnet-id-or-tags"),
    pytest.param(
        {"securityGroupSelectorTerms": [{"id": "sg-1"}, {"name": "n"}, {"tags": T}]},
        id="sg-id-name-tags-apart",
    ),
    pytest.param(
        {"blockDeviceMappings": [{"rootVolume": True}, {"rootVolume": False}, {"deviceName": "/dev/xvdb"}]},
        id="one-root-volume",
    ),
    pytest.param({"blockDeviceMappings": [{"ebs": {"snapshotID": "snap-1"}}]}, id="ebs-snapshot-only"),
    pytest.param({"blockDeviceMappings": [{"ebs": {"volumeSize": "20Gi"}}]}, id="ebs-size-only"),
    pytest.param(
        {"tags": {"kubernetes.io/role": "x", "team": "", "karpenter.sh/nodepool-x": "y"}}, id="tags-allowed"
    ),
]


@pytest.mark.parametrize("version", BOTH)
@pytest.mark.parametrize("edits", SHARED_PASSING)
def test_shared_cel_rule_passes(version: str, edits: dict[str, Any]) -> None:
    assert issues(version, **edits) == []


def test_empty_subnet_terms_fail_every_rule_that_reads_them() -> None:
    # `!self.all(...)` holds vacuously on [], so the mutual-exclusion rules fail too (CRD literal).
    for version in BOTH:
        assert cel_issues(version, subnetSelectorTerms=[]) == [
            (SUBNET, "subnetSelectorTerms cannot be empty"),
            (
                SUBNET,
                exclusive("id", "subnetSelectorTerms"),
            ),
        ]
        assert [m for _, m in cel_issues(version, securityGroupSelectorTerms=[])] == [
            "securityGroupSelectorTerms cannot be empty",
            exclusive("id", "securityGroupSelectorTerms"),
            exclusive("name", "securityGroupSelectorTerms"),
        ]


@pytest.mark.parametrize(
    ("version", "key", "valid"),
    [
        pytest.param("v1beta1", "karpenter.sh/managed-by", False, id="v1beta1-managed-by"),
        pytest.param("v1", "karpenter.sh/managed-by", True, id="v1-managed-by-allowed"),
        pytest.param("v1beta1", "eks:eks-cluster-name", True, id="v1beta1-eks-cluster-name-allowed"),
        pytest.param("v1", "eks:eks-cluster-name", False, id="v1-eks-cluster-name"),
    ],
)
def test_restricted_tags_differ_between_versions(version: str, key: str, valid: bool) -> None:
    expected = [] if valid else [(TAGS, f"tag contains a restricted tag matching {key}")]
    assert cel_issues(version, tags={key: "x"}) == expected


V1BETA1_FAILING = [
    pytest.param(
        {"amiFamily": "Custom"},
        SPEC,
        "amiSelectorTerms is required when amiFamily == 'Custom'",
        id="custom-no-terms",
    ),
    pytest.param(
        {"amiSelectorTerms": [{"owner": "self"}]},
        AMI,
        "expected at least one, got none, ['tags', 'id', 'name']",
        id="ami-owner-only",
    ),
    pytest.param(
        {"amiSelectorTerms": [{"id": "ami-1", "name": "n"}]}, AMI, ID_EXCLUSIVE, id="ami-id-and-name"
    ),
    pytest.param({"amiSelectorTerms": []}, AMI, ID_EXCLUSIVE, id="ami-empty-list"),
    pytest.param(
        {"amiSelectorTerms": [{"tags": {"k": ""}}]},
        (*AMI, 0, "tags"),
        "empty tag keys or values aren't supported",
        id="ami-tag-value-empty",
    ),
]


@pytest.mark.parametrize(("edits", "path", "message"), V1BETA1_FAILING)
def test_v1beta1_cel_rule_fails(edits: dict[str, Any], path: tuple[str | int, ...], message: str) -> None:
    assert cel_issues("v1beta1", **edits) == [(path, message)]


V1BETA1_PASSING = [
    pytest.param({"amiFamily": "Custom", "amiSelectorTerms": [{"id": "ami-0123"}]}, id="custom-with-terms"),
    pytest.param({"amiSelectorTerms": [{"name": "my-ami-*", "owner": "self"}]}, id="ami-name-owner"),
    # `!self.all(...)`: one term mixing id and name is fine while another does not.
    pytest.param(
        {"amiSelectorTerms": [{"id": "ami-1", "name": "n"}, {"name": "m"}]}, id="ami-id-mix-not-all"
    ),
    pytest.param({"amiFamily": "Ubuntu"}, id="ubuntu-family"),
]


@pytest.mark.parametrize("edits", V1BETA1_PASSING)
def test_v1beta1_cel_rule_passes(edits: dict[str, Any]) -> None:
    assert issues("v1beta1", **edits) == []


def _alias_term(alias: str) -> list[dict[str, str]]:
    return [{"alias": alias}]


ALIAS = (*AMI, 0, "alias")
ALIAS_FAMILIES = [
    ("al2", "AL2"),
    ("al2023", "AL2023"),
    ("bottlerocket", "Bottlerocket"),
    ("windows2019", "Windows2019"),
    ("windows2022", "Windows2022"),
]

V1_FAILING = [
    *(
        pytest.param(
            {
                "amiSelectorTerms": _alias_term(f"{alias}@latest"),
                "amiFamily": "AL2" if family != "AL2" else "AL2023",
            },
            SPEC,
            _alias_family_message(family),
            id=f"alias-{alias}-wrong-family",
        )
        for alias, family in ALIAS_FAMILIES
    ),
    pytest.param(
        {"amiSelectorTerms": [{"id": "ami-1"}]},
        SPEC,
        "must specify amiFamily if amiSelectorTerms does not contain an alias",
        id="no-alias-no-family",
    ),
    pytest.param(
        {"amiSelectorTerms": [{"owner": "self"}], "amiFamily": "AL2"},
        AMI,
        "expected at least one, got none, ['tags', 'id', 'name', 'alias']",
        id="ami-owner-only",
    ),
    # `!self.exists(...)`: one offending term is enough in v1.
    pytest.param(
        {"amiSelectorTerms": [{"id": "ami-1", "owner": "self"}, {"name": "m"}], "amiFamily": "AL2"},
        AMI,
        ID_EXCLUSIVE,
        id="ami-id-and-owner",
    ),
    pytest.param(
        {"amiSelectorTerms": [{"alias": "al2@latest", "owner": "self"}]},
        AMI,
        "'alias' is mutually exclusive, cannot be set with a combination of other fields in amiSelectorTerms",
        id="alias-and-owner",
    ),
    pytest.param(
        {"amiSelectorTerms": [{"alias": "al2@latest"}, {"tags": T}]},
        AMI,
        "'alias' is mutually exclusive, cannot be set with a combination of other amiSelectorTerms",
        id="alias-and-another-term",
    ),
    pytest.param(
        {"amiSelectorTerms": [{"tags": {"": "v"}}], "amiFamily": "AL2"},
        (*AMI, 0, "tags"),
        "empty tag keys or values aren't supported",
        id="ami-tag-key-empty",
    ),
    pytest.param(
        {"amiSelectorTerms": _alias_term("al2")},
        ALIAS,
        "'alias' is improperly formatted, must match the format 'family@version'",
        id="alias-without-version",
    ),
    pytest.param(
        {"amiSelectorTerms": _alias_term("ubuntu@latest")},
        ALIAS,
        "family is not supported, must be one of the following: "
        "'al2', 'al2023', 'bottlerocket', 'windows2019', 'windows2022'",
        id="alias-family-unsupported",
    ),
    pytest.param(
        {"amiSelectorTerms": _alias_term("windows2022@v20240807")},
        ALIAS,
        "windows families may only specify version 'latest'",
        id="alias-windows-pinned",
    ),
    pytest.param(
        {"kubelet": {"imageGCHighThresholdPercent": 50, "imageGCLowThresholdPercent": 50}},
        KUBELET,
        "imageGCHighThresholdPercent must be greater than imageGCLowThresholdPercent",
        id="kubelet-image-gc-high-not-above-low",
    ),
    pytest.param(
        {"kubelet": {"evictionSoft": {"memory.available": "5%"}, "evictionSoftGracePeriod": {}}},
        KUBELET,
        "evictionSoft OwnerKey does not have a matching evictionSoftGracePeriod",
        id="kubelet-soft-without-grace",
    ),
    pytest.param(
        # No evictionSoftGracePeriod at all: evaluating `e in self.evictionSoftGracePeriod` errors,
        # which the API server reports as the rule's message.
        {"kubelet": {"evictionSoft": {"memory.available": "5%"}}},
        KUBELET,
        "evictionSoft OwnerKey does not have a matching evictionSoftGracePeriod",
        id="kubelet-soft-grace-missing",
    ),
    pytest.param(
        {"kubelet": {"evictionSoftGracePeriod": {"memory.available": "1m"}}},
        KUBELET,
        "evictionSoftGracePeriod OwnerKey does not have a matching evictionSoft",
        id="kubelet-grace-without-soft",
    ),
    pytest.param(
        {"kubelet": {"evictionHard": {"memory.free": "1Gi"}}},
        (*KUBELET, "evictionHard"),
        f"valid keys for evictionHard are {SIGNALS}",
        id="kubelet-evictionHard-key",
    ),
    *(
        pytest.param(
            {"kubelet": {field: {"gpu": "1"}}},
            (*KUBELET, field),
            f"valid keys for {field} are {RESERVED}",
            id=f"kubelet-{field}-key",
        )
        for field in ("kubeReserved", "systemReserved")
    ),
    *(
        pytest.param(
            {"kubelet": {field: {"cpu": "-100m"}}},
            (*KUBELET, field),
            f"{field} value cannot be a negative resource quantity",
            id=f"kubelet-{field}-negative",
        )
        for field in ("kubeReserved", "systemReserved")
    ),
]


@pytest.mark.parametrize(("edits", "path", "message"), V1_FAILING)
def test_v1_cel_rule_fails(edits: dict[str, Any], path: tuple[str | int, ...], message: str) -> None:
    assert cel_issues("v1", **edits) == [(path, message)]


V1_PASSING = [
    *(
        pytest.param(
            {"amiSelectorTerms": _alias_term(f"{alias}@latest"), "amiFamily": family}, id=f"alias-{alias}"
        )
        for alias, family in ALIAS_FAMILIES
    ),
    *(
        pytest.param(
            {"amiSelectorTerms": _alias_term(f"{alias}@latest"), "amiFamily": "Custom"}, id=f"{alias}-custom"
        )
        for alias, _ in ALIAS_FAMILIES
    ),
    pytest.param({"amiSelectorTerms": _alias_term("al2023@v20240807")}, id="alias-pinned"),
    pytest.param(
        {"amiSelectorTerms": [{"id": "ami-1"}, {"name": "n", "owner": "self"}], "amiFamily": "AL2"}, id="ids"
    ),
    pytest.param(
        {
            "kubelet": {
                "clusterDNS": ["10.0.0.10"],
                "cpuCFSQuota": True,
                "evictionHard": {"memory.available": "5%", "nodefs.available": "10%"},
                "evictionSoft": {"memory.available": "500Mi"},
                "evictionSoftGracePeriod": {"memory.available": "1m"},
                "evictionMaxPodGracePeriod": 60,
                "imageGCHighThresholdPercent": 85,
                "imageGCLowThresholdPercent": 80,
                "kubeReserved": {"cpu": "100m", "memory": "1Gi", "ephemeral-storage": "1Gi", "pid": "100"},
                "systemReserved": {"cpu": "100m"},
                "maxPods": 110,
                "podsPerCore": 0,
            }
        },
        id="kubelet-every-field",
    ),
    pytest.param({"kubelet": {"evictionSoft": {}}}, id="kubelet-empty-soft-reads-no-grace"),
]


@pytest.mark.parametrize("edits", V1_PASSING)
def test_v1_cel_rule_passes(edits: dict[str, Any]) -> None:
    assert issues("v1", **edits) == []


def test_eviction_soft_keys_are_checked_on_both_maps() -> None:
    # A soft signal needs its grace period (and vice versa), so a bad key is in both maps.
    kubelet = {"evictionSoft": {"memory.free": "1Gi"}, "evictionSoftGracePeriod": {"memory.free": "1m"}}
    assert cel_issues("v1", kubelet=kubelet) == [
        ((*KUBELET, "evictionSoft"), f"valid keys for evictionSoft are {SIGNALS}"),
        ((*KUBELET, "evictionSoftGracePeriod"), f"valid keys for evictionSoftGracePeriod are {SIGNALS}"),
    ]


def test_a_windows_alias_without_version_breaks_two_rules() -> None:
    # `self.split('@')[1]` is out of bounds: the evaluation error counts as a failed rule.
    assert [m for _, m in cel_issues("v1", amiSelectorTerms=_alias_term("windows2019"))] == [
        "'alias' is improperly formatted, must match the format 'family@version'",
        "windows families may only specify version 'latest'",
    ]


# ------------------------------------------------------------------------------------ patterns

VOLUME_SIZE_CASES = [
    *(
        pytest.param(size, True, id=f"ok-{size}")
        for size in ("1Gi", "100Gi", "59000Gi", "64000G", "58Ti", "64T")
    ),
    # `([1-9]||...)Ti`: the empty alternative upstream makes a bare unit match.
    pytest.param("Ti", True, id="ok-bare-Ti"),
    pytest.param("T", True, id="ok-bare-T"),
    *(
        pytest.param(size, False, id=f"bad-{size.strip() or 'empty'}")
        for size in ("0Gi", "059Gi", "59001Gi", "64001G", "59Ti", "65T", "20GiB", "20gi", "20", "20 Gi", "")
    ),
    pytest.param("20Gi\n", False, id="bad-trailing-newline"),
]


@pytest.mark.parametrize("version", BOTH)
@pytest.mark.parametrize(("size", "valid"), VOLUME_SIZE_CASES)
def test_volume_size_pattern(version: str, size: str, valid: bool) -> None:
    found = issues(version, blockDeviceMappings=[{"ebs": {"volumeSize": size}}])
    path = ("spec", "blockDeviceMappings", 0, "ebs", "volumeSize")
    assert [(i.path, i.kind) for i in found] == ([] if valid else [(path, IssueKind.PATTERN)])
    # The pattern is quoted verbatim from the CRD.
    assert all(i.message.endswith(f"should match '{VOLUME_SIZE_PATTERN}'") for i in found)


ID_CASES = [
    # OpenAPI patterns are unanchored: any string containing a match passes.
    pytest.param("amiSelectorTerms", "ami-placeholder", True, id="ami-placeholder"),
    pytest.param("amiSelectorTerms", "my-ami-0abc", True, id="ami-embedded"),
    pytest.param("amiSelectorTerms", "ami-", False, id="ami-no-suffix"),
    pytest.param("amiSelectorTerms", "AMI-0ABC", False, id="ami-uppercase"),
    pytest.param("subnetSelectorTerms", "subnet-0abc", True, id="subnet-ok"),
    pytest.param("subnetSelectorTerms", "sub-0abc", False, id="subnet-bad"),
    pytest.param("securityGroupSelectorTerms", "sg-0abc", True, id="sg-ok"),
    pytest.param("securityGroupSelectorTerms", "sg_0abc", False, id="sg-bad"),
]


@pytest.mark.parametrize("version", BOTH)
@pytest.mark.parametrize(("field", "value", "valid"), ID_CASES)
def test_selector_id_patterns(version: str, field: str, value: str, valid: bool) -> None:
    edits: dict[str, Any] = {field: [{"id": value}]}
    if version == "v1" and field == "amiSelectorTerms":
        edits["amiFamily"] = "AL2023"
    found = issues(version, **edits)
    expected = [] if valid else [(("spec", field, 0, "id"), IssueKind.PATTERN)]
    assert [(i.path, i.kind) for i in found] == expected


@pytest.mark.parametrize(
    ("field", "value", "valid"),
    [
        pytest.param("evictionHard", "10%", True, id="percent"),
        pytest.param("evictionHard", "100.00%", True, id="percent-100"),
        pytest.param("evictionHard", "500Mi", True, id="quantity"),
        pytest.param("evictionHard", "", True, id="empty-alternative"),
        pytest.param("evictionHard", "101%", False, id="percent-101"),
        # RE2's \d is ASCII only (pydantic's Rust engine alone would accept this).
        pytest.param("evictionHard", "1\u0663%", False, id="arabic-indic-digit"),
        pytest.param("kubeReserved", "1.5Gi", True, id="reserved-quantity"),
        pytest.param("kubeReserved", "1GB", False, id="reserved-not-quantity"),
        pytest.param("kubeReserved", "10%", False, id="reserved-percent"),
    ],
)
def test_kubelet_value_patterns(field: str, value: str, valid: bool) -> None:
    key = "memory.available" if field == "evictionHard" else "memory"
    found = issues("v1", kubelet={field: {key: value}})
    expected = [] if valid else [(("spec", "kubelet", field, key), IssueKind.PATTERN)]
    assert [(i.path, i.kind) for i in found] == expected


# ------------------------------------------------------- enums, limits, required, unknown, types

SCHEMA_CASES = [
    pytest.param(
        "v1", {"amiFamily": "Ubuntu"}, ("spec", "amiFamily"), IssueKind.ENUM, id="v1-ubuntu-removed"
    ),
    pytest.param("v1beta1", {"amiFamily": "AL3"}, ("spec", "amiFamily"), IssueKind.ENUM, id="family-unknown"),
    pytest.param(
        "v1beta1",
        {"instanceStorePolicy": "RAID1"},
        ("spec", "instanceStorePolicy"),
        IssueKind.ENUM,
        id="raid1",
    ),
    pytest.param(
        "v1",
        {"blockDeviceMappings": [{"ebs": {"volumeSize": "1Gi", "volumeType": "gp4"}}]},
        ("spec", "blockDeviceMappings", 0, "ebs", "volumeType"),
        IssueKind.ENUM,
        id="volume-type",
    ),
    pytest.param(
        "v1beta1",
        {"metadataOptions": {"httpTokens": "sometimes"}},
        ("spec", "metadataOptions", "httpTokens"),
        IssueKind.ENUM,
        id="http-tokens",
    ),
    pytest.param(
        "v1",
        {"metadataOptions": {"httpEndpoint": "on"}},
        ("spec", "metadataOptions", "httpEndpoint"),
        IssueKind.ENUM,
        id="http-endpoint",
    ),
    pytest.param(
        "v1",
        {"metadataOptions": {"httpProtocolIPv6": "true"}},
        ("spec", "metadataOptions", "httpProtocolIPv6"),
        IssueKind.ENUM,
        id="http-ipv6",
    ),
    *(
        pytest.param(
            version,
            {"metadataOptions": {"httpPutResponseHopLimit": hops}},
            ("spec", "metadataOptions", "httpPutResponseHopLimit"),
            IssueKind.LIMIT,
            id=f"{version}-hop-limit-{hops}",
        )
        for version in BOTH
        for hops in (0, 65)
    ),
    pytest.param("v1", {"amiSelectorTerms": []}, AMI, IssueKind.LIMIT, id="v1-ami-terms-min-items"),
    pytest.param(
        "v1beta1", {"amiSelectorTerms": [{"name": "n"}] * 31}, AMI, IssueKind.LIMIT, id="ami-terms-max-items"
    ),
    pytest.param(
        "v1", {"subnetSelectorTerms": [{"tags": T}] * 31}, SUBNET, IssueKind.LIMIT, id="subnet-max-items"
    ),
    pytest.param(
        "v1beta1", {"securityGroupSelectorTerms": [{"tags": T}] * 31}, SG, IssueKind.LIMIT, id="sg-max-items"
    ),
    pytest.param(
        "v1",
        {"blockDeviceMappings": [{"deviceName": "/dev/xvda"}] * 51},
        ("spec", "blockDeviceMappings"),
        IssueKind.LIMIT,
        id="bdm-max-items",
    ),
    pytest.param(
        "v1beta1",
        {"subnetSelectorTerms": [{"tags": {f"k{i}": "v" for i in range(21)}}]},
        (*SUBNET, 0, "tags"),
        IssueKind.LIMIT,
        id="term-tags-max-properties",
    ),
    pytest.param(
        "v1",
        {"amiSelectorTerms": _alias_term("al2023@" + "v" * 24)},
        ALIAS,
        IssueKind.LIMIT,
        id="alias-max-length",
    ),
    pytest.param(
        "v1",
        {"kubelet": {"imageGCHighThresholdPercent": 101}},
        (*KUBELET, "imageGCHighThresholdPercent"),
        IssueKind.LIMIT,
        id="image-gc-101",
    ),
    pytest.param(
        "v1",
        {"kubelet": {"imageGCLowThresholdPercent": -1}},
        (*KUBELET, "imageGCLowThresholdPercent"),
        IssueKind.LIMIT,
        id="image-gc-negative",
    ),
    pytest.param(
        "v1", {"kubelet": {"maxPods": -1}}, (*KUBELET, "maxPods"), IssueKind.LIMIT, id="max-pods-negative"
    ),
    pytest.param(
        "v1",
        {"kubelet": {"podsPerCore": -1}},
        (*KUBELET, "podsPerCore"),
        IssueKind.LIMIT,
        id="pods-per-core-negative",
    ),
    pytest.param(
        "v1beta1", {"amiFamily": DELETE}, ("spec", "amiFamily"), IssueKind.REQUIRED, id="v1beta1-family"
    ),
    pytest.param("v1", {"amiSelectorTerms": DELETE}, AMI, IssueKind.REQUIRED, id="v1-ami-terms-required"),
    *(
        pytest.param(
            version, {field: DELETE}, ("spec", field), IssueKind.REQUIRED, id=f"{version}-{field}-required"
        )
        for version in BOTH
        for field in ("subnetSelectorTerms", "securityGroupSelectorTerms")
    ),
    pytest.param(
        "v1beta1", {"kubelet": {"maxPods": 10}}, KUBELET, IssueKind.UNKNOWN_FIELD, id="v1beta1-kubelet"
    ),
    pytest.param(
        "v1beta1",
        {"amiSelectorTerms": _alias_term("al2@latest")},
        ALIAS,
        IssueKind.UNKNOWN_FIELD,
        id="v1beta1-alias",
    ),
    pytest.param(
        "v1", {"amiSelector": {"a": "b"}}, ("spec", "amiSelector"), IssueKind.UNKNOWN_FIELD, id="old-field"
    ),
    pytest.param(
        "v1",
        {"blockDeviceMappings": [{"ebs": {"volumeSize": "1Gi", "size": "1Gi"}}]},
        ("spec", "blockDeviceMappings", 0, "ebs", "size"),
        IssueKind.UNKNOWN_FIELD,
        id="ebs-unknown",
    ),
    pytest.param(
        "v1",
        {"kubelet": {"maxpods": 1}},
        (*KUBELET, "maxpods"),
        IssueKind.UNKNOWN_FIELD,
        id="kubelet-field-case",
    ),
    pytest.param(
        "v1",
        {"metadataOptions": {"httpPutResponseHopLimit": "2"}},
        ("spec", "metadataOptions", "httpPutResponseHopLimit"),
        IssueKind.TYPE,
        id="hop-limit-string",
    ),
    pytest.param(
        "v1beta1",
        {"metadataOptions": {"httpPutResponseHopLimit": 2.5}},
        ("spec", "metadataOptions", "httpPutResponseHopLimit"),
        IssueKind.TYPE,
        id="hop-limit-float",
    ),
    pytest.param(
        "v1",
        {"associatePublicIPAddress": "true"},
        ("spec", "associatePublicIPAddress"),
        IssueKind.TYPE,
        id="bool-str",
    ),
    pytest.param(
        "v1beta1", {"detailedMonitoring": 1}, ("spec", "detailedMonitoring"), IssueKind.TYPE, id="bool-int"
    ),
    pytest.param(
        "v1",
        {"blockDeviceMappings": [{"ebs": {"volumeSize": "1Gi", "iops": "3000"}}]},
        ("spec", "blockDeviceMappings", 0, "ebs", "iops"),
        IssueKind.TYPE,
        id="iops-string",
    ),
    pytest.param("v1", {"tags": {"team": 7}}, ("spec", "tags", "team"), IssueKind.TYPE, id="tag-value-int"),
    pytest.param(
        "v1beta1", {"userData": ["#!/bin/bash"]}, ("spec", "userData"), IssueKind.TYPE, id="user-data-list"
    ),
    pytest.param(
        "v1", {"kubelet": {"maxPods": True}}, (*KUBELET, "maxPods"), IssueKind.TYPE, id="max-pods-bool"
    ),
    pytest.param("v1", {"subnetSelectorTerms": {"tags": T}}, SUBNET, IssueKind.TYPE, id="terms-not-a-list"),
]


@pytest.mark.parametrize(("version", "edits", "path", "kind"), SCHEMA_CASES)
def test_schema_violation(
    version: str, edits: dict[str, Any], path: tuple[str | int, ...], kind: IssueKind
) -> None:
    assert [(i.path, i.kind) for i in issues(version, **edits)] == [(path, kind)]


@pytest.mark.parametrize(
    ("version", "edits"),
    [
        pytest.param("v1", {"metadataOptions": {"httpPutResponseHopLimit": 64}}, id="hop-limit-64"),
        pytest.param("v1beta1", {"metadataOptions": {"httpPutResponseHopLimit": 1}}, id="hop-limit-1"),
        pytest.param("v1", {"amiSelectorTerms": _alias_term("al2023@" + "v" * 23)}, id="alias-30-chars"),
        pytest.param(
            "v1", {"kubelet": {"imageGCHighThresholdPercent": 100, "imageGCLowThresholdPercent": 0}}, id="gc"
        ),
        pytest.param(
            "v1beta1", {"subnetSelectorTerms": [{"tags": {f"k{i}": "v" for i in range(20)}}]}, id="20-tags"
        ),
        pytest.param("v1", {"blockDeviceMappings": [{"deviceName": "/dev/xvda"}] * 50}, id="50-mappings"),
        pytest.param(
            "v1",
            {
                "associatePublicIPAddress": False,
                "context": "cr-123",
                "detailedMonitoring": True,
                "instanceStorePolicy": "RAID0",
                "userData": "#!/bin/bash\n",
                "tags": {"team": "platform"},
                "blockDeviceMappings": [
                    {
                        "deviceName": "/dev/xvda",
                        "rootVolume": True,
                        "ebs": {
                            "deleteOnTermination": True,
                            "encrypted": True,
                            "iops": 3000,
                            "kmsKeyID": "arn:aws:kms:us-west-2:111122223333:key/1",
                            "snapshotID": "snap-0123",
                            "throughput": 125,
                            "volumeSize": "100Gi",
                            "volumeType": "gp3",
                        },
                    }
                ],
                "metadataOptions": {
                    "httpEndpoint": "disabled",
                    "httpProtocolIPv6": "enabled",
                    "httpPutResponseHopLimit": 3,
                    "httpTokens": "optional",
                },
            },
            id="every-spec-field",
        ),
        # The API server prunes nulls of non-nullable fields: a null role is no role.
        pytest.param("v1", {"role": None, "instanceProfile": "profile"}, id="null-role-pruned"),
        pytest.param("v1beta1", {"metadataOptions": None}, id="null-metadata-options-defaulted"),
    ],
)
def test_schema_edge_accepted(version: str, edits: dict[str, Any]) -> None:
    assert issues(version, **edits) == []


def test_spec_is_not_required_by_the_crd() -> None:
    # Unlike NodePool and NodeClaim, the EC2NodeClass CRDs have no top-level `required: [spec]`.
    for version in BOTH:
        data = build(version)
        del data["spec"]
        assert validate_object(data) == []


# -------------------------------------------------------------------------------------- defaults


@pytest.mark.parametrize(
    ("model", "base", "hops"),
    [
        pytest.param(aws_v1beta1.EC2NodeClass, V1BETA1, 2, id="v0.37-default-2"),
        pytest.param(aws_v1.EC2NodeClass, V1, 1, id="v1.0-default-1"),
    ],
)
def test_metadata_options_defaults(model: Any, base: dict[str, Any], hops: int) -> None:
    absent = model.model_validate(base).spec.metadataOptions
    assert absent.model_dump() == {
        "httpEndpoint": "enabled",
        "httpProtocolIPv6": "disabled",
        "httpTokens": "required",
        "httpPutResponseHopLimit": hops,
    }
    data = copy.deepcopy(base)
    data["spec"]["metadataOptions"] = {"httpTokens": "optional", "httpEndpoint": None}
    partial = model.model_validate(data).spec.metadataOptions
    assert (partial.httpTokens, partial.httpEndpoint, partial.httpPutResponseHopLimit) == (
        "optional",
        "enabled",
        hops,
    )


# ------------------------------------------------------------------------ the spec's clean example


def _example_node_classes(section: str) -> list[dict[str, Any]]:
    path = SHARED / "spec" / "clean-mode-example.md"
    if not path.is_file():
        pytest.skip("../shared not present: reference data unavailable")
    text = path.read_text(encoding="utf-8")
    block = re.search(rf"^{section}:\s*```yaml\n(.*?)```", text, re.MULTILINE | re.DOTALL)
    assert block is not None, f"no {section} block"
    docs = YAML(typ="safe", pure=True).load_all(block.group(1))
    return [doc for doc in docs if isinstance(doc, dict) and doc.get("kind") == "EC2NodeClass"]


@pytest.mark.parametrize(
    ("section", "api_version"),
    [
        pytest.param("Before", "karpenter.k8s.aws/v1beta1", id="before"),
        pytest.param("After", "karpenter.k8s.aws/v1", id="after"),
    ],
)
def test_clean_mode_example_node_class_is_valid(section: str, api_version: str) -> None:
    node_classes = _example_node_classes(section)
    assert [doc["apiVersion"] for doc in node_classes] == [api_version]
    assert validate_object(node_classes[0]) == []


# ------------------------------------------------------------------ every CEL rule has a case

CRDS = {
    "v1beta1": ("crds/v0.37/v0.37.0-v1beta1-only/karpenter.k8s.aws_ec2nodeclasses.yaml", "v1beta1"),
    "v1": ("crds/v1.0/karpenter.k8s.aws_ec2nodeclasses.yaml", "v1"),
}


def _crd_rules(node: Any) -> list[dict[str, str]]:
    if isinstance(node, dict):
        own = list(node.get("x-kubernetes-validations", []))
        return own + [rule for value in node.values() for rule in _crd_rules(value)]
    if isinstance(node, list):
        return [rule for value in node for rule in _crd_rules(value)]
    return []


# Messages asserted by the standalone tests above rather than by the failing-case tables.
ASSERTED_ELSEWHERE = {
    "v1beta1": (
        "subnetSelectorTerms cannot be empty",
        "securityGroupSelectorTerms cannot be empty",
        "tag contains a restricted tag matching karpenter.sh/managed-by",
    ),
    "v1": (
        "subnetSelectorTerms cannot be empty",
        "securityGroupSelectorTerms cannot be empty",
        "tag contains a restricted tag matching eks:eks-cluster-name",
        f"valid keys for evictionSoft are {SIGNALS}",
        f"valid keys for evictionSoftGracePeriod are {SIGNALS}",
    ),
}


def _failing_messages(version: str) -> set[str]:
    """Messages the failing cases of this module assert for ``version``."""
    tables = [(SHARED_FAILING, BOTH), (V1BETA1_FAILING, ("v1beta1",)), (V1_FAILING, ("v1",))]
    out = {param.values[2] for table, versions in tables if version in versions for param in table}
    return {str(message) for message in out} | set(ASSERTED_ELSEWHERE[version])


@pytest.mark.parametrize("version", BOTH)
def test_every_crd_cel_rule_has_a_failing_case(version: str) -> None:
    relative, served = CRDS[version]
    path = SHARED / relative
    if not path.is_file():
        pytest.skip("../shared not present: reference data unavailable")
    crd = YAML(typ="safe", pure=True).load(path.read_text(encoding="utf-8"))
    schema = next(v for v in crd["spec"]["versions"] if v["name"] == served)["schema"]["openAPIV3Schema"]
    rules = _crd_rules(schema["properties"]["spec"])
    # Transition rules (oldSelf) need the stored object; they are out of reach of one manifest.
    messages = {rule["message"] for rule in rules if "oldSelf" not in rule["rule"]}
    assert len(messages) >= 20
    assert messages - _failing_messages(version) == set()


def _values(node: Any, key: str) -> set[str]:
    """Every value of ``key`` anywhere in a JSON schema, JSON-encoded (lists in order)."""
    if isinstance(node, dict):
        own = {json.dumps(node[key])} if key in node else set()
        return own.union(*(_values(value, key) for value in node.values()))
    if isinstance(node, list):
        return set().union(*(_values(value, key) for value in node))
    return set()


@pytest.mark.parametrize(
    ("version", "model"),
    [
        pytest.param("v1beta1", aws_v1beta1.EC2NodeClassSpec, id="v1beta1"),
        pytest.param("v1", aws_v1.EC2NodeClassSpec, id="v1"),
    ],
)
def test_patterns_and_enums_are_the_crds_verbatim(version: str, model: Any) -> None:
    relative, served = CRDS[version]
    path = SHARED / relative
    if not path.is_file():
        pytest.skip("../shared not present: reference data unavailable")
    crd = YAML(typ="safe", pure=True).load(path.read_text(encoding="utf-8"))
    spec = next(v for v in crd["spec"]["versions"] if v["name"] == served)["schema"]["openAPIV3Schema"][
        "properties"
    ]["spec"]
    ours = model.model_json_schema(mode="validation")
    assert _values(ours, "pattern") == _values(spec, "pattern")
    # A one-value enum (instanceStorePolicy: [RAID0]) is a `const` in pydantic's schema.
    singletons = {json.dumps([value]) for value in (json.loads(v) for v in _values(ours, "const"))}
    assert _values(ours, "enum") | singletons == _values(spec, "enum")
