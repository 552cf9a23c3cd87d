"""KM110: amiFamily Ubuntu without amiSelectorTerms has no v1 equivalent (drift-and-lint §b; EC-2c)."""

from __future__ import annotations

from collections.abc import Iterator

from karpmigrate import catalogue
from karpmigrate.lint._base import Hit, LintObject, RuleContext, lint_rule
from karpmigrate.lint.rules import _common

#: EC-2c: the webhook's term, "only so the v1 CRD validation passes" (ec2nodeclass_conversion.go:181-186).
_PLACEHOLDER = "ami-placeholder"
_NOT_READY = (
    "the class stays NotReady (AMIsReady=False, AMINotFound) and its NodePools are left out of "
    "provisioning and drift"
)


def _v1beta1(obj: LintObject) -> Iterator[Hit]:
    if obj.get(_common.AMI_FAMILY) == "Ubuntu" and _common.family_only(obj):
        yield Hit(
            "amiFamily Ubuntu without amiSelectorTerms has no v1 equivalent: the conversion stores AL2 with "
            f"a placeholder AMI and marks it incompatible, so {_NOT_READY}; select the Ubuntu AMIs with "
            "amiSelectorTerms (id, name or tags) before upgrading",
            _common.AMI_FAMILY,
        )


def _v1(obj: LintObject) -> Iterator[Hit]:
    marker = _common.annotations_of(obj).get(_common.UBUNTU_ANNOTATION)
    if _common.ubuntu_incompatible(marker):
        # [aws]@v1.0.14 pkg/controllers/nodeclass/status/ami.go:38-41: the annotation alone decides.
        yield Hit(
            f"the {_common.UBUNTU_ANNOTATION} annotation says incompatible: {_NOT_READY}; give the class "
            "real amiSelectorTerms for the Ubuntu AMIs and remove the annotation",
            _common.annotation_path(_common.UBUNTU_ANNOTATION),
        )
    for i, term in _common.ami_terms(obj):
        if term.get("id") == _PLACEHOLDER:
            yield Hit(
                f"amiSelectorTerms holds the conversion's {_PLACEHOLDER}, which matches no AMI: {_NOT_READY}; "
                "replace it with the Ubuntu AMIs' id, name or tags",
                (*_common.AMI_TERMS, i, "id"),
            )


_BY_VERSION = {"v1beta1": _v1beta1, "v1": _v1}


@lint_rule(catalogue.KM110, kinds={"EC2NodeClass"})
def ubuntu_without_ami_terms(ctx: RuleContext) -> Iterator[Hit]:
    """An Ubuntu EC2NodeClass that selects AMIs by family alone, or its incompatible v1 conversion.

    What it does:
        Flags a `karpenter.k8s.aws/v1beta1` EC2NodeClass with `amiFamily: Ubuntu` and no
        `amiSelectorTerms`, and a v1 class still carrying what the webhook made of one: a
        `compatibility.karpenter.k8s.aws/v1beta1-ubuntu` annotation containing `incompatible` (KM115
        leaves that annotation to this rule) or an `ami-placeholder` term.
    Why it matters:
        v1 has no Ubuntu family. The webhook converts such a class to AL2 with the placeholder term
        `id: ami-placeholder` and marks it `incompatible` (EC-2c, ec2nodeclass_conversion.go:155-188):
        the class is NotReady, its NodePools launch nothing and are excluded from drift, so its nodes
        silently stop being managed (v1-migration.md:62-101).
    Example:
        apiVersion: karpenter.k8s.aws/v1beta1
        kind: EC2NodeClass
        spec:
          amiFamily: Ubuntu
    Use instead:
        apiVersion: karpenter.k8s.aws/v1beta1
        kind: EC2NodeClass
        spec:
          amiFamily: Ubuntu
          amiSelectorTerms:
            - name: ubuntu-eks/k8s_1.30/images/*
              owner: "099720109477"
    """
    assert ctx.obj is not None
    check = _BY_VERSION.get(ctx.obj.version)
    if check is not None:
        yield from check(ctx.obj)


RULE = ubuntu_without_ami_terms
