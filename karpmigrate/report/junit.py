"""``-o junit``: JUnit XML for GitLab, Jenkins and Buildkite test reports (spec/ecosystem.md §1.9).

kubeconform's mapping, which Kubernetes users have seen: a suite per file, ``classname`` =
``Kind@apiVersion``. A case is one finding: errors and warnings fail it, info passes with the message
in ``<system-out>``, unreadable input is an ``<error>``, a skipped file is ``<skipped>``. Every element
carries ``time``: some consumers reject reports without it.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TextIO

from karpmigrate.findings import FileReport, Finding, Level, dotted
from karpmigrate.report import Context

#: Characters XML 1.0 cannot hold at all, even escaped (YAML values may carry them).
_INVALID_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _clean(text: str) -> str:
    return _INVALID_XML.sub("\ufffd", text)


def _time(seconds: float | None) -> str:
    return "0" if seconds is None else f"{seconds:.3f}"


def _where(finding: Finding, file: str) -> str:
    where = finding.file or file
    if finding.line is not None:
        where += f":{finding.line}"
        if finding.column is not None:
            where += f":{finding.column}"
    return where


def classname(finding: Finding, file: str) -> str:
    obj = finding.obj
    if not obj.kind:
        return file
    return f"{obj.kind}@{obj.api_version}" if obj.api_version else obj.kind


def case_name(finding: Finding) -> str:
    """``<Kind/name> <CODE> <path>``: no line number, so a case keeps its name across edits."""
    return " ".join(part for part in (str(finding.obj), finding.code, dotted(finding.path)) if part)


def _details(finding: Finding, file: str) -> str:
    lines = [f"{_where(finding, file)}: {finding.level.value} {finding.code} {finding.name}", finding.message]
    if str(finding.obj):
        lines.append(f"object: {finding.obj}")
    if finding.path:
        lines.append(f"path: {dotted(finding.path)}")
    return _clean("\n".join(lines))


@dataclass(slots=True)
class _Counts:
    tests: int = 0
    failures: int = 0
    errors: int = 0
    skipped: int = 0

    def add(self, other: _Counts) -> None:
        self.tests += other.tests
        self.failures += other.failures
        self.errors += other.errors
        self.skipped += other.skipped

    def attributes(self) -> dict[str, str]:
        return {
            "tests": str(self.tests),
            "failures": str(self.failures),
            "errors": str(self.errors),
            "skipped": str(self.skipped),
        }


def _case(suite: ET.Element, classname_: str, name: str) -> ET.Element:
    return ET.SubElement(
        suite, "testcase", {"classname": _clean(classname_), "name": _clean(name), "time": "0"}
    )


def _finding_case(suite: ET.Element, finding: Finding, file: str, counts: _Counts) -> None:
    case = _case(suite, classname(finding, file), case_name(finding))
    counts.tests += 1
    details = _details(finding, file)
    attributes = {"message": _clean(finding.message), "type": finding.code}
    if finding.runtime:
        ET.SubElement(case, "error", attributes).text = details
        counts.errors += 1
    elif finding.level is Level.INFO:
        ET.SubElement(case, "system-out").text = details
    else:
        ET.SubElement(case, "failure", attributes).text = details
        counts.failures += 1


def _suite(parent: ET.Element, report: FileReport) -> _Counts:
    suite = ET.SubElement(parent, "testsuite", {"name": _clean(report.file)})
    counts = _Counts()
    findings = report.findings
    if report.skipped is not None:
        # The info findings of a skipped file only say why it was skipped: they go into <skipped>.
        case = _case(suite, report.file, "skipped")
        notes = [f.message for f in findings if f.level is Level.INFO and not f.runtime]
        skipped = ET.SubElement(case, "skipped", {"message": _clean(f"skipped: {report.skipped}")})
        skipped.text = _clean("\n".join(notes)) or None
        counts.tests += 1
        counts.skipped += 1
        findings = [f for f in findings if f.level is not Level.INFO or f.runtime]
    for finding in findings:
        _finding_case(suite, finding, report.file, counts)
    if counts.tests == 0:
        case = _case(suite, report.file, "no findings")
        objects = f"{report.objects} Karpenter object{'' if report.objects == 1 else 's'}"
        ET.SubElement(case, "system-out").text = f"{objects} checked, no findings"
        counts.tests += 1
    suite.attrib.update({**counts.attributes(), "time": "0"})
    return counts


def build(reports: Sequence[FileReport], ctx: Context) -> ET.Element:
    root = ET.Element("testsuites", {"name": f"karpmigrate {ctx.command}"})
    total = _Counts()
    for report in reports:
        total.add(_suite(root, report))
    root.attrib.update({**total.attributes(), "time": _time(ctx.elapsed)})
    return root


def render(reports: Sequence[FileReport], stream: TextIO, ctx: Context) -> None:
    root = build(reports, ctx)
    ET.indent(root)
    stream.write('<?xml version="1.0" encoding="UTF-8"?>\n')
    stream.write(ET.tostring(root, encoding="unicode"))
    stream.write("\n")
