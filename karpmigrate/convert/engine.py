"""Run the rules over the input set: load every file, plan across documents, convert, re-assemble.

Two passes, because a rule may read another document (the EC2NodeClass of a NodePool, in another
file): the first parses only the documents that can need a change (Karpenter objects, and workloads
whose text mentions a deprecated annotation) and builds the inventory and the kubelet plan; the
second runs the rules and splices each changed document back into its file. A document nobody
changed keeps its bytes, and is never round-tripped (design §3, performance issue P2).

Large input sets use both cores where the work is per file (issue 6): the parent parses (libyaml makes
that cheap) and plans, then workers forked with the parsed trees run the rules and write each file's
text, and send back only results. Results keep the input order; the bytes are those of the serial path.
A file with no "karpenter" in its text is never split, and its text is not kept.
"""

from __future__ import annotations

import gc
import re
import sys
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, BinaryIO

from karpmigrate.convert import codes
from karpmigrate.convert._base import Blocked, Context, Mode, Options
from karpmigrate.convert.plan import Copy, Inventory, ObjectInfo, Plan, build_plan, kubelet_of
from karpmigrate.convert.rules import rules_for
from karpmigrate.convert.rules.cl09_kubelet_in import give_kubelet
from karpmigrate.errors import InputError
from karpmigrate.findings import Finding, Level, Path
from karpmigrate.io import paths
from karpmigrate.io.codes import TEMPLATED, input_finding
from karpmigrate.io.discovery import Source, read_source
from karpmigrate.io.documents import KARPENTER_GROUPS, DocumentText, is_templated, split_documents
from karpmigrate.io.yaml import (
    ParsedDocument,
    dump_document,
    locate,
    parse_document,
    to_plain,
)

#: Kinds whose pod template may carry karpenter.sh/do-not-evict (design §3, KM212).
WORKLOAD_KINDS = frozenset({"Pod", "Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job", "CronJob"})
DEPRECATED_ANNOTATIONS = ("karpenter.sh/do-not-evict", "karpenter.sh/do-not-consolidate")
TARGET_VERSION = "v1"


@dataclass(slots=True)
class DocumentResult:
    """One object the conversion looked at (a Karpenter object, or a workload it edited)."""

    index: int
    kind: str
    name: str | None
    api_from: str
    api_to: str
    notes: list[Finding] = field(default_factory=list)
    converted: bool = True

    def to_json(self) -> dict[str, Any]:
        return {
            "index": self.index,
            "kind": self.kind,
            "name": self.name,
            "from": self.api_from,
            "to": self.api_to,
            "notes": [n.to_json() for n in self.notes],
        }


@dataclass(slots=True)
class FileResult:
    source: Source
    #: The text as read (None when the file could not be read, or needed no look at all).
    original: str | None = None
    #: The converted text (None when unchanged or not converted).
    text: str | None = None
    bom: bool = False
    documents: list[DocumentResult] = field(default_factory=list)
    #: File-level problems: unreadable, unparseable, templated.
    errors: list[Finding] = field(default_factory=list)
    skipped: str | None = None

    @property
    def display(self) -> str:
        return self.source.display

    @property
    def changed(self) -> bool:
        return self.text is not None and self.text != self.original

    @property
    def notes(self) -> list[Finding]:
        found = list(self.errors)
        for doc in self.documents:
            found.extend(doc.notes)
        return sorted(found, key=lambda f: f.sort_key)

    @property
    def failed(self) -> bool:
        """Something the user must act on: exit 3 (design §2)."""
        return any(n.level is Level.ERROR for n in self.notes)

    def to_json(self) -> dict[str, Any]:
        return {
            "path": self.display,
            "changed": self.changed,
            "skipped": self.skipped,
            "errors": [e.to_json() for e in self.errors],
            "documents": [d.to_json() for d in self.documents],
        }


# ---------------------------------------------------------------- loading


