"""Write an edited document back by patching its text, not by re-rendering it (issue 6, P3).

``io.yaml.dump_document`` renders the whole tree twice with ruamel (as parsed and as edited) and splices
the lines that differ into the original text: about 4 ms for a 50-line Karpenter object. For a document
built by libyaml (``ParsedDocument.fast``, comment records included) the edit is applied to the text
directly, because libyaml gives the exact span of every node and the comment records say which lines
belong to which entry (ruamel keeps the comment lines after an entry on its last scalar):

- a scalar that changed is replaced in its span: the rest of its line keeps its bytes, an end-of-line
  comment keeps its column (as ruamel writes it);
- a key that was removed takes its lines with it (its comment lines too);
- a key that was added is rendered alone in the document's style (``_Emitter``, or ruamel through
  ``io.yaml.render_fragment`` for what the emitter does not write) and indented to its mapping's column;
- comment lines that moved (``io.paths`` hands them from entry to entry) are rewritten where they were
  and where they go;
- anything else (a value changing shape, a flow collection or a sequence changing length, the first key
  of a ``- key: value`` item removed) is rendered for that entry alone, as it was and as it is, and the
  lines that differ are spliced in exactly as the full path does (``io.yaml.splice``).

The result is then read back with libyaml and must hold the edited tree (keys in order, values, the kind
of each scalar); otherwise, or for a document without a final line break, ``patch_text`` returns None and
the caller takes the full path. tests/io/test_patch.py checks the bytes against the full path on every
convert fixture, the P3 corpus and generated edits.
"""

from __future__ import annotations

import re
from copy import deepcopy
from typing import Any

from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import CommentMark
from ruamel.yaml.scalarstring import DoubleQuotedScalarString, SingleQuotedScalarString
from ruamel.yaml.tokens import CommentToken

from karpmigrate.io import fastyaml
from karpmigrate.io.paths import get
from karpmigrate.io.yaml import splice


class _Decline(Exception):
    pass


class Span:
    """A node of the original text: where it starts and ends (0-based line, column), and what it holds."""

    __slots__ = (
        "kind",
        "start",
        "end",
        "value",
        "style",
        "flow",
        "entries",
        "items",
        "tails",
        "header",
        "before",
        "closing",
        "path",
    )

    def __init__(self, kind: str, start: tuple[int, int], *, flow: bool = False) -> None:
        self.kind = kind
        self.start = start
        self.end = start
        self.value: Any = None
        self.style: str | None = None
        self.flow = flow
        #: map: key -> (key start, value span), in order.
        self.entries: dict[str, tuple[tuple[int, int], Span]] = {}
        self.items: list[Span] = []
        #: key or index -> (text, column) of ruamel's comment token after that entry's scalar.
        self.tails: dict[Any, tuple[str, int]] = {}
        #: The comments before the first entry: (end-of-line comment of the key, comment lines).
        self.header: tuple[str | None, tuple[str, ...]] | None = None
        #: key -> comment lines above it that ruamel keeps on the key (after a flow collection).
        self.before: dict[Any, tuple[str, ...]] = {}
        #: Comment lines after the collection's last entry that ruamel keeps on it (``ca.end``).
        self.closing: tuple[str, ...] = ()
        #: Where the node sits in the document (set when it is placed in its collection).
        self.path: tuple[Any, ...] = ()

    def __contains__(self, key: object) -> bool:
        return key in self.entries

    def __len__(self) -> int:
        return len(self.entries) if self.kind == "map" else len(self.items)


