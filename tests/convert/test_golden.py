"""Golden pairs: fixtures/convert/<kind>/<case>.in.yaml → <case>.out.yaml, checked three ways.

1. the conversion gives exactly the expected bytes;
2. converting the expected output again changes nothing (idempotence);
3. every Karpenter document of the expected output is valid v1 (catches wrong goldens).

Optional sidecars: ``<case>.args`` holds convert flags (``--mode webhook``); ``<case>.notes`` lists the
notes the conversion must print, one ``CODE Kind/name`` per line, and no others.
Multi-file cases: fixtures/convert/multi/<case>/in/** → out/** converted as one input set.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from convert_support import FIXTURES, invalid_documents, options_file

from karpmigrate.convert import FileResult, convert_text, convert_texts

PAIRS = sorted(p for p in FIXTURES.glob("*/*.in.yaml") if p.parent.name != "multi")
MULTI = (
    sorted(p for p in (FIXTURES / "multi").iterdir() if p.is_dir()) if (FIXTURES / "multi").is_dir() else []
)


def _case(path: Path) -> str:
    return f"{path.parent.name}/{path.name.removesuffix('.in.yaml')}"


def _sidecar(path: Path, suffix: str) -> Path:
    return path.with_name(path.name.removesuffix(".in.yaml") + suffix)


def _result_text(result: FileResult) -> str:
    assert result.original is not None
    return result.text if result.text is not None else result.original


def _notes(results: list[FileResult]) -> list[str]:
    return sorted(f"{n.code} {n.obj}".strip() for r in results for n in r.notes)


def _expected_notes(path: Path) -> list[str] | None:
    if not path.exists():
        return None
    lines = [line.split("#", 1)[0].strip() for line in path.read_bytes().decode().splitlines()]
    return sorted(line for line in lines if line)


def test_there_are_golden_pairs() -> None:
    assert len(PAIRS) >= 20


@pytest.mark.parametrize("source", PAIRS, ids=_case)
def test_golden_output(source: Path) -> None:
    expected_path = _sidecar(source, ".out.yaml")
    opts = options_file(_sidecar(source, ".args"))
    result = convert_text(source.read_bytes().decode(), opts, file=source.name)
    assert _result_text(result) == expected_path.read_bytes().decode()
    expected_notes = _expected_notes(_sidecar(source, ".notes"))
    if expected_notes is not None:
        assert _notes([result]) == expected_notes


@pytest.mark.parametrize("source", PAIRS, ids=_case)
def test_golden_idempotent(source: Path) -> None:
    expected = _sidecar(source, ".out.yaml").read_bytes().decode()
    opts = options_file(_sidecar(source, ".args"))
    again = convert_text(expected, opts, file=source.name)
    assert not again.changed, "converting the expected output changes it again"
    assert not again.failed, [str(n) for n in again.notes]


@pytest.mark.parametrize("source", PAIRS, ids=_case)
def test_golden_output_is_valid_v1(source: Path) -> None:
    assert invalid_documents(_sidecar(source, ".out.yaml").read_bytes().decode()) == []


def _tree(root: Path) -> dict[str, str]:
    return {str(p.relative_to(root)): p.read_bytes().decode() for p in sorted(root.rglob("*.y*ml"))}


@pytest.mark.parametrize("case", MULTI, ids=lambda p: p.name)
def test_multi_file_golden(case: Path) -> None:
    opts = options_file(case / "args")
    inputs, expected = _tree(case / "in"), _tree(case / "out")
    results = convert_texts(inputs, opts)
    assert {name: _result_text(r) for name, r in results.items()} == expected
    expected_notes = _expected_notes(case / "notes")
    if expected_notes is not None:
        assert _notes(list(results.values())) == expected_notes
    again = convert_texts(expected, opts)
    assert [name for name, r in again.items() if r.changed] == []
    for name, text in expected.items():
        assert invalid_documents(text) == [], name
