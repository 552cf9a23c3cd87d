"""KM217: a restricted label key in NodePool template labels or requirement keys (drift-and-lint §c)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from karpmigrate import catalogue
from karpmigrate.findings import Path
from karpmigrate.labels import AWS_WELL_KNOWN, K8S_WELL_KNOWN_LABELS, LATE_AWS_LABELS
from karpmigrate.lint._base import Hit, LintObject, RuleContext, lint_rule
from karpmigrate.lint.rules._v1 import REQUIREMENTS, TEMPLATE_META, entries, mapping, text
from karpmigrate.target import Target

# The CEL rules of the v1.0 CRDs (conversion-rules §7.1/§7.2; karpenter.sh_nodepools.yaml:199-209,258-268),
# which core's Go validation (pkg/apis/v1/labels.go IsRestrictedLabel) keeps enforcing in later releases.
# Requirements also let node.kubernetes.io/instance-type through, which the node.kubernetes.io exception
# covers anyway, so K8S_WELL_KNOWN_LABELS serves both.
_K8S_EXCEPTIONS = ("node.kubernetes.io", "node-restriction.kubernetes.io")
_KARPENTER_ALLOWED = frozenset({"karpenter.sh/capacity-type", "karpenter.sh/nodepool"})
NODEPOOL_LABEL = "karpenter.sh/nodepool"
HOSTNAME = "kubernetes.io/hostname"
_V1_0 = (1, 0)


def _release(version: str) -> tuple[int, int]:
    major, minor, _ = version.lstrip("v").split(".")
    return int(major), int(minor)


#: karpenter.k8s.aws labels a NodePool may use, with the first release whose CRD allows them: the v1.0
#: list, then the labels added later (drift-and-lint §a.1, first provider tag with the key in labels.go).
_AWS_LABELS: Mapping[str, tuple[int, int]] = {
    **dict.fromkeys(AWS_WELL_KNOWN, _V1_0),
    # In the v1.0 NodeClaim list, not the NodePool one; in the NodePool list of 1.14.1. The release that
    # added it there was not checked: 1.1 is assumed (this rule errs towards not reporting).
    "karpenter.k8s.aws/ec2nodeclass": (1, 1),
    **{key: _release(version) for key, version in LATE_AWS_LABELS.items()},
}
#: The v1.0 NodeClaim CRD already allows these two in requirements.
_NODECLAIM_V1_0 = frozenset(
    {"karpenter.k8s.aws/instance-cpu-sustained-clock-speed-mhz", "karpenter.k8s.aws/ec2nodeclass"}
)


def _domain(key: str) -> str:
    # CEL `x.find("^([^/]+)")`: the part before the first "/", the whole key when there is none.
    return key.partition("/")[0]


def restriction(key: str, kind: str, target: Target) -> str | None:
    """Why ``key`` may not be used as a node label by ``kind``, None when it may."""
    domain = _domain(key)
    if key == NODEPOOL_LABEL and kind == "NodePool":
        return f"{NODEPOOL_LABEL} is restricted: Karpenter sets it to the pool's name on every node"
    if key == HOSTNAME:
        return f"{HOSTNAME} is restricted: a node's hostname is not known before it launches"
    if (
        domain.endswith("kubernetes.io")
        and key not in K8S_WELL_KNOWN_LABELS
        and not domain.endswith(_K8S_EXCEPTIONS)
    ):
        return _domain_message(key, "kubernetes.io", "e.g. topology.kubernetes.io/zone, node.kubernetes.io/*")
    if domain.endswith("k8s.io") and not domain.endswith("kops.k8s.io"):
        return _domain_message(key, "k8s.io", "e.g. kops.k8s.io/*")
    if domain.endswith("karpenter.sh") and key not in _KARPENTER_ALLOWED:
        return _domain_message(key, "karpenter.sh", "karpenter.sh/capacity-type")
    if domain.endswith("karpenter.k8s.aws"):
        return _aws(key, kind, target)
    return None


def _domain_message(key: str, domain: str, allowed: str) -> str:
    return (
        f'{key} is in the restricted label domain "{domain}": only well-known labels are allowed ({allowed})'
    )


def _aws(key: str, kind: str, target: Target) -> str | None:
    since = _AWS_LABELS.get(key)
    if kind == "NodeClaim" and key in _NODECLAIM_V1_0:
        since = _V1_0
    if since is None:
        return _domain_message(key, "karpenter.k8s.aws", "e.g. karpenter.k8s.aws/instance-family")
    if not target.at_least(*since):
        return f"{key} is allowed from Karpenter {since[0]}.{since[1]} (target {target})"
    return None


@lint_rule(catalogue.KM217, kinds=set(REQUIREMENTS))
def restricted_label(ctx: RuleContext) -> Iterator[Hit]:
    """A label key the v1 NodePool (or NodeClaim) may not set or require.

    Versions: `karpenter.sh/v1` NodePools (template labels and requirement keys) and NodeClaims
    (requirement keys, where `karpenter.sh/nodepool` is allowed). The karpenter.k8s.aws allow-list
    follows `--target-version`.

    What it does:
        Flags keys in the restricted domains `kubernetes.io`, `k8s.io`, `karpenter.sh` and
        `karpenter.k8s.aws` that are not well-known labels, plus `karpenter.sh/nodepool` and
        `kubernetes.io/hostname`, in `spec.template.metadata.labels` and in requirement keys.
    Why it matters:
        The v1.0 CRD rejects the NodePool (CEL on the labels map and on each requirement key); later
        releases keep the restriction in Karpenter's validation, which leaves the pool not Ready. The
        kubelet refuses most kubernetes.io labels anyway, and Karpenter owns its own labels.
    Example:
        spec:
          template:
            metadata:
              labels:
                node-role.kubernetes.io/worker: ""
    Use instead:
        spec:
          template:
            metadata:
              labels:
                example.com/role: worker
    """
    obj = ctx.obj
    assert obj is not None
    if obj.version != "v1":
        return
    if obj.kind == "NodePool":
        yield from _labels(obj, ctx.target)
    for path, requirement in entries(obj, REQUIREMENTS[obj.kind]):
        key = text(requirement.get("key"))
        why = restriction(key, obj.kind, ctx.target) if key else None
        if why:
            yield Hit(f"requirement key {why}; the {obj.kind} is rejected", (*path, "key"))


def _labels(pool: LintObject, target: Target) -> Iterator[Hit]:
    path: Path = (*TEMPLATE_META, "labels")
    for key in mapping(pool.get(path)):
        why = restriction(str(key), pool.kind, target)
        if why:
            yield Hit(f"template label {why}; the NodePool is rejected", (*path, key), at_key=True)


RULE = restricted_label
