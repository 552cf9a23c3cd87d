"""KM208: capacity reservation or placement group selection changed (drift-and-lint §a.2, §c)."""

from __future__ import annotations

from collections.abc import Iterator

from karpmigrate import catalogue
from karpmigrate.lint._base import Hit, RuleContext, Scope, lint_rule


@lint_rule(catalogue.KM208, kinds={"EC2NodeClass"}, scope=Scope.PAIR)
def reservation_or_placement_changed(ctx: RuleContext) -> Iterator[Hit]:
    """A narrowed capacity reservation selection or a changed placement group replaces nodes.

    What it does:
        Flags `capacityReservationSelectorTerms` (aws v1.3+) when a term is removed or edited (an
        added term only widens the selection), and any change of `placementGroupSelector`
        (aws v1.11+), which is both hashed and checked per node.
    Why it matters:
        Instances running in a reservation that is no longer selected drift
        (`CapacityReservationDrift`); a placement group change drifts every node of the class
        (`NodeClassDrift`) and those outside the new group (`PlacementGroupDrift`).
    Example:
        capacityReservationSelectorTerms:
          - id: cr-0aaa     # cr-0bbb removed
    Use instead:
        capacityReservationSelectorTerms:
          - id: cr-0aaa
          - id: cr-0bbb     # remove it once its instances are gone
    """
    from karpmigrate.drift.hits import drift_hits

    yield from drift_hits(ctx, catalogue.KM208)


RULE = reservation_or_placement_changed
