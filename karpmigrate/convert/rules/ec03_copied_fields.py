"""EC-3: other spec fields are copied as Go re-encodes them. Upstream: ec2nodeclass_conversion.go:200-243.

What changes on the way through the Go structs (spec/conversion-rules.md §1, §4): ``volumeSize`` is a
``resource.Quantity`` (S-3); the three selector-term lists have no ``omitempty``, so nil becomes ``[]``
(S-5); ``omitempty`` fields that are nil or empty disappear (``blockDeviceMappings: []``, ``tags: {}``,
null values). metadataOptions is copied as stored, no defaulting (EC-6); tags are not rewritten (EC-7).
"""

from __future__ import annotations

from typing import Any

from ruamel.yaml.comments import CommentedMap, CommentedSeq

from karpmigrate.convert import codes
from karpmigrate.convert._base import Blocked, Context, rule
from karpmigrate.convert.go import canonical_quantity
from karpmigrate.convert.rules._ami import BDMS, SPEC
from karpmigrate.convert.rules._webhook import text_value
from karpmigrate.findings import Path
from karpmigrate.io import paths

#: v1 fields without omitempty (AWS pkg/apis/v1/ec2nodeclass.go:39-65), in Go field order.
_ALWAYS_LISTS = ("subnetSelectorTerms", "securityGroupSelectorTerms", "amiSelectorTerms")
#: omitempty fields whose empty value Go drops besides nil (``Role string``, ``Tags map``, ``[]*BDM``).
_EMPTY: dict[str, Any] = {"role": "", "tags": {}, "blockDeviceMappings": []}


def _canonical_size(obj: CommentedMap, path: Path) -> None:
    value = paths.get(obj, path)
    if value is None:
        return
    try:
        text = canonical_quantity(value)
    except ValueError as exc:
        # The webhook fails the whole ConversionReview on a quantity it cannot parse (spec §0.1).
        raise Blocked(codes.NOT_CONVERTIBLE, f"not converted: volumeSize {value!r}: {exc}", path) from None
    if text != value or not isinstance(value, str):
        paths.set_(obj, path, text_value(value, text))


@rule("EC-3", "copied-fields", kinds={"EC2NodeClass"})
def copied_fields(obj: CommentedMap, ctx: Context) -> None:
    """volumeSize canonicalised (S-3); selector-term lists written [] when absent (S-5)."""
    spec = paths.get(obj, SPEC)
    if not isinstance(spec, CommentedMap):
        return
    for key in [k for k, v in spec.items() if v is None or (k in _EMPTY and v == _EMPTY[k])]:
        if key not in _ALWAYS_LISTS:
            paths.pop(obj, (*SPEC, key))
    for key in _ALWAYS_LISTS:
        if spec.get(key) is None:
            paths.set_(obj, (*SPEC, key), CommentedSeq())
    mappings = paths.get(obj, BDMS)
    for index, mapping in enumerate(mappings if isinstance(mappings, list) else []):
        if isinstance(mapping, CommentedMap):
            _canonical_size(obj, (*BDMS, index, "ebs", "volumeSize"))


RULE = copied_fields
