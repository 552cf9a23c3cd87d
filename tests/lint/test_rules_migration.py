"""KM1xx rules decided from the new manifests alone (plus the set rules KM101, KM113)."""

from __future__ import annotations

import importlib
import pkgutil
import subprocess
import sys
import textwrap

import pytest
from lint_support import hits, messages

from karpmigrate.findings import Level
from karpmigrate.lint import rules as rules_package
from karpmigrate.lint._base import Rule, Scope
from karpmigrate.lint.engine import RuleHit
from karpmigrate.lint.rules import (
    km101_kubelet_split_nodeclass,
    km103_kubelet_compat_annotation,
    km104_nodepool_kubelet_in_v1,
    km106_expire_after_misplaced,
    km108_implicit_hop_limit,
    km110_ubuntu_without_ami_terms,
    km113_al2023_accelerated_amis,
    km114_drift_feature_gate,
    km115_server_managed_metadata,
    km116_nodeclassref_group,
    km117_edits_during_upgrade,
    km118_drifted_before_upgrade,
    km131_consolidation_policy_renamed,
    km132_v1beta1_not_served,
    km133_ami_selector_terms_invalid,
    km134_custom_userdata_registration_taint,
)

KM101 = km101_kubelet_split_nodeclass.RULE
KM103 = km103_kubelet_compat_annotation.RULE
KM104 = km104_nodepool_kubelet_in_v1.RULE
KM106 = km106_expire_after_misplaced.RULE
KM108 = km108_implicit_hop_limit.RULE
KM110 = km110_ubuntu_without_ami_terms.RULE
KM113 = km113_al2023_accelerated_amis.RULE
KM114 = km114_drift_feature_gate.RULE
KM115 = km115_server_managed_metadata.RULE
KM116 = km116_nodeclassref_group.RULE
KM117 = km117_edits_during_upgrade.RULE
KM118 = km118_drifted_before_upgrade.RULE
KM131 = km131_consolidation_policy_renamed.RULE
KM132 = km132_v1beta1_not_served.RULE
KM133 = km133_ami_selector_terms_invalid.RULE
KM134 = km134_custom_userdata_registration_taint.RULE

MINE = (
    "km101",
    "km103",
    "km104",
    "km106",
    "km108",
    "km110",
    "km113",
    "km114",
    "km115",
    "km116",
    "km117",
    "km118",
    "km131",
    "km132",
    "km133",
    "km134",
)
SECTIONS = ("What it does:", "Why it matters:", "Example:", "Use instead:")


def at(rule_hit: RuleHit) -> tuple[int | None, int | None]:
    """1-based (line, column) of a hit, as the finding will show it."""
    return rule_hit.obj.locate(rule_hit.hit.path)


def text_at(text: str, rule_hit: RuleHit) -> str:
    """The rest of the line where a hit points (``text`` is a single file's whole text)."""
    line, column = at(rule_hit)
    assert line is not None and column is not None
    return text.splitlines()[line - 1][column - 1 :]


def paths(found: list[RuleHit]) -> list[tuple[str | int, ...]]:
    return [h.hit.path for h in found]


def levels(found: list[RuleHit]) -> list[Level | None]:
    return [h.hit.level for h in found]


def nodepool(name: str, body: str = "", *, version: str = "v1", ref: str = "default", meta: str = "") -> str:
    """A NodePool document; ``body`` is indented under spec.template.spec."""
    if version == "v1":
        reference = f"nodeClassRef: {{group: karpenter.k8s.aws, kind: EC2NodeClass, name: {ref}}}"
    else:
        reference = (
            f"nodeClassRef: {{apiVersion: karpenter.k8s.aws/v1beta1, kind: EC2NodeClass, name: {ref}}}"
        )
    return (
        f"apiVersion: karpenter.sh/{version}\nkind: NodePool\nmetadata:\n  name: {name}\n"
        + textwrap.indent(textwrap.dedent(meta), "  ")
        + "spec:\n  template:\n    spec:\n"
        + f"      {reference}\n"
        + "      requirements: []\n"
        + textwrap.indent(textwrap.dedent(body), "      ")
    )


