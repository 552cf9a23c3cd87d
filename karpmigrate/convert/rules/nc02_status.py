"""NC-2: status.capacity/allocatable quantities are re-rendered (S-3).

Upstream: nodeclaim_conversion.go:179-186. nodeName, providerID, imageID and conditions are copied as
they are; v1-only ``lastPodEventTime`` is not set.
"""

from __future__ import annotations

from ruamel.yaml.comments import CommentedMap

from karpmigrate.convert._base import Context, rule
from karpmigrate.convert.rules._webhook import canonical_quantities


@rule("NC-2", "status-quantities", kinds={"NodeClaim"})
def status_quantities(obj: CommentedMap, ctx: Context) -> None:
    """status.capacity/allocatable quantities are re-rendered (S-3)."""
    for field in ("capacity", "allocatable"):
        canonical_quantities(obj, ("status", field))


RULE = status_quantities
