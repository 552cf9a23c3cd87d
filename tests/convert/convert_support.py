"""Helpers shared by the convert tests (a uniquely named module: several conftest.py may exist)."""

from __future__ import annotations

import shlex
import textwrap
from pathlib import Path

from karpmigrate.convert import AliasVersions, FileResult, Mode, Options, convert_text
from karpmigrate.io.documents import split_documents
from karpmigrate.io.yaml import parse_document, to_plain
from karpmigrate.models import validate_object

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "fixtures" / "convert"
SHARED = ROOT / ".." / "shared"


def options(*args: str) -> Options:
    """Options from ``convert`` flags, e.g. ``options("--mode", "webhook")`` (the flags of a ``.args`` file)."""
    values: dict[str, object] = {}
    it = iter(args)
    for flag in it:
        if flag == "--mode":
            values["mode"] = Mode(next(it))
        elif flag == "--alias-version":
            values["alias_version"] = AliasVersions.parse(next(it))
        elif flag == "--ubuntu-ami-id":
            values["ubuntu_ami_id"] = next(it)
        elif flag == "--keep-deprecated-annotations":
            values["keep_deprecated_annotations"] = True
        elif flag == "--adopt-v1-defaults":
            values["adopt_v1_defaults"] = True
        else:
            raise ValueError(f"unknown flag in test options: {flag}")
    return Options(**values)  # type: ignore[arg-type]


def options_file(path: Path) -> Options:
    return options(*shlex.split(path.read_text())) if path.exists() else Options()


def convert(text: str, *args: str, file: str = "test.yaml") -> FileResult:
    return convert_text(textwrap.dedent(text), options(*args), file=file)


def output(text: str, *args: str) -> str:
    """The converted text (the input itself when nothing changed)."""
    result = convert(text, *args)
    assert result.original is not None
    return result.text if result.text is not None else result.original


def codes(result: FileResult) -> list[str]:
    return [n.code for n in result.notes]


def invalid_documents(text: str) -> list[str]:
    """Problems of the Karpenter documents of ``text`` as v1 (empty when all are valid v1)."""
    problems = []
    for doc in split_documents(text):
        if not doc.is_karpenter:
            continue
        data = to_plain(parse_document(doc, "out").tree)
        if not str(data.get("apiVersion", "")).endswith("/v1"):
            problems.append(f"document {doc.index}: apiVersion {data.get('apiVersion')} is not v1")
        problems += [f"document {doc.index}: {i.path}: {i.message}" for i in validate_object(data)]
    return problems