class _Spans(fastyaml.Flavor):
    comments = True

    def before_key(self, mapping: Any, key: Any, lines: list[tuple[str, int, int]]) -> None:
        if lines:
            mapping.before[key] = tuple(line[0] for line in lines)

    def end_comments(self, node: Any, lines: list[tuple[str, int, int]], owner: Any, key: Any) -> bool:
        node.closing = tuple(line[0] for line in lines)
        return False

    def __init__(self, typed: fastyaml.Flavor) -> None:
        self.typed = typed

    def tail(self, holder: Any, key: Any, text: str, line: int, column: int, flow: Any = None) -> None:
        holder.tails[key] = (text, column)

    def header(
        self,
        holder: Any,
        key: Any,
        value: Any,
        eol: tuple[str, int, int] | None,
        lines: list[tuple[str, int, int]],
    ) -> None:
        target = holder if key is None else value
        target.header = (eol[0] if eol else None, tuple(line[0] for line in lines))
        if eol is not None:
            # ruamel keeps the key's end-of-line comment at the key's entry too (io/paths.py slot 2).
            holder.tails[key] = (eol[0], eol[2])

    def scalar(self, event: Any) -> Any:
        span = Span("scalar", (event.start_mark.line, event.start_mark.column))
        span.end = (event.end_mark.line, event.end_mark.column)
        span.value = self.typed.scalar(event)
        span.style = event.style or None
        return span

    def key_of(self, value: Any) -> Any:
        return value.value if isinstance(value, Span) and isinstance(value.value, str) else None

    def is_mapping(self, node: Any) -> bool:
        return isinstance(node, Span) and node.kind == "map"

    def mapping(self, line: int, col: int, flow: bool) -> Any:
        return Span("map", (line, col), flow=flow)

    def sequence(self, line: int, col: int, flow: bool) -> Any:
        return Span("seq", (line, col), flow=flow)

    def set_key(self, mapping: Any, key: Any, value: Any, where: list[int]) -> None:
        mapping.entries[key] = ((where[0], where[1]), value)
        value.path = (*mapping.path, key)

    def append(self, sequence: Any, value: Any, where: list[int]) -> None:
        value.path = (*sequence.path, len(sequence.items))
        sequence.items.append(value)

    def finish(self, node: Any, flow: bool, end: Any) -> None:
        node.end = (end.line, end.column)


def _is_collection(value: Any) -> bool:
    return isinstance(value, (dict, list))


def _flow(value: Any) -> bool:
    fa = getattr(value, "fa", None)
    return bool(fa is not None and fa.flow_style())


def _same_scalar(old: Any, new: Any) -> bool:
    return type(old) is type(new) and old == new


def _token(container: Any, key: Any) -> tuple[str, int] | None:
    """(text, column) of ruamel's comment token after ``container[key]``'s scalar (io/paths.py slots)."""
    ca = getattr(container, "ca", None)
    entry = ca.items.get(key) if ca is not None else None
    token = entry[0 if isinstance(container, list) else 2] if entry else None
    return None if token is None else (token.value, token.column)


def _before(container: Any, key: Any) -> tuple[str, ...]:
    ca = getattr(container, "ca", None)
    entry = ca.items.get(key) if ca is not None else None
    tokens = entry[1] if entry and not isinstance(container, list) else None
    return tuple(t.value for t in tokens) if tokens else ()


def _closing(value: Any) -> tuple[str, ...]:
    ca = getattr(value, "ca", None)
    return tuple(t.value for t in ca.end) if ca is not None and ca.end else ()


def _header(value: Any) -> tuple[str | None, tuple[str, ...]] | None:
    ca = getattr(value, "ca", None)
    comment = ca.comment if ca is not None else None
    if not comment or (comment[0] is None and not comment[1:2] and not (len(comment) > 1 and comment[1])):
        return None
    eol = comment[0].value if comment[0] is not None else None
    lines = tuple(t.value for t in (comment[1] or [])) if len(comment) > 1 else ()
    return None if eol is None and not lines else (eol, lines)


def _entries(span: Span) -> list[tuple[Any, Span]]:
    return (
        [(k, v) for k, (_, v) in span.entries.items()] if span.kind == "map" else list(enumerate(span.items))
    )


def _tail_lines(container: Span, key: Any) -> int:
    """Whole lines of ruamel's token after the entry (kept on its deepest last scalar)."""
    node = container.entries[key][1] if container.kind == "map" else container.items[key]
    while node.kind != "scalar" and not node.flow and (node.entries or node.items):
        container = node
        key = list(node.entries)[-1] if node.kind == "map" else len(node.items) - 1
        node = container.entries[key][1] if node.kind == "map" else container.items[key]
    tail = container.tails.get(key)
    return 0 if tail is None else tail[0].count("\n") - 1


def _inner_closings(node: Span) -> int:
    """Comment lines kept at the end of the block collections ``node`` ends with (not its own)."""
    total = 0
    while node.kind != "scalar" and not node.flow and (node.entries or node.items):
        node = list(node.entries.values())[-1][1] if node.kind == "map" else node.items[-1]
        total += len(node.closing)
    return total


