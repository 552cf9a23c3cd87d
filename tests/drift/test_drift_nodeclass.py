"""EC2NodeClass drift (drift-and-lint §a.2): the static hash, selector terms, kubelet, migrations."""

from __future__ import annotations

import pytest
from drift_support import changes, codes, load, nodeclass

from karpmigrate.convert import AliasVersions, Options, convert_text
from karpmigrate.drift import (
    AMI_DRIFT,
    CAPACITY_RESERVATION_DRIFT,
    NODECLASS_DRIFT,
    SECURITY_GROUP_DRIFT,
    SUBNET_DRIFT,
)

SPEC = ("spec",)

BASE = """\
amiSelectorTerms:
  - alias: al2023@v20240807
userData: |
  echo hello
tags:
  team: web
  env: prod
blockDeviceMappings:
  - deviceName: /dev/xvda
    ebs: {volumeSize: 100Gi, volumeType: gp3, encrypted: true, deleteOnTermination: true}
  - deviceName: /dev/xvdb
    ebs: {volumeSize: 1024Gi, volumeType: gp3}
instanceStorePolicy: RAID0
detailedMonitoring: true
associatePublicIPAddress: false
metadataOptions:
  httpEndpoint: enabled
  httpProtocolIPv6: disabled
  httpPutResponseHopLimit: 2
  httpTokens: required
context: cr-123
"""


def edit(old: str, new: str) -> str:
    assert old in BASE, old
    return nodeclass(BASE.replace(old, new, 1))


# ---------------------------------------------------------------- static fields: KM204


@pytest.mark.parametrize(
    ("old", "new", "path"),
    [
        pytest.param("echo hello", "echo bye", (*SPEC, "userData"), id="userData"),
        pytest.param("team: web", "team: api", (*SPEC, "tags", "team"), id="tag changed"),
        pytest.param("  env: prod\n", "  env: prod\n  cost: x\n", (*SPEC, "tags", "cost"), id="tag added"),
        pytest.param(
            "volumeSize: 100Gi", "volumeSize: 200Gi", (*SPEC, "blockDeviceMappings"), id="volumeSize"
        ),
        pytest.param(
            "volumeType: gp3}\n", "volumeType: gp2}\n", (*SPEC, "blockDeviceMappings"), id="volumeType"
        ),
        pytest.param("encrypted: true", "encrypted: false", (*SPEC, "blockDeviceMappings"), id="encrypted"),
        pytest.param(
            "instanceStorePolicy: RAID0\n", "", (*SPEC, "instanceStorePolicy"), id="instanceStorePolicy"
        ),
        pytest.param(
            "detailedMonitoring: true",
            "detailedMonitoring: false",
            (*SPEC, "detailedMonitoring"),
            id="detailedMonitoring",
        ),
        pytest.param(
            "associatePublicIPAddress: false",
            "associatePublicIPAddress: true",
            (*SPEC, "associatePublicIPAddress"),
            id="public IP",
        ),
        pytest.param(
            "HopLimit: 2",
            "HopLimit: 1",
            (*SPEC, "metadataOptions", "httpPutResponseHopLimit"),
            id="hop limit",
        ),
        pytest.param(
            "  httpPutResponseHopLimit: 2\n",
            "",
            (*SPEC, "metadataOptions", "httpPutResponseHopLimit"),
            id="hop limit to default 1",
        ),
        pytest.param(
            "httpTokens: required",
            "httpTokens: optional",
            (*SPEC, "metadataOptions", "httpTokens"),
            id="httpTokens",
        ),
        pytest.param("context: cr-123", "context: cr-456", (*SPEC, "context"), id="context"),
        pytest.param(
            "echo hello",
            "echo hello\nnetworkInterfaces: [{networkCardIndex: 0, deviceIndex: 0}]",
            (*SPEC, "networkInterfaces"),
            id="networkInterfaces",
        ),
        pytest.param(
            "echo hello",
            "echo hello\ncpuOptions: {nestedVirtualization: enabled}",
            (*SPEC, "cpuOptions", "nestedVirtualization"),
            id="cpuOptions",
        ),
    ],
)
def test_hashed_field_changes_drift_every_node(old, new, path):
    found = changes(nodeclass(BASE), edit(old, new))
    assert [(c.code.code, c.path) for c in found] == [("KM204", path)]
    assert found[0].reason == NODECLASS_DRIFT
    assert "every node of EC2NodeClass default" in found[0].message


