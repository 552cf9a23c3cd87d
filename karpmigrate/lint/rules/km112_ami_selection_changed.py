"""KM112: the AMI selection differs from the alias the conversion stores (drift-and-lint §b)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from karpmigrate import catalogue
from karpmigrate.findings import Level, Path
from karpmigrate.lint._base import Hit, RuleContext, Scope, lint_rule
from karpmigrate.lint.rules._migration import (
    ALIAS_FAMILIES,
    LATEST_ONLY,
    alias_term,
    is_migration,
    resolved_family,
    split_alias,
    webhook_spec,
)

_TERMS = ("spec", "amiSelectorTerms")


def _family_only(old: Mapping[str, Any]) -> bool:
    # EC-2a: an alias family with no (or an empty) amiSelectorTerms converts to `<family>@<version>`.
    return old.get("amiFamily") in ALIAS_FAMILIES.values() and not old.get("amiSelectorTerms")


def _family_hit(new: Mapping[str, Any], expected: str, name: str) -> Iterator[Hit]:
    family = resolved_family(new)
    if family == expected:
        return  # an explicit amiFamily equal to the alias family hashes the same (AL-3)
    found = alias_term(new)
    path: Path = (
        ("spec", "amiFamily") if "amiFamily" in new or found is None else (*_TERMS, found[0], "alias")
    )
    extra = " and Karpenter stops generating userData" if family == "Custom" else ""
    yield Hit(
        f"the resolved AMI family changes from {expected} to {family}: it is hashed, so every node of "
        f"EC2NodeClass {name} is replaced (NodeClassDrift){extra}",
        path,
    )


def _selection_hit(new: Mapping[str, Any], expected: str, name: str) -> Iterator[Hit]:
    found = alias_term(new)
    want_family, want_version = split_alias(expected)
    if found is None:
        yield Hit(
            f"id/name/tags AMI terms replace the alias {expected} the conversion stores: nodes of "
            f"EC2NodeClass {name} not on the selected AMIs are replaced (AMIDrift); keep "
            f"`alias: {expected}` for the migration",
            _TERMS,
        )
        return
    family, version = split_alias(found[1])
    if family != want_family or version == want_version:
        return  # another family is the family hit's (NodeClassDrift comes first)
    path = (*_TERMS, found[0], "alias")
    if family in LATEST_ONLY and version != "latest":
        yield Hit(
            f"alias {found[1]}: the Windows families accept only `latest`; the conversion stores {expected}",
            path,
            level=Level.ERROR,
        )
        return
    yield Hit(
        f"alias {found[1]} where the conversion stores {expected}: nodes of EC2NodeClass {name} not on that "
        f"AMI are replaced (AMIDrift); pin the version in a separate change",
        path,
    )


@lint_rule(catalogue.KM112, kinds={"EC2NodeClass"}, scope=Scope.PAIR)
def ami_selection_changed(ctx: RuleContext) -> Iterator[Hit]:
    """The v1 rewrite of a family-only v1beta1 class selects AMIs differently from the conversion.

    What it does:
        For a v1beta1 EC2NodeClass with an alias family (AL2, AL2023, Bottlerocket, Windows2019,
        Windows2022) and no amiSelectorTerms, which the webhook converts to `alias: <family>@latest` (or
        the version in `compatibility.karpenter.k8s.aws/v1-alias-version`), flags a v1 rewrite that pins
        another version, selects by id/name/tags, or changes the resolved family (e.g. `amiFamily: Custom`
        next to the alias). An explicit `amiFamily` equal to the alias family changes nothing.
    Why it matters:
        A pinned version or other terms move nodes to other AMIs: every node not on the selected AMI is
        replaced (AMIDrift). The resolved family is hashed: `Custom` or another family replaces every node
        of the class (NodeClassDrift), and `Custom` also stops Karpenter generating userData. The Windows
        families accept only `latest`. Pin versions after the migration, in their own change.
    Example:
        # v1beta1: amiFamily: AL2023, no amiSelectorTerms
        spec:
          amiFamily: Custom
          amiSelectorTerms:
            - alias: al2023@v20240807
    Use instead:
        spec:
          amiSelectorTerms:
            - alias: al2023@latest
    """
    if not is_migration(ctx.obj, ctx.old):
        return
    assert ctx.obj is not None and ctx.old is not None
    old, new = ctx.old.get(("spec",)), ctx.obj.get(("spec",))
    if not isinstance(old, Mapping) or not isinstance(new, Mapping) or not _family_only(old):
        return
    if not isinstance(new.get("amiSelectorTerms"), list) or not new["amiSelectorTerms"]:
        return  # v1 requires terms: KM133's finding, not a drift
    converted = webhook_spec(ctx)
    expected = alias_term(converted) if converted is not None else None
    if expected is None:
        return
    yield from _family_hit(new, split_alias(expected[1])[0], ctx.obj.name)
    yield from _selection_hit(new, expected[1], ctx.obj.name)


RULE = ami_selection_changed
