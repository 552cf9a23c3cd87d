"""Codes of the notes ``convert`` prints: catalogue codes (spec/drift-and-lint.md) and ``KC`` ones.

A note with a ``KM`` code says the conversion touched something the lint catalogue warns about (a
split that drifts nodes, an alias that follows every AMI release, ...). ``KC`` codes belong to the
conversion itself: an object it cannot convert, a value it had to drop. The level is the note's
default; error-level notes make ``convert`` exit 3 (the user must act). KM codes and names come from
``karpmigrate.catalogue``, declared once.
"""

from __future__ import annotations

import dataclasses

from karpmigrate import catalogue
from karpmigrate.findings import Code, Level


def note(entry: Code, level: Level, summary: str) -> Code:
    """A catalogue code as a conversion note: same code and name, the note's own level and summary.

    The catalogue's level is a lint severity; a note says what the conversion did about it (a split it
    made is a warning, a hop limit it wrote out is information).
    """
    return dataclasses.replace(entry, level=level, summary=summary)


KUBELET_SPLIT = note(
    catalogue.KM101,
    Level.WARNING,
    "NodePools sharing an EC2NodeClass have different kubelet settings: one EC2NodeClass per setting.",
)
KUBELET_MOVED = note(
    catalogue.KM103,
    Level.WARNING,
    "kubelet moved to the EC2NodeClass; the live compatibility annotation must go after apply.",
)
EXPIRE_AFTER = note(
    catalogue.KM105,
    Level.WARNING,
    "The effective expireAfter of a NodePool differs from what Karpenter stored.",
)
HOP_LIMIT = note(catalogue.KM108, Level.INFO, "v1 defaults httpPutResponseHopLimit to 1 (v1beta1: 2).")
UBUNTU_NO_TERMS = note(
    catalogue.KM110, Level.ERROR, "amiFamily Ubuntu without amiSelectorTerms has no v1 equivalent."
)
UBUNTU_REWRITTEN = note(
    catalogue.KM111, Level.WARNING, "An Ubuntu EC2NodeClass becomes amiFamily AL2 with Ubuntu's root volume."
)
AMI_SELECTION = note(
    catalogue.KM112, Level.WARNING, "The AMI selection differs from what the conversion webhook stores."
)
SERVER_FIELDS = note(
    catalogue.KM115,
    Level.INFO,
    "Fields and annotations written by the API server or Karpenter do not belong in Git.",
)
NODECLASS_REF = note(catalogue.KM116, Level.WARNING, "nodeClassRef apiVersion becomes group (no version).")
RESTRICTED_TAG = note(catalogue.KM121, Level.ERROR, "A tag key that v1 rejects.")
CONSOLIDATION = note(
    catalogue.KM131,
    Level.INFO,
    "WhenUnderutilized is WhenEmptyOrUnderutilized in v1, and consolidateAfter is required.",
)
TEMPLATE_ANNOTATION = note(
    catalogue.KM209,
    Level.WARNING,
    "A NodePool template annotation changed: every node of the pool is replaced.",
)
ALIAS_LATEST = note(catalogue.KM211, Level.INFO, "An @latest alias follows every AMI release.")
DEPRECATED_ANNOTATION = note(
    catalogue.KM212,
    Level.WARNING,
    "karpenter.sh/do-not-evict and do-not-consolidate are gone in v1: karpenter.sh/do-not-disrupt.",
)

NODECLASS_MISSING = Code(
    "KC001",
    "nodeclass-not-in-input",
    Level.ERROR,
    "The EC2NodeClass a NodePool's kubelet must move to is not among the files given.",
)
NODECLAIM_IN_GIT = Code(
    "KC002",
    "nodeclaim-in-git",
    Level.WARNING,
    "NodeClaims are created by Karpenter; they do not belong in Git.",
)
INVALID_RESULT = Code(
    "KC003",
    "invalid-after-conversion",
    Level.ERROR,
    "The converted object is not valid v1.",
)
AMBIGUOUS_REFERENCE = Code(
    "KC004",
    "ambiguous-reference",
    Level.WARNING,
    "Several objects of the input set have the referenced name.",
)
FIELD_DROPPED = Code(
    "KC005",
    "field-dropped",
    Level.WARNING,
    "A field that v1 does not have was removed.",
)
NOT_CONVERTIBLE = Code(
    "KC006",
    "not-convertible",
    Level.ERROR,
    "The object cannot be converted as written.",
)
WEBHOOK_DIFFERENCE = Code(
    "KC007",
    "differs-from-webhook",
    Level.INFO,
    "The clean manifest deliberately differs from what the conversion webhook stores.",
)
CANNOT_WRITE = Code(
    "KC008",
    "cannot-write",
    Level.ERROR,
    "The converted file could not be written; the file on disk is as it was.",
    runtime=True,
)

CODES: tuple[Code, ...] = (
    KUBELET_SPLIT,
    KUBELET_MOVED,
    EXPIRE_AFTER,
    HOP_LIMIT,
    UBUNTU_NO_TERMS,
    UBUNTU_REWRITTEN,
    AMI_SELECTION,
    SERVER_FIELDS,
    NODECLASS_REF,
    RESTRICTED_TAG,
    CONSOLIDATION,
    TEMPLATE_ANNOTATION,
    ALIAS_LATEST,
    DEPRECATED_ANNOTATION,
    NODECLASS_MISSING,
    NODECLAIM_IN_GIT,
    INVALID_RESULT,
    AMBIGUOUS_REFERENCE,
    FIELD_DROPPED,
    NOT_CONVERTIBLE,
    WEBHOOK_DIFFERENCE,
    CANNOT_WRITE,
)
BY_CODE: dict[str, Code] = {c.code: c for c in CODES}
