from __future__ import annotations

import datetime
import difflib
import time
import tracemalloc
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from io_support import FIXTURES
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap
from ruamel.yaml.error import MarkedYAMLError

from karpmigrate.errors import InputError
from karpmigrate.io.documents import is_templated, split_documents
from karpmigrate.io.paths import pop, rename_key, set_
from karpmigrate.io.yaml import dump_document, locate, parse_document, to_plain

ROUNDTRIP = sorted((FIXTURES / "roundtrip").iterdir())
BAD = FIXTURES / "bad"
_BOM = b"\xef\xbb\xbf"


def _decode(path: Path) -> tuple[str, bool]:
    data = path.read_bytes()
    return data.removeprefix(_BOM).decode("utf-8"), data.startswith(_BOM)


def _parsed(text: str):
    """(doc, parsed or None) for every document; None for documents ruamel rejects."""
    out = []
    for doc in split_documents(text):
        try:
            out.append((doc, parse_document(doc, "f.yaml")))
        except InputError:
            out.append((doc, None))
    return out


def _roundtrip(path: Path, edit=None) -> bytes:
    text, bom = _decode(path)
    pieces = []
    for doc, parsed in _parsed(text):
        if parsed is None:
            pieces.append(doc.text)
            continue
        if edit is not None:
            edit(parsed.tree)
        pieces.append(dump_document(parsed))
    return (_BOM if bom else b"") + "".join(pieces).encode("utf-8")


def _harmless(tree) -> None:
    if isinstance(tree, CommentedMap):
        set_(tree, ("x-karpmigrate-test",), "x")
        pop(tree, ("x-karpmigrate-test",))


def _corpus_files(corpus: Path) -> list[Path]:
    files = [p for p in sorted((corpus / "yaml").iterdir()) if not is_templated(p.read_text("utf-8-sig"))]
    assert len(files) >= 50
    return files


# ---------------------------------------------------------------- byte-identical round trips


@pytest.mark.parametrize("path", ROUNDTRIP, ids=lambda p: p.name)
def test_fixture_roundtrip_is_byte_identical(path):
    assert _roundtrip(path) == path.read_bytes()


@pytest.mark.parametrize("path", ROUNDTRIP, ids=lambda p: p.name)
def test_fixture_harmless_edit_is_byte_identical(path):
    assert _roundtrip(path, _harmless) == path.read_bytes()


def test_corpus_roundtrip_is_byte_identical(corpus):
    for path in _corpus_files(corpus):
        assert _roundtrip(path) == path.read_bytes(), path.name
        assert _roundtrip(path, _harmless) == path.read_bytes(), path.name


def test_corpus_documents_mostly_parse(corpus):
    parsed = [p for path in _corpus_files(corpus) for _, p in _parsed(_decode(path)[0])]
    # A couple of corpus files are Terraform-interpolated and not YAML; everything else parses.
    assert sum(p is not None for p in parsed) >= 0.95 * len(parsed)


# ---------------------------------------------------------------- real edits change only their lines


def _changed_lines(before: str, after: str) -> tuple[list[str], list[str]]:
    removed, added = [], []
    for line in difflib.ndiff(before.splitlines(keepends=True), after.splitlines(keepends=True)):
        if line.startswith("- "):
            removed.append(line[2:])
        elif line.startswith("+ "):
            added.append(line[2:])
    return removed, added


def _rename_metadata_name(tree) -> bool:
    meta = tree.get("metadata") if isinstance(tree, CommentedMap) else None
    if not isinstance(meta, CommentedMap) or not isinstance(meta.get("name"), str):
        return False
    set_(tree, ("metadata", "name"), "renamed-by-test")
    return True


def _assert_only_name_line_changed(doc_text: str, out: str) -> None:
    removed, added = _changed_lines(doc_text, out)
    assert len(removed) == 1 and len(added) == 1, (removed, added)
    assert "name" in added[0] and "renamed-by-test" in added[0]
    assert removed[0].split("name")[0] == added[0].split("name")[0]


def test_corpus_scalar_edit_changes_one_line(corpus):
    edited = 0
    for path in _corpus_files(corpus):
        for doc, parsed in _parsed(_decode(path)[0]):
            if parsed is None or not _rename_metadata_name(parsed.tree):
                continue
            edited += 1
            _assert_only_name_line_changed(doc.text, dump_document(parsed))
    assert edited >= 60


# Where ruamel cannot write a block the way the file does (mixed indentation, JSON objects on one
# line), an edit inside that block rewrites the block, and nothing outside it.
IRREGULAR = {"json.json": 1, "mixed-indentation.yaml": 3}


