"""EC-2: amiFamily becomes an alias, Ubuntu becomes AL2, anything else Custom (EC-2a..d).

Upstream: ec2nodeclass_conversion.go:139-193 (spec/conversion-rules.md §4). Decided by the v1beta1
``amiFamily`` as written; the alias version is the v1-alias-version annotation's (EC-1 removes it from
the tree, so it is read from ``ctx.before``), else ``latest``. Terms not set here are copied by EC-3.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from ruamel.yaml.comments import CommentedMap

from karpmigrate.convert._base import ALIAS_FAMILIES, Context, rule
from karpmigrate.convert.rules import _ami
from karpmigrate.io import paths


def _alias(obj: CommentedMap, before: Mapping[str, Any]) -> None:
    # EC-2a (:140-151) with no terms; EC-2b (:152-154) with terms: amiFamily and terms both kept.
    if _ami.has_terms(before):
        return
    version = _ami.annotated_version(before)
    text = _ami.alias(str(_ami.family(before)), "latest" if version is None else version)
    _ami.replace_family(obj, _ami.one_term(obj, "alias", text))


def _ubuntu(obj: CommentedMap, before: Mapping[str, Any]) -> None:
    # EC-2c (:155-188): without terms the class is marked incompatible and gets a placeholder term.
    specifiers = _ami.ubuntu_to_al2(obj, before)
    if not _ami.has_terms(before):
        specifiers.append("incompatible")
        paths.set_(obj, _ami.TERMS, _ami.one_term(obj, "id", _ami.DUMMY_AMI))
    _ami.set_annotation(obj, _ami.UBUNTU_ANNOTATION, ",".join(specifiers))


def _custom(obj: CommentedMap, before: Mapping[str, Any]) -> None:
    # EC-2d (:189-193): Custom, absent, null or unknown all become Custom.
    if _ami.family(before) != _ami.CUSTOM:
        paths.set_(obj, _ami.FAMILY, _ami.CUSTOM)


_BY_FAMILY: dict[Any, Callable[[CommentedMap, Mapping[str, Any]], None]] = {
    **dict.fromkeys(ALIAS_FAMILIES, _alias),
    _ami.UBUNTU: _ubuntu,
}


@rule("EC-2", "ami-family", kinds={"EC2NodeClass"})
def ami_family(obj: CommentedMap, ctx: Context) -> None:
    """amiFamily becomes an alias, Ubuntu becomes AL2, anything else Custom (EC-2a..d)."""
    if not isinstance(paths.get(obj, _ami.SPEC), CommentedMap):
        return
    family = _ami.family(ctx.before)
    convert = _BY_FAMILY.get(family, _custom) if isinstance(family, str) else _custom
    convert(obj, ctx.before)


RULE = ami_family
