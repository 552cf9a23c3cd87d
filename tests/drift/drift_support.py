"""Helpers for the drift engine tests: manifests from YAML text, changes as (code, path) pairs."""

from __future__ import annotations

import textwrap
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML

from karpmigrate.drift import Change, compare
from karpmigrate.target import Target

ROOT = Path(__file__).resolve().parents[2]
SHARED = ROOT / ".." / "shared"

_yaml = YAML(typ="safe", pure=True)


def load(text: str) -> Any:
    """One manifest (dedented YAML) as plain data."""
    return _yaml.load(textwrap.dedent(text))


def changes(old: str | dict[str, Any], new: str | dict[str, Any], target: str = "1.0") -> list[Change]:
    before = load(old) if isinstance(old, str) else old
    after = load(new) if isinstance(new, str) else new
    return compare(before, after, Target.parse(target))


def codes(
    old: str | dict[str, Any], new: str | dict[str, Any], target: str = "1.0"
) -> list[tuple[str, tuple[object, ...]]]:
    """(code, path) of every change, in the engine's order."""
    return [(c.code.code, c.path) for c in changes(old, new, target)]


def nodepool(spec: str = "", *, version: str = "v1", name: str = "default", metadata: str = "") -> str:
    """A NodePool manifest; ``spec`` is flush-left YAML under ``spec:``.

    Without a template the v1 default one is used: ``nodeClassRef`` to EC2NodeClass ``default``.
    """
    body = textwrap.dedent(spec) or DEFAULT_TEMPLATE[version]
    meta = textwrap.indent(textwrap.dedent(metadata), "  ") if metadata else ""
    return (
        f"apiVersion: karpenter.sh/{version}\nkind: NodePool\nmetadata:\n  name: {name}\n{meta}"
        f"spec:\n{textwrap.indent(body, '  ')}"
    )


def nodeclass(spec: str, *, version: str = "v1", name: str = "default", metadata: str = "") -> str:
    """An EC2NodeClass manifest with role and selector terms added before ``spec``."""
    meta = textwrap.indent(textwrap.dedent(metadata), "  ") if metadata else ""
    body = SELECTORS + textwrap.dedent(spec)
    return (
        f"apiVersion: karpenter.k8s.aws/{version}\nkind: EC2NodeClass\nmetadata:\n  name: {name}\n{meta}"
        f"spec:\n{textwrap.indent(body, '  ')}"
    )


SELECTORS = """\
role: KarpenterNodeRole
subnetSelectorTerms:
  - tags: {karpenter.sh/discovery: prod}
securityGroupSelectorTerms:
  - tags: {karpenter.sh/discovery: prod}
"""

DEFAULT_TEMPLATE = {
    "v1": """\
template:
  spec:
    nodeClassRef: {group: karpenter.k8s.aws, kind: EC2NodeClass, name: default}
    requirements:
      - {key: karpenter.sh/capacity-type, operator: In, values: [spot, on-demand]}
""",
    "v1beta1": """\
template:
  spec:
    nodeClassRef: {apiVersion: karpenter.k8s.aws/v1beta1, kind: EC2NodeClass, name: default}
    requirements:
      - {key: karpenter.sh/capacity-type, operator: In, values: [spot, on-demand]}
""",
}
