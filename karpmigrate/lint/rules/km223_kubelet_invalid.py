"""KM223: a kubelet setting the CRD rejects (eviction signals, reserved resources, thresholds) (§c)."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping
from typing import Any

from karpmigrate import catalogue
from karpmigrate.findings import Path
from karpmigrate.lint._base import Hit, RuleContext, lint_rule
from karpmigrate.lint.rules._v1 import TEMPLATE_SPEC, mapping, shown

# The kubelet schema is the same in the v0.37 v1beta1 NodePool, the v1.0 and the v1.14.1 EC2NodeClass
# (conversion-rules §7.3, §7.4; aws v1.0.14 pkg/apis/v1/ec2nodeclass.go:100-102).
#: Where the kubelet lives, by (kind, version); the v1 NodePool kubelet is KM104's.
_KUBELET: Mapping[tuple[str, str], Path] = {
    ("EC2NodeClass", "v1"): ("spec", "kubelet"),
    ("NodePool", "v1beta1"): (*TEMPLATE_SPEC, "kubelet"),
}
SIGNALS = (
    "memory.available",
    "nodefs.available",
    "nodefs.inodesFree",
    "imagefs.available",
    "imagefs.inodesFree",
    "pid.available",
)
RESOURCES = ("cpu", "memory", "ephemeral-storage", "pid")
_QUANTITY = r"(\+|-)?(([0-9]+(\.[0-9]*)?)|(\.[0-9]+))(([KMGTPE]i)|[numkMGTPE]|([eE](\+|-)?(([0-9]+(\.[0-9]*)?)|(\.[0-9]+))))?"
# Patterns, not compiled ones: `re` compiles (and caches) them on first use, so that a run without
# reserved resources or eviction thresholds never pays for these two long patterns (issue 6, P1).
_RESERVED_VALUE = rf"^{_QUANTITY}$"
#: A percentage, nothing, or a quantity (the CRD pattern's `||` admits the empty string).
_EVICTION_VALUE = rf"^((\d{{1,2}}(\.\d{{1,2}})?|100(\.0{{1,2}})?)%||{_QUANTITY})$"
_INTEGERS = {
    "maxPods": 0,
    "podsPerCore": 0,
    "imageGCHighThresholdPercent": 0,
    "imageGCLowThresholdPercent": 0,
    "evictionMaxPodGracePeriod": None,
}
_PERCENTS = ("imageGCHighThresholdPercent", "imageGCLowThresholdPercent")

Check = Callable[[Mapping[str, Any], Path], Iterator[Hit]]


def _rejected(what: str, where: Path, *, key: bool = False) -> Hit:
    """``key``: the key itself is wrong (the position is the key's, not its value's)."""
    return Hit(f"{what}: the API server rejects the object", where, at_key=key)


def _eviction(kubelet: Mapping[str, Any], path: Path) -> Iterator[Hit]:
    for field in ("evictionHard", "evictionSoft", "evictionSoftGracePeriod"):
        for key, value in mapping(kubelet.get(field)).items():
            where = (*path, field, key)
            if key not in SIGNALS:
                yield _rejected(
                    f"{field} key {key} is not an eviction signal ({', '.join(SIGNALS)})", where, key=True
                )
            elif field != "evictionSoftGracePeriod" and not (
                isinstance(value, str) and re.search(_EVICTION_VALUE, value)
            ):
                yield _rejected(
                    f'{field}[{key}] {shown(value)} must be a percentage ("10%") or a quantity '
                    '("500Mi") as a string',
                    where,
                )


def _soft_pairs(kubelet: Mapping[str, Any], path: Path) -> Iterator[Hit]:
    # CEL on kubelet: every evictionSoft key has a grace period and every grace period a soft threshold.
    soft, grace = mapping(kubelet.get("evictionSoft")), mapping(kubelet.get("evictionSoftGracePeriod"))
    for key in [k for k in soft if k not in grace]:
        where = (*path, "evictionSoft", key)
        yield _rejected(f"evictionSoft[{key}] has no matching evictionSoftGracePeriod", where, key=True)
    for key in [k for k in grace if k not in soft]:
        where = (*path, "evictionSoftGracePeriod", key)
        yield _rejected(f"evictionSoftGracePeriod[{key}] has no matching evictionSoft", where, key=True)


def _reserved(kubelet: Mapping[str, Any], path: Path) -> Iterator[Hit]:
    for field in ("systemReserved", "kubeReserved"):
        for key, value in mapping(kubelet.get(field)).items():
            where = (*path, field, key)
            if key not in RESOURCES:
                yield _rejected(f"{field} key {key} is not one of {', '.join(RESOURCES)}", where, key=True)
            elif not isinstance(value, str):
                yield _rejected(
                    f'{field}[{key}] must be a quantity string ("{shown(value)}"), got {shown(value)}', where
                )
            elif value.startswith("-"):
                yield _rejected(f"{field}[{key}] {value} is a negative quantity", where)
            elif not re.search(_RESERVED_VALUE, value):
                yield _rejected(f"{field}[{key}] {shown(value)} is not a quantity (e.g. 100m, 1Gi)", where)


def _integers(kubelet: Mapping[str, Any], path: Path) -> Iterator[Hit]:
    for field, minimum in _INTEGERS.items():
        value = kubelet.get(field)
        if value is None:
            continue
        if _integer(value) is None:
            yield _rejected(f"{field} must be an integer, got {shown(value)}", (*path, field))
        elif minimum is not None and value < minimum:
            yield _rejected(f"{field} {value} is negative", (*path, field))
        elif field in _PERCENTS and value > 100:
            yield _rejected(f"{field} {value} is above 100", (*path, field))


def _integer(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _image_gc(kubelet: Mapping[str, Any], path: Path) -> Iterator[Hit]:
    high, low = (_integer(kubelet.get(field)) for field in _PERCENTS)
    if high is not None and low is not None and high <= low:
        yield _rejected(
            f"imageGCHighThresholdPercent {high} must be greater than imageGCLowThresholdPercent {low}",
            (*path, "imageGCHighThresholdPercent"),
        )


_CHECKS: tuple[Check, ...] = (_eviction, _soft_pairs, _reserved, _integers, _image_gc)


@lint_rule(catalogue.KM223, kinds={"EC2NodeClass", "NodePool"})
def kubelet_invalid(ctx: RuleContext) -> Iterator[Hit]:
    """A kubelet block with a key, value or combination the CRD rejects.

    Versions: `karpenter.k8s.aws/v1` EC2NodeClass `spec.kubelet` and `karpenter.sh/v1beta1` NodePool
    `spec.template.spec.kubelet` (same schema). A kubelet left in a v1 NodePool is KM104's finding.

    What it does:
        Flags eviction keys outside `memory.available`, `nodefs.available`, `nodefs.inodesFree`,
        `imagefs.available`, `imagefs.inodesFree`, `pid.available`; eviction thresholds that are not a
        percentage or quantity string; `systemReserved`/`kubeReserved` keys outside `cpu`, `memory`,
        `ephemeral-storage`, `pid` or with negative or non-quantity values; an `evictionSoft` key
        without its `evictionSoftGracePeriod` (and the reverse); negative `maxPods`/`podsPerCore`;
        image GC thresholds outside 0-100 or with high not above low.
    Why it matters:
        The API server rejects the whole object (CEL and patterns of the kubelet schema), so the class
        or pool keeps its previous spec and the GitOps sync fails. Moving kubelet from v1beta1 NodePools
        to the EC2NodeClass copies such errors along.
    Example:
        kubelet:
          evictionSoft:
            memory.available: 5%
          kubeReserved:
            gpu: "1"
    Use instead:
        kubelet:
          evictionSoft:
            memory.available: 5%
          evictionSoftGracePeriod:
            memory.available: 1m
          kubeReserved:
            cpu: 100m
    """
    assert ctx.obj is not None
    path = _KUBELET.get((ctx.obj.kind, ctx.obj.version))
    kubelet = ctx.obj.get(path) if path is not None else None
    if path is None or not isinstance(kubelet, Mapping):
        return
    for check in _CHECKS:
        yield from check(kubelet, path)


RULE = kubelet_invalid
