"""Lint rules that compare the previous manifests with their v1 rewrite: KM102, KM105, KM107, KM109,
KM111, KM112, KM119, KM120, KM121 (spec/drift-and-lint.md §b).

Each rule gets a faithful migration (no hit) and an unfaithful one (hit, path, message facts), plus the
v1 -> v1 edits that belong to the drift engine, level overrides and wrong types.
"""

from __future__ import annotations

import textwrap

import pytest
from lint_support import hits, messages

from karpmigrate.findings import Level
from karpmigrate.lint._base import Rule
from karpmigrate.lint.rules import (
    km102_kubelet_mismatch,
    km105_expire_after_changed,
    km107_termination_grace_period_added,
    km109_metadata_options_changed,
    km111_ubuntu_rewritten,
    km112_ami_selection_changed,
    km119_rollback_unsafe_fields,
    km120_renamed_during_migration,
    km121_restricted_tag,
)

KM102 = km102_kubelet_mismatch.RULE
KM105 = km105_expire_after_changed.RULE
KM107 = km107_termination_grace_period_added.RULE
KM109 = km109_metadata_options_changed.RULE
KM111 = km111_ubuntu_rewritten.RULE
KM112 = km112_ami_selection_changed.RULE
KM119 = km119_rollback_unsafe_fields.RULE
KM120 = km120_renamed_during_migration.RULE
KM121 = km121_restricted_tag.RULE
ALL = (KM102, KM105, KM107, KM109, KM111, KM112, KM119, KM120, KM121)

POOL_V1BETA1 = "karpenter.sh/v1beta1"
POOL_V1 = "karpenter.sh/v1"
CLASS_V1BETA1 = "karpenter.k8s.aws/v1beta1"
CLASS_V1 = "karpenter.k8s.aws/v1"


def doc(api_version: str, kind: str, name: str, spec: str, metadata: str = "") -> str:
    """One manifest; ``spec`` and ``metadata`` are flush-left YAML placed under their keys."""
    meta = textwrap.indent(textwrap.dedent(metadata), "  ") if metadata else ""
    body = textwrap.indent(textwrap.dedent(spec), "  ")
    return f"apiVersion: {api_version}\nkind: {kind}\nmetadata:\n  name: {name}\n{meta}spec:\n{body}"


def docs(*parts: str) -> str:
    return "---\n".join(parts)


def position(text: str, line_text: str, value: str) -> tuple[int, int]:
    """1-based (line, column) of ``value`` on the first line containing ``line_text``."""
    for number, line in enumerate(text.splitlines(), 1):
        if line_text in line:
            return number, line.index(value, line.index(line_text)) + 1
    raise AssertionError(f"{line_text!r} not in the text")


def one(
    rule: Rule, new: str, old: str | None = None, *, target: str = "1.0"
) -> tuple[str, tuple[object, ...]]:
    found = hits(rule, new, old, target=target)
    assert len(found) == 1, [h.hit.message for h in found]
    return found[0].hit.message, found[0].hit.path


# ---------------------------------------------------------------- common objects

SELECTORS = """\
role: KarpenterNodeRole
subnetSelectorTerms:
  - tags: {karpenter.sh/discovery: prod}
securityGroupSelectorTerms:
  - tags: {karpenter.sh/discovery: prod}
"""


def old_class(extra: str = "amiFamily: AL2023\n", name: str = "default", metadata: str = "") -> str:
    return doc(CLASS_V1BETA1, "EC2NodeClass", name, extra + SELECTORS, metadata)


def new_class(extra: str = "amiSelectorTerms:\n  - alias: al2023@latest\n", name: str = "default") -> str:
    return doc(CLASS_V1, "EC2NodeClass", name, extra + SELECTORS)


def old_pool(
    template: str = "", disruption: str = "", name: str = "default", nodeclass: str = "default"
) -> str:
    spec = (
        "template:\n  spec:\n"
        f"    nodeClassRef: {{apiVersion: {CLASS_V1BETA1}, kind: EC2NodeClass, name: {nodeclass}}}\n"
        "    requirements:\n      - {key: karpenter.sh/capacity-type, operator: In, values: [on-demand]}\n"
        + textwrap.indent(template, "    ")
        + (f"disruption:\n{textwrap.indent(disruption, '  ')}" if disruption else "")
    )
    return doc(POOL_V1BETA1, "NodePool", name, spec)


