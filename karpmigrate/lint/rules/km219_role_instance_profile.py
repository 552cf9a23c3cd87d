"""KM219: an EC2NodeClass with both or neither of role/instanceProfile, or switching between them (§c)."""

from __future__ import annotations

from collections.abc import Iterator

from karpmigrate import catalogue
from karpmigrate.lint._base import Hit, LintObject, RuleContext, lint_rule

_ROLE = ("spec", "role")
_PROFILE = ("spec", "instanceProfile")


def _has(obj: LintObject, path: tuple[str, ...]) -> bool:
    # CEL has(): the key is present with a value (null is absent after decoding).
    return obj.get(path) is not None


@lint_rule(catalogue.KM219, kinds={"EC2NodeClass"})
def role_instance_profile(ctx: RuleContext) -> Iterator[Hit]:
    """A v1 EC2NodeClass that does not name exactly one of role and instanceProfile, or changes it.

    Versions: `karpenter.k8s.aws/v1`. The change checks compare with the previous version of the class
    (v1beta1 or v1) when one is given.

    What it does:
        Flags a class with both `role` and `instanceProfile`, with neither, or with an empty one; a
        switch between `role` and `instanceProfile`; and a `role` edit when the target is before 1.7.
    Why it matters:
        The CRD accepts exactly one of the two (CEL, aws v1.0.14 `pkg/apis/v1/ec2nodeclass.go:77-80,
        429-430`), rejects a switch between them ("delete and recreate this node class") and, before
        Karpenter 1.7, any change of `role`. From 1.7 a role edit is accepted and replaces every node of
        the class (NodeClassDrift).
    Example:
        spec:
          role: KarpenterNodeRole-prod
          instanceProfile: KarpenterNodeInstanceProfile-prod
    Use instead:
        spec:
          role: KarpenterNodeRole-prod
    """
    obj = ctx.obj
    assert obj is not None
    if obj.version != "v1":
        return
    role, profile = _has(obj, _ROLE), _has(obj, _PROFILE)
    if role and profile:
        yield Hit(
            "both role and instanceProfile are set: the API server rejects the EC2NodeClass (exactly one "
            "of them); keep role to let Karpenter manage the instance profile",
            _PROFILE,
            at_key=True,
        )
    elif not role and not profile:
        yield Hit(
            "neither role nor instanceProfile is set: the API server rejects the EC2NodeClass (exactly one "
            "of them); set role to the nodes' IAM role",
            ("spec",),
            at_key=True,
        )
    for path in (_ROLE, _PROFILE):
        if obj.get(path) == "":
            yield Hit(
                f"{path[-1]} is empty: the API server rejects the EC2NodeClass ({path[-1]} cannot be empty)",
                path,
            )
    if ctx.old is not None:
        yield from _changed(obj, ctx.old, before_1_7=not ctx.target.at_least(1, 7))


def _changed(new: LintObject, old: LintObject, *, before_1_7: bool) -> Iterator[Hit]:
    role = (_has(old, _ROLE), _has(new, _ROLE))
    profile = (_has(old, _PROFILE), _has(new, _PROFILE))
    kept = all(role) or all(profile)
    if not kept and (role[0] or profile[0]) and (role[1] or profile[1]):
        yield Hit(
            "switches between role and instanceProfile: the API server rejects the change; create a new "
            "EC2NodeClass and move the NodePools to it (their nodes drift: NodePoolDrifted)",
            _ROLE if role[1] else _PROFILE,
        )
        return
    was, now = old.get(_ROLE), new.get(_ROLE)
    if before_1_7 and all(role) and isinstance(was, str) and isinstance(now, str) and was != now:
        yield Hit(
            f"role changed from {was} to {now}: role is immutable before Karpenter 1.7, the API server "
            "rejects the change; create a new EC2NodeClass instead",
            _ROLE,
        )


RULE = role_instance_profile
