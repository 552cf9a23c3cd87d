"""CL-2: expireAfter moves into the template with its text and comment; absent stays absent.

Upstream NP-4 (nodepool_conversion.go:149) moves it too, keeping its text (S-1), so the moved value
hashes as the webhook's does: no drift. Absent stays absent: v0.37 and v1 both default it to 720h
(spec/conversion-rules.md §7.4), and writing the default out would only add noise.
"""

from __future__ import annotations

from collections.abc import Mapping

from ruamel.yaml.comments import CommentedMap

from karpmigrate.convert import codes
from karpmigrate.convert._base import Blocked, Context, rule
from karpmigrate.findings import Path
from karpmigrate.io import paths

SOURCE: Path = ("spec", "disruption", "expireAfter")


@rule("CL-2", "expire-after-to-template", kinds={"NodePool"})
def expire_after_to_template(obj: CommentedMap, ctx: Context) -> None:
    """expireAfter moves into the template with its text and comment; absent stays absent."""
    disruption = paths.get(ctx.before, SOURCE[:-1])
    if not isinstance(disruption, Mapping) or SOURCE[-1] not in disruption:
        return
    target = (*ctx.claim_spec, "expireAfter")
    if paths.get(ctx.before, target) is not None:
        # v1beta1 has no template expireAfter (the API server prunes it): which one is meant is a guess.
        raise Blocked(
            codes.NOT_CONVERTIBLE,
            "not converted: expireAfter is set both in spec.disruption and in spec.template.spec; "
            "keep only the one you mean",
            target,
        )
    paths.move(obj, SOURCE, target)


RULE = expire_after_to_template
