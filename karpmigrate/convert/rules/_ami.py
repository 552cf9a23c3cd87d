"""AMI selection shared by EC-2 (webhook) and CL-7 (clean): families, aliases, the Ubuntu root volume.

Upstream: ec2nodeclass_conversion.go:139-193 (spec/conversion-rules.md §4 EC-2). Placement follows
spec/clean-mode-example.md in both modes: the alias takes the place of ``amiFamily`` (a renamed key), or
of an ``amiSelectorTerms: []`` the user wrote; anything added goes at the end of ``spec``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import CommentMark
from ruamel.yaml.scalarstring import DoubleQuotedScalarString, SingleQuotedScalarString
from ruamel.yaml.tokens import CommentToken

from karpmigrate.findings import Path
from karpmigrate.io import paths

#: Written by the v1 -> v1beta1 conversion for a pinned alias (EC-1, RV-8); read back by EC-2a.
ALIAS_VERSION_ANNOTATION = "compatibility.karpenter.k8s.aws/v1-alias-version"
#: EC-2c round-trip marker (AWS pkg/apis/v1/labels.go:129-132).
UBUNTU_ANNOTATION = "compatibility.karpenter.k8s.aws/v1beta1-ubuntu"
#: The v1 CEL: "windows families may only specify version 'latest'" (spec §7.3).
LATEST_ONLY = ("Windows2019", "Windows2022")
UBUNTU = "Ubuntu"
CUSTOM = "Custom"
#: EC-2c: "only so the v1 CRD validation passes" (ec2nodeclass_conversion.go:181-186).
DUMMY_AMI = "ami-placeholder"

_QUOTED = (DoubleQuotedScalarString, SingleQuotedScalarString)

SPEC: Path = ("spec",)
FAMILY: Path = ("spec", "amiFamily")
TERMS: Path = ("spec", "amiSelectorTerms")
BDMS: Path = ("spec", "blockDeviceMappings")
ANNOTATIONS: Path = ("metadata", "annotations")


def _mapping(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def family(before: Mapping[str, Any]) -> Any:
    """The v1beta1 ``amiFamily`` as written (None when absent or null)."""
    return _mapping(before.get("spec")).get("amiFamily")


def has_terms(before: Mapping[str, Any]) -> bool:
    """At least one ``amiSelectorTerms`` entry (Go ``len(terms) != 0``: absent, null and [] are all none)."""
    terms = _mapping(before.get("spec")).get("amiSelectorTerms")
    return isinstance(terms, list) and len(terms) > 0


def annotated_version(before: Mapping[str, Any]) -> str | None:
    """The alias version the v1-alias-version annotation records (``lo.ValueOr``: present wins, even empty)."""
    annotations = _mapping(_mapping(before.get("metadata")).get("annotations"))
    if ALIAS_VERSION_ANNOTATION not in annotations:
        return None
    value = annotations[ALIAS_VERSION_ANNOTATION]
    return "" if value is None else str(value)


def alias(family_name: str, version: str) -> str:
    # ec2nodeclass_conversion.go:145-149: strings.ToLower(family) + "@" + version
    return f"{family_name.lower()}@{version}"


def styled(sample: Any, text: str) -> str:
    """``text`` quoted like ``sample``: a document that quotes every string gets a quoted value."""
    for quoted in _QUOTED:
        if isinstance(sample, quoted):
            same: str = quoted(text)
            return same
    return text


def _spec_key(obj: CommentedMap, name: str) -> Any:
    spec = paths.get(obj, SPEC)
    return next((k for k in spec if k == name), name) if isinstance(spec, Mapping) else name


def one_term(obj: CommentedMap, key: str, value: str) -> CommentedSeq:
    """``[{key: value}]`` quoted like the ``amiFamily`` entry it comes from."""
    term = CommentedMap()
    term[styled(_spec_key(obj, "amiFamily"), key)] = styled(paths.get(obj, FAMILY), value)
    return CommentedSeq([term])


def replace_family(obj: CommentedMap, terms: CommentedSeq) -> None:
    """EC-2a / CL-7: ``amiFamily`` gives way to ``terms``, in its place (or in the place of ``[]``/null terms)."""
    spec = paths.get(obj, SPEC)
    existing = "amiSelectorTerms" in spec
    key = _spec_key(obj, "amiSelectorTerms" if existing else "amiFamily")
    column = _comment_column(spec, key, "amiSelectorTerms")
    if existing:
        paths.pop(obj, FAMILY)
    else:
        paths.rename_key(spec, key, "amiSelectorTerms")
    paths.set_(obj, TERMS, terms)
    if column is not None:
        token = spec.ca.items["amiSelectorTerms"][2]
        spec.ca.items["amiSelectorTerms"][2] = CommentToken(token.value, CommentMark(column), None)


def _comment_column(spec: CommentedMap, key: Any, new: str) -> int | None:
    """Where the end-of-line comment of ``key: value`` goes once the line is ``new:`` alone (same gap)."""
    entry = spec.ca.items.get(key)
    token = entry[2] if entry else None
    where = spec.lc.data.get(key)
    if token is None or where is None or not token.value.lstrip(" ").startswith("#"):
        return None
    value = spec[key]
    width = len(str(value)) + (2 if isinstance(value, _QUOTED) else 0)
    gap = max(int(token.start_mark.column) - int(where[3]) - width, 1)
    quotes = 2 if isinstance(key, _QUOTED) else 0
    return int(where[1]) + len(new) + quotes + 1 + gap


def _root_volume(obj: CommentedMap) -> CommentedSeq:
    # ec2nodeclass_conversion.go:166-175; written in the upgrade guide's key order (v1-migration.md:62-101).
    key, value = _spec_key(obj, "amiFamily"), paths.get(obj, FAMILY)
    ebs = CommentedMap()
    ebs[styled(key, "encrypted")] = True
    ebs[styled(key, "volumeType")] = styled(value, "gp3")
    ebs[styled(key, "volumeSize")] = styled(value, "20Gi")
    mapping = CommentedMap()
    mapping[styled(key, "deviceName")] = styled(value, "/dev/sda1")
    mapping[styled(key, "rootVolume")] = True
    mapping[styled(key, "ebs")] = ebs
    return CommentedSeq([mapping])


def set_annotation(obj: CommentedMap, key: str, value: str) -> None:
    """Add or replace one annotation (``lo.Assign``); a null annotations map becomes a mapping."""
    metadata = paths.get(obj, ANNOTATIONS[:-1])
    if (
        isinstance(metadata, CommentedMap)
        and ANNOTATIONS[-1] in metadata
        and metadata[ANNOTATIONS[-1]] is None
    ):
        paths.set_(obj, ANNOTATIONS, CommentedMap())
    paths.set_(obj, (*ANNOTATIONS, key), value)


def injects_root_volume(before: Mapping[str, Any]) -> bool:
    # Go checks `BlockDeviceMappings == nil`: absent and null inject, an explicit [] does not.
    return _mapping(before.get("spec")).get("blockDeviceMappings") is None


def ubuntu_to_al2(obj: CommentedMap, before: Mapping[str, Any]) -> list[str]:
    """EC-2c / CL-7: Ubuntu becomes AL2 (same userData format) with Ubuntu's root volume unless BDMs given.

    Returns the compatibility specifiers the webhook records (``amiFamily[,blockDeviceMappings]``).
    """
    specifiers = ["amiFamily"]
    if injects_root_volume(before):
        specifiers.append("blockDeviceMappings")
        paths.set_(obj, BDMS, _root_volume(obj))
    paths.set_(obj, FAMILY, styled(paths.get(obj, FAMILY), "AL2"))
    return specifiers
