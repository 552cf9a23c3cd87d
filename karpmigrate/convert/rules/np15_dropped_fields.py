"""NP-15: spec.template.spec.resources does not exist in v1 (spec/conversion-rules.md §2 NP-15).

The v1 ``NodeClaimTemplateSpec`` has no ``resources`` (v1beta1's schema allowed no properties in it,
``maxProperties: 0``), so the conversion never copies it. Runs in both modes. Only a non-empty block,
which v1beta1 already rejected, loses anything worth a note.
"""

from __future__ import annotations

from ruamel.yaml.comments import CommentedMap

from karpmigrate.convert import codes
from karpmigrate.convert._base import Context, rule
from karpmigrate.convert.rules._webhook import present
from karpmigrate.io import paths


@rule("NP-15", "template-resources-dropped", kinds={"NodePool"})
def template_resources_dropped(obj: CommentedMap, ctx: Context) -> None:
    """spec.template.spec.resources does not exist in v1."""
    path = (*ctx.claim_spec, "resources")
    if not present(obj, path):
        return
    if paths.get(ctx.before, path):
        ctx.note(
            codes.FIELD_DROPPED,
            "spec.template.spec.resources removed: v1 NodePools have no such field (v1beta1 only accepted "
            "it empty), so nothing in it ever reached a node",
            path,
        )
    paths.pop(obj, path)


RULE = template_resources_dropped
