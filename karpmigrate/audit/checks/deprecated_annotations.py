"""deprecated-annotations: Pods and Nodes still using the annotations Karpenter 1.0 removed (KA040, KA041).

``karpenter.sh/do-not-evict`` (Pods) and ``karpenter.sh/do-not-consolidate`` (Nodes) were last honoured
by v0.37; from 1.0 the protection they asked for is gone and ``karpenter.sh/do-not-disrupt: "true"``
replaces both (conversion-rules §8, lint rule KM212, whose annotation keys this check reuses). Live
Pods are reported by owner, so the fix lands where the pods come from (ecosystem §3.7 item 21).
Pods are streamed: a cluster has tens of thousands, and only per-owner counts are kept.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from karpmigrate.audit._base import (
    DEPRECATED_NODE,
    DEPRECATED_POD,
    ClusterView,
    Issue,
    SourceError,
    Stage,
    check,
)
from karpmigrate.audit.checks import _support as s
from karpmigrate.findings import Level
from karpmigrate.lint.rules._v1 import DO_NOT_DISRUPT, is_true
from karpmigrate.lint.rules.km212_deprecated_annotation import DO_NOT_CONSOLIDATE, DO_NOT_EVICT

_POD_KEYS = (DO_NOT_EVICT, DO_NOT_CONSOLIDATE)
_NODE_KEYS = (DO_NOT_CONSOLIDATE,)
#: Nodes of v1beta1 (and v1) NodePools, then of v1alpha5 Provisioners (pre-v0.32 installs).
_NODE_OWNER_LABELS = (s.NODEPOOL_LABEL, "karpenter.sh/provisioner-name")
_REMOVED = "which Karpenter 1.0 no longer reads (last honoured by v0.37)"
#: How many example names and namespaces a message lists.
_SHOWN = 3


@dataclass(slots=True)
class _Group:
    """What is kept of the objects of one owner: counts and a few names, never the objects."""

    count: int = 0
    protected: int = 0
    keys: dict[str, None] = field(default_factory=dict)
    namespaces: dict[str, None] = field(default_factory=dict)
    examples: list[str] = field(default_factory=list)

    def add(self, meta: Mapping[str, Any], keys: list[str]) -> None:
        self.count += 1
        self.protected += int(is_true(s.mapping(meta.get("annotations")).get(DO_NOT_DISRUPT)))
        self.keys.update(dict.fromkeys(keys))
        namespace = s.text(meta.get("namespace"))
        if namespace:
            self.namespaces.setdefault(namespace)
        if len(self.examples) < _SHOWN:
            self.examples.append(s.text(meta.get("name")))

    @property
    def level(self) -> Level | None:
        # Every object also has do-not-disrupt: still protected, the old key is only clutter.
        return Level.INFO if self.protected == self.count else None

    def keys_text(self) -> str:
        return " and ".join(self.keys)

    def protection(self, fix: str) -> str:
        if self.level is Level.INFO:
            every = "it also carries" if self.count == 1 else "all also carry"
            return f'{every} {DO_NOT_DISRUPT}: "true", so the protection holds; remove the old key'
        partly = (
            f" ({self.protected} already also {s.carry(self.protected)} {DO_NOT_DISRUPT})"
            if self.protected
            else ""
        )
        return f"{fix}{partly} (KM212)"


def _found(meta: Mapping[str, Any], keys: tuple[str, ...]) -> list[str]:
    present = s.mapping(meta.get("annotations"))
    return [key for key in keys if key in present]


# ---------------------------------------------------------------- pods (KA040)


def _pod_owner(meta: Mapping[str, Any]) -> tuple[str, str]:
    """(kind, name) of what makes the pod: its controller, a Deployment for a ReplicaSet of one.

    A Deployment names its ReplicaSets ``<deployment>-<pod-template-hash>`` and labels their pods with
    that hash, so the Deployment is known without reading ReplicaSets. A pod without an owner is its
    own: ``("Pod", <its name>)``.
    """
    refs = [r for r in s.items(meta.get("ownerReferences")) if isinstance(r, Mapping)]
    ref = next((r for r in refs if r.get("controller") is True), refs[0] if refs else None)
    if ref is None:
        return "Pod", s.text(meta.get("name"))
    kind, name = s.text(ref.get("kind")), s.text(ref.get("name"))
    suffix = "-" + s.text(s.mapping(meta.get("labels")).get("pod-template-hash"))
    if kind == "ReplicaSet" and suffix != "-" and name.endswith(suffix):
        return "Deployment", name[: -len(suffix)]
    return kind, name


def _pod_groups(view: ClusterView, sources: s.Sources) -> dict[tuple[str, str], _Group]:
    """Owners and their counts; a listing that fails (even midway) keeps what was counted so far."""
    groups: dict[tuple[str, str], _Group] = {}
    try:
        for pod in view.pods():  # one pod at a time: nothing of it is kept but strings and counts
            meta = s.mapping(pod.get("metadata"))
            keys = _found(meta, _POD_KEYS)
            if keys:
                groups.setdefault(_pod_owner(meta), _Group()).add(meta, keys)
    except SourceError as error:
        sources.errors.append(error)
    return groups


def _where(group: _Group) -> str:
    word = "namespace" if len(group.namespaces) == 1 else "namespaces"
    return f"in {word} {s.listing(group.namespaces, limit=_SHOWN)}"


def _pod_subject(kind: str, name: str, group: _Group) -> tuple[str, str]:
    """(who, fix): the owner's pods and their template, or a pod of its own."""
    if kind == "Pod":
        who = f"pod {name}" if group.count == 1 else f"{group.count} pods named {name}"
        return f"{who} {_where(group)} (no owner)", "set it on the pod instead"
    examples = s.listing(group.examples, group.count, _SHOWN)
    who = f"{s.plural(group.count, 'pod')} of {kind} {name} {_where(group)} ({examples})"
    return who, f"set it in the pod template of {kind} {name} instead"


