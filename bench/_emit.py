"""A small YAML writer with the styles people commit, so the corpus exercises what convert must keep.

PyYAML and ruamel each write one house style; a GitOps repository holds many (2 or 4 spaces, indented
or flush sequences, flow lists, quoted or plain strings, CRLF, comments). The corpus needs all of them
and the exact bytes to depend only on the seed, so it writes the text itself from plain data.

Data model: dicts, lists, str, int, float, bool; ``Comment`` keys become ``# ...`` lines above the
next key; ``Inline(value, comment)`` ends the line with a comment; ``Block(text)`` is a ``|`` scalar.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

# A plain scalar that reads back as the same string in block context (YAML 1.1 and 1.2); flow
# context also excludes ":" (PyYAML refuses `{image: app:1.0}`).
_PLAIN = re.compile(r"^[A-Za-z_/][A-Za-z0-9_./@*=-]*(?:[: ][A-Za-z0-9_./@*=-]+)*$")
# Strings starting with a digit stay plain only as durations and quantities (720h, 1m30s, 100Mi):
# anything else could read back as a number (1e3, 0x1f, 1_000, 12:30).
_UNIT = re.compile(r"^\d+(?:\.\d+)?(?:ns|us|ms|s|m|h|Ki|Mi|Gi|Ti|Pi|k|M|G|T)(?:\d+(?:ms|s|m|h))*$")
# Words a YAML 1.1 loader (PyYAML, yamllint) turns into booleans or null, in each spelling it accepts.
_WORDS = ("y", "n", "yes", "no", "on", "off", "true", "false", "null", "~")
_RESERVED = frozenset(s for w in _WORDS for s in (w, w.capitalize(), w.upper()))
_FLOW_WIDTH = 90


class Comment(str):
    """A mapping key that is written as a comment line above the next key."""


@dataclass(frozen=True)
class Inline:
    value: Any
    comment: str


@dataclass(frozen=True)
class Block:
    """A literal block scalar (``|``): user data, scripts, embedded config files."""

    text: str


@dataclass(frozen=True)
class Style:
    indent: int = 2
    #: ``key:\n  - item`` (True) or ``key:\n- item`` (False, kubectl's and ruamel's default).
    indent_sequences: bool = True
    #: Short lists of scalars as ``[a, b]``.
    flow_lists: bool = False
    #: Small mappings inside a list as ``- {key: a, operator: In, values: [b]}``.
    flow_maps: bool = False
    #: How strings that could be plain are written: "" (plain), '"' or "'".
    quote: str = ""
    newline: str = "\n"
    comments: bool = True


def document(node: dict[str, Any], style: Style) -> str:
    """One document's text (no ``---``), every line ended by ``style.newline``."""
    return "".join(line + style.newline for line in _mapping(node, 0, style))


def scalar(value: Any, style: Style, *, flow: bool = False) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    if not isinstance(value, str):
        raise TypeError(f"not a scalar: {value!r}")
    if not _plain(value) or (flow and ":" in value):
        return json.dumps(value)
    if style.quote == "'":
        return f"'{value}'"
    if style.quote == '"':
        return json.dumps(value)
    return value


def _plain(value: str) -> bool:
    if value[:1].isdigit():
        return _UNIT.match(value) is not None
    return _PLAIN.match(value) is not None and value not in _RESERVED


def _is_scalar(value: Any) -> bool:
    return isinstance(value, str | int | float | bool)


def _tail(comment: str | None, style: Style) -> str:
    return f" # {comment}" if comment and style.comments else ""


def _mapping(node: dict[str, Any], col: int, style: Style) -> Iterator[str]:
    pad = " " * col
    for key, value in node.items():
        if isinstance(key, Comment):
            if style.comments:
                yield f"{pad}# {key}"
            continue
        note = None
        if isinstance(value, Inline):
            value, note = value.value, value.comment
        yield from _entry(f"{pad}{key}:", value, col, style, _tail(note, style))


def _entry(head: str, value: Any, col: int, style: Style, tail: str) -> Iterator[str]:
    if _is_scalar(value):
        yield f"{head} {scalar(value, style)}{tail}"
    elif isinstance(value, Block):
        yield f"{head} |{tail}"
        inner = " " * (col + style.indent)
        yield from (inner + line if line else "" for line in value.text.splitlines())
    elif isinstance(value, dict):
        if not value:
            yield f"{head} {{}}{tail}"
            return
        yield head + tail
        yield from _mapping(value, col + style.indent, style)
    elif isinstance(value, list):
        flow = _flow_list(value, style)
        if flow is not None:
            yield f"{head} {flow}{tail}"
            return
        yield head + tail
        yield from _sequence(value, col + (style.indent if style.indent_sequences else 0), style)
    else:
        raise TypeError(f"cannot write {value!r}")


def _flow_list(items: list[Any], style: Style) -> str | None:
    if not items:
        return "[]"
    if not style.flow_lists or not all(_is_scalar(i) for i in items):
        return None
    text = "[" + ", ".join(scalar(i, style, flow=True) for i in items) + "]"
    return text if len(text) <= _FLOW_WIDTH else None


def _flow_map(node: dict[str, Any], style: Style) -> str | None:
    parts = []
    for key, value in node.items():
        if isinstance(key, Comment) or isinstance(value, Inline | Block):
            return None
        if _is_scalar(value):
            parts.append(f"{key}: {scalar(value, style, flow=True)}")
        elif isinstance(value, list) and all(_is_scalar(i) for i in value):
            parts.append(f"{key}: [" + ", ".join(scalar(i, style, flow=True) for i in value) + "]")
        else:
            return None
    text = "{" + ", ".join(parts) + "}"
    return text if len(text) <= _FLOW_WIDTH else None


def _sequence(items: list[Any], col: int, style: Style) -> Iterator[str]:
    pad = " " * col
    for item in items:
        if _is_scalar(item):
            yield f"{pad}- {scalar(item, style)}"
        elif isinstance(item, dict):
            flow = _flow_map(item, style) if style.flow_maps else None
            if flow is not None:
                yield f"{pad}- {flow}"
                continue
            # The item's keys line up after "- "; its first key shares the dash's line.
            lines = list(_mapping(item, col + 2, style))
            yield f"{pad}- {lines[0][col + 2 :]}"
            yield from lines[1:]
        else:
            raise TypeError(f"cannot write a list item {item!r}")


def stream(
    documents: list[dict[str, Any]], style: Style, *, header: str | None = None, start: bool = False
) -> str:
    """A file: an optional header comment, then the documents separated by ``---`` lines."""
    nl = style.newline
    parts = [f"# {header}{nl}"] if header and style.comments else []
    for i, node in enumerate(documents):
        if i or start:
            parts.append(f"---{nl}")
        parts.append(document(node, style))
    return "".join(parts)


def plain(node: Any) -> Any:
    """What a YAML loader reads back from the text of ``node``: markers and comments gone."""
    if isinstance(node, Inline):
        return plain(node.value)
    if isinstance(node, Block):
        return node.text
    if isinstance(node, dict):
        return {k: plain(v) for k, v in node.items() if not isinstance(k, Comment)}
    if isinstance(node, list):
        return [plain(i) for i in node]
    return node
