"""Shared helpers of the rules that compare a previous manifest with its v1 rewrite (KM102-KM121).

Everything here reads plain data and never raises on wrong types: lint runs before validate in
pre-commit, so a string where a mapping belongs must give "cannot tell", not a traceback. Values are
compared with Karpenter's hash semantics (drift-and-lint §0.2): durations by value, lists as sets,
absent == empty; defaults of each version applied first (§0.5).

``karpmigrate.convert`` (and its Go printers) is imported inside the functions that need it: importing
it pulls in every conversion rule, which ``karpmigrate lint`` must not pay for at startup (design §7).
"""

from __future__ import annotations

import copy
import functools
import json
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from karpmigrate.findings import Path
from karpmigrate.lint._base import LintObject, RuleContext

NODEPOOL_SPEC: Path = ("spec", "template", "spec")
KUBELET_ANNOTATION = "compatibility.karpenter.sh/v1beta1-kubelet-conversion"
ALIAS_VERSION_ANNOTATION = "compatibility.karpenter.k8s.aws/v1-alias-version"
#: AMI families with an alias in v1, by lower-cased alias family (conversion-rules §4.1 AL-2).
ALIAS_FAMILIES = {f.lower(): f for f in ("AL2", "AL2023", "Bottlerocket", "Windows2019", "Windows2022")}
#: Families whose alias accepts only ``latest`` (v1.0 CRD alias description; drift-and-lint KM211).
LATEST_ONLY = frozenset({"Windows2019", "Windows2022"})

#: Duration text the v1beta1 and the v1 schema both default expireAfter to (drift-and-lint §0.5).
DEFAULT_EXPIRE_AFTER = "720h"
#: metadataOptions after each version's CRD defaults: the hop limit went from 2 to 1 (§0.5).
METADATA_DEFAULTS: Mapping[str, Mapping[str, Any]] = {
    "v1beta1": {
        "httpEndpoint": "enabled",
        "httpProtocolIPv6": "disabled",
        "httpPutResponseHopLimit": 2,
        "httpTokens": "required",
    },
    "v1": {
        "httpEndpoint": "enabled",
        "httpProtocolIPv6": "disabled",
        "httpPutResponseHopLimit": 1,
        "httpTokens": "required",
    },
}


class Unreadable(ValueError):
    """A value a rule cannot interpret (wrong type, bad duration): validate reports it, the rule stays quiet."""


def is_migration(new: LintObject | None, old: LintObject | None) -> bool:
    """The pair is a v1beta1 -> v1 conversion (not a v1 -> v1 edit, which is the drift engine's)."""
    return new is not None and old is not None and old.version == "v1beta1" and new.version == "v1"


def mapping(value: Any) -> Mapping[str, Any]:
    """``value`` when it is a mapping, else empty (absent == ``{}`` in the hash, §0.2)."""
    return value if isinstance(value, Mapping) else {}


def names(objects: Iterable[LintObject]) -> str:
    return ", ".join(sorted(o.name for o in objects))


# ---------------------------------------------------------------- durations and quantities


def duration_ns(value: Any, default: str | None = None) -> int | None:
    """Nanoseconds of a Karpenter ``NillableDuration`` (``Never`` -> None); ``default`` when absent.

    Raises :class:`Unreadable` for a non-string or a text Go's ``time.ParseDuration`` rejects.
    """
    text = default if value is None else value
    if text is None:
        return None
    if not isinstance(text, str):
        raise Unreadable(f"not a duration: {text!r}")
    if text == "Never":
        return None
    # Here, not at the top: karpmigrate.convert loads the conversion engine (and pydantic), which
    # `karpmigrate lint` must not pay for unless a duration needs parsing (design §7).
    from karpmigrate.convert.go import parse_go_duration

    try:
        return parse_go_duration(text)
    except ValueError as exc:
        raise Unreadable(str(exc)) from exc


