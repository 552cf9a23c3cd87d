"""Verdict equivalence: the typed models must accept and reject exactly what the CRDs do.

The oracle (tests/oracle.py) is the v1.0 CRDs' own schema and CEL rules. Each case is checked
twice: the oracle gives the labelled verdict with the named issue (so a wrong case cannot hide),
and the models give the oracle's verdict.
"""

from __future__ import annotations

from typing import Any

import pytest
from ruamel.yaml import YAML
from ruamel.yaml.error import YAMLError

from karpmigrate.models import IssueKind, validate_object
from karpmigrate.validate.cel import uses_old_self

try:
    from oracle import (
        CASES,
        CRD_DIR,
        SHARED,
        Case,
        api_key,
        crd_verdict,
        crds,
        iter_schema,
        load_yaml,
        schema_path,
    )
except ImportError:  # pragma: no cover - collected as a package
    from tests.oracle import (
        CASES,
        CRD_DIR,
        SHARED,
        Case,
        api_key,
        crd_verdict,
        crds,
        iter_schema,
        load_yaml,
        schema_path,
    )

pytestmark = pytest.mark.skipif(
    not CRD_DIR.is_dir(), reason="../shared not present: reference data unavailable"
)
CORPUS = SHARED / "corpus" / "realworld" / "yaml"

# Schema constraints no manifest can violate, with the reason. A stale entry fails the test.
UNREACHABLE = {
    (
        "pattern",
        ("spec", "template", "spec", "requirements", "[]", "values"),
    ): "pattern on an array checks nothing",
    ("pattern", ("spec", "requirements", "[]", "values")): "pattern on an array checks nothing",
    (
        "maxLength",
        ("spec", "template", "spec", "requirements", "[]", "values"),
    ): "maxLength on an array checks nothing",
    ("maxLength", ("spec", "requirements", "[]", "values")): "maxLength on an array checks nothing",
    ("required", ("spec", "disruption", "budgets", "[]", "nodes")): "defaulted to 10% when missing",
}
LIMIT_KEYWORDS = (
    "maxItems",
    "minItems",
    "maxLength",
    "minLength",
    "maximum",
    "minimum",
    "maxProperties",
    "minProperties",
)


def _ids(case: Case) -> str:
    return case.id


@pytest.mark.parametrize("case", CASES, ids=_ids)
def test_oracle_gives_the_labelled_verdict(case: Case) -> None:
    issues = crd_verdict(case.build())
    if case.expect is None:
        assert issues == []
        return
    expected = case.expect
    matching = [i for i in issues if i.kind is expected.kind and i.path == expected.path]
    if expected.kind is IssueKind.CEL:
        matching = [i for i in matching if i.message == expected.detail]
    assert matching, f"expected {expected} among {issues}"


@pytest.mark.parametrize("case", CASES, ids=_ids)
def test_models_agree_with_the_oracle(case: Case) -> None:
    data = case.build()
    oracle, models = crd_verdict(data), validate_object(data)
    assert bool(models) == bool(oracle), f"oracle: {oracle}\nmodels: {models}"


def _constraints(api_version: str, kind: str) -> set[tuple[str, tuple[str, ...], str | None]]:
    """Every checkable CEL rule, pattern, enum, required field and limit of one CRD version."""
    schema = crds()[(api_version, kind)].schema
    out: set[tuple[str, tuple[str, ...], str | None]] = set()
    for path, node in iter_schema(schema):
        if path[:1] == ("status",) or path[:1] == ("metadata",):
            continue
        for rule in node.get("x-kubernetes-validations") or ():
            if not uses_old_self(rule["rule"]):
                out.add(("cel", path, rule["message"]))
        for keyword in ("pattern", "enum", *LIMIT_KEYWORDS):
            if keyword in node:
                out.add(
                    (
                        keyword if keyword in ("pattern", "enum") else "limit",
                        path,
                        None if keyword in ("pattern", "enum") else keyword,
                    )
                )
        for name in node.get("required") or ():
            out.add(("required", (*path, name), None))
    return out


def _key(aspect: str, path: tuple[str, ...], detail: str | None) -> tuple[str, tuple[str, ...]]:
    return (detail if aspect == "limit" and detail else aspect), path


def _covered(api_version: str, kind: str) -> set[tuple[str, tuple[str, ...], str | None]]:
    schema = crds()[(api_version, kind)].schema
    aspects = {IssueKind.CEL: "cel", IssueKind.PATTERN: "pattern", IssueKind.ENUM: "enum",
               IssueKind.LIMIT: "limit", IssueKind.REQUIRED: "required"}  # fmt: skip
    out = set()
    for case in CASES:
        if (
            case.expect is None
            or api_key(case.base) != (api_version, kind)
            or case.expect.kind not in aspects
        ):
            continue
        aspect = aspects[case.expect.kind]
        detail = case.expect.detail if aspect in ("cel", "limit") else None
        out.add((aspect, schema_path(schema, case.expect.path), detail))
    return out


@pytest.mark.parametrize("key", sorted(crds(CRD_DIR)) if CRD_DIR.is_dir() else [], ids=" ".join)
def test_every_rule_has_a_failing_case(key: tuple[str, str]) -> None:
    wanted = _constraints(*key)
    unreachable = {c for c in wanted if _key(c[0], c[1], c[2]) in UNREACHABLE}
    missing = wanted - unreachable - _covered(*key)
    assert not missing, "constraints without a failing case:\n" + "\n".join(
        map(str, sorted(missing, key=str))
    )


def test_unreachable_table_is_not_stale() -> None:
    everything = {_key(*c) for key in crds() for c in _constraints(*key)}
    assert set(UNREACHABLE) <= everything


def _corpus_documents() -> list[tuple[str, Any]]:
    out = []
    for file in sorted(CORPUS.glob("*")):
        text = file.read_text(encoding="utf-8")
        if "{{" in text:
            continue
        try:
            docs = list(YAML(typ="safe", pure=True).load_all(text))
        except YAMLError:
            continue  # not YAML (e.g. Terraform ${...} interpolation): validate reports KV001 for it
        for index, doc in enumerate(docs):
            if isinstance(doc, dict) and (doc.get("apiVersion"), doc.get("kind")) in crds():
                out.append((f"{file.name}#{index}", _plain(doc)))
    return out


def _plain(value: Any) -> Any:
    """JSON-like data, as check-jsonschema does: YAML timestamps become strings."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def test_corpus_gets_a_verdict_from_both_judges(capsys: pytest.CaptureFixture[str]) -> None:
    documents = _corpus_documents()
    assert documents, f"no Karpenter documents found in {CORPUS}"
    disagreements = []
    for name, data in documents:
        oracle, models = crd_verdict(data), validate_object(data)
        if bool(oracle) != bool(models):
            disagreements.append(
                f"{name}: oracle={[i.message for i in oracle]} models={[i.message for i in models]}"
            )
    with capsys.disabled():
        print(f"\n{len(documents)} corpus documents, {len(disagreements)} disagreements")
        for line in disagreements:
            print("  " + line)


def test_load_yaml_reads_the_fixtures() -> None:
    # Guards the bases themselves: each is what its name says.
    assert {api_key(base) for base in ("np1", "np0", "nc1", "nc0", "ec1", "ec0")} == set(crds())
    assert load_yaml(CRD_DIR / "karpenter.sh_nodepools.yaml")["kind"] == "CustomResourceDefinition"
