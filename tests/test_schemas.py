"""``schemas/`` is the models' JSON Schema export, current and usable the kubeconform way."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from karpmigrate.models import MODELS
from karpmigrate.schemas_export import export_schemas

try:
    from oracle import CRD_DIR, VALID_CASES, Case, api_key
except ImportError:  # pragma: no cover - collected as a package
    from tests.oracle import CRD_DIR, VALID_CASES, Case, api_key

COMMITTED = Path(__file__).resolve().parents[1] / "schemas"
REGENERATE = (
    'run `karpmigrate schemas export schemas` (or: python -c "from pathlib import Path; '
    "from karpmigrate.schemas_export import export_schemas; export_schemas(Path('schemas'))\")"
)


def _files(root: Path) -> dict[str, str]:
    return {
        p.relative_to(root).as_posix(): p.read_text(encoding="utf-8") for p in sorted(root.rglob("*.json"))
    }


def test_committed_schemas_are_current(tmp_path: Path) -> None:
    export_schemas(tmp_path)
    fresh, committed = _files(tmp_path), _files(COMMITTED)
    assert sorted(fresh) == sorted(committed), f"schemas/ has other files than the models: {REGENERATE}"
    stale = [name for name in fresh if fresh[name] != committed[name]]
    assert not stale, f"schemas/ is out of date ({', '.join(stale)}): {REGENERATE}"


def test_flat_layout_names(tmp_path: Path) -> None:
    written = export_schemas(tmp_path)
    assert sorted(p.relative_to(tmp_path).as_posix() for p in written) == [
        "ec2nodeclass_v1.json",
        "ec2nodeclass_v1beta1.json",
        "nodeclaim_v1.json",
        "nodeclaim_v1beta1.json",
        "nodepool_v1.json",
        "nodepool_v1beta1.json",
    ]


def test_crds_catalog_layout_names(tmp_path: Path) -> None:
    written = export_schemas(tmp_path, layout="crds-catalog")
    assert sorted(p.relative_to(tmp_path).as_posix() for p in written) == [
        "karpenter.k8s.aws/ec2nodeclass_v1.json",
        "karpenter.k8s.aws/ec2nodeclass_v1beta1.json",
        "karpenter.sh/nodeclaim_v1.json",
        "karpenter.sh/nodeclaim_v1beta1.json",
        "karpenter.sh/nodepool_v1.json",
        "karpenter.sh/nodepool_v1beta1.json",
    ]


def test_output_is_stable_and_titled(tmp_path: Path) -> None:
    first = _files(export_schemas(tmp_path / "a")[0].parent)
    second = _files(export_schemas(tmp_path / "b")[0].parent)
    assert first == second
    for api_version, kind in MODELS:
        name = f"{kind.lower()}_{api_version.rpartition('/')[2]}.json"
        schema = json.loads(first[name])
        assert schema["title"] == f"{kind} {api_version}"
        assert "$schema" not in schema and "$id" not in schema
        assert first[name].endswith("}\n")


def _committed_schema(case: Case) -> dict[str, object]:
    api_version, kind = api_key(case.base)
    schema = json.loads((COMMITTED / f"{kind.lower()}_{api_version.rpartition('/')[2]}.json").read_text())
    assert isinstance(schema, dict)
    return schema


@pytest.mark.skipif(not CRD_DIR.parent.is_dir(), reason="../shared not present: reference data unavailable")
@pytest.mark.parametrize("case", VALID_CASES, ids=lambda case: case.id)
def test_exported_schema_accepts_valid_manifests(case: Case) -> None:
    schema = _committed_schema(case)
    errors = [e.message for e in jsonschema.Draft202012Validator(schema).iter_errors(case.build())]
    assert errors == []


@pytest.mark.skipif(not CRD_DIR.parent.is_dir(), reason="../shared not present: reference data unavailable")
@pytest.mark.parametrize("base", ["np1", "np0", "nc1", "nc0", "ec1", "ec0"])
def test_exported_schema_rejects_unknown_fields(base: str) -> None:
    case = next(c for c in VALID_CASES if c.base == base)
    data = case.build()
    data["spec"]["nodeClassRefs"] = {}
    schema = _committed_schema(case)
    errors = list(jsonschema.Draft202012Validator(schema).iter_errors(data))
    assert errors
    # An optional spec is an anyOf [object, null]: the reason sits in the error's context.
    assert all("additionalProperties" in _validators(e) for e in errors)
    assert list(jsonschema.Draft202012Validator(schema).iter_errors(case.build())) == []


def _validators(error: jsonschema.ValidationError) -> set[str]:
    out = {str(error.validator)}
    for sub in error.context or ():
        out |= _validators(sub)
    return out