def new_pool(
    template: str = "",
    disruption: str = "consolidationPolicy: WhenEmptyOrUnderutilized\nconsolidateAfter: 0s\n",
    name: str = "default",
    nodeclass: str = "default",
    metadata: str = "",
) -> str:
    spec = (
        "template:\n  spec:\n"
        f"    nodeClassRef: {{group: karpenter.k8s.aws, kind: EC2NodeClass, name: {nodeclass}}}\n"
        "    requirements:\n      - {key: karpenter.sh/capacity-type, operator: In, values: [on-demand]}\n"
        + textwrap.indent(template, "    ")
        + (f"disruption:\n{textwrap.indent(disruption, '  ')}" if disruption else "")
    )
    return doc(POOL_V1, "NodePool", name, spec, metadata)


def test_rules_are_the_catalogue_entries_with_documented_sections() -> None:
    assert [r.id for r in ALL] == [
        "KM102", "KM105", "KM107", "KM109", "KM111", "KM112", "KM119", "KM120", "KM121",
    ]  # fmt: skip
    for rule in ALL:
        sections = [line.strip() for line in rule.doc.splitlines() if line.strip().endswith(":")]
        assert [
            s for s in sections if s in {"What it does:", "Why it matters:", "Example:", "Use instead:"}
        ] == [
            "What it does:",
            "Why it matters:",
            "Example:",
            "Use instead:",
        ], rule.id


# ---------------------------------------------------------------- KM102 kubelet mismatch

OLD_KUBELET = """\
kubelet:
  maxPods: 110
  clusterDNS: [10.0.0.10, 10.0.0.11]
  systemReserved: {memory: 1Gi, cpu: 100m}
  evictionSoftGracePeriod: {memory.available: 1m}
  evictionSoft: {memory.available: 5%}
"""


def class_with_kubelet(kubelet: str) -> str:
    return new_class("amiSelectorTerms:\n  - alias: al2023@latest\n" + kubelet)


def test_km102_identical_values_moved_to_the_nodeclass() -> None:
    # clusterDNS in another order, map keys in another order, 1m written as Go prints it: the same hash.
    new_kubelet = """\
kubelet:
  clusterDNS: [10.0.0.11, 10.0.0.10]
  maxPods: 110
  systemReserved: {cpu: 100m, memory: 1Gi}
  evictionSoftGracePeriod: {memory.available: 1m0s}
  evictionSoft: {memory.available: 5%}
"""
    old = docs(old_class(), old_pool(OLD_KUBELET))
    assert messages(KM102, docs(class_with_kubelet(new_kubelet), new_pool()), old) == []


def test_km102_raw_quantity_text_differs() -> None:
    new_kubelet = OLD_KUBELET.replace("memory: 1Gi", "memory: 1024Mi")
    new = docs(class_with_kubelet(new_kubelet), new_pool())
    found = hits(KM102, new, docs(old_class(), old_pool(OLD_KUBELET)))
    assert len(found) == 1
    hit = found[0]
    assert hit.obj.kind == "EC2NodeClass" and hit.obj.name == "default"
    assert hit.hit.path == ("spec", "kubelet")
    assert "NodePool default" in hit.hit.message and "(systemReserved)" in hit.hit.message
    assert "1.0.x" in hit.hit.message and "NodeClassDrift" in hit.hit.message
    assert "annotation is removed" in hit.hit.message
    assert hit.hit.level is None and hit.rule.level is Level.ERROR
    assert hit.obj.locate(hit.hit.path) == position(new, "maxPods: 110", "maxPods")


def test_km102_target_1_1_says_static_hash() -> None:
    new = docs(class_with_kubelet("kubelet: {maxPods: 50}\n"), new_pool())
    message, _ = one(KM102, new, docs(old_class(), old_pool(OLD_KUBELET)), target="1.1")
    assert "1.1+" in message and "static EC2NodeClass hash" in message
    assert "clusterDNS" in message and "maxPods" in message


def test_km102_absent_equals_empty() -> None:
    old = docs(old_class(), old_pool())
    assert messages(KM102, docs(new_class(), new_pool()), old) == []
    assert messages(KM102, docs(class_with_kubelet("kubelet: {}\n"), new_pool()), old) == []
    assert len(messages(KM102, docs(class_with_kubelet("kubelet: {maxPods: 20}\n"), new_pool()), old)) == 1


def test_km102_compat_annotation_of_a_converted_pool() -> None:
    annotation = """\
annotations:
  compatibility.karpenter.sh/v1beta1-kubelet-conversion: '{"maxPods":110,"systemReserved":{"memory":"1Gi"}}'
"""
    old = docs(new_class(), new_pool(metadata=annotation))
    same = class_with_kubelet("kubelet: {maxPods: 110, systemReserved: {memory: 1Gi}}\n")
    assert messages(KM102, docs(same, new_pool()), old) == []
    other = class_with_kubelet("kubelet: {maxPods: 110}\n")
    assert "systemReserved" in one(KM102, docs(other, new_pool()), old)[0]


