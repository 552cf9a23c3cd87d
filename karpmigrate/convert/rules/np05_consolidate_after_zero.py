"""NP-5: WhenUnderutilized gets consolidateAfter 0s, whatever it had. Upstream: nodepool_conversion.go:155-157.

The v1 value is a zero ``NillableDuration`` with no raw text, printed ``0s``. v1beta1 allowed
WhenUnderutilized with ``consolidateAfter: Never``, which v0.37 read as "consolidation off"
(CORE@v0.37.7 consolidation.go:100-103); the webhook turns it on immediately (spec §10.1): say so.
"""

from __future__ import annotations

from ruamel.yaml.comments import CommentedMap

from karpmigrate.convert import codes
from karpmigrate.convert._base import Context, rule
from karpmigrate.convert.rules._values import replace_text
from karpmigrate.convert.rules._webhook import NEVER, check_duration
from karpmigrate.findings import Level, Path
from karpmigrate.io import paths

POLICY: Path = ("spec", "disruption", "consolidationPolicy")
AFTER: Path = ("spec", "disruption", "consolidateAfter")
UNDERUTILIZED = "WhenUnderutilized"


@rule("NP-5", "consolidate-after-zero", kinds={"NodePool"})
def consolidate_after_zero(obj: CommentedMap, ctx: Context) -> None:
    """WhenUnderutilized gets consolidateAfter 0s, whatever it had."""
    if paths.get(ctx.before, POLICY) != UNDERUTILIZED:
        return
    check_duration(ctx, AFTER)  # Go decodes it before the conversion ignores it
    if paths.get(ctx.before, AFTER) == NEVER:
        ctx.note(
            codes.CONSOLIDATION,
            'consolidateAfter: Never with WhenUnderutilized meant "consolidation off" under v0.37; the '
            "webhook stores WhenEmptyOrUnderutilized with consolidateAfter: 0s, so Karpenter 1.0 "
            "consolidates this NodePool's nodes as soon as they are underutilized",
            AFTER,
            Level.WARNING,
        )
    replace_text(obj, AFTER, "0s")


RULE = consolidate_after_zero
