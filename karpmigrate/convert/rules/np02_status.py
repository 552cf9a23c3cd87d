"""NP-2: status.resources quantities are re-rendered (S-3). Upstream: nodepool_conversion.go:122-124.

``status.resources`` is a ``v1.ResourceList`` (omitempty) and ``status.conditions`` is copied as is;
the status struct itself is always written (S-6).
"""

from __future__ import annotations

from ruamel.yaml.comments import CommentedMap

from karpmigrate.convert._base import Context, rule
from karpmigrate.convert.rules._webhook import canonical_quantities


@rule("NP-2", "status-quantities", kinds={"NodePool"})
def status_quantities(obj: CommentedMap, ctx: Context) -> None:
    """status.resources quantities are re-rendered (S-3)."""
    canonical_quantities(obj, ("status", "resources"))


RULE = status_quantities
