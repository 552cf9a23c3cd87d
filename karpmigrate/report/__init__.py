"""The report formats shared by ``validate``, ``lint``, ``diff`` and ``audit`` (ecosystem §3.8).

``FORMATS`` maps each ``-o`` name to a renderer ``(reports, stream, ctx) -> None``. Renderers are imported
when they are called, never here: ``lint`` under pre-commit must start fast, and only ``text`` may pull
in rich (ecosystem §3.6 item 19).
"""

from __future__ import annotations

import os
import pathlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TextIO
from urllib.parse import quote

from karpmigrate import __version__
from karpmigrate.findings import FileReport

#: How a command names standard input in its reports (``Source.display`` of ``-``).
STDIN_NAMES = frozenset({"-", "<stdin>"})


@dataclass(frozen=True, slots=True)
class Context:
    """What a report says about the run itself, beside its findings."""

    #: ``validate``, ``lint``, ``diff`` or ``audit``: the SARIF category and the JUnit suite name.
    command: str
    version: str = __version__
    #: Relative file names in the reports are relative to this directory.
    working_directory: pathlib.Path = field(default_factory=pathlib.Path.cwd)
    #: The git work tree root: SARIF and GitHub annotations need repo-relative paths (ecosystem §1.9).
    repo_root: pathlib.Path | None = None
    #: ``text`` only: True forces colour, False disables it, None lets rich decide from the terminal.
    color: bool | None = None
    #: Replaces the default heading of the ``markdown`` report.
    title: str | None = None
    #: Wall-clock seconds of the run, for JUnit's ``time`` attributes (0 when unknown).
    elapsed: float | None = None

    @classmethod
    def create(
        cls,
        command: str,
        *,
        color: bool | None = None,
        title: str | None = None,
        elapsed: float | None = None,
    ) -> Context:
        """A context for the current directory, with the git root found by walking up from it."""
        cwd = pathlib.Path.cwd()
        return cls(
            command,
            working_directory=cwd,
            repo_root=find_repo_root(cwd),
            color=color,
            title=title,
            elapsed=elapsed,
        )


Renderer = Callable[[Sequence[FileReport], TextIO, Context], None]


def find_repo_root(start: pathlib.Path) -> pathlib.Path | None:
    """The nearest directory at or above ``start`` holding ``.git`` (a directory, or a file in worktrees).

    Read from the file system instead of running ``git``: no subprocess on every run, and it works
    where git is not installed (a container that only has the checkout).
    """
    start = start.resolve()
    for directory in (start, *start.parents):
        if (directory / ".git").exists():
            return directory
    return None


def is_stdin(file: str | None) -> bool:
    return file in STDIN_NAMES


def relative_path(file: str, ctx: Context) -> str | None:
    """``file`` relative to the repo root (else the working directory), with ``/``; None if outside both.

    Symlinks are resolved first, as GitHub code scanning asks (ecosystem §1.9): the alert must name the
    file the repository holds, whatever link the user passed.
    """
    path = pathlib.Path(file)
    if not path.is_absolute():
        path = ctx.working_directory / path
    path = pathlib.Path(os.path.realpath(path))
    base = pathlib.Path(os.path.realpath(ctx.repo_root or ctx.working_directory))
    try:
        return path.relative_to(base).as_posix()
    except ValueError:
        return None


def artifact_uri(file: str, ctx: Context) -> tuple[str, bool]:
    """The SARIF URI of ``file`` and whether it is relative to ``%SRCROOT%`` (else absolute, or stdin)."""
    if is_stdin(file):
        return "stdin", False
    relative = relative_path(file, ctx)
    if relative is not None:
        return quote(relative, safe="/"), True
    path = pathlib.Path(file)
    if not path.is_absolute():
        path = ctx.working_directory / path
    return pathlib.Path(os.path.realpath(path)).as_uri(), False


def directory_uri(directory: pathlib.Path) -> str:
    """A ``file://`` URI for a directory, ending in ``/`` as SARIF requires of base URIs (§3.14.14)."""
    uri = pathlib.Path(os.path.realpath(directory)).as_uri()
    return uri if uri.endswith("/") else uri + "/"


# ---------------------------------------------------------------- the registry (imports on call)
def _text(reports: Sequence[FileReport], stream: TextIO, ctx: Context) -> None:
    from karpmigrate.report import text

    text.render(reports, stream, color=ctx.color)


def _json(reports: Sequence[FileReport], stream: TextIO, ctx: Context) -> None:
    from karpmigrate.report import json_

    json_.render(reports, stream)


def _sarif(reports: Sequence[FileReport], stream: TextIO, ctx: Context) -> None:
    from karpmigrate.report import sarif

    sarif.render(reports, stream, ctx)


def _junit(reports: Sequence[FileReport], stream: TextIO, ctx: Context) -> None:
    from karpmigrate.report import junit

    junit.render(reports, stream, ctx)


def _github(reports: Sequence[FileReport], stream: TextIO, ctx: Context) -> None:
    from karpmigrate.report import github

    github.render(reports, stream, ctx)


def _markdown(reports: Sequence[FileReport], stream: TextIO, ctx: Context) -> None:
    from karpmigrate.report import markdown

    markdown.render(reports, stream, ctx)


FORMATS: dict[str, Renderer] = {
    "text": _text,
    "json": _json,
    "sarif": _sarif,
    "junit": _junit,
    "github": _github,
    "markdown": _markdown,
}


def render(format: str, reports: Sequence[FileReport], stream: TextIO, ctx: Context) -> None:
    """Write ``reports`` to ``stream`` in ``format`` (one of :data:`FORMATS`)."""
    try:
        renderer = FORMATS[format]
    except KeyError:
        raise ValueError(f"unknown report format {format!r}: one of {', '.join(FORMATS)}") from None
    renderer(reports, stream, ctx)


def render_file(format: str, reports: Sequence[FileReport], path: pathlib.Path, ctx: Context) -> None:
    """``--output-file``: the same report written to ``path`` (UTF-8, ``\\n`` line ends on every OS)."""
    with open(path, "w", encoding="utf-8", newline="\n") as stream:
        render(format, reports, stream, ctx)
