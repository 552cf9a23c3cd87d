"""The text patch of ``io.patch`` against the render-and-splice path it short-cuts (issue 6, P3).

``dump_document`` patches the original text of a libyaml-built document (``ParsedDocument.fast``) and
falls back to rendering with ruamel when ``patch_text`` returns None. The patch must never change what a
conversion means, and on a document ruamel itself writes back unchanged (canonical) it must give the very
bytes the old path gives:

1. ``_Emitter`` (the small block emitter for added keys) is either None or byte-identical to
   ``render_fragment`` (ruamel), and it does write the shapes rules add itself;
2. every convert golden input, a generated P3 corpus and generated documents with comments, edited the
   way io/paths.py edits them, come out as the same data with and without the patch, as the same bytes
   for canonical documents, and the patch path is really taken;
3. ``patch_text`` edits exactly the lines it should, and declines (None) what it cannot express.
"""

from __future__ import annotations

import copy
import difflib
import importlib
import io
import random
import string
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from io_support import ROOT
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.scalarstring import DoubleQuotedScalarString, SingleQuotedScalarString

from karpmigrate.convert import Options
from karpmigrate.convert import engine as convert_engine
from karpmigrate.convert.engine import Input, convert_inputs, convert_texts
from karpmigrate.io import fastyaml, paths
from karpmigrate.io import patch as patch_module
from karpmigrate.io.discovery import Source
from karpmigrate.io.documents import DocumentText
from karpmigrate.io.patch import _Emitter, patch_text, same_tree
from karpmigrate.io.yaml import (
    RUAMEL,
    ParsedDocument,
    Style,
    _load,
    _render,
    detect_style,
    dump_document,
    parse_document,
    render_fragment,
    to_plain,
)

pytestmark = pytest.mark.skipif(not fastyaml.available(), reason="PyYAML built without libyaml")

CONVERT_FIXTURES = ROOT / "fixtures" / "convert"
BENCH = ROOT / "bench"
PATCH = "karpmigrate.io.patch.patch_text"


def _support(directory: Path, name: str) -> ModuleType:
    """A helper module of another test directory or of bench/ (they import their siblings by name)."""
    if str(directory) not in sys.path:
        sys.path.insert(0, str(directory))
    return importlib.import_module(name)


# ---------------------------------------------------------------- 1. emitter parity

# Styles detect_style can return: sequence >= offset + 2 (4-space documents with indented dashes
# give (4, 6, 4)).
STYLES = [
    Style(2, 2, 0),
    Style(2, 4, 2),
    Style(4, 4, 0),
    Style(4, 4, 2),
    Style(4, 6, 4),
    Style(2, 3, 1),
    Style(3, 5, 2),
    Style(4, 2, 0),
    Style(2, 6, 4),
]


def _style_id(style: Style) -> str:
    return f"m{style.mapping}s{style.sequence}o{style.offset}"


def _styled(node: Any, flow: bool) -> Any:
    if flow:
        node.fa.set_flow_style()
    return node


_IDENT = st.from_regex(r"[a-zA-Z][a-zA-Z0-9]{0,6}(?:[-./_@][a-zA-Z0-9]{1,4}){0,2}", fullmatch=True)
# Quantities and durations, and look-alikes that are numbers (1e3, 0x1F) and must be quoted.
_QUANTITY = st.builds(
    "{}{}".format,
    st.integers(0, 2000),
    st.sampled_from(
        ["Mi", "Gi", "Ki", "m", "h", "s", "ms", "m30s", "h30m", "Ti", "e3", "E", "x1", ".5Gi", "e-1"]
    ),
)
_NEEDS_QUOTES = st.sampled_from(
    ["yes", "no", "On", "true", "False", "null", "~", "", "123", "1e3", "a: b", "- x", "@x", "a #b", "10%"]
    + [
        " lead",
        "trail ",
        "0x1F",
        "0o7",
        "2024-01-01",
        "1.5",
        ".inf",
        "é",
        "a\nb",
        "*a",
        "&a",
        "!t",
        "|",
        "a,b",
    ]
)
_TEXT = st.text(alphabet=string.printable, max_size=8)
_STRING = st.one_of(_IDENT, _QUANTITY, _NEEDS_QUOTES, _TEXT)
# What rules write, which the emitter must handle itself...
_USUAL = st.one_of(
    st.integers(-(10**6), 10**12),
    st.booleans(),
    _IDENT,
    _QUANTITY,
    st.from_regex(r"[a-z0-9%:/ .-]{0,8}", fullmatch=True).map(DoubleQuotedScalarString),
    st.from_regex(r"[a-z0-9%:/ .-]{0,8}", fullmatch=True).map(SingleQuotedScalarString),
)
# ...and anything else, which it may leave to ruamel (None) but never write differently.
_UNUSUAL = st.one_of(
    _STRING,
    _STRING.map(DoubleQuotedScalarString),
    _STRING.map(SingleQuotedScalarString),
    st.sampled_from([None, 1.5]),
)


