from __future__ import annotations

import io
import os
from pathlib import Path

import pytest

from karpmigrate.errors import InputError, UsageError
from karpmigrate.io.discovery import Source, discover, read_source


def _tree(root: Path, files: list[str]) -> None:
    for name in files:
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("a: 1\n")


@pytest.fixture
def repo(tmp_path, monkeypatch):
    _tree(
        tmp_path,
        [
            "dir/b.yaml",
            "dir/a.yml",
            "dir/sub/c.json",
            "dir/sub/z.YAML",
            "dir/aa/d.yaml",
            "dir/notes.txt",
            "dir/.hidden.yaml",
            "dir/.git/config.yaml",
            "dir/.github/workflows/ci.yaml",
            "odd.manifest",
        ],
    )
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _displays(sources: list[Source]) -> list[str]:
    return [s.display for s in sources]


def test_directory_order_extensions_and_hidden(repo):
    assert _displays(discover(["dir"])) == [
        "dir/a.yml",
        "dir/aa/d.yaml",
        "dir/b.yaml",
        "dir/sub/c.json",
        "dir/sub/z.YAML",
    ]


def test_display_is_relative_to_the_argument(repo):
    assert _displays(discover(["./dir/sub/"])) == ["dir/sub/c.json", "dir/sub/z.YAML"]
    assert _displays(discover([str(repo / "dir" / "sub")])) == [
        str(repo / "dir/sub/c.json"),
        str(repo / "dir/sub/z.YAML"),
    ]


def test_arguments_keep_their_order_and_duplicates_go(repo):
    sources = discover(["dir/sub", "odd.manifest", "dir", "dir/b.yaml", "-", "-"])
    assert _displays(sources) == [
        "dir/sub/c.json",
        "dir/sub/z.YAML",
        "odd.manifest",
        "dir/a.yml",
        "dir/aa/d.yaml",
        "dir/b.yaml",
        "-",
    ]
    assert sources[-1].path is None


def test_explicit_hidden_or_odd_files_are_taken(repo):
    assert _displays(discover(["dir/.hidden.yaml", "dir/notes.txt"])) == ["dir/.hidden.yaml", "dir/notes.txt"]
    assert _displays(discover(["dir/.github"])) == ["dir/.github/workflows/ci.yaml"]


def test_missing_path_is_a_usage_error(repo):
    with pytest.raises(UsageError, match="^nope.yaml: no such file or directory$"):
        discover(["dir", "nope.yaml"])


def test_directory_symlinks_found_by_recursion_are_not_followed(repo, tmp_path_factory):
    outside = tmp_path_factory.mktemp("outside")
    _tree(outside, ["secret.yaml"])
    os.symlink(outside, repo / "dir" / "link-out")
    os.symlink(repo / "dir" / "sub", repo / "dir" / "link-in")
    os.symlink(repo / "dir", repo / "dir" / "sub" / "loop")
    displays = _displays(discover(["dir"]))
    assert not any("secret" in d for d in displays)
    assert displays == ["dir/a.yml", "dir/aa/d.yaml", "dir/b.yaml", "dir/sub/c.json", "dir/sub/z.YAML"]
    # A symlink named on the command line is the user's choice: followed.
    assert _displays(discover(["dir/link-out"])) == ["dir/link-out/secret.yaml"]


def test_read_source_plain_and_bom(tmp_path):
    path = tmp_path / "f.yaml"
    path.write_bytes(b"\xef\xbb\xbfa: 1\r\n")
    loaded = read_source(Source("f.yaml", path))
    assert (loaded.text, loaded.bom) == ("a: 1\r\n", True)
    path.write_bytes(b"a: 1\n")
    assert read_source(Source("f.yaml", path)).bom is False


def test_read_source_stdin():
    loaded = read_source(Source("-", None), io.BytesIO("é: 1\n".encode()))
    assert loaded.text == "é: 1\n"


def test_non_utf8_points_at_the_first_bad_byte(tmp_path):
    path = tmp_path / "f.yaml"
    path.write_bytes(b"a: 1\nb: caf\xc3\xa9 \xe9t\xe9\n")
    with pytest.raises(InputError) as caught:
        read_source(Source("f.yaml", path))
    assert (caught.value.code, caught.value.line, caught.value.column) == ("KV003", 2, 9)
    assert caught.value.file == "f.yaml" and "0xe9" in caught.value.message


def test_non_utf8_fixture(tmp_path):
    fixture = Path(__file__).resolve().parents[2] / "fixtures" / "io" / "bad" / "not-utf8.yaml"
    with pytest.raises(InputError) as caught:
        read_source(Source("x", fixture))
    assert (caught.value.line, caught.value.column) == (5, 4)


def test_utf16_is_refused(tmp_path):
    path = tmp_path / "f.yaml"
    path.write_bytes("a: 1\n".encode("utf-16"))
    with pytest.raises(InputError, match="UTF-16") as caught:
        read_source(Source("f.yaml", path))
    assert caught.value.code == "KV003"


def test_too_large(tmp_path):
    path = tmp_path / "f.yaml"
    path.write_bytes(b"a" * 2048)
    with pytest.raises(InputError) as caught:
        read_source(Source("f.yaml", path), max_bytes=1024)
    assert caught.value.code == "KV006"
    assert read_source(Source("f.yaml", path), max_bytes=2048).text == "a" * 2048


def test_unreadable(tmp_path):
    with pytest.raises(InputError) as caught:
        read_source(Source("dir", tmp_path))
    assert caught.value.code == "KV003" and caught.value.file == "dir"
    with pytest.raises(InputError, match="cannot read"):
        read_source(Source("gone.yaml", tmp_path / "gone.yaml"))


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads files whatever their mode")
def test_unreadable_directory_is_reported_not_fatal(tmp_path):
    _tree(tmp_path, ["d/locked/x.yaml", "d/ok.yaml"])
    locked = tmp_path / "d" / "locked"
    locked.chmod(0)
    try:
        sources = discover([str(tmp_path / "d")])
        assert [Path(s.display).name for s in sources] == ["locked", "ok.yaml"]
        with pytest.raises(InputError):
            read_source(sources[0])
    finally:
        locked.chmod(0o755)
