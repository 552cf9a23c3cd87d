"""What a lint rule is and what it sees: objects with positions, their previous version, the whole set.

A rule is a small function decorated with :func:`lint_rule`; it yields :class:`Hit`s and never does I/O.
The engine (``karpmigrate.lint.engine``) loads objects, pairs each with its previous version, calls the
rules, and turns hits into findings (position, level from config, directives, waivers).

Scopes (how often a rule is called):

- ``OBJECT``: once per object of its kinds, new version only (single-version rules: always run).
- ``PAIR``: once per object of its kinds that has a previous version (``ctx.old`` is set): drift rules.
- ``SET``: once per run (``ctx.obj`` is None): rules that need several objects together (KM101, KM113,
  KM120, KM221); they read ``ctx.objects`` / ``ctx.old_objects`` and give each hit its object.
- ``CLUSTER``: needs live cluster state; never run by ``lint``, listed for the audit (KM118).

The lint path's records are NamedTuples or plain classes with ``__slots__``, not dataclasses: declaring
a dataclass costs ~0.5 ms, paid at every start of a pre-commit hook (issue 6, budget P1).
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import Any, NamedTuple

from karpmigrate.findings import Code, Level, ObjectRef, Path
from karpmigrate.target import Target

#: Workload kinds whose pod template (or the Pod itself) lint rules look at (KM212, KM221, KM222).
WORKLOAD_KINDS = frozenset({"Pod", "Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job", "CronJob"})
#: A document without apiVersion/kind that looks like Helm values of the Karpenter chart (KM114, KM224).
HELM_VALUES = "HelmValues"
#: Where each workload kind keeps its pod template (the Pod itself: ``()``).
POD_TEMPLATE: Mapping[str, Path] = {
    "Pod": (),
    "Deployment": ("spec", "template"),
    "StatefulSet": ("spec", "template"),
    "DaemonSet": ("spec", "template"),
    "ReplicaSet": ("spec", "template"),
    "Job": ("spec", "template"),
    "CronJob": ("spec", "jobTemplate", "spec", "template"),
}


def lookup(data: Any, path: Path, default: Any = None) -> Any:
    """The value at ``path`` in plain data, or ``default`` when a step is missing or of the wrong type.

    What ``karpmigrate.io.paths.get`` does, without importing that module: it edits ruamel trees and
    imports ruamel, which a lint run (plain data, budget P1) has no other use for.
    """
    node = data
    for part in path:
        if not (_is_key(node, part) or _is_index(node, part)):
            return default
        node = node[part]
    return node


def _is_key(node: Any, part: str | int) -> bool:
    return isinstance(node, Mapping) and part in node


def _is_index(node: Any, part: str | int) -> bool:
    return isinstance(node, list) and isinstance(part, int) and -len(node) <= part < len(node)


class Scope(str, enum.Enum):
    OBJECT = "object"
    PAIR = "pair"
    SET = "set"
    CLUSTER = "cluster"


class LintObject:
    """One object of the input as plain data, with a way back to its position in the file.

    Immutable, and equal only to itself: two objects with the same data are still two objects (the
    engine pairs versions by identity).
    """

    __slots__ = ("file", "data", "prefix", "document", "locate", "kind")

    file: str
    #: Plain JSON-like data of the object (what the API server would decode).
    data: Mapping[str, Any]
    #: ``()`` for a document, ``("items", i)`` for an item of a ``kind: List``.
    prefix: Path
    #: 0-based index of the document in its file.
    document: int
    #: 1-based (line, column) of a path *relative to the object* (nearest existing ancestor); with
    #: ``key=True`` the position of the key rather than of its value.
    locate: Callable[..., tuple[int | None, int | None]]
    #: ``Kind`` for Kubernetes objects, ``HelmValues`` for a values document.
    kind: str

    def __init__(
        self,
        file: str,
        data: Mapping[str, Any],
        prefix: Path,
        document: int,
        locate: Callable[..., tuple[int | None, int | None]],
        kind: str = "",
    ) -> None:
        for name, value in zip(self.__slots__, (file, data, prefix, document, locate, kind), strict=True):
            object.__setattr__(self, name, value)

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError(f"cannot assign to field {name!r}: a LintObject is immutable")

    def __delattr__(self, name: str) -> None:
        raise AttributeError(f"cannot delete field {name!r}: a LintObject is immutable")

    def __repr__(self) -> str:
        return (
            f"LintObject(file={self.file!r}, data={self.data!r}, prefix={self.prefix!r}, "
            f"document={self.document!r}, kind={self.kind!r})"
        )

    @property
    def ref(self) -> ObjectRef:
        return ObjectRef.of(self.data)

    @property
    def api_version(self) -> str:
        value = self.data.get("apiVersion")
        return value if isinstance(value, str) else ""

    @property
    def version(self) -> str:
        """``v1beta1`` or ``v1`` (the part after the group)."""
        return self.api_version.rpartition("/")[2]

    @property
    def name(self) -> str:
        return self.ref.name or ""

    @property
    def namespace(self) -> str:
        return self.ref.namespace or ""

    def get(self, path: Path, default: Any = None) -> Any:
        """The plain value at ``path`` (relative to the object), or ``default``."""
        return lookup(self.data, path, default)

    def __str__(self) -> str:
        return f"{self.kind}/{self.name}" if self.name else self.kind


class Hit(NamedTuple):
    """What a rule found: a message about a path of an object (default: the object the rule was called for)."""

    message: str
    path: Path = ()
    obj: LintObject | None = None
    #: Overrides the catalogue level for this hit (e.g. KM103: error for target >= 1.1, warning on 1.0).
    level: Level | None = None
    #: Point at the key of ``path`` (a key that should not be there) rather than at its value.
    at_key: bool = False


class RuleContext:
    """What a rule may look at. Read-only by convention; rules never do I/O."""

    __slots__ = ("target", "objects", "old_objects", "obj", "old", "pairs", "has_old")

    target: Target
    #: Every object of the new version (Karpenter kinds, workloads, Helm values).
    objects: Sequence[LintObject]
    #: Every object of the previous version (empty when there is none: no git, no --baseline).
    old_objects: Sequence[LintObject]
    #: The object the rule is called for (None for SET rules).
    obj: LintObject | None
    #: Its previous version (PAIR rules; None for OBJECT rules or a new object).
    old: LintObject | None
    #: Previous version of each new object, by identity (filled by the engine).
    pairs: Mapping[int, LintObject]
    #: True when a previous version was given at all (git, --baseline, or diff's OLD).
    has_old: bool

    def __init__(
        self,
        target: Target,
        objects: Sequence[LintObject],
        old_objects: Sequence[LintObject] = (),
        obj: LintObject | None = None,
        old: LintObject | None = None,
        pairs: Mapping[int, LintObject] | None = None,
        has_old: bool = False,
    ) -> None:
        self.target = target
        self.objects = objects
        self.old_objects = old_objects
        self.obj = obj
        self.old = old
        self.pairs = {} if pairs is None else pairs
        self.has_old = has_old

    def of_kind(self, *kinds: str, old: bool = False) -> Iterator[LintObject]:
        for candidate in self.old_objects if old else self.objects:
            if candidate.kind in kinds:
                yield candidate

    def find(self, kind: str, name: str, *, old: bool = False) -> LintObject | None:
        """The object of ``kind`` named ``name`` (the first one in input order)."""
        return next((o for o in self.of_kind(kind, old=old) if o.name == name), None)

    def old_of(self, obj: LintObject) -> LintObject | None:
        """The previous version of ``obj`` (same kind family and name), None when it is new."""
        return self.pairs.get(id(obj))


Check = Callable[[RuleContext], Iterable[Hit]]


class Rule(NamedTuple):
    """A lint rule: a catalogue entry, the kinds it looks at, how often it runs, and its check."""

    code: Code
    kinds: frozenset[str]
    scope: Scope
    check: Check
    #: It compares the previous version with the new one (``diff`` runs only these).
    compares: bool = False

    @property
    def doc(self) -> str:
        """The check's docstring: summary line, then What it does / Why it matters / Example / Use instead.

        Cleaned on use (``karpmigrate rules``, the catalogue), not when the rule is declared: every lint
        run declares every rule, and reads no documentation (issue 6, budget P1).
        """
        import inspect

        return inspect.cleandoc(self.check.__doc__ or "")

    @property
    def id(self) -> str:
        return self.code.code

    @property
    def name(self) -> str:
        return self.code.name

    @property
    def level(self) -> Level:
        return self.code.level

    @property
    def summary(self) -> str:
        return self.code.summary


def lint_rule(
    code: Code, *, kinds: Iterable[str], scope: Scope = Scope.OBJECT, compares: bool | None = None
) -> Callable[[Check], Rule]:
    """Declare a rule; the module then ends with ``RULE = <function name>``.

    ``compares`` (default: PAIR rules) marks a rule that reads the previous version: ``diff`` runs those.
    """

    def wrap(check: Check) -> Rule:
        if not (check.__doc__ or "").strip():
            raise ValueError(f"{code.code}: a rule documents itself in its docstring")
        return Rule(
            code=code,
            kinds=frozenset(kinds),
            scope=scope,
            check=check,
            compares=scope is Scope.PAIR if compares is None else compares,
        )

    return wrap
