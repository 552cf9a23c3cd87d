"""The previous version of files from git, for ``lint --against REF`` (drift rules compare old and new).

Read-only by construction: only ``rev-parse``, ``symbolic-ref``, ``grep`` on a commit and ``cat-file``
run; never through a shell, always as ``git -C ROOT`` with a timeout, with ``GIT_OPTIONAL_LOCKS=0`` so that
no command refreshes the index behind the user's back. Repository-locating variables (``GIT_DIR``,
``GIT_INDEX_FILE``, ...) are dropped as pre-commit does for its own git calls: inside a ``git commit`` hook
they point at a temporary index or another work tree (pre-commit#300).

Blobs are read as stored, without smudge filters (git-lfs would go to the network) or end-of-line
conversion; line numbers are the same either way.
"""

from __future__ import annotations

import os
import pathlib
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from karpmigrate.errors import KarpmigrateError, UsageError
from karpmigrate.io.documents import KARPENTER_GROUPS

if TYPE_CHECKING:
    import subprocess

#: Seconds any one git command may take.
TIMEOUT = 60.0
_YAML_OR_JSON = ("*.yaml", "*.yml", "*.json")
# GIT_* variables passed on to git: configuration and transport settings, never repository locations.
_KEEP = frozenset(
    {
        "GIT_EXEC_PATH",
        "GIT_CONFIG_COUNT",
        "GIT_CONFIG_GLOBAL",
        "GIT_CONFIG_NOSYSTEM",
        "GIT_CONFIG_SYSTEM",
        "GIT_CEILING_DIRECTORIES",
        "GIT_SSH",
        "GIT_SSH_COMMAND",
        "GIT_SSL_CAINFO",
        "GIT_SSL_NO_VERIFY",
        "GIT_ASKPASS",
    }
)


class _GitMissing(KarpmigrateError):
    pass


def _env() -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("GIT_")
        or key in _KEEP
        or key.startswith(("GIT_CONFIG_KEY_", "GIT_CONFIG_VALUE_"))
    }
    env["GIT_OPTIONAL_LOCKS"] = "0"
    env["GIT_TERMINAL_PROMPT"] = "0"
    return env


