"""NP-7: Other policies keep consolidateAfter's text; absent becomes Never (S-1).

Upstream: nodepool_conversion.go:155-157. For any policy but WhenUnderutilized (WhenEmpty, empty, absent)
the ``*NillableDuration`` is copied with its raw text; nil gives the zero struct, encoded ``Never``.
``Disruption`` has no ``omitempty`` and ``consolidateAfter`` neither, so a NodePool without a disruption
block gets ``disruption: {consolidateAfter: Never}`` (S-6).
"""

from __future__ import annotations

from ruamel.yaml.comments import CommentedMap

from karpmigrate.convert._base import Context, rule
from karpmigrate.convert.rules._webhook import NEVER, check_duration, put
from karpmigrate.convert.rules.np05_consolidate_after_zero import AFTER, POLICY, UNDERUTILIZED
from karpmigrate.io import paths


@rule("NP-7", "consolidate-after-copied", kinds={"NodePool"})
def consolidate_after_copied(obj: CommentedMap, ctx: Context) -> None:
    """Other policies keep consolidateAfter's text; absent becomes Never (S-1)."""
    if paths.get(ctx.before, POLICY) == UNDERUTILIZED:
        return
    check_duration(ctx, AFTER)
    if paths.get(ctx.before, AFTER) is not None:
        return
    put(obj, AFTER, NEVER)


RULE = consolidate_after_copied
