"""What the drift engine reports: one change between two versions of an object that replaces nodes."""

from __future__ import annotations

from dataclasses import dataclass

from karpmigrate.findings import Code, Path

# Karpenter's drift reasons, as the NodeClaim Drifted condition reports them (drift-and-lint §0.1).
NODEPOOL_DRIFTED = "NodePoolDrifted"
REQUIREMENTS_DRIFTED = "RequirementsDrifted"
NODECLASS_DRIFT = "NodeClassDrift"
AMI_DRIFT = "AMIDrift"
SECURITY_GROUP_DRIFT = "SecurityGroupDrift"
SUBNET_DRIFT = "SubnetDrift"
CAPACITY_RESERVATION_DRIFT = "CapacityReservationDrift"
PLACEMENT_GROUP_DRIFT = "PlacementGroupDrift"


@dataclass(frozen=True, slots=True)
class Change:
    """One drift-relevant difference, with the lint code that names it.

    ``path`` is where the change is in the new object (relative to it); for something removed it is
    where it was, which the finding's position resolves to the nearest existing parent.
    """

    code: Code
    #: Karpenter's reason string (``NodePoolDrifted``, ``NodeClassDrift``, ``AMIDrift``, ...).
    reason: str
    path: Path
    #: Short renderings of the two values; None where the field is absent on that side.
    old: str | None
    new: str | None
    #: One line: what changed, which nodes are replaced, and why.
    message: str

    @property
    def removed(self) -> bool:
        return self.new is None and self.old is not None
