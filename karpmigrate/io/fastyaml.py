"""A libyaml-backed loader for documents whose tree needs no comments (performance issue 6).

ruamel's round-trip parser is pure Python: about 3.5 ms for a 50-line Karpenter object, most of a
``convert`` or ``lint`` run. libyaml (through PyYAML's C extension, which ``kubernetes`` already
installs) produces the same events about 40 times faster. This module builds, from those events, the
tree ruamel would build for the same text, minus the comments:

- ``RUAMEL`` flavour (convert): ``CommentedMap``/``CommentedSeq`` with the same line/column records
  (``lc``), flow/block style (``fa``), quoted and literal scalar types (``preserve_quotes``), and the
  YAML 1.2 core scalar resolution ruamel applies (spec §S-0: the API server reads YAML 1.2 too);
- ``LIGHT`` flavour (lint): ``dict``/``list`` subclasses with the same ``lc`` records, so positions come
  out identical without importing ruamel at all (budget P1).

It declines (``Unsupported``) whatever it cannot reproduce exactly, and the caller falls back to ruamel:
anchors, aliases and tags, ``%`` directives, merge keys, non-string or duplicate keys, folded scalars,
floats, timestamps and the other non-decimal numbers, empty values outside block mappings, exotic line
breaks, nesting deeper than ``MAX_DEPTH``, and any text libyaml rejects (ruamel then writes the error
message, so messages do not depend on which parser ran). ``tests/io/test_fastyaml.py`` checks the trees
against ruamel's, node for node, on every fixture and on generated documents.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

try:  # PyYAML built with libyaml; without it every document goes to ruamel.
    from yaml import events as _events
    from yaml._yaml import CParser as _CParser
    from yaml.error import YAMLError as _PyYAMLError
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    _CParser = None  # type: ignore[assignment,misc]

#: Same bound as ``io.yaml.MAX_DEPTH`` (kept here so that this module does not import ruamel).
MAX_DEPTH = 100

# YAML 1.2 as ruamel resolves it (ruamel/yaml/resolver.py, implicit_resolvers for (1, 2)).
_BOOL = {"true": True, "True": True, "TRUE": True, "false": False, "False": False, "FALSE": False}
_NULL = frozenset({"~", "null", "Null", "NULL"})
# ruamel returns a plain ``int`` only for these; other integers keep their format (ScalarInt, HexInt...).
_DECIMAL = re.compile(r"-?(?:0|[1-9][0-9]*)\Z")
_NUMERIC_START = frozenset("-+0123456789.")
_MAX_DIGITS = 4000
# Where the two parsers disagree, found by tests/io/test_fastyaml.py: line breaks ruamel counts but
# a reader would not expect (NEL, LS, PS, a lone CR), a BOM inside the text, tabs (ruamel 0.19 rejects a
# tab as a separator, libyaml accepts it), explicit `?` keys and a second `...` marker.
_EXOTIC = re.compile(
    "[\x85\u2028\u2029\ufeff\t]|\r(?!\n)|(?:^|[\\s\\[{,-])\\?(?:\\s|$)|^\\.\\.\\.(?:\\s|$)(?s:.*)^\\.\\.\\.(?:\\s|$)",
    re.M,
)


class Unsupported(Exception):
    """This text needs ruamel (a construct the fast loader does not reproduce, or an error)."""


def available() -> bool:
    return _CParser is not None


class LineCol:
    """The position record ruamel keeps on each collection (``CommentedBase.lc``), for light trees."""

    __slots__ = ("line", "col", "data")

    def __init__(self, line: int, col: int) -> None:
        self.line = line
        self.col = col
        self.data: dict[Any, list[int]] = {}

    def key(self, k: Any) -> tuple[int, int]:
        return self.data[k][0], self.data[k][1]

    def value(self, k: Any) -> tuple[int, int]:
        return self.data[k][2], self.data[k][3]

    def item(self, idx: int) -> tuple[int, int]:
        return self.data[idx][0], self.data[idx][1]


class LightMap(dict):  # type: ignore[type-arg]
    """A mapping of a light tree: a ``dict`` with ruamel's ``lc`` record."""

    __slots__ = ("lc",)
    lc: LineCol