@dataclass(slots=True)
class _Object:
    prefix: Path
    kind: str
    api_version: str
    karpenter: bool
    info: ObjectInfo | None = None


@dataclass(slots=True)
class _Doc:
    text: DocumentText
    parsed: ParsedDocument
    objects: list[_Object]


@dataclass(slots=True)
class _File:
    result: FileResult
    docs: list[DocumentText] = field(default_factory=list)
    #: Indexes of the documents still to parse (``_triage`` picks them, ``_parse_file`` parses them).
    todo: list[int] = field(default_factory=list)
    parsed: dict[int, _Doc] = field(default_factory=dict)


def _is_karpenter(api_version: object) -> bool:
    return isinstance(api_version, str) and api_version.partition("/")[0] in KARPENTER_GROUPS


def _wants_workloads(options: Options) -> bool:
    return options.mode is Mode.CLEAN and not options.keep_deprecated_annotations


def _needs_parse(doc: DocumentText, workloads: bool) -> bool:
    if doc.is_karpenter:
        return True
    if doc.might_hold_karpenter and (doc.api_version is None or doc.kind == "List"):
        return True
    return (
        workloads
        and (doc.kind in WORKLOAD_KINDS or doc.kind == "List")
        and any(marker in doc.text for marker in DEPRECATED_ANNOTATIONS)
    )


def _objects(tree: Any, workloads: bool) -> Iterator[_Object]:
    candidates: list[tuple[Path, Any]] = [((), tree)]
    if isinstance(tree, Mapping) and tree.get("kind") == "List" and isinstance(tree.get("items"), list):
        candidates = [(("items", i), item) for i, item in enumerate(tree["items"])]
    for prefix, node in candidates:
        if not isinstance(node, Mapping):
            continue
        api_version, kind = node.get("apiVersion"), node.get("kind")
        if not isinstance(kind, str) or not isinstance(api_version, str):
            continue
        if _is_karpenter(api_version):
            yield _Object(prefix, kind, api_version, karpenter=True)
        elif workloads and kind in WORKLOAD_KINDS:
            yield _Object(prefix, kind, api_version, karpenter=False)


def _mentions_karpenter(text: str) -> bool:
    """Cheap test before any splitting: only Karpenter objects and workloads that carry a
    ``karpenter.sh/`` annotation are ever changed, and each of them spells "karpenter" in its text."""
    return "karpenter" in text


def _release(loaded: _File) -> _File:
    """Forget the text of a file nothing will change: memory stays independent of the tree's size
    (performance issue P2). A file on disk can be read again by the writer (``--out-dir``, stdout)."""
    if not loaded.todo and not loaded.parsed:
        loaded.docs = []
        if loaded.result.source.file is not None and not loaded.result.errors:
            loaded.result.original = None
    return loaded


def _triage(result: FileResult, text: str, options: Options) -> _File:
    """Split the file and pick the documents to parse, from their text alone (cheap, in the parent)."""
    loaded = _File(result)
    if "{{" not in text and not _mentions_karpenter(text):
        return _release(loaded)
    if is_templated(text):
        result.skipped = "templated"
        result.errors.append(
            TEMPLATED.finding(
                "Go/Helm template expressions: skipped (render it first: helm template ... | karpmigrate convert -)",
                file=result.display,
            )
        )
        return _release(loaded)
    workloads = _wants_workloads(options)
    loaded.docs = split_documents(text)
    loaded.todo = [doc.index for doc in loaded.docs if _needs_parse(doc, workloads)]
    return _release(loaded)