def nodeclass(name: str = "default", body: str = "", *, version: str = "v1") -> str:
    """An EC2NodeClass document; ``body`` is indented under spec."""
    return (
        f"apiVersion: karpenter.k8s.aws/{version}\nkind: EC2NodeClass\nmetadata:\n  name: {name}\nspec:\n"
        "  role: KarpenterNodeRole\n" + textwrap.indent(textwrap.dedent(body), "  ")
    )


def docs(*documents: str) -> str:
    return "---\n".join(documents)


# ---------------------------------------------------------------- documentation and import cost


def _my_modules() -> list[str]:
    found = [
        info.name
        for info in pkgutil.iter_modules(rules_package.__path__)
        if info.name.startswith(tuple(f"{code}_" for code in MINE))
    ]
    assert len(found) == len(MINE), found
    return found


@pytest.mark.parametrize("name", _my_modules())
def test_docstring_has_the_four_sections(name):
    rule = importlib.import_module(f"{rules_package.__name__}.{name}").RULE
    assert isinstance(rule, Rule)
    lines = rule.doc.splitlines()
    assert lines[0].strip() and not lines[0].startswith(SECTIONS)
    headings = [line.strip() for line in lines if line.strip() in SECTIONS]
    assert headings == list(SECTIONS), name
    for section, following in zip(SECTIONS, [*SECTIONS[1:], None], strict=True):
        body = rule.doc.split(section, 1)[1]
        body = body.split(following, 1)[0] if following else body
        assert body.strip(), f"{name}: {section} is empty"


def test_rule_modules_do_not_import_heavy_modules():
    # pre-commit start-up budget: the convert engine pulls in pydantic; rules may only import it lazily.
    modules = ", ".join(f"karpmigrate.lint.rules.{name}" for name in _my_modules())
    code = (
        f"import {modules}\nimport sys\n"
        "heavy = [m for m in ('pydantic', 'jsonschema', 'rich', 'kubernetes', 'karpmigrate.convert') "
        "if m in sys.modules]\nprint(heavy)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


# ---------------------------------------------------------------- KM101


def test_km101_reports_the_smaller_group_at_its_kubelet():
    text = docs(
        nodepool("a", "kubelet: {maxPods: 110}\n", version="v1beta1"),
        nodepool("b", "kubelet: {maxPods: 110}\n", version="v1beta1"),
        nodepool("c", "kubelet:\n  maxPods: 20\n", version="v1beta1"),
        nodeclass(version="v1beta1", body="amiFamily: AL2\n"),
    )
    found = hits(KM101, text)
    assert [h.obj.name for h in found] == ["c"]
    assert found[0].hit.path == ("spec", "template", "spec", "kubelet")
    message = found[0].hit.message
    assert "shares EC2NodeClass default with a, b" in message
    assert "(maxPods)" in message and "default-c" in message and "NodePoolDrifted" in message
    assert text_at(text, found[0]) == "maxPods: 20"


def test_km101_tie_keeps_the_first_nodepools_group():
    text = docs(
        nodepool("a", "kubelet: {maxPods: 110}\n", version="v1beta1"),
        nodepool("b", version="v1beta1"),
    )
    found = hits(KM101, text)
    assert [h.obj.name for h in found] == ["b"]
    assert "shares EC2NodeClass default with a" in found[0].hit.message


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("{clusterDNS: [10.0.0.10, 10.0.0.11]}", "{clusterDNS: [10.0.0.11, 10.0.0.10]}"),
        (
            "{evictionSoftGracePeriod: {memory.available: 1m}}",
            "{evictionSoftGracePeriod: {memory.available: 60s}}",
        ),
        ("{}", None),
    ],
)
def test_km101_equal_kubelets_pass(first, second):
    second_body = f"kubelet: {second}\n" if second else ""
    text = docs(
        nodepool("a", f"kubelet: {first}\n", version="v1beta1"),
        nodepool("b", second_body, version="v1beta1"),
    )
    assert messages(KM101, text) == []


