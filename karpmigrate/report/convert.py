"""Reporters for ``convert``: notes as lines on stderr, or the versioned JSON report (design §2)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any, TextIO

from karpmigrate.convert.engine import FileResult
from karpmigrate.findings import Finding, Level


def note_line(note: Finding) -> str:
    """``file:line:col: level CODE [Kind/name] message`` (the shape compilers and linters print)."""
    return note.one_line()


def summary(results: Sequence[FileResult]) -> dict[str, Any]:
    notes = [n for r in results for n in r.notes]
    return {
        "files": len(results),
        "changed": sum(r.changed for r in results),
        "unchanged": sum(not r.changed and not r.failed for r in results),
        "failed": sum(r.failed for r in results),
        "skipped": sum(r.skipped is not None for r in results),
        "documents": sum(len(r.documents) for r in results),
        "errors": sum(n.level is Level.ERROR for n in notes),
        "warnings": sum(n.level is Level.WARNING for n in notes),
        "infos": sum(n.level is Level.INFO for n in notes),
    }


def render_json(results: Sequence[FileResult], stream: TextIO) -> None:
    report = {"version": 1, "files": [r.to_json() for r in results], "summary": summary(results)}
    json.dump(report, stream, indent=2, ensure_ascii=False)
    stream.write("\n")


def render_notes(results: Sequence[FileResult], stream: TextIO) -> None:
    for result in results:
        for note in result.notes:
            stream.write(note_line(note) + "\n")


def summary_line(results: Sequence[FileResult], *, dry_run: bool) -> str:
    s = summary(results)
    verb = "would be rewritten" if dry_run else "rewritten"
    parts = [f"{s['changed']} file{'s' if s['changed'] != 1 else ''} {verb}", f"{s['unchanged']} unchanged"]
    if s["failed"]:
        parts.append(f"{s['failed']} with errors")
    if s["skipped"]:
        parts.append(f"{s['skipped']} skipped")
    notes = f"; {s['errors']} errors, {s['warnings']} warnings, {s['infos']} notes"
    return ", ".join(parts) + notes