@pytest.mark.parametrize("path", ROUNDTRIP, ids=lambda p: p.name)
def test_fixture_scalar_edit_changes_one_line(path):
    text, _ = _decode(path)
    for doc, parsed in _parsed(text):
        if parsed is None or not _rename_metadata_name(parsed.tree):
            continue
        out = dump_document(parsed)
        if path.name not in IRREGULAR or parsed.fast:
            # A libyaml-built document is patched in place (io/patch.py): one line, however irregular.
            _assert_only_name_line_changed(doc.text, out)
            continue
        removed, added = _changed_lines(doc.text, out)
        assert len(removed) == IRREGULAR[path.name]
        assert "renamed-by-test" in "".join(added)
        expected = to_plain(YAML().load(doc.text))
        expected["metadata"]["name"] = "renamed-by-test"
        assert to_plain(YAML().load(out)) == expected


@pytest.mark.parametrize("path", ROUNDTRIP, ids=lambda p: p.name)
def test_fixture_added_key_is_the_only_new_line(path):
    text, _ = _decode(path)
    for doc, parsed in _parsed(text):
        if parsed is None or not isinstance(parsed.tree, CommentedMap) or parsed.tree.fa.flow_style():
            continue
        set_(parsed.tree, ("zzAdded",), "yes")
        out = dump_document(parsed)
        removed, added = _changed_lines(doc.text, out)
        newline = parsed.style.newline
        if doc.text.endswith(("\n", "\r")):
            assert removed == []
            assert [a.strip() for a in added] == ["zzAdded: yes"]
        else:
            # The old last line gains the line break it lacked; the file still ends without one.
            assert len(removed) == 1 and removed[0] + newline in added
            assert not out.endswith(newline)
            assert [a.strip() for a in added if a != removed[0] + newline] == ["zzAdded: yes"]


def test_rename_in_place_keeps_every_other_byte():
    path = FIXTURES / "roundtrip" / "trailing-spaces.yaml"
    text, _ = _decode(path)
    ((doc, parsed),) = _parsed(text)
    rename_key(parsed.tree["data"], "a", "renamed")
    out = dump_document(parsed)
    removed, added = _changed_lines(doc.text, out)
    assert removed == ["  a:    1\n"]
    assert added == ["  renamed: 1\n"]
    # Lines ruamel would normalise (trailing spaces, odd flow spacing) stay as they were.
    assert "apiVersion: v1   \n" in out and "  b: [ 1,2 ,  3 ]   \n" in out


def test_crlf_edit_keeps_crlf():
    text, _ = _decode(FIXTURES / "roundtrip" / "crlf.yaml")
    ((doc, parsed),) = _parsed(text)
    set_(parsed.tree, ("spec", "disruption", "consolidationPolicy"), "WhenEmptyOrUnderutilized")
    set_(parsed.tree, ("spec", "disruption", "consolidateAfter"), "0s")
    out = dump_document(parsed)
    assert "\n" not in out.replace("\r\n", "")
    assert (
        out
        == doc.text.replace("WhenUnderutilized", "WhenEmptyOrUnderutilized") + "    consolidateAfter: 0s\r\n"
    )


def test_block_scalar_untouched_by_a_neighbouring_edit():
    text, _ = _decode(FIXTURES / "roundtrip" / "block-scalars.yaml")
    ((doc, parsed),) = _parsed(text)
    set_(parsed.tree, ("spec", "last"), "changed")
    out = dump_document(parsed)
    assert out == doc.text.replace("  last: end\n", "  last: changed\n")


def test_dump_after_edit_returns_a_document_that_parses_to_the_edit():
    text, _ = _decode(FIXTURES / "roundtrip" / "mixed-indentation.yaml")
    ((doc, parsed),) = _parsed(text)
    set_(parsed.tree, ("data", "other", 0), "changed")
    out = dump_document(parsed)
    assert to_plain(YAML().load(out))["data"]["other"] == ["changed"]
    assert out.splitlines()[:6] == doc.text.splitlines()[:6]


# ---------------------------------------------------------------- bad input


def _whole_file_mark(text: str) -> tuple[int, int]:
    try:
        list(YAML().load_all(text))
    except MarkedYAMLError as exc:
        return exc.problem_mark.line + 1, exc.problem_mark.column + 1
    raise AssertionError("expected a YAML error")


def _errors(path: Path) -> list[InputError]:
    errors = []
    for doc in split_documents(path.read_text("utf-8")):
        try:
            parse_document(doc, path.name)
        except InputError as exc:
            errors.append(exc)
    return errors


def test_syntax_error_in_a_middle_document_has_file_position():
    path = BAD / "invalid-middle.yaml"
    (error,) = _errors(path)
    assert (error.code, error.file) == ("KV001", "invalid-middle.yaml")
    assert (error.line, error.column) == _whole_file_mark(path.read_text()) == (12, 5)
    assert "expected ',' or '}'" in error.message and "\n" not in error.message