def _mostly(usual: st.SearchStrategy[Any], unusual: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    """``usual`` 19 times in 20: a value with one unusual leaf is left to ruamel as a whole."""
    return st.sampled_from([usual] * 19 + [unusual]).flatmap(lambda chosen: chosen)


_SCALAR = _mostly(_USUAL, _UNUSUAL)
_KEY = _mostly(_IDENT, st.one_of(_QUANTITY, _NEEDS_QUOTES))
# Block style mostly: flow collections nested in flow collections are left to ruamel.
_FLOW = st.sampled_from([False, False, True])


def _collections(children: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    maps = st.builds(
        lambda entries, flow: _styled(CommentedMap(entries), flow),
        _mostly(st.dictionaries(_KEY, children, min_size=1, max_size=4), st.just({})),
        _FLOW,
    )
    seqs = st.builds(
        lambda items, flow: _styled(CommentedSeq(items), flow),
        _mostly(st.lists(children, min_size=1, max_size=4), st.just([])),
        _FLOW,
    )
    return st.one_of(maps, seqs)


_VALUE = st.recursive(_SCALAR, _collections, max_leaves=10)
# The top level is what io/patch.py hands the emitter: a fresh block mapping of the entries to add.
_ENTRIES = st.dictionaries(_KEY, _VALUE, min_size=1, max_size=4).map(CommentedMap)


@settings(max_examples=1500, suppress_health_check=list(HealthCheck), deadline=None)
@given(_ENTRIES, st.sampled_from(STYLES))
def test_emitter_is_none_or_ruamel_byte_for_byte(entries: CommentedMap, style: Style) -> None:
    fast = _Emitter(style).entries(entries, 0)
    if fast is not None:
        assert "".join(fast) == render_fragment(entries, style)


# Values built only from what the emitter claims (block mappings, block sequences of scalars, flow
# collections and mappings, flow collections of scalars, the usual scalars): it must write them all.
_NAME = _IDENT.filter(
    lambda name: name.lower() not in {"y", "n", "yes", "no", "on", "off", "true", "false", "null"}
)
_PLAIN_SCALAR = st.one_of(
    st.integers(-(10**6), 10**12),
    st.booleans(),
    _NAME,
    st.builds(
        "{}{}".format, st.integers(0, 2000), st.sampled_from(["Mi", "Gi", "m", "h", "ms", "m30s", ".5Gi"])
    ),
    st.from_regex(r"[a-z0-9%:/ .-]{0,8}", fullmatch=True).map(DoubleQuotedScalarString),
    st.from_regex(r"[a-z0-9%:/ .-]{0,8}", fullmatch=True).map(SingleQuotedScalarString),
)
_FLAT_FLOW = st.one_of(
    st.lists(_PLAIN_SCALAR, min_size=1, max_size=4).map(lambda items: _styled(CommentedSeq(items), True)),
    st.dictionaries(_NAME, _PLAIN_SCALAR, min_size=1, max_size=3).map(
        lambda m: _styled(CommentedMap(m), True)
    ),
)
_HANDLED_MAP: st.SearchStrategy[CommentedMap] = st.deferred(
    lambda: st.dictionaries(
        _NAME, st.one_of(_PLAIN_SCALAR, _FLAT_FLOW, _HANDLED_MAP, _HANDLED_SEQ), min_size=1, max_size=3
    ).map(CommentedMap)
)
_HANDLED_SEQ: st.SearchStrategy[CommentedSeq] = st.deferred(
    lambda: st.lists(st.one_of(_PLAIN_SCALAR, _FLAT_FLOW, _HANDLED_MAP), min_size=1, max_size=3).map(
        CommentedSeq
    )
)


@settings(max_examples=500, suppress_health_check=list(HealthCheck), deadline=None)
@given(_HANDLED_MAP, st.sampled_from(STYLES))
def test_emitter_writes_what_it_claims_byte_for_byte(entries: CommentedMap, style: Style) -> None:
    fast = _Emitter(style).entries(entries, 0)
    assert fast is not None
    assert "".join(fast) == render_fragment(entries, style)


_ANY_TEXT = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=10)


@settings(max_examples=1500, deadline=None)
@given(
    st.one_of(
        _STRING,
        _ANY_TEXT,
        st.one_of(_STRING, _ANY_TEXT).map(DoubleQuotedScalarString),
        st.one_of(_STRING, _ANY_TEXT).map(SingleQuotedScalarString),
        st.integers(),
    ),
    st.booleans(),
)
def test_emitter_scalar_is_none_or_ruamel_byte_for_byte(value: Any, as_key: bool) -> None:
    # One scalar at a time: every string the emitter writes itself, as a value and as a key.
    if as_key and not isinstance(value, str):
        return
    entries = CommentedMap([(value, 1)] if as_key else [("k", value)])
    fast = _Emitter(Style()).entries(entries, 0)
    if fast is not None:
        assert "".join(fast) == render_fragment(entries, Style())


def _flow(node: Any) -> Any:
    return _styled(node, True)


def _kubelet() -> CommentedMap:
    return CommentedMap(
        [
            ("maxPods", 110),
            ("podsPerCore", 4),
            (
                "systemReserved",
                CommentedMap([("cpu", "100m"), ("memory", "100Mi"), ("ephemeral-storage", "1Gi")]),
            ),
            ("evictionHard", CommentedMap([("memory.available", DoubleQuotedScalarString("5%"))])),
            ("evictionSoftGracePeriod", CommentedMap([("memory.available", "1m30s")])),
            ("imageGCHighThresholdPercent", 85),
            ("cpuCFSQuota", True),
        ]
    )


def _requirements() -> CommentedSeq:
    return CommentedSeq(
        [
            CommentedMap(
                [
                    ("key", "karpenter.sh/capacity-type"),
                    ("operator", "In"),
                    ("values", _flow(CommentedSeq(["spot", "on-demand"]))),
                ]
            ),
            CommentedMap(
                [("key", "kubernetes.io/arch"), ("operator", "In"), ("values", CommentedSeq(["amd64"]))]
            ),
        ]
    )


COMMON = {
    "kubelet": lambda: CommentedMap([("kubelet", _kubelet())]),
    "flow-list": lambda: CommentedMap([("values", _flow(CommentedSeq(["on-demand", "spot", "reserved"])))]),
    "node-class-ref": lambda: CommentedMap(
        [
            (
                "nodeClassRef",
                CommentedMap([("group", "karpenter.k8s.aws"), ("kind", "EC2NodeClass"), ("name", "default")]),
            )
        ]
    ),
    "list-of-maps": lambda: CommentedMap([("requirements", _requirements())]),
    "budgets": lambda: CommentedMap(
        [("budgets", CommentedSeq([CommentedMap([("nodes", DoubleQuotedScalarString("10%"))])]))]
    ),
    "duration": lambda: CommentedMap([("expireAfter", "720h")]),
}


@pytest.mark.parametrize("style", STYLES, ids=_style_id)
@pytest.mark.parametrize("shape", sorted(COMMON))
def test_emitter_handles_the_shapes_rules_add(shape: str, style: Style) -> None:
    entries = COMMON[shape]()
    fast = _Emitter(style).entries(entries, 0)
    assert fast is not None, "left to ruamel: the fast path would lose most of its speed"
    assert "".join(fast) == render_fragment(entries, style)


def _flow_seq(*items: Any) -> CommentedSeq:
    seq = CommentedSeq(items)
    seq.fa.set_flow_style()
    return seq


def _flow_map(**entries: Any) -> CommentedMap:
    mapping = CommentedMap(entries)
    mapping.fa.set_flow_style()
    return mapping


# ruamel pads a collection inside a flow sequence by `indent + sequence indent - column - 1` spaces
# (emitter.py Indents.seq_flow_align): `k: [ {a: 0}]` when the sequence indent is 6, `B: [[  [0]]]` when
# nested deeper. The emitter must write the same bytes or leave such values to ruamel.
IN_FLOW_SEQUENCE: dict[str, Callable[[], Any]] = {
    "[{a: 0}]": lambda: _flow_seq(_flow_map(a=0)),
    "[[a]]": lambda: _flow_seq(_flow_seq("a")),
    "[[[0]]]": lambda: _flow_seq(_flow_seq(_flow_seq(0))),
    "[x, {a: [z, [w]]}]": lambda: _flow_seq("x", _flow_map(a=_flow_seq("z", _flow_seq("w")))),
    "{a: [x, [y]]}": lambda: _flow_map(a=_flow_seq("x", _flow_seq("y"))),
}


@pytest.mark.parametrize("style", STYLES, ids=_style_id)
@pytest.mark.parametrize("value", sorted(IN_FLOW_SEQUENCE))
def test_emitter_collection_in_a_flow_sequence(value: str, style: Style) -> None:
    make = IN_FLOW_SEQUENCE[value]
    for entries in (CommentedMap([("k", make())]), CommentedMap([("a", CommentedMap([("k", make())]))])):
        fast = _Emitter(style).entries(entries, 0)
        assert fast is None or "".join(fast) == render_fragment(entries, style)


# ---------------------------------------------------------------- 2. differential with the old path


@dataclass
class _Run:
    """One conversion: the output files, and each ``dump_document`` call in order."""

    outputs: dict[str, str] = field(default_factory=dict)
    #: (the document's original text, built by libyaml, the dumped text)
    dumps: list[tuple[str, bool, str]] = field(default_factory=list)
    patched: int = 0
    declined: int = 0


def _convert(
    texts: dict[str, str], options: Options, monkeypatch: pytest.MonkeyPatch, *, patch: bool
) -> _Run:
    """Convert ``texts`` in this process (no worker: every dump is recorded and counted here)."""
    run = _Run()
    real_patch, real_dump = patch_module.patch_text, dump_document

    def counting(*args: Any, **kwargs: Any) -> str | None:
        out = real_patch(*args, **kwargs)
        if out is None:
            run.declined += 1
        else:
            run.patched += 1
        return out

    def recording(parsed: ParsedDocument) -> str:
        out = real_dump(parsed)
        run.dumps.append((parsed.doc.text, parsed.fast, out))
        return out

    with monkeypatch.context() as m:
        m.setattr(PATCH, counting if patch else (lambda *a, **k: None))
        m.setattr(convert_engine, "dump_document", recording)
        results = convert_inputs(
            [Input(Source(name, None), text) for name, text in texts.items()], options, parallel=False
        )
    for result in results:
        assert result.original is not None
        run.outputs[result.display] = result.text if result.text is not None else result.original
    return run


def _data(text: str) -> list[Any]:
    return [to_plain(doc) for doc in YAML(typ="rt").load_all(io.StringIO(text))]


def _canonical(text: str) -> bool:
    """ruamel renders the document's unedited tree (its own, comments included) back to its exact text."""
    tree = _load(text)[0]
    return _render(tree, detect_style(text, tree)) == text


def _lf(text: str) -> str:
    return text.replace("\r\n", "\n")


def _mixed_newlines(text: str) -> bool:
    return "\r\n" in text and "\n" in text.replace("\r\n", "")


def _kept_lines(original: str, output: str) -> int:
    """How many of the user's lines survive in ``output`` (the measure of a good edit)."""
    matcher = difflib.SequenceMatcher(None, original.splitlines(True), output.splitlines(True), False)
    return sum(block.size for block in matcher.get_matching_blocks())


def _diff(old: str, new: str) -> str:
    return "".join(difflib.unified_diff(old.splitlines(True), new.splitlines(True), "old path", "patch"))


def _compare(texts: dict[str, str], options: Options, monkeypatch: pytest.MonkeyPatch) -> _Run:
    fast, old = (_convert(texts, options, monkeypatch, patch=p) for p in (True, False))
    assert fast.outputs.keys() == old.outputs.keys()
    for name, text in fast.outputs.items():
        assert _data(text) == _data(old.outputs[name]), name
    assert len(fast.dumps) == len(old.dumps)
    for (original, _, new), (_, _, previous) in zip(fast.dumps, old.dumps, strict=True):
        assert not _mixed_newlines(new), new
        if new == previous or (_mixed_newlines(previous) and _lf(previous) == _lf(new)):
            # The old path leaks the CRLF of a comment moved from a CRLF file into an LF document (the
            # kubelet's comment, CL-9): _render normalises comment tokens for CRLF documents only.
            continue
        assert not _canonical(original), f"canonical document, different bytes:\n{_diff(previous, new)}"
        # Either output is a valid edit of a document ruamel does not write back as it is: the patch must
        # keep at least as much of the user's text as the splice.
        assert _kept_lines(original, new) >= _kept_lines(original, previous), _diff(previous, new)
    return fast


def _parse_any(text: str) -> ParsedDocument:
    return parse_document(DocumentText(0, text, 0, None, None), "test.yaml")


def _options(path: Path) -> Options:
    options: Options = _support(ROOT / "tests" / "convert", "convert_support").options_file(path)
    return options


def _golden_cases() -> Iterator[Any]:
    for source in sorted(CONVERT_FIXTURES.glob("*/*.in.yaml")):
        if source.parent.name == "multi":
            continue
        name = source.name.removesuffix(".in.yaml")
        texts = {source.name: source.read_bytes().decode()}
        yield pytest.param(texts, source.with_name(name + ".args"), id=f"{source.parent.name}/{name}")
    for case in sorted(p for p in (CONVERT_FIXTURES / "multi").iterdir() if p.is_dir()):
        texts = {
            str(p.relative_to(case / "in")): p.read_bytes().decode()
            for p in sorted((case / "in").rglob("*.y*ml"))
        }
        yield pytest.param(texts, case / "args", id=f"multi/{case.name}")


GOLDEN = list(_golden_cases())


def test_there_are_golden_inputs() -> None:
    assert len(GOLDEN) >= 40


@pytest.mark.parametrize(("texts", "args"), GOLDEN)
def test_golden_inputs_convert_the_same_with_and_without_the_patch(
    texts: dict[str, str], args: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _compare(texts, _options(args), monkeypatch)


def test_golden_inputs_take_the_patch_path(monkeypatch: pytest.MonkeyPatch) -> None:
    patched = sum(
        _convert(p.values[0], _options(p.values[1]), monkeypatch, patch=True).patched for p in GOLDEN
    )
    assert patched >= 10


@pytest.mark.parametrize("seed", [1, 2])
def test_p3_corpus_converts_the_same_and_mostly_patched(
    seed: int, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    corpus = _support(BENCH, "corpus")
    corpus.pairs(tmp_path, 40, seed)
    texts = {
        p.relative_to(tmp_path).as_posix(): p.read_bytes().decode() for p in sorted(tmp_path.rglob("*.yaml"))
    }
    run = _compare(texts, Options(), monkeypatch)
    fast_documents = sum(built_fast for _, built_fast, _ in run.dumps)
    # Every document libyaml builds goes through patch_text; most must come out patched, or this test
    # would pass with everything falling back.
    assert run.patched + run.declined == fast_documents >= 30
    assert run.patched >= 0.5 * fast_documents, (run.patched, run.declined)


# Generated documents: ruamel renders a random tree in one of the styles, comment lines and end-of-line
# comments are sprinkled over it, and the edits rules make (io/paths.py: set, add with a comment above,
# pop with or without its comment, move) are applied to two parses of it.

_GEN_KEYS = ("a", "b", "name", "kind", "spec", "x-y", "k.io/z")
_GEN_SCALARS = (1, 0, -5, True, "abc", "100Mi", "720h", "yes", "a b", "", "12", "x: y")


def _gen_value(rng: Any, depth: int) -> Any:
    roll = rng.random()
    if depth > 3 or roll < 0.5:
        scalar = rng.choice(_GEN_SCALARS + ("q", "s"))
        return {"q": DoubleQuotedScalarString("q"), "s": SingleQuotedScalarString("s")}.get(scalar, scalar)
    if roll < 0.75:
        node: Any = CommentedMap(
            (k, _gen_value(rng, depth + 1)) for k in rng.sample(_GEN_KEYS, rng.randint(1, 4))
        )
    else:
        node = CommentedSeq(_gen_value(rng, depth + 1) for _ in range(rng.randint(1, 3)))
    return _styled(node, rng.random() < 0.3)


def _gen_text(rng: Any) -> str:
    style = rng.choice([*STYLES[:5], Style(2, 2, 0, "\r\n")])
    tree = CommentedMap((k, _gen_value(rng, 1)) for k in rng.sample(_GEN_KEYS, rng.randint(1, 5)))
    out: list[str] = []
    for line in _render(tree, style).splitlines():
        indent = len(line) - len(line.lstrip(" "))
        if rng.random() < 0.15 and not line.lstrip(" ").startswith("- "):
            out.append(" " * indent + f"# above {len(out)}")
        if rng.random() < 0.3 and not line.endswith((":", "|")):
            line += " " * rng.randint(1, 3) + "# eol"
        out.append(line)
    return "".join(line + style.newline for line in out)


def _walk(node: Any, prefix: tuple[Any, ...] = ()) -> Iterator[tuple[tuple[Any, ...], Any]]:
    children = node.items() if isinstance(node, dict) else enumerate(node) if isinstance(node, list) else ()
    for key, child in children:
        if isinstance(node, dict):
            yield (*prefix, key), child
        yield from _walk(child, (*prefix, key))


def _block_mappings(tree: Any, outside: tuple[Any, ...]) -> list[tuple[Any, ...]]:
    found = [(), *(p for p, v in _walk(tree) if isinstance(v, CommentedMap) and not v.fa.flow_style())]
    return [p for p in found if p[: len(outside)] != outside]


def _gen_edit(rng: Any, tree: Any) -> tuple[Any, ...] | None:
    """One edit a rule could make: (operation, path, argument)."""
    keys = [p for p, _ in _walk(tree)]
    if not keys:
        return None
    path, roll = rng.choice(keys), rng.random()
    if roll < 0.3:
        return ("pop", path, rng.random() < 0.5)
    if roll < 0.55:
        return ("set", path, _gen_value(rng, len(path)))
    if roll < 0.8:
        parent = rng.choice(_block_mappings(tree, ("-",)))
        return (
            "add",
            (*parent, f"new{rng.randint(0, 9)}"),
            (_gen_value(rng, len(parent) + 1), rng.random() < 0.5),
        )
    targets = _block_mappings(tree, path)
    return ("move", path, (*rng.choice(targets), "moved")) if targets else None


def _apply(tree: Any, edit: tuple[Any, ...]) -> None:
    operation, path, argument = edit
    try:
        if operation == "pop":
            paths.pop(tree, path, with_comment=argument)
        elif operation == "set":
            paths.set_(tree, path, copy.deepcopy(argument))
        elif operation == "add":
            paths.set_(tree, path, copy.deepcopy(argument[0]), above="# added\n" if argument[1] else "")
        else:
            paths.move(tree, path, argument)
    except (KeyError, ValueError, TypeError, IndexError):
        pass  # not an edit this tree allows (a key already there, a scalar on the way): the same on both


@settings(
    max_examples=400,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.filter_too_much,
        HealthCheck.too_slow,
    ],
    deadline=None,
)
@given(seed=st.integers(0, 2**32 - 1))
def test_generated_edits_match_the_old_path(seed: int, monkeypatch: pytest.MonkeyPatch) -> None:
    # A seeded generator rather than st.randoms(): hypothesis draws small numbers first, which gives
    # mostly one-key documents of scalars; a seed gives the whole range (and is printed on failure).
    rng = random.Random(seed)
    text = _gen_text(rng)
    parsed, reference = _parse_any(text), _parse_any(text)
    assume(parsed.fast)
    edits = []
    for _ in range(rng.randint(1, 3)):
        edit = _gen_edit(rng, parsed.tree)
        if edit is not None:
            edits.append(edit)
            _apply(parsed.tree, edit)
    for edit in edits:
        _apply(reference.tree, edit)
    new = dump_document(parsed)
    with monkeypatch.context() as m:
        m.setattr(PATCH, lambda *a, **k: None)
        previous = dump_document(reference)
    if new == previous:
        return
    assert not _canonical(text), f"canonical document, different bytes:\n{_diff(previous, new)}"
    assert _data(new) == _data(previous)


def test_comment_moved_from_a_crlf_file_keeps_the_documents_line_endings() -> None:
    # Found on the P3 corpus: the kubelet's comment (CL-9) keeps the CRLF of its NodePool file in an LF
    # EC2NodeClass file. Both paths: userData (a literal) before the new key makes the patch re-render
    # that entry with ruamel, and io.yaml._render normalises comment tokens for CRLF documents only.
    pool = (
        "apiVersion: karpenter.sh/v1beta1\nkind: NodePool\nmetadata:\n  name: p\nspec:\n  template:\n"
        "    spec:\n      nodeClassRef:\n        name: c\n      # tuning\n      kubelet:\n        maxPods: 110\n"
    )
    nodeclass = (
        "apiVersion: karpenter.k8s.aws/v1beta1\nkind: EC2NodeClass\nmetadata:\n  name: c\nspec:\n"
        "  amiFamily: AL2\n  role: R\n  subnetSelectorTerms:\n  - tags:\n      a: b\n"
        "  securityGroupSelectorTerms:\n  - tags:\n      a: b\n  metadataOptions:\n"
        "    httpPutResponseHopLimit: 2\n  userData: |\n    echo hi\n"
    )
    results = convert_texts({"pool.yaml": pool.replace("\n", "\r\n"), "class.yaml": nodeclass}, Options())
    out = results["class.yaml"].text
    assert out is not None and "  # tuning\n  kubelet:\n    maxPods: 110\n" in out
    assert "\r" not in out


# ---------------------------------------------------------------- 3. patch_text, case by case


def _parse(text: str) -> ParsedDocument:
    parsed = _parse_any(text)
    assert parsed.fast, "the case needs a libyaml-built document"
    return parsed


def _patch(parsed: ParsedDocument, render: Callable[[CommentedMap], str] | None = None) -> str | None:
    def ruamel(mapping: CommentedMap) -> str:
        return render_fragment(mapping, parsed.style)

    return patch_text(parsed.doc.text, parsed.tree, parsed.style, render or ruamel, RUAMEL)


def _old_path(text: str, edit: Callable[[Any], None], monkeypatch: pytest.MonkeyPatch) -> str:
    parsed = _parse(text)
    edit(parsed.tree)
    with monkeypatch.context() as m:
        m.setattr(PATCH, lambda *a, **k: None)
        return dump_document(parsed)


def _patched(text: str, edit: Callable[[Any], None]) -> str | None:
    parsed = _parse(text)
    edit(parsed.tree)
    out = _patch(parsed)
    # dump_document gives the patch whenever there is one.
    assert out is None or dump_document(parsed) == out
    return out


def _set(path: tuple[str | int, ...], value: Any) -> Callable[[Any], None]:
    return lambda tree: paths.set_(tree, path, value)


def _pop(path: tuple[str | int, ...]) -> Callable[[Any], None]:
    return lambda tree: paths.pop(tree, path)


def _insert(path: tuple[str | int, ...], at: int, key: str, value: Any) -> Callable[[Any], None]:
    return lambda tree: paths.get(tree, path).insert(at, key, value)


def _both(*edits: Callable[[Any], None]) -> Callable[[Any], None]:
    def edit(tree: Any) -> None:
        for one in edits:
            one(tree)

    return edit


SPACED = "a:   old   \nb:\n  c:    720h  \n  d: 1\nitems:\n- name:   x   \n  size: 1\n"


@pytest.mark.parametrize(
    ("edit", "expected"),
    [
        pytest.param(_set(("a",), "new"), "a:   new   \n" + SPACED.split("\n", 1)[1], id="top-level"),
        pytest.param(
            _set(("b", "c"), "336h"),
            SPACED.replace("c:    720h  ", "c:    336h  "),
            id="nested-trailing-spaces",
        ),
        pytest.param(
            _set(("items", 0, "name"), "y"), SPACED.replace("name:   x   ", "name:   y   "), id="in-item"
        ),
        pytest.param(
            _set(("b", "d"), DoubleQuotedScalarString("a b")), SPACED.replace("d: 1", 'd: "a b"'), id="quoted"
        ),
        pytest.param(_set(("b", "d"), True), SPACED.replace("d: 1", "d: true"), id="bool"),
        pytest.param(
            _both(_set(("a",), "new"), _set(("items", 0, "size"), 2)),
            SPACED.replace("old", "new").replace("size: 1", "size: 2"),
            id="two-edits",
        ),
    ],
)
def test_scalar_replaced_in_place_keeps_the_rest_of_its_line(
    edit: Callable[[Any], None], expected: str
) -> None:
    assert _patched(SPACED, edit) == expected


QUOTED = "metadata:\n  name: \"old name\"   \n  team: 'a'\n  labels: {a: b}\n"


@pytest.mark.parametrize(
    ("path", "value", "old", "new"),
    [
        (("metadata", "name"), DoubleQuotedScalarString("new name"), '"old name"', '"new name"'),
        # ruamel's CommentedMap.__setitem__ keeps the quotes of the value it replaces.
        (("metadata", "name"), "plain", '"old name"', '"plain"'),
        (("metadata", "team"), SingleQuotedScalarString("b"), "'a'", "'b'"),
        (("metadata", "labels", "a"), SingleQuotedScalarString("c d"), "{a: b}", "{a: 'c d'}"),
    ],
)
def test_scalar_replaced_in_a_quoted_span(path: tuple[str, ...], value: Any, old: str, new: str) -> None:
    assert _patched(QUOTED, _set(path, value)) == QUOTED.replace(old, new)


NESTED = (
    "a: 1\n"
    "b:\n"
    "  c: 1\n"
    "  d:\n"
    "    e: 2\n"
    "    f: [x, y]\n"
    "    g: |\n"
    "      literal\n"
    "spec:\n"
    "  x: 1\n"
    "  y: 2\n"
    "  z:\n"
    "  - a\n"
    "  - k: v\n"
    "    w: 1\n"
    "  last:\n"
    "    - 1\n"
    "    - 2\n"
    "h:\n"
    "i: end\n"
)


def _without(*lines: str) -> str:
    out = NESTED.splitlines(keepends=True)
    for line in lines:
        out.remove(line)
    return "".join(out)


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        pytest.param(
            ("b",),
            _without(
                "b:\n", "  c: 1\n", "  d:\n", "    e: 2\n", "    f: [x, y]\n", "    g: |\n", "      literal\n"
            ),
            id="nested-block",
        ),
        pytest.param(
            ("b", "d"),
            _without("  d:\n", "    e: 2\n", "    f: [x, y]\n", "    g: |\n", "      literal\n"),
            id="last-key",
        ),
        pytest.param(("b", "d", "g"), _without("    g: |\n", "      literal\n"), id="literal-block"),
        pytest.param(("spec", "y"), _without("  y: 2\n"), id="key-before-a-sequence"),
        pytest.param(
            ("spec", "z"), _without("  z:\n", "  - a\n", "  - k: v\n", "    w: 1\n"), id="key-with-a-sequence"
        ),
        pytest.param(("spec", "last"), _without("  last:\n", "    - 1\n", "    - 2\n"), id="last-sequence"),
        pytest.param(("spec", "z", 1, "w"), _without("    w: 1\n"), id="in-item"),
        pytest.param(("h",), _without("h:\n"), id="empty-value"),
        pytest.param(("i",), _without("i: end\n"), id="last-line"),
    ],
)
def test_removed_key_deletes_exactly_its_lines(path: tuple[str | int, ...], expected: str) -> None:
    assert _patched(NESTED, _pop(path)) == expected