class LightSeq(list):  # type: ignore[type-arg]
    """A sequence of a light tree: a ``list`` with ruamel's ``lc`` record."""

    __slots__ = ("lc",)
    lc: LineCol


class Flavor:
    """How the builder makes collections and strings (ruamel's classes, or the light ones)."""

    #: Rebuild ruamel's comment records (``tail``, ``header``); the light flavour has none.
    comments = False

    def tail(self, holder: Any, key: Any, text: str, line: int, column: int, flow: Any = None) -> None:
        """The text after the scalar at ``holder[key]`` (its end-of-line comment and the lines after);
        ``flow``: the flow collection at ``holder[key]`` the text follows."""

    def header(
        self,
        holder: Any,
        key: Any,
        value: Any,
        eol: tuple[str, int, int] | None,
        lines: list[tuple[str, int, int]],
    ) -> None:
        """Comments between ``key`` (None: the document start) and the first entry of ``value``."""

    def before_key(self, mapping: Any, key: Any, lines: list[tuple[str, int, int]]) -> None:
        """Comment lines after a flow collection, before ``key`` of the same mapping."""

    def end_comments(self, node: Any, lines: list[tuple[str, int, int]], owner: Any, key: Any) -> bool:
        """Comment lines after a flow collection that ends the block collection ``node``; True when the
        next key of ``owner`` gets an (empty) comment entry too."""
        return False

    def mapping(self, line: int, col: int, flow: bool) -> Any:
        node = LightMap()
        node.lc = LineCol(line, col)
        return node

    def sequence(self, line: int, col: int, flow: bool) -> Any:
        node = LightSeq()
        node.lc = LineCol(line, col)
        return node

    def set_key(self, mapping: Any, key: Any, value: Any, where: list[int]) -> None:
        mapping[key] = value
        mapping.lc.data[key] = where

    def append(self, sequence: Any, value: Any, where: list[int]) -> None:
        sequence.lc.data[len(sequence)] = where
        sequence.append(value)

    def string(self, value: str, style: str | None) -> Any:
        return value

    def scalar(self, event: Any) -> Any:
        return _scalar(event, self)

    def key_of(self, value: Any) -> Any:
        """The mapping key a scalar made by ``scalar`` stands for."""
        return value

    def is_mapping(self, node: Any) -> bool:
        """``node`` (made by ``mapping`` or ``sequence``) is a mapping."""
        return isinstance(node, dict)

    def finish(self, node: Any, flow: bool, end: Any) -> None:
        """Called when a collection is complete (``flow``: written in flow style; ``end``: libyaml's
        end mark of the collection)."""


LIGHT = Flavor()


def _resolve(value: str) -> Any:
    """A plain scalar as ruamel's YAML 1.2 resolver and round-trip constructor make it."""
    if not value:
        return None
    if value in _BOOL:
        return _BOOL[value]
    if value in _NULL:
        return None
    if value[0] in _NUMERIC_START:
        if _DECIMAL.match(value):
            if len(value) > _MAX_DIGITS:
                # int() refuses it (sys.int_max_str_digits); ruamel's error message says so.
                raise Unsupported("integer too long")
            return int(value)
        if _INT.match(value) or _FLOAT.match(value) or _TIMESTAMP.match(value):
            # Formats ruamel keeps as it read them (ScalarFloat, HexInt, leading zeros, TimeStamp).
            raise Unsupported("number or timestamp")
    if value in ("<<", "="):
        raise Unsupported("merge or value key")
    return value


def looks_numeric(value: str) -> bool:
    """A number or timestamp in YAML 1.2 as ruamel reads it (so a writer must quote it as a string)."""
    return bool(_INT.match(value) or _FLOAT.match(value) or _TIMESTAMP.match(value))


