"""What the audit checks see and say: a read-only view of one cluster, and the KA finding codes.

The only module that talks to the API server is ``karpmigrate.audit.client`` (the one place the
``kubernetes`` package is imported). Checks (``karpmigrate.audit.checks``, one module per check) get a
:class:`ClusterView`: plain JSON dicts, fetched lazily and once, and a way to say that a source could not
be read (403 on one resource degrades that check; it never fails the run).
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from karpmigrate.findings import Code, Level

E, W, I = Level.ERROR, Level.WARNING, Level.INFO  # noqa: E741 - as in the catalogue

# ---------------------------------------------------------------- audit codes (KA), declared once
CONTROLLER = Code("KA001", "controller-version", I, "The Karpenter controller version and its upgrade path.")
CONTROLLER_NOT_FOUND = Code(
    "KA002", "controller-not-found", W, "No Karpenter controller Deployment was found."
)
STORED_VERSIONS = Code(
    "KA010", "stored-versions-v1beta1", E, "A Karpenter CRD still lists v1beta1 in status.storedVersions."
)
CRD_VERSIONS = Code("KA011", "crd-versions", I, "Served and storage versions of a Karpenter CRD.")
CRD_MISSING = Code("KA012", "crd-missing", W, "A Karpenter CRD is not installed.")
CONVERSION_WEBHOOK = Code(
    "KA013", "conversion-webhook", W, "The CRD conversion configuration does not fit the controller version."
)
V1BETA1_ONLY = Code("KA014", "v1beta1-storage", E, "A Karpenter CRD still stores or only serves v1beta1.")
COMPAT_ANNOTATION = Code(
    "KA020", "compatibility-annotation", W, "A live object still carries a v1beta1 compatibility annotation."
)
KUBELET_SHARED = Code(
    "KA021",
    "kubelet-shared-nodeclass",
    E,
    "Live NodePools sharing an EC2NodeClass have different kubelet settings.",
)
DRIFTED = Code(
    "KA030", "nodeclaims-drifted", W, "NodeClaims already Drifted (they stay drifted across the upgrade)."
)
DEPRECATED_POD = Code(
    "KA040", "pod-deprecated-annotation", E, "Pods still use do-not-evict / do-not-consolidate."
)
DEPRECATED_NODE = Code(
    "KA041", "node-deprecated-annotation", E, "Nodes still use karpenter.sh/do-not-consolidate."
)
HELM_DRIFT_GATE = Code(
    "KA050",
    "helm-drift-feature-gate",
    E,
    "The deployed Helm release disables the removed drift feature gate.",
)
DEGRADED = Code(
    "KA090", "check-degraded", W, "A check could not read its source (forbidden, missing, or failing)."
)
UNREACHABLE = Code(
    "KA099",
    "cluster-unreachable",
    E,
    "The cluster could not be reached or refused the credentials.",
    runtime=True,
)

CODES: tuple[Code, ...] = tuple(
    v for k, v in sorted(globals().items()) if isinstance(v, Code) and v.code.startswith("KA")
)
BY_CODE: dict[str, Code] = {c.code: c for c in CODES}


class SourceError(Exception):
    """A resource the audit could not list: ``reason`` is forbidden, not-found or failed (one line)."""

    def __init__(self, resource: str, reason: str, detail: str) -> None:
        super().__init__(f"{resource}: {reason}: {detail}")
        self.resource = resource
        self.reason = reason
        self.detail = detail


class ClusterView(Protocol):
    """Read-only, lazily fetched lists of one cluster (plain JSON objects, as the API server sends them).

    Each method lists all namespaces; the result is cached. It raises :class:`SourceError` when the list
    is forbidden (403), not served (404: e.g. no Karpenter CRDs) or keeps failing after retries.
    """

    context: str

    def version(self) -> Mapping[str, Any]: ...  # /version

    def crds(self) -> list[Mapping[str, Any]]: ...  # apiextensions.k8s.io/v1 CRDs of the Karpenter groups

    def karpenter(
        self, kind: str, version: str
    ) -> list[Mapping[str, Any]]: ...  # NodePool, NodeClaim, EC2NodeClass

    def deployments(self) -> list[Mapping[str, Any]]: ...  # apps/v1, every namespace

    def pods(self) -> Iterable[Mapping[str, Any]]: ...  # streamed: tens of thousands

    def nodes(self) -> Iterable[Mapping[str, Any]]: ...

    def helm_releases(
        self,
    ) -> list[Mapping[str, Any]]: ...  # Secrets type helm.sh/release.v1 (decoded release JSON)


@dataclass(frozen=True, slots=True)
class Issue:
    """What a check found, about one object (or the cluster: ``kind`` None)."""

    code: Code
    message: str
    kind: str | None = None
    name: str | None = None
    namespace: str | None = None
    api_version: str | None = None
    path: tuple[str | int, ...] = ()
    level: Level | None = None
    #: Blocks the upgrade to 1.1 (the verdict counts these).
    blocker: bool = False


class Stage(str, enum.Enum):
    """When a check runs; checks of one stage are independent of each other."""

    CLUSTER = "cluster"
    OBJECTS = "objects"
    WORKLOADS = "workloads"


@dataclass(frozen=True, slots=True)
class Check:
    id: str
    title: str
    #: What the check reads (for the README's permission table and the degraded note).
    reads: tuple[str, ...]
    run: Callable[[ClusterView], Iterator[Issue]]
    stage: Stage = Stage.OBJECTS
    doc: str = ""


@dataclass(slots=True)
class ContextReport:
    """Everything the audit says about one context."""

    context: str
    server: str = ""
    controller_version: str | None = None
    issues: list[Issue] = field(default_factory=list)
    #: A context that could not be reached at all (exit 3): one line, never a credential.
    unreachable: str | None = None

    @property
    def blockers(self) -> list[Issue]:
        return [i for i in self.issues if i.blocker]


def check(
    check_id: str, title: str, *, reads: Iterable[str], stage: Stage = Stage.OBJECTS
) -> Callable[[Callable[[ClusterView], Iterator[Issue]]], Check]:
    """Declare a check; the module then ends with ``CHECK = <function name>``."""

    def wrap(run: Callable[[ClusterView], Iterator[Issue]]) -> Check:
        return Check(check_id, title, tuple(reads), run, stage, (run.__doc__ or "").strip())

    return wrap
