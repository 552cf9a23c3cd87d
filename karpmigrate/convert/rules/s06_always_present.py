"""S-6: Go always writes the template metadata and status structs (spec/conversion-rules.md §1).

``encoding/json``'s ``omitempty`` never omits a struct, so the webhook's output always holds every
struct-typed field, empty or not: ``status`` of each kind, the NodePool template's ``metadata``
(CORE pkg/apis/v1/nodepool.go, ``ObjectMeta json:"metadata,omitempty"``) and the NodeClaim's
``spec.resources`` (CORE pkg/apis/v1/nodeclaim.go, ``ResourceRequirements json:"resources,omitempty"``).
The other always-present structs are written by their own rules: ``disruption`` (NP-7),
``nodeClassRef`` (NP-12), ``expireAfter`` (NP-4, NC-6). A null decodes to the zero struct: ``{}``.
Added keys go at the end of their mapping.
"""

from __future__ import annotations

from collections.abc import Mapping

from ruamel.yaml.comments import CommentedMap

from karpmigrate.convert._base import Context, rule
from karpmigrate.findings import Path
from karpmigrate.io import paths

#: Struct-typed fields, besides ``status``, that the v1 Go types of each kind always encode.
STRUCTS: Mapping[str, tuple[Path, ...]] = {
    "NodePool": (("spec", "template", "metadata"),),
    "NodeClaim": (("spec", "resources"),),
}


@rule("S-6", "always-present-structs", kinds={"NodePool", "NodeClaim", "EC2NodeClass"})
def always_present_structs(obj: CommentedMap, ctx: Context) -> None:
    """Go always writes the template metadata and status structs."""
    for path in (*STRUCTS.get(ctx.kind, ()), ("status",)):
        if paths.get(obj, path) is None:
            paths.set_(obj, path, CommentedMap())


RULE = always_present_structs
