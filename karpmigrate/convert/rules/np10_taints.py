"""NP-10: Empty taints/startupTaints lists are omitted (S-5).

Upstream: nodepool_conversion.go:171-172, nodeclaim_conversion.go:144-157. Both are copied unchanged
(``timeAdded`` included) into ``[]v1.Taint`` fields with ``omitempty``, so ``taints: []`` (or a null) is
not written back.
"""

from __future__ import annotations

from ruamel.yaml.comments import CommentedMap

from karpmigrate.convert._base import Context, rule
from karpmigrate.convert.rules._webhook import drop_empty


@rule("NP-10", "empty-taints-omitted", kinds={"NodePool", "NodeClaim"})
def empty_taints_omitted(obj: CommentedMap, ctx: Context) -> None:
    """Empty taints/startupTaints lists are omitted (S-5)."""
    for field in ("taints", "startupTaints"):
        drop_empty(obj, (*ctx.claim_spec, field))


RULE = empty_taints_omitted
