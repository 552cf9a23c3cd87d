"""The one configured ruamel round trip: parse a document, serialise it back without changing a byte
nobody asked to change.

ruamel cannot reproduce every construct byte for byte (extra spaces after ``key:``, odd spacing in flow
collections, mixed indentation, comments before a ``%YAML`` directive). So ``dump_document`` never
trusts a re-serialisation of the whole document: it renders the tree as parsed (A') and as it is now
(B'); when they are equal the original text comes back untouched, otherwise only the lines that differ
between A' and B' are spliced into the original text (A), and every untouched line keeps its bytes.
"""

from __future__ import annotations

import datetime
import difflib
import io
import json
import re
import sys
from collections import Counter
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, replace
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedBase, CommentedMap, CommentedSeq, LineCol, TaggedScalar
from ruamel.yaml.compat import ordereddict
from ruamel.yaml.composer import MaxDepthExceededError
from ruamel.yaml.constructor import DuplicateKeyError
from ruamel.yaml.error import MarkedYAMLError, StreamMark, YAMLError
from ruamel.yaml.nodes import MappingNode, Node, SequenceNode
from ruamel.yaml.reader import ReaderError
from ruamel.yaml.representer import RoundTripRepresenter
from ruamel.yaml.scalarbool import ScalarBoolean
from ruamel.yaml.scalarint import ScalarInt
from ruamel.yaml.scalarstring import DoubleQuotedScalarString, LiteralScalarString, SingleQuotedScalarString
from ruamel.yaml.tokens import CommentToken

from karpmigrate.errors import InputError
from karpmigrate.io import fastyaml
from karpmigrate.io.documents import DocumentText
from karpmigrate.io.json_text import render_json

# Never re-wrap long lines: ruamel would fold plain scalars at its default width of 80.
_WIDE = sys.maxsize
# Kubernetes objects nest about 15 levels (CRD schemas about 40); deeper input is hostile, and the
# recursive walkers after the parse (to_plain, pydantic, the emitter) must stay far from the stack limit.
MAX_DEPTH = 100
# Nodes that alias expansion may add on top of the document's own nodes (billion laughs, CVE-2019-11253
# in Kubernetes' own YAML decoder, which bounds aliasing the same way).
MAX_ALIAS_EXPANSION = 100_000
# Anything ruamel raises for bad input besides its own YAMLError; it has been seen to raise these on
# malformed documents, and none of them may escape as a traceback (design §7).
_RUAMEL_FAILURES = (YAMLError, ValueError, TypeError, AttributeError, IndexError, KeyError, AssertionError)
_MARKER = re.compile(r"^(---|\.\.\.)(?:[ \t]|\r?$)", re.MULTILINE)
_LINE_BREAK = re.compile(r"\r\n|[\r\n\x85\u2028\u2029]")


@dataclass(frozen=True, slots=True)
class Style:
    """How one document is written, so that ruamel writes it back the same way."""

    mapping: int = 2
    sequence: int = 2
    offset: int = 0
    newline: str = "\n"
    explicit_start: bool = False
    explicit_end: bool = False
    final_newline: bool = True
    #: The ``%YAML`` directive's version, written back when present.
    version: tuple[int, int] | None = None
    #: JSON documents are re-rendered by ``json_text.render_json`` in their original layout (ruamel
    #: writes flow collections on one line): the indent step of new multi-line values, 0 = on one line.
    json_indent: int | None = None


class ParsedDocument:
    """A document's round-trip tree (``tree``) plus what is needed to write it back faithfully."""

    __slots__ = ("doc", "tree", "style", "line", "fast", "_baseline")

    def __init__(self, doc: DocumentText, tree: Any, style: Style, *, fast: bool = False) -> None:
        self.doc = doc
        self.tree = tree
        self.style = style
        #: Built by libyaml (``_fast_tree``): a re-parse for the baseline must be built the same way.
        self.fast = fast
        #: 0-based line of the document's first line in the file: add it to a tree position.
        self.line = doc.line
        self._baseline: str | None = None

    def keep_baseline(self) -> None:
        """Render the tree as parsed now, before anyone edits it (call it right after the parse).

        ``dump_document`` needs that render to splice against; taking it from the untouched tree saves
        the re-parse of the original text it would otherwise need (performance issue P3).
        """
        if self._baseline is None and not self.fast:
            # A libyaml-built tree needs no render kept: its text is patched (io/patch.py), and the
            # fallback rebuilds the tree as parsed from the text, exactly, in a fraction of a render.
            self._baseline = _render(self.tree, self.style, self.doc.text)