def test_km102_v1_pools_without_annotation_are_not_a_migration() -> None:
    # Their kubelet came from the EC2NodeClass: a v1 -> v1 edit, the drift engine's KM204.
    old = docs(class_with_kubelet("kubelet: {maxPods: 110}\n"), new_pool())
    assert messages(KM102, docs(class_with_kubelet("kubelet: {maxPods: 50}\n"), new_pool()), old) == []


def test_km102_only_pools_that_keep_the_class() -> None:
    old = docs(old_class(), old_pool(OLD_KUBELET, name="a"), old_pool("kubelet: {maxPods: 20}\n", name="b"))
    # b moves to its own class (KM101's split): its nodes drift by NodePoolDrifted anyway.
    new = docs(
        class_with_kubelet(OLD_KUBELET),
        new_class(name="b-class"),
        new_pool(name="a"),
        new_pool(name="b", nodeclass="b-class"),
    )
    assert messages(KM102, new, old) == []
    # Without the split, b's nodes would drift: named in the message, a is not.
    message, _ = one(
        KM102, docs(class_with_kubelet(OLD_KUBELET), new_pool(name="a"), new_pool(name="b")), old
    )
    assert "NodePool b (" in message


def test_km102_needs_a_previous_version() -> None:
    new = docs(class_with_kubelet("kubelet: {maxPods: 50}\n"), new_pool())
    assert messages(KM102, new) == []
    assert messages(KM102, new, "") == []  # a previous version without any object


def test_km102_wrong_types() -> None:
    old = docs(old_class(), old_pool("kubelet: [maxPods]\n"))
    assert messages(KM102, docs(class_with_kubelet("kubelet: oops\n"), new_pool()), old) == []
    bad_map = "kubelet:\n  systemReserved: memory\n  clusterDNS: 10.0.0.10\n"
    assert len(messages(KM102, docs(class_with_kubelet(bad_map), new_pool()), old)) == 1


# ---------------------------------------------------------------- KM105 expireAfter


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("expireAfter: 168h\n", "expireAfter: 168h0m0s\n"),
        ("expireAfter: 720h\n", ""),
        ("", "expireAfter: 43200m\n"),
        ("expireAfter: Never\n", "expireAfter: Never\n"),
    ],
)
def test_km105_same_value(old: str, new: str) -> None:
    assert (
        messages(KM105, new_pool(new), old_pool(disruption=old or "consolidationPolicy: WhenEmpty\n")) == []
    )


def test_km105_never_becomes_the_default() -> None:
    new = new_pool()
    message, path = one(KM105, new, old_pool(disruption="expireAfter: Never\n"))
    assert path == ("spec", "template", "spec", "expireAfter")
    assert "from Never" in message and "to 720h (default)" in message
    assert "NodePoolDrifted" in message and "NodePool default" in message
    # Absent: the finding points at the template spec, where it belongs.
    assert hits(KM105, new, old_pool(disruption="expireAfter: Never\n"))[0].obj.locate(path)[0] == 7


def test_km105_changed_value_points_at_it() -> None:
    new = new_pool("expireAfter: 168h\n")
    found = hits(KM105, new, old_pool(disruption="expireAfter: 336h\n"))
    assert len(found) == 1
    assert "from 336h" in found[0].hit.message and "to 168h" in found[0].hit.message
    assert found[0].obj.locate(found[0].hit.path) == position(new, "expireAfter:", "168h")


def test_km105_v1_edits_are_the_drift_engines() -> None:
    assert messages(KM105, new_pool("expireAfter: 168h\n"), new_pool("expireAfter: 336h\n")) == []


@pytest.mark.parametrize(
    ("old", "new"), [("expireAfter: soon\n", ""), ("", "expireAfter: 5\n"), ("", "expireAfter: [1]\n")]
)
def test_km105_unreadable_durations(old: str, new: str) -> None:
    assert messages(KM105, new_pool(new), old_pool(disruption=old or "expireAfter: Never\n")) == []


# ---------------------------------------------------------------- KM107 terminationGracePeriod


def test_km107_added_with_the_migration() -> None:
    new = new_pool("terminationGracePeriod: 24h\n")
    found = hits(KM107, new, old_pool())
    assert len(found) == 1
    assert "NodePoolDrifted" in found[0].hit.message and "reasons: [Drifted]" in found[0].hit.message
    assert found[0].hit.path == ("spec", "template", "spec", "terminationGracePeriod")
    assert found[0].obj.locate(found[0].hit.path) == position(new, "terminationGracePeriod", "24h")
    assert found[0].rule.level is Level.WARNING