def _same_tails(span: Span, value: Any) -> bool:
    if span.kind == "map" and any(span.before.get(k, ()) != _before(value, k) for k in span.entries):
        return False
    return all(span.tails.get(k) == _token(value, k) for k, _ in _entries(span)) and not any(
        _token(value, k) is not None and k not in span.tails
        for k in (value if isinstance(value, dict) else range(len(value)))
    )


def _equal(span: Span, value: Any) -> bool:
    """The original node and the edited value are the same (data, scalar types, flow style, comments)."""
    if span.kind == "scalar":
        return not _is_collection(value) and _same_scalar(span.value, value)
    if span.flow != _flow(value) or span.header != _header(value) or span.closing != _closing(value):
        return False
    if span.kind == "map":
        if not isinstance(value, CommentedMap) or list(span.entries) != list(value):
            return False
    elif not isinstance(value, CommentedSeq) or len(span.items) != len(value):
        return False
    if not _same_tails(span, value):
        return False
    return all(_equal(child, value[k]) for k, child in _entries(span))


def same_tree(check: Any, edited: Any) -> bool:
    """The patched text read back (``check``, a light tree) holds the edited tree: key order, values,
    and what kind of scalar each is. Quoting is left to the writer (ruamel quotes ``"123"``)."""
    if isinstance(edited, dict):
        if not isinstance(check, dict) or list(check) != list(edited):
            return False
        return all(same_tree(check[k], edited[k]) for k in edited)
    if isinstance(edited, list):
        if not isinstance(check, list) or len(check) != len(edited):
            return False
        return all(same_tree(c, e) for c, e in zip(check, edited, strict=True))
    if isinstance(edited, str):
        return isinstance(check, str) and str(check) == str(edited)
    if isinstance(edited, bool) or isinstance(check, bool):
        return type(check) is type(edited) is bool and check == edited
    if isinstance(edited, int):
        return isinstance(check, int) and int(check) == int(edited)
    return bool(check == edited)


# A string ruamel writes as it is: starts with a letter, then only characters that cannot start or end
# anything else in a plain scalar, and no word that YAML 1.1 readers take for a boolean or null.
_PLAIN = re.compile(r"[A-Za-z][A-Za-z0-9_./@-]*\Z")
# Quantities and durations (100Mi, 720h, 1m30s): a digit first, a letter somewhere, and no number format.
_UNITS = re.compile(r"[0-9][A-Za-z0-9.]*[A-Za-z][A-Za-z0-9.]*\Z")
_KEYWORDS = frozenset({"y", "n", "yes", "no", "on", "off", "true", "false", "null"})
_QUOTABLE = re.compile(r"[ -!#-\[\]-~]*\Z")


def _scalar_text(value: Any) -> str | None:
    """How ruamel writes a one-line scalar, for the common cases; None: ask ruamel."""
    if type(value) is str:
        if _PLAIN.match(value) and value.lower() not in _KEYWORDS:
            return value
        if _UNITS.match(value) and not fastyaml.looks_numeric(value):
            return value
        return None
    if type(value) is bool:
        return "true" if value else "false"
    if type(value) is int:
        return str(value)
    if type(value) is DoubleQuotedScalarString and _QUOTABLE.match(value):
        return f'"{value}"'
    if type(value) is SingleQuotedScalarString and _QUOTABLE.match(value) and "'" not in value:
        return f"'{value}'"
    return None


def _flow_text(value: Any) -> str | None:
    """A flow collection on one line, as ruamel writes it (``[a, b]``, ``{k: v}``)."""
    if isinstance(value, dict):
        parts = []
        for key, item in value.items():
            key_text, item_text = _scalar_text(key), _inline(item, nested=True)
            if key_text is None or item_text is None:
                return None
            parts.append(f"{key_text}: {item_text}")
        return "{" + ", ".join(parts) + "}"
    texts = [_inline(item, nested=True) for item in value]
    return None if any(t is None for t in texts) else "[" + ", ".join(texts) + "]"  # type: ignore[arg-type]


def _inline(value: Any, nested: bool = False) -> str | None:
    if _is_collection(value):
        # ruamel spaces flow collections nested in flow collections by the indentation settings.
        return _flow_text(value) if value and not nested else None
    return _scalar_text(value)


