"""What several audit checks share: reading Karpenter objects in the version the cluster serves, versions,
plain-data access, short listings, and running a KM lint rule over live objects (audit has no rule
logic of its own: KM101 and KM114 are reused as they are).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import Any, TypeVar

from karpmigrate.audit._base import ClusterView, SourceError
from karpmigrate.findings import Path
from karpmigrate.io import paths
from karpmigrate.lint._base import Hit, LintObject, Rule, RuleContext
from karpmigrate.lint.rules._common import items as items
from karpmigrate.lint.rules._common import mapping as mapping
from karpmigrate.target import Target

Version = tuple[int, int, int]
T = TypeVar("T")

#: The API group of each Karpenter kind the checks read.
GROUPS: Mapping[str, str] = {
    "NodePool": "karpenter.sh",
    "NodeClaim": "karpenter.sh",
    "EC2NodeClass": "karpenter.k8s.aws",
}
#: The CRDs of the three kinds the migration is about.
CRD_NAMES = ("nodepools.karpenter.sh", "nodeclaims.karpenter.sh", "ec2nodeclasses.karpenter.k8s.aws")
#: The label Karpenter puts on NodeClaims and Nodes: the NodePool they come from.
NODEPOOL_LABEL = "karpenter.sh/nodepool"
#: The release the audit judges readiness for (issue 5: "can we upgrade to 1.1?").
AUDIT_TARGET = Target(1, 1)

_VERSION = re.compile(r"^v?(\d+)\.(\d+)\.(\d+)(?:[-+.][0-9A-Za-z.+-]*)?$")


def get(obj: Any, path: Path, default: Any = None) -> Any:
    return paths.get(obj, path, default)


def text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def name_of(obj: Mapping[str, Any]) -> str:
    return text(get(obj, ("metadata", "name")))


def namespace_of(obj: Mapping[str, Any]) -> str:
    return text(get(obj, ("metadata", "namespace")))


def labels(obj: Mapping[str, Any]) -> Mapping[str, Any]:
    return mapping(get(obj, ("metadata", "labels")))


def api_version(kind: str, version: str) -> str:
    return f"{GROUPS[kind]}/{version}"


# ---------------------------------------------------------------- reading Karpenter objects


def served(view: ClusterView, kind: str, version: str) -> list[Mapping[str, Any]]:
    """The objects of ``kind`` read as ``version``; none when that version (or the CRD) is not served.

    A CRD that is missing altogether is the crd-versions check's finding (KA012, or "not installed"):
    the object checks then have nothing to look at rather than a degraded source. 403 and 5xx still
    propagate, so the runner reports them (KA090).
    """
    try:
        return view.karpenter(kind, version)
    except SourceError as error:
        if error.reason != "not-found":
            raise
    return []


def live_objects(view: ClusterView, kind: str) -> tuple[str, list[Mapping[str, Any]]]:
    """(version, objects): v1 where served (1.0, and v0.33+ patch releases through the conversion
    webhook), else v1beta1 (a v0.3x cluster without v1); ``("v1", [])`` when neither is served."""
    try:
        return "v1", view.karpenter(kind, "v1")
    except SourceError as error:
        if error.reason != "not-found":
            raise
    objects = served(view, kind, "v1beta1")
    return ("v1beta1", objects) if objects else ("v1", [])


class Sources:
    """Reads that may fail without hiding what the other reads show.

    A check reads through :meth:`read`, yields what it can, then calls :meth:`done`, which raises the
    first failure: the runner keeps the issues already yielded and adds its KA090 note for the source
    (a 403 on NodeClaims must not hide a blocker on NodePools).
    """

    def __init__(self) -> None:
        self.errors: list[SourceError] = []

    def read(self, read: Callable[[], list[T]]) -> list[T]:
        try:
            return read()
        except SourceError as error:
            self.errors.append(error)
            return []

    def done(self) -> None:
        if self.errors:
            raise self.errors[0]


# ---------------------------------------------------------------- versions


def parse_version(value: object) -> Version | None:
    """``(1, 0, 6)`` of ``1.0.6``, ``v0.37.5`` or ``1.0.6-rc.1``; None for anything else."""
    match = _VERSION.match(text(value).strip())
    return (int(match[1]), int(match[2]), int(match[3])) if match else None


def shown_version(version: Version) -> str:
    return ".".join(str(part) for part in version)


# ---------------------------------------------------------------- messages


def listing(names: Iterable[str], total: int | None = None, limit: int = 3) -> str:
    """``a, b, c and 4 more``: a few names, never a wall of them."""
    every = list(names)
    shown = every[:limit]
    more = (len(every) if total is None else total) - len(shown)
    joined = ", ".join(shown)
    return f"{joined} and {more} more" if more > 0 else joined


def plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def carry(count: int) -> str:
    """The verb after a count of things: "1 pod carries", "2 pods carry"."""
    return "carries" if count == 1 else "carry"


def unlabelled_last(name: str) -> tuple[bool, str]:
    """Sort key: named groups by name, the group without a name (no NodePool label) last."""
    return not name, name


# ---------------------------------------------------------------- reusing lint rules


def _nowhere(*_args: object, **_kwargs: object) -> tuple[int | None, int | None]:
    return None, None


def lint_objects(view: ClusterView, kind: str, objects: Iterable[Mapping[str, Any]]) -> list[LintObject]:
    """Live objects as lint input: the "file" is the context, there are no positions."""
    return [LintObject(view.context, obj, (), 0, _nowhere, kind) for obj in objects]


def rule_hits(
    rule: Rule, objects: Sequence[LintObject], obj: LintObject | None = None
) -> Iterator[tuple[LintObject, Hit]]:
    """Run one lint rule (SET rules: ``obj`` None) and give each hit with the object it is about."""
    ctx = RuleContext(AUDIT_TARGET, objects, obj=obj)
    for hit in rule.check(ctx):
        about = hit.obj or obj
        if about is not None:
            yield about, hit