def test_km101_map_values_compare_as_written():
    text = docs(
        nodepool("a", "kubelet: {systemReserved: {memory: 1Gi}}\n", version="v1beta1"),
        nodepool("b", "kubelet: {systemReserved: {memory: 1024Mi}}\n", version="v1beta1"),
    )
    assert len(messages(KM101, text)) == 1


def test_km101_different_classes_pass():
    text = docs(
        nodepool("a", "kubelet: {maxPods: 110}\n", version="v1beta1", ref="one"),
        nodepool("b", "kubelet: {maxPods: 20}\n", version="v1beta1", ref="two"),
    )
    assert messages(KM101, text) == []


def test_km101_v1_annotation_against_the_class_kubelet():
    annotated = """\
    annotations:
      compatibility.karpenter.sh/v1beta1-kubelet-conversion: '{"maxPods":20}'
    """
    text = docs(
        nodepool("a"),
        nodepool("b"),
        nodepool("c", meta=annotated),
        nodeclass(body="kubelet:\n  maxPods: 110\n"),
    )
    found = hits(KM101, text)
    assert [h.obj.name for h in found] == ["c"]
    assert found[0].hit.path == (
        "metadata",
        "annotations",
        "compatibility.karpenter.sh/v1beta1-kubelet-conversion",
    )


def test_km101_v1_annotation_equal_to_the_class_passes():
    annotated = """\
    annotations:
      compatibility.karpenter.sh/v1beta1-kubelet-conversion: '{"maxPods":110}'
    """
    text = docs(nodepool("a"), nodepool("b", meta=annotated), nodeclass(body="kubelet: {maxPods: 110}\n"))
    assert messages(KM101, text) == []


def test_km101_v1_without_its_class_is_not_guessed():
    annotated = """\
    annotations:
      compatibility.karpenter.sh/v1beta1-kubelet-conversion: '{"maxPods":110}'
    """
    assert messages(KM101, docs(nodepool("a"), nodepool("b", meta=annotated))) == []


def test_km101_overlays_resolve_the_nearest_class():
    from karpmigrate.lint.engine import run_rules
    from karpmigrate.lint.objects import load_text
    from karpmigrate.target import Target

    def load(text: str, file: str):
        return load_text(textwrap.dedent(text), file).objects

    objects = [
        *load(docs(nodepool("a", "kubelet: {maxPods: 110}\n", version="v1beta1"), nodeclass()), "dev/a.yaml"),
        *load(docs(nodepool("b", "kubelet: {maxPods: 20}\n", version="v1beta1"), nodeclass()), "prod/b.yaml"),
    ]
    assert list(run_rules([KM101], objects, target=Target())) == []


# ---------------------------------------------------------------- KM103


ANNOTATED = """\
annotations:
  compatibility.karpenter.sh/v1beta1-kubelet-conversion: '{"maxPods":110}'
"""


@pytest.mark.parametrize(
    ("target", "level", "says"),
    [
        ("1.0", Level.WARNING, "overrides EC2NodeClass.spec.kubelet"),
        ("1.1", None, "refuses to start"),
        ("1.6", None, "ignores it"),
    ],
)
def test_km103_level_and_message_follow_the_target(target, level, says):
    found = hits(KM103, nodepool("a", meta=ANNOTATED), target=target)
    assert levels(found) == [level]
    assert says in found[0].hit.message
    assert at(found[0]) == (6, 60)


def test_km103_passes_without_the_annotation_and_on_v1beta1():
    assert messages(KM103, nodepool("a")) == []
    assert messages(KM103, nodepool("a", meta=ANNOTATED, version="v1beta1")) == []


# ---------------------------------------------------------------- KM104, KM106


def test_km104_kubelet_in_a_v1_nodepool():
    text = nodepool("a", "kubelet:\n  maxPods: 110\n")
    found = hits(KM104, text)
    assert paths(found) == [("spec", "template", "spec", "kubelet")]
    assert "EC2NodeClass default spec.kubelet" in found[0].hit.message
    assert text_at(text, found[0]) == "maxPods: 110"


