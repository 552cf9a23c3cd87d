"""Turn command-line paths into the files to read, and read them as text without guessing."""

from __future__ import annotations

import os
import pathlib
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import BinaryIO

from karpmigrate.errors import InputError, UsageError

EXTENSIONS = (".yaml", ".yml", ".json")
MAX_BYTES = 50 * 1024 * 1024
_BOM = b"\xef\xbb\xbf"
_UTF16_32_BOMS = (b"\xff\xfe", b"\xfe\xff", b"\x00\x00\xfe\xff")


class Source:
    """One input: ``display`` as the user would recognise it; ``path`` None for stdin (``-``).

    Immutable. The paths are kept as strings and made ``pathlib`` objects when asked for: a walk of a
    monorepo holds one ``Source`` per file until the run ends, and three path objects per file made the
    memory grow with the tree (performance issue P2).
    """

    __slots__ = ("display", "_path", "_relative")

    display: str
    _path: str | None
    _relative: str | None

    def __init__(
        self,
        display: str,
        path: pathlib.Path | str | None,
        relative: pathlib.PurePath | str | None = None,
    ) -> None:
        object.__setattr__(self, "display", display)
        object.__setattr__(self, "_path", None if path is None else os.fspath(path))
        object.__setattr__(self, "_relative", None if relative is None else os.fspath(relative))

    @property
    def path(self) -> pathlib.Path | None:
        return None if self._path is None else pathlib.Path(self._path)

    @property
    def file(self) -> str | None:
        """``path`` as the string it is kept as (no path object: the hot paths of a monorepo scan)."""
        return self._path

    @property
    def relative(self) -> pathlib.PurePath | None:
        """Where the file sits under the argument that named it (``--out-dir`` mirrors this)."""
        return None if self._relative is None else pathlib.PurePath(self._relative)

    def _key(self) -> tuple[str, pathlib.Path | None, pathlib.PurePath | None]:
        return self.display, self.path, self.relative

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError(f"Source is immutable: cannot set {name}")

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Source) and self._key() == other._key()

    def __hash__(self) -> int:
        return hash(self._key())

    def __repr__(self) -> str:
        return f"Source(display={self.display!r}, path={self.path!r}, relative={self.relative!r})"

    def __reduce__(self) -> tuple[type[Source], tuple[str, str | None, str | None]]:
        return Source, (self.display, self._path, self._relative)


@dataclass(frozen=True)
class SourceText:
    """A source's decoded text, BOM removed (``bom`` records it so a rewrite puts it back)."""

    source: Source
    text: str
    bom: bool


def _child_prefix(path: pathlib.PurePath) -> str:
    # ``str(path / name)`` for every name in one directory, without a path object per file:
    # PurePath(".") / "x" is "x", PurePath("a") / "x" is "a/x" (a\\x on Windows).
    return str(path / "_")[:-1]


def _inside(path: str, top: str) -> bool:
    target = os.path.realpath(path)
    return target == top or target.startswith(top.rstrip(os.sep) + os.sep)


def _walk(
    root: pathlib.Path,
    display: pathlib.PurePath,
    relative: pathlib.PurePath | None = None,
    top: str | None = None,
) -> Iterator[tuple[Source, str]]:
    """(source, identity) of every file under ``root``; the identity is the file's real path."""
    relative = relative or pathlib.PurePath()
    top = top or os.path.realpath(root)
    try:
        entries = sorted(os.scandir(root), key=lambda e: e.name)
    except OSError:
        # An unreadable directory becomes a source whose read fails: reported, never fatal (design §3).
        yield Source(str(display), root, relative), os.path.realpath(root)
        return
    shown, under = _child_prefix(display), _child_prefix(relative)
    real = os.path.join(top, str(relative)) if str(relative) != "." else top
    for entry in entries:
        if entry.name.startswith("."):
            continue
        if entry.is_dir(follow_symlinks=True):
            # A directory symlink either leaves the tree the user named or shows a part of it a
            # second time (or forever, for a loop): never follow one found by recursion.
            if not entry.is_symlink():
                yield from _walk(pathlib.Path(entry.path), display / entry.name, relative / entry.name, top)
        elif entry.is_file(follow_symlinks=True) and entry.name.lower().endswith(EXTENSIONS):
            # A file symlink found by the walk is read and rewritten through: only when its target is
            # inside the directory the user named (issue 6: never follow a link out of the tree).
            if entry.is_symlink():
                if not _inside(entry.path, top):
                    continue
                identity = os.path.realpath(entry.path)
            else:
                # Directories reached by the walk are never symlinks: the real path is known without
                # asking the file system for each of ten thousand files (performance issue P2).
                identity = os.path.join(real, entry.name)
            file = entry.path
            label = shown + entry.name
            # One string when the display is the path (an absolute or ./-less argument): ten thousand
            # files, ten thousand strings fewer.
            yield Source(file if label == file else label, file, under + entry.name), identity


def _expand(arg: str) -> Iterator[tuple[Source, str]]:
    if arg == "-":
        yield Source("-", None), "-"
        return
    path = pathlib.Path(arg)
    if not path.exists():
        raise UsageError(f"{arg}: no such file or directory")
    if path.is_dir():
        yield from _walk(path, pathlib.PurePath(arg))
    else:
        yield Source(str(pathlib.PurePath(arg)), path, pathlib.PurePath(path.name)), os.path.realpath(path)


def discover(args: Sequence[str]) -> list[Source]:
    """The files named by ``args``: directories recursively, in a stable order, each file once."""
    sources: list[Source] = []
    seen: set[str] = set()
    for arg in args:
        for source, identity in _expand(arg):
            if identity not in seen:
                seen.add(identity)
                sources.append(source)
    return sources


def _read_bytes(src: Source, stdin: BinaryIO | None, limit: int) -> bytes:
    try:
        if src.file is None:
            stream = stdin if stdin is not None else sys.stdin.buffer
            return stream.read(limit + 1)
        with open(src.file, "rb") as handle:
            return handle.read(limit + 1)
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror or exc}", file=src.display, code="KV003") from None


def _position(data: bytes, offset: int) -> tuple[int, int]:
    """1-based line and column (in characters) of the byte at ``offset``."""
    start = data.rfind(b"\n", 0, offset) + 1
    column = len(data[start:offset].decode("utf-8", errors="replace")) + 1
    return data.count(b"\n", 0, offset) + 1, column


def read_source(src: Source, stdin: BinaryIO | None = None, *, max_bytes: int = MAX_BYTES) -> SourceText:
    """Read and decode one source: UTF-8 only (Kubernetes' own decoder accepts nothing else)."""
    data = _read_bytes(src, stdin, max_bytes)
    if len(data) > max_bytes:
        raise InputError(
            f"larger than {max_bytes // (1024 * 1024)} MiB: not read", file=src.display, code="KV006"
        )
    bom = data.startswith(_BOM)
    if bom:
        data = data[len(_BOM) :]
    elif data.startswith(_UTF16_32_BOMS):
        message = "UTF-16/UTF-32 text: save it as UTF-8"
        raise InputError(message, file=src.display, line=1, column=1, code="KV003")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line, column = _position(data, exc.start)
        raise InputError(
            f"not valid UTF-8: byte 0x{data[exc.start]:02x}",
            file=src.display,
            line=line,
            column=column,
            code="KV003",
        ) from None
    return SourceText(src, text, bom)
