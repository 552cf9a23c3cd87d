"""The drift rules KM201-KM210: one hit per change the drift engine names with the rule's code.

Each rule gets a case without a hit (an equivalent spelling, a behaviour-only edit or a faithful
migration) and one with a hit (message, path, position), through the lint engine's pairing.
"""

from __future__ import annotations

import textwrap

import pytest
from lint_support import hits, messages

from karpmigrate.findings import Level
from karpmigrate.lint.rules import (
    km201_nodepool_static_drift,
    km202_requirement_narrowed,
    km203_requirement_new_label,
    km204_nodeclass_static_drift,
    km205_security_groups_changed,
    km206_subnets_changed,
    km207_ami_terms_changed,
    km208_reservation_or_placement_changed,
    km209_template_annotation_drift,
    km210_explicit_empty_value,
)

KM201 = km201_nodepool_static_drift.RULE
KM202 = km202_requirement_narrowed.RULE
KM203 = km203_requirement_new_label.RULE
KM204 = km204_nodeclass_static_drift.RULE
KM205 = km205_security_groups_changed.RULE
KM206 = km206_subnets_changed.RULE
KM207 = km207_ami_terms_changed.RULE
KM208 = km208_reservation_or_placement_changed.RULE
KM209 = km209_template_annotation_drift.RULE
KM210 = km210_explicit_empty_value.RULE
ALL = (KM201, KM202, KM203, KM204, KM205, KM206, KM207, KM208, KM209, KM210)


def pool(template: str = "", extra: str = "", version: str = "v1", name: str = "default") -> str:
    ref = (
        "{group: karpenter.k8s.aws, kind: EC2NodeClass, name: default}"
        if version == "v1"
        else "{apiVersion: karpenter.k8s.aws/v1beta1, kind: EC2NodeClass, name: default}"
    )
    body = textwrap.indent(textwrap.dedent(template), "      ")
    return (
        f"apiVersion: karpenter.sh/{version}\nkind: NodePool\nmetadata:\n  name: {name}\nspec:\n"
        f"  template:\n    spec:\n      nodeClassRef: {ref}\n{body}{textwrap.dedent(extra)}"
    )


def nodeclass(spec: str = "", version: str = "v1") -> str:
    family = "amiSelectorTerms: [{alias: al2023@latest}]\n" if version == "v1" else "amiFamily: AL2023\n"
    body = textwrap.indent(
        family
        + "role: KarpenterNodeRole\n"
        + "subnetSelectorTerms: [{tags: {karpenter.sh/discovery: prod}}]\n"
        + "securityGroupSelectorTerms: [{tags: {karpenter.sh/discovery: prod}}]\n"
        + textwrap.dedent(spec),
        "  ",
    )
    return f"apiVersion: karpenter.k8s.aws/{version}\nkind: EC2NodeClass\nmetadata:\n  name: default\nspec:\n{body}"


def position(rule, new, old, target="1.0"):
    (found,) = hits(rule, new, old, target=target)
    return found.obj.locate(found.hit.path)


def line_of(text: str, needle: str) -> int:
    return next(n for n, line in enumerate(text.splitlines(), 1) if needle in line)


# ---------------------------------------------------------------- pairing


@pytest.mark.parametrize("rule", ALL, ids=lambda r: r.id)
def test_drift_rules_need_a_previous_version(rule):
    assert hits(rule, pool("expireAfter: 1h\ntaints: []\n")) == []
    assert hits(rule, nodeclass("tags: {}\n")) == []


@pytest.mark.parametrize("rule", ALL, ids=lambda r: r.id)
def test_an_unchanged_pair_has_no_hits(rule):
    text = pool("expireAfter: 1h\n") + "---\n" + nodeclass("tags: {a: b}\n")
    assert hits(rule, text, text) == []


@pytest.mark.parametrize("rule", ALL, ids=lambda r: r.id)
def test_wrong_types_never_raise(rule):
    broken = (
        pool("taints: oops\nrequirements: 3\nexpireAfter: [1]\n")
        + "---\n"
        + nodeclass("tags: [1]\nblockDeviceMappings: x\n")
    )
    hits(rule, broken, pool() + "---\n" + nodeclass())
    hits(rule, pool() + "---\n" + nodeclass(), broken)


# ---------------------------------------------------------------- KM201


def test_km201_spelling_only_no_hit():
    assert hits(KM201, pool("expireAfter: 720h0m0s\n"), pool("expireAfter: 720h\n")) == []
    assert hits(KM201, pool(extra="  limits: {cpu: 100}\n  weight: 5\n"), pool()) == []


