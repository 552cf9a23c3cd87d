"""KM211-KM224: the general v1 rules, decided from the new manifests (plus the set rule KM221)."""

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
from karpmigrate.lint._base import Rule
from karpmigrate.lint.engine import RuleHit
from karpmigrate.lint.rules import (
    km211_alias_latest,
    km212_deprecated_annotation,
    km213_budget_reason_invalid,
    km214_budget_schedule_invalid,
    km215_nodeclassref_invalid,
    km216_consolidation_policy_invalid,
    km217_restricted_label,
    km218_requirement_invalid,
    km219_role_instance_profile,
    km220_never_disrupt_without_drift_budget,
    km221_expiry_without_grace_period,
    km222_old_disruption_taint,
    km223_kubelet_invalid,
    km224_helm_values_removed_key,
)

KM211 = km211_alias_latest.RULE
KM212 = km212_deprecated_annotation.RULE
KM213 = km213_budget_reason_invalid.RULE
KM214 = km214_budget_schedule_invalid.RULE
KM215 = km215_nodeclassref_invalid.RULE
KM216 = km216_consolidation_policy_invalid.RULE
KM217 = km217_restricted_label.RULE
KM218 = km218_requirement_invalid.RULE
KM219 = km219_role_instance_profile.RULE
KM220 = km220_never_disrupt_without_drift_budget.RULE
KM221 = km221_expiry_without_grace_period.RULE
KM222 = km222_old_disruption_taint.RULE
KM223 = km223_kubelet_invalid.RULE
KM224 = km224_helm_values_removed_key.RULE
RULES = (KM211, KM212, KM213, KM214, KM215, KM216, KM217, KM218, KM219, KM220, KM221, KM222, KM223, KM224)

TEMPLATE_SPEC = ("spec", "template", "spec")
BUDGET0 = ("spec", "disruption", "budgets", 0)


def at(rule_hit: RuleHit) -> tuple[int | None, int | None]:
    """1-based (line, column) of a hit, as the finding will show it."""
    return rule_hit.obj.locate(rule_hit.hit.path, key=rule_hit.hit.at_key)


def text_at(text: str, rule_hit: RuleHit) -> str:
    """The rest of the line where a hit points (``text`` is the whole file)."""
    line, column = at(rule_hit)
    assert line is not None and column is not None
    return text.splitlines()[line - 1][column - 1 :]


def paths(found: list[RuleHit]) -> list[tuple[str | int, ...]]:
    return [h.hit.path for h in found]


def indent(body: str, spaces: int) -> str:
    return textwrap.indent(textwrap.dedent(body), " " * spaces)


def nodepool(
    spec: str = "", *, template: str = "", disruption: str = "", version: str = "v1", name: str = "default"
) -> str:
    """A NodePool: ``spec`` under spec.template.spec, ``template`` under spec.template, ``disruption``."""
    reference = (
        "nodeClassRef: {group: karpenter.k8s.aws, kind: EC2NodeClass, name: default}"
        if version == "v1"
        else "nodeClassRef: {apiVersion: karpenter.k8s.aws/v1beta1, kind: EC2NodeClass, name: default}"
    )
    text = (
        f"apiVersion: karpenter.sh/{version}\nkind: NodePool\nmetadata:\n  name: {name}\nspec:\n  template:\n"
        + indent(template, 4)
        + f"    spec:\n      {reference}\n"
        + indent(spec, 6)
    )
    if disruption:
        text += "  disruption:\n" + indent(disruption, 4)
    return text


def bare_nodepool(spec: str, *, version: str = "v1") -> str:
    """A NodePool whose spec.template.spec is exactly ``spec``."""
    return (
        f"apiVersion: karpenter.sh/{version}\nkind: NodePool\nmetadata:\n  name: default\nspec:\n  template:\n"
        "    spec:\n" + indent(spec, 6)
    )


def nodeclass(body: str, *, version: str = "v1", name: str = "default") -> str:
    """An EC2NodeClass whose spec is exactly ``body``."""
    return (
        f"apiVersion: karpenter.k8s.aws/{version}\nkind: EC2NodeClass\nmetadata:\n  name: {name}\nspec:\n"
        + indent(body, 2)
    )


def deployment(pod: str, *, kind: str = "Deployment", name: str = "web") -> str:
    """A workload whose pod template is ``pod`` (metadata/spec), placed where ``kind`` keeps it."""
    pod = textwrap.dedent(pod)
    group = "v1" if kind == "Pod" else "batch/v1" if kind in ("Job", "CronJob") else "apps/v1"
    head = f"apiVersion: {group}\nkind: {kind}\nmetadata:\n  name: {name}\n"
    if kind == "Pod":
        # The pod's own metadata: the name joins its annotations.
        return head + pod.removeprefix("metadata:\n")
    if kind == "CronJob":
        return head + "spec:\n  jobTemplate:\n    spec:\n      template:\n" + indent(pod, 8)
    return head + "spec:\n  template:\n" + indent(pod, 4)