def test_km104_passes_on_v1beta1_and_without_kubelet():
    assert messages(KM104, nodepool("a", "kubelet: {maxPods: 110}\n", version="v1beta1")) == []
    assert messages(KM104, nodepool("a")) == []


def test_km106_expire_after_misplaced():
    text = nodepool("a") + "  disruption:\n    expireAfter: 168h\n"
    found = hits(KM106, text)
    assert paths(found) == [("spec", "disruption", "expireAfter")]
    assert text_at(text, found[0]) == "168h"
    assert messages(KM106, nodepool("a", "expireAfter: 168h\n")) == []
    v1beta1 = nodepool("a", version="v1beta1") + "  disruption:\n    expireAfter: 168h\n"
    assert messages(KM106, v1beta1) == []


# ---------------------------------------------------------------- KM108


def test_km108_missing_hop_limit():
    found = hits(KM108, nodeclass(body="metadataOptions:\n  httpTokens: required\n"))
    assert paths(found) == [("spec", "metadataOptions")]
    assert "gets 1" in found[0].hit.message
    assert paths(hits(KM108, nodeclass())) == [("spec",)]


def test_km108_passes_with_explicit_hop_limit_and_on_v1beta1():
    assert messages(KM108, nodeclass(body="metadataOptions: {httpPutResponseHopLimit: 2}\n")) == []
    assert messages(KM108, nodeclass(version="v1beta1")) == []


# ---------------------------------------------------------------- KM110


def test_km110_v1beta1_ubuntu_without_terms():
    for body in ("amiFamily: Ubuntu\n", "amiFamily: Ubuntu\namiSelectorTerms: []\n"):
        found = hits(KM110, nodeclass(body=body, version="v1beta1"))
        assert paths(found) == [("spec", "amiFamily")]
        assert "NotReady" in found[0].hit.message


def test_km110_passes_with_terms_or_another_family():
    with_terms = "amiFamily: Ubuntu\namiSelectorTerms:\n  - name: ubuntu-eks/*\n"
    assert messages(KM110, nodeclass(body=with_terms, version="v1beta1")) == []
    assert messages(KM110, nodeclass(body="amiFamily: AL2\n", version="v1beta1")) == []


def test_km110_v1_conversion_artefacts():
    text = (
        "apiVersion: karpenter.k8s.aws/v1\nkind: EC2NodeClass\nmetadata:\n  name: u\n  annotations:\n"
        "    compatibility.karpenter.k8s.aws/v1beta1-ubuntu: amiFamily,blockDeviceMappings,incompatible\n"
        "spec:\n  amiFamily: AL2\n  amiSelectorTerms:\n    - id: ami-placeholder\n"
    )
    found = hits(KM110, text)
    assert paths(found) == [
        ("metadata", "annotations", "compatibility.karpenter.k8s.aws/v1beta1-ubuntu"),
        ("spec", "amiSelectorTerms", 0, "id"),
    ]
    assert at(found[1]) == (10, 11)


def test_km110_v1_compatible_ubuntu_annotation_passes():
    text = (
        "apiVersion: karpenter.k8s.aws/v1\nkind: EC2NodeClass\nmetadata:\n  name: u\n  annotations:\n"
        "    compatibility.karpenter.k8s.aws/v1beta1-ubuntu: amiFamily\n"
        "spec:\n  amiFamily: AL2\n  amiSelectorTerms:\n    - id: ami-0123456789abcdef0\n"
    )
    assert messages(KM110, text) == []


# ---------------------------------------------------------------- KM113

GPU_REQUIREMENT = """\
requirements:
  - key: karpenter.k8s.aws/instance-category
    operator: In
    values: [c, g]
"""


def _gpu_pool(name: str, requirements: str, version: str = "v1beta1") -> str:
    return nodepool(name, version=version).replace("      requirements: []\n", "") + textwrap.indent(
        textwrap.dedent(requirements), "      "
    )


