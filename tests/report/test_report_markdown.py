"""``-o markdown``: a PR comment with totals, a table per file, infos folded away (ecosystem §3.8)."""

from __future__ import annotations

import io

import pytest
from report_support import context, sample_reports

from karpmigrate import catalogue
from karpmigrate.findings import FileReport
from karpmigrate.report import markdown, render


def _out(reports: list[FileReport], tmp_path, **kwargs) -> str:
    stream = io.StringIO()
    render("markdown", reports, stream, context(tmp_path, **kwargs))
    return stream.getvalue()


def test_heading_with_totals(tmp_path):
    first = _out(sample_reports(), tmp_path).splitlines()[0]
    assert first == "## karpmigrate lint: 3 errors, 1 warning, 2 info findings in 4 of 5 files (1 skipped)"


def test_title_override(tmp_path):
    assert _out(sample_reports(), tmp_path, title="Karpenter | prod").startswith("## Karpenter \\| prod: ")


def test_table_per_file_with_infos_folded(tmp_path):
    text = _out(sample_reports(), tmp_path)
    section = text.split("### deploy/nodepool.yaml\n\n", 1)[1].split("\n\n### ", 1)[0]
    assert section == (
        "| Location | Level | Code | Object | Message |\n"
        "| --- | --- | --- | --- | --- |\n"
        "| deploy/nodepool.yaml:12:7 | error | KM105 expire-after-changed | NodePool/default "
        "| expireAfter changes from 168h to 720h |\n"
        "| deploy/nodepool.yaml | warning | KM108 implicit-hop-limit | EC2NodeClass/default "
        "| no explicit hop limit |\n"
        "\n"
        "<details>\n"
        "<summary>1 info finding</summary>\n"
        "\n"
        "| Location | Level | Code | Object | Message |\n"
        "| --- | --- | --- | --- | --- |\n"
        "| deploy/nodepool.yaml:30:5 | info | KM206 subnets-changed | EC2NodeClass/default | subnets changed |\n"
        "\n"
        "</details>"
    )


def test_stdin_skipped_and_clean_files(tmp_path):
    text = _out(sample_reports(), tmp_path)
    assert "### stdin\n" in text
    assert "| stdin:3:1 | error | KM212 deprecated-annotation |" in text
    assert "### chart/templates/np.yaml\n\nSkipped: templated.\n\n<details>" in text
    assert "clean.yaml" not in text


def test_cells_are_escaped(tmp_path):
    text = _out(sample_reports(), tmp_path)
    assert '| Deployment/web | a \\| b &lt;none&gt; 50% done,<br>key: "x" |' in text
    for line in text.splitlines():
        if line.startswith("| stdin"):
            assert line.count(" | ") == 4  # five cells: the message's pipe did not add one


@pytest.mark.parametrize(
    ("raw", "cell"),
    [
        ("a|b", "a\\|b"),
        ("<unnamed>", "&lt;unnamed&gt;"),
        ("a & b", "a &amp; b"),
        ("one\ntwo\r\nthree", "one<br>two<br>three"),
        ("back\\slash|", "back\\\\slash\\|"),
    ],
)
def test_escape_cell(raw, cell):
    assert markdown.escape_cell(raw) == cell


def test_only_info_findings_give_no_main_table(tmp_path):
    finding = catalogue.KM206.finding("subnets changed", file="nc.yaml", line=1)
    text = _out([FileReport("nc.yaml", [finding])], tmp_path)
    assert text.split("### nc.yaml\n\n", 1)[1].startswith("<details>\n<summary>1 info finding</summary>")
    assert text.startswith("## karpmigrate lint: 0 errors, 0 warnings, 1 info finding in 1 of 1 file\n")


def test_no_findings_is_one_line(tmp_path):
    text = _out([FileReport("clean.yaml", objects=2), FileReport("b.yaml")], tmp_path, command="validate")
    assert text == "**karpmigrate validate**: No findings in 2 files.\n"
    assert _out([], tmp_path) == "**karpmigrate lint**: No findings in 0 files.\n"