def _parse_file(loaded: _File, workloads: bool, *, planning: bool = True) -> _File:
    """Parse the documents ``_triage`` picked (``planning``: for the plan, which also needs each
    NodePool's kubelet; the second parse, for the rules, does not).

    ``ObjectInfo.order`` is left at 0: ``_number`` sets it in input order once every file is read.
    """
    result, display = loaded.result, loaded.result.display
    for index in loaded.todo:
        doc = loaded.docs[index]
        try:
            parsed = parse_document(doc, display)
        except InputError as exc:
            result.errors.append(input_finding(exc))
            continue
        found = list(_objects(parsed.tree, workloads))
        if not found:
            continue
        for obj in found:
            if obj.karpenter:
                node = paths.get(parsed.tree, obj.prefix)
                data = to_plain(node)
                meta = data.get("metadata") if isinstance(data.get("metadata"), dict) else {}
                name = meta.get("name") if isinstance(meta.get("name"), str) else None
                key = (display, doc.index, obj.prefix)
                obj.info = ObjectInfo(key, obj.kind, obj.api_version, name, data, node, 0)
                if planning and obj.kind == "NodePool":
                    obj.info.kubelet = kubelet_of(node)
        loaded.parsed[doc.index] = _Doc(doc, parsed, found)
    loaded.todo = []
    if result.errors:
        # One unparseable document: the file is reported and left exactly as it is (never half-converted).
        loaded.parsed.clear()
    return _release(loaded)


def _infos(loaded: _File) -> list[ObjectInfo]:
    return [obj.info for d in loaded.parsed.values() for obj in d.objects if obj.info is not None]


def _number(objects: list[ObjectInfo]) -> Inventory:
    """The inventory in input order: ``order`` breaks ties between equally near objects (plan.py)."""
    for order, info in enumerate(objects):
        info.order = order
    return Inventory(objects)


def _shed(loaded: _File) -> _File:
    """Keep what the plan needs of a parsed file (each object's plain data, a NodePool's kubelet) and drop
    its trees: the conversion parses the file again when its turn comes, so memory holds one file's trees
    at a time, not the whole input set's (performance issue P2)."""
    for info in _infos(loaded):
        info.node = None
    loaded.docs = []
    loaded.parsed = {}
    return loaded


# ---------------------------------------------------------------- converting


def _locator(parsed: ParsedDocument, prefix: Path) -> Any:
    def position(path: Path) -> tuple[int | None, int | None]:
        where = locate(parsed.tree, prefix + path)
        if where is None:
            return None, None
        return parsed.line + where[0] + 1, where[1] + 1

    return position


def _validate(ctx: Context, node: Any, mode: Mode) -> None:
    from karpmigrate.models import validate_object

    # The webhook never validates (spec §0.1): its output can be invalid, and the API server only
    # rejects it on the next write. Clean output must be valid: anything else is an error.
    level = Level.ERROR if mode is Mode.CLEAN else Level.WARNING
    for issue in validate_object(to_plain(node)):
        ctx.note(codes.INVALID_RESULT, f"not valid v1 after conversion: {issue.message}", issue.path, level)


def _blocked_by_plan(ctx: Context) -> None:
    pool = ctx.plan.pools.get(ctx.key)
    if pool is not None and pool.blocked:
        raise Blocked(
            codes.NODECLASS_MISSING, f"not converted: {pool.blocked}", ctx.claim_spec + ("kubelet",)
        )