def _new_yaml(style: Style | None = None) -> YAML:
    # A fresh instance each time: YAML() keeps state (the %YAML version of the last load) between calls.
    yaml = YAML(typ="rt")
    yaml.preserve_quotes = True
    yaml.width = _WIDE
    yaml.max_depth = MAX_DEPTH
    yaml.composer.warn_double_anchors = False
    # `[{id: x}]` must not come back as `[id: x]` when a rule re-renders its line.
    yaml.brace_single_entry_mapping_in_flow_sequence = True
    if style is not None:
        yaml.indent(mapping=style.mapping, sequence=style.sequence, offset=style.offset)
        yaml.explicit_start = style.explicit_start
        yaml.explicit_end = style.explicit_end
        yaml.version = style.version
    return yaml


def _load(text: str) -> tuple[Any, tuple[int, int] | None]:
    """The round-trip tree and the document's ``%YAML`` version (None without the directive)."""
    yaml = _new_yaml()
    # Compose first, so that alias expansion is measured before anything is constructed.
    node = yaml.compose(text)
    tree = None
    if node is not None:
        _check_expansion(node)
        tree = yaml.constructor.construct_document(node)
    return tree, yaml.version


class _TooComplex(Exception):
    def __init__(self, message: str, node: Node) -> None:
        super().__init__(message)
        self.message = message
        self.node = node


def _children(node: Node) -> Iterator[Node]:
    if isinstance(node, SequenceNode):
        yield from node.value
    elif isinstance(node, MappingNode):
        for key, value in node.value:
            yield key
            yield value


def _check_expansion(root: Node) -> None:
    """Fail fast when aliases would expand the document beyond the bound (iterative: no recursion)."""
    expanded: dict[int, int] = {}
    unique = 0
    budget = MAX_ALIAS_EXPANSION
    stack: list[tuple[Node, bool]] = [(root, False)]
    active: set[int] = set()
    while stack:
        node, done = stack.pop()
        if id(node) in expanded:
            continue
        if done:
            active.discard(id(node))
            size = 1 + sum(expanded[id(child)] for child in _children(node))
            expanded[id(node)] = size
            unique += 1
            if size - unique > budget:
                raise _TooComplex(f"aliases expand to more than {budget} extra nodes", node)
            continue
        if id(node) in active:
            raise _TooComplex("an alias refers to the node that contains it", node)
        active.add(id(node))
        stack.append((node, True))
        stack.extend((child, False) for child in _children(node) if id(child) not in expanded)


def _one_line(text: object) -> str:
    return " ".join(str(text).split())


def _input_error(doc: DocumentText, file: str, message: str, mark: Any, code: str) -> InputError:
    if mark is None:
        return InputError(message, file=file, line=doc.line + 1, column=1, code=code)
    return InputError(message, file=file, line=doc.line + mark.line + 1, column=mark.column + 1, code=code)


def _reader_error(doc: DocumentText, file: str, exc: ReaderError) -> InputError:
    before = doc.text[: exc.position]
    breaks = list(_LINE_BREAK.finditer(before))
    column = len(before) - (breaks[-1].end() if breaks else 0)
    char = exc.character if isinstance(exc.character, str) else chr(exc.character)
    return InputError(
        f"special character {char!r} (U+{ord(char):04X}) is not allowed in YAML",
        file=file,
        line=doc.line + len(breaks) + 1,
        column=column + 1,
        code="KV001",
    )


def _marked_error(doc: DocumentText, file: str, exc: MarkedYAMLError) -> InputError:
    code = "KV001"
    if isinstance(exc, DuplicateKeyError):
        code = "KV002"
    elif isinstance(exc, MaxDepthExceededError):
        code = "KV005"
        message = f"nesting deeper than {MAX_DEPTH} levels"
        return _input_error(doc, file, message, exc.problem_mark, code)
    message = _one_line(exc.problem or exc.context or type(exc).__name__)
    if exc.context and exc.problem and code == "KV001":
        message = f"{_one_line(exc.context)}: {message}"
    return _input_error(doc, file, message, exc.problem_mark or exc.context_mark, code)