def test_km107_not_added() -> None:
    assert messages(KM107, new_pool(), old_pool()) == []
    # The same value already there (an invalid v1beta1, but not an addition).
    grace = "terminationGracePeriod: 24h\n"
    assert messages(KM107, new_pool(grace), old_pool(grace)) == []
    # v1 -> v1: KM201's.
    assert messages(KM107, new_pool(grace), new_pool()) == []


# ---------------------------------------------------------------- KM109 metadataOptions


def options(text: str) -> str:
    return f"metadataOptions: {text}\n"


def test_km109_faithful() -> None:
    terms = "amiSelectorTerms:\n  - alias: al2023@latest\n"
    assert messages(KM109, new_class(terms + options("{httpPutResponseHopLimit: 2}")), old_class()) == []
    explicit = options("{httpEndpoint: enabled, httpPutResponseHopLimit: 1}")
    assert messages(KM109, new_class(terms + explicit), old_class("amiFamily: AL2023\n" + explicit)) == []


def test_km109_hop_limit_copied_from_the_docs() -> None:
    new = new_class("amiSelectorTerms:\n  - alias: al2023@latest\n" + options("{httpPutResponseHopLimit: 1}"))
    found = hits(KM109, new, old_class())
    assert len(found) == 1
    hit = found[0]
    assert hit.hit.path == ("spec", "metadataOptions", "httpPutResponseHopLimit")
    assert "2 (v1beta1 default) -> 1" in hit.hit.message and "NodeClassDrift" in hit.hit.message
    assert "IMDS" in hit.hit.message and "created or replaced" not in hit.hit.message
    assert hit.hit.level is None and hit.rule.level is Level.ERROR
    assert hit.obj.locate(hit.hit.path) == position(new, "httpPutResponseHopLimit", "1}")


def test_km109_only_defaults_differ_is_a_warning() -> None:
    message_hit = hits(KM109, new_class(), old_class())
    assert len(message_hit) == 1
    assert message_hit[0].hit.level is Level.WARNING
    assert (
        "(v1 default)" in message_hit[0].hit.message and "created or replaced" in message_hit[0].hit.message
    )


def test_km109_explicit_old_value_dropped_is_an_error() -> None:
    old = old_class("amiFamily: AL2023\n" + options("{httpTokens: optional}"))
    message_hit = hits(KM109, new_class(), old)
    assert len(message_hit) == 1 and message_hit[0].hit.level is None
    assert "httpTokens optional -> required (v1 default)" in message_hit[0].hit.message
    assert "httpPutResponseHopLimit 2 (v1beta1 default) -> 1 (v1 default)" in message_hit[0].hit.message
    assert message_hit[0].hit.path == ("spec", "metadataOptions", "httpPutResponseHopLimit")


def test_km109_v1_edits_and_wrong_types() -> None:
    assert (
        messages(
            KM109,
            new_class(options("{httpPutResponseHopLimit: 1}")),
            new_class(options("{httpPutResponseHopLimit: 2}")),
        )
        == []
    )
    assert messages(KM109, new_class(options("oops")), old_class()) == []
    assert messages(KM109, new_class(options('{httpPutResponseHopLimit: "1"}')), old_class()) == []


# ---------------------------------------------------------------- KM111 Ubuntu

UBUNTU_TERMS = "amiSelectorTerms:\n  - id: ami-0123456789abcdef0\n"
UBUNTU_ROOT = """\
blockDeviceMappings:
  - deviceName: /dev/sda1
    rootVolume: true
    ebs: {encrypted: true, volumeType: gp3, volumeSize: 20Gi}
"""


def test_km111_faithful() -> None:
    old = old_class("amiFamily: Ubuntu\n" + UBUNTU_TERMS)
    assert messages(KM111, new_class("amiFamily: AL2\n" + UBUNTU_TERMS + UBUNTU_ROOT), old) == []
    # Mappings as a set, volumeSize by value.
    written = UBUNTU_ROOT.replace("20Gi", "20480Mi").replace(
        "ebs: {encrypted: true, volumeType: gp3", "ebs: {volumeType: gp3, encrypted: true"
    )
    assert messages(KM111, new_class("amiFamily: AL2\n" + UBUNTU_TERMS + written), old) == []


def test_km111_custom_family() -> None:
    old = old_class("amiFamily: Ubuntu\n" + UBUNTU_TERMS)
    new = new_class("amiFamily: Custom\n" + UBUNTU_TERMS + UBUNTU_ROOT)
    found = hits(KM111, new, old)
    assert len(found) == 1
    assert found[0].hit.path == ("spec", "amiFamily")
    assert "Custom" in found[0].hit.message and "AL2" in found[0].hit.message
    assert "NodeClassDrift" in found[0].hit.message and "userData" in found[0].hit.message
    assert found[0].obj.locate(found[0].hit.path) == position(new, "amiFamily", "Custom")