def docs(*documents: str) -> str:
    return "---\n".join(documents)


# ---------------------------------------------------------------- documentation, import cost, robustness


def _my_modules() -> list[str]:
    prefixes = tuple(f"km{code}_" for code in range(211, 225))
    found = [
        info.name for info in pkgutil.iter_modules(rules_package.__path__) if info.name.startswith(prefixes)
    ]
    assert len(found) == 14, found
    return found


@pytest.mark.parametrize("name", _my_modules())
def test_docstring_says_which_versions_and_has_the_four_sections(name):
    rule = importlib.import_module(f"{rules_package.__name__}.{name}").RULE
    assert isinstance(rule, Rule)
    sections = ("Versions:", "What it does:", "Why it matters:", "Example:", "Use instead:")
    positions = [rule.doc.find(section) for section in sections]
    assert all(p > 0 for p in positions) and positions == sorted(positions), name


def test_rule_modules_do_not_import_heavy_modules():
    # pre-commit start-up budget (design §7): croniter is imported by KM214 only when a schedule is checked.
    modules = ", ".join(f"karpmigrate.lint.rules.{name}" for name in _my_modules())
    code = (
        f"import {modules}\nimport sys\n"
        "heavy = [m for m in ('pydantic', 'jsonschema', 'rich', 'kubernetes', 'karpmigrate.convert', 'croniter') "
        "if m in sys.modules]\nprint(heavy)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


#: Strings, numbers and nulls where mappings and lists belong (lint runs before validate in pre-commit).
GARBAGE = [
    nodepool(
        "requirements: In\nexpireAfter: [1]\nkubelet: 12\n",
        template="metadata: labels\n",
        disruption="budgets: nodes\nconsolidationPolicy: [x]\n",
    ),
    nodepool(
        "requirements: [1, {key: 5, operator: [In], values: {a: b}, minValues: x}, {values: [null]}]\n",
        disruption="budgets: [1, [2], {reasons: Drifted, schedule: 5, duration: [], nodes: {a: 1}}]\n",
    ),
    nodepool(
        "kubelet: {evictionSoft: x, kubeReserved: [cpu], systemReserved: {cpu: null}, maxPods: true}\n",
        disruption="budgets: [{reasons: 3}]\nexpireAfter: Never\n",
        version="v1beta1",
    ),
    bare_nodepool("nodeClassRef: default\nterminationGracePeriod: {a: 1}\n"),
    nodeclass("amiSelectorTerms: al2023@latest\nkubelet: [1]\nrole: [a]\ninstanceProfile: {}\n"),
    nodeclass(
        "amiSelectorTerms: [5, {alias: 7}, {name: [x]}, {alias: '@latest'}]\nkubelet: {evictionHard: 3}\n"
    ),
    deployment(
        "metadata:\n  annotations: karpenter.sh/do-not-evict\nspec:\n  tolerations: karpenter.sh/disruption\n"
    ),
    deployment(
        "metadata: {annotations: [karpenter.sh/do-not-disrupt]}\nspec: {tolerations: [1, {key: 2}]}\n"
    ),
    "settings: [karpenter]\nkarpenter: settings\nlogConfig: 1\n",
    "karpenter:\n  settings: 5\n  featureGates: x\n",
]


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.id)
@pytest.mark.parametrize("text", GARBAGE)
def test_wrong_types_never_crash(rule, text):
    for target in ("0.37", "1.0", "1.14"):
        for found in hits(rule, text, target=target):
            assert found.hit.message and "\n" not in found.hit.message


def test_messages_are_one_line_and_hits_point_inside_their_object():
    text = docs(
        nodeclass("amiSelectorTerms: [{alias: al2023@latest}]\n"),
        nodepool(
            "requirements: [{key: kubernetes.io/hostname, operator: In, values: []}]\n",
            disruption="budgets: [{nodes: 0, reasons: [Expired]}]\n",
        ),
    )
    for rule in RULES:
        for found in hits(rule, text):
            assert "\n" not in found.hit.message
            assert at(found)[0] is not None


# ---------------------------------------------------------------- KM211 alias-latest


def test_km211_latest_alias_is_a_warning_at_the_alias():
    text = nodeclass("amiSelectorTerms:\n  - alias: al2023@latest\n")
    found = hits(KM211, text)
    assert len(found) == 1 and found[0].hit.level is None
    assert found[0].hit.path == ("spec", "amiSelectorTerms", 0, "alias")
    assert text_at(text, found[0]) == "al2023@latest"
    assert "AMIDrift" in found[0].hit.message and "al2023@vYYYYMMDD" in found[0].hit.message


def test_km211_bottlerocket_pin_format():
    assert (
        "bottlerocket@vX.Y.Z"
        in messages(KM211, nodeclass("amiSelectorTerms: [{alias: bottlerocket@latest}]\n"))[0]
    )