# ruamel/yaml/resolver.py, the YAML 1.2 entries of implicit_resolvers (float, int, timestamp).
_FLOAT = re.compile(
    r"""(?:[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+]?[0-9]+)?
    |[-+]?(?:[0-9][0-9_]*)(?:[eE][-+]?[0-9]+)
    |[-+]?\.[0-9_]+(?:[eE][-+][0-9]+)?
    |[-+]?\.(?:inf|Inf|INF)
    |\.(?:nan|NaN|NAN))\Z""",
    re.X,
)
_INT = re.compile(r"(?:[-+]?0b[0-1_]+|[-+]?0o?[0-7_]+|[-+]?[0-9_]+|[-+]?0x[0-9a-fA-F_]+)\Z")
_TIMESTAMP = re.compile(r"[0-9][0-9][0-9][0-9]-[0-9][0-9]?-[0-9][0-9]?")


class _Frame:
    __slots__ = ("node", "is_map", "flow", "key", "key_mark", "empty_at", "empty_index", "slot")

    def __init__(self, node: Any, is_map: bool, flow: bool, slot: tuple[Any, Any] = (None, None)) -> None:
        self.node = node
        #: (parent, key or index) the collection is the value of.
        self.slot = slot
        self.is_map = is_map
        self.flow = flow
        #: The pending key of a mapping (its value not seen yet), and the key's (line, column).
        self.key: Any = None
        self.key_mark: tuple[int, int] | None = None
        #: An empty value waiting for the next event's position (ruamel places it there).
        self.empty_at: list[int] | None = None
        self.empty_index = 0


def _scalar(event: Any, flavor: Flavor) -> Any:
    style = event.style
    if style is None or style == "":
        return _resolve(event.value)
    if style == ">":
        raise Unsupported("folded scalar")
    return flavor.string(event.value, style)


def build(text: str, flavor: Flavor = LIGHT) -> Any:
    """The comment-free tree of one document's text (None for an empty document).

    Raises ``Unsupported`` for anything the caller must give to ruamel instead.
    """
    if _CParser is None:
        raise Unsupported("libyaml not available")
    if _EXOTIC.search(text):
        raise Unsupported("a construct the parsers read differently")
    try:
        parser = _CParser(text)
    except UnicodeEncodeError:  # a lone surrogate
        raise Unsupported("text libyaml cannot encode") from None
    try:
        return _build(parser, flavor, text)
    except _PyYAMLError as exc:
        raise Unsupported(f"libyaml: {exc}") from None
    finally:
        parser.dispose()


_SKIP = (_events.StreamStartEvent, _events.StreamEndEvent) if _CParser is not None else ()
#: The events after which the text since the previous one is read for comments (not the stream's).
_COMMENTED = (
    frozenset(
        {
            _events.ScalarEvent,
            _events.MappingStartEvent,
            _events.SequenceStartEvent,
            _events.MappingEndEvent,
            _events.SequenceEndEvent,
            _events.DocumentStartEvent,
            _events.DocumentEndEvent,
            _events.AliasEvent,
        }
    )
    if _CParser is not None
    else frozenset()
)


