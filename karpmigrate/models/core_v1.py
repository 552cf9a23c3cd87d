"""karpenter.sh/v1 NodePool and NodeClaim, as the v1.0 CRDs validate them.

Source: ``crds/v1.0/karpenter.sh_{nodepools,nodeclaims}.yaml``, ``versions[name=v1]``
(conversion-rules.md §7.1, §7.2). v1.0 has no CEL rule on ``disruption``; ``consolidateAfter`` is
``required`` instead, and ``disruption`` itself defaults to ``{consolidateAfter: 0s}``.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import Field, StringConstraints, field_validator

from karpmigrate.models._base import KubeModel
from karpmigrate.models._core_common import (
    DEFAULT_BUDGETS,
    DURATION_OR_NEVER,
    MAX_BUDGETS,
    MAX_REQUIREMENTS,
    NODECLAIM_KEY_RULES_V1,
    BudgetBase,
    NodeClaimSpecBase,
    NodePoolRequirement,
    NodeSelectorRequirement,
    Quantity,
    TemplateMetadata,
    check_budgets,
)
from karpmigrate.models.meta import ObjectMeta

GROUP = r"^[^/]*$"
TERMINATION_GRACE_PERIOD = r"^([0-9]+(s|m|h))+$"

Duration = Annotated[str, StringConstraints(pattern=DURATION_OR_NEVER)]
GracePeriod = Annotated[str, StringConstraints(pattern=TERMINATION_GRACE_PERIOD)]


class NodeClassReference(KubeModel):
    # v1.0 accepts empty strings here; "may not be empty" rules only arrive in later releases.
    group: Annotated[str, StringConstraints(pattern=GROUP)]
    kind: str
    name: str


class ResourceRequirements(KubeModel):
    requests: dict[str, Quantity] | None = None


class NodeClaimRequirement(NodeSelectorRequirement):
    key_rules = NODECLAIM_KEY_RULES_V1


class _SpecFields(NodeClaimSpecBase):
    crd_defaults = {"expireAfter": "720h"}

    expireAfter: Duration
    nodeClassRef: NodeClassReference
    terminationGracePeriod: GracePeriod | None = None


class NodeClaimSpec(_SpecFields):
    requirements: Annotated[list[NodeClaimRequirement], Field(max_length=MAX_REQUIREMENTS)]
    resources: ResourceRequirements | None = None


class NodeClaimTemplateSpec(_SpecFields):
    requirements: Annotated[list[NodePoolRequirement], Field(max_length=MAX_REQUIREMENTS)]


class NodeClaimTemplate(KubeModel):
    metadata: TemplateMetadata | None = None
    spec: NodeClaimTemplateSpec


class Budget(BudgetBase):
    reasons: list[Literal["Underutilized", "Empty", "Drifted"]] | None = None


class Disruption(KubeModel):
    crd_defaults = {"budgets": DEFAULT_BUDGETS, "consolidationPolicy": "WhenEmptyOrUnderutilized"}

    budgets: Annotated[list[Budget], Field(max_length=MAX_BUDGETS)]
    consolidateAfter: Duration
    consolidationPolicy: Literal["WhenEmpty", "WhenEmptyOrUnderutilized"]

    @field_validator("budgets")
    @classmethod
    def _budget_rules(cls, budgets: list[Budget]) -> list[Budget]:
        check_budgets(budgets)
        return budgets


class NodePoolSpec(KubeModel):
    # Only an absent disruption gets consolidateAfter; `disruption: {}` still lacks the required field.
    crd_defaults = {"disruption": {"consolidateAfter": "0s"}}

    disruption: Disruption
    limits: dict[str, Quantity] | None = None
    template: NodeClaimTemplate
    weight: Annotated[int, Field(ge=1, le=100)] | None = None


class NodePool(KubeModel):
    apiVersion: Literal["karpenter.sh/v1"]
    kind: Literal["NodePool"]
    metadata: ObjectMeta
    spec: NodePoolSpec
    status: dict[str, Any] | None = None


class NodeClaim(KubeModel):
    apiVersion: Literal["karpenter.sh/v1"]
    kind: Literal["NodeClaim"]
    metadata: ObjectMeta
    # `spec is immutable` (self == oldSelf) is a transition rule: it needs the stored object, so a
    # single manifest cannot break it.
    spec: NodeClaimSpec
    status: dict[str, Any] | None = None
