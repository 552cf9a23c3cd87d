"""karpenter.sh/v1beta1 NodePool and NodeClaim, as the v0.37 CRDs validate them.

Source: ``crds/v0.37/v0.37.0-v1beta1-only/karpenter.sh_{nodepools,nodeclaims}.yaml``, except the
requirements ``maxItems`` (100, from v0.37.1+, see ``_core_common.MAX_REQUIREMENTS``).
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import Field, StringConstraints, ValidationInfo, field_validator, model_validator

from karpmigrate.models._base import KubeModel, MaxProperties, cel
from karpmigrate.models._core_common import (
    DEFAULT_BUDGETS,
    DURATION_OR_NEVER,
    MAX_BUDGETS,
    MAX_REQUIREMENTS,
    NODECLAIM_KEY_RULES_V1BETA1,
    QUANTITY,
    BudgetBase,
    NodeClaimSpecBase,
    NodePoolRequirement,
    NodeSelectorRequirement,
    Quantity,
    TemplateMetadata,
    check_budgets,
)
from karpmigrate.models.meta import ObjectMeta

# kubelet eviction thresholds: a percentage, or a resource quantity.
EVICTION_QUANTITY = (
    r"^((\d{1,2}(\.\d{1,2})?|100(\.0{1,2})?)%||(\+|-)?(([0-9]+(\.[0-9]*)?)|(\.[0-9]+))"
    r"(([KMGTPE]i)|[numkMGTPE]|([eE](\+|-)?(([0-9]+(\.[0-9]*)?)|(\.[0-9]+))))?)$"
)
EVICTION_SIGNALS = (
    "memory.available",
    "nodefs.available",
    "nodefs.inodesFree",
    "imagefs.available",
    "imagefs.inodesFree",
    "pid.available",
)
RESERVED_RESOURCES = ("cpu", "memory", "ephemeral-storage", "pid")

_SIGNALS_TEXT = ",".join(f"'{signal}'" for signal in EVICTION_SIGNALS)
_RESOURCES_TEXT = ",".join(f"'{resource}'" for resource in RESERVED_RESOURCES)

EvictionQuantity = Annotated[str, StringConstraints(pattern=EVICTION_QUANTITY)]
QuantityString = Annotated[str, StringConstraints(pattern=QUANTITY)]
Duration = Annotated[str, StringConstraints(pattern=DURATION_OR_NEVER)]


def _signal_keys(name: str, value: dict[str, str]) -> dict[str, str]:
    cel((all(key in EVICTION_SIGNALS for key in value), f"valid keys for {name} are [{_SIGNALS_TEXT}]"))
    return value


def _reserved(name: str, value: dict[str, str]) -> dict[str, str]:
    cel(
        (all(key in RESERVED_RESOURCES for key in value), f"valid keys for {name} are [{_RESOURCES_TEXT}]"),
        (
            all(not quantity.startswith("-") for quantity in value.values()),
            f"{name} value cannot be a negative resource quantity",
        ),
    )
    return value


class Kubelet(KubeModel):
    """``spec.template.spec.kubelet`` (moves to EC2NodeClass in v1)."""

    clusterDNS: list[str] | None = None
    cpuCFSQuota: bool | None = None
    evictionHard: dict[str, EvictionQuantity] | None = None
    evictionMaxPodGracePeriod: int | None = None
    evictionSoft: dict[str, EvictionQuantity] | None = None
    evictionSoftGracePeriod: dict[str, str] | None = None
    imageGCHighThresholdPercent: Annotated[int, Field(ge=0, le=100)] | None = None
    imageGCLowThresholdPercent: Annotated[int, Field(ge=0, le=100)] | None = None
    kubeReserved: dict[str, QuantityString] | None = None
    maxPods: Annotated[int, Field(ge=0)] | None = None
    podsPerCore: Annotated[int, Field(ge=0)] | None = None
    systemReserved: dict[str, QuantityString] | None = None

    @field_validator("evictionHard", "evictionSoft", "evictionSoftGracePeriod")
    @classmethod
    def _eviction_signals(cls, value: dict[str, str], info: ValidationInfo) -> dict[str, str]:
        return _signal_keys(str(info.field_name), value)

    @field_validator("kubeReserved", "systemReserved")
    @classmethod
    def _reserved_resources(cls, value: dict[str, str], info: ValidationInfo) -> dict[str, str]:
        return _reserved(str(info.field_name), value)

    @model_validator(mode="after")
    def _kubelet_rules(self) -> Kubelet:
        high, low = self.imageGCHighThresholdPercent, self.imageGCLowThresholdPercent
        soft, grace = self.evictionSoft, self.evictionSoftGracePeriod
        # `e in self.evictionSoftGracePeriod` on an absent map is a CEL error: rejected as well.
        cel(
            (
                high is None or low is None or high > low,
                "imageGCHighThresholdPercent must be greater than imageGCLowThresholdPercent",
            ),
            (
                soft is None or all(key in (grace or {}) for key in soft),
                "evictionSoft OwnerKey does not have a matching evictionSoftGracePeriod",
            ),
            (
                grace is None or all(key in (soft or {}) for key in grace),
                "evictionSoftGracePeriod OwnerKey does not have a matching evictionSoft",
            ),
        )
        return self


class NodeClassReference(KubeModel):
    apiVersion: str | None = None
    kind: str | None = None
    name: str


class ResourceRequirements(KubeModel):
    requests: dict[str, Quantity] | None = None


# NodePool ``template.spec.resources`` has ``maxProperties: 0``: only ``{}`` is accepted.
TemplateResources = Annotated[ResourceRequirements, MaxProperties(0)]


class NodeClaimRequirement(NodeSelectorRequirement):
    key_rules = NODECLAIM_KEY_RULES_V1BETA1


class NodeClaimSpec(NodeClaimSpecBase):
    kubelet: Kubelet | None = None
    nodeClassRef: NodeClassReference
    requirements: Annotated[list[NodeClaimRequirement], Field(max_length=MAX_REQUIREMENTS)]
    resources: ResourceRequirements | None = None


class NodeClaimTemplateSpec(NodeClaimSpecBase):
    kubelet: Kubelet | None = None
    nodeClassRef: NodeClassReference
    requirements: Annotated[list[NodePoolRequirement], Field(max_length=MAX_REQUIREMENTS)]
    resources: TemplateResources | None = None


class NodeClaimTemplate(KubeModel):
    metadata: TemplateMetadata | None = None
    spec: NodeClaimTemplateSpec


class Budget(BudgetBase):
    pass


class Disruption(KubeModel):
    crd_defaults = {
        "budgets": DEFAULT_BUDGETS,
        "consolidationPolicy": "WhenUnderutilized",
        "expireAfter": "720h",
    }

    budgets: Annotated[list[Budget], Field(max_length=MAX_BUDGETS)]
    consolidateAfter: Duration | None = None
    consolidationPolicy: Literal["WhenEmpty", "WhenUnderutilized"]
    expireAfter: Duration

    @field_validator("budgets")
    @classmethod
    def _budget_rules(cls, budgets: list[Budget]) -> list[Budget]:
        check_budgets(budgets)
        return budgets

    @model_validator(mode="after")
    def _consolidation_rules(self) -> Disruption:
        after, policy = self.consolidateAfter, self.consolidationPolicy
        cel(
            (
                after is None or policy != "WhenUnderutilized" or after == "Never",
                "consolidateAfter cannot be combined with consolidationPolicy=WhenUnderutilized",
            ),
            (
                policy != "WhenEmpty" or after is not None,
                "consolidateAfter must be specified with consolidationPolicy=WhenEmpty",
            ),
        )
        return self


class NodePoolSpec(KubeModel):
    crd_defaults = {"disruption": {"consolidationPolicy": "WhenUnderutilized", "expireAfter": "720h"}}

    disruption: Disruption
    limits: dict[str, Quantity] | None = None
    template: NodeClaimTemplate
    weight: Annotated[int, Field(ge=1, le=100)] | None = None


class NodePool(KubeModel):
    apiVersion: Literal["karpenter.sh/v1beta1"]
    kind: Literal["NodePool"]
    metadata: ObjectMeta
    spec: NodePoolSpec
    status: dict[str, Any] | None = None


class NodeClaim(KubeModel):
    apiVersion: Literal["karpenter.sh/v1beta1"]
    kind: Literal["NodeClaim"]
    metadata: ObjectMeta
    spec: NodeClaimSpec
    status: dict[str, Any] | None = None
