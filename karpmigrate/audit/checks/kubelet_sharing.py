"""kubelet-sharing: live NodePools that share an EC2NodeClass but not a kubelet (KA021, lint rule KM101).

v1 keeps one kubelet per EC2NodeClass (drift-and-lint §b KM101, §0.4); on 1.0 each NodePool's
compatibility annotation still gives its nodes their own kubelet, and 1.1 ignores the annotation (or,
1.1 to 1.5, refuses to start on it). NodePools that disagree need a class of their own before 1.1.
The grouping and comparison are KM101's own (``karpmigrate/lint/rules/km101_*``): this check only
feeds it the live objects, so ``audit`` and ``lint`` can never disagree. The runner must then leave
KM101 out of its lint pass over live objects, or the same split is reported twice.
"""

from __future__ import annotations

from collections.abc import Iterator

from karpmigrate.audit._base import KUBELET_SHARED, ClusterView, Issue, check
from karpmigrate.audit.checks import _support as s
from karpmigrate.lint.rules import km101_kubelet_split_nodeclass as km101


@check(
    "kubelet-sharing",
    "NodePools sharing an EC2NodeClass with different kubelet settings",
    reads=("karpenter.sh/v1 nodepools", "karpenter.k8s.aws/v1 ec2nodeclasses"),
)
def kubelet_sharing(view: ClusterView) -> Iterator[Issue]:
    """Find NodePools whose kubelet differs from the others' on the same EC2NodeClass (blocks 1.1).

    Reads NodePools and EC2NodeClasses as v1 (v1beta1 on a cluster that does not serve v1). A v1
    NodePool's kubelet is its ``compatibility.karpenter.sh/v1beta1-kubelet-conversion`` annotation, else
    its class's ``spec.kubelet``; a v1beta1 one's is ``spec.template.spec.kubelet``. KM101 compares them
    (clusterDNS as a set, grace periods as durations); the largest group keeps the class and each
    NodePool of the other groups gets one issue.
    """
    pool_version, pools = s.live_objects(view, "NodePool")
    if not pools:
        return
    sources = s.Sources()  # without the classes, NodePools with the annotation are still compared
    classes = sources.read(lambda: s.live_objects(view, "EC2NodeClass")[1])
    objects = [*s.lint_objects(view, "NodePool", pools), *s.lint_objects(view, "EC2NodeClass", classes)]
    for pool, hit in s.rule_hits(km101.RULE, objects):
        yield Issue(
            KUBELET_SHARED,
            f"{hit.message} (KM101)",
            kind=pool.kind,
            name=pool.name,
            api_version=s.api_version("NodePool", pool_version),
            path=hit.path,
            blocker=True,
        )
    sources.done()


CHECK = kubelet_sharing