def _convert_object(
    obj: _Object, parsed: ParsedDocument, file: str, options: Options, inventory: Inventory, plan: Plan
) -> tuple[Context, bool]:
    node = paths.get(parsed.tree, obj.prefix)
    before = obj.info.data if obj.info is not None else to_plain(node)
    ctx = Context(
        options=options,
        kind=obj.kind,
        api_version=obj.api_version,
        before=before,
        key=(file, parsed.doc.index, obj.prefix),
        inventory=inventory,
        plan=plan,
        locate=_locator(parsed, obj.prefix),
        file=file,
    )
    version = obj.api_version.rpartition("/")[2]
    applying = "the kubelet plan"
    try:
        if obj.karpenter:
            _blocked_by_plan(ctx)
        for rule in rules_for(options.mode, obj.kind, version, karpenter=obj.karpenter):
            applying = f"rule {rule.id}"
            rule.apply(node, ctx)
    except Blocked as exc:
        ctx.note(exc.code, exc.message, exc.path)
        return ctx, False
    except (KeyError, TypeError, AttributeError, IndexError):
        # A value of the wrong type where a rule expects a mapping or list (`spec: foo`,
        # `disruption: 5`): Go's decoder rejects such an object too, so it is not converted. The
        # document keeps its bytes; validate names the exact field.
        ctx.note(
            codes.NOT_CONVERTIBLE,
            f"not converted: a field does not have the type a {version} {obj.kind} needs ({applying} "
            "could not apply); the conversion webhook rejects it too: "
            "`karpmigrate validate` names the field",
            (),
        )
        return ctx, False
    converted_to_v1 = isinstance(node, Mapping) and str(node.get("apiVersion", "")).endswith("/v1")
    if obj.karpenter and version != TARGET_VERSION and converted_to_v1 and options.validate:
        _validate(ctx, node, options.mode)
    return ctx, True


_PREAMBLE = re.compile(r"\A(?:(?:[ \t]*(?:#[^\n]*)?|---[ \t]*|%[^\n]*)(?:\r?\n))*")


def _copy_text(converted: str, original: ParsedDocument, copy_plan: Copy, source: str) -> str:
    """A copy of the converted EC2NodeClass for one kubelet group (KM101), written in the same style.

    The copy starts from the converted text, not from a fresh render, so that it looks like its original
    (flow lists, quoting, comments); the header comments above the original are not repeated.
    """
    body = _PREAMBLE.sub("", converted, count=1)
    doc = DocumentText(original.doc.index, body, original.line, original.doc.api_version, original.doc.kind)
    parsed = parse_document(doc, "<copy>")
    parsed.keep_baseline()
    tree = parsed.tree
    paths.set_(tree, ("metadata", "name"), copy_plan.name)
    if paths.get(tree, ("spec", "kubelet")) is not None:
        paths.pop(tree, ("spec", "kubelet"))
    if copy_plan.kubelet is not None:
        give_kubelet(tree, copy_plan.kubelet)
    nl = original.style.newline
    pools = ", ".join(str(p.name) for p in copy_plan.pools)
    header = f"---{nl}# karpmigrate: split from {source} for NodePool {pools} (KM101: different kubelet){nl}"
    return header + _ensure_break(dump_document(parsed), nl)


def _ensure_break(text: str, newline: str) -> str:
    return text if not text or text.endswith(("\n", "\r")) else text + newline


@dataclass(slots=True)
class _Edit:
    """What the rules decided for one document: keep its text, or dump it (and add its copies)."""

    converted: bool
    copies: list[tuple[Copy, str]]


def _apply_rules(loaded: _File, options: Options, inventory: Inventory, plan: Plan) -> dict[int, _Edit]:
    """Run the rules over the file's parsed documents and record each object's result.

    Only this step edits trees; each tree belongs to one document (CL-9 gives a NodePool's kubelet to
    its class as a deep copy), so the dumps can follow in any order, or in another process.
    """
    result = loaded.result
    edits: dict[int, _Edit] = {}
    for index, entry in loaded.parsed.items():
        edit = edits[index] = _Edit(True, [])
        for obj in entry.objects:
            ctx, converted = _convert_object(obj, entry.parsed, result.display, options, inventory, plan)
            edit.converted &= converted
            node = paths.get(entry.parsed.tree, obj.prefix)
            api_to = str(node.get("apiVersion", obj.api_version)) if converted else obj.api_version
            if obj.karpenter or ctx.notes:
                result.documents.append(
                    DocumentResult(
                        index,
                        obj.kind,
                        ctx.name,
                        obj.api_version,
                        api_to,
                        sorted(ctx.notes, key=lambda f: f.sort_key),
                        converted,
                    )
                )
            class_plan = plan.classes.get(ctx.key)
            if converted and class_plan is not None and obj.prefix == ():
                edit.copies.extend((c, f"EC2NodeClass/{ctx.name}") for c in class_plan.copies)
    return edits


