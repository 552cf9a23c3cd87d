"""Pieces of the karpenter.k8s.aws EC2NodeClass schema that v1beta1 (v0.37.0) and v1 (v1.0) share.

Each constraint mirrors the CRD node it comes from; CEL messages are the upstream text verbatim.
Rules that differ between the versions (AMI selector terms, tag restrictions, metadata defaults)
live in the version modules; what is here is identical in
crds/v0.37/v0.37.0-v1beta1-only/karpenter.k8s.aws_ec2nodeclasses.yaml and
crds/v1.0/karpenter.k8s.aws_ec2nodeclasses.yaml.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import cache
from typing import Annotated, Literal

from pydantic import AfterValidator, Field, model_validator
from pydantic_core import PydanticCustomError

from karpmigrate.models._base import KubeModel, MaxProperties, cel

MAX_SELECTOR_TERMS = 30
MAX_SELECTOR_TAGS = 20
MAX_BLOCK_DEVICE_MAPPINGS = 50


# --- regular expressions with Go RE2 semantics -------------------------------------------------


@cache
def _go_regex(pattern: str) -> re.Pattern[str]:
    # RE2's `$` (no multi-line flag) matches only at the end of the text, Python's also before a
    # final newline; RE2's \d is ASCII only. Every `$` in these CRD patterns is a plain anchor.
    return re.compile(re.sub(r"(?<!\\)\$", r"\\Z", pattern), re.ASCII)


def go_search(pattern: str, text: str) -> re.Match[str] | None:
    """First match of ``pattern`` in ``text``, as Go's regexp (OpenAPI pattern, CEL matches/find)."""
    return _go_regex(pattern).search(text)


def cel_find(text: str, pattern: str) -> str:
    """k8s CEL regex library ``find``: the first match, "" when none."""
    match = go_search(pattern, text)
    return match.group(0) if match else ""


def ascii_pattern(pattern: str) -> AfterValidator:
    """Re-check a pattern already enforced by ``Field(pattern=...)`` with RE2 semantics.

    pydantic's Rust engine agrees with RE2 except that its \\d also matches non-ASCII digits:
    patterns using \\d get this second, ASCII-only check (same error, pattern verbatim).
    """

    def check(value: str) -> str:
        if go_search(pattern, value) is None:
            raise PydanticCustomError(
                "string_pattern_mismatch", "String should match pattern '{pattern}'", {"pattern": pattern}
            )
        return value

    return AfterValidator(check)


# --- selector terms -------------------------------------------------------------------------------


def _selector_tags_rules(tags: dict[str, str]) -> dict[str, str]:
    cel((all(k != "" and tags[k] != "" for k in tags), "empty tag keys or values aren't supported"))
    return tags


# `.spec.*SelectorTerms[].tags`: maxProperties 20 and its CEL rule, identical for every term kind.
SelectorTags = Annotated[
    dict[str, str], MaxProperties(MAX_SELECTOR_TAGS), AfterValidator(_selector_tags_rules)
]


class SubnetSelectorTerm(KubeModel):
    id: Annotated[str, Field(pattern=r"subnet-[0-9a-z]+")] | None = None
    tags: SelectorTags | None = None


class SecurityGroupSelectorTerm(KubeModel):
    id: Annotated[str, Field(pattern=r"sg-[0-9a-z]+")] | None = None
    name: str | None = None
    tags: SelectorTags | None = None


def _subnet_terms_rules(terms: list[SubnetSelectorTerm]) -> list[SubnetSelectorTerm]:
    # `!self.all(...)`, not `!self.exists(...)`: upstream rejects only when EVERY term mixes id
    # and tags (so `[]` fails too); both CRD versions carry these rules unchanged.
    cel(
        (len(terms) != 0, "subnetSelectorTerms cannot be empty"),
        (
            all(x.tags is not None or x.id is not None for x in terms),
            "expected at least one, got none, ['tags', 'id']",
        ),
        (
            not all(x.id is not None and x.tags is not None for x in terms),
            "'id' is mutually exclusive, cannot be set with a combination of other fields in "
            "subnetSelectorTerms",
        ),
    )
    return terms


def _security_group_terms_rules(terms: list[SecurityGroupSelectorTerm]) -> list[SecurityGroupSelectorTerm]:
    cel(
        (len(terms) != 0, "securityGroupSelectorTerms cannot be empty"),
        (
            all(x.tags is not None or x.id is not None or x.name is not None for x in terms),
            "expected at least one, got none, ['tags', 'id', 'name']",
        ),
        (
            not all(x.id is not None and (x.tags is not None or x.name is not None) for x in terms),
            "'id' is mutually exclusive, cannot be set with a combination of other fields in "
            "securityGroupSelectorTerms",
        ),
        (
            not all(x.name is not None and (x.tags is not None or x.id is not None) for x in terms),
            "'name' is mutually exclusive, cannot be set with a combination of other fields in "
            "securityGroupSelectorTerms",
        ),
    )
    return terms