def shown(value: Any, default: str) -> str:
    """A value as the user wrote it, or ``<default> (default)`` when absent, for messages."""
    return f"{default} (default)" if value is None else str(value)


def quantity(value: Any) -> Any:
    """The canonical text of a quantity (``1024Gi`` == ``1Ti``, S-3); the raw value when unparsable."""
    from karpmigrate.convert.go import canonical_quantity

    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        return value
    try:
        return canonical_quantity(value)
    except ValueError:
        return value


# ---------------------------------------------------------------- kubelet (KM102)


def _text(value: Any) -> Any:
    # map[string]string values are hashed as the raw strings (`1Gi` != `1024Mi`, §0.2); a YAML int is
    # what the user meant as its text (the API server would reject it as a number anyway).
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value) if isinstance(value, (int, float)) else value


def _as_set(value: Any) -> Any:
    if not isinstance(value, list):
        return value
    return tuple(sorted((_text(v) for v in value), key=repr)) or None


def _string_map(value: Any) -> Any:
    if not isinstance(value, Mapping):
        return value
    return tuple(sorted((str(k), _text(v)) for k, v in value.items())) or None


def _grace(value: Any) -> Any:
    try:
        return duration_ns(value)
    except Unreadable:
        return value


def _duration_map(value: Any) -> Any:
    if not isinstance(value, Mapping):
        return value
    return tuple(sorted((str(k), _grace(v)) for k, v in value.items())) or None


def _scalar(value: Any) -> Any:
    return value


# The fields of KubeletConfiguration (CORE pkg/apis/v1beta1/nodeclaim.go:83-145, AWS v1 EC2NodeClass
# kubelet): how each one is compared. Unknown keys are pruned by the API server and not compared.
_KUBELET_FIELDS: Mapping[str, Callable[[Any], Any]] = {
    "clusterDNS": _as_set,
    "maxPods": _scalar,
    "podsPerCore": _scalar,
    "systemReserved": _string_map,
    "kubeReserved": _string_map,
    "evictionHard": _string_map,
    "evictionSoft": _string_map,
    "evictionSoftGracePeriod": _duration_map,
    "evictionMaxPodGracePeriod": _scalar,
    "imageGCHighThresholdPercent": _scalar,
    "imageGCLowThresholdPercent": _scalar,
    "cpuCFSQuota": _scalar,
}


def kubelet_fields(kubelet: Any) -> dict[str, Any]:
    """A kubelet block as compared by the kubelet hash: absent == ``{}``, empty fields dropped."""
    block = mapping(kubelet)
    out: dict[str, Any] = {}
    for name, normalise in _KUBELET_FIELDS.items():
        value = normalise(block.get(name))
        if value is not None:
            out[name] = value
    return out


def kubelet_diff(a: Any, b: Any) -> list[str]:
    """The kubelet fields whose hashed values differ between two blocks."""
    left, right = kubelet_fields(a), kubelet_fields(b)
    return [name for name in _KUBELET_FIELDS if left.get(name) != right.get(name)]


def previous_kubelet(pool: LintObject) -> Any:
    """The kubelet a previous NodePool gave its nodes: the v1beta1 field, or the v1 compat annotation.

    Raises :class:`Unreadable` when the pool is v1 without the annotation (not a migration: its kubelet
    came from its EC2NodeClass, a v1 -> v1 edit) or the annotation is not a JSON object.
    """
    if pool.version == "v1beta1":
        return pool.get((*NODEPOOL_SPEC, "kubelet")) or {}
    text = mapping(pool.get(("metadata", "annotations"))).get(KUBELET_ANNOTATION)
    if not isinstance(text, str):
        raise Unreadable("no kubelet compatibility annotation")
    try:
        value = json.loads(text)
    except ValueError as exc:
        raise Unreadable(str(exc)) from exc
    if not isinstance(value, Mapping):
        raise Unreadable("the kubelet compatibility annotation is not a JSON object")
    return value


