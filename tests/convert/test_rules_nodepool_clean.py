"""Clean-mode NodePool and NodeClaim rules: CL-1, CL-2, CL-3, CL-4, CL-6 (NodePool side), CL-10.

Expectations follow design §3 and the placement of spec/clean-mode-example.md: a renamed key stays where
it was, a moved or added key goes at the end of its new mapping, everything else keeps its bytes.
Whole outputs are compared, so an edit in the wrong place fails as surely as a missing one.
"""

from __future__ import annotations

import pytest
from convert_support import FIXTURES, codes, convert, invalid_documents, output

from karpmigrate.convert import convert_text
from karpmigrate.findings import Level

REF = """\
      nodeClassRef:
        apiVersion: karpenter.k8s.aws/v1beta1
        kind: EC2NodeClass
        name: default
"""
REF_V1 = REF.replace("apiVersion: karpenter.k8s.aws/v1beta1", "group: karpenter.k8s.aws")
REQUIREMENTS = "      requirements:\n        - {key: kubernetes.io/os, operator: In, values: [linux]}\n"


def pool(
    *,
    meta: str = "",
    template: str = "",
    ref: str = REF,
    template_spec: str = "",
    spec: str = "",
    tail: str = "",
    version: str = "v1beta1",
) -> str:
    """A NodePool; ``spec`` follows the template, ``tail`` the spec (``status``, say)."""
    return (
        f"apiVersion: karpenter.sh/{version}\nkind: NodePool\nmetadata:\n  name: demo\n{meta}"
        f"spec:\n  template:\n{template}    spec:\n{ref}{REQUIREMENTS}{template_spec}{spec}{tail}"
    )


def v1_pool(*, ref: str = REF_V1, **parts: str) -> str:
    return pool(ref=ref, version="v1", **parts)


CLAIM_REF = (
    "  nodeClassRef:\n    apiVersion: karpenter.k8s.aws/v1beta1\n    kind: EC2NodeClass\n    name: default\n"
)


def claim(*, meta: str = "", ref: str = CLAIM_REF, tail: str = "") -> str:
    return (
        f"apiVersion: karpenter.sh/v1beta1\nkind: NodeClaim\nmetadata:\n  name: demo-x7k2p\n{meta}spec:\n{ref}"
        f"  requirements:\n    - {{key: kubernetes.io/os, operator: In, values: [linux]}}\n{tail}"
    )


def notes_of(text: str, *args: str) -> list[tuple[str, Level]]:
    return [(n.code, n.level) for n in convert(text, *args).notes]


# ---------------------------------------------------------------- CL-1 server-managed fields


KUBECTL_META = """\
  uid: 0c4c2b36-8a0e-4d5b-9b4e-3f0d1f8f7a10
  resourceVersion: "48211907"
  generation: 4
  creationTimestamp: "2024-06-03T09:12:44Z"
  selfLink: /apis/karpenter.sh/v1beta1/nodepools/demo
  managedFields:
  - manager: kubectl-client-side-apply
    operation: Update
"""