def test_role_change_drifts():
    new = load(nodeclass(BASE))
    new["spec"]["role"] = "OtherRole"
    assert codes(nodeclass(BASE), new) == [("KM204", (*SPEC, "role"))]


def test_instance_profile_replacing_role_drifts():
    old = nodeclass(BASE)
    new = load(old)
    del new["spec"]["role"]
    new["spec"]["instanceProfile"] = "KarpenterNodeProfile"
    assert codes(old, new) == [("KM204", (*SPEC, "role")), ("KM204", (*SPEC, "instanceProfile"))]


@pytest.mark.parametrize(
    ("old", "new", "was", "now"),
    [
        pytest.param(
            "alias: al2023@v20240807",
            "alias: bottlerocket@v1.20.0",
            "AL2023",
            "Bottlerocket",
            id="alias family",
        ),
        pytest.param(
            "amiSelectorTerms:",
            "amiFamily: Custom\namiSelectorTerms:",
            "AL2023",
            "Custom",
            id="Custom with alias",
        ),
    ],
)
def test_resolved_ami_family_is_hashed(old, new, was, now):
    found = {c.code.code: c for c in changes(nodeclass(BASE), edit(old, new))}
    family = found["KM204"]
    assert (family.path, family.old, family.new) == ((*SPEC, "amiFamily"), was, now)
    assert "resolved AMI family" in family.message


# ---------------------------------------------------------------- spelling only and explicit defaults


@pytest.mark.parametrize(
    ("old", "new"),
    [
        pytest.param("volumeSize: 1024Gi", "volumeSize: 1Ti", id="1024Gi vs 1Ti"),
        pytest.param(
            "  - deviceName: /dev/xvda\n    ebs: {volumeSize: 100Gi, volumeType: gp3, encrypted: true, deleteOnTermination: true}\n"
            "  - deviceName: /dev/xvdb\n    ebs: {volumeSize: 1024Gi, volumeType: gp3}\n",
            "  - ebs: {volumeType: gp3, volumeSize: 1Ti}\n    deviceName: /dev/xvdb\n"
            "  - deviceName: /dev/xvda\n    ebs: {deleteOnTermination: true, encrypted: true, volumeType: gp3, volumeSize: 100Gi}\n",
            id="mapping order and key order",
        ),
        pytest.param("  team: web\n  env: prod\n", "  env: prod\n  team: 'web'\n", id="tag order and quotes"),
        pytest.param(
            "  httpEndpoint: enabled\n  httpProtocolIPv6: disabled\n", "", id="explicit defaults vs absent"
        ),
        pytest.param(
            "amiSelectorTerms:",
            "amiFamily: AL2023\namiSelectorTerms:",
            id="amiFamily equal to the alias family",
        ),
        pytest.param(
            "deviceName: /dev/xvdb\n", "deviceName: /dev/xvdb\n    rootVolume: false\n", id="rootVolume false"
        ),
        pytest.param("echo hello", "echo hello\nipPrefixCount: 2", id="ipPrefixCount is not hashed"),
        pytest.param("echo hello", "echo hello\nunknownField: 1", id="unknown fields are pruned"),
    ],
)
def test_spelling_only_changes_never_drift(old, new):
    assert codes(nodeclass(BASE), edit(old, new)) == []


def test_metadata_and_status_are_not_hashed():
    new = load(nodeclass(BASE, metadata="annotations: {a: b}\n"))
    new["status"] = {"amis": [{"id": "ami-1"}]}
    assert codes(nodeclass(BASE), new) == []


