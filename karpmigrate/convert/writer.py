"""The writing edge of ``convert``: in place, into a mirror tree, or as a unified diff.

Only text that changed is written in place; every write is atomic (design §3), so an interrupted run
leaves each file either as it was or fully converted.
"""

from __future__ import annotations

import difflib
import pathlib
from collections.abc import Iterable

from karpmigrate.convert.engine import FileResult
from karpmigrate.io.atomic import atomic_write

_BOM = "\ufeff"


def encoded(result: FileResult, text: str) -> bytes:
    """The bytes of a file's text, its byte-order mark put back when it had one."""
    return ((_BOM if result.bom else "") + text).encode("utf-8")


def output_text(result: FileResult) -> str | None:
    """The converted text, or the original when nothing changed (None: the file was not read).

    The engine forgets the text of a file it had nothing to change in (performance issue P2): such a
    file is read again here, and an ``OSError`` reaches the caller as a failed write of that file.
    """
    if result.text is not None:
        return result.text
    if result.original is not None or result.source.file is None or result.errors:
        return result.original
    with open(result.source.file, "rb") as handle:
        data = handle.read()
    return data.removeprefix(_BOM.encode("utf-8")).decode("utf-8")


def write_in_place(result: FileResult) -> bool:
    """Rewrite the file when its text changed; True when it was written."""
    path = result.source.path
    if not result.changed or path is None or result.text is None:
        return False
    atomic_write(path, encoded(result, result.text))
    return True


def mirror_path(result: FileResult, out_dir: pathlib.Path) -> pathlib.Path:
    relative = result.source.relative or pathlib.PurePath(pathlib.PurePath(result.display).name)
    return out_dir / relative


def write_mirror(result: FileResult, out_dir: pathlib.Path) -> pathlib.Path | None:
    """Write the file (converted or as it was) under ``out_dir``; None when there is nothing to write."""
    text = output_text(result)
    if text is None:
        return None
    target = mirror_path(result, out_dir)
    target.parent.mkdir(parents=True, exist_ok=True)
    atomic_write(target, encoded(result, text))
    return target


def unified_diff(result: FileResult) -> str:
    """``diff -u`` of one file, with ``a/`` and ``b/`` prefixes as git prints them."""
    if not result.changed or result.original is None or result.text is None:
        return ""
    # An absolute path would give `a//tmp/x.yaml`; `git apply -p1` expects `a/tmp/x.yaml`.
    name = result.display.replace("\\", "/").lstrip("/")
    lines = difflib.unified_diff(
        result.original.splitlines(keepends=True),
        result.text.splitlines(keepends=True),
        fromfile=f"a/{name}",
        tofile=f"b/{name}",
    )
    out = []
    for line in lines:
        # A last line without a newline would run into the next hunk header: mark it as diff does.
        out.append(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n")
    return "".join(out)


def diffs(results: Iterable[FileResult]) -> str:
    return "".join(unified_diff(r) for r in results)
