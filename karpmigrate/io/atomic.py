"""Replace a file's content so that a crash leaves either the old or the new file, never a mix."""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from pathlib import Path

_NEW_FILE_MODE = 0o644


def _umask() -> int:
    # os.umask is the only portable way to read it; set it straight back.
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _keep_owner(fd: int, st: os.stat_result) -> None:
    # Only root may give a file away; for everyone else the new file is theirs, like an editor's save.
    with contextlib.suppress(PermissionError):
        os.fchown(fd, st.st_uid, st.st_gid)


def _fsync_dir(directory: str) -> None:
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def atomic_write(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` via a temporary file in the same directory and ``os.replace``.

    The file keeps its mode (a new file gets 0o644 minus the umask); a symlink is written through to
    its target and stays a link. On any failure the original is untouched and no temporary file remains.
    """
    target = os.path.realpath(path)
    directory = os.path.dirname(target)
    try:
        st: os.stat_result | None = os.stat(target)
    except FileNotFoundError:
        st = None
    fd, tmp = tempfile.mkstemp(dir=directory, prefix=f".{os.path.basename(target)}.", suffix=".tmp")
    done = False
    try:
        if st is not None:
            os.fchmod(fd, stat.S_IMODE(st.st_mode))
            if (st.st_uid, st.st_gid) != (os.getuid(), os.getgid()):
                _keep_owner(fd, st)
        else:
            os.fchmod(fd, _NEW_FILE_MODE & ~_umask())
        with os.fdopen(fd, "wb", closefd=False) as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.close(fd)
        fd = -1
        os.replace(tmp, target)
        done = True
        _fsync_dir(directory)
    finally:
        if fd >= 0:
            os.close(fd)
        if not done:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(tmp)