def test_km113_v1beta1_al2023_family_with_gpu_pool():
    text = docs(
        nodeclass(body="amiFamily: AL2023\n", version="v1beta1"),
        _gpu_pool("gpu", GPU_REQUIREMENT),
        _gpu_pool(
            "cpu",
            "requirements:\n  - {key: karpenter.k8s.aws/instance-category, operator: In, values: [c]}\n",
        ),
    )
    found = hits(KM113, text)
    assert [h.obj.name for h in found] == ["gpu"]
    assert paths(found) == [("spec", "template", "spec", "requirements", 0)]
    assert "NVIDIA GPU" in found[0].hit.message and "AMIDrift" in found[0].hit.message


@pytest.mark.parametrize(
    ("requirement", "kinds"),
    [
        ("{key: karpenter.k8s.aws/instance-family, operator: In, values: [m5, inf2]}", "Neuron"),
        ("{key: node.kubernetes.io/instance-type, operator: In, values: [g5.xlarge]}", "NVIDIA GPU"),
        ("{key: karpenter.k8s.aws/instance-gpu-count, operator: Gt, values: ['0']}", "NVIDIA GPU"),
        ("{key: karpenter.k8s.aws/instance-accelerator-name, operator: Exists}", "Neuron"),
    ],
)
def test_km113_explicit_accelerator_requirements(requirement, kinds):
    text = docs(
        nodeclass(body="amiFamily: AL2023\n", version="v1beta1"),
        _gpu_pool("p", f"requirements:\n  - {requirement}\n"),
    )
    found = messages(KM113, text)
    assert len(found) == 1 and kinds in found[0]


@pytest.mark.parametrize(
    "requirements",
    [
        "requirements: []\n",  # allows everything, but not explicitly: conservative
        "requirements:\n  - {key: karpenter.k8s.aws/instance-family, operator: In, values: [g4ad]}\n",
        "requirements:\n"
        "  - {key: karpenter.k8s.aws/instance-category, operator: In, values: [g]}\n"
        "  - {key: karpenter.k8s.aws/instance-gpu-count, operator: DoesNotExist}\n",
        "requirements: not-a-list\n",
    ],
)
def test_km113_passes_without_explicit_accelerators(requirements):
    text = docs(nodeclass(body="amiFamily: AL2023\n", version="v1beta1"), _gpu_pool("p", requirements))
    assert messages(KM113, text) == []


def test_km113_other_family_or_explicit_terms_pass():
    for body in ("amiFamily: AL2\n", "amiFamily: AL2023\namiSelectorTerms:\n  - id: ami-0123456789abcdef0\n"):
        text = docs(nodeclass(body=body, version="v1beta1"), _gpu_pool("gpu", GPU_REQUIREMENT))
        assert messages(KM113, text) == []


def test_km113_v1_alias_only_when_converted_in_this_change():
    new = docs(
        nodeclass(body="amiSelectorTerms:\n  - alias: al2023@latest\n"),
        _gpu_pool("gpu", GPU_REQUIREMENT, "v1"),
    )
    old_v1beta1 = docs(
        nodeclass(body="amiFamily: AL2023\n", version="v1beta1"), _gpu_pool("gpu", GPU_REQUIREMENT)
    )
    assert len(messages(KM113, new, old_v1beta1)) == 1
    assert len(messages(KM113, new)) == 1  # no previous version known: cannot rule it out
    assert messages(KM113, new, new) == []  # already v1 before this change


# ---------------------------------------------------------------- KM114


@pytest.mark.parametrize("value", ["false", '"false"', "'False'"])
def test_km114_drift_gate_disabled(value):
    text = f"settings:\n  clusterName: prod\n  featureGates:\n    drift: {value}\n"
    found = hits(KM114, text)
    assert paths(found) == [("settings", "featureGates", "drift")]
    assert "settings.featureGates.drift: false" in found[0].hit.message
    assert at(found[0]) == (4, 12)