def test_km111_missing_injected_root_volume() -> None:
    old = old_class("amiFamily: Ubuntu\n" + UBUNTU_TERMS)
    message, path = one(KM111, new_class("amiFamily: AL2\n" + UBUNTU_TERMS), old)
    assert path == ("spec", "blockDeviceMappings")
    assert "/dev/sda1" in message and "NodeClassDrift" in message and "root device" in message


def test_km111_user_mappings_are_copied() -> None:
    mappings = "blockDeviceMappings:\n  - deviceName: /dev/sda1\n    ebs: {volumeSize: 100Gi}\n"
    old = old_class("amiFamily: Ubuntu\n" + UBUNTU_TERMS + mappings)
    assert messages(KM111, new_class("amiFamily: AL2\n" + UBUNTU_TERMS + mappings), old) == []
    message, _ = one(KM111, new_class("amiFamily: AL2\n" + UBUNTU_TERMS + UBUNTU_ROOT), old)
    assert "copies the v1beta1 mappings" in message


def test_km111_alias_selects_another_os() -> None:
    old = old_class("amiFamily: Ubuntu\n" + UBUNTU_TERMS)
    message, path = one(KM111, new_class("amiSelectorTerms:\n  - alias: al2@latest\n" + UBUNTU_ROOT), old)
    assert path == ("spec", "amiSelectorTerms", 0, "alias")
    assert "not Ubuntu" in message and "AMIDrift" in message


def test_km111_only_ubuntu_migrations() -> None:
    assert messages(KM111, new_class("amiFamily: Custom\n" + UBUNTU_TERMS), old_class()) == []
    v1_ubuntu = new_class("amiFamily: AL2\n" + UBUNTU_TERMS + UBUNTU_ROOT)
    assert messages(KM111, new_class("amiFamily: Custom\n" + UBUNTU_TERMS), v1_ubuntu) == []
    assert (
        messages(KM111, doc(CLASS_V1, "EC2NodeClass", "default", "oops\n"), old_class("amiFamily: Ubuntu\n"))
        == []
    )


# ---------------------------------------------------------------- KM112 AMI selection


@pytest.mark.parametrize(
    "terms",
    [
        "amiSelectorTerms:\n  - alias: al2023@latest\n",
        "amiFamily: AL2023\namiSelectorTerms:\n  - alias: al2023@latest\n",
    ],
)
def test_km112_faithful(terms: str) -> None:
    assert messages(KM112, new_class(terms), old_class()) == []


def test_km112_alias_version_annotation() -> None:
    pinned = "annotations: {compatibility.karpenter.k8s.aws/v1-alias-version: v20240807}\n"
    old = old_class(metadata=pinned)
    assert messages(KM112, new_class("amiSelectorTerms:\n  - alias: al2023@v20240807\n"), old) == []
    message, _ = one(KM112, new_class(), old)
    assert "al2023@latest where the conversion stores al2023@v20240807" in message


def test_km112_pinned_version() -> None:
    new = new_class("amiSelectorTerms:\n  - alias: al2023@v20240807\n")
    found = hits(KM112, new, old_class())
    assert len(found) == 1
    assert found[0].hit.path == ("spec", "amiSelectorTerms", 0, "alias")
    assert "al2023@latest" in found[0].hit.message and "AMIDrift" in found[0].hit.message
    assert found[0].hit.level is None
    assert found[0].obj.locate(found[0].hit.path) == position(new, "alias:", "al2023@v20240807")


def test_km112_custom_with_the_alias() -> None:
    message, path = one(
        KM112, new_class("amiFamily: Custom\namiSelectorTerms:\n  - alias: al2023@latest\n"), old_class()
    )
    assert path == ("spec", "amiFamily")
    assert "from AL2023 to Custom" in message and "NodeClassDrift" in message and "userData" in message


def test_km112_id_terms() -> None:
    message, path = one(
        KM112, new_class("amiFamily: AL2023\namiSelectorTerms:\n  - id: ami-1\n"), old_class()
    )
    assert path == ("spec", "amiSelectorTerms")
    assert "AMIDrift" in message and "alias: al2023@latest" in message
    found = hits(KM112, new_class("amiFamily: AL2\namiSelectorTerms:\n  - name: my-ami\n"), old_class())
    assert [h.hit.path for h in found] == [("spec", "amiFamily"), ("spec", "amiSelectorTerms")]


