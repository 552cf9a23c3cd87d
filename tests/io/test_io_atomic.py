from __future__ import annotations

import os
import stat

import pytest

from karpmigrate.io import atomic
from karpmigrate.io.atomic import atomic_write


def _mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def test_new_file_gets_0644_minus_umask(tmp_path):
    old = os.umask(0o027)
    try:
        atomic_write(tmp_path / "f.yaml", b"a: 1\n")
    finally:
        os.umask(old)
    assert (tmp_path / "f.yaml").read_bytes() == b"a: 1\n"
    assert _mode(tmp_path / "f.yaml") == 0o640


def test_existing_file_keeps_its_mode(tmp_path):
    path = tmp_path / "f.yaml"
    path.write_bytes(b"old\n")
    path.chmod(0o600)
    atomic_write(path, b"new\r\n")
    assert path.read_bytes() == b"new\r\n"
    assert _mode(path) == 0o600
    assert os.listdir(tmp_path) == ["f.yaml"]


def test_symlink_is_written_through(tmp_path):
    target = tmp_path / "real.yaml"
    target.write_bytes(b"old\n")
    link = tmp_path / "link.yaml"
    link.symlink_to(target.name)
    atomic_write(link, b"new\n")
    assert link.is_symlink()
    assert target.read_bytes() == b"new\n"


@pytest.mark.parametrize("failing", ["fsync", "replace", "write"])
def test_failure_leaves_the_original_and_no_temp_file(tmp_path, monkeypatch, failing):
    path = tmp_path / "f.yaml"
    path.write_bytes(b"original\n")

    def boom(*args, **kwargs):
        raise OSError(28, "No space left on device")

    if failing == "write":
        monkeypatch.setattr(atomic.os, "fdopen", boom)
    else:
        monkeypatch.setattr(atomic.os, failing, boom)
    with pytest.raises(OSError, match="No space"):
        atomic_write(path, b"new\n")
    assert path.read_bytes() == b"original\n"
    assert os.listdir(tmp_path) == ["f.yaml"]
