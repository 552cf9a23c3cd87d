"""EC2NodeClass drift: the static hash and the dynamic selector checks (drift-and-lint §a.2).

v1 (aws v1.0.14 ``pkg/apis/v1/ec2nodeclass.go:445-459``, v1.14.1 ``:595-610``): the whole ``spec`` is
hashed except ``hash:"ignore"`` fields, plus the *resolved* AMI family (``amiFamily``, else the alias
family), so ``amiFamily`` left out next to an ``al2023@...`` alias hashes like ``amiFamily: AL2023``.
Ignored: the selector terms (subnets, security groups, AMIs, capacity reservations: checked
dynamically), ``ipPrefixCount``, and ``kubelet`` on 1.0.x (static from aws v1.1.0; 1.0.x compares a
separate kubelet hash instead, §0.4).

v1beta1 at a target before 1.0 (aws v0.37.8 ``ec2nodeclass.go:339``): every spec field but the
selector terms, with the literal ``amiFamily``.

Dynamic checks (aws ``pkg/cloudprovider/drift.go``): a node drifts when its security groups differ
from the resolved set (so adding one drifts every node: KM205), its subnet is no longer resolved
(KM206: only removals drift), its AMI is not the newest resolved one (KM207), its capacity
reservation is no longer selected or it is outside the selected placement group (KM208). Terms are
ORed, so a term that is only added widens the selection; a term removed or edited may narrow it.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, replace
from typing import Any

from karpmigrate import catalogue
from karpmigrate.drift.change import (
    AMI_DRIFT,
    CAPACITY_RESERVATION_DRIFT,
    NODECLASS_DRIFT,
    PLACEMENT_GROUP_DRIFT,
    SECURITY_GROUP_DRIFT,
    SUBNET_DRIFT,
    Change,
)
from karpmigrate.drift.diff import Explain, Field, Leaf, changes, describe, short, what
from karpmigrate.drift.effective import NotConvertible, converts, effective, version_of
from karpmigrate.drift.shapes import (
    KUBELET,
    MISSING,
    Bool,
    Int,
    Invalid,
    Ptr,
    Quantity,
    SetOf,
    Shape,
    StringMap,
    Struct,
    Text,
    jsonable,
    sort_key,
)
from karpmigrate.findings import Code, Path
from karpmigrate.io import paths
from karpmigrate.target import Target

SPEC: Path = ("spec",)
AMI_TERMS: Path = (*SPEC, "amiSelectorTerms")
#: Alias families and their canonical casing (AL-2, ec2nodeclass.go:499-551).
ALIAS_FAMILIES: Mapping[str, str] = {
    f.lower(): f for f in ("AL2", "AL2023", "Bottlerocket", "Windows2019", "Windows2022")
}
CUSTOM = "Custom"

_EBS = Ptr(
    Struct(
        {
            # EC2 deletes volumes created at launch and may encrypt by default: false is a choice.
            "deleteOnTermination": Ptr(Bool(), zero_is_nil=False),
            "encrypted": Ptr(Bool(), zero_is_nil=False),
            "iops": Ptr(Int()),
            "kmsKeyID": Ptr(Text()),
            "snapshotID": Ptr(Text()),
            "throughput": Ptr(Int()),
            "volumeInitializationRate": Ptr(Int()),
            "volumeSize": Ptr(Quantity()),
            "volumeType": Ptr(Text()),
        }
    )
)
_BDM = Ptr(Struct({"deviceName": Ptr(Text()), "ebs": _EBS, "rootVolume": Bool()}))
_METADATA_OPTIONS = Ptr(
    Struct(
        {
            "httpEndpoint": Ptr(Text()),
            "httpProtocolIPv6": Ptr(Text()),
            "httpPutResponseHopLimit": Ptr(Int()),
            "httpTokens": Ptr(Text()),
        }
    )
)
_NETWORK_INTERFACE = Ptr(
    Struct(
        {
            "networkCardIndex": Ptr(Int(), zero_is_nil=False),
            "deviceIndex": Ptr(Int(), zero_is_nil=False),
            "interfaceType": Ptr(Text()),
        }
    )
)
_CONNECTION_TRACKING = Ptr(
    Struct({"tcpEstablishedTimeout": Ptr(Int()), "udpStreamTimeout": Ptr(Int()), "udpTimeout": Ptr(Int())})
)


def _static(key: str, shape: Shape, name: str = "") -> Field:
    return Field((*SPEC, key), shape, catalogue.KM204, NODECLASS_DRIFT, name or key)


#: Hashed in both API versions (newer fields only ever appear in manifests for releases that have them).
_COMMON = (
    _static("associatePublicIPAddress", Ptr(Bool())),
    _static("userData", Ptr(Text())),
    _static("role", Text()),
    _static("instanceProfile", Ptr(Text())),
    _static("tags", StringMap()),
    _static("blockDeviceMappings", SetOf(_BDM)),
    _static("instanceStorePolicy", Ptr(Text())),
    _static("detailedMonitoring", Ptr(Bool())),
    _static("metadataOptions", _METADATA_OPTIONS),
    _static("context", Ptr(Text())),
    _static("networkInterfaces", SetOf(_NETWORK_INTERFACE)),  # aws v1.11+
    _static("connectionTracking", _CONNECTION_TRACKING),  # aws v1.13+
    _static("cpuOptions", Ptr(Struct({"nestedVirtualization": Ptr(Text())}))),  # aws v1.13+
)


def resolved_family(obj: Mapping[str, Any]) -> Any:
    """``AMIFamily()`` (AL-1): ``amiFamily``, else the family of the first alias term, else Custom."""
    family = paths.get(obj, (*SPEC, "amiFamily"))
    if isinstance(family, str) and family:
        return family
    terms = paths.get(obj, AMI_TERMS)
    for term in terms if isinstance(terms, list) else []:
        alias = term.get("alias") if isinstance(term, Mapping) else None
        if isinstance(alias, str) and alias:
            return ALIAS_FAMILIES.get(alias.split("@")[0], Invalid(alias))
    return CUSTOM


RESOLVED_FAMILY = Field(
    (*SPEC, "amiFamily"), Text(), catalogue.KM204, NODECLASS_DRIFT, "resolved AMI family", resolved_family
)
#: aws v1.11+: hashed, and nodes outside the selected group drift too; KM208 names it (not KM204).
PLACEMENT_GROUP = Field(
    (*SPEC, "placementGroupSelector"),
    Ptr(Struct({"name": Text(), "id": Text()})),
    catalogue.KM208,
    NODECLASS_DRIFT,
    "placementGroupSelector",
)
#: aws v1.1+: part of the static hash.
KUBELET_STATIC = _static("kubelet", KUBELET)
#: aws v1.0.x: the kubelet hash (nil and {} alike), compared for nodes of NodePools without the
#: compatibility annotation (§0.4).
KUBELET_HASH = Field((*SPEC, "kubelet"), KUBELET.inner, catalogue.KM204, NODECLASS_DRIFT, "kubelet")

V1_FIELDS = (*_COMMON, RESOLVED_FAMILY, PLACEMENT_GROUP)
V1BETA1_FIELDS = (*_COMMON, _static("amiFamily", Ptr(Text())))


@dataclass(frozen=True, slots=True)
class Terms:
    """A selector-term list checked dynamically: terms are ORed, their fields ANDed."""

    key: str
    term: Shape
    code: Code
    reason: str
    #: Only a removed or edited term can drift nodes (an added one widens the selection).
    removals_only: bool
    #: What happens to which nodes, for the message.
    effect: str

    @property
    def path(self) -> Path:
        return (*SPEC, self.key)


TERMS = (
    Terms(
        "securityGroupSelectorTerms",
        Struct({"tags": StringMap(), "id": Text(), "name": Text()}),
        catalogue.KM205,
        SECURITY_GROUP_DRIFT,
        False,
        "a node drifts when its security groups are not exactly the resolved set, so if the resolved groups "
        "change (an added group too) every node of {scope} is replaced",
    ),
    Terms(
        "subnetSelectorTerms",
        Struct({"tags": StringMap(), "id": Text()}),
        catalogue.KM206,
        SUBNET_DRIFT,
        True,
        "nodes of {scope} in subnets no longer selected drift and are replaced; added subnets are safe",
    ),
    Terms(
        "amiSelectorTerms",
        Struct(
            {
                "alias": Text(),
                "tags": StringMap(),
                "id": Text(),
                "name": Text(),
                "owner": Text(),
                "ssmParameter": Text(),
            }
        ),
        catalogue.KM207,
        AMI_DRIFT,
        False,
        "nodes of {scope} not running the newest AMI the new terms resolve for their instance type drift "
        "and are replaced",
    ),
    Terms(
        "capacityReservationSelectorTerms",  # aws v1.3+
        Struct({"tags": StringMap(), "id": Text(), "ownerID": Text(), "instanceMatchCriteria": Text()}),
        catalogue.KM208,
        CAPACITY_RESERVATION_DRIFT,
        True,
        "nodes of {scope} running in a capacity reservation no longer selected drift and are replaced",
    ),
)


def _term_keys(terms: Terms, obj: Mapping[str, Any]) -> dict[str, Any]:
    found = SetOf(terms.term).norm(paths.get(obj, terms.path), False)
    if found is MISSING:
        return {}
    if isinstance(found, Invalid):
        return {str(found): str(found)}
    return {sort_key(term): jsonable(term) for term in found}


def _term_changes(old: Mapping[str, Any], new: Mapping[str, Any], scope: str) -> Iterator[Change]:
    for terms in TERMS:
        before, after = _term_keys(terms, old), _term_keys(terms, new)
        removed = [before[k] for k in before if k not in after]
        added = [after[k] for k in after if k not in before]
        if not removed and (terms.removals_only or not added):
            continue
        detail = describe(tuple(before.values()), tuple(after.values()))
        yield Change(
            terms.code,
            terms.reason,
            terms.path,
            short(tuple(before.values()) or MISSING),
            short(tuple(after.values()) or MISSING),
            f"{terms.key} changed ({detail}): {terms.effect.format(scope=scope)} ({terms.reason})",
        )


def _explain(scope: str) -> Explain:
    def explain(leaf: Leaf) -> str:
        change = f"{what(leaf)} {describe(leaf.old, leaf.new, leaf.field.unset)}"
        if leaf.field is KUBELET_HASH:
            return (
                f"{change}: on Karpenter 1.0.x every node of {scope} drifts and is replaced through the kubelet "
                f"drift hash ({NODECLASS_DRIFT}), except nodes of NodePools that still carry the v1beta1 "
                "kubelet compatibility annotation (it wins)"
            )
        if leaf.field is PLACEMENT_GROUP:
            return (
                f"{change}: hashed in the EC2NodeClass, so every node of {scope} drifts and is replaced "
                f"({NODECLASS_DRIFT}), and nodes outside the selected placement group too ({PLACEMENT_GROUP_DRIFT})"
            )
        if leaf.field is RESOLVED_FAMILY:
            change += " (amiFamily, else the alias family)"
        return f"{change}: hashed in the EC2NodeClass, so every node of {scope} drifts and is replaced ({leaf.field.reason})"

    return explain


def _name(obj: Mapping[str, Any]) -> str:
    name = paths.get(obj, ("metadata", "name"))
    return f"EC2NodeClass {name}" if isinstance(name, str) and name else "the EC2NodeClass"


def _fields(old: Mapping[str, Any], new: Mapping[str, Any], target: Target) -> tuple[Field, ...]:
    both_v1beta1 = version_of(old) == version_of(new) == "v1beta1"
    if both_v1beta1 and not converts(target):
        return V1BETA1_FIELDS
    if version_of(old) != "v1":
        # A migration: the class had no kubelet (EC-4); the one moved in from the NodePools is compared
        # with their kubelet, not with the old class (KM102), and a hash-version bump absorbs it (§0.3).
        return V1_FIELDS
    return (*V1_FIELDS, KUBELET_STATIC if target.at_least(1, 1) else KUBELET_HASH)


def _on_v1beta1(change: Change, new: Mapping[str, Any]) -> Change:
    """Where a change is in a v1beta1 new version: AMI terms the webhook made come from amiFamily."""
    if change.path == AMI_TERMS and paths.get(new, AMI_TERMS) is None:
        return replace(change, path=(*SPEC, "amiFamily"))
    return change


def compare_nodeclasses(
    old: Mapping[str, Any], new: Mapping[str, Any], target: Target | None = None
) -> list[Change]:
    """Every change between two versions of an EC2NodeClass that drifts nodes (KM204-KM208, KM210).

    As for NodePools, a v1beta1 old version is compared through what the conversion webhook stored.
    """
    target = target or Target()
    fields = _fields(old, new, target)
    v1 = fields is not V1BETA1_FIELDS
    try:
        before = effective(old) if v1 else effective(old, target)
        after = effective(new) if v1 else effective(new, target)
    except NotConvertible:
        return []
    scope = _name(new)
    found = [
        *changes(fields, before, after, _explain(scope), scope),
        *_term_changes(before, after, scope),
    ]
    if version_of(new) == "v1beta1":
        found = [_on_v1beta1(c, new) for c in found]
    return found


def nodeclass_hash_view(obj: Mapping[str, Any], target: Target | None = None) -> dict[Path, Any]:
    """The statically hashed fields of an EC2NodeClass as Karpenter holds it (resolved family included).

    kubelet is in it from target 1.1 on. Two versions hash alike exactly when their views are equal.
    """
    target = target or Target()
    v1beta1 = version_of(obj) == "v1beta1" and not converts(target)
    fields = (
        V1BETA1_FIELDS if v1beta1 else (*V1_FIELDS, *((KUBELET_STATIC,) if target.at_least(1, 1) else ()))
    )
    stored = effective(obj, target)
    out: dict[Path, Any] = {}
    for field in fields:
        value = field.shape.norm(field.value(stored), True)
        if value is not MISSING:
            out[field.path] = value
    return out
