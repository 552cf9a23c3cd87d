"""NC-3: spec.resources.requests quantities are re-rendered (S-3). Upstream: nodeclaim_conversion.go:144-157.

``requests`` is a ``v1.ResourceList`` with omitempty; the ``resources`` struct around it is always
written, so ``requests: {}`` leaves ``resources: {}`` (S-6 adds it when absent). Taints and
requirements are NP-10 and NP-11, shared with the NodePool template.
"""

from __future__ import annotations

from ruamel.yaml.comments import CommentedMap

from karpmigrate.convert._base import Context, rule
from karpmigrate.convert.rules._webhook import canonical_quantities


@rule("NC-3", "resource-requests", kinds={"NodeClaim"})
def resource_requests(obj: CommentedMap, ctx: Context) -> None:
    """spec.resources.requests quantities are re-rendered (S-3)."""
    canonical_quantities(obj, ("spec", "resources", "requests"))


RULE = resource_requests