@pytest.mark.parametrize(
    ("meta", "kept_meta"),
    [
        pytest.param(KUBECTL_META, "", id="object-meta"),
        pytest.param(
            "  deletionTimestamp: '2024-07-01T00:00:00Z'\n  deletionGracePeriodSeconds: 0\n",
            "",
            id="deletion",
        ),
        pytest.param(
            "  annotations:\n    karpenter.sh/nodepool-hash: '123'\n    karpenter.sh/nodepool-hash-version: v2\n",
            "",
            id="hash-annotations-map-goes",
        ),
        pytest.param(
            "  annotations:\n    team: web # owner\n    kubectl.kubernetes.io/last-applied-configuration: |\n"
            '      {"kind":"NodePool"}\n    karpenter.sh/stored-version-migrated: "true"\n',
            "  annotations:\n    team: web # owner\n",
            id="user-annotation-stays",
        ),
        pytest.param(
            "  annotations:\n    compatibility.karpenter.sh/v1beta1-nodeclass-reference: '{}'\n"
            "    compatibility.karpenter.sh/anything-new: x\n",
            "",
            id="compatibility-prefix",
        ),
        pytest.param(
            "  finalizers:\n  - karpenter.sh/termination\n  labels: {team: web}\n",
            "  labels: {team: web}\n",
            id="finalizer-list-goes",
        ),
        pytest.param(
            "  finalizers: [example.com/protect, karpenter.sh/termination]\n",
            "  finalizers: [example.com/protect]\n",
            id="foreign-finalizer-stays",
        ),
    ],
)
def test_cl1_removes_server_metadata(meta: str, kept_meta: str) -> None:
    result = convert(pool(meta=meta))
    assert output(pool(meta=meta)) == v1_pool(meta=kept_meta)
    assert [(n.code, n.level) for n in result.notes] == [("KM115", Level.INFO)]


def test_cl1_removes_status_last_and_names_everything_in_one_note() -> None:
    status = "status:\n  resources:\n    cpu: '16'\n    nodes: '2'\n"
    text = pool(meta="  uid: 1f0e\n  annotations:\n    karpenter.sh/nodepool-hash: '9'\n", tail=status)
    assert output(text) == v1_pool()
    [note] = convert(text).notes
    assert note.code == "KM115"
    assert note.message.endswith("metadata.uid, annotation karpenter.sh/nodepool-hash, status")
    assert note.line == 5  # the first removed entry, as the user wrote it


def test_cl1_nodeclaim_and_ec2nodeclass() -> None:
    nodeclaim = claim(
        meta="  finalizers: [karpenter.sh/termination]\n  annotations: {karpenter.sh/nodepool-hash: '1'}\n",
        tail="status:\n  nodeName: ip-10-0-1-2.ec2.internal\n",
    )
    converted = output(nodeclaim)
    assert "finalizers" not in converted
    assert "annotations" not in converted
    assert "status" not in converted
    assert "KM115" in codes(convert(nodeclaim))
    nodeclass = (
        "apiVersion: karpenter.k8s.aws/v1beta1\nkind: EC2NodeClass\nmetadata:\n  name: default\n"
        "  annotations:\n    karpenter.k8s.aws/ec2nodeclass-hash: '77'\n"
        "    karpenter.k8s.aws/ec2nodeclass-hash-version: v2\n"
        "  finalizers: [karpenter.k8s.aws/termination]\n"
        "spec:\n  amiFamily: AL2023\n  role: R\n  subnetSelectorTerms: [{tags: {a: b}}]\n"
        "  securityGroupSelectorTerms: [{tags: {a: b}}]\n  metadataOptions: {httpPutResponseHopLimit: 2}\n"
    )
    converted = output(nodeclass)
    assert "ec2nodeclass-hash" not in converted
    assert "finalizers" not in converted
    assert "annotations" not in converted
    assert "KM115" in codes(convert(nodeclass))


@pytest.mark.parametrize(
    "meta",
    [
        pytest.param("", id="nothing"),
        pytest.param("  annotations: {}\n", id="user-empty-annotations"),
        pytest.param("  annotations:\n    karpenter.sh/do-not-disrupt: 'true'\n", id="other-karpenter-key"),
        pytest.param("  finalizers: [example.com/protect]\n  labels: {uid: abc}\n", id="foreign-finalizer"),
    ],
)
def test_cl1_noop(meta: str) -> None:
    assert output(pool(meta=meta)) == v1_pool(meta=meta)
    assert "KM115" not in codes(convert(pool(meta=meta)))


# ---------------------------------------------------------------- CL-2 expireAfter