def test_km112_other_alias_family() -> None:
    message, path = one(KM112, new_class("amiSelectorTerms:\n  - alias: bottlerocket@latest\n"), old_class())
    assert path == ("spec", "amiSelectorTerms", 0, "alias")
    assert "from AL2023 to Bottlerocket" in message


def test_km112_windows_accepts_only_latest() -> None:
    old = old_class("amiFamily: Windows2022\n")
    found = hits(KM112, new_class("amiSelectorTerms:\n  - alias: windows2022@v20240807\n"), old)
    assert len(found) == 1
    assert found[0].hit.level is Level.ERROR and found[0].rule.level is Level.WARNING
    assert "only `latest`" in found[0].hit.message
    assert messages(KM112, new_class("amiSelectorTerms:\n  - alias: windows2022@latest\n"), old) == []


def test_km112_only_family_only_migrations() -> None:
    with_terms = old_class("amiFamily: AL2023\n" + UBUNTU_TERMS)
    assert (
        messages(KM112, new_class("amiFamily: AL2023\n" + UBUNTU_TERMS.replace("0123", "9999")), with_terms)
        == []
    )
    # v1 requires terms: KM133's.
    assert messages(KM112, new_class("amiFamily: AL2023\n"), old_class()) == []
    assert messages(KM112, new_class("amiSelectorTerms: al2023@latest\n"), old_class()) == []
    # v1 -> v1: KM207's.
    assert messages(KM112, new_class("amiSelectorTerms:\n  - alias: al2023@v1\n"), new_class()) == []


# ---------------------------------------------------------------- KM119 rollback


V1_ONLY_TEMPLATE = "terminationGracePeriod: 24h\n"
V1_ONLY_DISRUPTION = """\
consolidationPolicy: WhenEmptyOrUnderutilized
consolidateAfter: 10m
budgets:
  - nodes: "1"
    reasons: [Drifted]
"""


def test_km119_mid_migration() -> None:
    new = new_pool(V1_ONLY_TEMPLATE, V1_ONLY_DISRUPTION)
    found = hits(KM119, new, old_pool())
    assert [h.hit.path for h in found] == [
        ("spec", "template", "spec", "terminationGracePeriod"),
        ("spec", "disruption", "budgets", 0, "reasons"),
        ("spec", "disruption", "consolidateAfter"),
    ]
    assert all("rollback to v0.3x" in h.hit.message for h in found)
    assert "0s" in found[2].hit.message
    assert found[2].obj.locate(found[2].hit.path) == position(new, "consolidateAfter", "10m")
    assert all(h.rule.level is Level.WARNING and h.hit.level is None for h in found)


def test_km119_pinned_alias() -> None:
    message, path = one(KM119, new_class("amiSelectorTerms:\n  - alias: al2023@v20240807\n"), old_class())
    assert path == ("spec", "amiSelectorTerms", 0, "alias")
    assert "v1-alias-version" in message and "AMIDrift" in message


def test_km119_new_object_in_a_migrating_set() -> None:
    old = docs(old_class(), old_pool())
    new = docs(new_class(), new_pool(), new_pool(V1_ONLY_TEMPLATE, name="extra"))
    found = hits(KM119, new, old)
    assert [(h.obj.name, h.hit.path[-1]) for h in found] == [("extra", "terminationGracePeriod")]


def test_km119_quiet_without_migration() -> None:
    new = new_pool(V1_ONLY_TEMPLATE, V1_ONLY_DISRUPTION)
    assert messages(KM119, new) == []  # no previous version: cannot tell
    assert messages(KM119, new, new_pool()) == []  # long on v1
    safe = "consolidationPolicy: WhenEmptyOrUnderutilized\nconsolidateAfter: 0s\nbudgets: [{nodes: '1'}]\n"
    assert messages(KM119, new_pool(disruption=safe), old_pool()) == []
    when_empty = "consolidationPolicy: WhenEmpty\nconsolidateAfter: 10m\n"
    assert messages(KM119, new_pool(disruption=when_empty), old_pool()) == []
    assert messages(KM119, new_class(), old_class()) == []


def test_km119_wrong_types() -> None:
    bad = "consolidateAfter: [10m]\nbudgets: oops\n"
    assert messages(KM119, new_pool(disruption=bad), old_pool()) == []
    assert messages(KM119, new_pool(disruption="- x\n"), old_pool()) == []
    assert messages(KM119, new_class("amiSelectorTerms: [al2023@v1]\n"), old_class()) == []


# ---------------------------------------------------------------- KM120 renames

CLEAN_POOL_DISRUPTION = "consolidationPolicy: WhenEmptyOrUnderutilized\nconsolidateAfter: 0s\n"


