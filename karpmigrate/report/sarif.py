"""``-o sarif``: SARIF 2.1.0 for GitHub code scanning (spec/ecosystem.md §1.9).

What GitHub needs to show and track an alert: a rule per code with help, a repo-relative URI, a region
on every result (GitHub drops results without one; kube-linter fakes line 1, we give the real line when we
know it), and a ``primaryLocationLineHash`` that does not change when the line moves, so an alert
survives edits above it.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from collections.abc import Iterator, Sequence
from typing import Any, TextIO

from karpmigrate.findings import FileReport, Finding, Level, dotted
from karpmigrate.report import Context, artifact_uri, directory_uri
from karpmigrate.report.meta import RuleMeta, describe

SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
SARIF_VERSION = "2.1.0"
TOOL_NAME = "karpmigrate"
SRCROOT = "%SRCROOT%"
LEVELS = {Level.ERROR: "error", Level.WARNING: "warning", Level.INFO: "note"}
#: ``properties.problem.severity`` of GitHub's table (``recommendation`` is its lowest).
SEVERITIES = {Level.ERROR: "error", Level.WARNING: "warning", Level.INFO: "recommendation"}


def _findings(reports: Sequence[FileReport]) -> Iterator[tuple[FileReport, Finding]]:
    for report in reports:
        for finding in report.findings:
            yield report, finding


def _meta(finding: Finding) -> RuleMeta:
    meta = describe(finding.code)
    if meta.known:
        return meta
    # A code no table declares (a rule under construction): the finding knows its own name and level.
    return dataclasses.replace(meta, name=finding.name or meta.name, level=finding.level)


def rule_descriptor(meta: RuleMeta) -> dict[str, Any]:
    descriptor: dict[str, Any] = {
        "id": meta.code,
        "name": meta.name,
        "shortDescription": {"text": meta.summary},
        "fullDescription": {"text": meta.description},
        "help": {"text": meta.help_text, "markdown": meta.help_markdown},
        "defaultConfiguration": {"level": LEVELS[meta.level]},
        "properties": {"tags": list(meta.tags), "problem.severity": SEVERITIES[meta.level]},
    }
    if meta.help_uri:
        descriptor["helpUri"] = meta.help_uri
    return descriptor


def _region(finding: Finding) -> tuple[dict[str, int], bool]:
    """A region for every result: GitHub drops results without one. The end is unknown: end = start."""
    if finding.line is None:
        return {"startLine": 1, "startColumn": 1, "endLine": 1, "endColumn": 1}, False
    column = finding.column if finding.column is not None else 1
    return {
        "startLine": finding.line,
        "startColumn": column,
        "endLine": finding.line,
        "endColumn": column,
    }, True


def _logical_location(finding: Finding) -> dict[str, Any] | None:
    obj = finding.obj
    if not obj.kind:
        return None
    qualified = "/".join(part for part in (obj.namespace, obj.kind, obj.name or "<unnamed>") if part)
    properties = {
        key: value
        for key, value in (("apiVersion", obj.api_version), ("kind", obj.kind), ("namespace", obj.namespace))
        if value
    }
    return {
        "name": obj.name or "<unnamed>",
        "fullyQualifiedName": qualified,
        "kind": "resource",
        "properties": properties,
    }


def fingerprint(finding: Finding, uri: str) -> str:
    """Code, file, object and field path: never the line, so a moved finding keeps its alert."""
    obj = finding.obj
    identity = "\0".join(
        (finding.code, uri, obj.kind or "", obj.namespace or "", obj.name or "", dotted(finding.path))
    )
    return hashlib.sha256(identity.encode()).hexdigest()[:32]


def _result(
    finding: Finding, file: str, rule_index: int, ctx: Context, seen: dict[str, int]
) -> dict[str, Any]:
    uri, under_root = artifact_uri(finding.file or file, ctx)
    artifact: dict[str, Any] = {"uri": uri}
    if under_root:
        artifact["uriBaseId"] = SRCROOT
    region, line_known = _region(finding)
    location: dict[str, Any] = {"physicalLocation": {"artifactLocation": artifact, "region": region}}
    logical = _logical_location(finding)
    if logical is not None:
        location["logicalLocations"] = [logical]
    # Equal identities (one problem reported twice in an object) get distinct fingerprints, as
    # GitHub's own ``hash:occurrence`` form does; otherwise code scanning would merge them.
    key = fingerprint(finding, uri)
    seen[key] = seen.get(key, 0) + 1
    properties: dict[str, Any] = {}
    if finding.path:
        properties["path"] = dotted(finding.path)
    if not line_known:
        properties["positionUnknown"] = True
        properties["positionNote"] = "karpmigrate does not know the line: the region points at line 1."
    return {
        "ruleId": finding.code,
        "ruleIndex": rule_index,
        "level": LEVELS[finding.level],
        "message": {"text": finding.message},
        "locations": [location],
        "partialFingerprints": {"primaryLocationLineHash": f"{key}:{seen[key]}"},
        **({"properties": properties} if properties else {}),
    }


def build(reports: Sequence[FileReport], ctx: Context) -> dict[str, Any]:
    """The SARIF log as plain data (pure: no I/O besides resolving paths)."""
    metas: dict[str, RuleMeta] = {}
    for _, finding in _findings(reports):
        metas.setdefault(finding.code, _meta(finding))
    codes = sorted(metas)
    index = {code: i for i, code in enumerate(codes)}
    seen: dict[str, int] = {}
    results = [_result(f, r.file, index[f.code], ctx, seen) for r, f in _findings(reports)]
    base = ctx.repo_root or ctx.working_directory
    driver: dict[str, Any] = {
        "name": TOOL_NAME,
        "semanticVersion": ctx.version,
        "version": ctx.version,
        "rules": [rule_descriptor(metas[code]) for code in codes],
    }
    run: dict[str, Any] = {
        "tool": {"driver": driver},
        "automationDetails": {"id": f"{TOOL_NAME}/{ctx.command}/"},
        "originalUriBaseIds": {SRCROOT: {"uri": directory_uri(base)}},
        "invocations": [
            {
                # Unreadable input is reported as results, but the run did not do its whole job (exit 3).
                "executionSuccessful": not any(r.runtime_error for r in reports),
                "workingDirectory": {"uri": directory_uri(ctx.working_directory)},
            }
        ],
        # Columns count characters (ruamel's positions), not UTF-16 code units.
        "columnKind": "unicodeCodePoints",
        "results": results,
    }
    return {"$schema": SCHEMA_URI, "version": SARIF_VERSION, "runs": [run]}


def render(reports: Sequence[FileReport], stream: TextIO, ctx: Context) -> None:
    json.dump(build(reports, ctx), stream, indent=2, ensure_ascii=False)
    stream.write("\n")
