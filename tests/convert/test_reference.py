"""Checks against ../shared: the clean-mode example byte for byte, and the real-world corpus.

Every corpus file must convert to valid v1 (or its refusal is explained below), and converting the
result again changes nothing. Skipped, with the reason, when ../shared is absent.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from convert_support import SHARED, invalid_documents

from karpmigrate.convert import FileResult, Input, Options, convert_inputs, convert_text
from karpmigrate.io.discovery import discover, read_source

EXAMPLE = SHARED / "spec" / "clean-mode-example.md"
CORPUS = SHARED / "corpus" / "realworld" / "yaml"

# Documents the clean conversion refuses or cannot make valid, each with the reason (file name prefix).
EXPLAINED: dict[str, str] = {
    "aws-samples__karpenter-blueprints__blueprints__update-nodes-with-drift__latest-current-ami": (
        "sed placeholders <<AMD64PREVAMI>> as AMI ids: invalid in v1beta1 too (KC003)"
    ),
    "aws-samples__load-test-for-emr-on-eks__resources__karpenter-nodepool": (
        "Terraform placeholders ${private_subnet_1} as subnet ids: invalid in v1beta1 too (KC003)"
    ),
    "aws-solutions-library-samples__guidance-for-automated-provisioning": (
        "disruption indented inside a requirement: invalid in v1beta1 too (KC003)"
    ),
    "aws__karpenter-provider-aws__examples__v1beta1__ubuntu-kubelet-log-query": (
        "amiFamily Ubuntu without amiSelectorTerms: placeholder term written, KM110 error asks for --ubuntu-ami-id"
    ),
    "awslabs__data-on-eks__analytics__terraform__emr-eks-karpenter__karpenter-provisioners__spark-": (
        "Terraform template syntax (${...} inside a flow list): not YAML, KV001, left untouched"
    ),
    "awslabs__data-on-eks__distributed-databases__trino__karpenter-resources__node-pool": (
        "Terraform template syntax (${...} inside a flow list): not YAML, KV001, left untouched"
    ),
    "fiverr__public_charts__charts__karpenter_nodes__examples__output__output": (
        "a template annotation value rendered as a YAML boolean: invalid in v1beta1 too (KC003)"
    ),
    "hashi-demo-lab__tfstack-eks-karpenter-hcp-terraform-operator__karpenter": (
        "a misspelled, restricted requirement key: invalid in v1beta1 too (KC003)"
    ),
}


def _needs(path: Path) -> None:
    if not path.exists():
        pytest.skip("../shared not present: reference data unavailable")


def test_clean_mode_example_byte_for_byte():
    _needs(EXAMPLE)
    before, after = re.findall(r"```yaml\n(.*?)```", EXAMPLE.read_text(), re.S)
    result = convert_text(before, Options(), file="platform.yaml")
    assert result.text == after
    notes = sorted((n.code, str(n.obj)) for n in result.notes)
    assert notes == [
        ("KM103", "NodePool/platform"),
        ("KM108", "EC2NodeClass/platform"),
        ("KM211", "EC2NodeClass/platform"),
    ]
    assert not convert_text(after, Options()).changed


def _corpus() -> list[FileResult]:
    _needs(CORPUS)
    inputs = []
    for source in discover([str(CORPUS)]):
        loaded = read_source(source)
        inputs.append(Input(source, loaded.text, loaded.bom))
    return convert_inputs(inputs, Options())


def _explained(result: FileResult) -> str | None:
    name = Path(result.display).name
    return next((why for prefix, why in EXPLAINED.items() if name.startswith(prefix)), None)


def test_corpus_converts_to_valid_v1():
    problems = {}
    for result in _corpus():
        if _explained(result):
            continue
        errors = [f"{n.line}: {n.code} {n.message}" for n in result.notes if n.level.value == "error"]
        text = result.text if result.text is not None else result.original
        invalid = invalid_documents(text) if text is not None and not result.skipped and not errors else []
        if errors or invalid:
            problems[Path(result.display).name] = errors + invalid
    assert problems == {}


def test_corpus_conversion_is_idempotent():
    results = _corpus()
    again = convert_inputs(
        [Input(r.source, r.text if r.text is not None else r.original, r.bom) for r in results if r.original],
        Options(),
    )
    assert [Path(r.display).name for r in again if r.changed] == []


def test_explanations_are_not_stale():
    results = {Path(r.display).name: r for r in _corpus()}
    for prefix in EXPLAINED:
        matching = [r for name, r in results.items() if name.startswith(prefix)]
        assert matching, f"no corpus file starts with {prefix}"
        assert any(r.failed or invalid_documents(r.text or r.original or "") for r in matching), prefix