def _build(parser: Any, flavor: Flavor, text: str) -> Any:
    # The hot loop of every parse (one pass per event): names are bound locally, the most frequent
    # events are tested first.
    Scalar, MappingStart, SequenceStart = (
        _events.ScalarEvent,
        _events.MappingStartEvent,
        _events.SequenceStartEvent,
    )
    MappingEnd, SequenceEnd = _events.MappingEndEvent, _events.SequenceEndEvent
    DocumentStart, DocumentEnd = _events.DocumentStartEvent, _events.DocumentEndEvent
    stack: list[_Frame] = []
    root: Any = None
    documents = 0
    comments = (
        _Comments(text, flavor, stack) if flavor.comments and ("#" in text or _BLANK.search(text)) else None
    )
    scalar, new_mapping, new_sequence, finish = flavor.scalar, flavor.mapping, flavor.sequence, flavor.finish
    get_event = parser.get_event
    while True:
        event = get_event()
        if event is None:
            break
        kind = type(event)
        if comments is not None and kind in _COMMENTED:
            comments.advance(event)
            comments.check_open(event)
        if stack and stack[-1].empty_at is not None:
            _place_empty(stack[-1], event, text)
        if kind is MappingEnd or kind is SequenceEnd:
            frame = stack.pop()
            node = frame.node
            finish(node, frame.flow, event.end_mark)
            if comments is not None:
                comments.ended(frame)
                if frame.flow:
                    comments.pending = ("flow", *frame.slot, event.end_mark, node)
            if not stack:
                root = node
            continue
        if kind is Scalar:
            is_collection = False
        elif kind is MappingStart or kind is SequenceStart:
            is_collection = True
        elif kind is DocumentStart:
            documents += 1
            if documents > 1:
                raise Unsupported("more than one document")
            if event.version is not None or event.tags:
                raise Unsupported("directive")
            continue
        elif kind is DocumentEnd or kind in _SKIP:
            continue
        else:  # an alias (libyaml has no other event)
            raise Unsupported("alias")
        if event.anchor is not None:
            raise Unsupported("anchor")
        if event.tag is not None:
            # An explicit tag (`!!str 12`, `!Ref x`, `! x`): ruamel keeps it (TaggedScalar, tagged collections).
            raise Unsupported("tag")
        if is_collection:
            mark = event.start_mark
            flow = bool(event.flow_style)
            value = (new_mapping if kind is MappingStart else new_sequence)(mark.line, mark.column, flow)
        else:
            value = scalar(event)
        if len(stack) >= MAX_DEPTH:
            # ruamel counts the innermost scalar as a level too (MaxDepthExceededError, KV005).
            raise Unsupported("nesting too deep")
        slot: tuple[Any, Any] = (None, None)
        if not stack:
            if not is_collection:
                return value
            root = value
            if comments is not None:
                comments.root_header(value, event)
        else:
            frame = stack[-1]
            if comments is not None:
                comments.place(frame, value, event, is_collection, stack)
            if is_collection:
                slot = (frame.node, frame.key if frame.is_map else len(frame.node))
            _place(frame, value, event, flavor, is_collection)
        if is_collection:
            stack.append(_Frame(value, kind is MappingStart, flow, slot))
    if comments is not None:
        comments.finish()
    return root


_BLANK = re.compile(r"\n[ \t]*\r?\n")
# A block scalar whose span ends with a blank line (libyaml counts trailing blank lines in the scalar).
_ENDS_BLANK = re.compile(r"\n[ \t]*\n\Z")