def test_km201_expire_after_changed():
    new = pool("expireAfter: 168h\n")
    (found,) = hits(KM201, new, pool())
    assert found.hit.path == ("spec", "template", "spec", "expireAfter")
    assert found.rule.level is Level.WARNING
    assert "expireAfter 720h -> 168h" in found.hit.message
    assert "every node of NodePool default drifts and is replaced (NodePoolDrifted)" in found.hit.message
    assert position(KM201, new, pool()) == (line_of(new, "expireAfter"), 20)


def test_km201_migration_with_nodeclassref_renamed():
    old = pool(version="v1beta1")
    new = pool().replace("name: default}", "name: default-v1}")
    (message,) = messages(KM201, new, old)
    assert message.startswith("nodeClassRef name default -> default-v1")


def test_km201_faithful_migration_no_hit():
    assert hits(KM201, pool(), pool(version="v1beta1")) == []


def test_km201_does_not_report_template_annotations():
    old = pool()
    new = old.replace(
        "    spec:\n",
        "    metadata:\n      annotations: {karpenter.sh/do-not-disrupt: 'true'}\n    spec:\n",
        1,
    )
    assert hits(KM201, new, old) == []
    assert len(hits(KM209, new, old)) == 1


# ---------------------------------------------------------------- KM202 / KM203

CT = "{key: karpenter.sh/capacity-type, operator: In, values: [spot, on-demand]}"


def test_km202_widening_no_hit_and_narrowing_hit():
    old = pool(f"requirements: [{CT}]\n")
    assert hits(KM202, pool("requirements: []\n"), old) == []
    new = pool("requirements: [{key: karpenter.sh/capacity-type, operator: In, values: [spot]}]\n")
    (found,) = hits(KM202, new, old)
    assert found.hit.path == ("spec", "template", "spec", "requirements", 0)
    assert "value on-demand no longer allowed" in found.hit.message
    assert "(RequirementsDrifted)" in found.hit.message


def test_km203_new_late_label_hit_and_not_km202():
    old = pool(f"requirements: [{CT}]\n")
    new = pool(
        f"requirements: [{CT}, {{key: karpenter.k8s.aws/instance-capability-flex, operator: In, values: ['true']}}]\n"
    )
    (found,) = hits(KM203, new, old)
    assert found.hit.path == ("spec", "template", "spec", "requirements", 1)
    assert "from v1.7.0" in found.hit.message
    assert hits(KM202, new, old) == []


def test_km203_not_in_on_a_late_label_no_hit():
    old = pool(f"requirements: [{CT}]\n")
    new = pool(
        f"requirements: [{CT}, {{key: karpenter.k8s.aws/instance-capability-flex, operator: NotIn, values: ['false']}}]\n"
    )
    assert hits(KM203, new, old) == []


# ---------------------------------------------------------------- KM204


def test_km204_hop_limit_kept_no_hit_and_dropped_hit():
    old = nodeclass(version="v1beta1")
    assert hits(KM204, nodeclass("metadataOptions: {httpPutResponseHopLimit: 2}\n"), old) == []
    # In a migration the dropped hop limit is KM109's (migration advice), not reported twice.
    assert hits(KM204, nodeclass(), old) == []
    old = nodeclass("metadataOptions: {httpPutResponseHopLimit: 2}\n")
    new = nodeclass()
    (found,) = hits(KM204, new, old)
    assert found.hit.path == ("spec", "metadataOptions", "httpPutResponseHopLimit")
    assert "metadataOptions httpPutResponseHopLimit 2 -> 1" in found.hit.message
    assert "(NodeClassDrift)" in found.hit.message


def test_km204_volume_size_spelling_no_hit_and_tag_hit():
    bdm = "blockDeviceMappings: [{deviceName: /dev/xvda, ebs: {volumeSize: %s}}]\n"
    assert hits(KM204, nodeclass(bdm % "1Ti"), nodeclass(bdm % "1024Gi")) == []
    new = nodeclass("tags: {team: api}\n")
    assert position(KM204, new, nodeclass("tags: {team: web}\n")) == (line_of(new, "tags: {team"), 16)


# ---------------------------------------------------------------- KM205 - KM208


