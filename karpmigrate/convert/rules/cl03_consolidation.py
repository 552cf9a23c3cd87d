"""CL-3: WhenUnderutilized → WhenEmptyOrUnderutilized with consolidateAfter 0s; Never stays Never.

v1 requires ``consolidateAfter`` whenever ``disruption`` is present (spec/conversion-rules.md §7.1), and
``0s`` is what v0.37 did for WhenUnderutilized (guide line 704). Upstream NP-5
(nodepool_conversion.go:155-157) also forces ``0s`` over ``Never``, which turns consolidation *on* for a
pool where v0.37 had it off (CORE@v0.37.7 consolidation.go:100-103, spec §10.1): clean mode keeps
``Never`` and says so. Without a disruption block both versions default to consolidating: nothing to do.
"""

from __future__ import annotations

from collections.abc import Mapping

from ruamel.yaml.comments import CommentedMap

from karpmigrate.convert import codes
from karpmigrate.convert._base import Blocked, Context, rule
from karpmigrate.convert.rules._values import replace_text
from karpmigrate.findings import Level, Path
from karpmigrate.io import paths

DISRUPTION: Path = ("spec", "disruption")
POLICY: Path = (*DISRUPTION, "consolidationPolicy")
AFTER: Path = (*DISRUPTION, "consolidateAfter")
#: NP-6. None is an absent policy: the v1beta1 default WhenUnderutilized, the v1 default its new name.
UNDERUTILIZED: Mapping[str | None, str | None] = {
    None: None,
    "WhenUnderutilized": "WhenEmptyOrUnderutilized",
    # Half-migrated input: already the v1 name, the intent is plain.
    "WhenEmptyOrUnderutilized": "WhenEmptyOrUnderutilized",
}
WHEN_EMPTY = "WhenEmpty"


def _underutilized(
    obj: CommentedMap, ctx: Context, disruption: Mapping[str, object], policy: str | None
) -> None:
    after = disruption.get("consolidateAfter", None)
    if after == "Never":
        ctx.note(
            codes.CONSOLIDATION,
            "consolidateAfter: Never kept: consolidation stays off for this NodePool, as under v0.37",
            AFTER,
        )
        ctx.note(
            codes.WEBHOOK_DIFFERENCE,
            "the conversion webhook stored consolidateAfter: 0s (consolidation on) for this NodePool; "
            "applying this manifest turns consolidation off again, as it was under v0.37",
            AFTER,
        )
    elif "consolidateAfter" in disruption and after != "0s":
        ctx.note(
            codes.CONSOLIDATION,
            f"consolidateAfter: {after} replaced by 0s: v1beta1 rejects a duration with "
            "WhenUnderutilized (so it never took effect), and 0s is what v0.37 did and the webhook stores",
            AFTER,
            Level.WARNING,
        )
        replace_text(obj, AFTER, "0s")
    elif "consolidateAfter" not in disruption:
        if not disruption:
            # An empty mapping can only have been written `{}`: it stays a flow mapping.
            paths.get(obj, DISRUPTION).fa.set_flow_style()
        paths.set_(obj, AFTER, "0s")
    renamed = UNDERUTILIZED[policy]
    if renamed is not None and renamed != policy:
        replace_text(obj, POLICY, renamed)


@rule("CL-3", "consolidation", kinds={"NodePool"})
def consolidation(obj: CommentedMap, ctx: Context) -> None:
    """WhenUnderutilized → WhenEmptyOrUnderutilized with consolidateAfter 0s; Never stays Never."""
    disruption = paths.get(ctx.before, DISRUPTION)
    if not isinstance(disruption, Mapping):
        return
    policy = disruption.get("consolidationPolicy")
    if policy == WHEN_EMPTY:
        if "consolidateAfter" not in disruption:
            raise Blocked(
                codes.NOT_CONVERTIBLE,
                "not converted: consolidationPolicy WhenEmpty needs consolidateAfter (v1beta1 rejects it "
                "too); add the delay you mean, e.g. consolidateAfter: 30s",
                DISRUPTION,
            )
        return
    if not (policy is None or isinstance(policy, str)) or policy not in UNDERUTILIZED:
        raise Blocked(
            codes.NOT_CONVERTIBLE,
            f"not converted: consolidationPolicy {policy!r} is neither WhenEmpty nor WhenUnderutilized",
            POLICY,
        )
    _underutilized(obj, ctx, disruption, policy)


RULE = consolidation
