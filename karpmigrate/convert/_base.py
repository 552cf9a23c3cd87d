"""What a conversion rule is and what it may see: the object's tree, its original data, the input set.

A rule edits one object's round-trip tree in place through ``karpmigrate.io.paths`` and returns nothing
(spec/aesthetics.md §2). To tell the user something it calls ``ctx.note`` *before* editing, so that the
note points at the line the user wrote. A rule never reads files or the cluster: another object of the
input set comes from ``ctx.find`` (the NodePool of a NodeClaim, NC-6) or from the kubelet plan
(``ctx.plan``), computed once over every document given.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from karpmigrate.errors import UsageError
from karpmigrate.findings import Finding, Level, ObjectRef, Path

if TYPE_CHECKING:
    from ruamel.yaml.comments import CommentedMap

    from karpmigrate.convert.plan import Inventory, ObjectInfo, Plan
    from karpmigrate.findings import Code


class Mode(str, enum.Enum):
    #: The v1 manifests a team should commit (design §3).
    CLEAN = "clean"
    #: Exactly what Karpenter 1.0's conversion webhook stores (spec/conversion-rules.md).
    WEBHOOK = "webhook"


#: Families with an alias in v1 (AL-2); Windows AMIs accept only ``latest`` (drift-and-lint KM211).
ALIAS_FAMILIES = ("AL2", "AL2023", "Bottlerocket", "Windows2019", "Windows2022")
_LATEST_ONLY = ("windows2019", "windows2022")
_VERSION = re.compile(r"^(latest|v\d+(?:\.\d+)*(?:-[0-9A-Za-z.]+)?)$")


@dataclass(frozen=True, slots=True)
class AliasVersions:
    """``--alias-version``: one version for every family, or ``family=version`` pairs."""

    default: str = "latest"
    by_family: tuple[tuple[str, str], ...] = ()

    @classmethod
    def parse(cls, text: str) -> AliasVersions:
        default = "latest"
        pairs: dict[str, str] = {}
        families = {f.lower() for f in ALIAS_FAMILIES}
        for part in filter(None, (p.strip() for p in text.split(","))):
            family, sep, version = part.rpartition("=")
            if not _VERSION.match(version):
                raise UsageError(
                    f"--alias-version: {version!r} is not 'latest' or a version like v20240807 / v1.20.3"
                )
            if not sep:
                default = version
            elif family.lower() in families:
                pairs[family.lower()] = version
            else:
                raise UsageError(
                    f"--alias-version: unknown AMI family {family!r} (one of {sorted(families)})"
                )
        return cls(default, tuple(sorted(pairs.items())))

    def for_family(self, family: str) -> str:
        """The version to pin ``family`` (lower-case alias family) to."""
        version = dict(self.by_family).get(family, self.default)
        return "latest" if family in _LATEST_ONLY else version


@dataclass(frozen=True, slots=True)
class Options:
    """Everything a conversion depends on besides its input (the ``convert`` flags)."""

    mode: Mode = Mode.CLEAN
    alias_version: AliasVersions = AliasVersions()
    keep_deprecated_annotations: bool = False
    ubuntu_ami_id: str | None = None
    adopt_v1_defaults: bool = False
    #: Check each converted object against the v1 models. Callers that only compare what the webhook
    #: stores (drift, lint's migration rules) turn it off: the models cost ~0.2 s to load (issue 6, P1).
    validate: bool = True


class Blocked(Exception):
    """Raised by a rule when the object cannot be converted; the document is left exactly as it was."""

    def __init__(self, code: Code, message: str, path: Path = ()) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.path = path


#: Where the NodeClaim spec of each Karpenter kind lives (NP-* and NC-* rules share their code).
CLAIM_SPEC: Mapping[str, Path] = {
    "NodePool": ("spec", "template", "spec"),
    "NodeClaim": ("spec",),
}


@dataclass(slots=True)
class Context:
    """One object being converted, and read access to everything else in the input set."""

    options: Options
    kind: str
    #: The apiVersion as written in the input.
    api_version: str
    #: Plain data of the object before any rule ran (read it for decisions; edit the tree).
    before: Mapping[str, Any]
    #: Identity of this object in the inventory (see ``plan.ObjectInfo.key``).
    key: tuple[str, int, Path]
    inventory: Inventory
    plan: Plan
    #: Turns a path inside the object into a 1-based (line, column) of the input file.
    locate: Callable[[Path], tuple[int | None, int | None]]
    file: str
    notes: list[Finding] = field(default_factory=list)

    @property
    def mode(self) -> Mode:
        return self.options.mode

    @property
    def name(self) -> str | None:
        meta = self.before.get("metadata")
        name = meta.get("name") if isinstance(meta, Mapping) else None
        return name if isinstance(name, str) else None

    @property
    def claim_spec(self) -> Path:
        return CLAIM_SPEC.get(self.kind, ("spec",))

    @property
    def obj(self) -> ObjectRef:
        return ObjectRef.of(self.before)

    def note(self, code: Code, message: str, path: Path = (), level: Level | None = None) -> None:
        """Record a note about this object; its position is the node at ``path`` as the user wrote it."""
        line, column = self.locate(path)
        self.notes.append(
            Finding(
                code=code.code,
                name=code.name,
                level=level or code.level,
                message=message,
                file=self.file,
                line=line,
                column=column,
                obj=self.obj,
                path=path,
            )
        )

    def find(self, kind: str, name: str) -> ObjectInfo | None:
        """The object of ``kind`` named ``name`` that this object refers to (nearest in the tree)."""
        return self.inventory.resolve(kind, name, near=self.key)


RuleFunc = Callable[["CommentedMap", Context], None]

_RULE_ID = re.compile(r"^(S|NP|NC|EC|CL)-\d+[a-z]?$")


@dataclass(frozen=True, slots=True)
class Rule:
    """One conversion step. ``id`` is the upstream rule ID (spec/conversion-rules.md) or a CL-* clean rule."""

    id: str
    name: str
    kinds: frozenset[str]
    apply: RuleFunc
    #: Source API versions the rule runs on. Workload kinds (apps/v1, batch/v1, v1) ignore this.
    versions: frozenset[str] = frozenset({"v1beta1"})

    @property
    def summary(self) -> str:
        doc = self.apply.__doc__ or ""
        return doc.strip().splitlines()[0] if doc.strip() else ""

    def runs_on(self, kind: str, version: str, *, karpenter: bool) -> bool:
        if kind not in self.kinds:
            return False
        return version in self.versions or not karpenter

    def only(self, kinds: Iterable[str]) -> Rule:
        """The same rule restricted to ``kinds`` (a mode that needs it for fewer kinds)."""
        return replace(self, kinds=self.kinds & frozenset(kinds))


def rule(
    id: str,
    name: str,
    *,
    kinds: Iterable[str],
    versions: Iterable[str] = ("v1beta1",),
) -> Callable[[RuleFunc], Rule]:
    """Declare a rule: ``@rule("NP-4", "expire-after-to-template", kinds={"NodePool"})``.

    Which mode runs it, and in what order, is declared once in ``karpmigrate.convert.rules``.
    """
    if not _RULE_ID.match(id):
        raise ValueError(f"bad rule id {id!r}")

    def declare(func: RuleFunc) -> Rule:
        return Rule(id, name, frozenset(kinds), func, frozenset(versions))

    return declare