def _assemble(loaded: _File, edits: Mapping[int, _Edit]) -> str:
    """The file's new text: each edited document dumped (and followed by its copies), the rest as read."""
    out: list[str] = []
    for doc in loaded.docs:
        entry, edit = loaded.parsed.get(doc.index), edits.get(doc.index)
        if entry is None or edit is None:
            out.append(doc.text)
            continue
        text = dump_document(entry.parsed) if edit.converted else doc.text
        if edit.copies:
            copies = [_copy_text(text, entry.parsed, c, source) for c, source in edit.copies]
            text = _ensure_break(text, entry.parsed.style.newline) + "".join(copies)
        out.append(text)
    return "".join(out)


# ---------------------------------------------------------------- a process pool for large input sets

#: Below this many files to convert, starting worker processes costs more than it saves (tests,
#: pre-commit hooks on a few files, a single file on stdin).
PARALLEL_MIN_DOCUMENTS = 64
WORKERS = 2

#: What forked workers inherit: the parsed files, the options, the inventory and the plan.
_FORKED: list[Any] = []


def _pool_context() -> Any:
    """``fork`` where it is safe and cheap (Linux): workers start with the parsed trees in memory."""
    import multiprocessing
    import os

    if sys.platform != "linux" or (os.cpu_count() or 1) < 2:
        return None
    return multiprocessing.get_context("fork")


def _convert_file(loaded: _File, options: Options, inventory: Inventory, plan: Plan) -> None:
    # The second parse of this file: its text is kept (``result.original``), its first trees were shed.
    text = loaded.result.original
    assert text is not None
    again = _parse_file(_triage(loaded.result, text, options), _wants_workloads(options), planning=False)
    for entry in again.parsed.values():
        # Before any rule edits this tree or moves a node of it into another document (CL-9).
        entry.parsed.keep_baseline()
    edits = _apply_rules(again, options, inventory, plan)
    loaded.result.text = _assemble(again, edits)


def _convert_job(index: int) -> tuple[list[DocumentResult], str | None]:
    work, options, inventory, plan = _FORKED
    loaded = work[index]
    _convert_file(loaded, options, inventory, plan)
    return loaded.result.documents, loaded.result.text