@pytest.mark.parametrize(
    "terms",
    [
        "[{alias: al2023@v20240807}]",
        "[{id: ami-0123456789abcdef0}]",
        "[{name: my-ami-2024-08-01}]",
        "[{name: 'amazon-eks-*', id: ami-0123}]",  # id pins (mixing is KM133's)
    ],
)
def test_km211_pinned_selection_passes(terms):
    assert messages(KM211, nodeclass(f"amiFamily: AL2023\namiSelectorTerms: {terms}\n")) == []


def test_km211_windows_latest_is_info_with_the_id_alternative():
    found = hits(KM211, nodeclass("amiSelectorTerms: [{alias: windows2022@latest}]\n"))
    assert [h.hit.level for h in found] == [Level.INFO]
    assert "accept only latest" in found[0].hit.message and "Windows2022" in found[0].hit.message


def test_km211_name_pattern_and_tags_follow_releases():
    text = nodeclass(
        "amiFamily: AL2023\namiSelectorTerms:\n  - name: 'eks-al2023-*'\n  - tags: {team: platform}\n"
    )
    found = hits(KM211, text)
    assert paths(found) == [("spec", "amiSelectorTerms", 0, "name"), ("spec", "amiSelectorTerms", 1, "tags")]
    assert all("AMIDrift" in h.hit.message for h in found)


def test_km211_v1beta1_reports_name_patterns_but_not_family_only():
    assert (
        len(
            messages(
                KM211, nodeclass("amiFamily: AL2\namiSelectorTerms: [{name: 'eks-*'}]\n", version="v1beta1")
            )
        )
        == 1
    )
    assert messages(KM211, nodeclass("amiFamily: AL2\n", version="v1beta1")) == []
    # An alias-shaped string is not an alias in v1beta1 (no such field there).
    assert messages(KM211, nodeclass("amiSelectorTerms: [{alias: al2@latest}]\n", version="v1beta1")) == []


# ---------------------------------------------------------------- KM212 deprecated-annotation


@pytest.mark.parametrize("kind", ["Deployment", "StatefulSet", "DaemonSet", "Job", "CronJob", "Pod"])
def test_km212_do_not_evict_on_every_workload_kind(kind):
    text = deployment('metadata:\n  annotations:\n    karpenter.sh/do-not-evict: "true"\n', kind=kind)
    found = hits(KM212, text)
    assert len(found) == 1
    assert found[0].hit.path[-3:] == ("metadata", "annotations", "karpenter.sh/do-not-evict")
    assert text_at(text, found[0]) == 'karpenter.sh/do-not-evict: "true"'
    assert "karpenter.sh/do-not-disrupt" in found[0].hit.message


def test_km212_do_not_disrupt_passes():
    assert (
        messages(KM212, deployment('metadata:\n  annotations:\n    karpenter.sh/do-not-disrupt: "true"\n'))
        == []
    )


@pytest.mark.parametrize("version", ["v1beta1", "v1"])
def test_km212_do_not_consolidate_in_nodepool_template(version):
    text = nodepool(
        template='metadata:\n  annotations:\n    karpenter.sh/do-not-consolidate: "true"\n', version=version
    )
    found = hits(KM212, text)
    assert paths(found) == [
        ("spec", "template", "metadata", "annotations", "karpenter.sh/do-not-consolidate")
    ]
    assert "NodePoolDrifted" in found[0].hit.message


def test_km212_nodepool_own_metadata_is_not_the_template():
    text = nodepool().replace(
        "  name: default\n", '  name: default\n  annotations: {karpenter.sh/do-not-consolidate: "true"}\n'
    )
    assert messages(KM212, text) == []


# ---------------------------------------------------------------- KM213 budget-reason-invalid


def test_km213_unknown_reasons_with_hints():
    text = nodepool(disruption="budgets:\n  - nodes: '0'\n    reasons: [Drifted, Expired, Drift, empty]\n")
    found = hits(KM213, text)
    assert paths(found) == [(*BUDGET0, "reasons", i) for i in (1, 2, 3)]
    expired, drift, empty = (h.hit.message for h in found)
    assert "forceful" in expired and "did you mean Drifted?" in drift and "did you mean Empty?" in empty


def test_km213_valid_reasons_pass():
    assert (
        messages(
            KM213, nodepool(disruption="budgets: [{nodes: '0', reasons: [Underutilized, Empty, Drifted]}]\n")
        )
        == []
    )


def test_km213_reasons_as_a_string():
    found = hits(KM213, nodepool(disruption="budgets: [{nodes: '0', reasons: Drifted}]\n"))
    assert paths(found) == [(*BUDGET0, "reasons")] and "must be a list" in found[0].hit.message


def test_km213_v1beta1_has_no_reasons():
    text = nodepool(disruption="budgets: [{nodes: '0', reasons: [Drifted]}]\n", version="v1beta1")
    found = hits(KM213, text)
    assert text_at(text, found[0]) == "reasons: [Drifted]}]"
    assert (
        paths(found) == [(*BUDGET0, "reasons")]
        and "does not exist in karpenter.sh/v1beta1" in found[0].hit.message
    )


