"""``-o github``: GitHub Actions workflow commands, as yamllint's ``github`` format (ecosystem §1.6, §1.9).

Annotations show on the pull request without code scanning, which private repositories pay for.
One ``::group::`` per file keeps the log readable; paths are repo-relative because that is what GitHub
matches against the diff.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TextIO

from karpmigrate.findings import FileReport, Finding, Level
from karpmigrate.report import Context, is_stdin, relative_path

COMMANDS = {Level.ERROR: "error", Level.WARNING: "warning", Level.INFO: "notice"}


def escape_data(text: str) -> str:
    """The message part (after ``::``): GitHub's ``escapeData``."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """A ``key=value`` property: ``escapeProperty`` also encodes the separators ``:`` and ``,``."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def annotation_file(file: str, ctx: Context) -> str | None:
    """The path GitHub knows the file by; None for stdin (an annotation without ``file=``)."""
    if is_stdin(file):
        return None
    return relative_path(file, ctx) or file


def annotation(finding: Finding, file: str, ctx: Context) -> str:
    properties: list[tuple[str, str]] = []
    path = annotation_file(finding.file or file, ctx)
    if path is not None:
        properties.append(("file", path))
        if finding.line is not None:
            properties.append(("line", str(finding.line)))
            if finding.column is not None:
                properties.append(("col", str(finding.column)))
    properties.append(("title", f"{finding.code} {finding.name}"))
    rendered = ",".join(f"{key}={escape_property(value)}" for key, value in properties)
    message = f"{finding.obj}: {finding.message}" if str(finding.obj) else finding.message
    return f"::{COMMANDS[finding.level]} {rendered}::{escape_data(message)}"


def lines(reports: Sequence[FileReport], ctx: Context) -> list[str]:
    out: list[str] = []
    for report in reports:
        if not report.findings:
            continue
        out.append(f"::group::{escape_data('stdin' if is_stdin(report.file) else report.file)}")
        out.extend(annotation(finding, report.file, ctx) for finding in report.findings)
        out.append("::endgroup::")
    return out


def render(reports: Sequence[FileReport], stream: TextIO, ctx: Context) -> None:
    for line in lines(reports, ctx):
        stream.write(line + "\n")
