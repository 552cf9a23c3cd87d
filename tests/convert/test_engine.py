"""The engine and the kubelet plan: the input set as a whole, fidelity, refusal, copies (design §3)."""

from __future__ import annotations

import textwrap

import pytest
from convert_support import convert, invalid_documents

from karpmigrate.convert import Input, Options, convert_inputs, convert_texts
from karpmigrate.errors import InputError
from karpmigrate.io.discovery import Source
from karpmigrate.io.documents import split_documents
from karpmigrate.io.yaml import parse_document, to_plain


def pool(name: str, nodeclass: str = "default", kubelet: str | None = None) -> str:
    text = f"""\
    apiVersion: karpenter.sh/v1beta1
    kind: NodePool
    metadata:
      name: {name}
    spec:
      template:
        spec:
          nodeClassRef:
            apiVersion: karpenter.k8s.aws/v1beta1
            kind: EC2NodeClass
            name: {nodeclass}
          requirements:
            - key: kubernetes.io/os
              operator: In
              values: [linux]
    """
    text = textwrap.dedent(text)
    if kubelet is not None:
        text += f"      kubelet: {kubelet}\n"
    return text


def nodeclass(name: str = "default", extra: str = "") -> str:
    return (
        textwrap.dedent(
            f"""\
        apiVersion: karpenter.k8s.aws/v1beta1
        kind: EC2NodeClass
        metadata:
          name: {name}
        spec:
          amiFamily: AL2023
          role: KarpenterNodeRole
          subnetSelectorTerms:
            - tags: {{karpenter.sh/discovery: demo}}
          securityGroupSelectorTerms:
            - tags: {{karpenter.sh/discovery: demo}}
        """
        )
        + extra
    )


def docs(text: str) -> list[dict]:
    return [to_plain(parse_document(d, "t").tree) for d in split_documents(text)]


def by_name(text: str) -> dict[tuple[str, str], dict]:
    return {(d["kind"], d["metadata"]["name"]): d for d in docs(text)}


def joined(*parts: str) -> str:
    return "---\n".join(parts)


def out(result) -> str:
    return result.text if result.text is not None else result.original


def test_kubelet_moves_to_the_nodeclass_in_the_same_file():
    result = convert(joined(pool("a", kubelet="{maxPods: 20}"), nodeclass()))
    objects = by_name(out(result))
    assert "kubelet" not in objects["NodePool", "a"]["spec"]["template"]["spec"]
    assert objects["EC2NodeClass", "default"]["spec"]["kubelet"] == {"maxPods": 20}
    assert invalid_documents(out(result)) == []
    assert "KM103" in [n.code for n in result.notes]


def test_kubelet_moves_across_files():
    results = convert_texts(
        {"pools/a.yaml": pool("a", kubelet="{maxPods: 20}"), "classes/c.yaml": nodeclass()}
    )
    assert "kubelet" not in out(results["pools/a.yaml"])
    assert by_name(out(results["classes/c.yaml"]))["EC2NodeClass", "default"]["spec"]["kubelet"] == {
        "maxPods": 20
    }


def test_split_largest_group_keeps_the_original_and_copies_follow_it():
    text = joined(
        pool("a", kubelet="{maxPods: 20}"),
        pool("b", kubelet="{maxPods: 30}"),
        pool("c", kubelet="{maxPods: 30}"),
        nodeclass(),
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: after}\n",
    )
    result = convert(text)
    converted = out(result)
    objects = by_name(converted)
    assert objects["EC2NodeClass", "default"]["spec"]["kubelet"] == {"maxPods": 30}
    assert objects["EC2NodeClass", "default-a"]["spec"]["kubelet"] == {"maxPods": 20}
    assert objects["NodePool", "a"]["spec"]["template"]["spec"]["nodeClassRef"]["name"] == "default-a"
    assert objects["NodePool", "b"]["spec"]["template"]["spec"]["nodeClassRef"]["name"] == "default"
    kinds = [(d["kind"], d["metadata"]["name"]) for d in docs(converted)]
    assert kinds.index(("EC2NodeClass", "default-a")) == kinds.index(("EC2NodeClass", "default")) + 1
    assert kinds[-1] == ("ConfigMap", "after")
    assert converted.endswith("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: after}\n")
    assert invalid_documents(converted) == []
    split_notes = [(n.code, str(n.obj)) for n in result.notes if n.code == "KM101"]
    assert ("KM101", "NodePool/a") in split_notes
    assert ("KM101", "EC2NodeClass/default") in split_notes
    assert not convert(converted).changed


