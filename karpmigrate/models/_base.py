"""Shared pieces of the CRD models: strict base class, CEL helper, API-server style issues.

Field names are the CRD's own (camelCase), so the models can be compared with the upstream
CRDs field by field (tests/models/test_crd_parity.py).
"""

from __future__ import annotations

import copy
import enum
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

from pydantic import (
    BaseModel,
    ConfigDict,
    GetCoreSchemaHandler,
    GetJsonSchemaHandler,
    ValidationError,
    model_validator,
)
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import CoreSchema, ErrorDetails, PydanticCustomError, core_schema

from karpmigrate.findings import Path, dotted

CEL_ERROR = "cel"


class KubeModel(BaseModel):
    """Strict like the API server with field validation "Strict": no coercion, no unknown fields.

    Before validation, as the API server's structural defaulting does
    (apiextensions ``PruneNonNullableNullsWithoutDefaults`` then ``Default``): nulls count as
    absent, and each absent property listed in ``crd_defaults`` gets a copy of the CRD ``default``.
    Nested defaults follow because the inserted value is validated by its own model, so CEL rules
    and ``required`` see the defaulted object, as upstream.
    """

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True, validate_default=False)

    crd_defaults: ClassVar[Mapping[str, Any]] = {}

    @model_validator(mode="before")
    @classmethod
    def _structural_defaulting(cls, data: Any) -> Any:
        if not isinstance(data, Mapping):
            return data
        out = {key: value for key, value in data.items() if value is not None}
        for key, default in cls.crd_defaults.items():
            out.setdefault(key, copy.deepcopy(default))
        return out

    @classmethod
    def __get_pydantic_json_schema__(
        cls, schema: CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        # A defaulted property is optional to the user, as in the CRD: exported schemas (kubeconform)
        # must not demand what the API server fills in.
        json_schema = handler.resolve_ref_schema(handler(schema))
        required = json_schema.get("required", [])
        for key, default in cls.crd_defaults.items():
            if key in required:
                required.remove(key)
            json_schema.setdefault("properties", {}).get(key, {})["default"] = copy.deepcopy(default)
        if "required" in json_schema and not required:
            del json_schema["required"]
        return json_schema


@dataclass(frozen=True, slots=True)
class MaxProperties:
    """OpenAPI ``maxProperties`` for a map or object field, in validation and in the JSON Schema."""

    limit: int

    def _check(self, value: Any) -> Any:
        size = len(value.model_fields_set) if isinstance(value, BaseModel) else len(value)
        if size > self.limit:
            raise PydanticCustomError(
                "too_long",
                "should have at most {max_length} properties",
                {"max_length": self.limit, "actual_length": size},
            )
        return value

    def __get_pydantic_core_schema__(self, source: Any, handler: GetCoreSchemaHandler) -> CoreSchema:
        return core_schema.no_info_after_validator_function(self._check, handler(source))

    def __get_pydantic_json_schema__(
        self, schema: CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        json_schema = handler(schema)
        json_schema["maxProperties"] = self.limit
        return json_schema


class LenientModel(BaseModel):
    """For ``status``: kept, typed loosely, never the reason a manifest is rejected."""

    model_config = ConfigDict(extra="allow", strict=False, frozen=True)


def cel(*rules: tuple[bool, str]) -> None:
    """Raise one error listing every failed ``x-kubernetes-validations`` rule (message verbatim).

    Each rule is ``(rule holds, upstream message)``. Called from validators, so the error is
    located at the object or field that carries the rule in the CRD.
    """
    failed = [message for holds, message in rules if not holds]
    if failed:
        raise PydanticCustomError(CEL_ERROR, "{messages}", {"messages": json.dumps(failed)})


class IssueKind(str, enum.Enum):
    REQUIRED = "required"
    UNKNOWN_FIELD = "unknown-field"
    TYPE = "type"
    PATTERN = "pattern"
    ENUM = "enum"
    LIMIT = "limit"
    CEL = "cel"
    FORMAT = "format"


@dataclass(frozen=True, slots=True)
class SchemaIssue:
    """One reason the API server would reject an object; message in the API server's words."""

    path: Path
    kind: IssueKind
    message: str


_TYPE_NAMES = {
    "string_type": "string",
    "int_type": "integer",
    "int_from_float": "integer",
    "float_type": "number",
    "bool_type": "boolean",
    "dict_type": "object",
    "model_type": "object",
    "model_attributes_type": "object",
    "list_type": "array",
}

_LIMITS = {
    "greater_than_equal": "should be greater than or equal to {ge}",
    "greater_than": "should be greater than {gt}",
    "less_than_equal": "should be less than or equal to {le}",
    "less_than": "should be less than {lt}",
    "string_too_long": "may not be longer than {max_length}",
    "string_too_short": "should be at least {min_length} chars long",
}


def json_type(value: object) -> str:
    """The JSON type name the API server uses in "must be of type" messages."""
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, (list, tuple)):
        return "array"
    if isinstance(value, dict):
        return "object"
    return "null"


def _show(value: object) -> str:
    return json.dumps(value) if isinstance(value, (str, int, float, bool)) or value is None else repr(value)


def _clean_loc(loc: Sequence[str | int], tags: frozenset[str]) -> Path:
    """Drop pydantic's union-member and validator names from an error location."""
    out: list[str | int] = []
    for part in loc:
        if isinstance(part, str) and (
            part in tags
            or part in ("int", "str", "bool", "float")
            or "[" in part
            or part.startswith("function-")
        ):
            continue
        out.append(part)
    return tuple(out)


def _issues_from_error(error: ErrorDetails, tags: frozenset[str]) -> Iterable[SchemaIssue]:
    kind = error["type"]
    path = _clean_loc(error["loc"], tags)
    value = error.get("input")
    ctx = error.get("ctx") or {}
    if kind == CEL_ERROR:
        for message in json.loads(ctx["messages"]):
            yield SchemaIssue(path, IssueKind.CEL, message)
    elif kind == "missing":
        message = error["msg"]
        yield SchemaIssue(
            path, IssueKind.REQUIRED, "Required value" if message == "Field required" else message
        )
    elif kind == "extra_forbidden":
        yield SchemaIssue(path, IssueKind.UNKNOWN_FIELD, f'unknown field "{dotted(path)}"')
    elif kind in _TYPE_NAMES:
        yield SchemaIssue(
            path,
            IssueKind.TYPE,
            f'Invalid value: "{json_type(value)}": must be of type {_TYPE_NAMES[kind]}',
        )
    elif kind == "string_pattern_mismatch":
        yield SchemaIssue(
            path, IssueKind.PATTERN, f"Invalid value: {_show(value)}: should match '{ctx['pattern']}'"
        )
    elif kind in ("literal_error", "enum"):
        expected = ctx.get("expected", "")
        yield SchemaIssue(
            path, IssueKind.ENUM, f"Unsupported value: {_show(value)}: supported values: {expected}"
        )
    elif kind == "too_long":
        yield SchemaIssue(
            path,
            IssueKind.LIMIT,
            f"Too many: {ctx.get('actual_length')}: must have at most {ctx.get('max_length')} items",
        )
    elif kind == "too_short":
        yield SchemaIssue(
            path, IssueKind.LIMIT, f"Required value: should have at least {ctx.get('min_length')} items"
        )
    elif kind in _LIMITS:
        yield SchemaIssue(
            path, IssueKind.LIMIT, f"Invalid value: {_show(value)}: " + _LIMITS[kind].format(**ctx)
        )
    elif kind == "value_error" or kind.endswith("_error"):
        yield SchemaIssue(path, IssueKind.FORMAT, str(ctx.get("error", error["msg"])))
    else:
        yield SchemaIssue(path, IssueKind.FORMAT, error["msg"])


def issues_from(exc: ValidationError, tags: Iterable[str] = ()) -> list[SchemaIssue]:
    """Translate a pydantic error into API-server style issues, de-duplicating union noise."""
    tagset = frozenset(tags)
    seen: set[tuple[Path, IssueKind]] = set()
    out: list[SchemaIssue] = []
    for error in exc.errors(include_url=False):
        for issue in _issues_from_error(error, tagset):
            key = (issue.path, issue.kind)
            if issue.kind is IssueKind.TYPE and key in seen:
                continue  # an int-or-string field fails both members: say it once
            seen.add(key)
            out.append(issue)
    return out