class _Emitter:
    """ruamel's block layout for the small values rules add (a kubelet block, a nodeClassRef, a
    duration): a ruamel dump costs 0.2 ms however small the value, this a few microseconds. None for
    anything else (empty collections, nulls, strings that need quoting): ruamel renders those."""

    def __init__(self, style: Any) -> None:
        self.mapping_step = style.mapping
        self.offset = style.offset
        self.sequence = style.sequence

    def entries(self, mapping: Any, col: int) -> list[str] | None:
        ca = getattr(mapping, "ca", None)
        if ca is not None and ca.end:
            return None
        out: list[str] = []
        for key, value in mapping.items():
            key_text = _scalar_text(key)
            slots = ca.items.get(key) if ca is not None else None
            lines = None if key_text is None else self.entry(key_text, value, col, slots)
            if lines is None:
                return None
            out += lines
        return out

    def entry(self, key: str, value: Any, col: int, slots: list[Any] | None) -> list[str] | None:
        head = " " * col + key + ":"
        eol = slots[2] if slots else None
        if slots and (slots[0] is not None or slots[1] is not None):
            return None
        if not _is_collection(value) or _flow(value):
            text = _inline(value)
            if text is None or (slots and slots[3]):
                return None
            return _attach(f"{head} {text}\n", eol)
        if not value:
            return None
        lines = _attach(head + "\n", eol)
        above = slots[3] if slots and len(slots) > 3 else None
        if lines is None or not _same_header(above, value):
            return None
        if above and eol is not None:
            return None
        for token in above or ():
            if not token.value.endswith("\n"):
                return None
            lines.append(" " * token.column + token.value)
        if isinstance(value, dict):
            inner = self.entries(value, col + self.mapping_step)
        else:
            inner = self.items(value, col)
        return None if inner is None else lines + inner

    def items(self, sequence: Any, col: int) -> list[str] | None:
        dash, at = col + self.offset, col + self.sequence
        lead = " " * dash + "-" + " " * (at - dash - 1)
        ca = getattr(sequence, "ca", None)
        if ca is not None and ca.end:
            return None
        out: list[str] = []
        for index, item in enumerate(sequence):
            slots = ca.items.get(index) if ca is not None else None
            if slots and any(slot is not None for slot in slots[1:]):
                return None
            if isinstance(item, dict) and item and not _flow(item):
                if slots and slots[0] is not None or _header_of(item):
                    return None
                inner = self.entries(item, at)
                if inner is None:
                    return None
                out += [lead + inner[0][at:], *inner[1:]]
            else:
                text = None if isinstance(item, list) and not _flow(item) else _inline(item)
                lines = None if text is None else _attach(lead + text + "\n", slots[0] if slots else None)
                if lines is None:
                    return None
                out += lines
        return out


def _attach(line: str, token: Any) -> list[str] | None:
    """``line`` followed by ruamel's comment token as ruamel writes it (emitter.write_comment)."""
    if token is None:
        return [line]
    text = token.value
    if not text.endswith("\n"):
        return None
    if text.startswith("#"):
        base = line[:-1]
        first, _, rest = text.partition("\n")
        return [base + " " * max(1, token.column - len(base)) + first + "\n", *rest.splitlines(keepends=True)]
    if text.startswith("\n"):
        return [line, *text[1:].splitlines(keepends=True)]
    return None


def _header_of(value: Any) -> bool:
    ca = getattr(value, "ca", None)
    return bool(ca is not None and ca.comment and any(ca.comment))


def _same_header(above: list[Any] | None, value: Any) -> bool:
    """The owner's slot and the collection's own record hold the same comment lines (io/paths.py
    keeps them in step); otherwise let ruamel decide what it writes."""
    ca = getattr(value, "ca", None)
    comment = ca.comment if ca is not None else None
    own = list(comment[1] or []) if comment and len(comment) > 1 else []
    return [t.value for t in above or []] == [t.value for t in own]