def test_hop_limit_1_written_out_equals_the_v1_default():
    without = BASE.replace(
        "metadataOptions:\n  httpEndpoint: enabled\n  httpProtocolIPv6: disabled\n  httpPutResponseHopLimit: 2\n  httpTokens: required\n",
        "",
    )
    assert (
        codes(nodeclass(without), nodeclass(without + "metadataOptions: {httpPutResponseHopLimit: 1}\n"))
        == []
    )


# ---------------------------------------------------------------- explicit empties: KM210


def test_null_is_absent_and_true_is_a_value():
    plain = "amiSelectorTerms: [{alias: al2023@latest}]\n"
    assert codes(nodeclass(plain), nodeclass(plain + "detailedMonitoring: null\n")) == []
    assert codes(nodeclass(BASE), edit("detailedMonitoring: true\n", "")) == [
        ("KM204", (*SPEC, "detailedMonitoring"))
    ]


@pytest.mark.parametrize(
    ("extra", "path"),
    [
        pytest.param("tags: {}\n", (*SPEC, "tags"), id="tags {}"),
        pytest.param(
            "detailedMonitoring: false\n", (*SPEC, "detailedMonitoring"), id="detailedMonitoring false"
        ),
        pytest.param(
            "associatePublicIPAddress: false\n", (*SPEC, "associatePublicIPAddress"), id="public IP false"
        ),
        pytest.param('userData: ""\n', (*SPEC, "userData"), id="userData empty"),
        pytest.param(
            "blockDeviceMappings: []\n", (*SPEC, "blockDeviceMappings"), id="blockDeviceMappings []"
        ),
    ],
)
def test_explicit_empty_values_are_km210(extra, path):
    plain = "amiSelectorTerms: [{alias: al2023@latest}]\n"
    found = changes(nodeclass(plain), nodeclass(plain + extra))
    assert [(c.code.code, c.path) for c in found] == [("KM210", path)]
    assert found[0].reason == NODECLASS_DRIFT


def test_explicit_false_that_changes_behaviour_is_km204():
    plain = "amiSelectorTerms: [{alias: al2023@latest}]\nblockDeviceMappings: [{deviceName: /dev/xvda, ebs: {volumeSize: 20Gi}}]\n"
    new = plain.replace("volumeSize: 20Gi", "volumeSize: 20Gi, deleteOnTermination: false")
    assert codes(nodeclass(plain), nodeclass(new)) == [("KM204", (*SPEC, "blockDeviceMappings"))]


# ---------------------------------------------------------------- dynamic: KM205-KM208

TERMS = "amiSelectorTerms: [{alias: al2023@latest}]\n"


def with_terms(key: str, *terms: dict) -> dict:
    obj = load(nodeclass(TERMS))
    obj["spec"][key] = list(terms)
    return obj


PROD = {"tags": {"karpenter.sh/discovery": "prod"}}


def test_security_group_added_drifts_every_node():
    old = with_terms("securityGroupSelectorTerms", PROD)
    new = with_terms("securityGroupSelectorTerms", PROD, {"id": "sg-0123"})
    (change,) = changes(old, new)
    assert (change.code.code, change.reason, change.path) == (
        "KM205",
        SECURITY_GROUP_DRIFT,
        (*SPEC, "securityGroupSelectorTerms"),
    )
    assert 'added {"id":"sg-0123"}' in change.message
    assert "an added group too" in change.message


def test_security_group_terms_reordered_do_not_drift():
    old = with_terms("securityGroupSelectorTerms", PROD, {"id": "sg-1"})
    new = with_terms("securityGroupSelectorTerms", {"id": "sg-1"}, PROD, PROD)
    assert codes(old, new) == []


def test_subnet_added_is_safe_and_removed_drifts():
    wider = with_terms("subnetSelectorTerms", PROD, {"id": "subnet-1"})
    assert codes(nodeclass(TERMS), wider) == []
    (change,) = changes(wider, nodeclass(TERMS))
    assert (change.code.code, change.reason) == ("KM206", SUBNET_DRIFT)
    assert 'removed {"id":"subnet-1"}' in change.message


