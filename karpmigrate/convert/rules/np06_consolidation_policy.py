"""NP-6: WhenUnderutilized becomes WhenEmptyOrUnderutilized. Upstream: nodepool_conversion.go:158-159.

Renamed in place, quoting kept. Any other value is copied; an empty or null policy is the Go zero
string, which ``omitempty`` leaves out (the v1 schema then defaults it to WhenEmptyOrUnderutilized).
"""

from __future__ import annotations

from ruamel.yaml.comments import CommentedMap

from karpmigrate.convert._base import Context, rule
from karpmigrate.convert.rules._values import replace_text
from karpmigrate.convert.rules._webhook import present
from karpmigrate.convert.rules.np05_consolidate_after_zero import POLICY, UNDERUTILIZED
from karpmigrate.io import paths

RENAMED = "WhenEmptyOrUnderutilized"


@rule("NP-6", "consolidation-policy-renamed", kinds={"NodePool"})
def consolidation_policy_renamed(obj: CommentedMap, ctx: Context) -> None:
    """WhenUnderutilized becomes WhenEmptyOrUnderutilized."""
    policy = paths.get(ctx.before, POLICY)
    if policy == UNDERUTILIZED:
        replace_text(obj, POLICY, RENAMED)
    elif policy in (None, "") and present(obj, POLICY):
        paths.pop(obj, POLICY)


RULE = consolidation_policy_renamed
