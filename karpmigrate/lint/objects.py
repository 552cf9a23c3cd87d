"""From file text to :class:`LintObject`s: Karpenter objects, workloads that mention Karpenter, Helm values.

Only documents a rule can be about are parsed (design §3: the rest is never round-tripped): Karpenter
kinds (also inside ``kind: List``), workloads whose text mentions ``karpenter.sh/`` (KM212, KM221,
KM222), and apiVersion-less documents that look like the Karpenter chart's values (KM114, KM224).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from karpmigrate.errors import InputError
from karpmigrate.findings import Path
from karpmigrate.io import fastyaml
from karpmigrate.io.documents import KARPENTER_GROUPS, DocumentText, is_templated, split_documents
from karpmigrate.lint._base import HELM_VALUES, WORKLOAD_KINDS, LintObject

#: Keys of the Karpenter chart's values that mark a values document (settings.*, featureGates).
_VALUES_HINTS = ("featureGates", "settings:", "clusterName", "interruptionQueue")


@dataclass(slots=True)
class Loaded:
    """The objects of one file and what stopped parts of it from being read."""

    file: str
    objects: list[LintObject] = field(default_factory=list)
    errors: list[InputError] = field(default_factory=list)
    templated: bool = False


def _is_karpenter(api_version: object) -> bool:
    return isinstance(api_version, str) and api_version.partition("/")[0] in KARPENTER_GROUPS


def _wanted(doc: DocumentText) -> bool:
    if doc.is_karpenter or (doc.might_hold_karpenter and doc.kind in (None, "List")):
        return True
    if doc.kind in WORKLOAD_KINDS:
        return "karpenter.sh/" in doc.text
    return doc.api_version is None and doc.kind is None and any(h in doc.text for h in _VALUES_HINTS)


Locate = Callable[..., "tuple[int, int] | None"]


class _Parsed:
    """One document's tree, its first line in the file, and how to find a path's position in it."""

    __slots__ = ("tree", "line", "index", "find")

    def __init__(self, tree: Any, line: int, index: int, find: Locate) -> None:
        self.tree = tree
        self.line = line
        self.index = index
        self.find = find


def _parse(doc: DocumentText, file: str) -> tuple[_Parsed, Any]:
    """(parsed, plain data). libyaml first (no ruamel import: budget P1); ruamel for what it declines,
    which also writes the error message of a document that does not parse."""
    try:
        tree = fastyaml.build(doc.text)
    except fastyaml.Unsupported:
        from karpmigrate.io.yaml import locate, parse_document, to_plain

        parsed = parse_document(doc, file)
        return _Parsed(parsed.tree, parsed.line, doc.index, locate), to_plain(parsed.tree)
    return _Parsed(tree, doc.line, doc.index, fastyaml.locate), fastyaml.plain(tree)


def _locator(parsed: _Parsed, prefix: Path) -> Any:
    def position(path: Path, key: bool = False) -> tuple[int | None, int | None]:
        where = parsed.find(parsed.tree, prefix + path, key=key)
        if where is None:
            return None, None
        return parsed.line + where[0] + 1, where[1] + 1

    return position


def _objects(parsed: _Parsed, data: Any, file: str) -> Iterator[LintObject]:
    if not isinstance(data, dict):
        return
    index = parsed.index
    items = data.get("items")
    if data.get("kind") == "List" and isinstance(items, list):
        for i, item in enumerate(items):
            if isinstance(item, dict) and (
                _is_karpenter(item.get("apiVersion")) or item.get("kind") in WORKLOAD_KINDS
            ):
                prefix: Path = ("items", i)
                yield LintObject(file, item, prefix, index, _locator(parsed, prefix), str(item.get("kind")))
        return
    kind = data.get("kind")
    if isinstance(kind, str) and (_is_karpenter(data.get("apiVersion")) or kind in WORKLOAD_KINDS):
        yield LintObject(file, data, (), index, _locator(parsed, ()), kind)
    elif "apiVersion" not in data and "kind" not in data:
        yield LintObject(file, data, (), index, _locator(parsed, ()), HELM_VALUES)


def load_text(text: str, file: str) -> Loaded:
    """Every lintable object of one file's text; a bad document is an error and the rest still loads."""
    loaded = Loaded(file)
    if is_templated(text):
        loaded.templated = True
        return loaded
    for doc in split_documents(text):
        if not _wanted(doc):
            continue
        try:
            parsed, data = _parse(doc, file)
        except InputError as exc:
            loaded.errors.append(exc)
            continue
        loaded.objects.extend(_objects(parsed, data, file))
    return loaded