def test_subnet_term_narrowed_drifts():
    narrower = with_terms(
        "subnetSelectorTerms", {"tags": {"karpenter.sh/discovery": "prod", "tier": "private"}}
    )
    assert codes(nodeclass(TERMS), narrower) == [("KM206", (*SPEC, "subnetSelectorTerms"))]


def test_ami_terms_pinned_drift_nodes_not_on_that_ami():
    old, new = nodeclass(TERMS), nodeclass(TERMS.replace("latest", "v20240807"))
    (change,) = changes(old, new)
    assert (change.code.code, change.reason, change.path) == ("KM207", AMI_DRIFT, (*SPEC, "amiSelectorTerms"))


def test_capacity_reservations_removed_drift_and_added_do_not():
    one = "capacityReservationSelectorTerms: [{id: cr-1}]\n"
    two = "capacityReservationSelectorTerms: [{id: cr-1}, {id: cr-2}]\n"
    assert codes(nodeclass(TERMS + one), nodeclass(TERMS + two)) == []
    (change,) = changes(nodeclass(TERMS + two), nodeclass(TERMS + one))
    assert (change.code.code, change.reason) == ("KM208", CAPACITY_RESERVATION_DRIFT)


def test_placement_group_change_is_km208_not_km204():
    old = nodeclass(TERMS + "placementGroupSelector: {name: pg-a}\n")
    new = nodeclass(TERMS + "placementGroupSelector: {name: pg-b}\n")
    (change,) = changes(old, new)
    assert (change.code.code, change.reason, change.path) == (
        "KM208",
        NODECLASS_DRIFT,
        (*SPEC, "placementGroupSelector", "name"),
    )
    assert "PlacementGroupDrift" in change.message


# ---------------------------------------------------------------- kubelet


def test_kubelet_edit_of_a_v1_class_drifts_through_the_kubelet_hash_on_1_0():
    old = nodeclass(TERMS + "kubelet: {maxPods: 110}\n")
    new = nodeclass(TERMS + "kubelet: {maxPods: 58}\n")
    (change,) = changes(old, new)
    assert (change.code.code, change.path) == ("KM204", (*SPEC, "kubelet", "maxPods"))
    assert "kubelet drift hash" in change.message
    (static,) = changes(old, new, target="1.1")
    assert "kubelet drift hash" not in static.message


def test_kubelet_spelling_does_not_drift():
    old = nodeclass(
        TERMS
        + "kubelet: {clusterDNS: [10.0.0.10, 10.0.0.11], evictionSoftGracePeriod: {memory.available: 1m}}\n"
    )
    new = nodeclass(
        TERMS
        + "kubelet: {evictionSoftGracePeriod: {memory.available: 60s}, clusterDNS: [10.0.0.11, 10.0.0.10]}\n"
    )
    assert codes(old, new, target="1.1") == []


def test_kubelet_reserved_values_compare_as_raw_strings():
    old = nodeclass(TERMS + "kubelet: {systemReserved: {memory: 1Gi}}\n")
    new = nodeclass(TERMS + "kubelet: {systemReserved: {memory: 1024Mi}}\n")
    assert codes(old, new, target="1.1") == [("KM204", (*SPEC, "kubelet", "systemReserved", "memory"))]


def test_empty_kubelet_is_km210_from_1_1_and_nothing_on_1_0():
    old, new = nodeclass(TERMS), nodeclass(TERMS + "kubelet: {}\n")
    assert codes(old, new, target="1.1") == [("KM210", (*SPEC, "kubelet"))]
    assert codes(old, new) == []


def test_kubelet_moved_in_by_the_migration_is_not_compared_with_the_old_class():
    old = nodeclass("amiFamily: AL2023\n", version="v1beta1")
    new = nodeclass(TERMS + "metadataOptions: {httpPutResponseHopLimit: 2}\nkubelet: {maxPods: 110}\n")
    assert codes(old, new) == []
    assert codes(old, new, target="1.1") == []