def test_km205_security_group_added():
    old = nodeclass()
    new = old.replace("securityGroupSelectorTerms: [", "securityGroupSelectorTerms: [{id: sg-1}, ")
    (message,) = messages(KM205, new, old)
    assert "(SecurityGroupDrift)" in message
    reordered = new.replace(
        "[{id: sg-1}, {tags: {karpenter.sh/discovery: prod}}]",
        "[{tags: {karpenter.sh/discovery: prod}}, {id: sg-1}]",
    )
    assert hits(KM205, reordered, new) == []


def test_km206_subnet_added_no_hit_removed_hit():
    old = nodeclass()
    wider = old.replace("subnetSelectorTerms: [", "subnetSelectorTerms: [{id: subnet-1}, ")
    assert hits(KM206, wider, old) == []
    (found,) = hits(KM206, old, wider)
    assert found.rule.level is Level.INFO
    assert "(SubnetDrift)" in found.hit.message
    assert found.hit.path == ("spec", "subnetSelectorTerms")


def test_km207_alias_pinned_during_migration():
    old = nodeclass(version="v1beta1")
    assert hits(KM207, nodeclass(), old) == []
    new = nodeclass().replace("al2023@latest", "al2023@v20240807")
    # A family-only v1beta1 class: the pin is KM112's (migration advice), not reported twice.
    assert hits(KM207, new, old) == []
    from karpmigrate.lint.rules import km112_ami_selection_changed

    assert len(messages(km112_ami_selection_changed.RULE, new, old)) == 1
    # A v1 -> v1 pin is KM207's.
    (message,) = messages(KM207, new, nodeclass())
    assert "(AMIDrift)" in message
    assert 'removed {"alias":"al2023@latest"}' in message


def test_km208_reservation_removed_and_placement_changed():
    two = nodeclass("capacityReservationSelectorTerms: [{id: cr-1}, {id: cr-2}]\n")
    one = nodeclass("capacityReservationSelectorTerms: [{id: cr-1}]\n")
    assert hits(KM208, two, one) == []
    assert "(CapacityReservationDrift)" in messages(KM208, one, two)[0]
    moved = messages(
        KM208,
        nodeclass("placementGroupSelector: {name: b}\n"),
        nodeclass("placementGroupSelector: {name: a}\n"),
    )
    assert len(moved) == 1 and "PlacementGroupDrift" in moved[0]
    assert (
        hits(
            KM204,
            nodeclass("placementGroupSelector: {name: b}\n"),
            nodeclass("placementGroupSelector: {name: a}\n"),
        )
        == []
    )


# ---------------------------------------------------------------- KM209


def test_km209_do_not_disrupt_added_to_an_existing_pool():
    old = pool()
    new = old.replace(
        "    spec:\n",
        "    metadata:\n      annotations:\n        karpenter.sh/do-not-disrupt: 'true'\n    spec:\n",
        1,
    )
    (found,) = hits(KM209, new, old)
    assert found.hit.path == ("spec", "template", "metadata", "annotations", "karpenter.sh/do-not-disrupt")
    assert position(KM209, new, old) == (line_of(new, "do-not-disrupt"), 38)
    assert "running nodes lack it" in found.hit.message


def test_km209_migration_renaming_do_not_consolidate():
    annotated = (
        "    metadata:\n      annotations:\n        karpenter.sh/do-not-consolidate: 'true'\n    spec:\n"
    )
    old = pool(version="v1beta1").replace("    spec:\n", annotated, 1)
    kept = pool().replace("    spec:\n", annotated, 1)
    assert hits(KM209, kept, old) == []
    renamed = kept.replace("do-not-consolidate", "do-not-disrupt")
    (message,) = messages(KM209, renamed, old)
    assert message.startswith(
        "template annotation karpenter.sh/do-not-consolidate renamed to karpenter.sh/do-not-disrupt"
    )


# ---------------------------------------------------------------- KM210


def test_km210_explicit_empty_list_hit_and_not_km201():
    old = pool()
    new = pool("taints: []\n")
    (found,) = hits(KM210, new, old)
    assert found.rule.level is Level.INFO
    assert found.hit.path == ("spec", "template", "spec", "taints")
    assert "inferred" in found.hit.message
    assert hits(KM201, new, old) == []


def test_km210_explicit_false_on_a_class():
    assert len(hits(KM210, nodeclass("detailedMonitoring: false\n"), nodeclass())) == 1
    assert hits(KM210, nodeclass("detailedMonitoring: true\n"), nodeclass()) == []
    assert len(hits(KM204, nodeclass("detailedMonitoring: true\n"), nodeclass())) == 1