def test_km114_top_level_feature_gate():
    assert paths(hits(KM114, "featureGates:\n  drift: false\n")) == [("featureGates", "drift")]


@pytest.mark.parametrize(
    "text", ["settings:\n  featureGates:\n    drift: true\n", "settings:\n  clusterName: x\n"]
)
def test_km114_passes(text):
    assert messages(KM114, text) == []


# ---------------------------------------------------------------- KM115

FROM_CLUSTER = """\
apiVersion: karpenter.sh/v1
kind: NodePool
metadata:
  name: a
  uid: 0b0e4e5a-1111-2222-3333-444455556666
  resourceVersion: "123"
  creationTimestamp: "2024-08-01T00:00:00Z"
  generation: 3
  annotations:
    karpenter.sh/nodepool-hash: "6821555240594823858"
    karpenter.sh/nodepool-hash-version: v3
    compatibility.karpenter.sh/v1beta1-nodeclass-reference: '{"name":"default"}'
    compatibility.karpenter.sh/v1beta1-kubelet-conversion: '{"maxPods":110}'
    team: ml
  finalizers:
    - karpenter.sh/termination
    - example.com/keep
spec:
  template:
    spec:
      nodeClassRef: {group: karpenter.k8s.aws, kind: EC2NodeClass, name: default}
      requirements: []
status:
  resources: {cpu: "4"}
"""


def test_km115_one_hit_per_server_item():
    found = hits(KM115, FROM_CLUSTER)
    assert paths(found) == [
        ("metadata", "uid"),
        ("metadata", "resourceVersion"),
        ("metadata", "creationTimestamp"),
        ("metadata", "generation"),
        ("metadata", "annotations", "karpenter.sh/nodepool-hash"),
        ("metadata", "annotations", "karpenter.sh/nodepool-hash-version"),
        ("metadata", "annotations", "compatibility.karpenter.sh/v1beta1-nodeclass-reference"),
        ("metadata", "finalizers", 0),
        ("status",),
    ]
    assert "NodePoolDrifted" in found[4].hit.message
    assert at(found[1]) == (6, 20)
    assert at(found[7]) == (16, 7)


def test_km115_leaves_the_kubelet_annotation_to_km103_only_on_v1_nodepools():
    v1beta1 = FROM_CLUSTER.replace("karpenter.sh/v1\n", "karpenter.sh/v1beta1\n", 1)
    assert ("metadata", "annotations", "compatibility.karpenter.sh/v1beta1-kubelet-conversion") in paths(
        hits(KM115, v1beta1)
    )


def test_km115_leaves_incompatible_ubuntu_to_km110():
    text = (
        "apiVersion: karpenter.k8s.aws/v1\nkind: EC2NodeClass\nmetadata:\n  name: u\n  annotations:\n"
        "    compatibility.karpenter.k8s.aws/v1beta1-ubuntu: {value}\nspec: {{}}\n"
    )
    assert messages(KM115, text.format(value="amiFamily,incompatible")) == []
    assert len(messages(KM115, text.format(value="amiFamily"))) == 1


def test_km115_clean_manifest_passes():
    text = nodepool("a", meta="creationTimestamp: null\nannotations: {team: ml}\n") + "status: {}\n"
    assert messages(KM115, text) == []


# ---------------------------------------------------------------- KM116


def test_km116_v1beta1_shaped_reference_in_v1():
    text = nodepool("a").replace(
        "nodeClassRef: {group: karpenter.k8s.aws, kind: EC2NodeClass, name: default}",
        "nodeClassRef: {apiVersion: karpenter.k8s.aws/v1beta1, kind: EC2NodeClass, name: default}",
    )
    found = hits(KM116, text)
    assert paths(found) == [("spec", "template", "spec", "nodeClassRef", "apiVersion")]
    assert "group: karpenter.k8s.aws" in found[0].hit.message


