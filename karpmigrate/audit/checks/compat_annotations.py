"""compat-annotations: live v1 objects still carrying what the 1.0 conversion webhook wrote (KA020).

The webhook parks v1beta1-only state in annotations (conversion-rules §0.2): the NodePool kubelet
(NP-13), the v1beta1 nodeClassRef (NP-14, for the way back) and the Ubuntu conversion (EC-2c). Each
means something different for 1.1: the kubelet one stops Karpenter 1.1 to 1.5 from starting
(drift-and-lint §0.4, pain point 2), an ``incompatible`` Ubuntu one leaves the class NotReady (KM110),
the reference is only a rollback aid. Other ``compatibility.*`` keys (kubelet-drift-hash,
cluster-name-tagged, provider) are runtime bookkeeping, not v1beta1 state, and are left alone.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass

from karpmigrate.audit._base import COMPAT_ANNOTATION, ClusterView, Issue, check
from karpmigrate.audit.checks import _support as s
from karpmigrate.findings import Level
from karpmigrate.lint._base import LintObject, RuleContext
from karpmigrate.lint.rules import _common
from karpmigrate.lint.rules import km101_kubelet_split_nodeclass as km101

KUBELET = _common.KUBELET_ANNOTATION
#: NP-14, CORE pkg/apis/v1/labels.go:52: the v1beta1 nodeClassRef as JSON, restored on the way back (RV-3).
REFERENCE = "compatibility.karpenter.sh/v1beta1-nodeclass-reference"
UBUNTU = _common.UBUNTU_ANNOTATION
#: EC-2c: the term the webhook writes "only so the v1 CRD validation passes"; it matches no AMI.
_PLACEHOLDER = "ami-placeholder"


def _path(key: str) -> tuple[str, ...]:
    return ("metadata", "annotations", key)


def _issue(obj: LintObject, key: str, message: str, level: Level, blocker: bool = False) -> Issue:
    return Issue(
        COMPAT_ANNOTATION,
        message,
        kind=obj.kind,
        name=obj.name,
        api_version=obj.api_version,
        path=_path(key),
        level=level,
        blocker=blocker,
    )


# ---------------------------------------------------------------- NodePool annotations


@dataclass(frozen=True, slots=True)
class _Scene:
    """What the judges look at: the live NodePools and EC2NodeClasses, and the classes KM101 splits."""

    ctx: RuleContext
    split: frozenset[str]

    @classmethod
    def of(cls, objects: list[LintObject]) -> _Scene:
        ctx = RuleContext(s.AUDIT_TARGET, objects)
        split = {_common.class_name(pool) for pool, _ in s.rule_hits(km101.RULE, objects)}
        return cls(ctx, frozenset(name for name in split if name))


def _kubelet_advice(scene: _Scene, pool: LintObject) -> str:
    """How to get rid of the annotation without drift: compare with the class's kubelet (KM102 equality)."""
    nodeclass = _common.nodeclass_of(scene.ctx, pool)
    annotated = _common.kubelet_annotation(pool)
    if _common.class_name(pool) in scene.split:
        return (
            f"the NodePools on EC2NodeClass {_common.class_name(pool)} disagree on kubelet: give those that differ "
            "a class of their own first (KA021), then copy each group's values to its class's spec.kubelet "
            "(identical values drift nothing, KM102) and remove it while still on 1.0"
        )
    if nodeclass is None or annotated is None:
        return "copy its values to the EC2NodeClass spec.kubelet (identical values drift nothing, KM102), then remove it while still on 1.0"
    differences = _common.kubelet_differences(
        _common.kubelet_key(annotated), _common.kubelet_key(nodeclass.get(("spec", "kubelet")))
    )
    if not differences:
        return f"EC2NodeClass {nodeclass.name} already has the same spec.kubelet, so removing it drifts nothing: remove it while still on 1.0"
    return (
        f"EC2NodeClass {nodeclass.name} spec.kubelet differs ({', '.join(differences)}): copy the annotation's "
        "values there first (identical values drift nothing, KM102), then remove it while still on 1.0"
    )


def _pool_kubelet(scene: _Scene, pool: LintObject) -> Issue:
    return _issue(
        pool,
        KUBELET,
        f"NodePool {pool.name} still carries {KUBELET}: Karpenter 1.1 to 1.5 refuse to start while any "
        f"NodePool carries it (1.6 and later ignore it, and nodes get the class's kubelet); {_kubelet_advice(scene, pool)} (KM103)",
        Level.ERROR,
        blocker=True,
    )


def _pool_reference(scene: _Scene, pool: LintObject) -> Issue:
    return _issue(
        pool,
        REFERENCE,
        f"NodePool {pool.name} carries {REFERENCE}, the v1beta1 nodeClassRef the conversion webhook kept for "
        "a rollback to v0.3x: harmless, 1.1 ignores it; remove it once a rollback is out of the question",
        Level.INFO,
    )


# ---------------------------------------------------------------- EC2NodeClass annotations


def _placeholder(nodeclass: LintObject) -> str:
    terms = _common.ami_terms(nodeclass)
    return (
        f" (its amiSelectorTerms hold {_PLACEHOLDER})"
        if any(t.get("id") == _PLACEHOLDER for _, t in terms)
        else ""
    )


