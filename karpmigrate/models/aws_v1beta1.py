"""``karpenter.k8s.aws/v1beta1`` EC2NodeClass as the v0.37.0 CRD defines it.

Source of truth: crds/v0.37/v0.37.0-v1beta1-only/karpenter.k8s.aws_ec2nodeclasses.yaml
(versions[name=v1beta1]). CEL rules are implemented literally, including the v1beta1
``!self.all(...)`` forms that v1 replaced with ``!self.exists(...)``.
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
    exactly_one_role_or_profile,
    restricted_tags,
)
from karpmigrate.models._base import KubeModel, cel
from karpmigrate.models.meta import ObjectMeta

AMIFamily = Literal["AL2", "AL2023", "Bottlerocket", "Ubuntu", "Custom", "Windows2019", "Windows2022"]


class AMISelectorTerm(KubeModel):
    id: Annotated[str, Field(pattern=r"ami-[0-9a-z]+")] | None = None
    name: str | None = None
    owner: str | None = None
    tags: SelectorTags | None = None


def _narrows(term: AMISelectorTerm) -> bool:
    return term.tags is not None or term.name is not None or term.owner is not None


def _ami_terms_rules(terms: list[AMISelectorTerm]) -> list[AMISelectorTerm]:
    # `!self.all(...)`: rejected only when every term mixes id with other fields, hence `[]` too.
    cel(
        (
            all(x.tags is not None or x.id is not None or x.name is not None for x in terms),
            "expected at least one, got none, ['tags', 'id', 'name']",
        ),
        (
            not all(x.id is not None and _narrows(x) for x in terms),
            "'id' is mutually exclusive, cannot be set with a combination of other fields in "
            "amiSelectorTerms",
        ),
    )
    return terms


AMISelectorTerms = Annotated[
    list[AMISelectorTerm], Field(max_length=MAX_SELECTOR_TERMS), AfterValidator(_ami_terms_rules)
]


class MetadataOptions(MetadataOptionsBase):
    httpPutResponseHopLimit: Annotated[int, Field(ge=1, le=64)] = 2


Tags = Annotated[
    dict[str, str],
    restricted_tags(
        "kubernetes.io/cluster/",
        "karpenter.sh/nodepool",
        "karpenter.sh/managed-by",
        "karpenter.sh/nodeclaim",
        "karpenter.k8s.aws/ec2nodeclass",
    ),
]


class EC2NodeClassSpec(KubeModel):
    amiFamily: AMIFamily
    amiSelectorTerms: AMISelectorTerms | None = None
    associatePublicIPAddress: bool | None = None
    blockDeviceMappings: BlockDeviceMappings | None = None
    context: str | None = None
    detailedMonitoring: bool | None = None
    instanceProfile: InstanceProfile | None = None
    instanceStorePolicy: Literal["RAID0"] | None = None
    # CRD default (object and per field): the API server fills it in before validating.
    metadataOptions: MetadataOptions = Field(default_factory=MetadataOptions)
    role: Role | None = None
    securityGroupSelectorTerms: SecurityGroupSelectorTerms
    subnetSelectorTerms: SubnetSelectorTerms
    tags: Tags | None = None
    userData: str | None = None

    @model_validator(mode="after")
    def _spec_rules(self) -> EC2NodeClassSpec:
        # A missing amiSelectorTerms makes the first rule's evaluation fail ("no such key"),
        # which the API server reports as the rule's message. The oldSelf rule
        # ("changing from 'instanceProfile' to 'role' ...") needs the stored object: skipped.
        terms = self.amiSelectorTerms
        cel(
            (
                self.amiFamily != "Custom" or (terms is not None and len(terms) != 0),
                "amiSelectorTerms is required when amiFamily == 'Custom'",
            ),
            exactly_one_role_or_profile(self.role, self.instanceProfile),
        )
        return self


class EC2NodeClass(KubeModel):
    apiVersion: Literal["karpenter.k8s.aws/v1beta1"]
    kind: Literal["EC2NodeClass"]
    metadata: ObjectMeta
    # Unlike NodePool/NodeClaim, the EC2NodeClass CRD has no top-level `required: [spec]`.
    spec: EC2NodeClassSpec | None = None
    status: dict[str, Any] | None = None
