"""NC-6: spec.expireAfter comes from the NodeClaim's NodePool in the input set.

Upstream: nodeclaim_conversion.go:121-142. The webhook reads the *stored v1* NodePool named by the label
``karpenter.sh/nodepool`` and copies its ``spec.template.spec.expireAfter``; without the label or the
NodePool the field stays the zero ``NillableDuration``, encoded ``Never`` (S-1; the code comment's "use
the CRD default" cannot apply to a present field, spec §3). Here the input set stands in for the
cluster: a v1beta1 NodePool's value is what NP-4 makes of it (absent -> Never); a v1 NodePool is read
as stored, i.e. defaulted (absent -> 720h).

Clean mode writes what the NodeClaim means under both versions: the NodePool's explicit value, or
nothing (v1 and v1beta1 both default to 720h); where the webhook would store ``Never`` instead, it says so.
"""

from __future__ import annotations

from collections.abc import Mapping

from ruamel.yaml.comments import CommentedMap

from karpmigrate.convert import codes
from karpmigrate.convert._base import Context, Mode, rule
from karpmigrate.convert.plan import ObjectInfo
from karpmigrate.convert.rules._webhook import NEVER, put
from karpmigrate.findings import Level, Path
from karpmigrate.io import paths

NODEPOOL_LABEL = "karpenter.sh/nodepool"
#: v1 CRD default of spec.template.spec.expireAfter (spec §7.1): a stored v1 NodePool always has it.
V1_DEFAULT = "720h"
#: Where each NodePool version keeps expireAfter, and what the webhook reads when it is absent.
SOURCES: Mapping[str, tuple[Path, str]] = {
    "v1beta1": (("spec", "disruption", "expireAfter"), NEVER),
    "v1": (("spec", "template", "spec", "expireAfter"), V1_DEFAULT),
}


def _lookup(ctx: Context) -> tuple[str | None, ObjectInfo | None, str | None, str]:
    """(NodePool name, the NodePool, its explicit expireAfter, what the webhook stores)."""
    name = paths.get(ctx.before, ("metadata", "labels", NODEPOOL_LABEL))
    if not isinstance(name, str):
        return None, None, None, NEVER
    pool = ctx.find("NodePool", name)
    if pool is None or pool.version not in SOURCES:
        return name, None, None, NEVER
    path, absent = SOURCES[pool.version]
    value = paths.get(pool.data, path)
    explicit = value if isinstance(value, str) else None
    return name, pool, explicit, explicit or absent


def _missing(name: str | None) -> str:
    if name is None:
        return f"the NodeClaim has no {NODEPOOL_LABEL} label"
    return f"NodePool/{name} is not in the input"


@rule("NC-6", "expire-after-from-nodepool", kinds={"NodeClaim"})
def expire_after_from_nodepool(obj: CommentedMap, ctx: Context) -> None:
    """spec.expireAfter comes from the NodeClaim's NodePool in the input set."""
    name, pool, explicit, stored = _lookup(ctx)
    target = (*ctx.claim_spec, "expireAfter")
    if ctx.mode is Mode.WEBHOOK:
        if pool is None:
            ctx.note(
                codes.EXPIRE_AFTER,
                f"expireAfter: Never written ({_missing(name)}), what the webhook stores when it finds no "
                "NodePool: the node never expires. Where the NodePool exists the webhook copies its "
                "expireAfter instead",
                ("metadata",),
                Level.INFO,
            )
        put(obj, target, stored)
    elif explicit is not None:
        put(obj, target, explicit)
    elif pool is None:
        ctx.note(
            codes.WEBHOOK_DIFFERENCE,
            f"expireAfter left to the v1 default (720h): {_missing(name)}, and the conversion webhook would "
            "store expireAfter: Never for this NodeClaim",
            ("metadata",),
        )


RULE = expire_after_from_nodepool