def _chunk(count: int) -> int:
    return max(1, count // (WORKERS * 8))


def _convert_all(
    work: list[_File], options: Options, inventory: Inventory, plan: Plan, parallel: bool | None
) -> None:
    """Rules and dumps, file by file: in the parent, or in workers forked once everything is parsed
    and planned (they inherit the trees, the inventory and the plan, and send back only each file's
    results). A rule reads other documents only through the inventory and the plan, which the parse
    fixed before any rule ran, so the order of the files does not matter; results keep input order."""
    context = _pool_context()
    wanted = len(work) >= PARALLEL_MIN_DOCUMENTS
    if context is None or not (parallel or (parallel is None and wanted)):
        for loaded in work:
            _convert_file(loaded, options, inventory, plan)
        return
    from concurrent.futures import ProcessPoolExecutor

    # What every worker would import on its own (the pydantic models take ~0.3 s to build): once, here,
    # before the fork.
    import karpmigrate.io.patch  # noqa: F401

    if options.validate:
        import karpmigrate.models  # noqa: F401

    _FORKED[:] = [work, options, inventory, plan]
    # Frozen objects are never visited by the collector: a worker's collections then leave the pages
    # it shares with the parent untouched (no copy-on-write of the whole heap).
    gc.freeze()
    try:
        with ProcessPoolExecutor(WORKERS, mp_context=context) as pool:
            results = list(pool.map(_convert_job, range(len(work)), chunksize=_chunk(len(work))))
    finally:
        gc.unfreeze()
        _FORKED.clear()
    for loaded, (documents, text) in zip(work, results, strict=True):
        loaded.result.documents = documents
        loaded.result.text = text


# ---------------------------------------------------------------- public entry points


@dataclass(frozen=True, slots=True)
class Input:
    """One file to convert: its text, or the error that kept it from being read."""

    source: Source
    text: str | None
    bom: bool = False
    error: InputError | None = None


def convert_inputs(
    inputs: Iterable[Input], options: Options, *, parallel: bool | None = None
) -> list[FileResult]:
    """Convert a whole input set; results in input order. Pure: no file is read or written here.

    ``parallel``: None decides by the input's size (a pool of ``WORKERS`` processes from
    ``PARALLEL_MIN_DOCUMENTS`` documents to convert, on Linux), True always uses it, False never. The
    output is the same either way.
    """
    with _fewer_collections():
        return _convert_inputs(inputs, options, parallel)


@contextmanager
def _fewer_collections() -> Iterator[None]:
    """Run the cyclic garbage collector less often while trees are built: with the default thresholds
    it walks the growing heap of nodes again and again (a quarter of a second in the P3 run, issue 6).
    The trees hold no cycles; the few the run creates are still collected, later."""
    threshold = gc.get_threshold()
    gc.set_threshold(max(threshold[0], 50_000), *threshold[1:])
    try:
        yield
    finally:
        gc.set_threshold(*threshold)


def _convert_inputs(inputs: Iterable[Input], options: Options, parallel: bool | None) -> list[FileResult]:
    results: list[FileResult] = []
    # Only files with parsed documents keep their working state; the others keep just their result
    # (memory independent of the tree's size, performance issue P2).
    parsed: list[_File] = []
    objects: list[ObjectInfo] = []
    workloads = _wants_workloads(options)
    for item in inputs:
        result = FileResult(item.source, original=item.text, bom=item.bom)
        results.append(result)
        if item.error is not None or item.text is None:
            if item.error is not None:
                result.errors.append(input_finding(item.error))
            continue
        loaded = _triage(result, item.text, options)
        if loaded.todo:
            # libyaml parses a Karpenter object in a fraction of a millisecond (io/fastyaml.py): in
            # the parent, as the files are read, and again when the file is converted.
            loaded = _parse_file(loaded, workloads)
            if loaded.parsed:
                objects.extend(_infos(loaded))
                parsed.append(_shed(loaded))
    inventory = _number(objects)
    plan = build_plan(inventory) if options.mode is Mode.CLEAN else Plan()
    _convert_all(parsed, options, inventory, plan, parallel)
    return results


def read_inputs(sources: Iterable[Source], stdin: BinaryIO | None = None) -> Iterator[Input]:
    """The I/O edge: read each source; a file that cannot be read becomes an ``Input`` with its error.

    Serial on purpose: reader threads were measured slower on the P2 tree (the reads are page-cache
    hits, and the threads compete with the parse for the GIL)."""
    for source in sources:
        try:
            loaded = read_source(source, stdin)
        except InputError as exc:
            yield Input(source, None, error=exc)
            continue
        yield Input(source, loaded.text, loaded.bom)


def convert_text(text: str, options: Options | None = None, file: str = "-") -> FileResult:
    """Convert one file's text on its own (tests, stdin)."""
    return convert_inputs([Input(Source(file, None), text)], options or Options())[0]


def convert_texts(texts: Mapping[str, str], options: Options | None = None) -> dict[str, FileResult]:
    """Convert several files as one input set, keyed by their display path (tests)."""
    inputs = [Input(Source(name, None), text) for name, text in texts.items()]
    return {r.display: r for r in convert_inputs(inputs, options or Options())}


__all__ = [
    "DocumentResult",
    "FileResult",
    "Input",
    "convert_inputs",
    "convert_text",
    "convert_texts",
    "read_inputs",
]