# ---------------------------------------------------------------- KM214 budget-schedule-invalid


def budget(body: str, *, version: str = "v1") -> str:
    return nodepool(disruption="budgets:\n" + indent(body, 2), version=version)


@pytest.mark.parametrize("version", ["v1beta1", "v1"])
def test_km214_valid_budgets_pass(version):
    text = budget(
        """\
        - nodes: "10%"
        - nodes: "0"
          schedule: "0 9 * * mon-fri"
          duration: 8h
        - nodes: "5"
          schedule: "@daily"
          duration: 1h30m
        - nodes: "100%"
          schedule: "*/15 0-6 1,15 JAN-MAR ?"
          duration: 30m0s
        """,
        version=version,
    )
    assert messages(KM214, text) == []


def test_km214_schedule_and_duration_go_together():
    text = budget('- {nodes: "0", schedule: "0 9 * * *"}\n- {nodes: "0", duration: 8h}\n')
    found = hits(KM214, text)
    assert paths(found) == [(*BUDGET0, "schedule"), ("spec", "disruption", "budgets", 1, "duration")]
    assert "'schedule' must be set with 'duration'" in found[0].hit.message


def test_km214_nodes_must_be_a_quoted_count_or_percentage():
    text = budget("- nodes: 0\n- nodes: 110%\n- nodes: '-1'\n")
    found = hits(KM214, text)
    assert [h.hit.path[-1] for h in found] == ["nodes"] * 3
    assert 'nodes: "0"' in found[0].hit.message
    assert text_at(text, found[1]) == "110%"


@pytest.mark.parametrize("duration", ["30s", "1h30s", "1d", "90", "-1h"])
def test_km214_duration_is_hours_and_minutes(duration):
    found = hits(KM214, budget(f'- {{nodes: "0", schedule: "@daily", duration: "{duration}"}}\n'))
    assert paths(found) == [(*BUDGET0, "duration")]


@pytest.mark.parametrize(
    ("schedule", "says"),
    [
        ("TZ=Europe/Berlin 0 9 * * *", "time zone"),
        ("CRON_TZ=UTC 0 9 * * *", "time zone"),
        ("@every 5m", "API server rejects"),
        ("0 9 * *", "API server rejects"),
        ("@dailyx", "fails closed"),
        ("0 0 9 * * *", "6 fields"),
        ("0 9 * * 7", "fails closed"),
        ("0 9 L * *", "fails closed"),
        ("0 9 * * 5#2", "fails closed"),
        ("61 9 * * *", "fails closed"),
        ("0 9 * * FOO", "fails closed"),
    ],
)
def test_km214_schedules_the_crd_or_karpenter_reject(schedule, says):
    found = hits(KM214, budget(f'- {{nodes: "0", schedule: "{schedule}", duration: 1h}}\n'))
    assert paths(found) == [(*BUDGET0, "schedule")] and says in found[0].hit.message


# ---------------------------------------------------------------- KM215 nodeclassref-invalid


def test_km215_a_complete_aws_reference_passes():
    assert messages(KM215, nodepool()) == []


def test_km215_missing_fields_point_at_the_ref():
    text = bare_nodepool("nodeClassRef:\n  group: karpenter.k8s.aws\n  name: ''\n")
    found = hits(KM215, text)
    ref = (*TEMPLATE_SPEC, "nodeClassRef")
    assert paths(found) == [(*ref, "kind"), (*ref, "name")]
    assert "kind is missing" in found[0].hit.message and "name is empty" in found[1].hit.message
    assert at(found[0]) == (8, 7)  # the nodeClassRef key that lacks kind


def test_km215_missing_ref():
    found = hits(KM215, bare_nodepool("requirements: []\n"))
    assert paths(found) == [(*TEMPLATE_SPEC, "nodeClassRef")] and "is missing" in found[0].hit.message


def test_km215_another_provider():
    text = bare_nodepool("nodeClassRef: {group: karpenter.azure.com, kind: AKSNodeClass, name: default}\n")
    found = hits(KM215, text)
    assert [h.hit.path[-1] for h in found] == ["group", "kind"] and "NotReady" in found[0].hit.message


def test_km215_leaves_km116_cases_alone():
    apiversion = bare_nodepool(
        "nodeClassRef: {apiVersion: karpenter.k8s.aws/v1beta1, kind: EC2NodeClass, name: a}\n"
    )
    versioned = bare_nodepool("nodeClassRef: {group: karpenter.k8s.aws/v1, kind: EC2NodeClass, name: a}\n")
    assert messages(KM215, apiversion) == [] and messages(KM215, versioned) == []


def test_km215_checks_v1_nodeclaims_and_skips_v1beta1():
    claim = "apiVersion: karpenter.sh/v1\nkind: NodeClaim\nmetadata: {name: c}\nspec:\n  nodeClassRef: {name: a}\n"
    assert len(messages(KM215, claim)) == 2
    assert messages(KM215, bare_nodepool("nodeClassRef: {name: a}\n", version="v1beta1")) == []