class _RuamelFlavor(fastyaml.Flavor):
    """The libyaml builder making what ruamel's round-trip constructor makes (constructor.py)."""

    comments = True

    @staticmethod
    def _token(text: str, line: int, column: int) -> CommentToken:
        return CommentToken(text, StreamMark(None, 0, line, column), None)

    def tail(self, holder: Any, key: Any, text: str, line: int, column: int, flow: Any = None) -> None:
        entry = holder.ca.items.setdefault(key, [None, None, None, None])
        token = self._token(text, line, column)
        entry[0 if isinstance(holder, CommentedSeq) else 2] = token
        if flow is not None and not isinstance(holder, CommentedSeq):
            # A flow collection that is a mapping's value keeps its end-of-line comment too; as a
            # sequence item it does not (what ruamel's constructor records).
            flow.ca.comment = [token, None]

    def header(
        self,
        holder: Any,
        key: Any,
        value: Any,
        eol: tuple[str, int, int] | None,
        lines: list[tuple[str, int, int]],
    ) -> None:
        tokens = [self._token(*line) for line in lines]
        if key is None:
            holder.ca.comment = [None, tokens]
            return
        entry = holder.ca.items.setdefault(key, [None, None, None, None])
        if eol is not None:
            token = self._token(*eol)
            entry[2] = token
            value.ca.comment = [token, None]
        else:
            entry[3] = tokens
            value.ca.comment = [None, tokens]

    _STRINGS: dict[str, type[str]] = {
        "'": SingleQuotedScalarString,
        '"': DoubleQuotedScalarString,
        "|": LiteralScalarString,
    }

    # The builder calls these once per node: they fill ruamel's records directly (constructor.py does
    # the same through its setters) to keep a 50-line object well under a millisecond (issue 6, P3).
    @staticmethod
    def _placed(node: Any, line: int, col: int) -> Any:
        record: Any = LineCol()
        record.line, record.col = line, col
        setattr(node, _LINE_COL, record)
        return node

    def mapping(self, line: int, col: int, flow: bool) -> Any:
        return self._placed(CommentedMap(), line, col)

    def sequence(self, line: int, col: int, flow: bool) -> Any:
        return self._placed(CommentedSeq(), line, col)

    def set_key(self, mapping: Any, key: Any, value: Any, where: list[int]) -> None:
        # Keys are new (the builder declines duplicates): CommentedMap.__setitem__'s type carry-over for
        # an existing key does not apply.
        _DICT_SET(mapping, key, value)
        mapping._ok.add(key)
        record = getattr(mapping, _LINE_COL)
        if record.data is None:
            record.data = {}
        record.data[key] = where

    def append(self, sequence: Any, value: Any, where: list[int]) -> None:
        record = getattr(sequence, _LINE_COL)
        if record.data is None:
            record.data = {}
        record.data[len(sequence)] = where
        _LIST_APPEND(sequence, value)

    def before_key(self, mapping: Any, key: Any, lines: list[tuple[str, int, int]]) -> None:
        entry = mapping.ca.items.setdefault(key, [None, None, None, None])
        if lines:
            entry[1] = [self._token(*line) for line in lines]

    def end_comments(self, node: Any, lines: list[tuple[str, int, int]], owner: Any, key: Any) -> bool:
        # What ruamel records around it too: an empty comment pair, and an empty entry for its key
        # (and for the next key, after a sequence written at its key's indentation).
        node.ca.end = [self._token(*line) for line in lines]
        node.ca.comment = [None, None]
        if not isinstance(owner, CommentedMap):
            return False
        owner.ca.items.setdefault(key, [None, None, None, None])
        where = owner.lc.data.get(key)
        return bool(where is not None and isinstance(node, CommentedSeq) and where[1] == node.lc.col)

    def string(self, value: str, style: str | None) -> Any:
        return self._STRINGS[style or ""](value) if style in self._STRINGS else value

    def scalar(self, event: Any) -> Any:
        value = super().scalar(event)
        if value == 0 and type(value) is int:
            # constructor.py construct_yaml_int: a decimal starting with 0 keeps its width (ScalarInt).
            return ScalarInt(0, width=1)
        return value

    def finish(self, node: Any, flow: bool, end: Any) -> None:
        # ruamel leaves the style of an empty collection (`{}`, `[]`) unset, so that a key added later
        # is written in block style.
        if flow and len(node):
            node.fa.set_flow_style()
        elif not flow:
            node.fa.set_block_style()