def nodeclass_name(pool: LintObject) -> Any:
    return pool.get((*NODEPOOL_SPEC, "nodeClassRef", "name"))


# ---------------------------------------------------------------- AMI selection (KM111, KM112)


def alias_term(spec: Mapping[str, Any]) -> tuple[int, str] | None:
    """Index and text of the first ``alias`` term (AL-2), if any."""
    terms = spec.get("amiSelectorTerms")
    if not isinstance(terms, list):
        return None
    for i, term in enumerate(terms):
        alias = term.get("alias") if isinstance(term, Mapping) else None
        if isinstance(alias, str) and alias:
            return i, alias
    return None


def split_alias(alias: str) -> tuple[str, str]:
    """``(Family, version)`` of ``family@version``; the family in its canonical casing when known."""
    family, _, version = alias.partition("@")
    return ALIAS_FAMILIES.get(family, family), version


def resolved_family(spec: Mapping[str, Any]) -> str:
    """AL-1: ``amiFamily`` if set, else the alias family, else ``Custom`` (what the hash uses)."""
    family = spec.get("amiFamily")
    if isinstance(family, str) and family:
        return family
    found = alias_term(spec)
    return split_alias(found[1])[0] if found else "Custom"


# ---------------------------------------------------------------- what the webhook stores


@functools.lru_cache(maxsize=512)
def _webhook_json(text: str) -> str | None:
    from karpmigrate.convert import Mode, Options, convert_text
    from karpmigrate.lint.objects import load_text

    try:
        result = convert_text(text, Options(mode=Mode.WEBHOOK, validate=False), file="<webhook>")
        if result.text is None:
            return None
        converted = load_text(result.text, "<webhook>").objects
    except Exception:  # a lint rule never raises (rules brief): no conversion, no comparison
        return None
    if len(converted) != 1 or converted[0].version != "v1":
        return None  # the webhook would fail the ConversionReview (e.g. a malformed duration)
    return json.dumps(converted[0].data)


def webhook_data(data: Mapping[str, Any]) -> dict[str, Any] | None:
    """The v1 object Karpenter 1.0's conversion webhook stores for v1beta1 ``data`` (a fresh copy).

    None when the webhook would refuse it. Cached by content: several rules ask for the same object.
    """
    try:
        text = json.dumps(data)
    except (TypeError, ValueError):
        return None
    converted = _webhook_json(text)
    return json.loads(converted) if converted is not None else None


def webhook_v1(obj: LintObject) -> dict[str, Any] | None:
    """:func:`webhook_data` of a v1beta1 object; None for any other version."""
    return webhook_data(obj.data) if obj.version == "v1beta1" else None


def webhook_spec(ctx: RuleContext) -> Mapping[str, Any] | None:
    """The webhook-converted spec of ``ctx.old`` (PAIR rules), None when it cannot be had."""
    if ctx.old is None:
        return None
    converted = webhook_v1(ctx.old)
    spec = converted.get("spec") if converted is not None else None
    return spec if isinstance(spec, Mapping) else None


# ---------------------------------------------------------------- equivalent specs (KM120)


def _v1beta1_defaults(kind: str, data: Mapping[str, Any]) -> dict[str, Any]:
    """``data`` with the v0.37 CRD defaults the webhook would have seen (conversion-rules §0.1).

    Without them the webhook turns an absent expireAfter into `Never` and an absent policy into no
    consolidateAfter, where the stored object had `720h` and `WhenUnderutilized`.
    """
    out = copy.deepcopy(dict(data))
    spec = out.get("spec")
    if not isinstance(spec, dict):
        return out
    disruption = spec.setdefault("disruption", {}) if kind == "NodePool" else None
    if isinstance(disruption, dict):
        disruption.setdefault("consolidationPolicy", "WhenUnderutilized")
        disruption.setdefault("expireAfter", DEFAULT_EXPIRE_AFTER)
    return out


