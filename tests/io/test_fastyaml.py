"""The libyaml fast loader against ruamel's round-trip loader, node for node (issue 6).

``fastyaml.build`` may decline any text (``Unsupported``: the caller falls back to ruamel), but a tree it
does build must be exactly ruamel's: the same types (``int`` vs ``ScalarInt`` vs ``bool``, quoted and
literal string classes, key types), the same keys in the same order, the same ``lc`` positions (findings
point at them), the same flow/block style (the emitter writes it back) and, for comment-free documents,
the same rendered text (``dump_document`` splices against it). Where ruamel rejects a text, the fast
loader must decline it, or a ``KV001``/``KV005`` error would turn into a tree.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from io_support import CORPUS as SHARED_CORPUS
from io_support import ROOT
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.scalarstring import DoubleQuotedScalarString, LiteralScalarString, SingleQuotedScalarString

from karpmigrate.findings import Path as TreePath
from karpmigrate.io import fastyaml
from karpmigrate.io.documents import is_templated, split_documents
from karpmigrate.io.yaml import (
    RUAMEL,
    ParsedDocument,
    _fast_tree,
    _load,
    _render,
    detect_style,
    dump_document,
    locate,
    parse_document,
    to_plain,
)

pytestmark = pytest.mark.skipif(not fastyaml.available(), reason="PyYAML built without libyaml")

FIXTURES = ROOT / "fixtures"

_BOM = b"\xef\xbb\xbf"
# Every line break ruamel counts (documents.py): a blank line may end in any of them.
_LINE_BREAK = re.compile(r"\r\n|[\r\n\x85\u2028\u2029]")

# ---------------------------------------------------------------- comparison


def _reference(text: str) -> tuple[Any, str | None]:
    """(ruamel's tree, None), or (None, why ruamel rejects the text)."""
    try:
        return _load(text)[0], None
    except Exception as exc:  # every ruamel failure becomes an InputError in parse_document
        return None, f"{type(exc).__name__}: {' '.join(str(exc).split())[:160]}"


def _collection_diffs(ref: Any, got: Any, path: TreePath) -> list[str]:
    out = []
    if (ref.lc.line, ref.lc.col) != (got.lc.line, got.lc.col):
        out.append(f"{path}: lc {(ref.lc.line, ref.lc.col)} != {(got.lc.line, got.lc.col)}")
    if ref.lc.data != got.lc.data:
        out.append(f"{path}: lc.data {ref.lc.data} != {got.lc.data}")
    if ref.fa.flow_style() != got.fa.flow_style():
        out.append(f"{path}: flow style {ref.fa.flow_style()} != {got.fa.flow_style()}")
    return out


def ruamel_diffs(ref: Any, got: Any, path: TreePath = ()) -> list[str]:
    """Every way the RUAMEL-flavour tree ``got`` differs from ruamel's ``ref`` (comments aside)."""
    if type(ref) is not type(got):
        return [f"{path}: type {type(ref).__name__} != {type(got).__name__} ({ref!r} / {got!r})"]
    if isinstance(ref, CommentedMap):
        out = _collection_diffs(ref, got, path)
        if list(ref) != list(got):
            return [*out, f"{path}: keys {list(ref)} != {list(got)}"]
        for k_ref, k_got in zip(ref, got, strict=True):
            if type(k_ref) is not type(k_got):
                out.append(f"{path}: key {k_ref!r} type {type(k_ref).__name__} != {type(k_got).__name__}")
            out += ruamel_diffs(ref[k_ref], got[k_got], (*path, str(k_ref)))
        return out
    if isinstance(ref, CommentedSeq):
        out = _collection_diffs(ref, got, path)
        if len(ref) != len(got):
            return [*out, f"{path}: length {len(ref)} != {len(got)}"]
        for i, (x, y) in enumerate(zip(ref, got, strict=True)):
            out += ruamel_diffs(x, y, (*path, i))
        return out
    return [] if ref == got else [f"{path}: value {ref!r} != {got!r}"]


def same_plain(a: Any, b: Any) -> bool:
    """Equal plain data with equal types all the way down (``True == 1`` and ``0 == False`` do not count)."""
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return list(a) == list(b) and all(same_plain(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(same_plain(x, y) for x, y in zip(a, b, strict=True))
    return bool(a == b)


_LIGHT_TYPES: dict[type, type] = {CommentedMap: fastyaml.LightMap, CommentedSeq: fastyaml.LightSeq}


def light_diffs(ref: Any, got: Any, path: TreePath = ()) -> list[str]:
    """Every way the LIGHT tree ``got`` differs from ruamel's ``ref``: plain data, types, positions."""
    if type(ref) in _LIGHT_TYPES:
        got_type: type = type(got)
        if got_type is not _LIGHT_TYPES[type(ref)]:
            return [f"{path}: type {type(ref).__name__} -> {got_type.__name__}"]
        out = []
        if (ref.lc.line, ref.lc.col) != (got.lc.line, got.lc.col):
            out.append(f"{path}: lc {(ref.lc.line, ref.lc.col)} != {(got.lc.line, got.lc.col)}")
        if (ref.lc.data or {}) != got.lc.data:
            out.append(f"{path}: lc.data {ref.lc.data} != {got.lc.data}")
        if len(ref) != len(got) or (isinstance(ref, CommentedMap) and list(ref) != list(got)):
            return [*out, f"{path}: keys/length differ: {list(ref)} / {list(got)}"]
        children = ref.items() if isinstance(ref, CommentedMap) else enumerate(ref)
        for k, v in children:
            out += light_diffs(v, got[k], (*path, k))
        return out
    plain = to_plain(ref)
    return [] if same_plain(plain, got) else [f"{path}: value {plain!r} != {got!r}"]


def _comment_free(text: str) -> bool:
    """No comment and no blank line (the last line break aside): nothing but the tree to reproduce."""
    lines = _LINE_BREAK.split(text)
    if lines and lines[-1] == "":
        lines.pop()
    return "#" not in text and all(line.strip(" \t") for line in lines)


def _render_diff(text: str, ref: Any, got: Any) -> list[str]:
    """The emitter must write both trees the same way (what dump_document's baseline relies on)."""
    style = detect_style(text, ref)
    if detect_style(text, got) != style:
        return [f"style {detect_style(text, got)} != {style}"]
    a, b = _render(ref, style, text), _render(got, style, text)
    return [] if a == b else [f"rendered text differs:\n{a!r}\n{b!r}"]


def mismatches(text: str) -> list[str]:
    """Why the fast trees of ``text`` are not ruamel's; [] when they are, or when build declines."""
    out: list[str] = []
    ref, rejected = _reference(text)
    for name, flavor in (("RUAMEL", RUAMEL), ("LIGHT", fastyaml.LIGHT)):
        try:
            got = fastyaml.build(text, flavor)
        except fastyaml.Unsupported:
            continue
        if rejected:
            out.append(f"{name}: built a tree, ruamel rejects the text ({rejected})")
        elif flavor is RUAMEL:
            out += [f"{name}: {d}" for d in ruamel_diffs(ref, got)]
            # parse_document keeps the fast tree of this text: nothing else may tell them apart.
            if not out and _fast_tree(text)[0]:
                out += [f"{name}: {d}" for d in _render_diff(text, ref, got)]
        else:
            out += [f"{name}: {d}" for d in light_diffs(ref, got)]
            if not same_plain(to_plain(ref), fastyaml.plain(got)):
                out.append(f"{name}: fastyaml.plain {fastyaml.plain(got)!r} != {to_plain(ref)!r}")
    return out


def test_comparison_notices_every_kind_of_difference():
    """The differential can fail: each way a tree may differ from ruamel's is reported."""
    text = "a: 'x'\nb: [1, true]\nc:\n  d: e\n"
    assert not mismatches(text)
    cases = {
        "type": lambda t: dict.__setitem__(t, "a", "x"),  # SingleQuotedScalarString -> str
        "value": lambda t: t["b"].__setitem__(0, 2),
        "bool": lambda t: t["b"].__setitem__(1, 1),
        "position": lambda t: t["c"]._yaml_set_line_col(3, 4),
        "entry": lambda t: t["c"]._yaml_set_kv_line_col("d", [3, 2, 3, 6]),
        "style": lambda t: t["b"].fa.set_block_style(),
        "order": lambda t: t.move_to_end("a"),
    }
    for name, change in cases.items():
        got = fastyaml.build(text, RUAMEL)
        change(got)
        assert ruamel_diffs(_load(text)[0], got), name
    light = fastyaml.build(text, fastyaml.LIGHT)
    light["c"].lc.data["d"] = [3, 2, 3, 6]
    light["b"][1] = 1
    assert len(light_diffs(_load(text)[0], light)) == 2


# ---------------------------------------------------------------- 1. real documents


def _documents(root: Path) -> Iterator[tuple[str, str]]:
    """(label, text) of every document of every .yaml/.yml file under ``root`` that decodes as UTF-8."""
    files = sorted(p for p in root.rglob("*") if p.suffix in (".yaml", ".yml") and p.is_file())
    for path in files:
        try:
            text = path.read_bytes().removeprefix(_BOM).decode("utf-8")
        except UnicodeDecodeError:  # discovery rejects it (KV003): never parsed
            continue
        for doc in split_documents(text):
            yield f"{path.relative_to(root)}#{doc.index}", doc.text


def _differential(root: Path) -> tuple[list[str], int]:
    problems, accepted = [], 0
    for label, text in _documents(root):
        found = mismatches(text)
        problems += [f"{label}: {p}" for p in found]
        try:
            fastyaml.build(text, RUAMEL)
            accepted += 1
        except fastyaml.Unsupported:
            pass
    return problems, accepted


def test_fixture_documents_build_ruamels_tree():
    problems, accepted = _differential(FIXTURES)
    assert accepted >= 100, "the fast loader hardly built anything: the comparison proved nothing"
    assert not problems, "\n".join(problems[:30])


def test_realworld_documents_build_ruamels_tree(corpus: Path):
    problems, accepted = _differential(corpus)
    assert accepted >= 50, "the fast loader hardly built anything: the comparison proved nothing"
    assert not problems, "\n".join(problems[:30])


def _share(root: Path, *, skip_templates: bool) -> tuple[int, int]:
    """(comment-free documents, those the fast path builds)."""
    candidates = built = 0
    for _, text in _documents(root):
        if not _comment_free(text) or (skip_templates and is_templated(text)):
            continue
        candidates += 1
        try:
            fastyaml.build(text, RUAMEL)
            built += 1
        except fastyaml.Unsupported:
            pass
    return candidates, built


def test_fast_loader_builds_most_comment_free_fixture_documents():
    candidates, built = _share(FIXTURES, skip_templates=False)
    assert candidates >= 50
    assert built >= 0.8 * candidates, f"built {built} of {candidates}"


def test_fast_loader_builds_most_comment_free_realworld_documents(corpus: Path):
    # Helm templates (`name: {{ .Values.x }}`: a flow mapping as a key) are declined by design.
    candidates, built = _share(corpus, skip_templates=True)
    assert candidates >= 20
    assert built >= 0.8 * candidates, f"built {built} of {candidates}"


# ---------------------------------------------------------------- 2. generated documents

_TRICKY = [
    "720h", "10Gi", "1e3", "1E-3", "0x1F", "0o17", "0b101", "012", "00", "0", "-0", "+1", "1_000", ".5",
    "1.", "-.5", ".inf", "-.Inf", ".NaN", "yes", "No", "on", "OFF", "y", "n", "null", "Null", "~", "True",
    "FALSE", "tRue", "2024-01-01", "2024-01-01T10:00:00Z", "2001-12-14 21:59:43.10 -5", "1:30", "-", ":",
    "?", "a: b", "a:b", "- a", "#x", "a #b", "a#b", "=", "<<", "*x", "&x", "!x", "%x", "@x", "`x", "|", ">",
    "[a]", "{a: b}", "'", '"', "'quoted'", "", " ", " lead", "trail ", "tab\there", "a\nb", "a\n\nb",
    "line\n", " \n x", "ü", "😀", "日本語", "\u00a0", "x\u0085y", "x\u2028y", "\x07", "\\", "---", "...",
]  # fmt: skip
_KEY_WORDS = ["yes", "on", "null", "1", "0x1", "true", "a b", "é", "a:b", "-x", "x-", "<<", "=", "?x", "---"]

_text_scalars = st.one_of(st.sampled_from(_TRICKY), st.text(max_size=12))
_QUOTES = (str, SingleQuotedScalarString, DoubleQuotedScalarString)


def _styled_string(value: str, quote: int) -> str:
    if quote == 3:
        return LiteralScalarString(value) if "\n" in value else value
    return _QUOTES[quote](value)


_strings = st.builds(_styled_string, _text_scalars, st.integers(0, 3))
_scalars = st.one_of(
    st.integers(-(10**6), 10**6), st.sampled_from([0, -1, 1, 10**20]), st.booleans(), st.none(), _strings
)
_keys = st.one_of(
    st.from_regex(r"[A-Za-z_][A-Za-z0-9_]{0,8}(?:[./-][A-Za-z0-9_]{1,6}){0,2}", fullmatch=True),
    st.sampled_from(_KEY_WORDS),
    st.builds(_styled_string, st.sampled_from(["k", "a.b/c", "yes", "1"]), st.integers(1, 2)),
)


def _styled(node: Any, style: str) -> Any:
    if style == "flow":
        node.fa.set_flow_style()
    elif style == "block":
        node.fa.set_block_style()
    return node


_STYLES = st.sampled_from(["flow", "block", "default"])


def _collections(children: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    maps = st.builds(
        lambda d, s: _styled(CommentedMap(d), s), st.dictionaries(_keys, children, max_size=4), _STYLES
    )
    seqs = st.builds(lambda v, s: _styled(CommentedSeq(v), s), st.lists(children, max_size=4), _STYLES)
    return st.one_of(maps, seqs)


_trees = st.recursive(_scalars, _collections, max_leaves=20)


# Layouts people write and ruamel does not: each keeps the text valid YAML (or equally invalid for both).
_MUTATIONS = {
    "no final line break": lambda t: t.removesuffix("\n").removesuffix("\r"),
    "trailing spaces": lambda t: re.sub(r"(?=\r?\n)", "  ", t),
    "start marker": lambda t: t if t.startswith("---") else "---\n" + t,
    "end marker": lambda t: t + "...\n" if t.endswith("\n") else t,
    "wide separators": lambda t: t.replace(": ", ":   ").replace("- ", "-   "),
    "tab separator": lambda t: t.replace(": ", ":\t", 1),
}


@st.composite
def _rendered(draw: st.DrawFn) -> str:
    """A tree written by ruamel in a drawn layout."""
    tree = draw(st.one_of(_collections(_trees), _trees))
    yaml = YAML(typ="rt")
    yaml.default_flow_style = draw(st.sampled_from([False, None, True]))
    offset = draw(st.integers(0, 2))
    yaml.indent(mapping=draw(st.integers(2, 4)), sequence=draw(st.integers(offset + 2, 4)), offset=offset)
    yaml.width = draw(st.sampled_from([4096, 80, 20]))
    yaml.explicit_start = draw(st.booleans())
    yaml.allow_unicode = draw(st.booleans())
    line_break: Any = draw(st.sampled_from(["\n", "\r\n"]))
    yaml.line_break = line_break
    out = io.StringIO()
    yaml.dump(tree, out)
    text = out.getvalue()
    for mutation in draw(st.lists(st.sampled_from(sorted(_MUTATIONS)), max_size=3, unique=True)):
        text = _MUTATIONS[mutation](text)
    return text


@given(_rendered())
@settings(max_examples=400, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
def test_generated_documents_build_ruamels_tree_or_decline(text):
    assert not mismatches(text), (text, mismatches(text))


def test_generated_documents_are_not_all_declined():
    """The generator's layouts are ones the fast loader handles: the property above tests something."""
    samples = [
        "a: 1\nb: [x, 'y', \"z\"]\nc:\n  - d: true\n    e: null\n  - |\n    lit\n",
        "- {a: b, c: [1, -2]}\n-   - x\n    - y\n",
        "--- \nk: v\n",
    ]
    for text in samples:
        assert fastyaml.build(text, RUAMEL) is not None
        assert not mismatches(text)


# Texts at the edges of what either parser accepts: the fast loader declines, or builds ruamel's tree.
_EDGES = [
    "a:\nb: 1\n", "a:\n  b:\nc: 1\n", "a:\n  b:\n", "a:\r\nb: 1\r\n", "[a: b]\n", "[a:b]\n", '{"a":b}\n',
    "a: b\n...\n", "---\na: 1\n", "--- a\n", "? a\n: b\n", "? a\nb: 1\n", "- a:\n- b\n", "- a:\n  b:\n",
    "a:\n- b:\n- c\n", "a: [b, c, ]\n", "a: {b: c, }\n", "a: 'x'\n", "'a': 1\n", '"a": 1\n', "a: |\n  x\n",
    "a: |-\n  x\n", "a: |+\n  x\n", "a: |2\n   x\n", "a: |\n  x\nb: 1", "a: x\n  y\n", "é: [ü, {ß: 1}]\n",
    "😀: [a, {b: 1}]\n", "a: '😀'\nb: {c: d}\n", 'a: "\\u00e9"\n', "a: b\r", "a: b\rc: d\r", "a:\r  b: 1\r",
    "- [a, b]\n- {c: d}\n", "- - a\n  - b\n- c\n", "a: {}\nb: []\n", "a: {b: {}}\n", "[]\n", "{}\n", "",
    "---\n", "--- |\n  x\n", "a: 'it''s'\n", 'a: "x\\ty"\n', "a: x#y\n", "key with space: v\n", "a: ':'\n",
    "a: '#x'\n", "a: b:c\n", "a: -1\n", "a: \u00a0b\n", "a:  b\n", "a :b\n", "a  :  b\n", "{a: 1, b: 2}\n",
    '{\n  "a": 1,\n  "b": [\n    1\n  ]\n}\n', "[\n]\n", "a: [\n  b,\n  c\n]\n", "a: 'b\tc'\n", "a: [b,\tc]\n",
    "a: |\n  x\ty\n", "a: 1", "- 1", "a: 'x'", "a: |\n  x", "a:\r", "a: 0\n", "a: -0\n", "a: [0]\n",
    "a:\n  b: 1\nc:", "a:\n  b:", "- a:", "? a", "x: 1\n  # c\n", "a: # c\nb: 1\n", "a:\n\nb: 1\n",
    "a:\n  \nb: 1\n", "a:\n# c\nb: 1\n", "a:\n  b:\n\nc: 1\n", "a:\n...\n", "? |\n  x\n: v\n", "a: |\nb: 1\n",
    'a: "\\/ \\e \\N \\_ \\L \\P \\U0001F600 \\x41"\n', 'a: "x\r\n  y"\n', "a: {b: 1,\nc: 2}\n", "- ? a\n  : b\n",
    "a: b\n  c\n  d\n", "a: 'x\n\n  y'\n", 'a: "x\\\n  y"\n', "- ''\n", "a: |1\n  x\n", '"a\\nb": 1\n',
    "a: \u3000b\n", "? a\n? b\n", "a:\n? b\n: c\n", "a: 1\n...\n...\n", "a: 1\r\rb: 2\r", "a:\r  x: 1\r  \r  y: 2\r",
]  # fmt: skip


@pytest.mark.parametrize("text", _EDGES)
def test_edge_texts_build_ruamels_tree_or_decline(text):
    assert not mismatches(text)


# ---------------------------------------------------------------- 3. declines

_MUST_DECLINE = [
    ("a: &x b\n", "anchor: ruamel keeps it on the node (written back as &x)"),
    ("a: &x\n  b: 1\n", "anchor on a mapping"),
    ("a: *x\n", "alias: ruamel shares (or rejects) the node"),
    ("a: !!str 1\n", "explicit tag: TaggedScalar / a str '1' instead of an int"),
    ("a: ! x\n", "non-specific tag: ruamel keeps it"),
    ("a: !Ref x\n", "local tag (CloudFormation style)"),
    ("a: !!map {b: 1}\n", "tag on a collection"),
    ("%YAML 1.2\n---\na: 1\n", "%YAML directive: ruamel records the version, written back"),
    ("%YAML 1.1\n---\na: yes\n", "%YAML 1.1: `yes` is a bool there"),
    ("%TAG !e! tag:example.com,2000:\n---\na: 1\n", "%TAG directive"),
    ("a: {b: 1}\nc:\n  <<: {d: 2}\n", "merge key `<<`: ruamel merges"),
    ("a: =\n", "value key `=`: a tag of its own"),
    ("a: 1\na: 2\n", "duplicate key: ruamel raises DuplicateKeyError (KV002)"),
    ("a: 1\n'a': 2\n", "duplicate key, once quoted"),
    ("{a: 1, a: 2}\n", "duplicate key in a flow mapping"),
    ("1: a\n", "int key"),
    ("true: a\n", "bool key"),
    ("null: a\n", "null key"),
    ("~: a\n", "null key (~)"),
    (": a\n", "empty key"),
    ("? [a, b]\n: c\n", "complex key: a sequence (CommentedKeySeq)"),
    ("? {a: b}\n: c\n", "complex key: a mapping (CommentedKeyMap)"),
    ("{[a]: b}\n", "flow sequence as a key"),
    ("a: >\n  x\n  y\n", "folded scalar: FoldedScalarString with fold positions"),
    ("a: >-\n  x\n", "folded scalar, strip chomping"),
    ("a: 1.5\n", "float: ScalarFloat keeps its spelling"),
    ("a: .5\n", "float without leading digit"),
    ("a: 1e3\n", "float in exponent form (YAML 1.2)"),
    ("a: -.inf\n", "infinity"),
    ("a: .nan\n", "not a number"),
    ("a: 0x1F\n", "hex int: HexCapsInt"),
    ("a: 0o17\n", "octal int: OctalInt"),
    ("a: 012\n", "leading zero: ScalarInt with width 3"),
    ("a: 0b101\n", "binary int"),
    ("a: 1_000\n", "underscores: ScalarInt keeps them"),
    ("a: +1\n", "explicit plus sign: not a plain decimal"),
    ("a: 2024-01-01\n", "date: TimeStamp"),
    ("a: 2024-01-01T10:00:00Z\n", "timestamp"),
    ("- \n- a\n", "empty sequence item"),
    ("a:\n-\n- b\n", "empty sequence item in a nested sequence"),
    ("{a: }\n", "empty value in a flow mapping"),
    ("{a, b: 1}\n", "key without value in a flow mapping"),
    ("[a: ]\n", "empty value in a single-pair flow mapping"),
    ("a: 1\n---\nb: 2\n", "more than one document"),
    ("a: 1\n...\n---\nb: 2\n", "more than one document, after an end marker"),
    ("a: b\x85c: d\n", "NEL line break"),
    ("a: b\u2028c: d\n", "LS line break"),
    ("a: b\u2029c: d\n", "PS line break"),
    ("a: \ufeffb\n", "BOM inside the text"),
    ("[" * (fastyaml.MAX_DEPTH + 1) + "]" * (fastyaml.MAX_DEPTH + 1) + "\n", "nesting deeper than MAX_DEPTH"),
    (
        "[" * fastyaml.MAX_DEPTH + "a" + "]" * fastyaml.MAX_DEPTH + "\n",
        "ruamel counts the scalar inside the innermost collection as a level: MaxDepthExceededError (KV005)",
    ),
    ("a: [b\n", "libyaml syntax error: unclosed flow sequence"),
    ("a: b: c\n", "libyaml syntax error: mapping value in a plain scalar"),
    ("a:\n  - b\n  c: d\n", "libyaml syntax error: mapping key after a sequence"),
    ("{a: b}c\n", "libyaml syntax error: text after a flow mapping"),
    ("\ta: b\n", "libyaml syntax error: tab indentation"),
    ("a: 'b\n", "libyaml syntax error: unterminated quoted scalar"),
    ("a:\tb\n", "ruamel rejects a tab after the colon (ScannerError, KV001)"),
    ("a: b\tc\n", "ruamel rejects a tab inside a plain scalar (ScannerError, KV001)"),
    ("- a\tb\n", "ruamel rejects a tab inside a plain sequence item"),
    ("a: \udc85\n", "a lone surrogate: ruamel raises ReaderError; libyaml cannot even encode it"),
]


@pytest.mark.parametrize(("text", "why"), _MUST_DECLINE, ids=[why for _, why in _MUST_DECLINE])
@pytest.mark.parametrize("flavor", [fastyaml.LIGHT, RUAMEL], ids=["light", "ruamel"])
def test_fast_loader_declines(text, why, flavor):
    with pytest.raises(fastyaml.Unsupported):
        fastyaml.build(text, flavor)


def test_fast_loader_accepts_nesting_at_the_bound():
    depth = fastyaml.MAX_DEPTH - 1
    text = "[" * depth + "a" + "]" * depth + "\n"
    assert fastyaml.build(text, RUAMEL) is not None
    assert not mismatches(text)


# ---------------------------------------------------------------- 4. positions

_EMPTY_VALUES = [
    # (text, path of the empty value, ruamel's (line, column) for it)
    ("a:\nb: 1\n", ("a",), (1, 0)),  # at the next key
    ("a:\n  b:\nc: 1\n", ("a", "b"), (2, 0)),  # end of a nested mapping: where the next key starts
    ("a: 1\nb:\n", ("b",), (2, 0)),  # end of the document
    ("a: 1\r\nb:\r\n", ("b",), (2, 0)),
    ("- a:\n  b:\n- c\n", (0, "b"), (2, 0)),
]


@pytest.mark.parametrize("text", ["a: 1\nb:", "a:\n  b:"])
def test_empty_value_at_an_end_without_line_break_declines(text):
    # libyaml moves the end of such a text to a new line, ruamel does not: ruamel's tree is the one used.
    with pytest.raises(fastyaml.Unsupported):
        fastyaml.build(text)


@pytest.mark.parametrize(("text", "path", "where"), _EMPTY_VALUES)
def test_empty_values_get_ruamels_positions(text, path, where):
    ref = _load(text)[0]
    assert locate(ref, path) == where  # the reference itself
    light = fastyaml.build(text, fastyaml.LIGHT)
    assert fastyaml.locate(light, path) == where
    assert locate(fastyaml.build(text, RUAMEL), path) == where
    assert not mismatches(text)


def _paths(node: Any, path: TreePath = ()) -> Iterator[TreePath]:
    yield path
    if isinstance(node, dict):
        for k, v in node.items():
            yield from _paths(v, (*path, k))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield from _paths(v, (*path, i))


def _probes(tree: Any) -> Iterator[TreePath]:
    """Every existing path, plus missing ones below each: a key, an index, a negative index, two deep."""
    for path in _paths(tree):
        yield path
        yield (*path, "zz-missing")
        yield (*path, "zz-missing", "deeper")
        yield (*path, 10**6)
        yield (*path, -1)
        yield (*path, 0)


_LOCATE_DOCS = [
    "apiVersion: karpenter.sh/v1\nkind: NodePool\nmetadata:\n  name: default\nspec:\n  template:\n"
    "    spec:\n      requirements:\n        - key: kubernetes.io/arch\n          operator: In\n"
    "          values: [amd64, arm64]\n      nodeClassRef: {group: karpenter.k8s.aws, name: default}\n"
    "  disruption:\n    consolidateAfter: 30s\n  limits:\n    cpu: 1000\n",
    "- a:\n  b: [1, {c: d}]\n- - x\n  - 'y'\n- {}\n- []\n- |\n  text\n",
    "a:\n  b:\n  c:\n    - d:\n      e: 1\nf:\n",
    '{"items": [{"kind": "NodePool", "spec": {"limits": {"cpu": 4}}}], "kind": "List"}\n',
    "k:\n- a\n- b: 1\n  c:\n  - z\n",
]


def _locate_problems(text: str) -> list[str]:
    ref = _load(text)[0]
    light = fastyaml.build(text, fastyaml.LIGHT)
    out = []
    for path in _probes(ref):
        for key in (False, True):
            want, got = locate(ref, path, key=key), fastyaml.locate(light, path, key=key)
            if want != got:
                out.append(f"{text[:40]!r} {path} key={key}: {got} != ruamel's {want}")
    return out


@pytest.mark.parametrize("text", _LOCATE_DOCS)
def test_locate_matches_ruamel(text):
    assert not _locate_problems(text)


def test_locate_matches_ruamel_on_every_fixture_document():
    problems, checked = [], 0
    for label, text in _documents(FIXTURES):
        if _reference(text)[1] is not None:
            continue
        try:
            fastyaml.build(text, fastyaml.LIGHT)
        except fastyaml.Unsupported:
            continue
        checked += 1
        problems += [f"{label}: {p}" for p in _locate_problems(text)]
    assert checked >= 100
    assert not problems, "\n".join(problems[:30])


def test_locate_of_a_non_collection():
    assert fastyaml.locate("text", ("a",)) is None
    assert fastyaml.locate(None, ()) is None


# ---------------------------------------------------------------- 5. parse_document / dump_document


def _parse(text: str) -> ParsedDocument:
    (doc,) = split_documents(text)
    return parse_document(doc, "f.yaml")


_FAST_TEXTS = [
    "a: 1\nb: [x, y]\n",
    "a: 1\r\nb:\r\n  c: 'x'\r\n",  # CRLF
    "a: 1\nb: 2",  # no final line break
    "---\na: 1\n",  # start marker
    "--- \na: 1\n...\n",  # both markers
    '{\n  "a": 1,\n  "b": [\n    2\n  ]\n}\n',  # JSON, re-rendered in its own layout
    "a:   x\nb: [ 1 ,2 ]\nc:\n    - d\n",  # spacing ruamel would normalise
]


@pytest.mark.parametrize("text", _FAST_TEXTS)
def test_comment_free_document_is_fast_and_dumps_back_unchanged(text):
    parsed = _parse(text)
    assert parsed.fast
    assert not ruamel_diffs(_load(text)[0], parsed.tree)
    assert dump_document(parsed) == text
    parsed.keep_baseline()
    assert dump_document(parsed) == text


@pytest.mark.parametrize(
    "text",
    [
        "a: 1\n\nb: 2\n",  # a blank line
        "a: 1\n  \nb: 2\n",  # a line of spaces
        "a: 1\nb: 2\n\n",  # a trailing blank line: ruamel keeps it in its comment records
        "a: 1\r\n\r\nb: 2\r\n",
        "a: 1\r\rb: 2\r",  # a blank line between CR line breaks (old Mac files)
    ],
)
def test_document_with_blank_lines_only_goes_to_ruamel(text):
    parsed = _parse(text)
    assert not parsed.fast
    assert dump_document(parsed) == text


@pytest.mark.parametrize(
    "text", ["a: 1 # c\nb: 2\n", "# head\na: 1\n", "a:\n  # h\n  b: 1  # e\n  # t\nc: 2\n"]
)
def test_document_with_comments_is_built_with_ruamels_comment_records(text):
    parsed = _parse(text)
    assert parsed.fast
    assert not comment_mismatches(_load(text)[0], parsed.tree)
    assert dump_document(parsed) == text


def test_declined_comment_free_document_goes_to_ruamel():
    parsed = _parse("a: &x 1\nb: *x\n")
    assert not parsed.fast
    assert dump_document(parsed) == "a: &x 1\nb: *x\n"


def test_edited_fast_document_changes_only_the_edited_line():
    text = "a: 1\nb:\n  c: old\n  d: [x, y]\ne: 'q'\n"
    parsed = _parse(text)
    assert parsed.fast
    parsed.tree["b"]["c"] = "new"
    assert dump_document(parsed) == text.replace("old", "new")


# ---------------------------------------------------------------- comment records


def _token_view(token: Any) -> Any:
    if token is None:
        return None
    if isinstance(token, list):
        return [_token_view(t) for t in token]
    return (token.value, token.start_mark.line, token.column)


def comment_mismatches(ref: Any, fast: Any, path: TreePath = ()) -> list[str]:
    """Differences between ruamel's comment records (``ca``) and the fast tree's, node for node."""
    out: list[str] = []
    if not isinstance(ref, (CommentedMap, CommentedSeq)):
        return out
    if not isinstance(fast, (CommentedMap, CommentedSeq)):
        return [f"{path}: not a collection"]
    items_ref = {k: [_token_view(t) for t in v] for k, v in ref.ca.items.items()}
    items_fast = {k: [_token_view(t) for t in v] for k, v in fast.ca.items.items()}
    if items_ref != items_fast:
        out.append(f"{path}: ca.items {items_ref!r} != {items_fast!r}")
    comment_ref = [_token_view(t) for t in (ref.ca.comment or [])]
    comment_fast = [_token_view(t) for t in (fast.ca.comment or [])]
    if comment_ref != comment_fast:
        out.append(f"{path}: ca.comment {comment_ref!r} != {comment_fast!r}")
    end_ref = [_token_view(t) for t in (ref.ca.end or [])]
    end_fast = [_token_view(t) for t in (fast.ca.end or [])]
    if end_ref != end_fast:
        out.append(f"{path}: ca.end {end_ref!r} != {end_fast!r}")
    children = ref.items() if isinstance(ref, dict) else enumerate(ref)
    for key, value in children:
        out += comment_mismatches(value, fast[key], (*path, key))
    return out


def _commented_documents() -> Iterator[tuple[str, str]]:
    roots = [FIXTURES]
    if SHARED_CORPUS.is_dir():
        roots.append(SHARED_CORPUS)
    for root in roots:
        for path in sorted(root.rglob("*")):
            if path.suffix not in (".yaml", ".yml"):
                continue
            try:
                text = path.read_text(encoding="utf-8")
            except (UnicodeDecodeError, OSError):
                continue
            for doc in split_documents(text):
                if "#" in doc.text:
                    yield f"{path.name}#{doc.index}", doc.text


def test_comment_records_equal_ruamels_on_every_commented_document():
    built = 0
    problems: list[str] = []
    for name, text in _commented_documents():
        try:
            ref = _load(text)[0]
        except Exception:
            continue
        try:
            fast = fastyaml.build(text, RUAMEL)
        except fastyaml.Unsupported:
            continue
        built += 1
        problems += [f"{name}: {p}" for p in comment_mismatches(ref, fast)]
    assert not problems, "\n".join(problems[:10])
    # The reconstruction must actually cover the common layouts, not decline them.
    assert built >= 100


@pytest.mark.parametrize(
    "text",
    [
        "a:\n  b: [1]\n# c\nd: 1\n",  # a flow collection, then a comment and a dedent: no rule known
        "a: |\n  x\n# c\nb: 1\n",  # after a block scalar
        "a: 1\n\nb: 2\n# c\n",  # blank lines only after a scalar
        "a:  # c\n  - x\n",  # comment before a sequence's first item
        "a: [1,  # c\n  2]\n",  # inside a flow collection
        "--- # c\na: 1\n",
    ],
)
def test_comment_layouts_ruamel_records_differently_are_declined(text):
    with pytest.raises(fastyaml.Unsupported):
        fastyaml.build(text, RUAMEL)
