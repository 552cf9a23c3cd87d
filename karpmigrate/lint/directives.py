"""Inline ``# karpmigrate:`` directives: yamllint's grammar adapted (ecosystem §1.6, §3.4 item 14).

::

    key: value  # karpmigrate: disable-line=KM201,KM202   these codes, on this line
    # karpmigrate: disable-line=KM201                     alone on its line: on the next line that is
                                                          not itself a comment (directives can stack)
    # karpmigrate: disable=KM201                          from this line on ...
    # karpmigrate: enable=KM201                           ... up to the line before this one
    # karpmigrate: disable-file                           every finding of the file

Without ``=codes`` a directive applies to every rule. Codes are exact (``KM2`` is not a prefix here: a
directive should say precisely what it hides). ``disable-file`` must sit in the file's leading block: the
lines before the first line of YAML content (only blank lines, comments, ``---`` and ``%`` directives may
precede it). A reason may follow `` -- `` (ESLint's convention): ``# karpmigrate: disable-line=KM211 --
pinned by the platform team``. Other ``# karpmigrate:`` comments (convert's "split from" and "TODO" notes)
are not directives; a comment that starts with ``disable``/``enable`` but does not parse is an error,
because a typo would otherwise silently hide nothing.

Only YAML comments count: a ``#`` inside a quoted or block scalar is recognised with ruamel's scanner
(run only when a file holds something that looks like a directive). When the scanner fails (invalid YAML),
a comment is a ``#`` at the start of a line or after whitespace, outside quotes opened on that line; a
multi-line quoted or block scalar is then not recognised.

Most files hold no directive at all, and the lint session imports this module only for a file that
mentions karpmigrate; ruamel loads only when such a file holds a directive-like comment (issue 6,
budget P1).
"""

from __future__ import annotations

import bisect
import re
import sys
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass

from karpmigrate.catalogue import BY_CODE
from karpmigrate.errors import UsageError

#: The code :meth:`Directives.unused` reports for a directive that names no code (it covers every rule).
ALL_RULES = ""
_ACTIONS = ("disable-line", "disable-file", "disable", "enable")
_END = sys.maxsize

# The line breaks ruamel counts (karpmigrate.io.documents): directive lines and finding lines must agree.
_LINE_BREAK = re.compile(r"\r\n|[\r\n\x85\u2028\u2029]")
_CANDIDATE = re.compile(r"#[ \t]*karpmigrate[ \t]*:[ \t]*(?:disable|enable)")
_HASH = re.compile(r"(?:^|(?<=[ \t]))#")
_PREFIX = re.compile(r"#[ \t]*karpmigrate[ \t]*:[ \t]*")
_BODY = re.compile(
    r"(?P<action>[A-Za-z][\w-]*)"
    r"(?:[ \t]*=[ \t]*(?P<codes>[^\s,#]+(?:[ \t]*,[ \t]*[^\s,#]+)*))?"
    r"(?:[ \t]+(?:--|#).*)?[ \t]*$"
)
_CODE = re.compile(r"[^\s,#]+")
_TRIVIA = re.compile(r"[ \t]*(?:#.*|---(?:[ \t].*)?|%.*)?$")
# Characters after which a quote opens a quoted scalar (flow or block context), for the fallback scan.
_QUOTE_OPENERS = frozenset(":-[{,?")


@dataclass(frozen=True, slots=True)
class _Directive:
    action: str
    #: 1-based line of the comment.
    line: int
    #: None: every rule.
    codes: frozenset[str] | None


# ---------------------------------------------------------------- finding real comments


def _scalar_spans(text: str) -> list[tuple[tuple[int, int], tuple[int, int]]] | None:
    """(start, end) (line, column) of every scalar, 0-based, end exclusive; None when the scan fails."""
    from ruamel.yaml import YAML
    from ruamel.yaml.error import YAMLError
    from ruamel.yaml.tokens import ScalarToken

    spans = []
    try:
        for token in YAML(typ="rt").scan(text):
            if not isinstance(token, ScalarToken):
                continue
            start = (token.start_mark.line, token.start_mark.column)
            if token.style in ("|", ">"):
                # The header line (`key: |  # comment`) may carry a real comment; the body starts below.
                start = (token.start_mark.line + 1, 0)
            spans.append((start, (token.end_mark.line, token.end_mark.column)))
    except (YAMLError, ValueError, TypeError, AttributeError, IndexError, KeyError, AssertionError):
        return None
    return spans