def test_km215_group_or_kind_edited_on_an_existing_pool():
    old = bare_nodepool("nodeClassRef: {group: karpenter.k8s.aws, kind: EC2NodeClass, name: a}\n")
    new = bare_nodepool("nodeClassRef: {group: karpenter.k8s.aws, kind: EC2NodeClassX, name: a}\n")
    edit = [m for m in messages(KM215, new, old, target="1.1") if "changed" in m]
    assert len(edit) == 1 and "immutable" in edit[0]
    assert "NodePoolDrifted" in [m for m in messages(KM215, new, old, target="1.0") if "changed" in m][0]


# ---------------------------------------------------------------- KM216 consolidation-policy-invalid


def test_km216_balanced_depends_on_the_target():
    text = nodepool(disruption="consolidationPolicy: Balanced\nconsolidateAfter: 1m\n")
    found = hits(KM216, text, target="1.13")
    assert paths(found) == [("spec", "disruption", "consolidationPolicy")] and "1.14" in found[0].hit.message
    assert text_at(text, found[0]) == "Balanced"
    assert messages(KM216, text, target="1.14") == []


@pytest.mark.parametrize("policy", ["WhenEmpty", "WhenEmptyOrUnderutilized", "WhenUnderutilized"])
def test_km216_enum_values_and_the_km131_rename_pass(policy):
    assert (
        messages(KM216, nodepool(disruption=f"consolidationPolicy: {policy}\nconsolidateAfter: 0s\n")) == []
    )


def test_km216_typo_and_v1beta1():
    typo = nodepool(disruption="consolidationPolicy: whenEmpty\nconsolidateAfter: 0s\n")
    assert "not one of WhenEmpty, WhenEmptyOrUnderutilized" in messages(KM216, typo)[0]
    old = nodepool(disruption="consolidationPolicy: Whatever\n", version="v1beta1")
    assert messages(KM216, old) == []


# ---------------------------------------------------------------- KM217 restricted-label


@pytest.mark.parametrize(
    "key",
    [
        "example.com/team",
        "topology.kubernetes.io/zone",
        "kubernetes.io/arch",
        "node.kubernetes.io/instance-type",
        "node-restriction.kubernetes.io/pool",
        "kops.k8s.io/instancegroup",
        "karpenter.sh/capacity-type",
        "karpenter.k8s.aws/instance-family",
    ],
)
def test_km217_allowed_keys(key):
    text = nodepool(
        f"requirements: [{{key: {key}, operator: Exists}}]\n",
        template=f"metadata: {{labels: {{{key}: x}}}}\n",
    )
    assert messages(KM217, text) == []


@pytest.mark.parametrize(
    ("key", "says"),
    [
        ("node-role.kubernetes.io/worker", 'domain "kubernetes.io"'),
        ("kubernetes.io/hostname", "hostname is not known"),
        ("storage.k8s.io/x", 'domain "k8s.io"'),
        ("karpenter.sh/nodepool", "sets it to the pool's name"),
        ("karpenter.sh/team", 'domain "karpenter.sh"'),
        ("karpenter.k8s.aws/custom", 'domain "karpenter.k8s.aws"'),
    ],
)
def test_km217_restricted_keys_in_labels_and_requirements(key, says):
    text = nodepool(
        f"requirements:\n  - key: {key}\n    operator: Exists\n",
        template=f"metadata:\n  labels:\n    {key}: x\n",
    )
    found = hits(KM217, text)
    assert paths(found) == [
        ("spec", "template", "metadata", "labels", key),
        (*TEMPLATE_SPEC, "requirements", 0, "key"),
    ]
    assert all(says in h.hit.message for h in found)
    assert text_at(text, found[0]) == f"{key}: x" and text_at(text, found[1]) == key


def test_km217_aws_labels_follow_the_target():
    text = nodepool(
        "requirements: [{key: karpenter.k8s.aws/instance-capability-flex, operator: In, values: ['true']}]\n"
    )
    assert "allowed from Karpenter 1.7 (target 1.0)" in messages(KM217, text)[0]
    assert messages(KM217, text, target="1.7") == []


def test_km217_nodeclaims_may_require_their_pool():
    claim = (
        "apiVersion: karpenter.sh/v1\nkind: NodeClaim\nmetadata: {name: c}\nspec:\n  requirements:\n"
        "    - {key: karpenter.sh/nodepool, operator: In, values: [default]}\n"
        "    - {key: karpenter.k8s.aws/ec2nodeclass, operator: In, values: [default]}\n"
        "    - {key: kubernetes.io/hostname, operator: In, values: [x]}\n"
    )
    assert [h.hit.path[-2] for h in hits(KM217, claim)] == [2]