CRLF = (
    "spec:\r\n"
    "  template:\r\n"
    "    spec:\r\n"
    "      requirements:\r\n"
    "      - key: a\r\n"
    "        values:\r\n"
    "        - x\r\n"
    "  limits:\r\n"
    "    cpu: 4\r\n"
)
KUBELET_CRLF = "  kubelet:\r\n    maxPods: 110\r\n    systemReserved:\r\n      cpu: 100m\r\n"


def _small_kubelet() -> CommentedMap:
    return CommentedMap([("maxPods", 110), ("systemReserved", CommentedMap([("cpu", "100m")]))])


def test_added_key_lands_after_the_previous_siblings_whole_block_in_crlf() -> None:
    out = _patched(CRLF, _insert(("spec",), 1, "kubelet", _small_kubelet()))
    assert out == CRLF.replace("  limits:", KUBELET_CRLF + "  limits:")


def test_added_key_at_the_end_of_a_nested_mapping_after_a_sequence() -> None:
    out = _patched(CRLF, _set(("spec", "template", "spec", "expireAfter"), "720h"))
    assert out == CRLF.replace("        - x\r\n", "        - x\r\n      expireAfter: 720h\r\n")


def test_added_first_key_goes_before_the_first_one() -> None:
    out = _patched(
        CRLF, _insert(("spec", "template", "spec"), 0, "taints", CommentedSeq([CommentedMap(key="k")]))
    )
    assert out == CRLF.replace(
        "      requirements:", "      taints:\r\n      - key: k\r\n      requirements:"
    )


