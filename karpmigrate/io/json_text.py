"""Write an edited JSON document back from its original text, changing only the values that changed.

ruamel reads a JSON document as YAML flow collections and can only write those back on one line, and
``json.dumps`` of the whole tree re-formats every line a person laid out by hand. So the original text is
scanned once for the span of every value (Python's ``json`` gives no positions), and the new value is
written by copying the original slice wherever the value at the same path did not change; only the
collections on the way to a change are rebuilt, with the original's key texts, separators and line
layout, and their unchanged children still copied byte for byte.

A collection written on one line stays on one line; a multi-line one keeps one entry per line at its
original indentation. New values follow their parent: inline in a one-line collection, pretty-printed
with the document's indent in a multi-line one. Text that is not plain JSON (YAML comments inside,
single quotes, ``NaN``) is not scanned: it is rendered with ``json.dumps`` as before, and
``dump_document``'s line splice keeps what it can.

Pure: no I/O, nothing but ``str`` in and out.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, replace
from typing import Any

Path = tuple[str | int, ...]

_BREAK = r"(?:\r\n|\r|\n)"
# Blanks, then a YAML comment that starts a line or follows a blank (`x#y` is not a comment).
_REST_OF_LINE = r"[ \t]*(?:(?<![^ \t\r\n])#[^\r\n]*)?"
# What a YAML file may hold before a JSON document: comment lines, then a `---` marker line (the value
# may follow the marker on its line), then more comment lines. Same shape as yaml._JSON_START.
_PREFIX = re.compile(
    rf"\ufeff?(?:{_REST_OF_LINE}{_BREAK})*"
    rf"(?:---(?:{_REST_OF_LINE}{_BREAK}(?:{_REST_OF_LINE}{_BREAK})*|[ \t]+))?[ \t]*"
)
# After the value: a comment on its line, then comment lines and `...` end markers.
_SUFFIX = re.compile(rf"{_REST_OF_LINE}(?:{_BREAK}(?:\.\.\.)?{_REST_OF_LINE})*")
_SPACE = re.compile(r"[ \t\r\n]*")
_STRING = re.compile(r'"(?:[^"\\\x00-\x1f]|\\[^\x00-\x1f])*"')
_SCALAR = re.compile(r"-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][-+]?[0-9]+)?|true|false|null")
_LINE_START = re.compile(r"[\r\n]")


class _Unscannable(Exception):
    """The text is not plain JSON: render the document the old way."""


@dataclass(frozen=True, slots=True)
class Span:
    """Where one value of the original text is, and how it and its entries are laid out.

    ``lead``, ``key``, ``colon`` and ``first`` describe the value as an entry of its parent; ``head``,
    ``between`` and ``close`` describe a collection's own layout, so that a rebuilt collection keeps
    its original whitespace.
    """

    start: int
    end: int
    #: The decoded original value (compared with the new one to decide whether to copy the slice).
    value: Any
    one_line: bool
    #: Text between the previous ``{``, ``[`` or ``,`` and this entry (its key, in a mapping).
    lead: str = ""
    #: The key as written (its escapes kept); mapping entries only.
    key: str = ""
    #: Text from the end of the key to the start of the value, the ``:`` included.
    colon: str = ""
    #: Whether this entry came first in its collection (its lead follows a bracket, not a comma).
    first: bool = False
    #: The first entry's lead (None when the collection is empty).
    head: str | None = None
    #: The second entry's lead, the usual text after a comma (None with fewer than two entries).
    between: str | None = None
    #: Text between the last entry (or the opening bracket) and the closing bracket.
    close: str = ""


@dataclass(frozen=True, slots=True)
class _Entry:
    """Where a value sits in its parent, handed down while scanning (the entry fields of ``Span``)."""

    lead: str = ""
    key: str = ""
    colon: str = ""
    first: bool = False


class _Scanner:
    """A recursive-descent scan of JSON text recording the ``Span`` of every value by path."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.spans: dict[Path, Span] = {}
        #: The first separators seen on one line: the defaults for collections that show none.
        self.colon: str | None = None
        self.between: str | None = None

    def _space(self, pos: int) -> int:
        match = _SPACE.match(self.text, pos)
        return match.end() if match else pos

    def _token(self, pattern: re.Pattern[str], pos: int) -> tuple[Any, int]:
        """The decoded token at ``pos`` (``json.loads`` of its slice) and its end."""
        match = pattern.match(self.text, pos)
        if match is None:
            raise _Unscannable(pos)
        try:
            return json.loads(match.group()), match.end()
        except ValueError:
            raise _Unscannable(pos) from None

    def _expect(self, char: str, pos: int) -> int:
        if not self.text.startswith(char, pos):
            raise _Unscannable(pos)
        return pos + 1

    def value(self, pos: int, path: Path, entry: _Entry) -> int:
        """Scan the value at ``pos``, record its span under ``path``; the position after it."""
        char = self.text[pos : pos + 1]
        if char in ("{", "["):
            return self._collection(pos, path, entry)
        decoded, end = self._token(_STRING if char == '"' else _SCALAR, pos)
        self._record(path, Span(pos, end, decoded, True), entry)
        return end

    def _record(self, path: Path, span: Span, entry: _Entry) -> None:
        if path in self.spans:
            raise _Unscannable(f"duplicate key at {span.start}")
        self.spans[path] = replace(span, lead=entry.lead, key=entry.key, colon=entry.colon, first=entry.first)

    def _collection(self, start: int, path: Path, entry: _Entry) -> int:
        mapping = self.text[start] == "{"
        closer = "}" if mapping else "]"
        value: dict[str, Any] | list[Any] = {} if mapping else []
        leads: list[str] = []
        after = start + 1
        pos = self._space(after)
        while not self.text.startswith(closer, pos):
            if leads:
                after = self._expect(",", pos)
                pos = self._space(after)
            leads.append(self.text[after:pos])
            first = len(leads) == 1
            if isinstance(value, dict):
                key, key_end = self._token(_STRING, pos)
                value_start = self._space(self._expect(":", self._space(key_end)))
                child = _Entry(leads[-1], self.text[pos:key_end], self.text[key_end:value_start], first)
                key_path: Path = (*path, key)
                after = self.value(value_start, key_path, child)
                value[key] = self.spans[key_path].value
            else:
                child_path: Path = (*path, len(value))
                after = self.value(pos, child_path, _Entry(leads[-1], first=first))
                value.append(self.spans[child_path].value)
            pos = self._space(after)
        return self._close(start, pos, path, entry, value, leads, after)

    def _close(
        self, start: int, pos: int, path: Path, entry: _Entry, value: Any, leads: list[str], after: int
    ) -> int:
        """Record the collection that ends at ``pos`` (its closing bracket) and its layout."""
        end = pos + 1
        one_line = _LINE_START.search(self.text, start, end) is None
        head = leads[0] if leads else None
        between = leads[1] if len(leads) > 1 else None
        span = Span(start, end, value, one_line, head=head, between=between, close=self.text[after:pos])
        self._record(path, span, entry)
        if one_line and between is not None and self.between is None:
            self.between = between
        if one_line and isinstance(value, dict) and value and self.colon is None:
            first_path: Path = (*path, next(iter(value)))
            self.colon = self.spans[first_path].colon
        return end


