"""Typed models of the Karpenter CRDs, selected by (apiVersion, kind).

The models judge a manifest the way the API server with the CRDs installed would: schema
defaults applied, unknown fields rejected, every pattern, enum, limit, required field and CEL
rule enforced with the upstream message. They are for reading and validating, never for
writing (``model_dump`` would lose comments, order and quoting).
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from typing import Annotated, Any, Union

from pydantic import Discriminator, Tag, TypeAdapter, ValidationError

from karpmigrate.models import aws_v1, aws_v1beta1, core_v1, core_v1beta1
from karpmigrate.models._base import IssueKind, KubeModel, SchemaIssue, issues_from

__all__ = ["MODELS", "IssueKind", "SchemaIssue", "is_supported", "manifest_adapter", "validate_object"]

KARPENTER_GROUPS = ("karpenter.sh", "karpenter.k8s.aws")

MODELS: dict[tuple[str, str], type[KubeModel]] = {
    ("karpenter.sh/v1beta1", "NodePool"): core_v1beta1.NodePool,
    ("karpenter.sh/v1beta1", "NodeClaim"): core_v1beta1.NodeClaim,
    ("karpenter.k8s.aws/v1beta1", "EC2NodeClass"): aws_v1beta1.EC2NodeClass,
    ("karpenter.sh/v1", "NodePool"): core_v1.NodePool,
    ("karpenter.sh/v1", "NodeClaim"): core_v1.NodeClaim,
    ("karpenter.k8s.aws/v1", "EC2NodeClass"): aws_v1.EC2NodeClass,
}


def _tag(api_version: str, kind: str) -> str:
    return f"{api_version}/{kind}"


def _discriminate(value: Any) -> str | None:
    if isinstance(value, Mapping):
        api_version, kind = value.get("apiVersion"), value.get("kind")
    else:
        api_version, kind = getattr(value, "apiVersion", None), getattr(value, "kind", None)
    if is_supported(api_version, kind):
        return _tag(str(api_version), str(kind))
    return None


@cache
def manifest_adapter() -> TypeAdapter[Any]:
    """The discriminated union over every supported (apiVersion, kind)."""
    members = tuple(Annotated[model, Tag(_tag(*key))] for key, model in MODELS.items())
    union = Annotated[Union[members], Discriminator(_discriminate)]  # type: ignore[valid-type]  # noqa: UP007 - built at run time
    return TypeAdapter(union)


def is_supported(api_version: object, kind: object) -> bool:
    # `kind: {}` or `apiVersion: [a]` is unhashable: not a supported kind, never a TypeError.
    return isinstance(api_version, str) and isinstance(kind, str) and (api_version, kind) in MODELS


def validate_object(data: Mapping[str, Any]) -> list[SchemaIssue]:
    """Every reason the API server would reject ``data`` (plain JSON-like data); [] when valid."""
    try:
        manifest_adapter().validate_python(data)
    except ValidationError as exc:
        return issues_from(exc, tags=(_tag(*key) for key in MODELS))
    return []
