"""Pieces of the karpenter.sh CRDs that v1beta1 (v0.37) and v1 (v1.0) share verbatim.

Patterns are copied character for character from the CRDs (``crds/v0.37/v0.37.0-v1beta1-only`` and
``crds/v1.0``), because the issue message quotes them. pydantic's default (Rust) regex engine
searches, unanchored, like the OpenAPI ``pattern`` keyword, and its ``$`` matches only at the end
of the text, as Go's RE2 does (Python's ``re`` would also match before a final newline).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Any, ClassVar, Literal, Protocol, Union

from pydantic import (
    AfterValidator,
    Discriminator,
    Field,
    StringConstraints,
    Tag,
    field_validator,
)
from pydantic_core import PydanticCustomError

from karpmigrate.labels import AWS_WELL_KNOWN, K8S_WELL_KNOWN_LABELS
from karpmigrate.models._base import KubeModel, cel

# ---- patterns (verbatim) ------------------------------------------------------------------------

QUANTITY = r"^(\+|-)?(([0-9]+(\.[0-9]*)?)|(\.[0-9]+))(([KMGTPE]i)|[numkMGTPE]|([eE](\+|-)?(([0-9]+(\.[0-9]*)?)|(\.[0-9]+))))?$"
QUALIFIED_KEY = r"^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*(\/))?([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$"
LABEL_VALUE = r"^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$"
# v0.37 and v1.0 share the precedence bug: "starts with a duration" OR "ends with Never", so
# `10mfoo` is accepted (conversion-rules.md §7 reading notes; fixed in crds/latest).
DURATION_OR_NEVER = r"^(([0-9]+(s|m|h))+)|(Never)$"
BUDGET_DURATION = r"^((([0-9]+(h|m))|([0-9]+h[0-9]+m))(0s)?)$"
BUDGET_NODES = r"^((100|[0-9]{1,2})%|[0-9]+)$"
BUDGET_SCHEDULE = (
    r"^(@(annually|yearly|monthly|weekly|daily|midnight|hourly))|((.+)\s(.+)\s(.+)\s(.+)\s(.+))$"
)

# v0.37.0 said 30 for requirements; v0.37.1+ and v1.0 (both versions) say 100. The upgrade path
# to v1 requires >= v0.37.1, so the v1beta1 models use 100 too.
MAX_REQUIREMENTS = 100
MAX_BUDGETS = 50

# ---- structural defaulting ----------------------------------------------------------------------


# ---- scalar types -------------------------------------------------------------------------------


def _int_or_str(value: Any) -> str:
    return "str" if isinstance(value, str) else "int"


def int_or_string(pattern: str) -> Any:
    """``x-kubernetes-int-or-string`` with a pattern: the pattern only constrains the string form.

    A callable discriminator sends strings to the string member only, so a bad quantity yields one
    pattern issue, not an extra "must be of type integer". The tags are named "int"/"str" because
    ``_base._clean_loc`` drops those names from issue paths.
    """
    return Annotated[
        Union[  # noqa: UP007 - Annotated members need the Union form
            Annotated[int, Tag("int")],
            Annotated[str, StringConstraints(pattern=pattern), Tag("str")],
        ],
        Discriminator(_int_or_str),
    ]


Quantity = int_or_string(QUANTITY)

# `format: date-time` as kube-openapi's strfmt IsDateTime checks it: a real calendar date, "T" (any
# case), hh:mm:ss in range, optional fraction, "Z" or a numeric offset.
_DATE_TIME = re.compile(r"\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})")


def _is_date_time(value: str) -> bool:
    if not _DATE_TIME.fullmatch(value):
        return False
    try:
        datetime.fromisoformat(value[:19].replace("t", "T"))
    except ValueError:
        return False
    return True


def _date_time(value: str) -> str:
    if not _is_date_time(value):
        raise PydanticCustomError(
            "k8s_format_error", "{error}", {"error": f'Invalid value: "{value}": must be of type date-time'}
        )
    return value


DateTime = Annotated[str, AfterValidator(_date_time)]

# ---- label-domain CEL rules (requirement keys and template labels) ------------------------------

_DOMAIN = re.compile(r"^([^/]+)")


def label_domain(key: str) -> str:
    """CEL ``key.find("^([^/]+)")``: everything before the first "/", "" when the key starts with one."""
    match = _DOMAIN.search(key)
    return match.group(1) if match else ""


class KeyRule(Protocol):
    @property
    def message(self) -> str: ...

    def holds(self, key: str) -> bool: ...


@dataclass(frozen=True)
class RestrictedDomain:
    """``key in allowed || domain.endsWith(exempt...) || !domain.endsWith(suffix)``.

    ``endsWith`` is a plain suffix test upstream, without a dot boundary: ``notkarpenter.sh/x`` is
    restricted too.
    """

    message: str
    suffix: str
    allowed: frozenset[str] = frozenset()
    exempt_suffixes: tuple[str, ...] = ()

    def holds(self, key: str) -> bool:
        domain = label_domain(key)
        return (
            key in self.allowed
            or any(domain.endswith(exempt) for exempt in self.exempt_suffixes)
            or not domain.endswith(self.suffix)
        )


@dataclass(frozen=True)
class RestrictedKey:
    """``key != forbidden``."""

    message: str
    forbidden: str

    def holds(self, key: str) -> bool:
        return key != self.forbidden


# The requirement-key rule lists node.kubernetes.io/instance-type too; the label rule does not
# (it is exempt either way through the node.kubernetes.io suffix).
_K8S_WELL_KNOWN_REQUIREMENTS = K8S_WELL_KNOWN_LABELS | {"node.kubernetes.io/instance-type"}

# v1.0's NodeClaim (v1 and v1beta1) also knows these two; v1.0's NodePool does not.
AWS_WELL_KNOWN_V1_NODECLAIM = AWS_WELL_KNOWN | {
    "karpenter.k8s.aws/ec2nodeclass",
    "karpenter.k8s.aws/instance-cpu-sustained-clock-speed-mhz",
}


def _key_rules(
    k8s_allowed: frozenset[str], aws_allowed: frozenset[str], *, nodepool: bool
) -> tuple[KeyRule, ...]:
    rules: list[KeyRule] = [
        RestrictedDomain(
            'label domain "kubernetes.io" is restricted',
            "kubernetes.io",
            k8s_allowed,
            ("node.kubernetes.io", "node-restriction.kubernetes.io"),
        ),
        RestrictedDomain('label domain "k8s.io" is restricted', "k8s.io", exempt_suffixes=("kops.k8s.io",)),
        RestrictedDomain(
            'label domain "karpenter.sh" is restricted',
            "karpenter.sh",
            frozenset({"karpenter.sh/capacity-type", "karpenter.sh/nodepool"}),
        ),
    ]
    if nodepool:
        rules.append(RestrictedKey('label "karpenter.sh/nodepool" is restricted', "karpenter.sh/nodepool"))
    rules.append(RestrictedKey('label "kubernetes.io/hostname" is restricted', "kubernetes.io/hostname"))
    aws = RestrictedDomain('label domain "karpenter.k8s.aws" is restricted', "karpenter.k8s.aws", aws_allowed)
    rules.append(aws)
    return tuple(rules)


# crds/*/karpenter.sh_nodepools.yaml spec.template.metadata.labels (same list in v0.37 and v1.0).
TEMPLATE_LABEL_RULES = _key_rules(K8S_WELL_KNOWN_LABELS, AWS_WELL_KNOWN, nodepool=True)
# ...spec.template.spec.requirements[].key (NodePool, both versions).
NODEPOOL_KEY_RULES = _key_rules(_K8S_WELL_KNOWN_REQUIREMENTS, AWS_WELL_KNOWN, nodepool=True)
# karpenter.sh_nodeclaims.yaml spec.requirements[].key: no "karpenter.sh/nodepool" rule, since
# the controller writes that label onto every NodeClaim.
NODECLAIM_KEY_RULES_V1BETA1 = _key_rules(_K8S_WELL_KNOWN_REQUIREMENTS, AWS_WELL_KNOWN, nodepool=False)
NODECLAIM_KEY_RULES_V1 = _key_rules(_K8S_WELL_KNOWN_REQUIREMENTS, AWS_WELL_KNOWN_V1_NODECLAIM, nodepool=False)


def check_keys(keys: Iterable[str], rules: Sequence[KeyRule]) -> None:
    """Each rule as ``self.all(x, <rule on x>)`` over ``keys``."""
    key_list = list(keys)
    cel(*((all(rule.holds(key) for key in key_list), rule.message) for rule in rules))


# ---- shared objects -----------------------------------------------------------------------------


class Taint(KubeModel):
    key: Annotated[str, StringConstraints(min_length=1, pattern=QUALIFIED_KEY)]
    value: Annotated[str, StringConstraints(pattern=QUALIFIED_KEY)] | None = None
    effect: Literal["NoSchedule", "PreferNoSchedule", "NoExecute"]
    timeAdded: DateTime | None = None


class NodeSelectorRequirement(KubeModel):
    """``requirements[]``; subclasses pick the CEL rules on ``key`` their CRD carries."""

    key_rules: ClassVar[tuple[KeyRule, ...]] = ()

    key: Annotated[str, StringConstraints(max_length=316, pattern=QUALIFIED_KEY)]
    minValues: Annotated[int, Field(ge=1, le=50)] | None = None
    operator: Literal["In", "NotIn", "Exists", "DoesNotExist", "Gt", "Lt"]
    # controller-gen put `maxLength: 63` and the label-value `pattern` on the array itself, where
    # the API server ignores them (they are not `items` keywords); only Karpenter's Go runtime
    # validation checks each value. So they are deliberately not enforced here.
    values: list[str] | None = None

    @field_validator("key")
    @classmethod
    def _key_rules(cls, key: str) -> str:
        check_keys([key], cls.key_rules)
        return key


class NodePoolRequirement(NodeSelectorRequirement):
    key_rules = NODEPOOL_KEY_RULES


_CEL_INT = re.compile(r"[+-]?[0-9]+")
_INT64 = 2**63


def _cel_int_at_least_zero(text: str) -> bool:
    """CEL ``int(s) >= 0``: strconv.ParseInt base 10 (sign allowed, no spaces or underscores)."""
    if not _CEL_INT.fullmatch(text):
        return False  # int() fails, so the rule fails
    number = int(text)
    return 0 <= number < _INT64


def _in_has_values(req: NodeSelectorRequirement) -> bool:
    # A missing `values` makes `x.values.size()` a CEL error: the object is rejected all the same.
    return req.operator != "In" or bool(req.values)


def _gt_lt_single_integer(req: NodeSelectorRequirement) -> bool:
    if req.operator not in ("Gt", "Lt"):
        return True
    return req.values is not None and len(req.values) == 1 and _cel_int_at_least_zero(req.values[0])


def _enough_min_values(req: NodeSelectorRequirement) -> bool:
    if req.operator != "In" or req.minValues is None:
        return True
    return req.values is not None and len(req.values) >= req.minValues


def check_requirements(requirements: Sequence[NodeSelectorRequirement]) -> None:
    """``x-kubernetes-validations`` of ``requirements`` (identical in v0.37 and v1.0)."""
    cel(
        (all(map(_in_has_values, requirements)), "requirements with operator 'In' must have a value defined"),
        (
            all(map(_gt_lt_single_integer, requirements)),
            "requirements operator 'Gt' or 'Lt' must have a single positive integer value",
        ),
        (
            all(map(_enough_min_values, requirements)),
            "requirements with 'minValues' must have at least that many values specified "
            "in the 'values' field",
        ),
    )


class NodeClaimSpecBase(KubeModel):
    """Fields and rules every NodeClaim spec and NodePool template spec has, in both versions."""

    startupTaints: list[Taint] | None = None
    taints: list[Taint] | None = None

    @field_validator("requirements", check_fields=False)
    @classmethod
    def _requirements_rules(cls, value: list[NodeSelectorRequirement]) -> list[NodeSelectorRequirement]:
        check_requirements(value)
        return value


LabelValue = Annotated[str, StringConstraints(max_length=63, pattern=LABEL_VALUE)]


class TemplateMetadata(KubeModel):
    """``spec.template.metadata`` of a NodePool: only labels and annotations are kept."""

    annotations: dict[str, str] | None = None
    labels: Annotated[dict[str, LabelValue], Field(max_length=100)] | None = None

    @field_validator("labels")
    @classmethod
    def _label_rules(cls, labels: dict[str, str]) -> dict[str, str]:
        check_keys(labels, TEMPLATE_LABEL_RULES)
        return labels


class BudgetBase(KubeModel):
    crd_defaults = {"nodes": "10%"}

    duration: Annotated[str, StringConstraints(pattern=BUDGET_DURATION)] | None = None
    # `required: [nodes]` never fails: a missing (or null, hence pruned) `nodes` is defaulted first.
    nodes: Annotated[str, StringConstraints(pattern=BUDGET_NODES)]
    schedule: Annotated[str, StringConstraints(pattern=BUDGET_SCHEDULE)] | None = None


def check_budgets(budgets: Sequence[BudgetBase]) -> None:
    cel(
        (
            all((b.schedule is None) == (b.duration is None) for b in budgets),
            "'schedule' must be set with 'duration'",
        )
    )


DEFAULT_BUDGETS = [{"nodes": "10%"}]