def _pod_issue(owner: tuple[str, str], group: _Group) -> Issue:
    kind, name = owner
    who, where = _pod_subject(kind, name, group)
    fix = f'Karpenter evicts such pods like any other; {DO_NOT_DISRUPT}: "true" protects them: {where}'
    return Issue(
        DEPRECATED_POD,
        f"{who} {s.carry(group.count)} {group.keys_text()}, {_REMOVED}: {group.protection(fix)}",
        kind=kind,
        name=name or None,
        namespace=next(iter(group.namespaces)) if len(group.namespaces) == 1 else None,
        level=group.level,
    )


# ---------------------------------------------------------------- nodes (KA041)


def _node_issue(meta: Mapping[str, Any], keys: list[str]) -> Issue:
    """One issue per node: they were annotated one by one (or by a NodePool template, which lint's KM212
    reports on the NodePool), and a node is what the fix is applied to."""
    group = _Group()
    group.add(meta, keys)
    name = s.text(meta.get("name"))
    labels = s.mapping(meta.get("labels"))
    pool = next((s.text(labels.get(k)) for k in _NODE_OWNER_LABELS if s.text(labels.get(k))), "")
    of = f" (NodePool {pool})" if pool else ""
    fix = f'Karpenter consolidates it like any other node; annotate it {DO_NOT_DISRUPT}: "true" instead'
    return Issue(
        DEPRECATED_NODE,
        f"Node {name}{of} carries {group.keys_text()}, {_REMOVED}: {group.protection(fix)}",
        kind="Node",
        name=name,
        api_version="v1",
        path=("metadata", "annotations", keys[0]),
        level=group.level,
    )


@check(
    "deprecated-annotations",
    "Pods and Nodes with do-not-evict / do-not-consolidate",
    reads=("v1 pods", "v1 nodes"),
    stage=Stage.WORKLOADS,
)
def deprecated_annotations(view: ClusterView) -> Iterator[Issue]:
    """Find Pods with ``karpenter.sh/do-not-evict`` or ``do-not-consolidate`` and Nodes with
    ``karpenter.sh/do-not-consolidate``, which Karpenter 1.0 ignores (KM212).

    Reads Pods (streamed, all namespaces) and Nodes. Pods are grouped by owner (a ReplicaSet's pods by
    their Deployment; a pod without an owner stands alone), with a count, a few pod names and the
    namespaces; each Node is reported on its own, naming its NodePool. Where every object also carries
    ``karpenter.sh/do-not-disrupt: "true"`` the protection holds: info instead of error.
    """
    sources = s.Sources()  # pods that cannot be listed do not hide the nodes
    for owner, group in sorted(_pod_groups(view, sources).items()):
        yield _pod_issue(owner, group)
    for node in view.nodes():
        meta = s.mapping(node.get("metadata"))
        keys = _found(meta, _NODE_KEYS)
        if keys:
            yield _node_issue(meta, keys)
    sources.done()


CHECK = deprecated_annotations