def _git(root: pathlib.Path, *args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess[bytes]:
    import subprocess  # here: only a run inside a git work tree pays for it (budget P1)

    command = ["git", "-C", str(root), *args]
    try:
        return subprocess.run(
            command, input=stdin, capture_output=True, timeout=TIMEOUT, env=_env(), check=False
        )
    except FileNotFoundError:
        raise _GitMissing("git is not installed (needed by --against)") from None
    except subprocess.TimeoutExpired:
        raise KarpmigrateError(f"git {args[0]} took longer than {TIMEOUT:g}s in {root}") from None
    except OSError as exc:
        raise KarpmigrateError(f"cannot run git: {exc}") from None


def _failed(result: subprocess.CompletedProcess[bytes], what: str) -> KarpmigrateError:
    detail = result.stderr.decode("utf-8", "replace").strip().splitlines()
    return KarpmigrateError(f"git {what} failed: {detail[-1] if detail else f'exit {result.returncode}'}")


def _text(data: bytes) -> str:
    return os.fsdecode(data.rstrip(b"\n"))


# ---------------------------------------------------------------- repository and revision


def _git_entry_above(directory: pathlib.Path) -> bool:
    """Whether ``directory`` or a parent holds a ``.git`` (directory or file, as in a linked work tree).

    Git finds a work tree only through such an entry (the repository-locating variables are dropped), so
    without one the answer is known without starting git: lint outside a repository saves a process
    (budget P1). Both spellings are walked: git starts from the physical directory (symlinks resolved).
    """
    for start in {pathlib.Path(os.path.abspath(directory)), directory.resolve()}:
        if any(os.path.lexists(place / ".git") for place in (start, *start.parents)):
            return True
    return False


def repo_root(path: pathlib.Path) -> pathlib.Path | None:
    """The top of the work tree holding ``path``; None outside a work tree or without git."""
    directory = path if path.is_dir() else path.parent
    if not _git_entry_above(directory):
        return None
    try:
        result = _git(directory, "rev-parse", "--show-toplevel")
    except _GitMissing:
        return None
    if result.returncode != 0 or not result.stdout.strip():
        return None
    return pathlib.Path(_text(result.stdout))


def _verify(root: pathlib.Path, rev: str) -> str | None:
    result = _git(root, "rev-parse", "--verify", "--quiet", f"{rev}^{{commit}}")
    return _text(result.stdout) if result.returncode == 0 else None


def _unborn_names(root: pathlib.Path) -> frozenset[str]:
    """What names the current branch when it has no commit yet (a fresh ``git init``), else nothing."""
    if _verify(root, "HEAD") is not None:
        return frozenset()
    result = _git(root, "symbolic-ref", "--quiet", "HEAD")
    if result.returncode != 0:
        return frozenset()
    branch = _text(result.stdout)
    return frozenset({"HEAD", "@", branch, branch.removeprefix("refs/"), branch.removeprefix("refs/heads/")})


def _shallow(root: pathlib.Path) -> bool:
    result = _git(root, "rev-parse", "--is-shallow-repository")
    return result.returncode == 0 and result.stdout.strip() == b"true"


def resolve(ref: str, root: pathlib.Path) -> str | None:
    """The commit id ``ref`` names; None when ``ref`` is the current branch and it has no commit yet
    (pre-commit on the first commit: there is no previous version of anything)."""
    # A leading "-" would be read as an option (git has no --end-of-options for rev-parse before 2.30).
    commit = None if not ref or ref.startswith("-") else _verify(root, ref)
    if commit is not None:
        return commit
    if ref in _unborn_names(root):
        return None
    hint = " (the clone is shallow: fetch the revision first)" if _shallow(root) else ""
    raise UsageError(f"--against: unknown revision {ref}{hint}")


# ---------------------------------------------------------------- file contents


def _repo_path(root: pathlib.Path, path: pathlib.Path) -> str | None:
    """``path`` relative to ``root`` in git's spelling; None outside the work tree or unusable in a batch."""
    absolute = pathlib.Path(os.path.abspath(path))
    for p, r in ((absolute, pathlib.Path(os.path.abspath(root))), (absolute.resolve(), root.resolve())):
        try:
            rel = p.relative_to(r).as_posix()
        except ValueError:
            continue
        # cat-file --batch reads one object name per line.
        return None if rel == "." or "\n" in rel else rel
    return None


def _parse_batch(output: bytes, count: int) -> list[bytes | None]:
    """The blobs of ``cat-file --batch`` output, in request order (None: missing or not a blob)."""
    blobs: list[bytes | None] = []
    position = 0
    for _ in range(count):
        end = output.index(b"\n", position)
        header = output[position:end].split(b" ")
        position = end + 1
        # Found: "<oid> <type> <size>\n<content>\n"; otherwise "<name> missing|ambiguous\n".
        if len(header) == 3 and header[2].isdigit():
            size = int(header[2])
            blobs.append(output[position : position + size] if header[1] == b"blob" else None)
            position += size + 1
        else:
            blobs.append(None)
    return blobs


def _cat(root: pathlib.Path, names: Sequence[str]) -> list[bytes | None]:
    if not names:
        return []
    result = _git(root, "cat-file", "--batch", stdin=b"".join(os.fsencode(n) + b"\n" for n in names))
    if result.returncode != 0:
        raise _failed(result, "cat-file")
    return _parse_batch(result.stdout, len(names))


def _decode(data: bytes | None) -> str | None:
    if data is None:
        return None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return None


def read_at(root: pathlib.Path, commit: str, paths: Sequence[pathlib.Path]) -> dict[pathlib.Path, str | None]:
    """The text of each file at ``commit`` (None: absent there, outside the repository or not UTF-8).

    Relative paths are relative to the working directory, as the command line gives them.
    """
    names: Mapping[pathlib.Path, str | None] = {path: _repo_path(root, path) for path in paths}
    wanted = sorted({name for name in names.values() if name is not None})
    blobs = dict(zip(wanted, _cat(root, [f"{commit}:{name}" for name in wanted]), strict=True))
    return {path: None if name is None else _decode(blobs[name]) for path, name in names.items()}


def karpenter_files_at(root: pathlib.Path, commit: str) -> list[tuple[str, str]]:
    """(repository-relative path, text) of every YAML/JSON file at ``commit`` that mentions a Karpenter
    API group, sorted by path: the previous version of objects whose file moved or was deleted."""
    patterns = [arg for group in KARPENTER_GROUPS for arg in ("-e", group)]
    command = ["grep", "-l", "-z", "-I", "-F", "--no-color", *patterns, commit, "--", *_YAML_OR_JSON]
    result = _git(root, *command)
    if result.returncode == 1:  # nothing matched
        return []
    if result.returncode != 0:
        raise _failed(result, "grep")
    prefix = f"{commit}:"
    names = sorted(os.fsdecode(item).removeprefix(prefix) for item in result.stdout.split(b"\0") if item)
    texts = [_decode(blob) for blob in _cat(root, [f"{commit}:{name}" for name in names])]
    return [(name, text) for name, text in zip(names, texts, strict=True) if text is not None]


__all__ = ["TIMEOUT", "karpenter_files_at", "read_at", "repo_root", "resolve"]


def ignored(root: pathlib.Path, paths: Sequence[pathlib.Path]) -> set[pathlib.Path]:
    """The ``paths`` that git ignores (``.gitignore``, ``info/exclude``): build output, rendered charts.

    A directory walk would otherwise lint them, and pre-commit never stashes untracked files, so a stray
    ignored file could fail a commit that does not contain it.
    """
    if not paths:
        return set()
    names = {os.fspath(path.resolve()): path for path in paths}
    result = _git(root, "check-ignore", "-z", "--stdin", stdin=b"\0".join(os.fsencode(n) for n in names))
    if result.returncode not in (0, 1):
        raise _failed(result, "check-ignore")
    found = {os.fsdecode(item) for item in result.stdout.split(b"\0") if item}
    return {names[name] for name in found if name in names}