def test_km217_skips_v1beta1():
    assert (
        messages(
            KM217,
            nodepool("requirements: [{key: kubernetes.io/hostname, operator: Exists}]\n", version="v1beta1"),
        )
        == []
    )


# ---------------------------------------------------------------- KM218 requirement-invalid


def requirements(body: str, *, target: str = "1.0") -> list[RuleHit]:
    return hits(KM218, nodepool("requirements:\n" + indent(body, 2)), target=target)


def test_km218_valid_requirements_pass():
    body = """\
    - {key: karpenter.sh/capacity-type, operator: In, values: [spot, on-demand], minValues: 2}
    - {key: karpenter.k8s.aws/instance-cpu, operator: Gt, values: ["3"]}
    - {key: karpenter.k8s.aws/instance-memory, operator: Lt, values: ["+65536"]}
    - {key: karpenter.k8s.aws/instance-family, operator: NotIn, values: []}
    - {key: karpenter.k8s.aws/instance-gpu-count, operator: DoesNotExist}
    """
    assert requirements(body) == []


def test_km218_in_without_values():
    found = requirements(
        "- {key: kubernetes.io/arch, operator: In, values: []}\n- {key: kubernetes.io/os, operator: In}\n"
    )
    req = (*TEMPLATE_SPEC, "requirements")
    assert paths(found) == [(*req, 0, "values"), (*req, 1, "operator")]
    assert all("has no values" in h.hit.message for h in found)


@pytest.mark.parametrize("values", ['["a"]', '["1", "2"]', '["-1"]', "[]"])
def test_km218_gt_needs_one_non_negative_integer(values):
    found = requirements(f"- {{key: karpenter.k8s.aws/instance-cpu, operator: Gt, values: {values}}}\n")
    assert len(found) == 1 and "exactly one non-negative integer" in found[0].hit.message


def test_km218_numbers_must_be_quoted():
    text = nodepool(
        "requirements:\n  - key: karpenter.k8s.aws/instance-cpu\n    operator: Gt\n    values: [4]\n"
    )
    found = hits(KM218, text)
    assert paths(found) == [(*TEMPLATE_SPEC, "requirements", 0, "values", 0)]
    assert 'quote it ("4")' in found[0].hit.message and text_at(text, found[0]) == "4]"


@pytest.mark.parametrize(
    ("min_values", "says"),
    [("3", "more than the 2"), ("0", "from 1 to 50"), ("51", "from 1 to 50"), ('"2"', "from 1 to 50")],
)
def test_km218_min_values(min_values, says):
    found = requirements(
        f"- {{key: kubernetes.io/arch, operator: In, values: [amd64, arm64], minValues: {min_values}}}\n"
    )
    assert [h.hit.path[-1] for h in found] == ["minValues"] and says in found[0].hit.message


def test_km218_operators_by_target():
    body = '- {key: karpenter.k8s.aws/instance-cpu, operator: Gte, values: ["4"]}\n'
    assert "Gte and Lte need Karpenter 1.9" in requirements(body)[0].hit.message
    assert requirements(body, target="1.9") == []
    assert "not one of" in requirements("- {key: a, operator: Equals, values: [x]}\n")[0].hit.message


def test_km218_missing_key_and_operator_and_values_as_a_string():
    found = requirements("- {values: [x]}\n- {key: a, operator: In, values: x}\n")
    assert [h.hit.message.split(":")[0] for h in found] == [
        "requirement without a key",
        "requirement without an operator",
        'requirement values must be a list of strings, got "x"',
    ]


def test_km218_skips_v1beta1():
    assert messages(KM218, nodepool("requirements: [{key: a, operator: In}]\n", version="v1beta1")) == []


# ---------------------------------------------------------------- KM219 role-instance-profile


def test_km219_exactly_one_passes():
    assert messages(KM219, nodeclass("role: KarpenterNodeRole\n")) == []
    assert messages(KM219, nodeclass("instanceProfile: KarpenterNodeInstanceProfile\n")) == []


def test_km219_both_neither_empty():
    both = hits(KM219, nodeclass("role: r\ninstanceProfile: p\n"))
    assert paths(both) == [("spec", "instanceProfile")] and "both" in both[0].hit.message
    assert "neither" in messages(KM219, nodeclass("amiFamily: AL2\n"))[0]
    assert [m.split(":")[0] for m in messages(KM219, nodeclass("role: ''\n"))] == ["role is empty"]


def test_km219_switch_and_role_edit():
    old = nodeclass("instanceProfile: p\n", version="v1beta1")
    switched = messages(KM219, nodeclass("role: r\n"), old)
    assert len(switched) == 1 and "switches between role and instanceProfile" in switched[0]
    edited_old, edited_new = nodeclass("role: a\n"), nodeclass("role: b\n")
    assert "immutable before Karpenter 1.7" in messages(KM219, edited_new, edited_old, target="1.6")[0]
    assert messages(KM219, edited_new, edited_old, target="1.7") == []


def test_km219_skips_v1beta1():
    assert messages(KM219, nodeclass("role: r\ninstanceProfile: p\n", version="v1beta1")) == []