class _Patcher:
    def __init__(self, text: str, style: Any, render: Any, typed: fastyaml.Flavor) -> None:
        self.typed = typed
        self._original: Any = None
        self.text = text
        self.style = style
        self.render = render
        self.newline = style.newline
        self.offsets = [0]
        for line in text.splitlines(keepends=True):
            self.offsets.append(self.offsets[-1] + len(line))
        self.edits: list[tuple[int, int, str]] = []
        self.emitter = _Emitter(style)

    # ------------------------------------------------------------ positions

    def off(self, line: int, col: int = 0) -> int:
        return self.offsets[line] + col

    def last_line(self, span: Span) -> int:
        """The last line holding part of ``span``."""
        if span.kind == "scalar" or span.flow:
            line, col = span.end
            return line if col > 0 or span.end == span.start else line - 1
        children = [v for _, v in span.entries.values()] if span.kind == "map" else span.items
        return max(self.last_line(child) for child in children)

    def starts_line(self, where: tuple[int, int]) -> bool:
        return not self.text[self.off(where[0]) : self.off(*where)].strip(" ")

    def lines_of(self, mapping: Span, key: str) -> tuple[int, int]:
        """The entry's lines: its key's line to the line of the next token (its comment lines too)."""
        start, value = mapping.entries[key]
        first = start[0] - len(mapping.before.get(key, ()))
        return first, self.closing_line(mapping, key) + len(value.closing)

    def closing_line(self, mapping: Span, key: str) -> int:
        """The first line after the entry's content, the comment lines kept on its last scalar, and those
        kept at the end of the collections it ends with (``ca.end``), its own ones excepted."""
        _, value = mapping.entries[key]
        return self.last_line(value) + 1 + _tail_lines(mapping, key) + _inner_closings(value)

    # ------------------------------------------------------------ rendering

    def fragment(self, entries: dict[Any, Any], column: int, source: Any, prefix: str | None = None) -> str:
        """``key: value`` lines for ``entries`` of ``source`` at ``column`` (the first after ``prefix``),
        with the comment tokens ``source`` keeps for them."""
        mapping = CommentedMap()
        for key, value in entries.items():
            mapping[key] = value
            entry = source.ca.items.get(key)
            if entry:
                mapping.ca.items[key] = entry
        if _has_comments(mapping):
            # Comment tokens hold their lines at absolute columns: move them to column 0 with the
            # entries, so that the indentation added below puts everything back in place.
            mapping = _dedented(mapping, column)
        fast = self.emitter.entries(mapping, 0)
        if fast is not None:
            lines = [line.replace("\r\n", "\n").replace("\n", self.newline) for line in fast]
        else:
            lines = self.render(mapping).splitlines(keepends=True)
        pad = " " * column
        out = [(pad if prefix is None else prefix) + lines[0]] if lines else []
        out += [pad + line if line.strip() else line for line in lines[1:]]
        return "".join(out)

    def scalar(self, value: Any) -> str | None:
        text = _scalar_text(value)
        if text is not None:
            return text
        rendered: str = self.render(CommentedMap([("k", value)]))
        first, _, rest = rendered.partition(self.newline)
        if rest or not first.startswith("k: "):
            return None
        return first[3:]

    # ------------------------------------------------------------ edits

    def mapping(self, span: Span, new: CommentedMap) -> None:
        if span.flow or _flow(new):
            raise _Decline("flow mapping")
        if span.header != _header(new):
            raise _Decline("comments before the first key changed")
        old_keys = list(span.entries)
        new_keys = list(new)
        kept = [k for k in new_keys if k in span.entries]
        if kept != [k for k in old_keys if k in new]:
            raise _Decline("keys reordered")
        for key in old_keys:
            if key not in new:
                self.delete(span, key)
        for key in kept:
            self.value(span, key, new)
        previous: str | None = None
        pending: dict[Any, Any] = {}
        for key in new_keys:
            if key in span.entries:
                if pending:
                    self.insert(span, previous, pending, new)
                    pending = {}
                previous = key
            else:
                pending[key] = new[key]
        if pending:
            self.insert(span, previous, pending, new)

    def delete(self, span: Span, key: str) -> None:
        start, _ = span.entries[key]
        if not self.starts_line(start):
            raise _Decline("first key of a sequence item")
        first, end = self.lines_of(span, key)
        self.edits.append((self.off(first), self.off(end), ""))

    def insert(self, span: Span, previous: str | None, entries: dict[Any, Any], new: Any) -> None:
        if previous is None:
            start, _ = next(iter(span.entries.values()))
            if not self.starts_line(start):
                raise _Decline("before the first key of a sequence item")
            at = start[0]
        else:
            at = self.lines_of(span, previous)[1]
        self.edits.append((self.off(at), self.off(at), self.fragment(entries, span.start[1], new)))

    def replace(self, span: Span, key: str, new: Any) -> None:
        start, _ = span.entries[key]
        first, end = self.lines_of(span, key)
        prefix = self.text[self.off(start[0]) : self.off(*start)]
        if first != start[0] and prefix.strip(" "):
            raise _Decline("comment lines above the first key of a sequence item")
        after = self.fragment({key: new[key]}, start[1], new, prefix)
        # As the full path does, for this entry alone: render it as it was too, and splice the lines
        # that differ between the two renders into the text, so that untouched lines keep their bytes
        # however they are spaced (io/yaml.py ``_splice``).
        if self._original is None:
            self._original = fastyaml.build(self.text, self.typed)
        container = get(self._original, span.path)
        before = self.fragment({key: container[key]}, start[1], container, prefix)
        region = self.text[self.off(first) : self.off(end)]
        self.edits.append((self.off(first), self.off(end), splice(region, before, after, self.newline)))

    def value(self, span: Span, key: str, new: Any) -> None:
        _, old = span.entries[key]
        value = new[key]
        if span.before.get(key, ()) != _before(new, key):
            self.replace(span, key, new)
            return
        own = span.tails.get(key) == _token(new, key)
        # A block collection is compared entry by entry on the way down (comparing it whole at every
        # level first would cost its size times its depth).
        if own and (old.kind == "scalar" or old.flow or not _is_collection(value)) and _equal(old, value):
            return
        mark = len(self.edits)
        try:
            if not own:
                # The comment after the value changed (moved, or handed on by io/paths.py).
                self.retail(old, value, span.tails.get(key), _token(new, key))
                return
            if old.closing != _closing(value):
                self.reclose(span, key, value)
            self.change(old, value, span.tails.get(key))
        except _Decline:
            del self.edits[mark:]
            self.replace(span, key, new)

    def reclose(self, span: Span, key: str, value: Any) -> None:
        """The comment lines ruamel kept after the collection's end were taken (io/paths.py moved them
        above a key they belonged to): remove them; anything else takes the full render."""
        if _closing(value):
            raise _Decline("comments after the collection changed")
        _, old = span.entries[key]
        line = self.closing_line(span, key)
        self.edits.append((self.off(line), self.off(line + len(old.closing)), ""))

    def retail(
        self, old: Span, new: Any, before: tuple[str, int] | None, after: tuple[str, int] | None
    ) -> None:
        """Rewrite only the comment text after an unchanged one-line value (its ruamel token)."""
        if not (old.kind == "scalar" or old.flow) or old.style in ("|", ">") or old.start[0] != old.end[0]:
            raise _Decline("comment after a multi-line value changed")
        if not _equal(old, new):
            raise _Decline("value and comment changed")
        line, column = old.end
        extra = before[0].count("\n") - 1 if before is not None else 0
        if after is None:
            text = self.newline
        else:
            text = after[0].replace("\r\n", "\n").replace("\n", self.newline)
            if text.startswith("#"):
                text = " " * max(1, after[1] - column) + text
        self.edits.append((self.off(line, column), self.off(line + 1 + extra), text))

    def change(self, old: Span, new: Any, tail: tuple[str, int] | None = None) -> None:
        """Edits turning ``old`` into ``new`` in place; ``_Decline`` to replace the whole entry."""
        if old.kind == "scalar":
            if _is_collection(new) or old.style in ("|", ">") or old.start[0] != old.end[0]:
                raise _Decline("not a one-line scalar")
            if old.start == old.end:
                raise _Decline("empty value")
            text = self.scalar(new)
            if text is None:
                raise _Decline("scalar needs the full render")
            end = self.off(*old.end)
            if tail is not None and tail[0].startswith("#"):
                # The end-of-line comment stays at its column, as ruamel writes it (one space at least).
                end = self.off(old.end[0], tail[1])
                text += " " * max(1, tail[1] - old.start[1] - len(text))
            self.edits.append((self.off(*old.start), end, text))
        elif old.kind == "map" and isinstance(new, CommentedMap):
            self.mapping(old, new)
        elif old.kind == "seq" and isinstance(new, CommentedSeq) and not old.flow and not _flow(new):
            if len(old.items) != len(new) or old.header != _header(new):
                raise _Decline("sequence length or comments changed")
            for index, (item, value) in enumerate(zip(old.items, new, strict=True)):
                before, after = old.tails.get(index), _token(new, index)
                if before != after:
                    self.retail(item, value, before, after)
                elif (item.kind != "scalar" and not item.flow and _is_collection(value)) or not _equal(
                    item, value
                ):
                    self.change(item, value, before)
        else:
            raise _Decline("shape changed")

    def apply(self) -> str:
        out: list[str] = []
        cursor = 0
        # Insertions (empty spans) sort before a removal that starts at the same offset.
        for start, end, text in sorted(self.edits, key=lambda e: (e[0], e[1])):
            if start < cursor:
                raise _Decline("overlapping edits")
            out.append(self.text[cursor:start])
            out.append(text)
            cursor = end
        out.append(self.text[cursor:])
        return "".join(out)