@pytest.mark.parametrize(
    ("line", "moved"),
    [
        pytest.param("    expireAfter: 720h\n", "      expireAfter: 720h\n", id="plain"),
        pytest.param('    expireAfter: "336h"\n', '      expireAfter: "336h"\n', id="quoted"),
        pytest.param("    expireAfter: Never # pets\n", "      expireAfter: Never # pets\n", id="comment"),
        pytest.param(
            "    # monthly AMI refresh\n    expireAfter: 720h\n",
            "      # monthly AMI refresh\n      expireAfter: 720h\n",
            id="comment-above",
        ),
    ],
)
def test_cl2_expire_after_moves_to_the_end_of_the_template_spec(line: str, moved: str) -> None:
    disruption = "  disruption:\n    consolidationPolicy: WhenEmpty\n    consolidateAfter: 1m\n"
    text = pool(spec=disruption + line + "  weight: 5\n")
    assert output(text) == v1_pool(template_spec=moved, spec=disruption + "  weight: 5\n")
    assert codes(convert(text)) == []


def test_cl2_absent_stays_absent() -> None:
    disruption = "  disruption:\n    consolidationPolicy: WhenEmpty\n    consolidateAfter: 1m\n"
    assert output(pool(spec=disruption)) == v1_pool(spec=disruption)


def test_cl2_both_places_is_refused() -> None:
    text = pool(
        template_spec="      expireAfter: 24h\n",
        spec="  disruption:\n    consolidationPolicy: WhenEmpty\n    consolidateAfter: 1m\n    expireAfter: 48h\n",
    )
    result = convert(text)
    assert output(text) == text
    assert codes(result) == ["KC006"]
    assert result.failed


# ---------------------------------------------------------------- CL-3 consolidation


@pytest.mark.parametrize(
    ("disruption", "expected"),
    [
        pytest.param(
            "    consolidationPolicy: WhenUnderutilized # default\n",
            "    consolidationPolicy: WhenEmptyOrUnderutilized # default\n    consolidateAfter: 0s\n",
            id="explicit-policy",
        ),
        pytest.param(
            "    consolidationPolicy: 'WhenUnderutilized'\n    budgets: [{nodes: 10%}]\n",
            "    consolidationPolicy: 'WhenEmptyOrUnderutilized'\n    budgets: [{nodes: 10%}]\n"
            "    consolidateAfter: 0s\n",
            id="quotes-kept",
        ),
        pytest.param(
            "    budgets:\n    - nodes: '1'\n",
            "    budgets:\n    - nodes: '1'\n    consolidateAfter: 0s\n",
            id="implicit-policy",
        ),
        pytest.param(
            "    consolidationPolicy: WhenUnderutilized\n    consolidateAfter: Never\n",
            "    consolidationPolicy: WhenEmptyOrUnderutilized\n    consolidateAfter: Never\n",
            id="never-kept",
        ),
        pytest.param(
            "    consolidateAfter: 30s\n    consolidationPolicy: WhenUnderutilized\n",
            "    consolidateAfter: 0s\n    consolidationPolicy: WhenEmptyOrUnderutilized\n",
            id="invalid-duration-replaced-in-place",
        ),
    ],
)
def test_cl3_underutilized(disruption: str, expected: str) -> None:
    text = pool(spec="  disruption:\n" + disruption)
    assert output(text) == v1_pool(spec="  disruption:\n" + expected)
    assert invalid_documents(output(text)) == []


def test_cl3_empty_disruption_gets_consolidate_after() -> None:
    assert output(pool(spec="  disruption: {}\n")) == v1_pool(spec="  disruption: {consolidateAfter: 0s}\n")


@pytest.mark.parametrize(
    "spec",
    [
        pytest.param("", id="no-disruption"),
        pytest.param(
            "  disruption:\n    consolidationPolicy: WhenEmpty\n    consolidateAfter: 30s\n", id="when-empty"
        ),
        pytest.param(
            "  disruption: {consolidationPolicy: WhenEmpty, consolidateAfter: Never}\n", id="empty-never"
        ),
    ],
)
def test_cl3_noop(spec: str) -> None:
    assert output(pool(spec=spec)) == v1_pool(spec=spec)
    assert codes(convert(pool(spec=spec))) == []


