"""KM111: an Ubuntu EC2NodeClass rewritten differently from what the conversion stores (drift-and-lint §b)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from karpmigrate import catalogue
from karpmigrate.lint._base import Hit, RuleContext, Scope, lint_rule
from karpmigrate.lint.rules._migration import (
    alias_term,
    is_migration,
    mapping,
    quantity,
    resolved_family,
    webhook_spec,
)

_FAMILY = ("spec", "amiFamily")
_BDMS = ("spec", "blockDeviceMappings")
#: EC-2c: the root volume the conversion injects when the v1beta1 class had no blockDeviceMappings.
_UBUNTU_ROOT = "/dev/sda1"


def _mappings(value: Any) -> Any:
    """blockDeviceMappings as hashed: a set, volumeSize by canonical text (§0.2); raw when malformed."""
    if not isinstance(value, list) or not all(isinstance(m, Mapping) for m in value):
        return value
    out = []
    for item in value:
        ebs = dict(mapping(item.get("ebs")))
        if "volumeSize" in ebs:
            ebs["volumeSize"] = quantity(ebs["volumeSize"])
        out.append(repr(sorted({**item, "ebs": sorted(ebs.items())}.items())))
    return sorted(out)


def _family_hit(new: Mapping[str, Any], expected: str, name: str) -> Iterator[Hit]:
    family = resolved_family(new)
    if family == expected:
        return
    extra = " and Karpenter stops generating userData" if family == "Custom" else ""
    yield Hit(
        f"the resolved AMI family is {family} where the conversion of amiFamily Ubuntu stores {expected} "
        f"(same userData format): every node of EC2NodeClass {name} is replaced (NodeClassDrift){extra}",
        _FAMILY,
    )


def _alias_hit(new: Mapping[str, Any], name: str) -> Iterator[Hit]:
    found = alias_term(new)
    if found is not None:
        yield Hit(
            f"alias {found[1]} selects EKS-optimized AMIs, not Ubuntu: every node of EC2NodeClass {name} "
            "is replaced by one on another OS (AMIDrift); select the Ubuntu AMIs with id, name or tags terms",
            ("spec", "amiSelectorTerms", found[0], "alias"),
        )


def _mappings_hit(new: Mapping[str, Any], expected: Any, injected: bool, name: str) -> Iterator[Hit]:
    if _mappings(new.get("blockDeviceMappings")) == _mappings(expected):
        return
    detail = (
        f"it injects Ubuntu's root volume {_UBUNTU_ROOT} (rootVolume, gp3, 20Gi, encrypted), and without "
        "it the AL2 default root mapping does not match Ubuntu's root device"
        if injected
        else "it copies the v1beta1 mappings"
    )
    yield Hit(
        f"blockDeviceMappings differ from what the conversion stores ({detail}): they are hashed, so every "
        f"node of EC2NodeClass {name} is replaced (NodeClassDrift)",
        _BDMS,
    )


@lint_rule(catalogue.KM111, kinds={"EC2NodeClass"}, scope=Scope.PAIR)
def ubuntu_rewritten(ctx: RuleContext) -> Iterator[Hit]:
    """A v1beta1 `amiFamily: Ubuntu` class rewritten for v1 differently from the conversion.

    What it does:
        For an EC2NodeClass that was `amiFamily: Ubuntu` in v1beta1, compares its v1 rewrite with what
        the conversion webhook stores (EC-2c): the resolved AMI family must stay `AL2`, the
        blockDeviceMappings must equal the converted ones (the injected `/dev/sda1` root volume when the
        v1beta1 class had none), and no `alias` may replace the Ubuntu AMI selection.
    Why it matters:
        v1 has no Ubuntu family; the webhook stores `amiFamily: AL2` (the same userData format) and, when
        no mappings were set, Ubuntu's root volume. Both are hashed: another family (`Custom` also stops
        generated userData) or other mappings replace every node of the class (NodeClassDrift). Without
        the `/dev/sda1` mapping the AL2 default root mapping does not match Ubuntu's root device. An
        `al2@...` alias selects Amazon Linux instead of Ubuntu (AMIDrift).
    Example:
        # v1beta1: amiFamily: Ubuntu, no blockDeviceMappings
        spec:
          amiFamily: Custom
          amiSelectorTerms:
            - id: ami-0123456789abcdef0
    Use instead:
        spec:
          amiFamily: AL2
          amiSelectorTerms:
            - id: ami-0123456789abcdef0
          blockDeviceMappings:
            - deviceName: /dev/sda1
              rootVolume: true
              ebs: {encrypted: true, volumeType: gp3, volumeSize: 20Gi}
    """
    if not is_migration(ctx.obj, ctx.old):
        return
    assert ctx.obj is not None and ctx.old is not None
    if ctx.old.get(_FAMILY) != "Ubuntu":
        return
    converted, new = webhook_spec(ctx), ctx.obj.get(("spec",))
    if converted is None or not isinstance(new, Mapping):
        return
    name = ctx.obj.name
    yield from _family_hit(new, resolved_family(converted), name)
    yield from _alias_hit(new, name)
    injected = ctx.old.get(_BDMS) is None
    yield from _mappings_hit(new, converted.get("blockDeviceMappings"), injected, name)


RULE = ubuntu_rewritten
