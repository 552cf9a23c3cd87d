"""KM211: an AMI selection that follows every release: ``<family>@latest``, name patterns, tags (§c)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from karpmigrate import catalogue
from karpmigrate.findings import Level, Path
from karpmigrate.lint._base import Hit, RuleContext, lint_rule
from karpmigrate.lint.rules._v1 import entries, text

_TERMS: Path = ("spec", "amiSelectorTerms")
#: How each alias family pins a release (drift-and-lint §c KM211; v1.0 nodeclasses docs).
_PIN = {"al2": "vYYYYMMDD", "al2023": "vYYYYMMDD", "bottlerocket": "vX.Y.Z"}
#: v1.0 CRD: "windows families may only specify version 'latest'" (conversion-rules §7.3).
_LATEST_ONLY = frozenset({"windows2019", "windows2022"})
_WILDCARDS = frozenset("*?")


@lint_rule(catalogue.KM211, kinds={"EC2NodeClass"})
def alias_latest(ctx: RuleContext) -> Iterator[Hit]:
    """An AMI selector term that resolves to whatever AMI is newest, so every release rolls the nodes.

    Versions: `karpenter.k8s.aws/v1` (alias, name and tag terms) and `v1beta1` (name and tag terms; a
    v1beta1 class without terms becomes `<family>@latest` on conversion, reported on the v1 object).

    What it does:
        Flags `alias: <family>@latest`, a `name` term with a wildcard, and any `tags` term (tags can move
        to new images and may match many). A Windows alias is reported at info level: Windows families
        accept only `latest`, so the only pin is an `id` term with `amiFamily: Windows20xx`.
    Why it matters:
        Karpenter resolves the terms continuously; a node whose AMI is no longer the newest match drifts
        (AMIDrift) and is replaced, pool by pool, on every AMI release, independently of expireAfter
        (aws/karpenter-provider-aws#6862). Pinning makes AMI upgrades a reviewed change.
    Example:
        spec:
          amiSelectorTerms:
            - alias: al2023@latest
    Use instead:
        spec:
          amiSelectorTerms:
            - alias: al2023@v20240807
    """
    assert ctx.obj is not None
    for path, term in entries(ctx.obj, _TERMS):
        if ctx.obj.version == "v1":
            yield from _alias(path, term.get("alias"))
        if "id" not in term:
            yield from _floating(path, term)


def _alias(path: Path, alias: Any) -> Iterator[Hit]:
    family, _, version = (text(alias) or "").partition("@")
    if version != "latest":
        return
    where = (*path, "alias")
    if family in _LATEST_ONLY:
        yield Hit(
            f"alias {alias} follows every Windows AMI release: out-of-date nodes drift (AMIDrift); Windows "
            f"aliases accept only latest, pin with an id term and amiFamily: {family.capitalize()} if needed",
            where,
            level=Level.INFO,
        )
        return
    pin = _PIN.get(family)
    example = f", e.g. {family}@{pin}" if pin else ""
    yield Hit(
        f"alias {alias} follows every AMI release: each new AMI replaces every node of this class that is not "
        f"on it (AMIDrift); pin a version{example}",
        where,
    )


def _floating(path: Path, term: Mapping[str, Any]) -> Iterator[Hit]:
    name = text(term.get("name"))
    if name is not None and _WILDCARDS & set(name):
        yield Hit(
            f"name pattern {name} selects the newest matching AMI: each new match replaces every node of this "
            "class that is not on it (AMIDrift); select a pinned AMI by id or an exact name",
            (*path, "name"),
        )
    if "tags" in term:
        yield Hit(
            "a tags term selects the newest AMI carrying the tags: tagging a new image replaces every node of "
            "this class that is not on it (AMIDrift); select a pinned AMI by id or an exact name",
            (*path, "tags"),
        )


RULE = alias_latest
