"""``-o github``: workflow commands, escaped as GitHub's toolkit does, grouped per file (ecosystem §1.6)."""

from __future__ import annotations

import dataclasses
import io

import pytest
from report_support import context, sample_reports

from karpmigrate import catalogue
from karpmigrate.findings import FileReport
from karpmigrate.report import github, render


def _out(reports: list[FileReport], ctx) -> str:
    stream = io.StringIO()
    render("github", reports, stream, ctx)
    return stream.getvalue()


def test_sample_output(tmp_path):
    assert _out(sample_reports(), context(tmp_path)).splitlines() == [
        "::group::deploy/nodepool.yaml",
        "::error file=deploy/nodepool.yaml,line=12,col=7,title=KM105 expire-after-changed"
        "::NodePool/default: expireAfter changes from 168h to 720h",
        "::warning file=deploy/nodepool.yaml,title=KM108 implicit-hop-limit"
        "::EC2NodeClass/default: no explicit hop limit",
        "::notice file=deploy/nodepool.yaml,line=30,col=5,title=KM206 subnets-changed"
        "::EC2NodeClass/default: subnets changed",
        "::endgroup::",
        "::group::stdin",
        '::error title=KM212 deprecated-annotation::Deployment/web: a | b <none> 50%25 done,%0D%0Akey: "x"',
        "::endgroup::",
        "::group::chart/templates/np.yaml",
        "::notice file=chart/templates/np.yaml,title=KV004 templated-file::Go/Helm template expressions: skipped",
        "::endgroup::",
        "::group::broken.yaml",
        "::error file=broken.yaml,line=4,col=9,title=KV001 invalid-yaml::mapping values are not allowed here",
        "::endgroup::",
    ]


@pytest.mark.parametrize(
    ("raw", "data", "prop"),
    [
        ("plain", "plain", "plain"),
        ("100%", "100%25", "100%25"),
        ("a\r\nb", "a%0D%0Ab", "a%0D%0Ab"),
        ("k: v, w", "k: v, w", "k%3A v%2C w"),
        ("%0A", "%250A", "%250A"),
    ],
)
def test_escaping(raw, data, prop):
    assert github.escape_data(raw) == data
    assert github.escape_property(raw) == prop


def test_properties_are_escaped(tmp_path):
    finding = catalogue.KM105.finding("m", file="a,b:c%.yaml", line=1)
    (line,) = [
        x for x in github.lines([FileReport("a,b:c%.yaml", [finding])], context(tmp_path)) if "title" in x
    ]
    assert line.startswith("::error file=a%2Cb%3Ac%25.yaml,line=1,")


def test_no_line_means_no_line_or_col(tmp_path):
    finding = catalogue.KM105.finding("m", file="x.yaml", column=4)
    assert github.annotation(finding, "x.yaml", context(tmp_path)) == (
        "::error file=x.yaml,title=KM105 expire-after-changed::m"
    )


def test_paths_are_relative_to_the_repo_root(tmp_path):
    sub = tmp_path / "clusters"
    sub.mkdir()
    ctx = dataclasses.replace(context(tmp_path), working_directory=sub)
    finding = catalogue.KM105.finding("m", file="np.yaml", line=2)
    assert github.annotation(finding, "np.yaml", ctx).startswith("::error file=clusters/np.yaml,line=2,")


def test_no_findings_no_output(tmp_path):
    assert _out([FileReport("clean.yaml", objects=3)], context(tmp_path)) == ""
    assert _out([], context(tmp_path)) == ""
