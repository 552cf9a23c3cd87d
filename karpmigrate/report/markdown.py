"""``-o markdown``: a pull-request comment (pluto and kube-linter offer one: ecosystem §3.8).

A heading with the totals, then a table per file; info findings fold into ``<details>`` so the
comment leads with what must be fixed. Messages quote user values, so every cell is escaped: a ``|``
would split the row and ``<unnamed>`` would vanish as an HTML tag.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TextIO

from karpmigrate.findings import FileReport, Finding, Level
from karpmigrate.report import Context, is_stdin, relative_path

HEADER = "| Location | Level | Code | Object | Message |\n| --- | --- | --- | --- | --- |"


def escape_cell(text: str) -> str:
    """Safe inside a GFM table cell: HTML specials, the pipe, and line breaks."""
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    text = text.replace("\\", "\\\\").replace("|", "\\|")
    return "<br>".join(text.splitlines()) if "\n" in text or "\r" in text else text


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def _display(file: str, ctx: Context) -> str:
    if is_stdin(file):
        return "stdin"
    return relative_path(file, ctx) or file


def _where(finding: Finding, file: str) -> str:
    where = file
    if finding.line is not None:
        where += f":{finding.line}"
        if finding.column is not None:
            where += f":{finding.column}"
    return where


def row(finding: Finding, file: str) -> str:
    cells = (
        _where(finding, file),
        finding.level.value,
        f"{finding.code} {finding.name}",
        str(finding.obj),
        finding.message,
    )
    return "| " + " | ".join(escape_cell(cell) for cell in cells) + " |"


def totals(reports: Sequence[FileReport]) -> str:
    findings = [f for r in reports for f in r.findings]
    counts = [
        _plural(sum(f.level is level for f in findings), word)
        for level, word in ((Level.ERROR, "error"), (Level.WARNING, "warning"), (Level.INFO, "info finding"))
    ]
    with_findings = sum(1 for r in reports if r.findings)
    text = f"{', '.join(counts)} in {with_findings} of {_plural(len(reports), 'file')}"
    skipped = sum(1 for r in reports if r.skipped is not None)
    return text + (f" ({skipped} skipped)" if skipped else "")


def _file_section(report: FileReport, ctx: Context) -> list[str]:
    file = _display(report.file, ctx)
    main = [f for f in report.findings if f.level is not Level.INFO]
    infos = [f for f in report.findings if f.level is Level.INFO]
    out = [f"### {escape_cell(file)}"]
    if report.skipped is not None:
        out.append(f"Skipped: {escape_cell(report.skipped)}.")
    if main:
        out.append(HEADER + "\n" + "\n".join(row(f, file) for f in main))
    if infos:
        table = HEADER + "\n" + "\n".join(row(f, file) for f in infos)
        summary = f"<summary>{_plural(len(infos), 'info finding')}</summary>"
        # Blank lines around the table: GitHub renders Markdown inside <details> only then.
        out.append(f"<details>\n{summary}\n\n{table}\n\n</details>")
    return out


def text(reports: Sequence[FileReport], ctx: Context) -> str:
    title = ctx.title or f"karpmigrate {ctx.command}"
    if not any(r.findings for r in reports):
        return f"**{escape_cell(title)}**: No findings in {_plural(len(reports), 'file')}.\n"
    parts = [f"## {escape_cell(title)}: {totals(reports)}"]
    for report in reports:
        if report.findings or report.skipped is not None:
            parts.extend(_file_section(report, ctx))
    return "\n\n".join(parts) + "\n"


def render(reports: Sequence[FileReport], stream: TextIO, ctx: Context) -> None:
    stream.write(text(reports, ctx))
