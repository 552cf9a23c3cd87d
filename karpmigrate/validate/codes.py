"""The ``KV`` codes of ``validate``: declared once here, referenced everywhere by attribute."""

from __future__ import annotations

from karpmigrate.findings import Code, Level

# Re-exported: the input codes are declared once, in io.codes.
from karpmigrate.io.codes import DUPLICATE_KEY as DUPLICATE_KEY
from karpmigrate.io.codes import TEMPLATED as TEMPLATED
from karpmigrate.io.codes import TOO_COMPLEX as TOO_COMPLEX
from karpmigrate.io.codes import TOO_LARGE as TOO_LARGE
from karpmigrate.io.codes import UNREADABLE as UNREADABLE
from karpmigrate.io.codes import YAML_SYNTAX as YAML_SYNTAX
from karpmigrate.models import IssueKind

UNSUPPORTED_KIND = Code(
    "KV010",
    "unsupported-karpenter-kind",
    Level.ERROR,
    "A Karpenter apiVersion/kind that no 1.x release serves.",
)
NOT_SERVED = Code(
    "KV011",
    "version-not-served",
    Level.ERROR,
    "The apiVersion is not served by the target Karpenter version.",
)
NO_CRD_SCHEMA = Code("KV012", "no-crd-schema", Level.WARNING, "The --crd files have no schema for this kind.")
REQUIRED = Code("KV101", "required-value", Level.ERROR, "A required field is missing.")
UNKNOWN_FIELD = Code(
    "KV102", "unknown-field", Level.ERROR, "A field the schema does not declare (often a typo)."
)
WRONG_TYPE = Code("KV103", "wrong-type", Level.ERROR, "A value of the wrong JSON type.")
PATTERN = Code("KV104", "pattern-mismatch", Level.ERROR, "A string that does not match the schema pattern.")
ENUM = Code("KV105", "unsupported-value", Level.ERROR, "A value outside the schema's enum.")
LIMIT = Code(
    "KV106", "out-of-range", Level.ERROR, "A number, length or item count outside the schema limits."
)
CEL = Code(
    "KV107", "cel-rule-failed", Level.ERROR, "An x-kubernetes-validations (CEL) rule of the CRD fails."
)
FORMAT = Code("KV108", "invalid-format", Level.ERROR, "An invalid name, label or annotation.")

CODES: tuple[Code, ...] = (
    YAML_SYNTAX,
    DUPLICATE_KEY,
    UNREADABLE,
    TEMPLATED,
    TOO_COMPLEX,
    TOO_LARGE,
    UNSUPPORTED_KIND,
    NOT_SERVED,
    NO_CRD_SCHEMA,
    REQUIRED,
    UNKNOWN_FIELD,
    WRONG_TYPE,
    PATTERN,
    ENUM,
    LIMIT,
    CEL,
    FORMAT,
)
BY_CODE: dict[str, Code] = {c.code: c for c in CODES}

BY_ISSUE_KIND: dict[IssueKind, Code] = {
    IssueKind.REQUIRED: REQUIRED,
    IssueKind.UNKNOWN_FIELD: UNKNOWN_FIELD,
    IssueKind.TYPE: WRONG_TYPE,
    IssueKind.PATTERN: PATTERN,
    IssueKind.ENUM: ENUM,
    IssueKind.LIMIT: LIMIT,
    IssueKind.CEL: CEL,
    IssueKind.FORMAT: FORMAT,
}