def _shift(token: Any, delta: int) -> Any:
    """``token`` with its column and the indentation of its following lines moved by ``delta``."""
    first, newline, rest = token.value.partition("\n")
    moved = []
    for line in rest.splitlines(keepends=True):
        indent = len(line) - len(line.lstrip(" "))
        if line.strip():
            if indent + delta < 0:
                raise _Decline("a comment line left of the entry")
            line = " " * (indent + delta) + line.lstrip(" ")
        moved.append(line)
    column = token.column
    if first.strip():
        # An end-of-line comment: ruamel writes it at its column (a token starting with a line break
        # continues the current line, whatever its column says).
        column += delta
        if column < 0:
            raise _Decline("a comment left of the entry")
    return CommentToken(first + newline + "".join(moved), CommentMark(column), None)


def _dedented(mapping: CommentedMap, column: int) -> CommentedMap:
    """A deep copy of ``mapping`` whose comment tokens are ``column`` further left."""
    if not column:
        return mapping
    copy = CommentedMap()
    for key, value in mapping.items():
        copy[key] = deepcopy(value)
    for key, entry in mapping.ca.items.items():
        copy.ca.items[key] = list(entry)
    stack: list[Any] = [copy]
    while stack:
        node = stack.pop()
        ca = getattr(node, "ca", None)
        if ca is not None:
            for entry in ca.items.values():
                for i, slot in enumerate(entry):
                    entry[i] = _shift_slot(slot, column)
            if ca.comment:
                ca.comment = [_shift_slot(slot, column) for slot in ca.comment]
            if ca.end:
                raise _Decline("comments after a flow collection")
        if isinstance(node, dict):
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
    return copy