def _same(new: Any, old: Any) -> bool:
    """Equal and of the same types all the way down, key order included (``True == 1`` is not enough)."""
    if type(new) is not type(old):
        return False
    if isinstance(new, dict):
        return len(new) == len(old) and all(
            a == b and _same(x, y) for (a, x), (b, y) in zip(new.items(), old.items(), strict=True)
        )
    if isinstance(new, list):
        return len(new) == len(old) and all(_same(x, y) for x, y in zip(new, old, strict=True))
    return bool(new == old)


def _indent_of(lead: str) -> str | None:
    """The indentation a lead ends with, when it starts a new line."""
    parts = _LINE_START.split(lead)
    return parts[-1] if len(parts) > 1 else None


@dataclass(frozen=True, slots=True)
class _Layout:
    """How one rebuilt collection is written: its brackets' whitespace and its entries' indentation."""

    head: str
    between: str
    close: str
    #: The indentation of the entries' lines (where new multi-line values are indented from).
    inner: str
    #: Whether the entries go one per line (new child collections are pretty-printed then).
    block: bool


class _Writer:
    """Writes a new plain value, copying the original text wherever the value at a path is unchanged."""

    def __init__(self, scan: _Scanner, indent: int | None) -> None:
        self.text = scan.text
        self.spans = scan.spans
        self.unit = " " * indent if indent else ""
        self.newline = "\r\n" if "\r\n" in scan.text else "\n"
        observed_colon, observed_between = scan.colon, scan.between
        if observed_colon is None or _LINE_START.search(observed_colon):
            observed_colon = ":" if observed_between == "" else ": "
        self.colon = observed_colon
        self.between = observed_between if observed_between is not None else " " * (self.colon != ":")

    def value(self, new: Any, path: Path, outer: str, block: bool) -> str:
        """``new`` as text; ``outer`` is the indentation of its line, ``block`` its parent's layout."""
        span = self.spans.get(path)
        if span is not None and _same(new, span.value):
            return self.text[span.start : span.end]
        if span is not None and isinstance(new, (dict, list)) and type(new) is type(span.value) and new:
            return self._rebuild(new, path, span, outer, block)
        return self._fresh(new, outer, block)

    def _fresh(self, new: Any, outer: str, block: bool) -> str:
        if block and self.unit and isinstance(new, (dict, list)) and new:
            text = json.dumps(new, indent=len(self.unit), separators=(",", self.colon), ensure_ascii=False)
            return text.replace("\n", self.newline + outer)
        return json.dumps(new, separators=("," + self.between, self.colon), ensure_ascii=False)

    def _layout(self, span: Span, outer: str, block: bool) -> _Layout:
        if span.head is None:
            # Empty in the original: no layout of its own, so it follows its parent.
            inner = outer + self.unit
            if block and self.unit:
                lead = self.newline + inner
                return _Layout(lead, lead, self.newline + outer, inner, True)
            return _Layout("", self.between, "", inner, False)
        if span.one_line:
            between = self.between if span.between is None else span.between
            return _Layout(span.head, between, span.close, outer + self.unit, False)
        # Entries on lines of their own are indented as the original's; entries that share the
        # brackets' lines (`[{` ... `}, {` ... `}]`) are indented as the collection's own line.
        indents = [i for i in map(_indent_of, (span.head, span.between or "")) if i is not None]
        inner = indents[0] if indents else outer
        between = span.between if span.between is not None else (span.head if indents else self.between)
        return _Layout(span.head, between, span.close, inner, True)

    def _rebuild(
        self, new: dict[str, Any] | list[Any], path: Path, span: Span, outer: str, block: bool
    ) -> str:
        """A collection that changed, in its original layout; its unchanged entries keep their bytes."""
        layout = self._layout(span, outer, block)
        parts = ["{" if isinstance(new, dict) else "["]
        for position, (child, key_text, child_path, item) in enumerate(self._entries(new, path, span)):
            parts += [self._lead(position, child, layout), key_text]
            parts.append(self.value(item, child_path, layout.inner, layout.block))
        parts += [layout.close, "}" if isinstance(new, dict) else "]"]
        return "".join(parts)

    def _entries(
        self, new: dict[str, Any] | list[Any], path: Path, span: Span
    ) -> list[tuple[Span | None, str, Path, Any]]:
        """Per entry: its original span at the same place, its key text, where its value came from, it."""
        if isinstance(new, list):
            return [
                (self.spans.get((*path, index)), "", self._equal_item(item, span, path, index), item)
                for index, item in enumerate(new)
            ]
        entries: list[tuple[Span | None, str, Path, Any]] = []
        for key, item in new.items():
            child_path: Path = (*path, key)
            child = self.spans.get(child_path)
            key_text = child.key + child.colon if child else json.dumps(key, ensure_ascii=False) + self.colon
            entries.append((child, key_text, child_path, item))
        return entries

    @staticmethod
    def _lead(position: int, child: Span | None, layout: _Layout) -> str:
        """The text before an entry: the collection's head, else a comma and the entry's own lead."""
        if position == 0:
            return layout.head
        if child is not None and not child.first:
            return "," + child.lead
        return "," + layout.between

    def _equal_item(self, item: Any, span: Span, path: Path, index: int) -> Path:
        """Where to take a list item from: its own index, or an equal original item (one was removed)."""
        old = span.value
        assert isinstance(old, list)
        if index < len(old) and _same(item, old[index]):
            return (*path, index)
        for other, candidate in enumerate(old):
            if _same(item, candidate):
                return (*path, other)
        return (*path, index)


