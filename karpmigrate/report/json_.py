"""``-o json``: the stable, versioned shape of design §2."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any, TextIO

from karpmigrate.findings import FileReport, Level

SCHEMA_VERSION = 1


def summary(reports: Sequence[FileReport]) -> dict[str, int]:
    findings = [f for r in reports for f in r.findings]
    return {
        "files": len(reports),
        "objects": sum(r.objects for r in reports),
        "invalidObjects": sum(r.invalid_objects for r in reports),
        "skippedFiles": sum(1 for r in reports if r.skipped),
        "errors": sum(1 for f in findings if f.level is Level.ERROR),
        "warnings": sum(1 for f in findings if f.level is Level.WARNING),
        "infos": sum(1 for f in findings if f.level is Level.INFO),
    }


def render(reports: Sequence[FileReport], stream: TextIO) -> None:
    document: dict[str, Any] = {
        "version": SCHEMA_VERSION,
        "files": [
            {"path": r.file, "objects": r.objects, "invalidObjects": r.invalid_objects, "skipped": r.skipped}
            for r in reports
        ],
        "findings": [f.to_json() for r in reports for f in r.findings],
        "summary": summary(reports),
    }
    json.dump(document, stream, indent=2)
    stream.write("\n")