# ---------------------------------------------------------------- KM220 never-disrupt-without-drift-budget


def test_km220_never_without_budget():
    text = nodepool(
        "expireAfter: Never\n", disruption="consolidationPolicy: WhenEmpty\nconsolidateAfter: Never\n"
    )
    found = hits(KM220, text)
    assert paths(found) == [(*TEMPLATE_SPEC, "expireAfter")] and text_at(text, found[0]) == "Never"
    assert (
        "and consolidateAfter: Never" in found[0].hit.message and "reasons: [Drifted]" in found[0].hit.message
    )


@pytest.mark.parametrize(
    "budgets",
    [
        '[{nodes: "0", reasons: [Drifted]}]',
        '[{nodes: "0"}]',
        '[{nodes: "0%", reasons: [Empty, Drifted]}, {nodes: "1"}]',
    ],
)
def test_km220_a_holding_budget_passes(budgets):
    assert (
        messages(
            KM220,
            nodepool("expireAfter: Never\n", disruption=f"consolidateAfter: Never\nbudgets: {budgets}\n"),
        )
        == []
    )


@pytest.mark.parametrize(
    "budgets",
    [
        '[{nodes: "0", reasons: []}]',
        '[{nodes: "0", reasons: [Empty]}]',
        '[{nodes: "0", schedule: "@daily", duration: 10h}]',
        '[{nodes: "1", reasons: [Drifted]}]',
    ],
)
def test_km220_budgets_that_do_not_hold_drift(budgets):
    assert (
        len(
            messages(
                KM220,
                nodepool("expireAfter: Never\n", disruption=f"consolidateAfter: 0s\nbudgets: {budgets}\n"),
            )
        )
        == 1
    )


def test_km220_finite_expiry_passes_and_v1beta1_is_checked():
    assert messages(KM220, nodepool("expireAfter: 720h\n", disruption="consolidateAfter: Never\n")) == []
    old = hits(KM220, nodepool(disruption="expireAfter: Never\n", version="v1beta1"))
    assert paths(old) == [("spec", "disruption", "expireAfter")] and "v1beta1 budgets" in old[0].hit.message


# ---------------------------------------------------------------- KM221 expiry-without-grace-period

PROTECTED = deployment('metadata:\n  annotations:\n    karpenter.sh/do-not-disrupt: "true"\n', name="batch")


def test_km221_default_expiry_without_grace_period():
    text = docs(nodepool(name="a"), PROTECTED, nodepool("expireAfter: 168h\n", name="b"))
    found = hits(KM221, text)
    assert [h.obj.name for h in found] == ["a", "b"]
    assert at(found[0]) == (7, 5)  # the spec: that lacks expireAfter
    assert paths(found) == [TEMPLATE_SPEC, (*TEMPLATE_SPEC, "expireAfter")]
    assert "720h (the default)" in found[0].hit.message and "Deployment/batch" in found[0].hit.message
    assert "168h but" in found[1].hit.message


def test_km221_grace_period_or_never_pass():
    text = docs(
        nodepool("terminationGracePeriod: 24h\n", name="a"),
        nodepool("expireAfter: Never\n", name="b"),
        PROTECTED,
    )
    assert messages(KM221, text) == []


@pytest.mark.parametrize("value", ['"false"', '"True"'])
def test_km221_needs_a_pod_that_really_opts_out(value):
    other = deployment(f"metadata:\n  annotations:\n    karpenter.sh/do-not-disrupt: {value}\n")
    assert messages(KM221, docs(nodepool(), other)) == []


def test_km221_v1beta1_pools_from_target_1_0():
    text = docs(nodepool(version="v1beta1"), PROTECTED, PROTECTED.replace("name: batch", "name: api"))
    found = hits(KM221, text)
    assert paths(found) == [("spec", "disruption")] and "Deployment/batch and 1 more" in found[0].hit.message
    assert "in a karpenter.sh/v1 NodePool" in found[0].hit.message
    assert messages(KM221, text, target="0.37") == []


# ---------------------------------------------------------------- KM222 old-disruption-taint


@pytest.mark.parametrize("kind", ["DaemonSet", "Pod", "CronJob"])
def test_km222_old_taint_toleration(kind):
    text = deployment(
        "spec:\n  tolerations:\n    - key: karpenter.sh/disruption\n      operator: Exists\n      effect: NoSchedule\n",
        kind=kind,
    )
    found = hits(KM222, text)
    assert len(found) == 1 and found[0].hit.path[-3:] == ("tolerations", 0, "key")
    assert text_at(text, found[0]) == "karpenter.sh/disruption"
    assert "karpenter.sh/disrupted:NoSchedule" in found[0].hit.message


def test_km222_new_taint_passes():
    assert (
        messages(
            KM222, deployment("spec:\n  tolerations: [{key: karpenter.sh/disrupted, operator: Exists}]\n")
        )
        == []
    )


