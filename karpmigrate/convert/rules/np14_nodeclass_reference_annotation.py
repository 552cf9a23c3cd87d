"""NP-14: The v1beta1 nodeClassRef is kept as Go JSON in an annotation.

Upstream: nodepool_conversion.go:136-142, nodeclaim_conversion.go:114-120 (NC-1). Always set, overwriting
any previous value: keys kind, name, apiVersion (kind and apiVersion omitted when empty), or ``null``
without a reference. Only the way back to v1beta1 reads it (RV-3).
"""

from __future__ import annotations

from ruamel.yaml.comments import CommentedMap

from karpmigrate.convert import codes
from karpmigrate.convert._base import Blocked, Context, rule
from karpmigrate.convert.go import nodeclass_reference_annotation as reference_json
from karpmigrate.convert.rules._webhook import NODECLASS_REFERENCE_ANNOTATION, set_annotation
from karpmigrate.io import paths


@rule("NP-14", "nodeclass-reference-annotation", kinds={"NodePool", "NodeClaim"})
def nodeclass_reference_annotation(obj: CommentedMap, ctx: Context) -> None:
    """The v1beta1 nodeClassRef is kept as Go JSON in an annotation."""
    path = (*ctx.claim_spec, "nodeClassRef")
    try:
        text = reference_json(paths.get(ctx.before, path))
    except ValueError as exc:
        raise Blocked(
            codes.NOT_CONVERTIBLE,
            f"not converted: nodeClassRef cannot be decoded ({exc}); the conversion webhook fails on it too",
            path,
        ) from None
    set_annotation(obj, NODECLASS_REFERENCE_ANNOTATION, text)


RULE = nodeclass_reference_annotation