def _fallback(new: Any, indent: int | None) -> str:
    """The renderer before this module: the whole value re-written by ``json.dumps``."""
    return json.dumps(new, indent=indent or None, ensure_ascii=False) + "\n"


def _line_indent(text: str, pos: int) -> str:
    """The indentation of the line the document's value starts on ("" after ``--- ``)."""
    line = text[max(text.rfind("\n", 0, pos), text.rfind("\r", 0, pos)) + 1 : pos]
    return line if not line.strip(" \t") else ""


def render_json(original: str, new: Any, indent: int | None) -> str:
    """``new`` (plain JSON data) written in the layout of ``original``, whose bytes are kept.

    The text before the document's value (comments, ``---``) and after it (the final line break)
    is kept. ``indent`` is the document's indentation step, for new multi-line values (0 or None:
    new values go on one line). When ``original`` is not plain JSON, the result is ``json.dumps`` of
    ``new`` alone, as ``dump_document`` rendered JSON documents before.
    """
    prefix = _PREFIX.match(original)
    start = prefix.end() if prefix else 0
    scanner = _Scanner(original)
    try:
        end = scanner.value(start, (), _Entry(first=True))
    except (_Unscannable, RecursionError):
        return _fallback(new, indent)
    if not _SUFFIX.fullmatch(original, end):
        return _fallback(new, indent)
    body = _Writer(scanner, indent).value(new, (), _line_indent(original, start), bool(indent))
    return original[:start] + body + original[end:]


__all__ = ["Span", "render_json"]
