"""Validate an object against a CustomResourceDefinition's own schema (``validate --crd``).

This is an independent judge: it knows nothing of the typed models. It follows the API server's
order for a create (k8s.io/apiextensions-apiserver): nulls pruned and ``default``s applied
(pkg/apiserver/schema/defaulting), unknown fields reported as with field validation "Strict",
the OpenAPI schema checked (here with jsonschema), then the ``x-kubernetes-validations`` CEL rules.
``metadata`` (validated separately as ObjectMeta) and ``status`` (a subresource) are not checked.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path as FsPath
from typing import Any

import jsonschema
from jsonschema.exceptions import ValidationError
from ruamel.yaml import YAML
from ruamel.yaml.error import YAMLError

from karpmigrate.errors import UsageError
from karpmigrate.findings import Path, dotted
from karpmigrate.models import IssueKind, SchemaIssue
from karpmigrate.models._base import json_type
from karpmigrate.validate import cel

__all__ = ["CrdVersion", "cel_available", "load_crds", "validate_with_crd"]

cel_available = cel.cel_available

_CRD_SUFFIXES = (".yaml", ".yml", ".json")
# OpenAPI v3 keywords with the same meaning in JSON Schema Draft 4; everything else
# (format, default, description, x-kubernetes-*) carries no structural constraint here.
_KEPT = (
    "enum", "pattern", "maxItems", "minItems", "maxLength", "minLength", "maximum", "minimum",
    "exclusiveMaximum", "exclusiveMinimum", "maxProperties", "minProperties", "multipleOf",
    "uniqueItems", "required",
)  # fmt: skip
_LIMIT_KEYWORDS = frozenset(_KEPT) - {"enum", "pattern", "required"}
# The one format the Karpenter CRDs use that the API server checks (kube-openapi strfmt
# DateTime, RFC 3339); int32/int64 only size Go fields.
_DATE_TIME = re.compile(r"\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:?\d{2})")
_FORMATS = jsonschema.FormatChecker(formats=())


@_FORMATS.checks("date-time")
def _is_date_time(value: object) -> bool:
    return not isinstance(value, str) or _DATE_TIME.fullmatch(value) is not None


@dataclass(frozen=True)
class CrdVersion:
    """One served version of one CRD: its structural schema and the JSON Schema derived from it."""

    group: str
    version: str
    kind: str
    schema: Mapping[str, Any] = field(repr=False)
    source: str = ""
    json_schema: Mapping[str, Any] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "json_schema", _top_level(self.schema))

    @property
    def api_version(self) -> str:
        return f"{self.group}/{self.version}"


# ---------------------------------------------------------------- loading


def _crd_files(path: FsPath) -> list[FsPath]:
    if path.is_dir():
        return sorted(p for p in path.rglob("*") if p.is_file() and p.suffix in _CRD_SUFFIXES)
    if path.is_file():
        return [path]
    raise UsageError(f"--crd {path}: no such file or directory")


def _documents(file: FsPath) -> list[Any]:
    try:
        docs = list(YAML(typ="safe", pure=True).load_all(file.read_text(encoding="utf-8")))
    except (OSError, UnicodeDecodeError, YAMLError) as exc:
        reason = " ".join(str(exc).split())
        raise UsageError(f"--crd {file}: cannot read CRD file: {reason}") from exc
    out: list[Any] = []
    for doc in docs:
        if isinstance(doc, dict) and doc.get("kind") == "List" and isinstance(doc.get("items"), list):
            out.extend(doc["items"])
        elif doc is not None:
            out.append(doc)
    return out


def _crd_versions(crd: Mapping[str, Any], file: FsPath) -> Iterator[CrdVersion]:
    spec = crd.get("spec")
    names = spec.get("names") if isinstance(spec, dict) else None
    versions = spec.get("versions") if isinstance(spec, dict) else None
    if not (isinstance(spec, dict) and isinstance(names, dict) and isinstance(versions, list)):
        raise UsageError(
            f"--crd {file}: CustomResourceDefinition without spec.group, spec.names or spec.versions"
        )
    group, kind = spec.get("group"), names.get("kind")
    if not (isinstance(group, str) and isinstance(kind, str)):
        raise UsageError(f"--crd {file}: CustomResourceDefinition without spec.group or spec.names.kind")
    for entry in versions:
        schema = entry.get("schema", {}).get("openAPIV3Schema") if isinstance(entry, dict) else None
        if isinstance(schema, dict) and isinstance(entry.get("name"), str):
            yield CrdVersion(group, entry["name"], kind, schema, str(file))


def load_crds(path: FsPath) -> dict[tuple[str, str], CrdVersion]:
    """Every version with a schema, keyed by (apiVersion, kind); other documents are ignored."""
    found: dict[tuple[str, str], CrdVersion] = {}
    for file in _crd_files(path):
        for doc in _documents(file):
            if isinstance(doc, dict) and doc.get("kind") == "CustomResourceDefinition":
                for version in _crd_versions(doc, file):
                    found[(version.api_version, version.kind)] = version
    if not found:
        raise UsageError(f"--crd {path}: no CustomResourceDefinition with an openAPIV3Schema found")
    return found


# ---------------------------------------------------------------- OpenAPI -> JSON Schema


def _to_json_schema(node: Mapping[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {key: node[key] for key in _KEPT if key in node}
    if node.get("format") == "date-time":
        out["format"] = "date-time"
    if node.get("x-kubernetes-int-or-string"):
        out["type"] = ["integer", "string"]
    elif "type" in node:
        out["type"] = node["type"]
    if node.get("nullable") and "type" in out:
        types = out["type"] if isinstance(out["type"], list) else [out["type"]]
        out["type"] = [*types, "null"]
        if "enum" in out:
            out["enum"] = [*out["enum"], None]
    for key in ("allOf", "anyOf", "oneOf"):
        if key in node:
            out[key] = [_to_json_schema(sub) for sub in node[key]]
    if "not" in node:
        out["not"] = _to_json_schema(node["not"])
    if isinstance(node.get("items"), dict):
        out["items"] = _to_json_schema(node["items"])
    properties = dict(node.get("properties") or {})
    if node.get("x-kubernetes-embedded-resource"):
        # An embedded object has its own apiVersion/kind/metadata even when the schema omits them.
        for key in ("apiVersion", "kind", "metadata"):
            properties.setdefault(key, {"type": "object" if key == "metadata" else "string"})
    if properties:
        out["properties"] = {key: _to_json_schema(sub) for key, sub in properties.items()}
    additional = node.get("additionalProperties")
    if isinstance(additional, dict):
        out["additionalProperties"] = _to_json_schema(additional)
    elif node.get("type") == "object" and not node.get("x-kubernetes-preserve-unknown-fields"):
        # Strict field validation: whatever the API server would prune is an unknown field.
        out["additionalProperties"] = additional is True
    return out


def _top_level(schema: Mapping[str, Any]) -> dict[str, Any]:
    out = _to_json_schema(schema)
    properties = out.setdefault("properties", {})
    properties["metadata"] = {"type": "object"}
    properties["status"] = {}
    properties.setdefault("apiVersion", {"type": "string"})
    properties.setdefault("kind", {"type": "string"})
    out["additionalProperties"] = False
    return out


# ---------------------------------------------------------------- defaulting


def _default(value: Any, schema: Mapping[str, Any]) -> None:
    """structural/defaulting/algorithm.go Default(): a parent's default first, then its children's.

    Nulls of non-nullable fields become the default, or are pruned when there is none
    (PruneNonNullableNullsWithoutDefaults).
    """
    if isinstance(value, dict):
        properties = schema.get("properties") or {}
        for key, sub in properties.items():
            if key in value and value[key] is None and not sub.get("nullable"):
                del value[key]
            if key not in value and "default" in sub:
                value[key] = copy.deepcopy(sub["default"])
        additional = schema.get("additionalProperties")
        for key, item in value.items():
            if key in properties:
                _default(item, properties[key])
            elif isinstance(additional, dict):
                _default(item, additional)
    elif isinstance(value, list) and isinstance(schema.get("items"), dict):
        for item in value:
            _default(item, schema["items"])


# ---------------------------------------------------------------- schema errors -> issues


def _quote(value: object) -> str:
    if isinstance(value, str):
        return f'"{value}"'
    return json_type(value) if isinstance(value, (dict, list)) or value is None else str(value).lower()


def _instance(error: ValidationError) -> Any:
    # jsonschema types these as ``Any | Unset``; an error from iter_errors always has them.
    return error.instance


def _limit_message(error: ValidationError, where: str) -> str:
    keyword, bound, value = error.validator, error.validator_value, _instance(error)
    if keyword in ("maxItems", "maxProperties"):
        return f"Too many: {len(value)}: must have at most {bound} items"
    if keyword == "maxLength":
        return f"Too long: may not be longer than {bound}"
    if keyword in ("minItems", "minProperties"):
        return f"Invalid value: {len(value)}: {where} in body should have at least {bound} items"
    if keyword == "minLength":
        return f"Invalid value: {_quote(value)}: {where} in body should be at least {bound} chars long"
    if keyword == "maximum":
        return f"Invalid value: {value}: {where} in body should be less than or equal to {bound}"
    if keyword == "minimum":
        return f"Invalid value: {value}: {where} in body should be greater than or equal to {bound}"
    return f"Invalid value: {_quote(value)}: {where} in body: {error.message}"


def _expected(error: ValidationError) -> Any:
    return error.validator_value


def _issues(error: ValidationError) -> Iterator[SchemaIssue]:
    path: Path = tuple(error.absolute_path)
    where = dotted(path)
    keyword, value, expected = error.validator, _instance(error), _expected(error)
    if keyword == "required":
        for name in expected:
            if isinstance(value, dict) and name not in value:
                yield SchemaIssue((*path, name), IssueKind.REQUIRED, "Required value")
    elif keyword == "additionalProperties" and expected is False:
        known = error.schema.get("properties", {}) if isinstance(error.schema, dict) else {}
        for name in sorted(set(value) - set(known)):
            yield SchemaIssue(
                (*path, name), IssueKind.UNKNOWN_FIELD, f'unknown field "{dotted((*path, name))}"'
            )
    elif keyword == "type":
        wanted = " or ".join(expected) if isinstance(expected, list) else expected
        yield SchemaIssue(
            path, IssueKind.TYPE, f'Invalid value: "{json_type(value)}": must be of type {wanted}'
        )
    elif keyword == "enum":
        supported = ", ".join(_quote(v) for v in expected)
        yield SchemaIssue(
            path, IssueKind.ENUM, f"Unsupported value: {_quote(value)}: supported values: {supported}"
        )
    elif keyword == "pattern":
        yield SchemaIssue(
            path,
            IssueKind.PATTERN,
            f"Invalid value: {_quote(value)}: {where} in body should match '{error.validator_value}'",
        )
    elif keyword == "format":
        yield SchemaIssue(
            path,
            IssueKind.FORMAT,
            f"Invalid value: {_quote(value)}: {where} in body must be of type {error.validator_value}",
        )
    elif keyword in _LIMIT_KEYWORDS:
        yield SchemaIssue(path, IssueKind.LIMIT, _limit_message(error, where))
    else:
        yield SchemaIssue(path, IssueKind.FORMAT, f"Invalid value: {_quote(value)}: {error.message}")


def _schema_issues(data: Any, version: CrdVersion) -> list[SchemaIssue]:
    validator = jsonschema.Draft4Validator(version.json_schema, format_checker=_FORMATS)
    out: list[SchemaIssue] = []
    for error in sorted(validator.iter_errors(data), key=lambda e: [str(p) for p in e.absolute_path]):
        out.extend(_issues(error))
    return out


# ---------------------------------------------------------------- CEL


def _cel_issues(value: Any, schema: Mapping[str, Any], path: Path) -> Iterator[SchemaIssue]:
    for rule in schema.get("x-kubernetes-validations") or ():
        text = rule.get("rule", "")
        if cel.uses_old_self(text):
            continue
        if not cel.rule_holds(text, value):
            yield SchemaIssue(path, IssueKind.CEL, rule.get("message") or f"failed rule: {text}")
    if isinstance(value, dict):
        properties = schema.get("properties") or {}
        additional = schema.get("additionalProperties")
        for key, item in value.items():
            sub = properties.get(key, additional if isinstance(additional, dict) else None)
            if sub is not None and item is not None:
                yield from _cel_issues(item, sub, (*path, key))
    elif isinstance(value, list) and isinstance(schema.get("items"), dict):
        for index, item in enumerate(value):
            yield from _cel_issues(item, schema["items"], (*path, index))


# ---------------------------------------------------------------- entry point


def validate_with_crd(data: Mapping[str, Any], version: CrdVersion) -> list[SchemaIssue]:
    """Every reason the API server with this CRD installed would reject ``data`` on create."""
    obj = copy.deepcopy(dict(data))
    _default(obj, {**version.schema, "properties": _checked_properties(version.schema)})
    issues = _schema_issues(obj, version)
    if cel.cel_available():
        properties = _checked_properties(version.schema)
        top = {k: v for k, v in version.schema.items() if k != "properties"}
        issues.extend(_cel_issues(obj, {**top, "properties": properties}, ()))
    return issues


def _checked_properties(schema: Mapping[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in (schema.get("properties") or {}).items() if k not in ("metadata", "status")}
