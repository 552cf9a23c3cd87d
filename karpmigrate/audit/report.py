"""Audit results as the shared reports (json, sarif, junit, markdown, github) and as a text summary.

For the shared formats each context is one "file" (``context/<name>``) whose findings are the issues.
The text summary is the audit's own: per context a verdict line ("ready for 1.1" / "N blockers"), the
controller version, then the issues grouped by check code.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TextIO

from karpmigrate.audit._base import CRD_MISSING as NOT_INSTALLED_CODE
from karpmigrate.audit._base import UNREACHABLE, ContextReport, Issue
from karpmigrate.audit.runner import blocking
from karpmigrate.findings import FileReport, Finding, Level, ObjectRef


def display(report: ContextReport) -> str:
    return f"context/{report.context}"


def _finding(report: ContextReport, issue: Issue) -> Finding:
    level = issue.level or issue.code.level
    if issue.blocker and level is not Level.ERROR:
        level = Level.ERROR
    return Finding(
        code=issue.code.code,
        name=issue.code.name,
        level=level,
        message=issue.message,
        file=display(report),
        obj=ObjectRef(issue.api_version, issue.kind, issue.name, issue.namespace),
        path=issue.path,
        runtime=issue.code.runtime,
    )


def file_reports(reports: Sequence[ContextReport]) -> list[FileReport]:
    out = []
    for report in reports:
        file = FileReport(display(report))
        file.objects = len({(i.kind, i.namespace, i.name) for i in report.issues if i.kind})
        if report.unreachable is not None:
            file.findings.append(_finding(report, Issue(UNREACHABLE, report.unreachable)))
        file.findings.extend(_finding(report, issue) for issue in report.issues)
        out.append(file)
    return out


def verdict(report: ContextReport) -> str:
    if report.unreachable is not None:
        return f"unreachable: {report.unreachable}"
    count = sum(1 for i in report.issues if blocking(i))
    if (
        count == 0
        and report.controller_version is None
        and any(i.code is NOT_INSTALLED_CODE and i.kind is None for i in report.issues)
    ):
        return "Karpenter is not installed: nothing to migrate"
    if count == 0:
        return "ready for 1.1"
    return f"{count} blocker{'s' if count != 1 else ''} before 1.1"


def _where(issue: Issue) -> str:
    if not issue.kind:
        return "cluster"
    namespace = f"{issue.namespace}/" if issue.namespace else ""
    return f"{issue.kind}/{namespace}{issue.name or ''}"


def render_text(reports: Sequence[ContextReport], stream: TextIO, *, color: bool | None = None) -> None:
    """One block per context: verdict, controller, then a line (or table row) per issue."""
    isatty = getattr(stream, "isatty", None)
    table = color if color is not None else bool(isatty and isatty())
    for report in reports:
        version = report.controller_version or "not found"
        header = f"context {report.context}: {verdict(report)} (Karpenter controller {version})"
        ordered = sorted(report.issues, key=lambda i: (not blocking(i), i.code.code, _where(i)))
        if table:
            _rich(header, report, ordered, stream, color)
            continue
        stream.write(header + "\n")
        for issue in ordered:
            level = "blocker" if blocking(issue) else (issue.level or issue.code.level).value
            stream.write(f"  {level} {issue.code.code} [{_where(issue)}] {issue.message}\n")
        stream.write("\n")


def _rich(
    header: str, report: ContextReport, issues: list[Issue], stream: TextIO, color: bool | None
) -> None:
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    console = Console(file=stream, no_color=color is False, force_terminal=color, emoji=False, markup=False)
    style = (
        "bold green" if report.unreachable is None and not any(blocking(i) for i in issues) else "bold red"
    )
    console.print(Text(header, style=style))
    if not issues:
        console.print()
        return
    table = Table(show_edge=False)
    for column in ("level", "code", "object", "message"):
        table.add_column(column, overflow="fold")
    for issue in issues:
        level = "blocker" if blocking(issue) else (issue.level or issue.code.level).value
        table.add_row(level, f"{issue.code.code} {issue.code.name}", _where(issue), issue.message)
    console.print(table)
    console.print()
