"""``audit --export DIR``: the live NodePools and EC2NodeClasses as clean v1 manifests, for GitOps.

Where the cluster still serves v1beta1 (Karpenter 1.0 with its conversion webhook) the v1beta1 view is
read and converted by convert's clean mode, exactly as a manifest from Git would be: server fields and
compatibility annotations dropped, kubelet moved into the EC2NodeClass (split where NodePools disagree),
hop limit kept. A cluster that only serves v1 is read as v1 and only its server-managed fields are
stripped. One file per object: ``DIR/<context>/<kind>-<name>.yaml``.
"""

from __future__ import annotations

import pathlib
import re
from collections.abc import Mapping
from typing import Any

from karpmigrate.audit._base import ClusterView, SourceError
from karpmigrate.findings import Finding

_KINDS = ("EC2NodeClass", "NodePool")
#: Set by the API server or by Karpenter, never by the author of a manifest (design §3, KM115).
_METADATA = (
    "uid",
    "resourceVersion",
    "generation",
    "creationTimestamp",
    "managedFields",
    "selfLink",
    "finalizers",
)
_ANNOTATION_PREFIXES = (
    "karpenter.sh/nodepool-hash",
    "karpenter.k8s.aws/ec2nodeclass-hash",
    "compatibility.karpenter.sh/",
    "compatibility.karpenter.k8s.aws/",
    "karpenter.sh/stored-version-migrated",
    "kubectl.kubernetes.io/last-applied-configuration",
)
_SAFE = re.compile(r"[^A-Za-z0-9._-]")


def strip_server_fields(obj: Mapping[str, Any]) -> dict[str, Any]:
    """A copy without status and the metadata the API server or Karpenter writes."""
    out = {k: v for k, v in obj.items() if k != "status"}
    meta = dict(out.get("metadata") or {})
    for key in _METADATA:
        meta.pop(key, None)
    annotations = {
        k: v for k, v in (meta.get("annotations") or {}).items() if not k.startswith(_ANNOTATION_PREFIXES)
    }
    if annotations:
        meta["annotations"] = annotations
    else:
        meta.pop("annotations", None)
    out["metadata"] = meta
    return out


def _yaml(obj: Mapping[str, Any]) -> str:
    import io

    from ruamel.yaml import YAML

    yaml = YAML()
    yaml.default_flow_style = False
    yaml.indent(mapping=2, sequence=4, offset=2)
    out = io.StringIO()
    yaml.dump(dict(obj), out)
    return out.getvalue()


def _fetch(view: ClusterView) -> tuple[str, dict[str, list[Mapping[str, Any]]]]:
    """Prefer v1beta1 (what convert knows how to clean) where served; else v1."""
    try:
        return "v1beta1", {kind: view.karpenter(kind, "v1beta1") for kind in _KINDS}
    except SourceError as error:
        if error.reason != "not-found":
            raise
    return "v1", {kind: view.karpenter(kind, "v1") for kind in _KINDS}


def export(view: ClusterView, directory: pathlib.Path) -> tuple[list[pathlib.Path], list[Finding]]:
    """Write the manifests; returns the files written and convert's notes (e.g. a KM101 split)."""
    from karpmigrate.convert import Options, convert_texts
    from karpmigrate.io.atomic import atomic_write

    version, objects = _fetch(view)
    base = directory / _SAFE.sub("_", view.context)
    texts: dict[str, str] = {}
    for kind in _KINDS:
        for obj in objects[kind]:
            name = str((obj.get("metadata") or {}).get("name", "unnamed"))
            data = dict(obj) if version == "v1beta1" else strip_server_fields(obj)
            texts[str(base / f"{kind.lower()}-{_SAFE.sub('_', name)}.yaml")] = _yaml(data)
    notes: list[Finding] = []
    written = []
    results = convert_texts(texts, Options()) if version == "v1beta1" else {}
    base.mkdir(parents=True, exist_ok=True)
    for name, text in texts.items():
        result = results.get(name)
        if result is not None:
            notes.extend(result.notes)
            text = result.text if result.text is not None else text
        target = pathlib.Path(name)
        atomic_write(target, text.encode("utf-8"))
        written.append(target)
    return written, notes