_LINE_COL = LineCol.attrib
_DICT_SET = ordereddict.__setitem__
_ITEMS = ordereddict.items
_LIST_APPEND = list.append
RUAMEL = _RuamelFlavor()


def _fast_tree(text: str) -> tuple[bool, Any]:
    """(True, tree) when libyaml can build exactly ruamel's tree, comment records included (nothing
    ``fastyaml.build`` declines: tests/io/test_fastyaml.py compares the two trees)."""
    try:
        return True, fastyaml.build(text, RUAMEL)
    except fastyaml.Unsupported:
        return False, None


def parse_document(doc: DocumentText, file: str) -> ParsedDocument:
    """Round-trip load one document; bad input raises ``InputError`` with 1-based file positions.

    A document without comments is built by libyaml when it can be (``io.fastyaml``, issue 6): the
    same tree, about 20 times sooner.
    """
    fast, tree = _fast_tree(doc.text)
    if fast:
        return ParsedDocument(doc, tree, detect_style(doc.text, tree), fast=True)
    try:
        tree, version = _load(doc.text)
    except _TooComplex as exc:
        raise _input_error(doc, file, exc.message, exc.node.start_mark, "KV005") from None
    except ReaderError as exc:
        raise _reader_error(doc, file, exc) from None
    except MarkedYAMLError as exc:
        raise _marked_error(doc, file, exc) from None
    except RecursionError:
        raise _input_error(doc, file, "nesting too deep", None, "KV005") from None
    except _RUAMEL_FAILURES as exc:
        raise _input_error(doc, file, f"cannot parse: {_one_line(exc)}", None, "KV001") from None
    return ParsedDocument(doc, tree, replace(detect_style(doc.text, tree), version=version))


# ---------------------------------------------------------------- style


def _indents(tree: Any) -> tuple[Counter[int], Counter[tuple[int, int]]]:
    """Mapping indents and (offset, sequence) pairs of block collections nested under mapping keys."""
    mappings: Counter[int] = Counter()
    sequences: Counter[tuple[int, int]] = Counter()
    stack = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, CommentedMap):
            for key, value in _ITEMS(node):
                if not isinstance(value, (CommentedMap, CommentedSeq)) or value.fa.flow_style():
                    continue
                stack.append(value)
                position = node.lc.data.get(key)
                if not value or position is None or value.lc.line == position[0]:
                    continue
                if isinstance(value, CommentedMap):
                    mappings[value.lc.col - position[1]] += 1
                else:
                    dash, item = value.lc.col, value.lc.item(0)[1]
                    sequences[(dash - position[1], item - position[1])] += 1
        elif isinstance(node, CommentedSeq):
            stack.extend(v for v in node if isinstance(v, (CommentedMap, CommentedSeq)))
    return mappings, sequences


_JSON_START = re.compile(r"\A(?:[ \t]*(?:#[^\n]*)?(?:\r?\n|\r))*(?:---[ \t]*(?:\r?\n|\r))?[ \t]*[\[{]")
_JSON_INDENT = re.compile(r"^( +)[\"\[{\]}]", re.MULTILINE)


def _json_indent(text: str) -> int | None:
    if not _JSON_START.match(text):
        return None
    return min((len(m[1]) for m in _JSON_INDENT.finditer(text)), default=0)


def detect_style(text: str, tree: Any) -> Style:
    """The indentation, markers and line endings of one document, read off its text and tree."""
    mappings, sequences = _indents(tree)
    mapping = mappings.most_common(1)[0][0] if mappings else 2
    offset, sequence = sequences.most_common(1)[0][0] if sequences else (0, mapping)
    markers = {m[1] for m in _MARKER.finditer(text)}
    return Style(
        mapping=max(mapping, 1),
        sequence=max(sequence, offset + 2, 2),
        offset=max(offset, 0),
        newline="\r\n" if "\r\n" in text else "\n",
        explicit_start="---" in markers,
        explicit_end="..." in markers,
        final_newline=_ends_with_break(text) if text else True,
        json_indent=_json_indent(text),
    )


# ---------------------------------------------------------------- dump


def _ends_with_break(text: str) -> bool:
    return text.endswith(("\n", "\r", "\x85", "\u2028", "\u2029"))