class _Comments:
    """ruamel's comment records, rebuilt from the text between the events (RUAMEL flavour only).

    ruamel keeps the text after a scalar, up to the line of the next token, on that scalar's entry:
    ``ca.items[key][2]`` in a mapping, ``ca.items[index][0]`` in a sequence (its end-of-line comment,
    then whole comment and blank lines, as written). The comment lines between a key and the first entry
    of its block collection go to ``ca.items[key][3]`` (one token per line) and the collection's
    ``ca.comment``, or, after an end-of-line comment on the key, into one token at ``[2]``. Comments
    before the first key of the document go to the root's ``ca.comment``; those before ``---`` are
    dropped. Anything else (comments in or after flow collections, after a ``|`` header, between a
    ``- `` and its item, blank lines among header comments) is declined.
    """

    def __init__(self, text: str, flavor: Flavor, stack: list[_Frame]) -> None:
        self.text = text
        self.flavor = flavor
        self.stack = stack
        #: Comment lines after a flow collection, waiting for the next key of its mapping...
        self.before_key: tuple[Any, list[tuple[str, int, int]]] | None = None
        #: ...or for the end of the block sequence (or document) that holds it.
        self.closing: tuple[_Frame, list[tuple[str, int, int]]] | None = None
        #: The mapping whose next key gets an empty comment entry (after an indentless sequence's end).
        self.touch: Any = None
        #: (kind, holder, key, end mark, start): the scalar or key whose following text is still to be read.
        self.pending: tuple[str, Any, Any, Any, Any] | None = None

    @property
    def flows(self) -> bool:
        """Inside a flow collection now."""
        return any(frame.flow for frame in self.stack)

    def _line_start(self, mark: Any) -> int:
        return int(mark.index) - int(mark.column)

    def advance(self, event: Any) -> None:
        pending = self.pending
        if pending is None:
            return
        if pending[0] == "key":
            return  # read with the value (``place``)
        self.pending = None
        until = self._line_start(event.start_mark)
        if type(event) is _events.DocumentEndEvent and not event.explicit:
            until = len(self.text)
        self.next_event = event
        self._tail(*pending, until)

    def finish(self) -> None:
        if self.pending is not None and self.pending[0] != "key":
            pending, self.pending = self.pending, None
            self.next_event = None
            self._tail(*pending, len(self.text))
        if self.closing is not None or self.before_key is not None:
            raise Unsupported("comment after a flow collection at the end")

    def _tail(self, kind: str, holder: Any, key: Any, mark: Any, begin: Any, until: int) -> None:
        start = int(mark.index)
        segment = self.text[start:until] if until > start else ""
        if kind == "block" and (segment or _ENDS_BLANK.search(self.text, max(0, start - 256), start)):
            # ruamel splits what follows a block scalar between the scalar and the entry.
            raise Unsupported("comment or blank line after a block scalar")
        body = segment.lstrip(" ")
        if not body or body in ("\n", "\r\n"):
            return
        if body.startswith("\r\n"):
            # ruamel reads the break right after the scalar as "\n"; the comment lines keep theirs.
            body = body[1:]
        if self.flows and kind != "flow":
            raise Unsupported("comment in a flow collection")
        lines = body.splitlines(keepends=True)
        if any(line.strip() and not line.lstrip(" ").startswith("#") for line in lines[1:]):
            raise Unsupported("text between a scalar and the next token")
        first = lines[0]
        if first.strip() and not first.startswith("#"):
            raise Unsupported("text after a scalar")
        if kind == "flow":
            if self.flows or holder is None:
                raise Unsupported("comment in a flow collection")
            if not body.startswith("#"):
                self._after_flow(holder, body, int(mark.line) + 1)
                return
        if "#" not in body:
            # Blank lines only: ruamel's mark for them is not the scalar's nor the line's.
            raise Unsupported("blank lines after a scalar")
        at = start + (len(segment) - len(body)) + body.index("#")
        line = int(mark.line) + self.text.count("\n", start, at)
        column = at - (self.text.rfind("\n", 0, at) + 1)
        if not body.endswith("\n"):
            body += "\n"  # ruamel ends a comment at the end of the text with a line break
        self.flavor.tail(holder, key, body, line, column, begin if kind == "flow" else None)

    def _after_flow(self, holder: Any, body: str, first_line: int) -> None:
        """Comment lines after a flow collection: ruamel gives them to the next key of the same mapping
        (``ca.items[key][1]``), or to the end of the block sequence (or document) the collection ends."""
        tokens = self._lines(body[1:].splitlines(keepends=True), first_line)
        if not tokens or len(tokens) != body.count("\n") - 1:
            raise Unsupported("blank line after a flow collection")
        event = self.next_event
        top = self.stack[-1] if self.stack else None
        if type(event) is _events.ScalarEvent:
            if top is not None and top.is_map and top.node is holder and top.key_mark is None:
                self.before_key = (holder, tokens)
                return
            raise Unsupported("comment after a flow collection")
        if type(event) not in (_events.MappingEndEvent, _events.SequenceEndEvent):
            raise Unsupported("comment after a flow collection")
        for frame in reversed(self.stack):
            if not frame.is_map and not frame.flow:
                inner = frame.node is holder or any(
                    f.node is holder and f.slot[0] is frame.node for f in self.stack
                )
                if not inner:
                    raise Unsupported("comment after a flow collection")
                self.closing = (frame, tokens)
                return
        if self.stack and self.stack[0].node is holder:
            self.closing = (self.stack[0], tokens)
            return
        raise Unsupported("comment after a flow collection")

    def ended(self, frame: _Frame) -> None:
        """``frame``'s collection is complete (called for every end event)."""
        if self.closing is not None and self.closing[0] is frame:
            _, tokens = self.closing
            self.closing = None
            if self.flavor.end_comments(frame.node, tokens, *frame.slot):
                self.touch = frame.slot[0]

    def check_open(self, event: Any) -> None:
        if self.closing is not None and type(event) not in (
            _events.MappingEndEvent,
            _events.SequenceEndEvent,
        ):
            raise Unsupported("comment after a flow collection")

    def root_header(self, root: Any, event: Any) -> None:
        head = self.text[: self._line_start(event.start_mark)]
        lines = head.splitlines(keepends=True)
        for i in range(len(lines) - 1, -1, -1):
            if lines[i].startswith("---"):
                if "#" in lines[i]:
                    raise Unsupported("comment on the --- line")
                lines = lines[i + 1 :]
                break
        tokens = self._lines(lines, int(event.start_mark.line) - len(lines))
        if tokens:
            self.flavor.header(root, None, None, None, tokens)

    def _lines(self, lines: list[str], first_line: int) -> list[tuple[str, int, int]]:
        tokens: list[tuple[str, int, int]] = []
        for offset, line in enumerate(lines):
            stripped = line.lstrip(" ")
            if not stripped.startswith("#"):
                if "#" in line or tokens or not line.strip():
                    # A blank line among header comments, or text: ruamel's records differ.
                    raise Unsupported("blank line or text among header comments")
                continue
            tokens.append((stripped, first_line + offset, len(line) - len(stripped)))
        return tokens

    def place(self, frame: _Frame, value: Any, event: Any, is_collection: bool, stack: list[_Frame]) -> None:
        """Before ``value`` is placed in ``frame``: read the text after the previous token."""
        pending = self.pending
        if pending is not None and pending[0] == "key":
            self.pending = None
            _, holder, key, key_end, _ = pending
            start = int(key_end.index)
            until = self._line_start(event.start_mark)
            segment = self.text[start:until] if until > start else ""
            if "#" in segment:
                flow = bool(getattr(event, "flow_style", False))
                self._header(holder, key, value, is_collection, segment, key_end, flow)
        if is_collection:
            return
        mark = event.end_mark
        kind = "block" if event.style == "|" else "scalar"
        begin = (event.start_mark.line, event.start_mark.column)
        if frame.is_map and frame.key_mark is None:
            if self.touch is not None:
                if self.touch is frame.node:
                    self.flavor.before_key(frame.node, self.flavor.key_of(value), [])
                self.touch = None
            if self.before_key is not None:
                holder, tokens = self.before_key
                self.before_key = None
                if holder is not frame.node:
                    raise Unsupported("comment after a flow collection")
                self.flavor.before_key(frame.node, self.flavor.key_of(value), tokens)
            self.pending = ("key", frame.node, value, mark, None)
        elif frame.is_map:
            self.pending = (kind, frame.node, frame.key, mark, begin)
        else:
            self.pending = (kind, frame.node, len(frame.node), mark, begin)

    def _header(
        self,
        holder: Any,
        key: Any,
        value: Any,
        is_collection: bool,
        segment: str,
        key_end: Any,
        value_flow: bool,
    ) -> None:
        if not self.flavor.is_mapping(value) or self.flows or value_flow:
            # Before a scalar, in a flow collection, or before a sequence's first item (ruamel then
            # also records an empty entry for the item, depending on the indentation).
            raise Unsupported("comment before a value that is not a block mapping")
        first, _, rest = segment.partition("\n")
        colon = first.lstrip(" ")
        if not colon.startswith(":"):
            raise Unsupported("unexpected text after a key")
        eol = colon[1:].lstrip(" ")
        lines = rest.splitlines(keepends=True)
        if eol.startswith("#"):
            if any(not line.lstrip(" ").startswith("#") for line in lines):
                raise Unsupported("blank line among header comments")
            column = len(first) - len(eol) + int(key_end.column)
            self.flavor.header(
                holder, key, value, (eol + "\n" + "".join(lines), int(key_end.line), column), []
            )
            return
        if eol.strip():
            raise Unsupported("text after a key")
        tokens = self._lines(lines, int(key_end.line) + 1)
        if tokens:
            self.flavor.header(holder, key, value, None, tokens)


