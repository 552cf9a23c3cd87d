"""``metadata`` as the API server checks it for a cluster-scoped custom resource."""

from __future__ import annotations

import re
from typing import Any

from pydantic import field_validator, model_validator
from pydantic_core import PydanticCustomError

from karpmigrate.models._base import KubeModel

# k8s.io/apimachinery/pkg/util/validation: IsDNS1123Subdomain, IsQualifiedName, IsValidLabelValue.
DNS1123_SUBDOMAIN = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")
QUALIFIED_NAME = re.compile(r"^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$")
LABEL_VALUE = re.compile(r"^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$")
TOTAL_ANNOTATION_SIZE = 256 * 1024


def _format_error(message: str) -> PydanticCustomError:
    return PydanticCustomError("k8s_format_error", "{error}", {"error": message})


def qualified_name_errors(key: str) -> list[str]:
    """IsQualifiedName: ``[prefix/]name``, prefix a DNS subdomain, name ≤ 63 characters."""
    prefix, slash, name = key.rpartition("/")
    errors = []
    if slash and not prefix:
        errors.append("prefix part must be non-empty")
    elif slash and (len(prefix) > 253 or not DNS1123_SUBDOMAIN.match(prefix)):
        errors.append(
            "prefix part a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, "
            "'-' or '.', and must start and end with an alphanumeric character"
        )
    if not name:
        errors.append("name part must be non-empty")
    elif len(name) > 63:
        errors.append("name part must be no more than 63 characters")
    elif not QUALIFIED_NAME.match(name):
        errors.append(
            "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end "
            "with an alphanumeric character"
        )
    return errors


class ObjectMeta(KubeModel):
    name: str | None = None
    generateName: str | None = None
    namespace: str | None = None
    labels: dict[str, str] | None = None
    annotations: dict[str, str] | None = None
    finalizers: list[str] | None = None
    # Server-managed fields: present in exported objects, typed loosely (never the reason to reject).
    uid: Any = None
    resourceVersion: Any = None
    generation: Any = None
    creationTimestamp: Any = None
    deletionTimestamp: Any = None
    deletionGracePeriodSeconds: Any = None
    ownerReferences: list[Any] | None = None
    managedFields: list[Any] | None = None
    selfLink: Any = None

    @field_validator("name")
    @classmethod
    def _name_is_subdomain(cls, name: str) -> str:
        if len(name) > 253 or not DNS1123_SUBDOMAIN.match(name):
            raise _format_error(
                f'Invalid value: "{name}": a lowercase RFC 1123 subdomain must consist of lower case '
                "alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character"
            )
        return name

    @field_validator("labels")
    @classmethod
    def _labels_are_valid(cls, labels: dict[str, str]) -> dict[str, str]:
        for key, value in labels.items():
            errors = qualified_name_errors(key)
            if len(value) > 63 or not LABEL_VALUE.match(value):
                errors.append(
                    f'Invalid value: "{value}": a valid label must be an empty string or consist of '
                    "alphanumeric characters, '-', '_' or '.', and must start and end with an "
                    "alphanumeric character (63 characters at most)"
                )
            if errors:
                raise _format_error(f'Invalid value: "{key}": ' + "; ".join(errors))
        return labels

    @field_validator("annotations")
    @classmethod
    def _annotations_are_valid(cls, annotations: dict[str, str]) -> dict[str, str]:
        for key in annotations:
            errors = qualified_name_errors(key.lower())
            if errors:
                raise _format_error(f'Invalid value: "{key}": ' + "; ".join(errors))
        if sum(len(k) + len(v) for k, v in annotations.items()) > TOTAL_ANNOTATION_SIZE:
            raise _format_error(f"Too long: must have at most {TOTAL_ANNOTATION_SIZE} bytes")
        return annotations

    @model_validator(mode="after")
    def _has_a_name(self) -> ObjectMeta:
        if not self.name and not self.generateName:
            raise PydanticCustomError("missing", "name or generateName is required")
        return self
