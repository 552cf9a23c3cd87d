"""KM207: amiSelectorTerms changed (drift-and-lint §a.2, §c)."""

from __future__ import annotations

from collections.abc import Iterator

from karpmigrate import catalogue
from karpmigrate.lint._base import Hit, RuleContext, Scope, lint_rule


@lint_rule(catalogue.KM207, kinds={"EC2NodeClass"}, scope=Scope.PAIR)
def ami_terms_changed(ctx: RuleContext) -> Iterator[Hit]:
    """Changed AMI terms replace the nodes not on the newest AMI they resolve to.

    What it does:
        Flags any change of `amiSelectorTerms` (as a set), comparing a v1beta1 previous version
        through the alias the conversion webhook gives a family-only class (`amiFamily: AL2023` ->
        `alias: al2023@latest`), so a faithful conversion is not a change but a pinned alias is.
    Why it matters:
        Karpenter replaces a node whose AMI is not the first compatible AMI of the resolved list for
        its instance type (`AMIDrift`): pinning, unpinning or switching terms rolls those nodes.
    Example:
        amiSelectorTerms:
          - alias: al2023@v20240807   # the stored class follows al2023@latest
    Use instead:
        amiSelectorTerms:
          - alias: al2023@latest      # then pin in a separate, planned change
    """
    from karpmigrate.drift.hits import drift_hits

    yield from drift_hits(ctx, catalogue.KM207)


RULE = ami_terms_changed