def test_km120_nodepool_renamed_while_converting() -> None:
    old = docs(old_class(), old_pool("kubelet: {maxPods: 110}\n", "expireAfter: 720h\n"))
    new = docs(new_class(), new_pool(name="general"))
    found = hits(KM120, new, old)
    assert len(found) == 1
    hit = found[0]
    assert hit.obj.kind == "NodePool" and hit.obj.name == "general"
    assert hit.hit.path == ("metadata", "name")
    assert "NodePool general" in hit.hit.message and "NodePool default" in hit.hit.message
    assert "without disruption budgets" in hit.hit.message and "keep the name default" in hit.hit.message
    assert hit.obj.locate(hit.hit.path) == position(new, "name: general", "general")


def test_km120_renamed_pool_may_point_at_a_renamed_class() -> None:
    old = docs(old_class(), old_pool())
    new = docs(new_class(name="main"), new_pool(name="general", nodeclass="main"))
    found = hits(KM120, new, old)
    assert sorted((h.obj.kind, h.obj.name) for h in found) == [
        ("EC2NodeClass", "main"),
        ("NodePool", "general"),
    ]
    nodeclass = next(h for h in found if h.obj.kind == "EC2NodeClass")
    assert "nodeClassRef.name" in nodeclass.hit.message and "NodePoolDrifted" in nodeclass.hit.message


def test_km120_nodeclass_normalised_for_the_migration() -> None:
    # The v1beta1 hop limit 2 written out, the kubelet moved in, amiFamily spelled out next to the alias.
    old = old_class()
    new = new_class(
        "amiFamily: AL2023\namiSelectorTerms:\n  - alias: al2023@latest\n"
        "metadataOptions: {httpPutResponseHopLimit: 2}\nkubelet: {maxPods: 110}\n",
        name="main",
    )
    message, _ = one(KM120, new, old)
    assert message.startswith("EC2NodeClass main has the spec of EC2NodeClass default")


def test_km120_not_a_rename() -> None:
    old = docs(old_class(), old_pool())
    # Same names: not a rename.
    assert messages(KM120, docs(new_class(), new_pool()), old) == []
    # Another spec: a new pool, not a renamed one.
    other = docs(new_class(), new_pool("expireAfter: 168h\n", name="general"))
    assert messages(KM120, other, old) == []
    # Hop limit 1 is not the v1beta1 default 2: another class.
    assert (
        messages(
            KM120,
            new_class(
                "amiSelectorTerms:\n  - alias: al2023@latest\n" + options("{httpPutResponseHopLimit: 1}"),
                name="x",
            ),
            old_class(),
        )
        == []
    )
    # Nothing to compare with.
    assert messages(KM120, docs(new_class(name="x"), new_pool(name="y"))) == []


def test_km120_one_old_object_explains_one_new_object() -> None:
    old = old_pool()
    new = docs(new_pool(name="a"), new_pool(name="b"))
    assert [h.obj.name for h in hits(KM120, new, old)] == ["a"]


def test_km120_v1_rename() -> None:
    message, _ = one(KM120, new_pool(name="general"), new_pool())
    assert "NodePool general has the spec of NodePool default" in message


def test_km120_wrong_types() -> None:
    old = doc(POOL_V1BETA1, "NodePool", "default", "oops\n")
    assert messages(KM120, doc(POOL_V1, "NodePool", "x", "oops\n"), old) == []
    old = doc(POOL_V1BETA1, "NodePool", "default", "disruption: {expireAfter: soon}\ntemplate: 1\n")
    assert messages(KM120, new_pool(name="x"), old) == []


# ---------------------------------------------------------------- KM121 tags


def tags(text: str) -> str:
    return f"tags: {text}\n"


def test_km121_restricted_keys_are_errors() -> None:
    new = new_class(
        "amiSelectorTerms:\n  - alias: al2023@latest\n"
        + tags(
            "{eks:eks-cluster-name: prod, kubernetes.io/cluster/prod: owned, team: a, karpenter.sh/managed-by: x}"
        )
    )
    found = hits(KM121, new)
    assert [h.hit.path for h in found] == [
        ("spec", "tags", "eks:eks-cluster-name"),
        ("spec", "tags", "kubernetes.io/cluster/prod"),
    ]
    assert all(h.hit.level is Level.ERROR and h.rule.level is Level.WARNING for h in found)
    assert "restricted in v1" in found[0].hit.message
    assert found[1].obj.locate(found[1].hit.path) == position(new, "tags:", "owned")