def test_km116_api_version_beside_a_group_is_only_removed():
    text = nodepool("a").replace(
        "kind: EC2NodeClass,", "kind: EC2NodeClass, apiVersion: karpenter.k8s.aws/v1beta1,"
    )
    found = messages(KM116, text)
    assert len(found) == 1 and "remove it (group is given)" in found[0]


def test_km116_group_with_version_on_a_nodeclaim():
    text = (
        "apiVersion: karpenter.sh/v1\nkind: NodeClaim\nmetadata:\n  name: c\nspec:\n  nodeClassRef:\n"
        "    group: karpenter.k8s.aws/v1\n    kind: EC2NodeClass\n    name: default\n"
    )
    found = hits(KM116, text)
    assert paths(found) == [("spec", "nodeClassRef", "group")]
    assert at(found[0]) == (7, 12)


def test_km116_passes_for_v1_shape_v1beta1_and_leaves_missing_fields_to_km215():
    assert messages(KM116, nodepool("a")) == []
    assert messages(KM116, nodepool("a", version="v1beta1")) == []
    missing = nodepool("a").replace("group: karpenter.k8s.aws, ", "")
    assert messages(KM116, missing) == []


# ---------------------------------------------------------------- KM117, KM118


@pytest.mark.parametrize("rule", [KM117, KM118])
def test_cluster_rules_never_run_in_lint(rule):
    assert rule.scope is Scope.CLUSTER
    assert list(rule.check(None)) == []  # type: ignore[arg-type]
    text = docs(nodepool("a", "kubelet: {maxPods: 1}\n", version="v1beta1"), nodeclass())
    assert messages(rule, text) == []


# ---------------------------------------------------------------- KM131


def test_km131_old_policy_name_and_missing_consolidate_after():
    text = nodepool("a") + "  disruption:\n    consolidationPolicy: WhenUnderutilized\n"
    found = hits(KM131, text)
    assert paths(found) == [("spec", "disruption", "consolidationPolicy"), ("spec", "disruption")]
    assert "WhenEmptyOrUnderutilized" in found[0].hit.message
    assert text_at(text, found[0]) == "WhenUnderutilized"


def test_km131_budgets_only_block_needs_consolidate_after():
    text = nodepool("a") + "  disruption:\n    budgets: [{nodes: 10%}]\n"
    assert paths(hits(KM131, text)) == [("spec", "disruption")]


def test_km131_passes():
    assert messages(KM131, nodepool("a")) == []  # no block: defaulted to consolidateAfter 0s
    ok = (
        nodepool("a")
        + "  disruption:\n    consolidationPolicy: WhenEmptyOrUnderutilized\n    consolidateAfter: 0s\n"
    )
    assert messages(KM131, ok) == []
    v1beta1 = nodepool("a", version="v1beta1") + "  disruption:\n    consolidationPolicy: WhenUnderutilized\n"
    assert messages(KM131, v1beta1) == []


# ---------------------------------------------------------------- KM132


@pytest.mark.parametrize(("target", "level"), [("1.1", None), ("1.0", Level.INFO)])
def test_km132_levels(target, level):
    found = hits(KM132, nodeclass(version="v1beta1"), target=target)
    assert levels(found) == [level]
    assert paths(found) == [("apiVersion",)]
    assert at(found[0]) == (1, 13)


def test_km132_passes_for_v1_and_for_0_37():
    assert messages(KM132, nodeclass(), target="1.1") == []
    assert messages(KM132, nodeclass(version="v1beta1"), target="0.37") == []


# ---------------------------------------------------------------- KM133