@pytest.mark.parametrize(
    ("disruption", "notes"),
    [
        pytest.param("    consolidationPolicy: WhenUnderutilized\n", [], id="rename-is-mechanical"),
        pytest.param(
            "    consolidateAfter: Never\n",
            [("KC007", Level.INFO), ("KM131", Level.INFO)],
            id="never-differs-from-webhook",
        ),
        pytest.param(
            "    consolidationPolicy: WhenUnderutilized\n    consolidateAfter: 10m\n",
            [("KM131", Level.WARNING)],
            id="invalid-duration",
        ),
    ],
)
def test_cl3_notes(disruption: str, notes: list[tuple[str, Level]]) -> None:
    assert sorted(notes_of(pool(spec="  disruption:\n" + disruption))) == notes


@pytest.mark.parametrize(
    "disruption",
    [
        pytest.param("    consolidationPolicy: WhenEmpty\n", id="when-empty-without-delay"),
        pytest.param("    consolidationPolicy: Sometimes\n", id="unknown-policy"),
    ],
)
def test_cl3_refuses_what_v1beta1_rejected(disruption: str) -> None:
    text = pool(spec="  disruption:\n" + disruption)
    result = convert(text)
    assert output(text) == text
    assert codes(result) == ["KC006"]
    assert "consolidat" in result.notes[0].message


# ---------------------------------------------------------------- CL-4 nodeClassRef


@pytest.mark.parametrize(
    ("ref", "expected"),
    [
        pytest.param(REF, REF_V1, id="api-version-renamed-in-place"),
        pytest.param(
            "      nodeClassRef: {name: default}\n",
            "      nodeClassRef: {name: default, group: karpenter.k8s.aws, kind: EC2NodeClass}\n",
            id="defaults-appended",
        ),
        pytest.param(
            "      nodeClassRef:\n        name: default\n        kind: EC2NodeClass\n",
            "      nodeClassRef:\n        name: default\n        kind: EC2NodeClass\n"
            "        group: karpenter.k8s.aws\n",
            id="group-appended",
        ),
        pytest.param(
            '      nodeClassRef:\n        apiVersion: "karpenter.k8s.aws/v1beta1" # ref\n        name: default\n',
            '      nodeClassRef:\n        group: "karpenter.k8s.aws" # ref\n        name: default\n'
            "        kind: EC2NodeClass\n",
            id="quotes-and-comment-distance-kept",
        ),
        pytest.param(
            "      nodeClassRef: {apiVersion: '', kind: '', name: default}\n",
            "      nodeClassRef: {group: 'karpenter.k8s.aws', kind: 'EC2NodeClass', name: default}\n",
            id="empty-values-defaulted-quotes-kept",
        ),
    ],
)
def test_cl4_group_and_kind(ref: str, expected: str) -> None:
    text = pool(ref=ref)
    assert output(text) == v1_pool(ref=expected)
    assert codes(convert(text)) == []


def test_cl4_foreign_group_is_kept_with_a_warning() -> None:
    ref = REF.replace("karpenter.k8s.aws/v1beta1", "example.com/v1alpha1")
    result = convert(pool(ref=ref))
    assert output(pool(ref=ref)) == v1_pool(ref=REF_V1.replace("karpenter.k8s.aws", "example.com"))
    assert [(n.code, n.level) for n in result.notes] == [("KM116", Level.WARNING)]


def test_cl4_noop_on_kind_and_name() -> None:
    ref = "      nodeClassRef:\n        apiVersion: karpenter.k8s.aws/v1\n        kind: 'EC2NodeClass'\n"
    ref += "        name: x\n"
    assert output(pool(ref=ref)) == v1_pool(
        ref=ref.replace("apiVersion: karpenter.k8s.aws/v1", "group: karpenter.k8s.aws")
    )