@pytest.mark.parametrize(
    "key", ["karpenter.sh/nodepool", "karpenter.sh/nodeclaim", "karpenter.k8s.aws/ec2nodeclass"]
)
def test_km121_karpenter_keys(key: str) -> None:
    assert len(messages(KM121, new_class(tags(f"{{{key}: x}}")))) == 1


def test_km121_tags_edited_during_migration() -> None:
    old = old_class("amiFamily: AL2023\n" + tags("{team: infra, env: prod, cost: a}"))
    new = new_class(
        "amiSelectorTerms:\n  - alias: al2023@latest\n" + tags("{team: platform, env: prod, owner: me}")
    )
    found = hits(KM121, new, old)
    assert len(found) == 1
    hit = found[0]
    assert hit.hit.level is None and hit.rule.level is Level.WARNING
    assert "added owner; removed cost; changed team" in hit.hit.message
    assert "NodeClassDrift" in hit.hit.message
    assert hit.hit.path == ("spec", "tags", "owner")


def test_km121_faithful_tags() -> None:
    same = tags("{team: infra}")
    assert messages(KM121, new_class(same), old_class("amiFamily: AL2023\n" + same)) == []
    assert messages(KM121, new_class(tags("{}")), old_class()) == []  # absent == {}
    # v1 -> v1 edits are the drift engine's KM204; v1beta1 objects have their own restrictions.
    assert messages(KM121, new_class(tags("{team: b}")), new_class(tags("{team: a}"))) == []
    assert messages(KM121, old_class("amiFamily: AL2023\n" + tags("{eks:eks-cluster-name: x}"))) == []


def test_km121_removed_only_points_at_tags() -> None:
    message, path = one(KM121, new_class(), old_class("amiFamily: AL2023\n" + tags("{team: a}")))
    assert path == ("spec", "tags") and "removed team" in message


def test_km121_wrong_types() -> None:
    assert messages(KM121, new_class(tags("[a, b]")), old_class()) == []
    assert messages(KM121, new_class(tags("{a: b}")), old_class("amiFamily: AL2023\ntags: oops\n")) == []


# ---------------------------------------------------------------- robustness

GARBAGE = [
    "spec: oops\n",
    "spec: [1, 2]\n",
    "spec:\n  template: x\n  disruption: [1]\n",
    "spec:\n  template: {spec: {kubelet: 3, nodeClassRef: x, expireAfter: {}}}\n",
    "spec:\n  amiFamily: [Ubuntu]\n  amiSelectorTerms: {alias: x}\n  blockDeviceMappings: 3\n  metadataOptions: 1\n",
    "spec:\n  amiFamily: Ubuntu\n  blockDeviceMappings: [1, {ebs: 2}]\n  tags: {1: 2}\n",
    "metadata: {name: default, annotations: {compatibility.karpenter.sh/v1beta1-kubelet-conversion: '[1'}}\n",
]


@pytest.mark.parametrize("rule", ALL, ids=lambda r: r.id)
@pytest.mark.parametrize("body", GARBAGE)
def test_wrong_types_never_raise(rule: Rule, body: str) -> None:
    def garbage(api: str, kind: str) -> str:
        text = f"apiVersion: {api}\nkind: {kind}\n"
        return text + (body if body.startswith("metadata") else "metadata: {name: default}\n" + body)

    old = docs(
        garbage(POOL_V1BETA1, "NodePool"), garbage(CLASS_V1BETA1, "EC2NodeClass"), old_pool(OLD_KUBELET)
    )
    new = docs(garbage(POOL_V1, "NodePool"), garbage(CLASS_V1, "EC2NodeClass"))
    for target in ("1.0", "1.1"):
        for found in hits(rule, new, old, target=target) + hits(rule, old, new, target=target):
            assert found.hit.message


def test_km102_webhook_state_is_not_a_mismatch_until_the_class_gets_a_kubelet() -> None:
    # What the conversion webhook stores: the kubelet kept in the NodePool's compatibility annotation,
    # none in the class. The annotation wins on 1.0.x, so applying it replaces nothing (KM103 warns).
    annotation = (
        "annotations:\n  compatibility.karpenter.sh/v1beta1-kubelet-conversion: '{\"maxPods\":110}'\n"
    )
    old = docs(old_class(), old_pool("kubelet:\n  maxPods: 110\n"))
    assert messages(KM102, docs(new_class(), new_pool(metadata=annotation)), old) == []
    # A class kubelet that disagrees still drifts once the annotation goes.
    new = docs(class_with_kubelet("kubelet:\n  maxPods: 100\n"), new_pool(metadata=annotation))
    assert len(messages(KM102, new, old)) == 1
    # Without the annotation and without a class kubelet the kubelet is simply lost.
    assert len(messages(KM102, docs(new_class(), new_pool()), old)) == 1
