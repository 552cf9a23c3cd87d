"""KM204: a hashed EC2NodeClass field changed (drift-and-lint §a.2, §c)."""

from __future__ import annotations

from collections.abc import Iterator

from karpmigrate import catalogue
from karpmigrate.lint._base import Hit, RuleContext, Scope, lint_rule


@lint_rule(catalogue.KM204, kinds={"EC2NodeClass"}, scope=Scope.PAIR)
def nodeclass_static_drift(ctx: RuleContext) -> Iterator[Hit]:
    """A change to a field of the EC2NodeClass hash replaces every node of the class.

    What it does:
        Compares the EC2NodeClass with its previous version as Karpenter hashes it: the whole spec
        except the selector terms, with the resolved AMI family (amiFamily, else the alias family),
        metadataOptions defaults, block device mappings as a set and volume sizes by value. kubelet
        is compared for edits of a v1 class (static from 1.1, the kubelet drift hash on 1.0.x); a
        v1beta1 previous version is taken as the conversion webhook stores it (hop limit 2 kept).
    Why it matters:
        A different hash drifts every NodeClaim of the class (`NodeClassDrift`): tags, userData,
        metadataOptions or block devices are not patched onto running instances, they roll the nodes.
    Example:
        spec:
          metadataOptions:
            httpPutResponseHopLimit: 1   # v1 default, the stored v1beta1 class has 2
    Use instead:
        spec:
          metadataOptions:
            httpPutResponseHopLimit: 2
    """
    from karpmigrate.drift.hits import drift_hits

    yield from drift_hits(ctx, catalogue.KM204)


RULE = nodeclass_static_drift