def test_three_way_split_with_a_nodepool_without_kubelet():
    text = joined(
        pool("a", kubelet="{maxPods: 20}"),
        pool("b", kubelet="{maxPods: 20}"),
        pool("c", kubelet="{maxPods: 40}"),
        pool("d"),
        nodeclass(),
    )
    objects = by_name(out(convert(text)))
    assert objects["EC2NodeClass", "default"]["spec"]["kubelet"] == {"maxPods": 20}
    assert objects["EC2NodeClass", "default-c"]["spec"]["kubelet"] == {"maxPods": 40}
    assert "kubelet" not in objects["EC2NodeClass", "default-d"]["spec"]
    assert objects["NodePool", "d"]["spec"]["template"]["spec"]["nodeClassRef"]["name"] == "default-d"


def test_tie_goes_to_the_group_of_the_first_nodepool():
    text = joined(pool("x", kubelet="{maxPods: 9}"), pool("y", kubelet="{maxPods: 8}"), nodeclass())
    objects = by_name(out(convert(text)))
    assert objects["EC2NodeClass", "default"]["spec"]["kubelet"] == {"maxPods": 9}
    assert objects["NodePool", "y"]["spec"]["template"]["spec"]["nodeClassRef"]["name"] == "default-y"


def test_copy_name_does_not_collide_with_an_existing_class():
    text = joined(
        pool("a", kubelet="{maxPods: 1}"),
        pool("a2", kubelet="{maxPods: 1}"),
        pool("b", kubelet="{maxPods: 2}"),
        nodeclass(),
        nodeclass("default-b"),
    )
    objects = by_name(out(convert(text)))
    assert ("EC2NodeClass", "default-b-2") in objects
    assert objects["NodePool", "b"]["spec"]["template"]["spec"]["nodeClassRef"]["name"] == "default-b-2"


def test_grace_periods_compare_by_value():
    a = "{evictionSoft: {memory.available: 5%}, evictionSoftGracePeriod: {memory.available: 1m}}"
    b = "{evictionSoft: {memory.available: 5%}, evictionSoftGracePeriod: {memory.available: 1m0s}}"
    objects = by_name(out(convert(joined(pool("a", kubelet=a), pool("b", kubelet=b), nodeclass()))))
    assert ("EC2NodeClass", "default-b") not in objects


def test_missing_nodeclass_leaves_the_nodepool_untouched_with_an_error():
    text = joined(pool("a", kubelet="{maxPods: 20}"), pool("b"))
    result = convert(text)
    first, second = split_documents(out(result))
    assert first.text == split_documents(text)[0].text
    assert second.api_version == "karpenter.sh/v1"
    [error] = [n for n in result.notes if n.code == "KC001"]
    assert "EC2NodeClass/default" in error.message
    assert (error.file, error.line) == ("test.yaml", 16)
    assert result.failed


def test_overlays_resolve_to_the_nearest_nodeclass():
    results = convert_texts(
        {
            "overlays/dev/pool.yaml": pool("default", kubelet="{maxPods: 10}"),
            "overlays/dev/class.yaml": nodeclass(),
            "overlays/prod/pool.yaml": pool("default", kubelet="{maxPods: 99}"),
            "overlays/prod/class.yaml": nodeclass(),
        }
    )
    dev = by_name(out(results["overlays/dev/class.yaml"]))
    prod = by_name(out(results["overlays/prod/class.yaml"]))
    assert dev["EC2NodeClass", "default"]["spec"]["kubelet"] == {"maxPods": 10}
    assert prod["EC2NodeClass", "default"]["spec"]["kubelet"] == {"maxPods": 99}
    assert len(docs(out(results["overlays/prod/class.yaml"]))) == 1


def test_webhook_mode_needs_no_nodeclass():
    result = convert(pool("a", kubelet="{maxPods: 20}"), "--mode", "webhook")
    assert not result.failed
    assert "KC001" not in [n.code for n in result.notes]


def test_non_karpenter_documents_are_byte_identical():
    odd = "apiVersion:   apps/v1   # spaced\nkind: Deployment\nmetadata: {name: x}\nspec:\n    replicas:  3\n"
    text = joined(odd, pool("a"), odd)
    parts = split_documents(out(convert(text)))
    assert parts[0].text == split_documents(text)[0].text
    assert parts[2].text == split_documents(text)[2].text


def test_a_file_with_unparseable_document_is_left_alone():
    text = joined(pool("a"), "apiVersion: karpenter.sh/v1beta1\nkind: NodePool\nmetadata: {name: [\n")
    result = convert(text)
    assert not result.changed
    assert [n.code for n in result.notes] == ["KV001"]
    assert result.failed


def test_templated_file_is_skipped():
    result = convert(pool("{{ .Values.name }}"))
    assert result.skipped == "templated"
    assert not result.changed
    assert not result.failed


