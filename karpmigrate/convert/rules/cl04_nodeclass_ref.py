"""CL-4: nodeClassRef apiVersion → group in place; missing group/kind get the AWS defaults.

Upstream NP-12 / NC-4 (nodepool_conversion.go:184-192): ``group`` is the text of ``apiVersion`` before
the first ``/``; an empty apiVersion or kind falls back to the provider's default NodeClass
(AWS cloudprovider.go:241-243). Writing exactly that hashes like the converted object: no drift
(drift-and-lint KM116).
"""

from __future__ import annotations

from collections.abc import Mapping

from ruamel.yaml.comments import CommentedMap

from karpmigrate.convert import codes
from karpmigrate.convert._base import Blocked, Context, rule
from karpmigrate.convert.rules._values import replace_text
from karpmigrate.io import paths

#: The AWS provider's only NodeClass (AWS cloudprovider.go:241-243).
GROUP = "karpenter.k8s.aws"
KIND = "EC2NodeClass"


@rule("CL-4", "nodeclassref-group", kinds={"NodePool", "NodeClaim"})
def nodeclassref_group(obj: CommentedMap, ctx: Context) -> None:
    """nodeClassRef apiVersion → group in place; missing group/kind get the AWS defaults."""
    path = (*ctx.claim_spec, "nodeClassRef")
    ref = paths.get(ctx.before, path)
    if not isinstance(ref, Mapping):
        raise Blocked(
            codes.NOT_CONVERTIBLE,
            "not converted: there is no nodeClassRef, which v1 requires: add one with group: "
            f"{GROUP}, kind: {KIND} and the name of your EC2NodeClass",
            path,
        )
    if "apiVersion" in ref:
        if "group" in ref:
            raise Blocked(
                codes.NOT_CONVERTIBLE,
                "not converted: nodeClassRef has both apiVersion and group: keep group",
                path,
            )
        api_version = ref["apiVersion"] if isinstance(ref["apiVersion"], str) else ""
        group = api_version.partition("/")[0] or GROUP
        if group != GROUP:
            ctx.note(
                codes.NODECLASS_REF,
                f"nodeClassRef group {group!r} (from apiVersion {api_version!r}) is not {GROUP}: the AWS "
                "provider resolves EC2NodeClass only in that group, and from v1.1 group and kind are immutable",
                (*path, "apiVersion"),
            )
        paths.rename_key(paths.get(obj, path), "apiVersion", "group")
        replace_text(obj, (*path, "group"), group)
    elif not ref.get("group"):
        paths.set_(obj, (*path, "group"), GROUP)
    if not ref.get("kind"):
        paths.set_(obj, (*path, "kind"), KIND)


RULE = nodeclassref_group