def _class_ubuntu(scene: _Scene, nodeclass: LintObject) -> Issue:
    value = _common.annotations_of(nodeclass).get(UBUNTU)
    if _common.ubuntu_incompatible(value):
        # [aws]@v1.0.14 pkg/controllers/nodeclass/status/ami.go:38-41: the annotation alone decides.
        return _issue(
            nodeclass,
            UBUNTU,
            f"EC2NodeClass {nodeclass.name} was converted from amiFamily Ubuntu without amiSelectorTerms "
            f"({UBUNTU}: {value}){_placeholder(nodeclass)}: the class is NotReady (AMIsReady=False), its "
            "NodePools launch nothing and are left out of drift; give it amiSelectorTerms for the Ubuntu AMIs "
            "and remove the annotation (KM110)",
            Level.ERROR,
        )
    return _issue(
        nodeclass,
        UBUNTU,
        f"EC2NodeClass {nodeclass.name} was converted from amiFamily Ubuntu ({UBUNTU}: {value}): it runs "
        "as amiFamily AL2 (same userData) with the root volume the conversion chose; the annotation only "
        "serves a rollback to v0.3x, which 1.1 cannot do: make sure your manifests state this amiFamily and "
        "these blockDeviceMappings (other values drift every node), then remove it",
        Level.WARNING,
    )


# ---------------------------------------------------------------- NodeClaim annotations (grouped)

#: What each annotation means on a NodeClaim: NodeClaims copy them from their NodePool (nodeclaimtemplate.go).
_CLAIM_MEANING: Mapping[str, str] = {
    KUBELET: "the kubelet their nodes were launched with; harmless on 1.1 (only a NodePool carrying it stops "
    "1.1 to 1.5 from starting), it leaves with these nodes",
    REFERENCE: "the v1beta1 nodeClassRef kept for a rollback to v0.3x; harmless, 1.1 ignores it",
}


def _claim_issues(claims: list[LintObject]) -> Iterator[Issue]:
    counts: Counter[tuple[str, str]] = Counter()
    for claim in claims:
        pool = s.text(s.labels(claim.data).get(s.NODEPOOL_LABEL))
        for key in _CLAIM_MEANING:
            if key in _common.annotations_of(claim):
                counts[pool, key] += 1
    for (pool, key), count in sorted(
        counts.items(), key=lambda item: (s.unlabelled_last(item[0][0]), item[0][1])
    ):
        owner = f"of NodePool {pool}" if pool else "without a NodePool label"
        yield Issue(
            COMPAT_ANNOTATION,
            f"{s.plural(count, 'NodeClaim')} {owner} {s.carry(count)} {key}: {_CLAIM_MEANING[key]}",
            kind="NodePool" if pool else "NodeClaim",
            name=pool or None,
            api_version=s.api_version("NodePool", "v1"),
            path=_path(key),
            level=Level.INFO,
        )


# ---------------------------------------------------------------- the check

_Judge = Callable[[_Scene, LintObject], Issue]
#: Per kind, what each annotation means (one issue per object per annotation).
_JUDGES: Mapping[str, Mapping[str, _Judge]] = {
    "NodePool": {KUBELET: _pool_kubelet, REFERENCE: _pool_reference},
    "EC2NodeClass": {UBUNTU: _class_ubuntu},
}


def _objects(view: ClusterView, sources: s.Sources, kind: str) -> list[LintObject]:
    return s.lint_objects(view, kind, sources.read(lambda: s.served(view, kind, "v1")))


@check(
    "compat-annotations",
    "v1beta1 compatibility annotations on live objects",
    reads=("karpenter.sh/v1 nodepools", "karpenter.sh/v1 nodeclaims", "karpenter.k8s.aws/v1 ec2nodeclasses"),
)
def compat_annotations(view: ClusterView) -> Iterator[Issue]:
    """Report the conversion webhook's v1beta1 annotations on v1 NodePools, NodeClaims and EC2NodeClasses.

    Reads the three kinds as v1 (nothing to report where v1 is not served: such objects were never
    converted). NodePools: the kubelet annotation is an error and blocks 1.1 (compared with the
    EC2NodeClass's ``spec.kubelet`` to say whether removing it drifts nodes), the nodeclass-reference
    one is info. EC2NodeClasses: the Ubuntu annotation is a warning, an error when it says
    ``incompatible``. NodeClaims inherit their NodePool's annotations; they are counted per NodePool
    (info) rather than listed one by one. A kind that cannot be read does not hide the others.
    """
    sources = s.Sources()
    objects = {kind: _objects(view, sources, kind) for kind in _JUDGES}
    scene = _Scene.of([*objects["NodePool"], *objects["EC2NodeClass"]])
    for kind, judges in _JUDGES.items():
        for obj in objects[kind]:
            present = _common.annotations_of(obj)
            for key, judge in judges.items():
                if key in present:
                    yield judge(scene, obj)
    yield from _claim_issues(_objects(view, sources, "NodeClaim"))
    sources.done()


CHECK = compat_annotations
