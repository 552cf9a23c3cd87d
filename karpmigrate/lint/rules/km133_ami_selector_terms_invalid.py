"""KM133: v1 amiSelectorTerms/amiFamily combinations the CRD rejects (drift-and-lint §b; spec §7.3)."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any

from karpmigrate import catalogue
from karpmigrate.findings import Path
from karpmigrate.lint._base import Hit, LintObject, RuleContext, lint_rule
from karpmigrate.lint.rules import _common

# Quoted from the v1.0.14 CRD (spec/conversion-rules.md §7.3); the CEL messages are the API server's.
_ALIAS_FORMAT = re.compile(r"^[a-zA-Z0-9]+@.+$")
_ALIAS_MAX = 30
#: alias family -> the amiFamily values the CEL accepts beside it (besides Custom).
_FAMILIES = {
    "al2": "AL2",
    "al2023": "AL2023",
    "bottlerocket": "Bottlerocket",
    "windows2019": "Windows2019",
    "windows2022": "Windows2022",
}
_LATEST_ONLY = frozenset({"windows2019", "windows2022"})
_SELECTORS = ("tags", "id", "name", "alias")
_WITH_ID = ("alias", "tags", "name", "owner")
_WITH_ALIAS = ("id", "tags", "name", "owner")

Term = Mapping[str, Any]


def _alias_problem(alias: object) -> str | None:
    """What the alias field's own CEL rules reject, None when it passes."""
    if not isinstance(alias, str):
        return None
    if len(alias) > _ALIAS_MAX:
        return f"alias {alias} is longer than {_ALIAS_MAX} characters"
    if not _ALIAS_FORMAT.match(alias):
        return f"alias {alias} is improperly formatted, must match the format 'family@version'"
    family, _, version = alias.partition("@")
    if family not in _FAMILIES:
        return f"alias family {family} is not supported, must be one of {', '.join(_FAMILIES)}"
    if family in _LATEST_ONLY and version != "latest":
        return f"alias {alias}: windows families may only specify version 'latest'"
    return None


def _term_problems(term: Term, count: int) -> Iterator[tuple[str, str]]:
    """(field, message) for each CEL rule on amiSelectorTerms one term breaks."""
    if not any(k in term for k in _SELECTORS):
        yield "", "an amiSelectorTerms entry needs one of tags, id, name or alias"
    if "alias" in term:
        others = [k for k in _WITH_ALIAS if k in term]
        if others:
            yield (
                "alias",
                f"'alias' is mutually exclusive, cannot be set with {', '.join(others)} in the same term",
            )
        if count != 1:
            yield (
                "alias",
                "'alias' is mutually exclusive, cannot be set with a combination of other amiSelectorTerms",
            )
        problem = _alias_problem(term["alias"])
        if problem:
            yield "alias", problem
    elif "id" in term:
        others = [k for k in _WITH_ID if k in term]
        if others:
            yield "id", f"'id' is mutually exclusive, cannot be set with {', '.join(others)} in the same term"


def _family_problem(obj: LintObject, terms: list[tuple[int, Term]]) -> Iterator[Hit]:
    family = obj.get(_common.AMI_FAMILY)
    aliases = [(i, _common.alias_family(t.get("alias"))) for i, t in terms if "alias" in t]
    if not aliases:
        if family is None:
            yield Hit(
                "amiSelectorTerms has no alias, so amiFamily is required (it tells Karpenter how to write "
                "userData for these AMIs)",
                _common.AMI_TERMS,
            )
        return
    if family is None or family == "Custom":
        return
    for _, alias in aliases:
        expected = _FAMILIES.get(alias or "")
        if expected is not None and family != expected:
            yield Hit(
                f"amiFamily {family} contradicts the {alias} alias: if set, amiFamily must be {expected} or Custom",
                _common.AMI_FAMILY,
            )
            return


def _path(i: int, field: str) -> Path:
    return (*_common.AMI_TERMS, i, field) if field else (*_common.AMI_TERMS, i)


@lint_rule(catalogue.KM133, kinds={"EC2NodeClass"})
def ami_selector_terms_invalid(ctx: RuleContext) -> Iterator[Hit]:
    """A v1 EC2NodeClass whose AMI selection the CRD's CEL rules reject.

    What it does:
        In a `karpenter.k8s.aws/v1` EC2NodeClass, checks the rules of the v1.0 CRD on AMI selection
        ([aws]@v1.0.14 pkg/apis/v1/ec2nodeclass.go:50-57,181-183,431-436): `amiSelectorTerms` is
        required and non-empty; every term has tags, id, name or alias; `id` and `alias` stand alone in
        their term, and an alias term is the only term; an alias reads `family@version` with a family
        of al2, al2023, bottlerocket, windows2019, windows2022 (Windows: `latest` only); without an
        alias `amiFamily` is required; with one, `amiFamily` is absent, Custom or the alias's family.
    Why it matters:
        v1beta1 accepted `amiFamily` alone; v1 does not, and the API server rejects the class, so
        `kubectl apply` or the GitOps sync fails (and a webhook-converted object fails on its next
        update).
    Example:
        spec:
          amiFamily: AL2
          amiSelectorTerms:
            - alias: al2023@latest
            - tags: {team: ml}
    Use instead:
        spec:
          amiSelectorTerms:
            - alias: al2023@v20240807
    """
    assert ctx.obj is not None
    if ctx.obj.version != "v1":
        return
    raw = ctx.obj.get(_common.AMI_TERMS)
    if raw is None or raw == []:
        where = _common.AMI_TERMS if raw == [] else _common.AMI_TERMS[:1]
        yield Hit(
            "amiSelectorTerms is required in v1 (at least one term): add an alias such as al2023@latest, "
            "or id/name/tags terms with amiFamily",
            where,
        )
        return
    if not isinstance(raw, list):
        return  # a type error: validate reports it
    terms = _common.ami_terms(ctx.obj)
    count = len(raw)
    for i, term in terms:
        for field, message in _term_problems(term, count):
            yield Hit(message, _path(i, field))
    yield from _family_problem(ctx.obj, terms)


RULE = ami_selector_terms_invalid