@pytest.mark.parametrize(
    "ref",
    [
        pytest.param("", id="missing"),
        pytest.param(
            "      nodeClassRef: {apiVersion: karpenter.k8s.aws/v1beta1, group: x, name: a}\n", id="both"
        ),
    ],
)
def test_cl4_refused(ref: str) -> None:
    text = pool(ref=ref)
    result = convert(text)
    assert output(text) == text
    assert codes(result) == ["KC006"]
    assert "nodeClassRef" in result.notes[0].message


def test_cl4_nodeclaim() -> None:
    text = claim(ref="  nodeClassRef:\n    name: default\n")
    assert output(text).count("group: karpenter.k8s.aws") == 1
    assert "kind: EC2NodeClass" in output(text)


# ---------------------------------------------------------------- CL-6 (NodePool template annotations)


TEMPLATE = "    metadata:\n      annotations:\n{}"


@pytest.mark.parametrize(
    ("annotations", "expected"),
    [
        pytest.param(
            '        karpenter.sh/do-not-consolidate: "true"\n        team: ml\n',
            '        karpenter.sh/do-not-disrupt: "true"\n        team: ml\n',
            id="renamed-in-place",
        ),
        pytest.param(
            "        team: ml\n        karpenter.sh/do-not-evict: 'true'\n"
            "        karpenter.sh/do-not-consolidate: 'true'\n",
            "        team: ml\n        karpenter.sh/do-not-disrupt: 'true'\n",
            id="second-deprecated-removed",
        ),
        pytest.param(
            "        karpenter.sh/do-not-disrupt: 'true'\n        karpenter.sh/do-not-consolidate: 'true'\n",
            "        karpenter.sh/do-not-disrupt: 'true'\n",
            id="already-there",
        ),
    ],
)
def test_cl6_nodepool_template(annotations: str, expected: str) -> None:
    text = pool(template=TEMPLATE.format(annotations))
    assert output(text) == v1_pool(template=TEMPLATE.format(expected))
    assert notes_of(text) == [("KM209", Level.WARNING)]


def test_cl6_nodepool_keep_flag_keeps_and_warns() -> None:
    text = pool(template=TEMPLATE.format("        karpenter.sh/do-not-consolidate: 'true'\n"))
    assert output(text, "--keep-deprecated-annotations") == v1_pool(
        template=TEMPLATE.format("        karpenter.sh/do-not-consolidate: 'true'\n")
    )
    assert notes_of(text, "--keep-deprecated-annotations") == [("KM212", Level.WARNING)]


def test_cl6_nodepool_noop() -> None:
    template = TEMPLATE.format("        karpenter.sh/do-not-disrupt: 'true'\n")
    # The NodePool's own metadata is not hashed and not copied to nodes: not this rule's business.
    meta = "  annotations:\n    karpenter.sh/do-not-consolidate: 'true'\n"
    assert output(pool(template=template, meta=meta)) == v1_pool(template=template, meta=meta)
    assert codes(convert(pool(template=template, meta=meta))) == []


# ---------------------------------------------------------------- CL-10 NodeClaims


def test_cl10_nodeclaim_is_converted_with_a_warning() -> None:
    result = convert(claim())
    assert "KC002" in codes(result)
    assert next(n for n in result.notes if n.code == "KC002").level is Level.WARNING
    assert "apiVersion: karpenter.sh/v1\n" in output(claim())


def test_cl10_noop_for_nodepools() -> None:
    assert "KC002" not in codes(convert(pool()))


# ---------------------------------------------------------------- fidelity the golden harness cannot see


def test_crlf_golden_bytes() -> None:
    # test_golden.py reads with universal newlines, which turns both files into LF: compare bytes here.
    source = (FIXTURES / "nodepool" / "crlf.in.yaml").read_bytes().decode()
    expected = (FIXTURES / "nodepool" / "crlf.out.yaml").read_bytes().decode()
    assert "\r\n" in source
    result = convert_text(source)
    assert result.text == expected