def test_list_items_are_converted():
    text = "apiVersion: v1\nkind: List\nitems:\n" + textwrap.indent(pool("a"), "  ").replace(
        "  apiVersion", "- apiVersion", 1
    )
    result = convert(text)
    item = docs(out(result))[0]["items"][0]
    assert item["apiVersion"] == "karpenter.sh/v1"
    assert [d.kind for d in result.documents] == ["NodePool"]


def test_unreadable_input_is_reported_not_raised():
    error = InputError("cannot read: Permission denied", file="x.yaml", code="KV003")
    [result] = convert_inputs([Input(Source("x.yaml", None), None, error=error)], Options())
    assert result.failed and not result.changed
    assert result.notes[0].code == "KV003"


def test_already_v1_input_is_unchanged():
    v1 = out(convert(joined(pool("a", kubelet="{maxPods: 20}"), nodeclass())))
    again = convert(v1)
    assert not again.changed
    assert [d.api_from for d in again.documents] == ["karpenter.sh/v1", "karpenter.k8s.aws/v1"]


@pytest.mark.parametrize("mode", ["clean", "webhook"])
def test_documents_report_from_and_to(mode):
    result = convert(joined(pool("a"), nodeclass()), "--mode", mode)
    assert [(d.kind, d.name, d.api_from, d.api_to) for d in result.documents] == [
        ("NodePool", "a", "karpenter.sh/v1beta1", "karpenter.sh/v1"),
        ("EC2NodeClass", "default", "karpenter.k8s.aws/v1beta1", "karpenter.k8s.aws/v1"),
    ]


WRONG_TYPES = [
    "spec: foo\n",
    "spec:\n  disruption: 5\n  template:\n    spec:\n      nodeClassRef: {name: a}\n",
    "spec:\n  template: [a]\n",
    "spec:\n  template:\n    spec:\n      nodeClassRef: foo\n",
    "spec:\n  template:\n    metadata: {annotations: [x]}\n    spec:\n      nodeClassRef: {name: a}\n",
]


@pytest.mark.parametrize("mode", ["clean", "webhook"])
@pytest.mark.parametrize("spec", WRONG_TYPES)
def test_wrong_types_are_an_error_note_never_an_exception(mode, spec):
    text = "apiVersion: karpenter.sh/v1beta1\nkind: NodePool\nmetadata:\n  name: x\n" + spec
    result = convert(text, "--mode", mode)
    # Either converted into something validate then rejects (KC003: an error in clean mode, a warning
    # in webhook mode, where it models what the webhook would store), or refused (KC006): never a
    # crash, and a refused document keeps its bytes.
    assert {n.code for n in result.notes} & {"KC003", "KC006"}
    assert result.failed or mode == "webhook"
    if "KC006" in {n.code for n in result.notes}:
        assert not result.changed


def test_kubelet_comment_after_flow_requirements_moves_with_it():
    # The comment sat between a flow list and `kubelet:` (ruamel keeps it on the key): it used to be lost.
    nodepool = (
        "apiVersion: karpenter.sh/v1beta1\nkind: NodePool\nmetadata:\n  name: a\nspec:\n  template:\n"
        "    spec:\n      nodeClassRef: {name: c}\n"
        "      requirements: [{key: kubernetes.io/arch, operator: In, values: [amd64]}]\n"
        "      # Kubelet settings\n      kubelet:\n        maxPods: 20\n"
    )
    nodeclass = (
        "apiVersion: karpenter.k8s.aws/v1beta1\nkind: EC2NodeClass\nmetadata:\n  name: c\nspec:\n"
        "  amiFamily: AL2\n  role: r\n  subnetSelectorTerms: [{tags: {a: b}}]\n"
        "  securityGroupSelectorTerms: [{tags: {a: b}}]\n"
    )
    out = convert_texts({"np.yaml": nodepool, "nc.yaml": nodeclass})
    assert "Kubelet settings" not in (out["np.yaml"].text or "")
    assert "  # Kubelet settings\n  kubelet:\n    maxPods: 20\n" in (out["nc.yaml"].text or "")


def test_validate_false_skips_the_v1_models(monkeypatch):
    # Drift and lint compare what the webhook stores: they do not load the pydantic models (issue 6).
    from karpmigrate.convert import Mode, Options, convert_text, engine

    def fail(*args):
        raise AssertionError("validated")

    monkeypatch.setattr(engine, "_validate", fail)
    text = "apiVersion: karpenter.sh/v1beta1\nkind: NodePool\nmetadata:\n  name: a\nspec:\n  template:\n    spec:\n      nodeClassRef: {name: c}\n"
    assert convert_text(text, Options(mode=Mode.WEBHOOK, validate=False)).changed
    with pytest.raises(AssertionError, match="validated"):
        convert_text(text, Options(mode=Mode.WEBHOOK))