def _render(tree: Any, style: Style, original: str | None = None) -> str:
    """The tree as text in ``style``; a JSON document is written in the layout of its ``original``."""
    if style.json_indent is not None:
        if original is None:
            text = json.dumps(to_plain(tree), indent=style.json_indent or None, ensure_ascii=False) + "\n"
        else:
            text = render_json(original, to_plain(tree), style.json_indent)
    else:
        yaml = _new_yaml(style)
        out = io.StringIO()
        yaml.dump(tree, out)
        text = out.getvalue()
    # Comment tokens keep the CRLF they were read with (a comment moved from a CRLF file into an LF one
    # too): normalise first, or they come out as CR CR LF, or as CRLF lines in an LF file.
    text = text.replace("\r\n", "\n")
    return text if style.newline == "\n" else text.replace("\n", style.newline)


def _lines(text: str) -> list[str]:
    return text.splitlines(keepends=True) if text else []


_INDENT = re.compile(r"[ \t]*")
_SPACE = re.compile(r"[ \t]+")


def _key(line: str) -> str:
    return line.rstrip("\r\n")


def _loose_key(line: str) -> str:
    # ruamel normalises spacing inside a line (`key:   value`, `[ a ,b ]`, trailing spaces) but never
    # indentation: lines equal up to inner spacing are the same line, and cutting next to them is safe.
    indent = _INDENT.match(line)
    head = indent.group() if indent else ""
    return head + _SPACE.sub("", _key(line)[len(head) :])


def _anchors(original: list[str], before: list[str]) -> tuple[list[int], list[int], list[bool]]:
    """For each boundary p of ``before`` (A'): where the region ending/starting at p ends/starts in A.

    ``left[p]:right[p]`` are lines of A that ruamel drops (e.g. comments above a ``%YAML`` directive);
    boundaries inside a block where A and A' differ are not valid places to cut.
    """
    n = len(before)
    left, right, valid = [0] * (n + 1), [len(original)] * (n + 1), [True] * (n + 1)
    matcher = difflib.SequenceMatcher(
        None, [_loose_key(s) for s in before], [_loose_key(s) for s in original], False
    )
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "insert":
            continue
        right[i1], left[i2] = j1, j2
        for k in range(i1 + 1, i2):
            if tag == "equal":
                left[k] = right[k] = j1 + k - i1
            else:
                valid[k] = False
    return left, right, valid


def _regions(before: list[str], after: list[str], valid: list[bool]) -> Iterator[tuple[int, int, int, int]]:
    """(s, e, b1, b2): A'[s:e] becomes B'[b1:b2]; s and e are valid cut points of A."""
    n = len(before)
    end_of, start_of = [0] * (n + 1), [len(after)] * (n + 1)
    dirty: list[list[int]] = []
    matcher = difflib.SequenceMatcher(None, [_key(s) for s in before], [_key(s) for s in after], False)
    for tag, i1, i2, j1, _ in matcher.get_opcodes():
        if tag == "equal":
            for k in range(i1, i2 + 1):
                if k > i1:
                    end_of[k] = j1 + k - i1
                if k < i2:
                    start_of[k] = j1 + k - i1
            continue
        while not valid[i1]:
            i1 -= 1
        while not valid[i2]:
            i2 += 1
        if dirty and i1 <= dirty[-1][1]:
            dirty[-1][1] = max(dirty[-1][1], i2)
        else:
            dirty.append([i1, i2])
    for s, e in dirty:
        yield s, e, end_of[s], start_of[e]


def splice(original: str, before: str, after: str, newline: str) -> str:
    """A with the A'→B' line hunks applied; untouched lines of A keep their exact bytes."""
    trailing = not original or _ends_with_break(original)
    a = _lines(original if trailing else original + newline)
    a1, b1 = _lines(before), _lines(after)
    left, right, valid = _anchors(a, a1)
    out: list[str] = []
    cursor = 0
    for s, e, j1, j2 in _regions(a1, b1, valid):
        out += a[cursor : right[s]]
        out += b1[j1:j2]
        cursor = max(left[e], right[s])
    out += a[cursor:]
    text = "".join(out)
    return text if trailing else text.removesuffix(newline)


def _finish(text: str, style: Style) -> str:
    return text if style.final_newline else text.removesuffix(style.newline)