@pytest.mark.parametrize(
    ("body", "path", "says"),
    [
        ("amiFamily: AL2\n", ("spec",), "required"),
        ("amiFamily: AL2\namiSelectorTerms: []\n", ("spec", "amiSelectorTerms"), "required"),
        (
            "amiSelectorTerms:\n  - alias: al2023@latest\n  - tags: {team: ml}\n",
            ("spec", "amiSelectorTerms", 0, "alias"),
            "combination of other amiSelectorTerms",
        ),
        (
            "amiSelectorTerms:\n  - {alias: al2023@latest, owner: amazon}\n",
            ("spec", "amiSelectorTerms", 0, "alias"),
            "with owner in the same term",
        ),
        (
            "amiSelectorTerms:\n  - alias: al2023\n",
            ("spec", "amiSelectorTerms", 0, "alias"),
            "family@version",
        ),
        (
            "amiSelectorTerms:\n  - alias: ubuntu@latest\n",
            ("spec", "amiSelectorTerms", 0, "alias"),
            "not supported",
        ),
        (
            "amiSelectorTerms:\n  - alias: windows2022@v1\n",
            ("spec", "amiSelectorTerms", 0, "alias"),
            "only specify version 'latest'",
        ),
        ("amiSelectorTerms:\n  - tags: {team: ml}\n", ("spec", "amiSelectorTerms"), "amiFamily is required"),
        (
            "amiFamily: AL2\namiSelectorTerms:\n  - alias: al2023@latest\n",
            ("spec", "amiFamily"),
            "must be AL2023 or Custom",
        ),
        (
            "amiFamily: AL2\namiSelectorTerms:\n  - {id: ami-0123456789abcdef0, name: x}\n",
            ("spec", "amiSelectorTerms", 0, "id"),
            "'id' is mutually exclusive",
        ),
        (
            "amiFamily: AL2\namiSelectorTerms:\n  - owner: amazon\n",
            ("spec", "amiSelectorTerms", 0),
            "one of tags",
        ),
    ],
)
def test_km133_cel_rules(body, path, says):
    found = hits(KM133, nodeclass(body=body))
    assert paths(found) == [path], [h.hit.message for h in found]
    assert says in found[0].hit.message


@pytest.mark.parametrize(
    "body",
    [
        "amiSelectorTerms:\n  - alias: al2023@v20240807\n",
        "amiFamily: Custom\namiSelectorTerms:\n  - alias: al2@latest\n",
        "amiFamily: AL2023\namiSelectorTerms:\n  - alias: al2023@latest\n",
        "amiFamily: Bottlerocket\namiSelectorTerms:\n  - tags: {team: ml}\n  - id: ami-0123456789abcdef0\n",
        "amiSelectorTerms: not-a-list\n",
    ],
)
def test_km133_passes(body):
    assert messages(KM133, nodeclass(body=body)) == []


def test_km133_ignores_v1beta1():
    assert messages(KM133, nodeclass(body="amiFamily: AL2\n", version="v1beta1")) == []


def test_km133_alias_term_position():
    found = hits(KM133, nodeclass(body="amiSelectorTerms:\n  - alias: al2023\n"))
    assert at(found[0]) == (8, 14)


# ---------------------------------------------------------------- KM134


def test_km134_custom_userdata_without_the_taint():
    body = "amiFamily: Custom\namiSelectorTerms: [{id: ami-0123456789abcdef0}]\nuserData: |\n  /etc/eks/bootstrap.sh c\n"
    found = hits(KM134, nodeclass(body=body))
    assert paths(found) == [("spec", "userData")]
    assert "karpenter.sh/unregistered:NoExecute" in found[0].hit.message
    assert at(found[0]) == (9, 13)


def test_km134_custom_without_userdata_on_v1beta1():
    found = hits(KM134, nodeclass(body="amiFamily: Custom\n", version="v1beta1"))
    assert paths(found) == [("spec", "amiFamily")]


@pytest.mark.parametrize(
    "body",
    [
        "amiFamily: Custom\nuserData: |\n"
        "  /etc/eks/bootstrap.sh c --kubelet-extra-args '--register-with-taints=karpenter.sh/unregistered:NoExecute'\n",
        "amiFamily: Custom\nuserData: |\n  [settings.kubernetes.node-taints]\n"
        '  "karpenter.sh/unregistered" = "NoExecute"\n',
        "amiFamily: AL2\nuserData: echo hi\n",
        "amiSelectorTerms: [{alias: al2023@latest}]\n",
    ],
)
def test_km134_passes(body):
    assert messages(KM134, nodeclass(body=body)) == []