SubnetSelectorTerms = Annotated[
    list[SubnetSelectorTerm], Field(max_length=MAX_SELECTOR_TERMS), AfterValidator(_subnet_terms_rules)
]
SecurityGroupSelectorTerms = Annotated[
    list[SecurityGroupSelectorTerm],
    Field(max_length=MAX_SELECTOR_TERMS),
    AfterValidator(_security_group_terms_rules),
]


# --- block device mappings ------------------------------------------------------------------------

VOLUME_SIZE_PATTERN = (
    r"^((?:[1-9][0-9]{0,3}|[1-4][0-9]{4}|[5][0-8][0-9]{3}|59000)Gi"
    r"|(?:[1-9][0-9]{0,3}|[1-5][0-9]{4}|[6][0-3][0-9]{3}|64000)G"
    r"|([1-9]||[1-5][0-7]|58)Ti|([1-9]||[1-5][0-9]|6[0-3]|64)T)$"
)


class BlockDevice(KubeModel):
    """`.spec.blockDeviceMappings[].ebs`."""

    deleteOnTermination: bool | None = None
    encrypted: bool | None = None
    iops: int | None = None
    kmsKeyID: str | None = None
    snapshotID: str | None = None
    throughput: int | None = None
    volumeSize: Annotated[str, Field(pattern=VOLUME_SIZE_PATTERN)] | None = None
    volumeType: Literal["standard", "io1", "io2", "gp2", "sc1", "st1", "gp3"] | None = None

    @model_validator(mode="after")
    def _snapshot_or_size(self) -> BlockDevice:
        has_source = self.snapshotID is not None or self.volumeSize is not None
        cel((has_source, "snapshotID or volumeSize must be defined"))
        return self


class BlockDeviceMapping(KubeModel):
    deviceName: str | None = None
    ebs: BlockDevice | None = None
    rootVolume: bool | None = None


def _block_device_mappings_rules(mappings: list[BlockDeviceMapping]) -> list[BlockDeviceMapping]:
    cel(
        (
            sum(1 for x in mappings if x.rootVolume is True) <= 1,
            "must have only one blockDeviceMappings with rootVolume",
        )
    )
    return mappings


BlockDeviceMappings = Annotated[
    list[BlockDeviceMapping],
    Field(max_length=MAX_BLOCK_DEVICE_MAPPINGS),
    AfterValidator(_block_device_mappings_rules),
]


# --- spec.tags, role, instanceProfile ------------------------------------------------------------


def restricted_tags(*restricted: str) -> AfterValidator:
    """`.spec.tags` rules: no empty key, then one rule per restricted key, in the CRD's order.

    ``kubernetes.io/cluster`` is a prefix rule (``startsWith``), the others exact keys.
    """

    def rule(key: str) -> tuple[Callable[[str], bool], str]:
        message = f"tag contains a restricted tag matching {key}"
        if key == "kubernetes.io/cluster/":
            return (lambda k: not k.startswith("kubernetes.io/cluster")), message
        return (lambda k: k != key), message

    def not_empty(key: str) -> bool:
        return key != ""

    rules = [(not_empty, "empty tag keys aren't supported"), *(rule(key) for key in restricted)]

    def check(tags: dict[str, str]) -> dict[str, str]:
        cel(*((all(holds(k) for k in tags), message) for holds, message in rules))
        return tags

    return AfterValidator(check)


def _not_empty(message: str) -> AfterValidator:
    def check(value: str) -> str:
        cel((value != "", message))
        return value

    return AfterValidator(check)


# The `self == oldSelf` immutability rule on role is a transition rule: it needs the stored
# object and cannot be judged on one manifest.
Role = Annotated[str, _not_empty("role cannot be empty")]
InstanceProfile = Annotated[str, _not_empty("instanceProfile cannot be empty")]


def exactly_one_role_or_profile(role: object, instance_profile: object) -> tuple[bool, str]:
    """`.spec` rule shared by both versions (the oldSelf one next to it is skipped)."""
    return (
        (role is not None) != (instance_profile is not None),
        "must specify exactly one of ['role', 'instanceProfile']",
    )


class MetadataOptionsBase(KubeModel):
    """`.spec.metadataOptions` minus the hop limit, whose default differs (v0.37.0: 2, v1.0: 1)."""

    httpEndpoint: Literal["enabled", "disabled"] = "enabled"
    httpProtocolIPv6: Literal["enabled", "disabled"] = "disabled"
    httpTokens: Literal["required", "optional"] = "required"
