"""NP-4: spec.disruption.expireAfter moves to spec.template.spec.expireAfter; absent becomes Never (S-1).

Upstream: nodepool_conversion.go:149. The field is a ``NillableDuration``: its raw text is kept (``720h``
stays ``720h``) and an absent value encodes as ``Never``, because ``omitempty`` never omits a struct
(duration.go:28-87). The moved entry carries its comment (spec/clean-mode-example.md).
"""

from __future__ import annotations

from ruamel.yaml.comments import CommentedMap

from karpmigrate.convert import codes
from karpmigrate.convert._base import Context, rule
from karpmigrate.convert.rules._webhook import NEVER, check_duration, no_null_on_the_way, present, put
from karpmigrate.findings import Path
from karpmigrate.io import paths

SOURCE: Path = ("spec", "disruption", "expireAfter")


@rule("NP-4", "expire-after-to-template", kinds={"NodePool"})
def expire_after_to_template(obj: CommentedMap, ctx: Context) -> None:
    """spec.disruption.expireAfter moves to spec.template.spec.expireAfter; absent becomes Never (S-1)."""
    check_duration(ctx, SOURCE)
    target = (*ctx.claim_spec, "expireAfter")
    if present(ctx.before, target):
        # Not a v1beta1 field: Go's decoder ignores it and the conversion writes its own value.
        ctx.note(
            codes.FIELD_DROPPED,
            "spec.template.spec.expireAfter is not a v1beta1 field: the webhook ignores it and stores the "
            "value of spec.disruption.expireAfter (Never when absent)",
            target,
        )
        paths.pop(obj, target)
    if paths.get(ctx.before, SOURCE) is not None:
        no_null_on_the_way(obj, target)
        paths.move(obj, SOURCE, target)
        return
    if present(obj, SOURCE):
        paths.pop(obj, SOURCE)  # a null: the absent value
    put(obj, target, NEVER)


RULE = expire_after_to_template
