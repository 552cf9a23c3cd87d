"""NP-11: Requirements copied; an absent list is written [] (S-5). Upstream: nodepool_conversion.go:173-182.

``lo.Map`` over a nil list gives an empty one, and ``requirements`` has no ``omitempty``: ``[]``.
Each element is copied key by key (key, operator, values, minValues) with nothing validated
(out-of-range minValues survive); ``values`` and ``minValues`` are omitempty, so an empty or null one
is not written back.
"""

from __future__ import annotations

from collections.abc import Mapping

from ruamel.yaml.comments import CommentedMap, CommentedSeq

from karpmigrate.convert._base import Context, rule
from karpmigrate.convert.rules._webhook import drop_empty, put
from karpmigrate.io import paths


@rule("NP-11", "requirements", kinds={"NodePool", "NodeClaim"})
def requirements(obj: CommentedMap, ctx: Context) -> None:
    """Requirements copied; an absent list is written [] (S-5)."""
    path = (*ctx.claim_spec, "requirements")
    listed = paths.get(ctx.before, path)
    if listed is None:
        put(obj, path, CommentedSeq())
        return
    for index, requirement in enumerate(listed if isinstance(listed, list) else []):
        if isinstance(requirement, Mapping):
            for field in ("values", "minValues"):
                drop_empty(obj, (*path, index, field))


RULE = requirements
