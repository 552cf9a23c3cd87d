"""``karpenter.k8s.aws/v1`` EC2NodeClass as the v1.0 CRD defines it.

Source of truth: crds/v1.0/karpenter.k8s.aws_ec2nodeclasses.yaml (versions[name=v1], storage).
``spec.kubelet`` has the schema of the v1beta1 NodePool ``template.spec.kubelet``; it is
modelled here on its own so the provider models do not depend on the core ones.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import AfterValidator, Field, model_validator

from karpmigrate.models._aws_common import (
    MAX_SELECTOR_TERMS,
    BlockDeviceMappings,
    InstanceProfile,
    MetadataOptionsBase,
    Role,
    SecurityGroupSelectorTerms,
    SelectorTags,
    SubnetSelectorTerms,
    ascii_pattern,
    cel_find,
    exactly_one_role_or_profile,
    go_search,
    restricted_tags,
)
from karpmigrate.models._base import KubeModel, cel
from karpmigrate.models.meta import ObjectMeta

AMIFamily = Literal["AL2", "AL2023", "Bottlerocket", "Custom", "Windows2019", "Windows2022"]

# --- spec.kubelet ---------------------------------------------------------------------------------

EVICTION_SIGNALS = (
    "memory.available",
    "nodefs.available",
    "nodefs.inodesFree",
    "imagefs.available",
    "imagefs.inodesFree",
    "pid.available",
)
RESERVED_RESOURCES = ("cpu", "memory", "ephemeral-storage", "pid")
_SIGNAL_LIST = (
    "['memory.available','nodefs.available','nodefs.inodesFree','imagefs.available',"
    "'imagefs.inodesFree','pid.available']"
)

EVICTION_PATTERN = (
    r"^((\d{1,2}(\.\d{1,2})?|100(\.0{1,2})?)%||(\+|-)?(([0-9]+(\.[0-9]*)?)|(\.[0-9]+))"
    r"(([KMGTPE]i)|[numkMGTPE]|([eE](\+|-)?(([0-9]+(\.[0-9]*)?)|(\.[0-9]+))))?)$"
)
QUANTITY_PATTERN = (
    r"^(\+|-)?(([0-9]+(\.[0-9]*)?)|(\.[0-9]+))"
    r"(([KMGTPE]i)|[numkMGTPE]|([eE](\+|-)?(([0-9]+(\.[0-9]*)?)|(\.[0-9]+))))?$"
)

EvictionThreshold = Annotated[str, Field(pattern=EVICTION_PATTERN), ascii_pattern(EVICTION_PATTERN)]
Quantity = Annotated[str, Field(pattern=QUANTITY_PATTERN)]
Percent = Annotated[int, Field(ge=0, le=100)]
NonNegative = Annotated[int, Field(ge=0)]


def _signal_keys(field: str) -> AfterValidator:
    def check(value: dict[str, str]) -> dict[str, str]:
        cel((all(x in EVICTION_SIGNALS for x in value), f"valid keys for {field} are {_SIGNAL_LIST}"))
        return value

    return AfterValidator(check)


def _reserved(field: str) -> AfterValidator:
    def check(value: dict[str, str]) -> dict[str, str]:
        cel(
            (
                all(x in RESERVED_RESOURCES for x in value),
                f"valid keys for {field} are ['cpu','memory','ephemeral-storage','pid']",
            ),
            (
                all(not v.startswith("-") for v in value.values()),
                f"{field} value cannot be a negative resource quantity",
            ),
        )
        return value

    return AfterValidator(check)


def _owner_keys_match(owners: dict[str, str] | None, others: dict[str, str] | None) -> bool:
    """``has(self.a) ? self.a.all(e, e in self.b) : true``; a missing b is an evaluation error
    (a violation) unless a is empty, since ``all`` over nothing never reads b."""
    if owners is None or not owners:
        return True
    return others is not None and all(e in others for e in owners)


class KubeletConfiguration(KubeModel):
    clusterDNS: list[str] | None = None
    cpuCFSQuota: bool | None = None
    evictionHard: Annotated[dict[str, EvictionThreshold], _signal_keys("evictionHard")] | None = None
    evictionMaxPodGracePeriod: int | None = None
    evictionSoft: Annotated[dict[str, EvictionThreshold], _signal_keys("evictionSoft")] | None = None
    evictionSoftGracePeriod: Annotated[dict[str, str], _signal_keys("evictionSoftGracePeriod")] | None = None
    imageGCHighThresholdPercent: Percent | None = None
    imageGCLowThresholdPercent: Percent | None = None
    kubeReserved: Annotated[dict[str, Quantity], _reserved("kubeReserved")] | None = None
    maxPods: NonNegative | None = None
    podsPerCore: NonNegative | None = None
    systemReserved: Annotated[dict[str, Quantity], _reserved("systemReserved")] | None = None

    @model_validator(mode="after")
    def _kubelet_rules(self) -> KubeletConfiguration:
        high, low = self.imageGCHighThresholdPercent, self.imageGCLowThresholdPercent
        cel(
            (
                high is None or low is None or high > low,
                "imageGCHighThresholdPercent must be greater than imageGCLowThresholdPercent",
            ),
            (
                _owner_keys_match(self.evictionSoft, self.evictionSoftGracePeriod),
                "evictionSoft OwnerKey does not have a matching evictionSoftGracePeriod",
            ),
            (
                _owner_keys_match(self.evictionSoftGracePeriod, self.evictionSoft),
                "evictionSoftGracePeriod OwnerKey does not have a matching evictionSoft",
            ),
        )
        return self


# --- spec.amiSelectorTerms ------------------------------------------------------------------------

ALIAS_FAMILIES = ("al2", "al2023", "bottlerocket", "windows2019", "windows2022")


def _alias_rules(alias: str) -> str:
    parts = alias.split("@")
    family = parts[0]
    # `self.split('@')[1]` on an alias without '@' is an index error: a violation.
    windows_latest = family not in ("windows2019", "windows2022") or (len(parts) > 1 and parts[1] == "latest")
    cel(
        (
            go_search(r"^[a-zA-Z0-9]+@.+$", alias) is not None,
            "'alias' is improperly formatted, must match the format 'family@version'",
        ),
        (
            family in ALIAS_FAMILIES,
            "family is not supported, must be one of the following: "
            "'al2', 'al2023', 'bottlerocket', 'windows2019', 'windows2022'",
        ),
        (windows_latest, "windows families may only specify version 'latest'"),
    )
    return alias


class AMISelectorTerm(KubeModel):
    alias: Annotated[str, Field(max_length=30), AfterValidator(_alias_rules)] | None = None
    id: Annotated[str, Field(pattern=r"ami-[0-9a-z]+")] | None = None
    name: str | None = None
    owner: str | None = None
    tags: SelectorTags | None = None


def _selects(term: AMISelectorTerm) -> bool:
    return term.tags is not None or term.id is not None or term.name is not None


def _narrows(term: AMISelectorTerm) -> bool:
    return term.tags is not None or term.name is not None or term.owner is not None


def _ami_terms_rules(terms: list[AMISelectorTerm]) -> list[AMISelectorTerm]:
    # v1 uses `!self.exists(...)`: one offending term is enough (v1beta1 needed all of them).
    cel(
        (
            all(_selects(x) or x.alias is not None for x in terms),
            "expected at least one, got none, ['tags', 'id', 'name', 'alias']",
        ),
        (
            not any(x.id is not None and (x.alias is not None or _narrows(x)) for x in terms),
            "'id' is mutually exclusive, cannot be set with a combination of other fields in "
            "amiSelectorTerms",
        ),
        (
            not any(x.alias is not None and (x.id is not None or _narrows(x)) for x in terms),
            "'alias' is mutually exclusive, cannot be set with a combination of other fields in "
            "amiSelectorTerms",
        ),
        (
            not (any(x.alias is not None for x in terms) and len(terms) != 1),
            "'alias' is mutually exclusive, cannot be set with a combination of other amiSelectorTerms",
        ),
    )
    return terms


AMISelectorTerms = Annotated[
    list[AMISelectorTerm],
    Field(min_length=1, max_length=MAX_SELECTOR_TERMS),
    AfterValidator(_ami_terms_rules),
]

# --- spec -----------------------------------------------------------------------------------------


class MetadataOptions(MetadataOptionsBase):
    # v1.0 lowered the default hop limit from 2 to 1 (object default and field default).
    httpPutResponseHopLimit: Annotated[int, Field(ge=1, le=64)] = 1


Tags = Annotated[
    dict[str, str],
    restricted_tags(
        "eks:eks-cluster-name",
        "kubernetes.io/cluster/",
        "karpenter.sh/nodepool",
        "karpenter.sh/nodeclaim",
        "karpenter.k8s.aws/ec2nodeclass",
    ),
]

# (alias family, amiFamily it implies, message) for the five `.spec` alias/amiFamily rules.
_ALIAS_AMI_FAMILY = (
    ("al2", "AL2", "if set, amiFamily must be 'AL2' or 'Custom' when using an AL2 alias"),
    ("al2023", "AL2023", "if set, amiFamily must be 'AL2023' or 'Custom' when using an AL2023 alias"),
    (
        "bottlerocket",
        "Bottlerocket",
        "if set, amiFamily must be 'Bottlerocket' or 'Custom' when using a Bottlerocket alias",
    ),
    (
        "windows2019",
        "Windows2019",
        "if set, amiFamily must be 'Windows2019' or 'Custom' when using a Windows2019 alias",
    ),
    (
        "windows2022",
        "Windows2022",
        "if set, amiFamily must be 'Windows2022' or 'Custom' when using a Windows2022 alias",
    ),
)


class EC2NodeClassSpec(KubeModel):
    amiFamily: AMIFamily | None = None
    amiSelectorTerms: AMISelectorTerms
    associatePublicIPAddress: bool | None = None
    blockDeviceMappings: BlockDeviceMappings | None = None
    context: str | None = None
    detailedMonitoring: bool | None = None
    instanceProfile: InstanceProfile | None = None
    instanceStorePolicy: Literal["RAID0"] | None = None
    kubelet: KubeletConfiguration | None = None
    # CRD default (object and per field): the API server fills it in before validating.
    metadataOptions: MetadataOptions = Field(default_factory=MetadataOptions)
    role: Role | None = None
    securityGroupSelectorTerms: SecurityGroupSelectorTerms
    subnetSelectorTerms: SubnetSelectorTerms
    tags: Tags | None = None
    userData: str | None = None

    def _alias_families(self) -> set[str]:
        # `x.alias.find('^[^@]+')`: the text before the first '@' ("" when the alias starts with '@').
        return {cel_find(x.alias, "^[^@]+") for x in self.amiSelectorTerms if x.alias is not None}

    @model_validator(mode="after")
    def _spec_rules(self) -> EC2NodeClassSpec:
        # The oldSelf rule ("changing from 'instanceProfile' to 'role' ...") needs the stored
        # object: skipped.
        families = self._alias_families()
        cel(
            exactly_one_role_or_profile(self.role, self.instanceProfile),
            *(
                (
                    self.amiFamily is None or family not in families or self.amiFamily in ("Custom", implied),
                    message,
                )
                for family, implied, message in _ALIAS_AMI_FAMILY
            ),
            (
                any(x.alias is not None for x in self.amiSelectorTerms) or self.amiFamily is not None,
                "must specify amiFamily if amiSelectorTerms does not contain an alias",
            ),
        )
        return self


class EC2NodeClass(KubeModel):
    apiVersion: Literal["karpenter.k8s.aws/v1"]
    kind: Literal["EC2NodeClass"]
    metadata: ObjectMeta
    # Unlike NodePool/NodeClaim, the EC2NodeClass CRD has no top-level `required: [spec]`.
    spec: EC2NodeClassSpec | None = None
    status: dict[str, Any] | None = None