def test_duplicate_key():
    (error,) = _errors(BAD / "duplicate-key.yaml")
    assert (error.code, error.line, error.column) == ("KV002", 8, 3)
    assert 'duplicate key "name"' in error.message


def test_billion_laughs_fails_fast_in_small_memory():
    tracemalloc.start()
    started = time.perf_counter()
    try:
        (error,) = _errors(BAD / "billion-laughs.yaml")
        elapsed = time.perf_counter() - started
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert error.code == "KV005"
    assert elapsed < 2.0
    assert peak < 20 * 1024 * 1024


@pytest.mark.parametrize(
    ("text", "code", "line", "column"),
    [
        ("a:\n" + "".join(" " * i + "b:\n" for i in range(1, 150)), "KV005", 100, 100),
        ("[" * 5000, "KV005", 1, 101),
        ("&a [*a]\n", "KV005", 1, 1),
        ("a: 1\nb: \x07\n", "KV001", 2, 4),
        ("a: *nope\n", "KV001", 1, 4),
        # Constructor errors carry no position: the document's first line.
        ("a: !!int x\n", "KV001", 0, 1),
        ("x: !!timestamp 2020-99-99\n", "KV001", 0, 1),
        ("a: [1\n", "KV001", 2, 1),
        ("a: b: c\n", "KV001", 1, 5),
    ],
)
def test_bad_documents_raise_input_errors(text, code, line, column):
    with pytest.raises(InputError) as caught:
        parse_document(split_documents("x: 1\n---\n" + text)[1], "f.yaml")
    assert (caught.value.code, caught.value.line, caught.value.column) == (code, line + 2, column)


@given(st.text(alphabet=st.sampled_from(list("ab:-[]{}&*!|>'\"#%@`?, \n\t\\.0xYes~") + ["\u2028", "é"])))
@settings(max_examples=500, deadline=None)
def test_parse_raises_only_input_error(text):
    for doc in split_documents(text):
        try:
            parsed = parse_document(doc, "f.yaml")
        except InputError as exc:
            assert exc.line is not None and exc.line >= doc.line + 1
            continue
        to_plain(parsed.tree)
        assert dump_document(parsed) == doc.text


# ---------------------------------------------------------------- plain data and positions


def test_to_plain_gives_json_types():
    text = (
        "i: 0x1F\nf: 1.5\nb: yes\nt: true\nn: ~\ns: !!str 12\nq: '007'\nd: 2024-05-01\n"
        "ts: 2024-05-01T10:00:00Z\n2: int key\ntrue: bool key\nl: &x [1, {k: v}]\nm: *x\n"
        "block: |\n  text\n"
    )
    plain = to_plain(parse_document(split_documents(text)[0], "f").tree)
    assert plain == {
        "i": 31,
        "f": 1.5,
        "b": "yes",
        "t": True,
        "n": None,
        "s": "12",
        "q": "007",
        "d": "2024-05-01",
        "ts": "2024-05-01T10:00:00Z",
        "2": "int key",
        "true": "bool key",
        "l": [1, {"k": "v"}],
        "m": [1, {"k": "v"}],
        "block": "text\n",
    }
    assert [type(v) for v in (plain["i"], plain["f"], plain["t"], plain["s"])] == [int, float, bool, str]
    assert not isinstance(plain["d"], datetime.date)


DOC = """\
apiVersion: karpenter.sh/v1
kind: NodePool
spec:
  template:
    spec:
      requirements:
        - key: a
          operator: In
      nodeClassRef: {name: x}
"""


@pytest.mark.parametrize(
    ("path", "key", "expected"),
    [
        ((), False, (0, 0)),
        (("kind",), False, (1, 6)),
        (("kind",), True, (1, 0)),
        (("spec", "template", "spec", "requirements", 0), False, (6, 10)),
        (("spec", "template", "spec", "requirements", 0, "operator"), True, (7, 10)),
        (("spec", "template", "spec", "nodeClassRef", "name"), False, (8, 27)),
        # Missing: the deepest existing ancestor's key.
        (("spec", "template", "spec", "nodeClassRef", "group"), False, (8, 6)),
        (("spec", "template", "metadata", "labels"), False, (3, 2)),
        (("spec", "template", "spec", "requirements", 5, "key"), False, (5, 6)),
        (("metadata", "name"), True, (0, 0)),
    ],
)
def test_locate(path, key, expected):
    tree = parse_document(split_documents(DOC)[0], "f").tree
    assert locate(tree, path, key=key) == expected


def test_locate_is_relative_to_the_document():
    parsed = parse_document(split_documents("a: 1\n---\n" + DOC)[1], "f")
    line, column = locate(parsed.tree, ("kind",))
    assert (parsed.line + line, column) == (3, 6)


def test_locate_on_a_scalar_document():
    assert locate(parse_document(split_documents("just text\n")[0], "f").tree, ("a",)) is None
