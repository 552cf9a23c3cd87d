"""``report.meta.describe``: every code the tool can emit has a name, a level and help; others never raise."""

from __future__ import annotations

import sys
from types import SimpleNamespace

import pytest

import karpmigrate.lint
from karpmigrate import catalogue
from karpmigrate.convert import codes as convert_codes
from karpmigrate.findings import Level
from karpmigrate.lint import registry
from karpmigrate.report import meta
from karpmigrate.validate import codes as validate_codes

DOC = """Pools that share a class with different kubelets.

    What it does:
        Finds NodePools that point at the same EC2NodeClass with different kubelet settings.

    Why it matters:
        In v1 the kubelet lives on the EC2NodeClass: one class holds one kubelet.
        Splitting it later repoints NodePools and drifts their nodes.

    Example:
        apiVersion: karpenter.sh/v1beta1
        kind: NodePool
        spec:
          template:
            spec:
              kubelet: {maxPods: 20}

    Use instead:
        Give each kubelet setting its own class:

        apiVersion: karpenter.k8s.aws/v1
        kind: EC2NodeClass
        spec:
          kubelet: {maxPods: 20}
    """


@pytest.fixture(autouse=True)
def _fresh_cache():
    meta.describe.cache_clear()
    yield
    meta.describe.cache_clear()


@pytest.mark.parametrize(
    "code",
    [*catalogue.CODES, *validate_codes.CODES, *(c for c in convert_codes.CODES if c.code.startswith("KC"))],
    ids=lambda c: c.code,
)
def test_every_declared_code_is_described(code):
    described = meta.describe(code.code)
    assert described.known
    assert (described.code, described.name, described.level, described.summary) == (
        code.code,
        code.name,
        code.level,
        code.summary,
    )
    assert 0 < len(described.description) <= meta.MAX_DESCRIPTION
    assert described.help_text and described.help_markdown
    assert described.tags[0] == "karpenter" and len(described.tags) >= 2


@pytest.mark.parametrize(
    ("code", "tags"),
    [
        ("KM101", ("karpenter", "migration", "drift")),
        ("KM132", ("karpenter", "migration")),
        ("KM205", ("karpenter", "drift")),
        ("KM223", ("karpenter", "correctness")),
        ("KV001", ("karpenter", "input")),
        ("KV104", ("karpenter", "validation")),
        ("KC001", ("karpenter", "conversion")),
    ],
)
def test_family_tags(code, tags):
    assert meta.describe(code).tags == tags


def test_km_codes_use_the_catalogue_not_convert_notes():
    # convert's KM101 note is a warning; the rule itself is an error (spec/drift-and-lint.md §b).
    assert convert_codes.KUBELET_SPLIT.level is Level.WARNING
    assert meta.describe("KM101").level is Level.ERROR


@pytest.mark.parametrize("code", ["KM999", "KX001", "", "km105", "KV", "XYZ123"])
def test_unknown_code_is_generic(code):
    described = meta.describe(code)
    assert not described.known
    assert described.code == code
    assert described.level is Level.WARNING
    assert described.tags == ("karpenter",)
    assert described.help_text


def test_parse_doc():
    parsed = meta.parse_doc(DOC)
    assert parsed.summary == "Pools that share a class with different kubelets."
    assert list(parsed.sections) == list(meta.SECTIONS)
    assert (
        parsed.sections["Why it matters"].splitlines()[1]
        == "Splitting it later repoints NodePools and drifts their nodes."
    )
    assert parsed.sections["Example"].splitlines()[0] == "apiVersion: karpenter.sh/v1beta1"
    assert parsed.sections["Example"].splitlines()[-1] == "      kubelet: {maxPods: 20}"


def test_doc_markdown_fences_manifests_and_keeps_prose():
    markdown = meta.doc_markdown(meta.parse_doc(DOC))
    assert markdown.startswith(
        "Pools that share a class with different kubelets.\n\n## What it does\n\nFinds "
    )
    assert "## Example\n\n```yaml\napiVersion: karpenter.sh/v1beta1\n" in markdown
    assert (
        "## Use instead\n\nGive each kubelet setting its own class:\n\n```yaml\napiVersion: karpenter.k8s.aws/v1\n"
        in markdown
    )
    assert markdown.endswith("  kubelet: {maxPods: 20}\n```")


def test_doc_without_sections_is_its_own_help():
    parsed = meta.parse_doc("One line.\n\nMore words here.")
    assert parsed.summary == "One line."
    assert parsed.sections == {"": "More words here."}
    assert meta.doc_markdown(parsed) == "One line.\n\nMore words here."


def test_lint_rule_docstring_is_the_long_help(monkeypatch):
    rule = SimpleNamespace(doc=DOC)
    monkeypatch.setattr(registry, "RULES_BY_CODE", {"KM101": rule}, raising=False)
    described = meta.describe("KM101")
    assert described.summary == catalogue.KM101.summary
    assert described.help_text.startswith(
        "Pools that share a class with different kubelets.\n\nWhat it does:\n"
    )
    assert "## Why it matters" in described.help_markdown
    assert described.description.startswith("Finds NodePools that point at the same EC2NodeClass")
    assert "Splitting it later repoints NodePools" in described.description


def test_long_docs_are_cut_to_1024_characters(monkeypatch):
    long_doc = "Summary.\n\nWhat it does:\n    " + "word " * 600
    monkeypatch.setattr(registry, "RULES_BY_CODE", {"KM101": SimpleNamespace(doc=long_doc)}, raising=False)
    described = meta.describe("KM101")
    assert len(described.description) <= 1024
    assert described.description.endswith(" ...")


def test_without_a_lint_registry_the_catalogue_still_answers(monkeypatch):
    # As if the registry module did not exist yet: importing it raises ImportError.
    monkeypatch.setattr(registry, "RULES_BY_CODE", {"KM101": SimpleNamespace(doc=DOC)}, raising=False)
    monkeypatch.delattr(karpmigrate.lint, "registry")
    monkeypatch.setitem(sys.modules, "karpmigrate.lint.registry", None)
    with pytest.raises(ImportError):
        from karpmigrate.lint import registry as _  # noqa: F401
    assert meta.lint_rule_doc("KM101") is None
    described = meta.describe("KM101")
    assert described.known
    assert described.help_text.startswith("KM101 kubelet-split-nodeclass (default level: error)")
    assert "**KM101 `kubelet-split-nodeclass`**" in described.help_markdown
