"""NP-3: spec.limits quantities are canonicalised; an empty map is omitted (S-3).

Upstream: nodepool_conversion.go:147-148. ``Limits`` is a ``v1.ResourceList`` with omitempty: ``1000`` is
stored ``1k``, ``limits: {}`` disappears. ``spec.weight`` is a plain ``*int32`` copy: nothing to do.
"""

from __future__ import annotations

from ruamel.yaml.comments import CommentedMap

from karpmigrate.convert._base import Context, rule
from karpmigrate.convert.rules._webhook import canonical_quantities


@rule("NP-3", "limits-quantities", kinds={"NodePool"})
def limits_quantities(obj: CommentedMap, ctx: Context) -> None:
    """spec.limits quantities are canonicalised; an empty map is omitted (S-3)."""
    canonical_quantities(obj, ("spec", "limits"))


RULE = limits_quantities
