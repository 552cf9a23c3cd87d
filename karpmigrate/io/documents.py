"""Split a multi-document file into exact text slices, one per YAML document, without parsing.

``"".join(d.text for d in split_documents(text)) == text`` always holds: every byte belongs to exactly
one document, so a file is rewritten by replacing only the slices of the documents that changed.

Where the lines between two documents go:
- a ``---`` line starts the document that follows it;
- a ``...`` line ends the document before it; lines after it (up to the next ``---``) open the next one;
- directives (``%YAML``) and the block of column-0 comments right before a ``---`` belong to the document
  that follows, the way people write a header comment above each object; blank lines before that
  block stay with the previous document (with ``|+`` chomping they can be part of its last scalar);
- comments and blank lines at the end of the file stay with the last document.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

KARPENTER_GROUPS = ("karpenter.sh", "karpenter.k8s.aws")

# The line breaks ruamel's reader counts (reader.py, Reader.forward); using the same set keeps
# ``DocumentText.line`` plus a ruamel mark equal to the file line.
_LINE = re.compile(r"[^\r\n\x85\u2028\u2029]*(?:\r\n|[\r\n\x85\u2028\u2029]|$)")
# YAML 1.2 §9.1.4: a marker is `---`/`...` at column 0 followed by white space or a line break.
_START = re.compile(r"---(?:[ \t\r\n\x85\u2028\u2029]|$)")
_END = re.compile(r"\.\.\.(?:[ \t\r\n\x85\u2028\u2029]|$)")
_BLANK = re.compile(r"[ \t]*(?:\r\n|[\r\n\x85\u2028\u2029])?$")
_TOP_LEVEL = re.compile(
    r"^(?P<key>apiVersion|kind)[ \t]*:[ \t]+(?P<value>[^\s#'\"][^\r\n#]*?|\"[^\"\r\n]*\"|'[^'\r\n]*')"
    r"[ \t]*(?:#[^\r\n]*)?\r?$",
    re.MULTILINE,
)
# `${{ ... }}` is a GitHub Actions expression inside valid YAML, not a Go template.
_TEMPLATE = re.compile(r"(?<!\$)\{\{.*?\}\}", re.DOTALL)
_COMMENT = re.compile(r"(?:^|(?<=[ \t]))#[^\r\n]*", re.MULTILINE)


@dataclass(frozen=True, slots=True)
class DocumentText:
    """One document's exact slice of the file text; ``line`` is 0-based in the file."""

    index: int
    text: str
    line: int
    api_version: str | None
    kind: str | None

    @property
    def is_karpenter(self) -> bool:
        return self.api_version is not None and self.api_version.partition("/")[0] in KARPENTER_GROUPS

    @property
    def might_hold_karpenter(self) -> bool:
        return any(group in self.text for group in KARPENTER_GROUPS)


def _lines(text: str) -> list[str]:
    lines = _LINE.findall(text)
    # The pattern matches an empty string at the very end; it is not a line.
    if lines and lines[-1] == "":
        lines.pop()
    return lines


def _is_trivia(line: str) -> bool:
    return bool(_BLANK.match(line)) or line.startswith("#")


def _head_start(lines: list[str], start: int, marker: int) -> int:
    """First line of the directives/comment block that precedes the ``---`` at ``marker``."""
    first = marker
    for i in range(marker - 1, start - 1, -1):
        line = lines[i]
        if line.startswith(("#", "%")):
            first = i
        elif not _BLANK.match(line):
            return first
    # Nothing but comments and blank lines since the previous cut: no document of its own.
    return start


def _boundaries(lines: list[str]) -> list[int]:
    cuts = [0]
    for i, line in enumerate(lines):
        if _START.match(line):
            cut = _head_start(lines, cuts[-1], i)
            if cut > cuts[-1]:
                cuts.append(cut)
        elif _END.match(line) and i + 1 < len(lines):
            cuts.append(i + 1)
    return cuts


def _merge_trailing_trivia(chunks: list[list[str]]) -> list[list[str]]:
    # Comments after the last `...` are a file footer, not a document of their own.
    if len(chunks) > 1 and all(_is_trivia(line) for line in chunks[-1]):
        chunks[-2].extend(chunks.pop())
    return chunks


def _scan(text: str) -> tuple[str | None, str | None]:
    found: dict[str, str] = {}
    for match in _TOP_LEVEL.finditer(text):
        value = match["value"]
        if value[:1] in "'\"":
            value = value[1:-1]
        found.setdefault(match["key"], value)
    return found.get("apiVersion") or None, found.get("kind") or None


def split_documents(text: str) -> list[DocumentText]:
    """The documents of ``text``, in order; an empty text has none."""
    lines = _lines(text)
    cuts = _boundaries(lines) + [len(lines)]
    chunks = [lines[a:b] for a, b in zip(cuts, cuts[1:], strict=False) if b > a]
    docs = []
    line = 0
    for index, chunk in enumerate(_merge_trailing_trivia(chunks)):
        body = "".join(chunk)
        docs.append(DocumentText(index, body, line, *_scan(body)))
        line += len(chunk)
    return docs


def is_templated(text: str) -> bool:
    """True when Go/Helm template expressions (``{{ ... }}``) appear outside comments."""
    if "{{" not in text:
        return False
    return bool(_TEMPLATE.search(_COMMENT.sub("", text)))
