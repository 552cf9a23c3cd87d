"""The object as Karpenter holds it when it hashes: CRD defaults applied, v1beta1 converted by the webhook.

Hashes are computed from the stored object (drift-and-lint §0.2, last point), so a manifest is first
defaulted with the schema of the version it is written in, and a v1beta1 object then goes through the
conversion webhook exactly as Karpenter 1.0 stores it (spec/conversion-rules.md §0.1:
``v1 = v1_defaults(convert(v1beta1_defaults(manifest)))``). The v1beta1 defaults are v0.37's, the
release the objects were created under: ``disruption.expireAfter: 720h`` is stored, so the webhook
writes ``template.spec.expireAfter: 720h`` (NP-4), and ``metadataOptions`` gets hop limit 2, which the
conversion keeps (EC-6). Defaults of §0.5 come from the CRDs in ../shared/crds (v0.37.0, v1.0.14).
"""

from __future__ import annotations

import copy
import json
from collections.abc import Mapping, Sequence
from functools import lru_cache
from typing import Any

from karpmigrate.findings import Path
from karpmigrate.target import Target

Defaults = Sequence[tuple[Path, Any]]


class NotConvertible(ValueError):
    """The conversion webhook would fail on this object: what Karpenter stores cannot be known."""


def _metadata_options(hop_limit: int) -> Defaults:
    options = {
        "httpEndpoint": "enabled",
        "httpProtocolIPv6": "disabled",
        "httpPutResponseHopLimit": hop_limit,
        "httpTokens": "required",
    }
    # The object default when metadataOptions is absent, then each field's own default when it is
    # given in part (structural defaulting runs top-down).
    base = ("spec", "metadataOptions")
    return ((base, options), *(((*base, key), value) for key, value in options.items()))


#: Schema defaults by (apiVersion version, kind), in the order the API server applies them (§0.5).
DEFAULTS: Mapping[tuple[str, str], Defaults] = {
    # v0.37.0 CRDs, karpenter.sh_nodepools.yaml:57-130.
    ("v1beta1", "NodePool"): (
        (("spec", "disruption"), {"consolidationPolicy": "WhenUnderutilized", "expireAfter": "720h"}),
        (("spec", "disruption", "budgets"), [{"nodes": "10%"}]),
        (("spec", "disruption", "consolidationPolicy"), "WhenUnderutilized"),
        (("spec", "disruption", "expireAfter"), "720h"),
    ),
    # v0.37.0 CRDs, karpenter.k8s.aws_ec2nodeclasses.yaml:245-305: hop limit 2.
    ("v1beta1", "EC2NodeClass"): _metadata_options(2),
    # v1.0.14 CRDs, karpenter.sh_nodepools.yaml:74-219 (the same in the newest CRDs).
    ("v1", "NodePool"): (
        (("spec", "disruption"), {"consolidateAfter": "0s"}),
        (("spec", "disruption", "budgets"), [{"nodes": "10%"}]),
        (("spec", "disruption", "consolidationPolicy"), "WhenEmptyOrUnderutilized"),
        (("spec", "template", "spec", "expireAfter"), "720h"),
    ),
    # v1.0.14 CRDs: hop limit 1 for the object and for the field.
    ("v1", "EC2NodeClass"): _metadata_options(1),
}


def version_of(obj: Mapping[str, Any]) -> str:
    """``v1beta1`` or ``v1`` (the part of apiVersion after the group)."""
    api_version = obj.get("apiVersion")
    return api_version.rpartition("/")[2] if isinstance(api_version, str) else ""


def kind_of(obj: Mapping[str, Any]) -> str:
    kind = obj.get("kind")
    return kind if isinstance(kind, str) else ""


def apply_defaults(obj: Mapping[str, Any], version: str) -> dict[str, Any]:
    """A copy of ``obj`` with the CRD defaults of ``version`` filled in where a field is absent or null.

    A default applies only below an existing object (Kubernetes structural defaulting); a null is
    pruned and then defaulted like an absent field.
    """
    out: dict[str, Any] = copy.deepcopy(dict(obj))
    for path, value in DEFAULTS.get((version, kind_of(obj)), ()):
        parent: Any = out
        for part in path[:-1]:
            parent = parent.get(part) if isinstance(parent, dict) else None
        if isinstance(parent, dict) and parent.get(path[-1]) is None:
            parent[path[-1]] = copy.deepcopy(value)
    return out


@lru_cache(maxsize=512)
def _webhook(text: str) -> str:
    # Imported here: the conversion engine (ruamel round trip, rule registry) is only needed when a
    # v1beta1 object is compared, never for a plain v1 lint run (pre-commit start-up, design §7).
    from karpmigrate.convert import Mode, Options, convert_text
    from karpmigrate.io.documents import split_documents
    from karpmigrate.io.yaml import parse_document, to_plain

    try:
        result = convert_text(text, Options(mode=Mode.WEBHOOK, validate=False), file="<drift>")
    except (KeyError, TypeError, AttributeError) as exc:
        # A shape Go's decoder rejects (``spec: []``) fails the ConversionReview; the converter may
        # stumble on it instead of reporting it. Either way nothing is stored: nothing to compare.
        raise NotConvertible(f"the conversion webhook cannot decode it ({exc!r})") from None
    if result.text is None or not result.documents or not all(d.converted for d in result.documents):
        reasons = "; ".join(n.message for n in result.notes) or "not a convertible object"
        raise NotConvertible(reasons)
    documents = split_documents(result.text)
    return json.dumps(to_plain(parse_document(documents[0], "<drift>").tree))


def webhook(obj: Mapping[str, Any]) -> dict[str, Any]:
    """What Karpenter 1.0's conversion webhook stores for a v1beta1 object (``convert --mode webhook``).

    JSON is YAML, so the object goes to the converter as JSON text. Raises :class:`NotConvertible`
    where the webhook would fail the ConversionReview.
    """
    converted: dict[str, Any] = json.loads(_webhook(json.dumps(obj, sort_keys=True, default=str)))
    return converted


def converts(target: Target | None) -> bool:
    """Whether objects are hashed as v1 at ``target``: from 1.0 on the webhook converts what is stored."""
    return target is None or target.at_least(1, 0)


def effective(obj: Mapping[str, Any], target: Target | None = None) -> dict[str, Any]:
    """``obj`` as Karpenter holds it for hashing at ``target`` (default: 1.0 and later).

    v1: its CRD defaults. v1beta1: v0.37 defaults, then (target 1.0 or later) the webhook conversion
    and the v1 defaults. Raises :class:`NotConvertible` when the webhook would reject the object.
    """
    version = version_of(obj)
    if version != "v1beta1":
        return apply_defaults(obj, "v1")
    stored = apply_defaults(obj, "v1beta1")
    if not converts(target):
        return stored
    return apply_defaults(webhook(stored), "v1")
