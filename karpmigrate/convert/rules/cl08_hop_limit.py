"""CL-8: write httpPutResponseHopLimit 2, the v0.37 default (v1 defaults to 1). Design §3, KM108.

v0.37 defaulted the hop limit to 2 and stored it, so converted classes keep 2 (EC-6); but a class
created or re-created from a v1 manifest without it gets 1, and pods without hostNetwork lose IMDS
(spec/conversion-rules.md EC-6, upgrade guide lines 55-60). Added keys go at the end of their mapping.
"""

from __future__ import annotations

from ruamel.yaml.comments import CommentedMap

from karpmigrate.convert import codes
from karpmigrate.convert._base import Context, rule
from karpmigrate.convert.rules._ami import SPEC, styled
from karpmigrate.findings import Level
from karpmigrate.io import paths

OPTIONS = ("spec", "metadataOptions")
HOP_LIMIT = (*OPTIONS, "httpPutResponseHopLimit")


@rule("CL-8", "explicit-hop-limit", kinds={"EC2NodeClass"})
def explicit_hop_limit(obj: CommentedMap, ctx: Context) -> None:
    """Write httpPutResponseHopLimit 2, the v0.37 default (v1 defaults to 1)."""
    spec = paths.get(obj, SPEC)
    if not isinstance(spec, CommentedMap) or paths.get(obj, HOP_LIMIT) is not None:
        return
    if ctx.options.adopt_v1_defaults:
        ctx.note(
            codes.HOP_LIMIT,
            "no httpPutResponseHopLimit (--adopt-v1-defaults): a class created or re-created from this "
            "manifest gets v1's 1 instead of v0.37's 2, and pods without hostNetwork lose IMDS access",
            HOP_LIMIT,
            Level.WARNING,
        )
        return
    ctx.note(
        codes.HOP_LIMIT,
        "httpPutResponseHopLimit: 2 written out to keep pods' IMDS access as under v0.37 (v1 defaults to 1 "
        "for new or re-created classes); the existing class already stores 2, so no node is replaced",
        HOP_LIMIT,
    )
    if isinstance(paths.get(obj, OPTIONS), CommentedMap):
        paths.set_(obj, HOP_LIMIT, 2)
        return
    options = CommentedMap()
    options[styled(next(iter(spec), ""), HOP_LIMIT[-1])] = 2
    paths.set_(obj, OPTIONS, options)


RULE = explicit_hop_limit
