"""KM108: a v1 EC2NodeClass without an explicit httpPutResponseHopLimit (drift-and-lint §b, §0.5)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from karpmigrate import catalogue
from karpmigrate.lint._base import Hit, RuleContext, lint_rule

_OPTIONS = ("spec", "metadataOptions")
_HOP_LIMIT = (*_OPTIONS, "httpPutResponseHopLimit")


@lint_rule(catalogue.KM108, kinds={"EC2NodeClass"})
def implicit_hop_limit(ctx: RuleContext) -> Iterator[Hit]:
    """A v1 EC2NodeClass leaves the IMDS hop limit to a default that changed from 2 to 1.

    What it does:
        Flags a `karpenter.k8s.aws/v1` EC2NodeClass without `spec.metadataOptions.httpPutResponseHopLimit`.
    Why it matters:
        v1beta1 defaulted the hop limit to 2, v1 defaults it to 1 ([aws]@v1.0.14 ec2nodeclass.go:130,301).
        A converted class keeps the stored 2, but a class created or replaced under v1 (a new cluster, a
        delete and re-create, a class split for KM101) gets 1, and pods without hostNetwork can no longer
        reach IMDS (kubernetes-sigs/karpenter#1769). Changing the stored value later replaces every node
        of the class (NodeClassDrift), so state it explicitly now.
    Example:
        spec:
          metadataOptions:
            httpTokens: required
    Use instead:
        spec:
          metadataOptions:
            httpTokens: required
            httpPutResponseHopLimit: 2   # what v1beta1 classes run with today
    """
    assert ctx.obj is not None
    if ctx.obj.version != "v1" or ctx.obj.get(_HOP_LIMIT) is not None:
        return
    where = _OPTIONS if isinstance(ctx.obj.get(_OPTIONS), Mapping) else _OPTIONS[:1]
    yield Hit(
        "metadataOptions.httpPutResponseHopLimit is not set: a converted class keeps the stored 2, but one "
        "created or replaced under v1 gets 1 and pods without hostNetwork lose IMDS access; set it "
        "explicitly (2 is what v1beta1 classes run with)",
        where,
    )


RULE = implicit_hop_limit
