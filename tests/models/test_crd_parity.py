"""The typed models against the upstream CRD schemas, field by field.

Each model's JSON schema is walked side by side with the CRD's ``openAPIV3Schema`` (v1beta1
models vs the v0.37.0 v1beta1-only CRDs, v1 models vs the v1.0 CRDs): field names in both
directions, required fields, enums, patterns and limits, top level and ``spec`` (``metadata`` and
``status`` are not descended into). Intended differences are listed in EXPLAINED with the reason;
an unexplained difference fails, and so does an EXPLAINED entry that no longer matches one.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from ruamel.yaml import YAML

from karpmigrate.models import MODELS

SHARED = Path(__file__).resolve().parents[2] / ".." / "shared"
CRD_DIRS = {
    "v1beta1": SHARED / "crds" / "v0.37" / "v0.37.0-v1beta1-only",
    "v1": SHARED / "crds" / "v1.0",
}
ASPECTS = (
    "fields",
    "required",
    "enum",
    "pattern",
    "maxItems",
    "minItems",
    "maxLength",
    "minLength",
    "maximum",
    "minimum",
    "maxProperties",
    "minProperties",
)
Diff = tuple[str, tuple[str, ...], str]

#: (model, schema path, aspect) -> why the model differs on purpose.
EXPLAINED: dict[Diff, str] = {}
_ROUTING = (
    "a stored object always has apiVersion, kind and metadata; the models require them to route and name it"
)
_ARRAY_KEYWORD = "the CRD puts it on the values array, where OpenAPI applies it to nothing (strings only)"
for _model in (
    "karpenter.sh/v1 NodePool",
    "karpenter.sh/v1 NodeClaim",
    "karpenter.sh/v1beta1 NodePool",
    "karpenter.sh/v1beta1 NodeClaim",
    "karpenter.k8s.aws/v1 EC2NodeClass",
    "karpenter.k8s.aws/v1beta1 EC2NodeClass",
):
    EXPLAINED[(_model, (), "required")] = _ROUTING
    if "EC2NodeClass" not in _model:
        _requirements = ("spec", "template", "spec") if "NodePool" in _model else ("spec",)
        _values = (*_requirements, "requirements", "[]", "values")
        EXPLAINED[(_model, _values, "pattern")] = _ARRAY_KEYWORD
        EXPLAINED[(_model, _values, "maxLength")] = _ARRAY_KEYWORD
        if "v1beta1" in _model:
            EXPLAINED[(_model, (*_requirements, "requirements"), "maxItems")] = (
                "v0.37.0 allowed 30 requirements; v0.37.1+ and the v1beta1 served by 1.0 allow 100, "
                "and the models "
                "judge the v1beta1 that is served during the migration"
            )
_DEFAULTED = (
    "the CRD both requires and defaults budgets[].nodes; the API server defaults before it checks "
    "required, so the models (and the exported schemas) treat it as optional"
)
for _model in ("karpenter.sh/v1 NodePool", "karpenter.sh/v1beta1 NodePool"):
    EXPLAINED[(_model, ("spec", "disruption", "budgets", "[]"), "required")] = _DEFAULTED


@cache
def _crd_schema(api_version: str, kind: str) -> Mapping[str, Any]:
    group, _, version = api_version.partition("/")
    for file in sorted(CRD_DIRS[version].glob("*.yaml")):
        crd = YAML(typ="safe", pure=True).load(file.read_text(encoding="utf-8"))
        if crd["spec"]["group"] == group and crd["spec"]["names"]["kind"] == kind:
            for entry in crd["spec"]["versions"]:
                if entry["name"] == version:
                    schema: Mapping[str, Any] = entry["schema"]["openAPIV3Schema"]
                    return schema
    raise LookupError(f"no CRD for {api_version} {kind} in {CRD_DIRS[version]}")


def _resolve(node: Mapping[str, Any], defs: Mapping[str, Any]) -> dict[str, Any]:
    """A pydantic schema node without $ref, nullable anyOf wrappers or const."""
    node = dict(node)
    if "$ref" in node:
        target = defs[node.pop("$ref").rpartition("/")[2]]
        node = {**_resolve(target, defs), **node}
    for key in ("anyOf", "oneOf", "allOf"):
        if key in node:
            members = [_resolve(m, defs) for m in node.pop(key) if m.get("type") != "null"]
            merged: dict[str, Any] = {}
            for member in members:
                for name, value in member.items():
                    if name == "enum" and "enum" in merged:
                        merged["enum"] = [*merged["enum"], *value]
                    elif name == "properties" and "properties" in merged:
                        merged["properties"] = {**merged["properties"], **value}
                    else:
                        merged.setdefault(name, value)
            node = {**merged, **node}
    if "const" in node:
        node["enum"] = [node.pop("const")]
    return node


def _fact(node: Mapping[str, Any], aspect: str) -> Any:
    if aspect == "fields":
        return frozenset(node["properties"]) if "properties" in node else None
    if aspect in ("required", "enum"):
        return frozenset(node[aspect]) if node.get(aspect) else None
    return node.get(aspect)


def _compare(
    crd: Mapping[str, Any],
    model: Mapping[str, Any],
    defs: Mapping[str, Any],
    path: tuple[str, ...],
    out: dict[tuple[tuple[str, ...], str], tuple[Any, Any]],
) -> None:
    model = _resolve(model, defs)
    if path in (("metadata",), ("status",)):
        return  # ObjectMeta is checked apart from the CRD schema; status is never the reason to reject
    if path in (("apiVersion",), ("kind",)):
        return  # the CRD leaves them free-form strings; a model is selected by them (Literal discriminator)
    for aspect in ASPECTS:
        expected, actual = _fact(crd, aspect), _fact(model, aspect)
        if expected != actual:
            out[(path, aspect)] = (expected, actual)
    crd_props, model_props = crd.get("properties") or {}, model.get("properties") or {}
    for name in sorted(set(crd_props) & set(model_props)):
        _compare(crd_props[name], model_props[name], defs, (*path, name), out)
    if isinstance(crd.get("items"), dict) and isinstance(model.get("items"), dict):
        _compare(crd["items"], model["items"], defs, (*path, "[]"), out)
    if isinstance(crd.get("additionalProperties"), dict) and isinstance(
        model.get("additionalProperties"), dict
    ):
        _compare(crd["additionalProperties"], model["additionalProperties"], defs, (*path, "{}"), out)


def differences(api_version: str, kind: str) -> dict[Diff, tuple[Any, Any]]:
    schema = MODELS[(api_version, kind)].model_json_schema(mode="validation")
    found: dict[tuple[tuple[str, ...], str], tuple[Any, Any]] = {}
    _compare(_crd_schema(api_version, kind), schema, schema.get("$defs", {}), (), found)
    model = f"{api_version} {kind}"
    return {(model, path, aspect): values for (path, aspect), values in found.items()}


pytestmark = pytest.mark.skipif(
    not SHARED.is_dir(), reason="../shared not present: reference data unavailable"
)


def _show(values: tuple[Any, Any]) -> str:
    def one(value: Any) -> str:
        return repr(sorted(value)) if isinstance(value, frozenset) else repr(value)

    return f"CRD {one(values[0])} != model {one(values[1])}"


@pytest.mark.parametrize("key", sorted(MODELS), ids=" ".join)
def test_model_matches_crd(key: tuple[str, str]) -> None:
    found = differences(*key)
    unexplained = {diff: values for diff, values in found.items() if diff not in EXPLAINED}
    assert not unexplained, "unexplained model/CRD differences:\n" + "\n".join(
        f"  {diff}: {_show(values)}" for diff, values in sorted(unexplained.items(), key=str)
    )


def test_explained_entries_are_not_stale() -> None:
    found = {diff for key in MODELS for diff in differences(*key)}
    stale = sorted(set(EXPLAINED) - found, key=str)
    assert not stale, f"EXPLAINED entries that match no difference (remove them): {stale}"
