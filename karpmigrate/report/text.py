"""``-o text``: a rich table per file on a terminal, one line per finding elsewhere.

``file:line:col`` comes first either way, so terminals and editors make it clickable. Into a pipe, a log
or pre-commit's output a table is padded to a fixed width and wraps long messages across rows, which
defeats grep: there each finding is one ``file:line:col: level CODE [Kind/name] message`` line, as
yamllint's ``parsable`` format and compilers print (and rich is not even imported).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TextIO

from karpmigrate.findings import FileReport, Level, dotted

_STYLE = {Level.ERROR: "bold red", Level.WARNING: "yellow", Level.INFO: "cyan"}


def _is_terminal(stream: TextIO) -> bool:
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


def render(reports: Sequence[FileReport], stream: TextIO, *, color: bool | None = None) -> None:
    """``color``: True forces a coloured table, False plain lines, None decides from the stream."""
    if not (color if color is not None else _is_terminal(stream)):
        for report in reports:
            for finding in report.findings:
                stream.write(finding.one_line() + "\n")
        return
    _table(reports, stream, color=color)


def _table(reports: Sequence[FileReport], stream: TextIO, *, color: bool | None) -> None:
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    console = Console(
        file=stream,
        no_color=color is False,
        force_terminal=color,
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
                finding.where,
                Text(finding.level.value, style=_STYLE[finding.level]),
                f"{finding.code} {finding.name}",
                str(finding.obj),
                dotted(finding.path),
                finding.message,
            )
        console.print(table)
        console.print()