def _place_empty(frame: _Frame, event: Any, text: str) -> None:
    """ruamel puts an empty value where the next token starts (libyaml: right after the colon)."""
    assert frame.empty_at is not None
    mark = event.start_mark
    between = text[frame.empty_index : mark.index]
    if "#" in between:
        # ruamel stops at the comment (tests/io/test_fastyaml.py).
        raise Unsupported("empty value followed by a comment")
    if mark.index >= len(text) and not text.endswith(("\n", "\r")):
        # libyaml moves the end of a text without a final line break to a new line; ruamel does not.
        raise Unsupported("empty value at the end of a text without a final line break")
    frame.empty_at[2:4] = [mark.line, mark.column]
    frame.empty_at = None


def _place(frame: _Frame, value: Any, event: Any, flavor: Flavor, is_collection: bool) -> None:
    mark = event.start_mark
    if not frame.is_map:
        if not is_collection and value is None and not event.value:
            raise Unsupported("empty sequence item")
        flavor.append(frame.node, value, [mark.line, mark.column])
        return
    if frame.key_mark is None:
        key = None if is_collection else flavor.key_of(value)
        if not isinstance(key, str):
            raise Unsupported("key that is not a string")
        if key in frame.node:
            raise Unsupported("duplicate key")
        frame.key = key
        frame.key_mark = (mark.line, mark.column)
        return
    where = [*frame.key_mark, mark.line, mark.column]
    if value is None and not is_collection and not event.value and event.style in (None, ""):
        if frame.flow:
            raise Unsupported("empty value in a flow mapping")
        frame.empty_at = where
        frame.empty_index = mark.index
    flavor.set_key(frame.node, frame.key, value, where)
    frame.key = None
    frame.key_mark = None