def _shift_slot(slot: Any, column: int) -> Any:
    if slot is None:
        return None
    if isinstance(slot, list):
        return [_shift(token, -column) for token in slot]
    return _shift(slot, -column)


def _has_comments(tree: Any) -> bool:
    """A rule wrote a comment into the tree (a libyaml-built tree starts with none): only the full render
    places comments the way ``io.paths`` arranged them (a kubelet's comment moved into its class, CL-9)."""
    stack = [tree]
    while stack:
        node = stack.pop()
        ca = getattr(node, "ca", None)
        if ca is not None and (ca.items or ca.comment or ca.end):
            return True
        if isinstance(node, dict):
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
    return False


def patch_text(text: str, tree: Any, style: Any, render: Any, typed: fastyaml.Flavor) -> str | None:
    """``text`` edited to hold ``tree``, or None when only the full render can do it.

    ``render(mapping)`` renders a fragment in the document's style (no document markers); ``typed`` is the
    flavour that built ``tree`` (it gives the original scalars the same types, to compare them).
    """
    if not text.endswith("\n") or style.json_indent is not None or not isinstance(tree, CommentedMap):
        return None

    try:
        root = fastyaml.build(text, _Spans(typed))
        if not isinstance(root, Span) or root.kind != "map" or root.header != _header(tree):
            return None
        patcher = _Patcher(text, style, render, typed)
        patcher.mapping(root, tree)
        if not patcher.edits:
            return text
        patched = patcher.apply()
        check = fastyaml.build(patched)
    except (_Decline, fastyaml.Unsupported):
        return None
    except Exception:  # noqa: BLE001 - ruamel asserting on a fragment: the full render decides
        return None
    return patched if same_tree(check, tree) else None


__all__ = ["Span", "patch_text", "same_tree"]