def test_added_key_rendered_by_ruamel_keeps_crlf() -> None:
    # Left to ruamel by the emitter (a null, a string that needs quotes): render_fragment in the style.
    value = CommentedMap([("a", None), ("b", "yes please"), ("c", CommentedSeq())])
    assert _Emitter(_parse(CRLF).style).entries(CommentedMap([("k", value)]), 0) is None
    parsed = _parse(CRLF)
    paths.set_(parsed.tree, ("spec", "extra"), value)
    out = _patch(parsed)
    assert out is not None
    assert out.startswith(CRLF) and "\n" not in out.replace("\r\n", "")
    assert _data(out) == [to_plain(parsed.tree)]


def test_added_key_in_a_sequence_item_lands_at_the_items_column() -> None:
    text = "items:\n  - a: 1\n    b:\n      c: 2\n  - a: 3\n"
    out = _patched(text, _set(("items", 0, "new"), CommentedSeq(["x"])))
    assert out == "items:\n  - a: 1\n    b:\n      c: 2\n    new:\n      - x\n  - a: 3\n"


def test_added_key_in_a_four_space_document() -> None:
    text = "spec:\n    template:\n        spec:\n            x: 1\n    limits:\n        cpu: 4\n"
    out = _patched(text, _insert(("spec",), 1, "kubelet", _small_kubelet()))
    kubelet = "    kubelet:\n        maxPods: 110\n        systemReserved:\n            cpu: 100m\n"
    assert out == text.replace("    limits:", kubelet + "    limits:")


