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
"""

from __future__ import annotations

import enum
import inspect
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from karpmigrate.findings import Code, Level, ObjectRef, Path
from karpmigrate.io import paths
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


class Scope(str, enum.Enum):
    OBJECT = "object"
    PAIR = "pair"
    SET = "set"
    CLUSTER = "cluster"


@dataclass(frozen=True, slots=True, eq=False)
class LintObject:
    """One object of the input as plain data, with a way back to its position in the file."""

    file: str
    #: Plain JSON-like data of the object (what the API server would decode).
    data: Mapping[str, Any]
    #: ``()`` for a document, ``("items", i)`` for an item of a ``kind: List``.
    prefix: Path
    #: 0-based index of the document in its file.
    document: int
    #: 1-based (line, column) of a path *relative to the object* (nearest existing ancestor); with
    #: ``key=True`` the position of the key rather than of its value.
    locate: Callable[..., tuple[int | None, int | None]] = field(repr=False)
    #: ``Kind`` for Kubernetes objects, ``HelmValues`` for a values document.
    kind: str = ""

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
        return paths.get(self.data, path, default)

    def __str__(self) -> str:
        return f"{self.kind}/{self.name}" if self.name else self.kind


@dataclass(frozen=True, slots=True)
class Hit:
    """What a rule found: a message about a path of an object (default: the object the rule was called for)."""

    message: str
    path: Path = ()
    obj: LintObject | None = None
    #: Overrides the catalogue level for this hit (e.g. KM103: error for target >= 1.1, warning on 1.0).
    level: Level | None = None
    #: Point at the key of ``path`` (a key that should not be there) rather than at its value.
    at_key: bool = False


@dataclass(slots=True)
class RuleContext:
    """What a rule may look at. Read-only by convention; rules never do I/O."""

    target: Target
    #: Every object of the new version (Karpenter kinds, workloads, Helm values).
    objects: Sequence[LintObject]
    #: Every object of the previous version (empty when there is none: no git, no --baseline).
    old_objects: Sequence[LintObject] = ()
    #: The object the rule is called for (None for SET rules).
    obj: LintObject | None = None
    #: Its previous version (PAIR rules; None for OBJECT rules or a new object).
    old: LintObject | None = None
    #: Previous version of each new object, by identity (filled by the engine).
    pairs: Mapping[int, LintObject] = field(default_factory=dict)
    #: True when a previous version was given at all (git, --baseline, or diff's OLD).
    has_old: bool = False

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


@dataclass(frozen=True, slots=True)
class Rule:
    """A lint rule: a catalogue entry, the kinds it looks at, how often it runs, and its check."""

    code: Code
    kinds: frozenset[str]
    scope: Scope
    check: Check
    #: The rule's docstring: summary line, then What it does / Why it matters / Example / Use instead.
    doc: str
    #: It compares the previous version with the new one (``diff`` runs only these).
    compares: bool = False

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
        doc = inspect.cleandoc(check.__doc__ or "")
        if not doc:
            raise ValueError(f"{code.code}: a rule documents itself in its docstring")
        return Rule(
            code=code,
            kinds=frozenset(kinds),
            scope=scope,
            check=check,
            doc=doc,
            compares=scope is Scope.PAIR if compares is None else compares,
        )

    return wrap
