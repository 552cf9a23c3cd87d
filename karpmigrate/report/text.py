"""``-o text``: a rich table per file, ``file:line:col`` first so terminals make it clickable."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TextIO

from rich.console import Console
from rich.table import Table
from rich.text import Text

from karpmigrate.findings import Finding, Level, dotted
from karpmigrate.validate import FileReport

_STYLE = {Level.ERROR: "bold red", Level.WARNING: "yellow", Level.INFO: "cyan"}


def _where(finding: Finding) -> str:
    where = finding.file or "-"
    if finding.line is not None:
        where += f":{finding.line}"
        if finding.column is not None:
            where += f":{finding.column}"
    return where


def render(reports: Sequence[FileReport], stream: TextIO, *, color: bool | None = None) -> None:
    console = Console(
        file=stream,
        no_color=color is False,
        force_terminal=color,
        width=200,
        emoji=False,
        markup=False,
        highlight=False,
    )
    for report in reports:
        if not report.findings:
            continue
        table = Table(
            title=Text(report.file, style="bold"), title_justify="left", show_edge=False, expand=False
        )
        for column in ("location", "level", "code", "object", "path", "message"):
            table.add_column(column, overflow="fold", no_wrap=column == "location")
        for finding in report.findings:
            table.add_row(
                _where(finding),
                Text(finding.level.value, style=_STYLE[finding.level]),
                f"{finding.code} {finding.name}",
                str(finding.obj),
                dotted(finding.path),
                finding.message,
            )
        console.print(table)
        console.print()
