"""``karpmigrate validate``: judge every Karpenter object as the API server with the CRDs would.

Pure core: ``validate_text`` takes text and returns findings; ``validate_sources`` adds the reading.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from os import PathLike
from pathlib import Path as FsPath
from typing import Any, BinaryIO

from karpmigrate.errors import InputError
from karpmigrate.findings import Code, FileReport, Finding, ObjectRef, Path
from karpmigrate.io.codes import input_finding
from karpmigrate.io.discovery import Source, read_source
from karpmigrate.io.documents import DocumentText, is_templated, split_documents
from karpmigrate.io.yaml import ParsedDocument, locate, parse_document, to_plain
from karpmigrate.models import KARPENTER_GROUPS, SchemaIssue, is_supported, validate_object
from karpmigrate.target import Target
from karpmigrate.validate import codes

DEFAULT_TARGET = Target()

#: A judge turns one plain object into API-server style issues (the models, or a user's CRD).
Judge = Callable[[Mapping[str, Any]], "list[SchemaIssue] | None"]


def _is_karpenter(api_version: object) -> bool:
    return isinstance(api_version, str) and api_version.partition("/")[0] in KARPENTER_GROUPS


def _objects(parsed: ParsedDocument) -> Iterator[tuple[Path, Any]]:
    """The Karpenter objects of one document: itself, or the items of a ``kind: List``."""
    data = to_plain(parsed.tree)
    if not isinstance(data, dict):
        return
    items = data.get("items")
    if data.get("kind") == "List" and isinstance(items, list):
        for i, item in enumerate(items):
            if isinstance(item, dict) and _is_karpenter(item.get("apiVersion")):
                yield ("items", i), item
    elif _is_karpenter(data.get("apiVersion")):
        yield (), data


def _needs_parse(doc: DocumentText) -> bool:
    # Cheap first: documents that cannot hold a Karpenter object are never parsed (design §3).
    if doc.is_karpenter:
        return True
    return doc.might_hold_karpenter and (doc.api_version is None or doc.kind == "List")


class _Locator:
    def __init__(self, parsed: ParsedDocument, file: str) -> None:
        self.parsed = parsed
        self.file = file

    def position(self, path: Path, *, key: bool = False) -> tuple[int | None, int | None]:
        where = locate(self.parsed.tree, path, key=key)
        if where is None:
            return None, None
        return self.parsed.line + where[0] + 1, where[1] + 1


def _judge_object(
    data: Mapping[str, Any], prefix: Path, where: _Locator, target: Target, judge: Judge | None
) -> list[Finding]:
    obj = ObjectRef.of(data)
    api_version, kind = data.get("apiVersion"), data.get("kind")
    line, column = where.position(prefix)

    def at(code: Code, message: str) -> Finding:
        return code.finding(message, file=where.file, line=line, column=column, obj=obj, path=prefix)

    if judge is not None:
        # A user's CRD decides by itself which versions and kinds exist (validate --crd).
        issues = judge(data)
        if issues is None:
            return [at(codes.NO_CRD_SCHEMA, f"the --crd files have no schema for {api_version} {kind}")]
    elif not is_supported(api_version, kind):
        return [at(codes.UNSUPPORTED_KIND, f"{api_version} {kind} is not a Karpenter v1beta1 or v1 kind")]
    elif not target.serves(str(api_version)):
        return [at(codes.NOT_SERVED, f"{api_version} is not served by Karpenter {target}: convert it to v1")]
    else:
        issues = validate_object(data)
    findings = []
    for issue in issues:
        path = prefix + issue.path
        code = codes.BY_ISSUE_KIND[issue.kind]
        line_, column_ = where.position(path, key=code is codes.UNKNOWN_FIELD)
        findings.append(
            code.finding(issue.message, file=where.file, line=line_, column=column_, obj=obj, path=path)
        )
    return findings


def validate_text(
    text: str, file: str, *, target: Target = DEFAULT_TARGET, judge: Judge | None = None
) -> FileReport:
    """Validate every Karpenter object in one file's text."""
    report = FileReport(file)
    if is_templated(text):
        report.skipped = "templated"
        report.findings.append(
            codes.TEMPLATED.finding(
                "Go/Helm template expressions: skipped (render it first: helm template ... | karpmigrate validate -)",
                file=file,
            )
        )
        return report
    for doc in split_documents(text):
        if not _needs_parse(doc):
            continue
        try:
            parsed = parse_document(doc, file)
        except InputError as exc:
            report.findings.append(input_finding(exc))
            continue
        where = _Locator(parsed, file)
        for prefix, data in _objects(parsed):
            report.objects += 1
            found = _judge_object(data, prefix, where, target, judge)
            report.invalid_objects += any(f.level.rank >= codes.REQUIRED.level.rank for f in found)
            report.findings.extend(found)
    report.findings.sort(key=lambda f: f.sort_key)
    return report


def validate_sources(
    sources: Iterable[Source],
    *,
    target: Target = DEFAULT_TARGET,
    judge: Judge | None = None,
    stdin: BinaryIO | None = None,
) -> Iterator[FileReport]:
    """Read and validate each source; a bad file becomes findings and never stops the others."""
    for source in sources:
        try:
            loaded = read_source(source, stdin)
        except InputError as exc:
            report = FileReport(source.display)
            report.findings.append(input_finding(exc))
            yield report
            continue
        yield validate_text(loaded.text, source.display, target=target, judge=judge)


def crd_judge(path: PathLike[str] | str) -> Judge:
    """A judge backed by a user's CRD file or directory (``validate --crd``)."""
    from karpmigrate.validate.crd import load_crds, validate_with_crd

    crds = load_crds(FsPath(path))

    def judge(data: Mapping[str, Any]) -> list[SchemaIssue] | None:
        version = crds.get((data.get("apiVersion"), data.get("kind")))  # type: ignore[arg-type]
        return None if version is None else validate_with_crd(data, version)

    return judge


def exit_code(reports: Sequence[FileReport]) -> int:
    """0 valid, 1 invalid objects, 3 input that could not be read (design §2)."""
    if any(r.runtime_error for r in reports):
        return 3
    if any(f.level.rank >= codes.REQUIRED.level.rank for r in reports for f in r.findings):
        return 1
    return 0