# ---------------------------------------------------------------- KM223 kubelet-invalid

VALID_KUBELET = """\
kubelet:
  maxPods: 110
  podsPerCore: 0
  evictionHard: {memory.available: 5%, nodefs.available: 10%, pid.available: "1000"}
  evictionSoft: {memory.available: 500Mi}
  evictionSoftGracePeriod: {memory.available: 1m}
  evictionMaxPodGracePeriod: 60
  systemReserved: {cpu: 100m, memory: 100Mi, ephemeral-storage: 1Gi, pid: "100"}
  kubeReserved: {cpu: "0.1"}
  imageGCHighThresholdPercent: 85
  imageGCLowThresholdPercent: 80
"""


def test_km223_valid_kubelet_passes():
    assert messages(KM223, nodeclass("role: r\n" + VALID_KUBELET)) == []
    assert messages(KM223, nodepool(VALID_KUBELET, version="v1beta1")) == []


def test_km223_each_constraint():
    kubelet = """\
    kubelet:
      evictionHard: {memory.free: 5%}
      evictionSoft: {memory.available: lots}
      systemReserved: {gpu: "1", memory: -1Gi}
      kubeReserved: {cpu: 1, memory: 1 GB}
      maxPods: -1
      podsPerCore: "2"
      imageGCHighThresholdPercent: 80
      imageGCLowThresholdPercent: 80
    """
    text = nodeclass("role: r\n" + textwrap.dedent(kubelet))
    found = hits(KM223, text)
    k = ("spec", "kubelet")
    assert paths(found) == [
        (*k, "evictionHard", "memory.free"),
        (*k, "evictionSoft", "memory.available"),
        (*k, "evictionSoft", "memory.available"),
        (*k, "systemReserved", "gpu"),
        (*k, "systemReserved", "memory"),
        (*k, "kubeReserved", "cpu"),
        (*k, "kubeReserved", "memory"),
        (*k, "maxPods"),
        (*k, "podsPerCore"),
        (*k, "imageGCHighThresholdPercent"),
    ]
    assert "no matching evictionSoftGracePeriod" in found[2].hit.message
    assert "negative" in found[4].hit.message and "must be an integer" in found[8].hit.message
    assert all(h.hit.message.endswith("the API server rejects the object") for h in found)
    assert text_at(text, found[0]) == "memory.free: 5%}" and text_at(text, found[1]) == "lots}"


def test_km223_grace_period_without_soft_threshold():
    text = nodeclass("role: r\nkubelet: {evictionSoftGracePeriod: {nodefs.available: 1m}}\n")
    found = hits(KM223, text)
    assert text_at(text, found[0]) == "nodefs.available: 1m}}"
    assert [h.hit.message.split(":")[0] for h in found] == [
        "evictionSoftGracePeriod[nodefs.available] has no matching evictionSoft"
    ]


def test_km223_v1_nodepool_kubelet_is_km104s():
    assert messages(KM223, nodepool("kubelet: {maxPods: -1}\n")) == []


# ---------------------------------------------------------------- KM224 helm-values-removed-key


def test_km224_removed_keys():
    text = textwrap.dedent(
        """\
        logConfig:
          enabled: true
        settings:
          clusterName: prod
          assumeRoleARN: arn:aws:iam::111122223333:role/karpenter
          assumeRoleDuration: 15m
          featureGates:
            drift: true
            spotToSpotConsolidation: true
        """
    )
    found = hits(KM224, text)
    assert paths(found) == [
        ("logConfig",),
        ("settings", "assumeRoleARN"),
        ("settings", "assumeRoleDuration"),
        ("settings", "featureGates", "drift"),
    ]
    assert "settings.featureGates.drift was removed" in found[3].hit.message
    assert at(found[1]) == (5, 3)


@pytest.mark.parametrize("value", ["false", '"false"'])
def test_km224_leaves_drift_false_to_km114(value):
    assert messages(KM224, f"settings:\n  clusterName: prod\n  featureGates:\n    drift: {value}\n") == []


def test_km224_umbrella_chart_values():
    text = "karpenter:\n  settings:\n    clusterName: prod\n    featureGates: {drift: false}\n"
    found = hits(KM224, text)
    assert paths(found) == [("karpenter", "settings", "featureGates", "drift")]


def test_km224_current_values_pass():
    assert (
        messages(KM224, "logLevel: info\nsettings:\n  clusterName: prod\n  interruptionQueue: prod\n") == []
    )


def test_km214_numeric_schedules_are_checked_without_croniter():
    import subprocess
    import sys

    probe = (
        "import sys\n"
        "from karpmigrate.lint.rules import km214_budget_schedule_invalid as m\n"
        "assert m._numeric_ok('0 9 * * 1-5'.split()) is True\n"
        "assert m._numeric_ok('61 * * * *'.split()) is False\n"
        "assert m._numeric_ok('0 9 * * mon-fri'.split()) is None\n"
        "print('croniter' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"
