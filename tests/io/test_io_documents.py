from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from io_support import FIXTURES

from karpmigrate.io.documents import is_templated, split_documents

_PIECES = ["---", "...", "--- a", "...x", "#c", "%YAML 1.2", "a: 1", "  - b", "|+", "", " ", "\t", "{{ x }}"]
_BREAKS = ["\n", "\r\n", "\r", "\x85", "\u2028"]


@given(
    st.lists(st.tuples(st.sampled_from(_PIECES), st.sampled_from(_BREAKS + [""]))).map(
        lambda parts: "".join(a + b for a, b in parts)
    )
)
@settings(max_examples=300, deadline=None)
def test_documents_join_back_to_the_text_generated(text):
    docs = split_documents(text)
    assert "".join(d.text for d in docs) == text
    assert all(d.text for d in docs)
    assert [d.index for d in docs] == list(range(len(docs)))


@given(st.text())
@settings(max_examples=300, deadline=None)
def test_documents_join_back_to_any_text(text):
    assert "".join(d.text for d in split_documents(text)) == text


@pytest.mark.parametrize("path", sorted((FIXTURES / "roundtrip").iterdir()), ids=lambda p: p.name)
def test_documents_join_back_to_fixtures(path):
    text = path.read_bytes().decode("utf-8-sig")
    docs = split_documents(text)
    assert "".join(d.text for d in docs) == text
    lines = text.splitlines(keepends=True)
    for doc in docs:
        assert "".join(lines[doc.line : doc.line + len(doc.text.splitlines())]) == doc.text


def test_empty_text_has_no_documents():
    assert split_documents("") == []


def test_comment_block_before_marker_goes_with_the_next_document():
    text = "a: 1\n\n# about b\n# more\n---\nb: 2\n"
    first, second = split_documents(text)
    assert first.text == "a: 1\n\n"
    assert second.text == "# about b\n# more\n---\nb: 2\n"
    assert (first.line, second.line) == (0, 2)


def test_header_comment_stays_with_the_first_document():
    (doc,) = split_documents("# header\n\n---\na: 1\n")
    assert doc.text == "# header\n\n---\na: 1\n"


def test_indented_comments_are_content_of_the_previous_document():
    # "  # x" could be a line of a block scalar: it must not leave its document.
    first, second = split_documents("s: |\n  #!/bin/sh\n  # x\n---\nb: 2\n")
    assert first.text == "s: |\n  #!/bin/sh\n  # x\n"
    assert second.text == "---\nb: 2\n"


def test_end_marker_closes_a_document_and_directives_open_the_next():
    text = "a: 1\n...\n%YAML 1.2\n---\nb: 2\n...\n# footer\n"
    first, second = split_documents(text)
    assert first.text == "a: 1\n...\n"
    assert second.text == "%YAML 1.2\n---\nb: 2\n...\n# footer\n"


def test_empty_documents_are_kept():
    docs = split_documents("---\n---\n# only a comment\n---\na: 1\n")
    assert [d.text for d in docs] == ["---\n", "---\n", "# only a comment\n---\na: 1\n"]


def test_markers_need_white_space_after_them():
    docs = split_documents("a: 1\n---x: 2\n--- # c\nb: 2\n....\n")
    assert [d.text for d in docs] == ["a: 1\n---x: 2\n", "--- # c\nb: 2\n....\n"]


@pytest.mark.parametrize(
    ("text", "api_version", "kind", "karpenter"),
    [
        ("apiVersion: karpenter.sh/v1beta1\nkind: NodePool\n", "karpenter.sh/v1beta1", "NodePool", True),
        (
            "apiVersion: 'karpenter.k8s.aws/v1' # c\r\nkind: \"EC2NodeClass\"\r\n",
            "karpenter.k8s.aws/v1",
            "EC2NodeClass",
            True,
        ),
        ("kind: Deployment\napiVersion: apps/v1\n", "apps/v1", "Deployment", False),
        ("items:\n- apiVersion: karpenter.sh/v1\n  kind: NodePool\n", None, None, False),
        ('{"apiVersion": "karpenter.sh/v1", "kind": "NodePool"}\n', None, None, False),
        ("apiVersion:\nkind: \n", None, None, False),
    ],
)
def test_cheap_api_version_and_kind(text, api_version, kind, karpenter):
    (doc,) = split_documents(text)
    assert (doc.api_version, doc.kind, doc.is_karpenter) == (api_version, kind, karpenter)


def test_might_hold_karpenter_finds_lists_and_json():
    for text in ["items:\n- apiVersion: karpenter.sh/v1\n", '{"apiVersion": "karpenter.k8s.aws/v1"}']:
        assert split_documents(text)[0].might_hold_karpenter
    assert not split_documents("apiVersion: v1\nkind: ConfigMap\n")[0].might_hold_karpenter


@pytest.mark.parametrize(
    ("text", "templated"),
    [
        ("name: {{ .Values.name }}\n", True),
        ("{{- if .Values.enabled }}\na: 1\n{{- end }}\n", True),
        ('name: "{{ include "x" . }}"\n', True),
        ("# name: {{ .Values.name }}\na: 1\n", False),
        ("a: 1  # {{ not a template }}\n", False),
        ("a: {b: {c: 1}}\n", False),
        ("run: echo ${{ matrix.k8s }}\n", False),
        ("a: 1\n", False),
    ],
)
def test_is_templated(text, templated):
    assert is_templated(text) is templated


def test_helm_templates_of_the_corpus_are_templated(corpus):
    templates = sorted((corpus / "helm").glob("*__templates__*"))
    assert templates
    for path in templates:
        assert is_templated(path.read_text(encoding="utf-8")), path.name


def test_plain_manifests_of_the_corpus_are_not_templated(corpus):
    plain = [p for p in sorted((corpus / "yaml").iterdir()) if p.suffix in (".yaml", ".json")]
    templated = [p.name for p in plain if is_templated(p.read_text(encoding="utf-8-sig"))]
    # The GitHub workflow of the corpus carries `${{ ... }}` expressions: valid YAML, not a template.
    assert templated == []
