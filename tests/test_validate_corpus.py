"""Real public manifests: every Karpenter document gets a verdict, templates are skipped, no crash."""

from __future__ import annotations

from pathlib import Path

import pytest

from karpmigrate.io.discovery import discover
from karpmigrate.validate import exit_code, validate_sources

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
CORPUS = SHARED / "corpus" / "realworld"

pytestmark = pytest.mark.skipif(
    not CORPUS.is_dir(), reason="../shared not present: reference corpus unavailable"
)


def test_every_realworld_manifest_gets_a_verdict():
    sources = discover([str(CORPUS / "yaml")])
    reports = list(validate_sources(sources))
    assert len(reports) == len(sources) >= 50
    judged = sum(r.objects for r in reports)
    # The corpus holds well over a hundred NodePools / EC2NodeClasses / a NodeClaim.
    assert judged >= 60
    for report in reports:
        for finding in report.findings:
            assert finding.file == report.file
            if finding.code.startswith("KV1"):
                assert finding.line is not None and finding.column is not None, finding
    # Known-bad inputs of the corpus README are caught, each for its documented reason.
    by_name = {Path(r.file).name: r for r in reports}
    walsen = by_name["Walsen__eks-gitops-config__karpenter-nodepool.yaml"]
    assert any("consolidateAfter cannot be combined" in f.message for f in walsen.findings)
    misindented = next(
        r for name, r in by_name.items() if name.endswith("30.cluster__karpenter__default.yaml")
    )
    assert any(f.code == "KV102" and f.path[-1] == "disruption" for f in misindented.findings)
    typo = by_name["hashi-demo-lab__tfstack-eks-karpenter-hcp-terraform-operator__karpenter.yaml"]
    assert any(
        f.code == "KV107" and f.message == 'label domain "karpenter.k8s.aws" is restricted' and f.line == 49
        for f in typo.findings
    )
    # Three awslabs files carry Terraform placeholders in flow lists (`values: [${azs}a]`), which
    # are not YAML: those, and only those, are input errors (exit 3), the rest still judged.
    unparseable = sorted(Path(r.file).name for r in reports if r.runtime_error)
    assert unparseable and all("${" in (CORPUS / "yaml" / name).read_text() for name in unparseable)
    assert all(name.startswith("awslabs__data-on-eks") for name in unparseable)
    assert exit_code(reports) == 3


def test_helm_templates_are_skipped_not_parsed():
    sources = [s for s in discover([str(CORPUS / "helm")]) if "templates" in s.display]
    reports = list(validate_sources(sources))
    assert reports
    for report in reports:
        assert report.skipped == "templated", report.file
        assert [f.code for f in report.findings] == ["KV004"]
        assert report.objects == 0
