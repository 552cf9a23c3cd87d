"""NP-12: nodeClassRef apiVersion becomes group (text before the first /), with provider defaults.

Upstream: nodepool_conversion.go:184-192, nodeclaim_conversion.go:159-167 (NC-4). No parsing or
validation: ``apiVersion: v1beta1`` gives ``group: v1beta1``. An empty kind or apiVersion falls back to
the provider's default NodeClass, EC2NodeClass in karpenter.k8s.aws (AWS cloudprovider.go:241-243).
A missing reference becomes an empty one, written in Go's field order (kind, name, group): the v1.0
CRD accepts empty strings, v1.1 rejects them (spec §10.10). ``apiVersion`` is renamed in place.
"""

from __future__ import annotations

from collections.abc import Mapping

from ruamel.yaml.comments import CommentedMap
from ruamel.yaml.scalarstring import DoubleQuotedScalarString

from karpmigrate.convert import codes
from karpmigrate.convert._base import Context, rule
from karpmigrate.convert.rules._values import replace_text
from karpmigrate.convert.rules._webhook import put
from karpmigrate.io import paths

GROUP = "karpenter.k8s.aws"
KIND = "EC2NodeClass"


def _empty_reference() -> CommentedMap:
    ref = CommentedMap()
    for field in ("kind", "name", "group"):
        ref[field] = DoubleQuotedScalarString("")
    return ref


@rule("NP-12", "nodeclassref-group", kinds={"NodePool", "NodeClaim"})
def nodeclassref_group(obj: CommentedMap, ctx: Context) -> None:
    """nodeClassRef apiVersion becomes group (text before the first /), with provider defaults."""
    path = (*ctx.claim_spec, "nodeClassRef")
    ref = paths.get(ctx.before, path)
    if not isinstance(ref, Mapping):
        ctx.note(
            codes.NODECLASS_REF,
            "no nodeClassRef: the webhook stores one with empty group, kind and name, which Karpenter 1.1 "
            f"rejects; this {ctx.kind} cannot launch nodes until it names its EC2NodeClass",
            path,
        )
        put(obj, path, _empty_reference())
        return
    api_version = ref.get("apiVersion") or ""
    group = api_version.split("/")[0] if isinstance(api_version, str) and api_version else GROUP
    if group != GROUP:
        ctx.note(
            codes.NODECLASS_REF,
            f"nodeClassRef apiVersion {api_version!r} becomes group {group!r}, not {GROUP}: the AWS provider "
            f"serves EC2NodeClass only in {GROUP}, so this {ctx.kind} finds no node class",
            (*path, "apiVersion"),
        )
    if "apiVersion" in ref:
        if "group" in ref:
            paths.pop(obj, (*path, "group"))  # not a v1beta1 field: Go's decoder ignores it
        paths.rename_key(paths.get(obj, path), "apiVersion", "group")
    replace_text(obj, (*path, "group"), group)
    if not ref.get("kind"):
        replace_text(obj, (*path, "kind"), KIND)
    if ref.get("name") is None:
        put(obj, (*path, "name"), DoubleQuotedScalarString(""))


RULE = nodeclassref_group