def _duration_value(value: Any) -> Any:
    try:
        ns = duration_ns(value)
    except Unreadable:
        return value
    return "Never" if ns is None and value is not None else ns


def _v1_nodepool(spec: dict[str, Any]) -> None:
    template = spec.get("template")
    claim = template.get("spec") if isinstance(template, dict) else None
    if isinstance(claim, dict):
        claim["expireAfter"] = _duration_value(claim.get("expireAfter", DEFAULT_EXPIRE_AFTER))
        claim["terminationGracePeriod"] = _duration_value(claim.get("terminationGracePeriod"))
        ref = claim.get("nodeClassRef")
        if isinstance(ref, dict):
            ref.pop("name", None)  # an EC2NodeClass renamed along with it is KM120's other half
    disruption = spec.setdefault("disruption", {"consolidateAfter": "0s"})
    if isinstance(disruption, dict):
        disruption.setdefault("consolidationPolicy", "WhenEmptyOrUnderutilized")
        disruption["consolidateAfter"] = _duration_value(disruption.get("consolidateAfter"))
        budgets = disruption.setdefault("budgets", [{"nodes": "10%"}])
        for budget in budgets if isinstance(budgets, list) else []:
            if isinstance(budget, dict) and "duration" in budget:
                budget["duration"] = _duration_value(budget["duration"])
    limits = spec.get("limits")
    if isinstance(limits, dict):
        spec["limits"] = {k: quantity(v) for k, v in limits.items()}


def _v1_nodeclass(spec: dict[str, Any]) -> None:
    spec.pop("kubelet", None)  # moves here from the NodePools during the migration (KM102's)
    spec["amiFamily"] = resolved_family(spec)  # AL-3: the hash sees the resolved family only
    options = spec.get("metadataOptions", {})
    if isinstance(options, dict):
        # The v1beta1 defaults on both sides: a rename that also drops hop limit 2 is still a rename
        # (KM108/KM109 report the hop limit); an explicit 1 is another class.
        spec["metadataOptions"] = {**METADATA_DEFAULTS["v1beta1"], **options}
    mappings = spec.get("blockDeviceMappings")
    for item in mappings if isinstance(mappings, list) else []:
        ebs = item.get("ebs") if isinstance(item, dict) else None
        if isinstance(ebs, dict) and "volumeSize" in ebs:
            ebs["volumeSize"] = quantity(ebs["volumeSize"])


_V1_NORMALISERS: Mapping[str, Callable[[dict[str, Any]], None]] = {
    "NodePool": _v1_nodepool,
    "EC2NodeClass": _v1_nodeclass,
}


def _canonical(value: Any) -> Any:
    """Empty values dropped (absent == empty, §0.2) and lists sorted (hashed as sets, §0.2)."""
    if isinstance(value, Mapping):
        items = {str(k): _canonical(v) for k, v in value.items()}
        return {k: v for k, v in items.items() if v not in (None, {}, [])}
    if isinstance(value, list):
        return sorted(
            (_canonical(v) for v in value), key=lambda v: json.dumps(v, sort_keys=True, default=str)
        )
    return value


def comparable_spec(obj: LintObject) -> str | None:
    """The spec of a NodePool or EC2NodeClass in its v1 effective form, as text for equality.

    A v1beta1 object goes through the webhook (with its version's defaults) first, so a v1beta1 object
    and a faithful v1 rewrite compare equal. None when the object cannot be read or converted.
    """
    normalise = _V1_NORMALISERS.get(obj.kind)
    data: Mapping[str, Any] | None = obj.data
    if obj.version == "v1beta1":
        data = webhook_data(_v1beta1_defaults(obj.kind, obj.data))
    spec = data.get("spec") if data is not None else None
    if normalise is None or not isinstance(spec, Mapping):
        return None
    plain = copy.deepcopy(dict(spec))
    normalise(plain)
    return json.dumps(_canonical(plain), sort_keys=True, default=str)