def _inside(spans: Sequence[tuple[tuple[int, int], tuple[int, int]]], where: tuple[int, int]) -> bool:
    index = bisect.bisect_right(spans, (where, (_END, _END))) - 1
    return index >= 0 and spans[index][0] <= where < spans[index][1]


def _heuristic_comment(line: str) -> int | None:
    """The column of the comment on ``line`` judged from that line alone (quotes opened on it)."""
    quote = None
    previous = ""
    index = 0
    while index < len(line):
        char = line[index]
        if quote == '"' and char == "\\":
            index += 2
            continue
        if quote is not None:
            if char == quote and not (quote == "'" and line[index + 1 : index + 2] == "'"):
                quote = None
            elif char == quote:
                index += 1  # '' inside a single-quoted scalar
        elif char in "'\"" and (previous == "" or previous in _QUOTE_OPENERS):
            quote = char
        elif char == "#" and (index == 0 or line[index - 1] in " \t"):
            return index
        if not char.isspace():
            previous = char
        index += 1
    return None


def _comment_columns(text: str, lines: Sequence[str]) -> dict[int, int]:
    """0-based line -> column where that line's YAML comment starts."""
    spans = _scalar_spans(text)
    found = {}
    for number, line in enumerate(lines):
        if "#" not in line:
            continue
        if spans is None:
            column = _heuristic_comment(line)
        else:
            column = next(
                (m.start() for m in _HASH.finditer(line) if not _inside(spans, (number, m.start()))), None
            )
        if column is not None:
            found[number] = column
    return found


# ---------------------------------------------------------------- parsing one comment


def _fail(file: str, line: int, column: int, message: str) -> UsageError:
    return UsageError(f"{file}:{line}:{column}: {message}")


def _codes(match: re.Match[str], offset: int, file: str, line: int) -> frozenset[str] | None:
    if match["codes"] is None:
        return None
    codes = set()
    for code in _CODE.finditer(match["codes"]):
        if code[0] not in BY_CODE:
            column = offset + match.start("codes") + code.start() + 1
            raise _fail(file, line, column, f"unknown rule code {code[0]} in karpmigrate directive")
        codes.add(code[0])
    return frozenset(codes)


def _directive(comment: str, column: int, line: int, file: str) -> _Directive | None:
    """The directive in ``comment`` (a comment's text from its ``#``), None for an ordinary comment."""
    prefix = _PREFIX.match(comment)
    if prefix is None or not comment[prefix.end() :].startswith(("disable", "enable")):
        return None
    offset = column + prefix.end()
    match = _BODY.match(comment, prefix.end())
    if match is None:
        raise _fail(file, line, offset + 1, "malformed karpmigrate directive (e.g. disable-line=KM201,KM202)")
    if match["action"] not in _ACTIONS:
        known = ", ".join(_ACTIONS)
        raise _fail(file, line, offset + 1, f"unknown karpmigrate directive {match['action']!r} ({known})")
    codes = _codes(match, column, file, line)
    if match["action"] == "disable-file" and codes is not None:
        raise _fail(file, line, offset + 1, "disable-file takes no rule codes (use disable=... instead)")
    return _Directive(match["action"], line, codes)


# ---------------------------------------------------------------- the file's directives


def _content_start(lines: Sequence[str]) -> int:
    """0-based index of the first line holding YAML content (the end of the leading comment block)."""
    return next((n for n, line in enumerate(lines) if not _TRIVIA.match(line)), len(lines))