def test_changed_shape_replaces_the_whole_entry() -> None:
    text = "a:\n  b: 1\n  c: [x, y]\nd: 2\n"
    out = _patched(
        text, _both(_set(("a", "b"), CommentedMap([("e", 1)])), _set(("a", "c"), _flow(CommentedSeq(["x"]))))
    )
    assert out == "a:\n  b:\n    e: 1\n  c: [x]\nd: 2\n"


ITEMS = "items:\n- a: 1\n  b: 2\n- a: 3\n"
# The same document, not canonical: ruamel would write `- a: 3` (the old path keeps the spaces).
ITEMS_SPACED = "items:\n- a: 1\n  b: 2\n- a:    3\n"


def _reorder_item(tree: Any) -> None:
    tree["items"][0].move_to_end("a")


@pytest.mark.parametrize("text", [ITEMS, ITEMS_SPACED], ids=["canonical", "spaced"])
@pytest.mark.parametrize(
    ("edit", "expected"),
    [
        pytest.param(_pop(("items", 0, "a")), "items:\n- b: 2\n- a: 3\n", id="first-key-of-an-item-removed"),
        pytest.param(_reorder_item, "items:\n- b: 2\n  a: 1\n- a: 3\n", id="keys-reordered-in-an-item"),
    ],
)
def test_declines_what_it_cannot_patch_and_the_old_path_writes_it(
    edit: Callable[[Any], None], expected: str, text: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # What the patch cannot do in place it splices entry by entry as the full path does, or declines:
    # either way the lines the edit does not touch keep their bytes (`- a:    3` here).
    parsed = _parse(text)
    edit(parsed.tree)
    expected = expected.replace("- a: 3", "- a:    3") if text == ITEMS_SPACED else expected
    assert dump_document(parsed) == expected == _old_path(text, edit, monkeypatch)
    assert _patch(parsed) in (None, expected)


def test_reordered_keys_decline() -> None:
    parsed = _parse("a: 1\nb: 2\nc: 3\n")
    parsed.tree.move_to_end("a")
    assert _patch(parsed) is None
    assert dump_document(parsed) == "b: 2\nc: 3\na: 1\n"


def test_comment_added_by_a_rule_is_written_as_the_old_path_writes_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The brief asked for a decline (comment-free patching); patch.py now patches comments too, so the
    # contract checked is the one that matters: the old path's exact bytes, or a decline.
    def edit(tree: Any) -> None:
        paths.set_(tree, ("extra",), 1, above="# added by a rule\n")

    parsed = _parse(ITEMS)
    edit(parsed.tree)
    expected = ITEMS + "# added by a rule\nextra: 1\n"
    assert _patch(parsed) in (None, expected)
    assert dump_document(parsed) == expected == _old_path(ITEMS, edit, monkeypatch)


COMMENTED = (
    "# header\n"
    "spec:\n"
    "  template:\n"
    "    spec:\n"
    "      requirements:\n"
    "        - key: karpenter.sh/capacity-type\n"
    "          operator: In\n"
    "          values: [spot]  # cheaper\n"
    "      # kubelet tuning\n"
    "      kubelet:\n"
    "        maxPods: 110 # ENI limit\n"
    "      nodeClassRef:\n"
    "        name: default\n"
    "  # hard cap\n"
    "  limits:\n"
    "    cpu: 4\n"
)
COMMENT_EDITS = {
    "scalar-before-an-eol-comment": _set(("spec", "template", "spec", "kubelet", "maxPods"), 58),
    "flow-list-before-an-eol-comment": _set(
        ("spec", "template", "spec", "requirements", 0, "values"), _flow(CommentedSeq(["spot", "on-demand"]))
    ),
    "pop-with-its-comment": lambda tree: paths.pop(
        tree, ("spec", "template", "spec", "kubelet"), with_comment=True
    ),
    "pop-without-its-comment": _pop(("spec", "template", "spec", "kubelet")),
    "move": lambda tree: paths.move(tree, ("spec", "template", "spec", "kubelet"), ("spec", "kubelet")),
    "add-with-a-comment-above": lambda tree: paths.set_(
        tree, ("spec", "template", "spec", "expireAfter"), "720h", above="# thirty days\n"
    ),
    "add-after-a-commented-key": _set(("spec", "weight", "value"), 10),
}


def test_commented_document_is_canonical() -> None:
    assert _canonical(COMMENTED)


@pytest.mark.parametrize("edit", sorted(COMMENT_EDITS))
def test_comment_edits_match_the_old_path(edit: str, monkeypatch: pytest.MonkeyPatch) -> None:
    parsed = _parse(COMMENTED)
    COMMENT_EDITS[edit](parsed.tree)
    expected = _old_path(COMMENTED, COMMENT_EDITS[edit], monkeypatch)
    assert _patch(parsed) in (None, expected)
    assert dump_document(parsed) == expected


def test_comment_line_under_a_key_does_not_stop_the_patch() -> None:
    # fastyaml._Comments._header asks `isinstance(value, dict)`: with the Span flavour of io/patch.py the
    # value is a Span, so any comment line right under `key:` made every edit fall back (performance).
    text = "spec:\n  # why\n  a: 1\nb: 2\n"
    assert _patched(text, _set(("b",), 3)) == "spec:\n  # why\n  a: 1\nb: 3\n"


FLOW_ITEM_COMMENTS = [
    pytest.param(
        "spec:\n  requirements:\n    - {key: a, operator: In, values: [x]}  # why\n  expireAfter: 720h\n",
        _set(("spec", "expireAfter"), "336h"),
        id="eol-comment-sibling-edited",
    ),
    pytest.param(
        "spec:\n  b:\n  - {kind: 1, name: 0}\n# above\nkind: q\n",
        _pop(("spec", "b", 0, "name")),
        id="comment-after-the-flow-item",
    ),
]


@pytest.mark.parametrize(("text", "edit"), FLOW_ITEM_COMMENTS)
def test_comment_after_a_flow_item_matches_the_old_path(
    text: str, edit: Callable[[Any], None], monkeypatch: pytest.MonkeyPatch
) -> None:
    # Found by test_generated_edits_match_the_old_path: the first raised ruamel's AssertionError out of
    # dump_document (merge_comments), the second wrote `# above` twice.
    assert _canonical(text)
    parsed = _parse(text)
    edit(parsed.tree)
    assert dump_document(parsed) == _old_path(text, edit, monkeypatch)


def test_document_without_a_final_line_break_declines() -> None:
    parsed = _parse("a: 1\nb: 2")
    parsed.tree["a"] = 5
    assert _patch(parsed) is None
    assert dump_document(parsed) == "a: 5\nb: 2"


def test_unedited_document_is_returned_as_it_is() -> None:
    assert _patched(SPACED, lambda tree: None) == SPACED


def _lying(fragment: str) -> Callable[[CommentedMap], str]:
    """A renderer that writes something else than it was given: only the read-back can catch it."""
    return lambda mapping: fragment


@pytest.mark.parametrize(
    ("edit", "wrong"),
    [
        # A null: _scalar_text leaves it to the renderer.
        pytest.param(_set(("b", "d"), None), "k: 7\n", id="scalar"),
        # A new key whose value the emitter declines: the renderer writes the fragment.
        pytest.param(_set(("b", "new"), CommentedMap([("n", None)])), "new:\n  n: 1\n", id="fragment"),
        pytest.param(_set(("b", "new"), CommentedMap([("n", None)])), "other:\n  n:\n", id="fragment-key"),
    ],
)
def test_verification_failure_declines(edit: Callable[[Any], None], wrong: str) -> None:
    parsed = _parse(SPACED)
    edit(parsed.tree)
    assert _patch(parsed) is not None, "the honest renderer must give a patch"
    assert _patch(parsed, _lying(wrong)) is None


def test_value_the_patch_cannot_read_back_declines() -> None:
    # A float: ruamel writes it, but fastyaml leaves floats to ruamel, so the patched text is not checked.
    parsed = _parse(SPACED)
    parsed.tree["b"]["d"] = 1.5
    assert _patch(parsed) is None
    assert dump_document(parsed) == SPACED.replace("d: 1\n", "d: 1.5\n")


@pytest.mark.parametrize(
    ("check", "edited", "same"),
    [
        (SingleQuotedScalarString("123"), "123", True),
        (DoubleQuotedScalarString("x"), DoubleQuotedScalarString("x"), True),
        # Quoting is the writer's business; the kind of scalar is not.
        ("x", DoubleQuotedScalarString("x"), True),
        (123, "123", False),
        (SingleQuotedScalarString("1"), 1, False),
        ("true", True, False),
        (1, True, False),
        (True, 1, False),
        (None, "", False),
        (CommentedMap([("a", 1), ("b", 2)]), CommentedMap([("b", 2), ("a", 1)]), False),
        (CommentedSeq([1]), CommentedSeq([1, 2]), False),
        (CommentedMap([("a", CommentedSeq(["x"]))]), CommentedMap([("a", CommentedSeq(["x"]))]), True),
    ],
)
def test_same_tree(check: Any, edited: Any, same: bool) -> None:
    assert same_tree(check, edited) is same
