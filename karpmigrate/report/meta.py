"""What a report says about a code: name, level, summary and help (SARIF rules, ``rules`` listings).

Every code is declared once (``catalogue``, ``io.codes``, ``validate.codes``, ``convert.codes``); this
module only looks it up. A lint rule's docstring is its long help (design §4): a summary line, then the
sections ``What it does:``, ``Why it matters:``, ``Example:``, ``Use instead:``. Tables are imported on
demand, so describing a lint code never loads the models and describing a KV001 never loads the rules.
"""

from __future__ import annotations

import inspect
import re
import textwrap
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any

from karpmigrate.findings import Code, Level

#: GitHub truncates longer ``fullDescription`` texts (ecosystem §1.9).
MAX_DESCRIPTION = 1024
SECTIONS = ("What it does", "Why it matters", "Example", "Use instead")
#: Sections whose body is mostly a manifest: shown as YAML code in Markdown.
CODE_SECTIONS = frozenset({"Example", "Use instead"})
_HEADER = re.compile(rf"^({'|'.join(SECTIONS)}):\s*(.*)$")
_YAML_LINE = re.compile(r"""^(\s|- |-$|#|---|\.\.\.|[\w"'./@$-]+:(\s|$))""")


@dataclass(frozen=True, slots=True)
class RuleMeta:
    code: str
    name: str
    level: Level
    #: One line: SARIF ``shortDescription``.
    summary: str
    #: At most 1024 characters: SARIF ``fullDescription``.
    description: str
    help_text: str
    help_markdown: str
    help_uri: str | None
    #: SARIF ``properties.tags``: always ``karpenter``, then the code's family.
    tags: tuple[str, ...]
    #: False for a code no table declares (described generically, never an error).
    known: bool = True


@dataclass(frozen=True, slots=True)
class _Family:
    prefix: str
    low: int
    high: int
    tags: tuple[str, ...]
    about: str

    def holds(self, code: str) -> bool:
        number = code[len(self.prefix) :]
        return code.startswith(self.prefix) and number.isdigit() and self.low <= int(number) <= self.high


#: Families of spec/drift-and-lint.md §b/§c and of the validate/convert codes.
FAMILIES: tuple[_Family, ...] = (
    _Family("KM", 101, 129, ("migration", "drift"), "A v1beta1 to v1 migration risk: nodes may drift."),
    _Family("KM", 130, 199, ("migration",), "A v1 manifest the migration must get right to apply at all."),
    _Family("KM", 201, 211, ("drift",), "A change that makes Karpenter replace nodes (drift)."),
    _Family("KM", 212, 299, ("correctness",), "A v1 setting that the API rejects or Karpenter ignores."),
    _Family("KV", 1, 9, ("input",), "The input cannot be read as Kubernetes manifests."),
    _Family("KV", 10, 999, ("validation",), "The API server with the Karpenter CRDs rejects the object."),
    _Family("KC", 1, 999, ("conversion",), "Reported while converting v1beta1 manifests to v1."),
)


def _family(code: str) -> _Family | None:
    return next((f for f in FAMILIES if f.holds(code)), None)


# ---------------------------------------------------------------- code tables, loaded on demand
def _lookup_km(code: str) -> Code | None:
    # The catalogue, not convert.codes: convert's KM notes reuse the codes at their own levels.
    from karpmigrate import catalogue

    return catalogue.BY_CODE.get(code)


def _lookup_kv(code: str) -> Code | None:
    from karpmigrate.io import codes as input_codes

    if code in input_codes.BY_CODE:
        return input_codes.BY_CODE[code]
    from karpmigrate.validate import codes  # loads the models: only for the schema codes

    return codes.BY_CODE.get(code)


def _lookup_kc(code: str) -> Code | None:
    from karpmigrate.convert import codes  # loads the conversion engine: only for KC codes

    return codes.BY_CODE.get(code)


#: Where each code prefix is declared.
TABLES: dict[str, Callable[[str], Code | None]] = {"KM": _lookup_km, "KV": _lookup_kv, "KC": _lookup_kc}


def lint_rule_doc(code: str) -> str | None:
    """The docstring of the lint rule for ``code``, if the lint registry exists and has one."""
    try:
        from karpmigrate.lint import registry
    except ImportError:
        return None
    rules: Mapping[str, Any] = getattr(registry, "RULES_BY_CODE", {})
    doc = getattr(rules.get(code), "doc", None)
    return doc if isinstance(doc, str) and doc.strip() else None