def _ranges(directives: Iterable[_Directive]) -> dict[str, list[tuple[int, int, _Directive]]]:
    """Per code, the [first, last) line ranges that disable/enable pairs cover, with their directive."""
    open_: dict[str, tuple[int, _Directive]] = {}
    ranges: dict[str, list[tuple[int, int, _Directive]]] = {}
    for item in directives:
        codes = item.codes if item.codes is not None else BY_CODE.keys()
        if item.action == "disable":
            for code in codes:
                open_.setdefault(code, (item.line, item))
        elif item.action == "enable":
            for code in codes:
                if code in open_:
                    start, owner = open_.pop(code)
                    ranges.setdefault(code, []).append((start, item.line, owner))
    for code, (start, owner) in open_.items():
        ranges.setdefault(code, []).append((start, _END, owner))
    return ranges


class Directives:
    """The directives of one file, and which of them suppressed something (for unused-directive reports)."""

    def __init__(self, directives: Sequence[_Directive], targets: Mapping[int, Sequence[_Directive]]) -> None:
        self._directives = tuple(directives)
        self._targets = targets
        self._ranges = _ranges(d for d in directives if d.action in ("disable", "enable"))
        self._file = next((d for d in directives if d.action == "disable-file"), None)
        #: (directive line, code of a finding it suppressed).
        self.used: set[tuple[int, str]] = set()

    @classmethod
    def parse(cls, text: str, file: str) -> Directives:
        """The directives of ``text``; a malformed one raises ``UsageError`` ``FILE:LINE:COL: message``."""
        text = text.removeprefix("\ufeff")
        if not _CANDIDATE.search(text):
            return cls((), {})
        lines = _LINE_BREAK.split(text)
        comments = _comment_columns(text, lines)
        directives = []
        for number, column in comments.items():
            found = _directive(lines[number][column:], column, number + 1, file)
            if found is not None:
                directives.append(found)
        _check_file_directive(directives, lines, file)
        return cls(directives, _line_targets(directives, lines, comments))

    @property
    def file_disabled(self) -> bool:
        return self._file is not None

    def suppressed(self, code: str, line: int | None) -> bool:
        """True when a directive hides a ``code`` finding on ``line`` (1-based; None: the whole file)."""
        directive = next(self._covering(code, line), None)
        if directive is None:
            return False
        self.used.add((directive.line, code))
        return True

    def _covering(self, code: str, line: int | None) -> Iterator[_Directive]:
        # Most specific first, so that a broader directive made redundant shows up as unused.
        if line is not None:
            for directive in self._targets.get(line, ()):
                if directive.codes is None or code in directive.codes:
                    yield directive
            for start, end, directive in self._ranges.get(code, ()):
                if start <= line < end:
                    yield directive
        if self._file is not None:
            yield self._file

    def unused(self) -> list[tuple[int, str]]:
        """(line, code) of each disabling directive that suppressed nothing; code ``ALL_RULES`` ("") for a
        directive that names no code."""
        unused = []
        for directive in self._directives:
            if directive.action == "enable":
                continue
            if directive.codes is None:
                if not any(line == directive.line for line, _ in self.used):
                    unused.append((directive.line, ALL_RULES))
                continue
            unused.extend(
                (directive.line, c) for c in sorted(directive.codes) if (directive.line, c) not in self.used
            )
        return sorted(unused)


def _check_file_directive(directives: Sequence[_Directive], lines: Sequence[str], file: str) -> None:
    start = _content_start(lines)
    for directive in directives:
        if directive.action == "disable-file" and directive.line > start:
            raise _fail(
                file, directive.line, 1, "disable-file must be in the comment block at the top of the file"
            )


def _line_targets(
    directives: Sequence[_Directive], lines: Sequence[str], comments: Mapping[int, int]
) -> dict[int, list[_Directive]]:
    """1-based line -> the disable-line directives that apply to it."""

    def comment_only(index: int) -> bool:
        return index in comments and not lines[index][: comments[index]].strip()

    targets: dict[int, list[_Directive]] = {}
    for directive in directives:
        if directive.action != "disable-line":
            continue
        index = directive.line - 1
        if comment_only(index):
            index += 1
            while index < len(lines) and comment_only(index):
                index += 1
        targets.setdefault(index + 1, []).append(directive)
    return targets


__all__ = ["ALL_RULES", "Directives"]
