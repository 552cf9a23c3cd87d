"""KM215: a v1 nodeClassRef without group/kind/name, with a versioned group, or naming no AWS class (§c)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from karpmigrate import catalogue
from karpmigrate.findings import Path
from karpmigrate.lint._base import Hit, LintObject, RuleContext, lint_rule
from karpmigrate.lint.rules._v1 import AWS_GROUP, NODECLASS_KIND, NODECLASS_REF, mapping, shown, text

#: The only node class of the AWS provider (conversion-rules NP-12; v1-migration.md:638-643).
_EXPECTED = {"group": AWS_GROUP, "kind": NODECLASS_KIND}


@lint_rule(catalogue.KM215, kinds=set(NODECLASS_REF))
def nodeclassref_invalid(ctx: RuleContext) -> Iterator[Hit]:
    """A v1 nodeClassRef the CRD rejects or that points at no EC2NodeClass.

    Versions: `karpenter.sh/v1` NodePools and NodeClaims (v1beta1 has `apiVersion`/`kind`/`name`, which
    KM116 maps). KM116 reports the migration-shaped mistakes (an `apiVersion` left in a v1 ref, a
    `group` with a version); this rule does not repeat them, nor that `group` is missing when
    `apiVersion` is there.

    What it does:
        Flags a missing nodeClassRef, a missing or empty `group`, `kind` or `name`, a group/kind other
        than `karpenter.k8s.aws`/`EC2NodeClass`, and (NodePools) a group or kind changed from the
        previous v1 version of the object.
    Why it matters:
        All three fields are required (v1.0 CRD; empty values rejected from 1.1) and `group` must match
        `^[^/]*$`. A ref to another group or kind never resolves on AWS: the NodePool stays NotReady and
        launches nothing. From core 1.1 group and kind are immutable (CEL); on 1.0 changing them is a
        hashed change that replaces every node of the pool (NodePoolDrifted).
    Example:
        spec:
          template:
            spec:
              nodeClassRef:
                group: karpenter.k8s.aws/v1
                name: default
    Use instead:
        spec:
          template:
            spec:
              nodeClassRef:
                group: karpenter.k8s.aws
                kind: EC2NodeClass
                name: default
    """
    obj = ctx.obj
    assert obj is not None
    if obj.version != "v1":
        return
    path = NODECLASS_REF[obj.kind]
    ref = obj.get(path)
    if not isinstance(ref, Mapping):
        yield Hit(
            f"nodeClassRef {'is missing' if ref is None else 'must be a mapping'}: the API server "
            "rejects the object; set group: karpenter.k8s.aws, kind: EC2NodeClass, name: <class>",
            path,
        )
        return
    yield from _fields(path, ref)
    if obj.kind == "NodePool" and ctx.old is not None and ctx.old.version == "v1":
        yield from _edited(path, ref, ctx.old, ctx.target.at_least(1, 1))


def _fields(path: Path, ref: Mapping[str, Any]) -> Iterator[Hit]:
    for field in ("group", "kind", "name"):
        if field == "group" and "apiVersion" in ref:
            continue  # KM116: apiVersion -> group
        value = ref.get(field)
        if value is None or value == "":
            yield Hit(
                f"nodeClassRef.{field} is {'empty' if value == '' else 'missing'}: required in v1 "
                f"{_hint(field)}",
                (*path, field),
            )
        elif not isinstance(value, str):
            yield Hit(f"nodeClassRef.{field} must be a string, got {shown(value)}", (*path, field))
        elif field in _EXPECTED and value.partition("/")[0] != _EXPECTED[field]:
            # A versioned group ("karpenter.k8s.aws/v1") is KM116's: compare what precedes the "/".
            yield Hit(
                f"nodeClassRef.{field} {shown(value)} is not {_EXPECTED[field]}: on AWS Karpenter never "
                "resolves this node class, so the pool stays NotReady and launches no nodes",
                (*path, field),
            )


def _hint(field: str) -> str:
    return f"({_EXPECTED[field]})" if field in _EXPECTED else "(the EC2NodeClass's name)"


def _edited(path: Path, ref: Mapping[str, Any], old: LintObject, immutable: bool) -> Iterator[Hit]:
    before = mapping(old.get(path))
    for field in _EXPECTED:
        was, now = text(before.get(field)), text(ref.get(field))
        if was and now and was != now:
            effect = (
                "the API server rejects the change (immutable from Karpenter 1.1)"
                if immutable
                else "hashed: every node of the pool is replaced (NodePoolDrifted)"
            )
            yield Hit(f"nodeClassRef.{field} changed from {was} to {now}: {effect}", (*path, field))


RULE = nodeclassref_invalid
