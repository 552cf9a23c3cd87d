"""JSON Schemas of the typed models (``karpmigrate schemas export DIR``).

For editors and kubeconform: the ``crds-catalog`` layout is the datreeio/CRDs-catalog convention
(``{group}/{kind}_{version}.json``), usable as ``kubeconform -schema-location
'DIR/{{.Group}}/{{.ResourceKind}}_{{.ResourceAPIVersion}}.json'``. The files under ``schemas/`` in
the repository are this output in the flat layout; tests/test_schemas.py keeps them current.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Literal

from karpmigrate.io.atomic import atomic_write
from karpmigrate.models import MODELS

Layout = Literal["flat", "crds-catalog"]


def schema_for(api_version: str, kind: str) -> dict[str, Any]:
    schema = MODELS[(api_version, kind)].model_json_schema(mode="validation")
    schema["title"] = f"{kind} {api_version}"
    return schema


def schema_file(api_version: str, kind: str, layout: Layout = "flat") -> Path:
    group, _, version = api_version.partition("/")
    name = Path(f"{kind.lower()}_{version}.json")
    return name if layout == "flat" else Path(group) / name


def render(schema: dict[str, Any]) -> str:
    """Stable bytes: a regenerated file differs only when a model changed."""
    return json.dumps(schema, indent=2, sort_keys=True) + "\n"


def export_schemas(out_dir: Path, layout: Layout = "flat") -> list[Path]:
    """Write one schema per (apiVersion, kind) of ``MODELS``; returns the paths written."""
    written = []
    for api_version, kind in MODELS:
        path = out_dir / schema_file(api_version, kind, layout)
        path.parent.mkdir(parents=True, exist_ok=True)
        atomic_write(path, render(schema_for(api_version, kind)).encode("utf-8"))
        written.append(path)
    return written
