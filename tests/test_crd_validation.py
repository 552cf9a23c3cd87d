"""``validate --crd``: loading a user's CRDs, and the API-server semantics of the CRD judge."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from karpmigrate.errors import UsageError
from karpmigrate.models import IssueKind
from karpmigrate.validate import cel
from karpmigrate.validate.crd import CrdVersion, load_crds, validate_with_crd

SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["spec"],
    "properties": {
        "apiVersion": {"type": "string"},
        "kind": {"type": "string"},
        "metadata": {"type": "object"},
        "status": {"type": "object", "properties": {"phase": {"type": "string"}}},
        "spec": {
            "type": "object",
            "required": ["size"],
            "x-kubernetes-validations": [
                {"rule": "self.size != 'huge' || has(self.reason)", "message": "huge needs a reason"},
                {"rule": "self.size == oldSelf.size", "message": "size is immutable"},
            ],
            "properties": {
                "size": {"type": "string", "enum": ["small", "huge"]},
                "reason": {"type": "string", "pattern": "^[a-z]+$"},
                "count": {"type": "integer", "format": "int32", "minimum": 1, "maximum": 9},
                "quantity": {"x-kubernetes-int-or-string": True, "pattern": "^[0-9]+m?$"},
                "note": {"type": "string", "nullable": True},
                "extra": {"type": "object", "x-kubernetes-preserve-unknown-fields": True},
                "labels": {"type": "object", "additionalProperties": {"type": "string", "maxLength": 3}},
                "policy": {
                    "type": "object",
                    "default": {"mode": "auto"},
                    "properties": {
                        "mode": {"type": "string", "enum": ["auto", "manual"]},
                        "retries": {"type": "integer", "default": 3, "maximum": 5},
                    },
                },
            },
        },
    },
}


def crd_document(kind: str = "Widget", versions: tuple[str, ...] = ("v1",)) -> dict[str, Any]:
    return {
        "apiVersion": "apiextensions.k8s.io/v1",
        "kind": "CustomResourceDefinition",
        "metadata": {"name": f"{kind.lower()}s.example.com"},
        "spec": {
            "group": "example.com",
            "names": {"kind": kind, "plural": f"{kind.lower()}s"},
            "scope": "Cluster",
            "versions": [
                {"name": v, "served": True, "storage": i == 0, "schema": {"openAPIV3Schema": SCHEMA}}
                for i, v in enumerate(versions)
            ],
        },
    }


@pytest.fixture
def widget() -> CrdVersion:
    return CrdVersion("example.com", "v1", "Widget", SCHEMA)


def obj(**spec: Any) -> dict[str, Any]:
    return {"apiVersion": "example.com/v1", "kind": "Widget", "metadata": {"name": "w"}, "spec": spec}


def kinds(issues: list[Any]) -> list[tuple[tuple[str | int, ...], IssueKind]]:
    return [(i.path, i.kind) for i in issues]


# ---------------------------------------------------------------- load_crds


def test_load_file_with_several_documents_and_versions(tmp_path: Path) -> None:
    file = tmp_path / "crds.yaml"
    file.write_text(
        json.dumps(crd_document(versions=("v1", "v1beta1"))) + "\n---\n" + json.dumps(crd_document("Gadget"))
    )
    found = load_crds(file)
    assert sorted(found) == [
        ("example.com/v1", "Gadget"),
        ("example.com/v1", "Widget"),
        ("example.com/v1beta1", "Widget"),
    ]
    assert found[("example.com/v1", "Widget")].api_version == "example.com/v1"


def test_load_directory_json_and_list(tmp_path: Path) -> None:
    (tmp_path / "a.json").write_text(json.dumps({"kind": "List", "items": [crd_document()]}))
    (tmp_path / "notes.txt").write_text("ignored: not a CRD file name")
    (tmp_path / "other.yaml").write_text("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n")
    assert list(load_crds(tmp_path)) == [("example.com/v1", "Widget")]


def test_versions_without_schema_are_skipped(tmp_path: Path) -> None:
    doc = crd_document(versions=("v1", "v2"))
    del doc["spec"]["versions"][1]["schema"]
    (tmp_path / "c.yaml").write_text(json.dumps(doc))
    assert list(load_crds(tmp_path)) == [("example.com/v1", "Widget")]


def test_the_upstream_crds_load() -> None:
    crd_dir = Path(__file__).resolve().parents[1] / ".." / "shared" / "crds" / "v1.0"
    if not crd_dir.is_dir():
        pytest.skip("../shared not present: reference data unavailable")
    assert len(load_crds(crd_dir)) == 6


@pytest.mark.parametrize(
    "text",
    [
        "spec: [unclosed\n",
        "a: 1\na: 2\n",
        '{"kind": "CustomResourceDefinition", "spec": {"names": {}}}',
        "apiVersion: v1\nkind: ConfigMap\n",
    ],
    ids=["bad-yaml", "duplicate-key", "crd-without-group", "no-crd"],
)
def test_bad_crd_input_is_a_one_line_usage_error(tmp_path: Path, text: str) -> None:
    file = tmp_path / "bad.yaml"
    file.write_text(text)
    with pytest.raises(UsageError) as info:
        load_crds(file)
    assert str(file) in str(info.value) and "\n" not in str(info.value)


def test_missing_path_is_a_usage_error(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="no such file"):
        load_crds(tmp_path / "absent.yaml")


# ---------------------------------------------------------------- validate_with_crd


def test_valid_object(widget: CrdVersion) -> None:
    assert validate_with_crd(obj(size="small", count=3, quantity=5), widget) == []


def test_defaults_apply_to_the_parent_then_its_children(widget: CrdVersion) -> None:
    # The defaulted policy then gets retries: 3; a given policy with retries 7 is still checked.
    assert validate_with_crd(obj(size="small"), widget) == []
    assert kinds(validate_with_crd(obj(size="small", policy={"retries": 7}), widget)) == [
        (("spec", "policy", "retries"), IssueKind.LIMIT)
    ]


def test_input_is_not_modified(widget: CrdVersion) -> None:
    data = obj(size="small")
    validate_with_crd(data, widget)
    assert data == obj(size="small")


def test_nulls_are_pruned_unless_nullable(widget: CrdVersion) -> None:
    assert validate_with_crd(obj(size="small", count=None, note=None), widget) == []
    # size: null is pruned, so it is missing (and the CEL rule reading it fails to evaluate).
    assert kinds(validate_with_crd(obj(size=None), widget)) == [
        (("spec", "size"), IssueKind.REQUIRED),
        (("spec",), IssueKind.CEL),
    ]


def test_schema_errors_map_to_issue_kinds(widget: CrdVersion) -> None:
    issues = validate_with_crd(
        obj(size="medium", reason="Bad", count="3", quantity="5x", labels={"a": "long"}, typo=1), widget
    )
    assert sorted(kinds(issues), key=str) == sorted(
        [
            (("spec", "size"), IssueKind.ENUM),
            (("spec", "reason"), IssueKind.PATTERN),
            (("spec", "count"), IssueKind.TYPE),
            (("spec", "quantity"), IssueKind.PATTERN),
            (("spec", "labels", "a"), IssueKind.LIMIT),
            (("spec", "typo"), IssueKind.UNKNOWN_FIELD),
        ],
        key=str,
    )
    assert {i.message for i in issues if i.kind is IssueKind.UNKNOWN_FIELD} == {'unknown field "spec.typo"'}


def test_int_or_string_and_preserve_unknown_fields(widget: CrdVersion) -> None:
    assert validate_with_crd(obj(size="small", quantity="100m", extra={"any": {"thing": [1]}}), widget) == []
    assert kinds(validate_with_crd(obj(size="small", quantity=1.5), widget)) == [
        (("spec", "quantity"), IssueKind.TYPE)
    ]


def test_metadata_and_status_are_not_checked_but_top_level_is(widget: CrdVersion) -> None:
    data = obj(size="small") | {"metadata": {"anything": 1}, "status": {"phase": 3}}
    assert validate_with_crd(data, widget) == []
    assert kinds(validate_with_crd(obj(size="small") | {"spek": {}}, widget)) == [
        (("spek",), IssueKind.UNKNOWN_FIELD)
    ]
    assert kinds(validate_with_crd({"apiVersion": "example.com/v1", "kind": "Widget"}, widget)) == [
        (("spec",), IssueKind.REQUIRED)
    ]


def test_cel_rules_run_and_transition_rules_do_not(widget: CrdVersion) -> None:
    issues = validate_with_crd(obj(size="huge"), widget)
    assert [(i.path, i.kind, i.message) for i in issues] == [
        (("spec",), IssueKind.CEL, "huge needs a reason")
    ]
    assert validate_with_crd(obj(size="huge", reason="big"), widget) == []


def test_cel_is_skipped_without_celpy(widget: CrdVersion, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cel, "cel_available", lambda: False)
    assert validate_with_crd(obj(size="huge"), widget) == []


# ---------------------------------------------------------------- cel


def test_cel_available() -> None:
    assert cel.cel_available() is True  # cel-python is a test dependency


@pytest.mark.parametrize(
    ("rule", "value", "holds"),
    [
        ("self.find('^[^@]+') == 'al2'", "al2@latest", True),
        ("self.find('^[^@]+') == 'al2'", "al2023@latest", False),
        ("self.find('[0-9]+') == ''", "abc", True),
        ("self.split('@')[1] == 'latest'", "windows2022@latest", True),
        ("self.split('@').size() == 1", "al2023", True),
        ("self.matches('^[a-z0-9]+@.+$')", "al2@v1", True),
        ("self.startsWith('-')", "-1", True),
        ("self.endsWith('k8s.io')", "kops.k8s.io", True),
        ("self.all(k, k != '' && self[k] != '')", {"a": "b"}, True),
        ("self.all(k, k != '' && self[k] != '')", {"a": ""}, False),
        ("self.exists(x, has(x.alias))", [{"id": "ami-1"}, {"alias": "al2@latest"}], True),
        ("self.filter(x, has(x.root) ? x.root : false).size() <= 1", [{"root": True}, {"root": True}], False),
        ("'a' in self", {"a": 1}, True),
        ("int(self[0]) >= 0", ["12"], True),
        ("int(self[0]) >= 0", ["abc"], False),  # evaluation error: a violation, as in the API server
        ("self.missing == 1", {}, False),
        ("size(self) == 2", [1, 2], True),
    ],
)
def test_rule_holds(rule: str, value: Any, holds: bool) -> None:
    assert cel.rule_holds(rule, value) is holds


@pytest.mark.parametrize("rule", ["self.quantity().isGreaterThan(1)", "true || self.nope()", "self.("])
def test_unsupported_rules_raise(rule: str) -> None:
    with pytest.raises(cel.UnsupportedCelError):
        cel.rule_holds(rule, {})


def test_old_self_detection() -> None:
    assert cel.uses_old_self("self == oldSelf")
    assert not cel.uses_old_self("self.oldSelfish == 1")