# ---------------------------------------------------------------- migrations v1beta1 -> v1

V1BETA1 = """\
amiFamily: AL2023
blockDeviceMappings:
  - deviceName: /dev/xvda
    ebs: {volumeSize: 1024Gi, volumeType: gp3, encrypted: true}
tags: {team: web}
"""


def migrate(text: str, **options: object) -> dict:
    result = convert_text(text, Options(**options))  # type: ignore[arg-type]
    assert result.text is not None
    return load(result.text)


def test_faithful_clean_conversion_has_no_drift():
    old = nodeclass(V1BETA1, version="v1beta1")
    new = migrate(old)
    assert new["spec"]["amiSelectorTerms"] == [{"alias": "al2023@latest"}]
    assert codes(old, new) == []


def test_handwritten_v1_with_explicit_family_and_hop_limit_has_no_drift():
    old = nodeclass(V1BETA1, version="v1beta1")
    new = nodeclass(
        "amiFamily: AL2023\namiSelectorTerms: [{alias: al2023@latest}]\n"
        "blockDeviceMappings: [{deviceName: /dev/xvda, ebs: {volumeType: gp3, encrypted: true, volumeSize: 1Ti}}]\n"
        "tags: {team: web}\nmetadataOptions: {httpPutResponseHopLimit: 2, httpTokens: required}\n"
    )
    assert codes(old, new) == []


def test_migration_adopting_the_v1_hop_limit_drifts():
    old = nodeclass(V1BETA1, version="v1beta1")
    (change,) = changes(old, migrate(old, adopt_v1_defaults=True))
    assert (change.code.code, change.path, change.old, change.new) == (
        "KM204",
        (*SPEC, "metadataOptions", "httpPutResponseHopLimit"),
        "2",
        "1",
    )


def test_migration_pinning_the_alias_is_ami_drift():
    old = nodeclass(V1BETA1, version="v1beta1")
    found = codes(old, migrate(old, alias_version=AliasVersions.parse("v20240807")))
    assert found == [("KM207", (*SPEC, "amiSelectorTerms"))]


def test_migration_to_custom_changes_the_resolved_family():
    old = nodeclass(V1BETA1, version="v1beta1")
    new = migrate(old)
    new["spec"]["amiFamily"] = "Custom"
    assert codes(old, new) == [("KM204", (*SPEC, "amiFamily"))]


def test_migration_that_edits_tags_drifts():
    old = nodeclass(V1BETA1, version="v1beta1")
    new = migrate(old)
    new["spec"]["tags"]["eks:eks-cluster-name"] = "prod"
    assert codes(old, new) == [("KM204", (*SPEC, "tags", "eks:eks-cluster-name"))]


def test_ubuntu_class_with_terms_converts_without_drift():
    old = nodeclass("amiFamily: Ubuntu\namiSelectorTerms: [{id: ami-0123}]\n", version="v1beta1")
    assert codes(old, migrate(old)) == []


def test_both_v1beta1_family_change_before_and_from_1_0():
    old = nodeclass("amiFamily: AL2\n", version="v1beta1")
    new = nodeclass("amiFamily: AL2023\n", version="v1beta1")
    assert codes(old, new, target="0.37") == [("KM204", (*SPEC, "amiFamily"))]
    # From 1.0 both are converted: the family resolves differently and the alias changes, both
    # pointing at amiFamily, the field the v1beta1 manifest has.
    assert codes(old, new) == [("KM204", (*SPEC, "amiFamily")), ("KM207", (*SPEC, "amiFamily"))]


def test_both_v1beta1_hop_limit_default_is_2():
    old = nodeclass("amiFamily: AL2\n", version="v1beta1")
    new = nodeclass("amiFamily: AL2\nmetadataOptions: {httpPutResponseHopLimit: 2}\n", version="v1beta1")
    assert codes(old, new, target="0.37") == []
    assert codes(old, new) == []
