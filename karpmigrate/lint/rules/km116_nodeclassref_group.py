"""KM116: a v1 nodeClassRef still in its v1beta1 shape (drift-and-lint §b; NP-12, spec §7.1)."""

from __future__ import annotations

from collections.abc import Iterator

from karpmigrate import catalogue
from karpmigrate.lint._base import Hit, RuleContext, lint_rule
from karpmigrate.lint.rules import _common


def _group_of(api_version: object) -> str:
    # NP-12: the conversion keeps the text before the first "/" of apiVersion.
    group = str(api_version).partition("/")[0] if isinstance(api_version, str) else ""
    return group or _common.AWS_GROUP


@lint_rule(catalogue.KM116, kinds={"NodePool", "NodeClaim"})
def nodeclassref_group(ctx: RuleContext) -> Iterator[Hit]:
    """A v1 nodeClassRef that still says apiVersion, or a group with a version in it.

    What it does:
        In a `karpenter.sh/v1` NodePool (`spec.template.spec.nodeClassRef`) or NodeClaim
        (`spec.nodeClassRef`), flags an `apiVersion` key and a `group` containing `/` (such as
        `karpenter.k8s.aws/v1beta1`). Only these migration-shaped mistakes: a missing group, kind or
        name, or a reference to another provider's class, is KM215.
    Why it matters:
        v1 replaced `apiVersion` by `group` without a version (pattern `^[^/]*$`,
        [core]@v1.0.9 pkg/apis/v1/nodeclaim.go:106) and requires group, kind and name. The API server
        rejects the object (unknown field, missing group, pattern). Written as the conversion writes it
        (same name, `group: karpenter.k8s.aws`, `kind: EC2NodeClass`) the reference hashes like the
        converted object, so nodes do not drift.
    Example:
        nodeClassRef:
          apiVersion: karpenter.k8s.aws/v1beta1
          kind: EC2NodeClass
          name: default
    Use instead:
        nodeClassRef:
          group: karpenter.k8s.aws
          kind: EC2NodeClass
          name: default
    """
    assert ctx.obj is not None
    if ctx.obj.version != "v1":
        return
    where = _common.NODECLASS_REF[ctx.obj.kind]
    ref = _common.mapping(ctx.obj.get(where))
    if "apiVersion" in ref:
        fix = (
            "remove it (group is given)" if "group" in ref else f"write group: {_group_of(ref['apiVersion'])}"
        )
        yield Hit(
            f"nodeClassRef.apiVersion is the v1beta1 shape: v1 has no such field and the API server rejects "
            f"it; {fix}, with kind and name (no version anywhere)",
            (*where, "apiVersion"),
        )
    group = ref.get("group")
    if isinstance(group, str) and "/" in group:
        yield Hit(
            f"nodeClassRef.group {group} carries a version: the CRD allows no '/' (^[^/]*$), "
            f"use group: {group.partition('/')[0] or _common.AWS_GROUP}",
            (*where, "group"),
        )


RULE = nodeclassref_group