# ---------------------------------------------------------------- rule docstrings
@dataclass(frozen=True, slots=True)
class RuleDoc:
    summary: str
    #: Section title -> body (dedented), in the docstring's order; text before any section is ``""``.
    sections: dict[str, str]


def parse_doc(doc: str) -> RuleDoc:
    """Split a rule docstring into its summary paragraph and its titled sections."""
    lines = inspect.cleandoc(doc).splitlines()
    summary: list[str] = []
    while lines and lines[0].strip() and not _HEADER.match(lines[0]):
        summary.append(lines.pop(0).strip())
    sections: dict[str, list[str]] = {}
    current = ""
    for line in lines:
        header = _HEADER.match(line)
        if header:
            current = header.group(1)
            sections[current] = [header.group(2)] if header.group(2) else []
        else:
            sections.setdefault(current, []).append(line)
    bodies = {title: textwrap.dedent("\n".join(body)).strip("\n") for title, body in sections.items()}
    return RuleDoc(" ".join(summary), {title: body for title, body in bodies.items() if body.strip()})


def _paragraphs(body: str) -> list[str]:
    return [p.strip("\n") for p in re.split(r"\n\s*\n", body) if p.strip()]


def _is_code(paragraph: str) -> bool:
    return all(_YAML_LINE.match(line) for line in paragraph.splitlines() if line.strip())


def _section_markdown(title: str, body: str) -> str:
    if title not in CODE_SECTIONS or "```" in body:
        return body
    # Prose stays prose; runs of manifest paragraphs become one YAML block.
    out: list[str] = []
    block: list[str] = []
    for paragraph in _paragraphs(body):
        if _is_code(paragraph):
            block.append(paragraph)
            continue
        if block:
            out.append("```yaml\n" + "\n\n".join(block) + "\n```")
            block = []
        out.append(paragraph)
    if block:
        out.append("```yaml\n" + "\n\n".join(block) + "\n```")
    return "\n\n".join(out)


def doc_markdown(doc: RuleDoc) -> str:
    parts = [doc.summary] if doc.summary else []
    for title, body in doc.sections.items():
        if title:
            parts.append(f"## {title}\n\n{_section_markdown(title, body)}")
        else:
            parts.append(body)
    return "\n\n".join(parts)


def _shorten(text: str, limit: int = MAX_DESCRIPTION) -> str:
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    return textwrap.shorten(text, width=limit, placeholder=" ...")


# ---------------------------------------------------------------- describe
def _generic(code: str) -> RuleMeta:
    summary = f"{code}: a karpmigrate finding."
    return RuleMeta(
        code=code,
        name=code,
        level=Level.WARNING,
        summary=summary,
        description=summary,
        help_text=summary,
        help_markdown=summary,
        help_uri=None,
        tags=("karpenter",),
        known=False,
    )


def _from_code(entry: Code, family: _Family | None, doc: str | None) -> RuleMeta:
    tags = ("karpenter", *(family.tags if family else ()))
    about = family.about if family else ""
    if doc is not None:
        parsed = parse_doc(doc)
        what = " ".join(parsed.sections.get(t, "") for t in ("What it does", "Why it matters"))
        description = _shorten(what) if what.strip() else _shorten(f"{entry.summary} {about}")
        help_text, help_markdown = inspect.cleandoc(doc), doc_markdown(parsed)
    else:
        description = _shorten(f"{entry.summary} {about}")
        help_text = f"{entry.code} {entry.name} (default level: {entry.level.value})\n\n{entry.summary}"
        help_markdown = (
            f"**{entry.code} `{entry.name}`** (default level: {entry.level.value})\n\n{entry.summary}"
        )
        if about:
            help_text += f"\n\n{about}"
            help_markdown += f"\n\n{about}"
    return RuleMeta(
        code=entry.code,
        name=entry.name,
        level=entry.level,
        summary=entry.summary,
        description=description,
        help_text=help_text,
        help_markdown=help_markdown,
        help_uri=None,
        tags=tags,
    )


@cache
def describe(code: str) -> RuleMeta:
    """Everything a report can say about ``code``; a generic description for a code nobody declares."""
    table = TABLES.get(code[:2])
    entry = table(code) if table is not None else None
    if entry is None:
        return _generic(code)
    doc = lint_rule_doc(code) if code.startswith("KM") else None
    return _from_code(entry, _family(code), doc)
