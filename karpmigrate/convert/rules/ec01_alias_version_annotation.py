"""EC-1: the v1-alias-version annotation is removed. Upstream: ec2nodeclass_conversion.go:136-137.

Its value is the alias version EC-2a writes; EC-2 reads it from ``ctx.before``. ``lo.OmitByKeys`` returns
a new map, and Go's ``omitempty`` drops it when it is empty, so an annotations map left empty goes too.
"""

from __future__ import annotations

from ruamel.yaml.comments import CommentedMap

from karpmigrate.convert._base import Context, rule
from karpmigrate.convert.rules._ami import ALIAS_VERSION_ANNOTATION, ANNOTATIONS
from karpmigrate.io import paths


@rule("EC-1", "alias-version-annotation", kinds={"EC2NodeClass"})
def alias_version_annotation(obj: CommentedMap, ctx: Context) -> None:
    """The v1-alias-version annotation is consumed and removed."""
    annotations = paths.get(obj, ANNOTATIONS)
    if not isinstance(annotations, CommentedMap) or ALIAS_VERSION_ANNOTATION not in annotations:
        return
    paths.pop(obj, (*ANNOTATIONS, ALIAS_VERSION_ANNOTATION))
    if not annotations:
        paths.pop(obj, ANNOTATIONS)


RULE = alias_version_annotation