def render_document(tree: Any, style: Style) -> str:
    """A new document's text in ``style`` (for documents that have no original text to splice into)."""
    return _finish(_render(tree, style), style)


def render_fragment(mapping: CommentedMap, style: Style) -> str:
    """Entries of a document rendered alone in its style (no document markers): io/patch.py indents them."""
    return _render(mapping, replace(style, explicit_start=False, explicit_end=False, version=None))


def dump_document(parsed: ParsedDocument) -> str:
    """The document's text: the original bytes when nothing changed, else the spliced edit."""
    original = parsed.doc.text
    if parsed.fast:
        from karpmigrate.io.patch import patch_text

        patched = patch_text(
            original,
            parsed.tree,
            parsed.style,
            lambda mapping: render_fragment(mapping, parsed.style),
            RUAMEL,
        )
        if patched is not None:
            return patched
    after = _render(parsed.tree, parsed.style, original)
    if parsed._baseline is None:
        # The tree as parsed, re-read from the text: the caller may have edited ``tree`` in place.
        tree = fastyaml.build(original, RUAMEL) if parsed.fast else _load(original)[0]
        parsed._baseline = _render(tree, parsed.style, original)
    before = parsed._baseline
    if after == before:
        return original
    spliced = splice(original, before, after, parsed.style.newline)
    if spliced == after == _finish(after, parsed.style):
        # The kept lines of A were byte-equal to A': the splice is the render itself, and both outcomes
        # of the re-parse below are these same bytes, so it can only cost time.
        return spliced
    try:
        check = _render(_load(spliced)[0], parsed.style, original)
    except (_TooComplex, RecursionError, *_RUAMEL_FAILURES):
        check = None
    if check == after:
        return spliced
    # The splice did not reproduce the edited tree (lines matched the wrong way): correctness first.
    return _finish(after, parsed.style)


# ---------------------------------------------------------------- plain data and positions


def _plain_key(key: Any) -> str:
    # sigs.k8s.io/yaml turns non-string keys into their JSON text before decoding.
    if isinstance(key, bool):
        return "true" if key else "false"
    if key is None:
        return "null"
    return str(to_plain(key))


def _timestamp_text(value: datetime.date) -> str:
    if not isinstance(value, datetime.datetime):
        return value.isoformat()
    node = RoundTripRepresenter().represent_datetime(value)
    return str(node.value)


def to_plain(node: Any) -> Any:
    """JSON-compatible plain data: what the API server would decode from this YAML."""
    if type(node) is CommentedMap:
        # The dictionary's own iteration (merged keys are stored in it too): CommentedMap.items() goes
        # through Python-level views, a third of the time of a large to_plain (issue 6).
        return {k if type(k) is str else _plain_key(k): to_plain(v) for k, v in _ITEMS(node)}
    if isinstance(node, Mapping):
        return {_plain_key(k): to_plain(v) for k, v in node.items()}
    if isinstance(node, (list, tuple)):
        return [to_plain(v) for v in node]
    if isinstance(node, (bool, ScalarBoolean)):
        return bool(node)
    if isinstance(node, int):
        return int(node)
    if isinstance(node, float):
        return float(node)
    if isinstance(node, str):
        return str(node)
    if isinstance(node, datetime.date):
        # As check-jsonschema does: JSON has no timestamps, the API server sees the text.
        return _timestamp_text(node)
    if isinstance(node, TaggedScalar):
        # `!!str 12` and custom tags (`!Ref x`) keep their text; the API server sees a string.
        return None if node.value is None else str(node.value)
    if isinstance(node, bytes):
        return node.decode("latin-1")
    return node


def locate(tree: Any, path: tuple[str | int, ...], *, key: bool = False) -> tuple[int, int] | None:
    """0-based (line, column) in the document of the node at ``path`` (of its key when ``key``).

    For a path that does not exist (a missing required field), the position of the deepest existing
    ancestor (``fastyaml.locate``, the one walk for ruamel's trees and the light ones).
    """
    if not isinstance(tree, CommentedBase):
        return None
    return fastyaml.locate(tree, path, key=key, key_text=_plain_key)


__all__ = [
    "MAX_ALIAS_EXPANSION",
    "MAX_DEPTH",
    "ParsedDocument",
    "Style",
    "detect_style",
    "dump_document",
    "locate",
    "parse_document",
    "render_document",
    "to_plain",
]
