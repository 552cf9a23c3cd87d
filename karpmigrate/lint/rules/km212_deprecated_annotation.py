"""KM212: do-not-evict / do-not-consolidate annotations, which Karpenter 1.0 no longer reads (§c)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from karpmigrate import catalogue
from karpmigrate.findings import Path
from karpmigrate.lint._base import WORKLOAD_KINDS, Hit, LintObject, RuleContext, lint_rule
from karpmigrate.lint.rules._v1 import DO_NOT_DISRUPT, TEMPLATE_META, mapping, pod_annotations

DO_NOT_EVICT = "karpenter.sh/do-not-evict"
DO_NOT_CONSOLIDATE = "karpenter.sh/do-not-consolidate"
#: Where each annotation took effect up to v0.37 (conversion-rules §8: pod vs node annotation).
_POD_KEYS = (DO_NOT_EVICT,)
_NODE_KEYS = (DO_NOT_CONSOLIDATE,)


@lint_rule(catalogue.KM212, kinds={"NodePool", *WORKLOAD_KINDS})
def deprecated_annotation(ctx: RuleContext) -> Iterator[Hit]:
    """A Karpenter annotation that was removed in 1.0, so the protection it asked for is gone.

    Versions: Pods and the pod templates of every workload kind; NodePools of both `karpenter.sh/v1beta1`
    and `v1` (`spec.template.metadata.annotations`, which Karpenter copies onto every node). Nodes are
    not lint input.

    What it does:
        Flags `karpenter.sh/do-not-evict` on a Pod or pod template, and `karpenter.sh/do-not-consolidate`
        in a NodePool's template annotations.
    Why it matters:
        v0.37 still honoured both (core `pkg/utils/pod/scheduling.go:172-173`,
        `pkg/controllers/disruption/consolidation.go:89-91`); v1.0 ignores them, so after the upgrade
        Karpenter evicts those pods and consolidates those nodes like any other. The replacement is
        `karpenter.sh/do-not-disrupt: "true"` on the pod or on the node. Changing a NodePool template
        annotation is hashed: it replaces every node of the pool once (NodePoolDrifted, KM209).
    Example:
        spec:
          template:
            metadata:
              annotations:
                karpenter.sh/do-not-evict: "true"
    Use instead:
        spec:
          template:
            metadata:
              annotations:
                karpenter.sh/do-not-disrupt: "true"
    """
    assert ctx.obj is not None
    if ctx.obj.kind == "NodePool":
        yield from _node_annotations(ctx.obj)
    else:
        path, annotations = pod_annotations(ctx.obj)
        yield from _found(path, annotations, _POD_KEYS, "pods of this workload are evicted like any other")


def _node_annotations(pool: LintObject) -> Iterator[Hit]:
    path: Path = (*TEMPLATE_META, "annotations")
    yield from _found(
        path,
        mapping(pool.get(path)),
        _NODE_KEYS,
        "nodes of this pool are consolidated like any other (adding do-not-disrupt here replaces each node "
        "once: NodePoolDrifted)",
    )


def _found(
    path: Path, annotations: Mapping[str, object], keys: tuple[str, ...], effect: str
) -> Iterator[Hit]:
    for key in keys:
        if key in annotations:
            yield Hit(
                f"{key} was removed in Karpenter 1.0 (last honoured by v0.37): {effect}; "
                f'use {DO_NOT_DISRUPT}: "true"',
                (*path, key),
                at_key=True,
            )


RULE = deprecated_annotation