def _positioned(node: Any, kind: type) -> bool:
    # A collection a conversion rule created (a plain dict) has no position records.
    return isinstance(node, kind) and hasattr(node, "lc")


def _find_key(mapping: Any, part: str | int, key_text: Callable[[Any], Any]) -> Any:
    if part in mapping:
        return part
    for key in mapping:
        if key_text(key) == part:
            return key
    raise KeyError(part)


def _position(container: Any, key: Any, *, of_key: bool) -> tuple[int, int] | None:
    data = container.lc.data
    if data is None:
        # A node a conversion rule created has no position: point at its container, if that has one.
        return (container.lc.line, container.lc.col) if container.lc.line is not None else None
    if isinstance(container, list):
        if key in data:
            return data[key][0], data[key][1]
    elif key in data:
        entry = data[key]
        return (entry[0], entry[1]) if of_key else (entry[2], entry[3])
    # Merged (`<<: *base`) keys have no position of their own: point at their mapping.
    return container.lc.line, container.lc.col


def locate(
    tree: Any, path: tuple[str | int, ...], *, key: bool = False, key_text: Callable[[Any], Any] = str
) -> tuple[int, int] | None:
    """0-based (line, column) in the document of the node at ``path`` (of its key when ``key``), in a
    tree with ruamel's position records: ruamel's own or a light one (``io.yaml.locate`` is this walk).

    For a path that does not exist (a missing required field), the position of the deepest existing
    ancestor: the key that holds it, as editors underline the object that lacks a property.
    ``key_text`` gives a key as a path spells it (ruamel trees may hold non-string keys).
    """
    if not hasattr(tree, "lc"):
        return None
    node: Any = tree
    where: tuple[int, int] | None = (tree.lc.line, tree.lc.col)
    for depth, part in enumerate(path):
        last = depth == len(path) - 1
        try:
            if _positioned(node, Mapping):
                found = _find_key(node, part, key_text)
            elif _positioned(node, list) and isinstance(part, int) and -len(node) <= part < len(node):
                found = part % len(node)
            else:
                return where
        except KeyError:
            return where
        # A node created by a rule has no position: keep the nearest ancestor's.
        where = _position(node, found, of_key=key and last) or where
        if not last and _positioned(node, Mapping):
            # Missing deeper: report at this key, not at the first line of its block value.
            where = _position(node, found, of_key=True) or where
        node = node[found]
    return where


def plain(node: Any) -> Any:
    """A light tree as plain ``dict``/``list`` data (what ``io.yaml.to_plain`` gives for ruamel's)."""
    if isinstance(node, dict):
        return {k: plain(v) for k, v in node.items()}
    if isinstance(node, list):
        return [plain(v) for v in node]
    return node


__all__ = [
    "LIGHT",
    "MAX_DEPTH",
    "Flavor",
    "LightMap",
    "LightSeq",
    "Unsupported",
    "available",
    "build",
    "locate",
    "plain",
]
