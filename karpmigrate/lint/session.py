"""The I/O edge of ``lint`` and ``diff``: read files, the previous version, the configuration; then lint.

Where the previous version of the manifests comes from (the drift rules compare it with the new one):

- ``lint --against REF`` (default ``HEAD`` inside a git work tree): each file as committed at REF, plus
  every Karpenter file of REF so that an object that moved between files still finds its past;
- ``lint --baseline PATH``: the manifests under PATH (a file or a directory, e.g. a checkout of main);
- ``diff OLD NEW``: OLD.

Without any of them only the single-version rules have something to say.
"""

from __future__ import annotations

import os
import pathlib
from collections.abc import Sequence
from typing import TYPE_CHECKING, BinaryIO, NamedTuple

from karpmigrate.errors import InputError, UsageError
from karpmigrate.findings import FileReport, Level
from karpmigrate.io.discovery import Source, discover, read_source
from karpmigrate.lint._base import Hit, LintObject, Rule
from karpmigrate.lint.config import ResolvedConfig, find_config, load_config
from karpmigrate.lint.engine import LintInput, Policy, lint
from karpmigrate.lint.registry import all_rules, single_version_rules
from karpmigrate.lint.selection import Selection
from karpmigrate.target import Target

if TYPE_CHECKING:
    from karpmigrate.lint.directives import Directives

FAIL_ON = {"error": Level.ERROR, "warning": Level.WARNING, "info": Level.INFO}


class Request(NamedTuple):
    """What the user asked for, as parsed by the command line."""

    paths: Sequence[str]
    against: str | None = None
    baseline: str | None = None
    config: pathlib.Path | None = None
    select: Sequence[str] | None = None
    ignore: Sequence[str] | None = None
    target_version: str | None = None
    inline_ignores: bool = True


class Outcome(NamedTuple):
    reports: list[FileReport]
    config: ResolvedConfig
    #: Where the previous version came from, for the summary line (None: single-version rules only).
    compared_with: str | None = None
    repo_root: pathlib.Path | None = None
    notes: Sequence[str] = ()


class ConfiguredPolicy(Policy):
    """``.karpmigrate.yaml`` levels, ignores and waivers, ``--select``/``--ignore``, inline directives."""

    def __init__(
        self,
        config: ResolvedConfig,
        selection: Selection,
        directives: dict[str, Directives],
    ) -> None:
        self.config = config
        self.selection = selection
        self.directives = directives

    def level(self, rule: Rule, hit: Hit, obj: LintObject) -> Level | None:
        if not self.selection.selected(rule.id) or self.config.path_ignored(obj.file, rule.id):
            return None
        ref = obj.ref
        if self.config.waiver(rule.id, ref.kind, ref.name, ref.namespace) is not None:
            return None
        directives = self.directives.get(obj.file)
        if directives is not None:
            line = obj.locate(hit.path, key=hit.at_key)[0]
            if directives.file_disabled or (line is not None and directives.suppressed(rule.id, line)):
                return None
        return self.config.level(rule.id, hit.level or rule.level)

    def file_ignored(self, file: str) -> bool:
        return self.config.path_ignored(file)


class _Read:
    """The files read so far (display name, text), those that could not be read, and their sources."""

    __slots__ = ("files", "unreadable", "sources")

    def __init__(self) -> None:
        self.files: list[tuple[str, str]] = []
        self.unreadable: list[InputError] = []
        self.sources: list[Source] = []


def _read(sources: Sequence[Source], stdin: BinaryIO | None) -> _Read:
    read = _Read()
    for source in sources:
        try:
            loaded = read_source(source, stdin)
        except InputError as exc:
            read.unreadable.append(exc)
            continue
        read.files.append((source.display, loaded.text))
        read.sources.append(source)
    return read


def _config(request: Request) -> ResolvedConfig:
    path = request.config
    if path is not None and not path.is_file():
        raise UsageError(f"--config: {path} is not a file")
    return load_config(path if path is not None else find_config(pathlib.Path.cwd()))


def target_of(request: Request, config: ResolvedConfig) -> Target:
    text = request.target_version or config.target_version
    return Target.parse(text) if text else Target()


def _directives(read: _Read, enabled: bool) -> dict[str, Directives]:
    # A directive names karpmigrate: the parser (and its imports) is for the files that do (P1).
    mentioned = [(name, text) for name, text in read.files if "karpmigrate" in text] if enabled else []
    if not mentioned:
        return {}
    from karpmigrate.lint.directives import Directives

    return {name: Directives.parse(text, name) for name, text in mentioned}


def _old_from_git(
    request: Request, read: _Read
) -> tuple[list[tuple[str, str]] | None, str | None, pathlib.Path | None]:
    from karpmigrate.lint import git

    paths = [s.path for s in read.sources if s.path is not None]
    anchor = paths[0].parent if paths else pathlib.Path.cwd()
    root = git.repo_root(anchor)
    if root is None:
        if request.against is not None:
            raise UsageError(f"--against {request.against}: {anchor} is not inside a git work tree")
        return None, None, None
    ref = request.against or "HEAD"
    commit = git.resolve(ref, root)
    if commit is None:
        # A repository before its first commit: everything is new, nothing can drift yet.
        return [], f"{ref} (no commits yet)", root
    old: dict[str, str] = {}
    for rel, text in git.karpenter_files_at(root, commit):
        old[f"{ref}:{rel}"] = text
    for path, committed in git.read_at(root, commit, paths).items():
        if committed is not None:
            rel = os.path.relpath(os.path.realpath(path), root)
            old[f"{ref}:{pathlib.PurePath(rel).as_posix()}"] = committed
    return list(old.items()), ref, root


def _old_from_baseline(baseline: str, stdin: BinaryIO | None) -> list[tuple[str, str]]:
    read = _read(discover([baseline]), stdin)
    if read.unreadable:
        first = read.unreadable[0]
        raise UsageError(f"--baseline: {first}")
    return read.files


def _tracked(sources: list[Source], named: Sequence[str]) -> list[Source]:
    """Drop git-ignored files found by walking a directory; files named on the command line stay."""
    from karpmigrate.lint import git

    walked = [s.path for s in sources if s.path is not None and str(s.path) not in named]
    if not walked:
        return sources
    root = git.repo_root(pathlib.Path.cwd())
    if root is None:
        return sources
    skip = git.ignored(root, walked)
    return [s for s in sources if s.path not in skip]


def run_lint(request: Request, stdin: BinaryIO | None = None) -> Outcome:
    """``karpmigrate lint``: every selected rule over the paths, drift rules against the previous version."""
    if request.against is not None and request.baseline is not None:
        raise UsageError("--against and --baseline cannot be combined")
    config = _config(request)
    selection = Selection.parse(request.select, request.ignore)
    target = target_of(request, config)
    read = _read(_tracked(discover(request.paths), request.paths), stdin)
    old_files: list[tuple[str, str]] | None = None
    compared_with: str | None = None
    root: pathlib.Path | None = None
    if request.baseline is not None:
        old_files, compared_with = _old_from_baseline(request.baseline, stdin), request.baseline
    else:
        old_files, compared_with, root = _old_from_git(request, read)
    policy = ConfiguredPolicy(config, selection, _directives(read, request.inline_ignores))
    # Without a previous version the drift rules have nothing to compare: not even imported (P1).
    rules = all_rules() if old_files is not None else single_version_rules()
    reports = lint(LintInput(read.files, old_files, read.unreadable), rules, target=target, policy=policy)
    return Outcome(reports, config, compared_with, root)


def run_diff(
    old: Sequence[str], new: Sequence[str], request: Request, stdin: BinaryIO | None = None
) -> Outcome:
    """``karpmigrate diff OLD NEW``: only the rules that compare two versions (drift and migration risks)."""
    config = _config(request)
    selection = Selection.parse(request.select, request.ignore)
    target = target_of(request, config)
    old_read = _read(discover(old), stdin)
    if old_read.unreadable:
        raise UsageError(f"OLD: {old_read.unreadable[0]}")
    read = _read(discover(new), stdin)
    policy = ConfiguredPolicy(config, selection, _directives(read, request.inline_ignores))
    rules = [r for r in all_rules() if r.compares]
    reports = lint(
        LintInput(read.files, old_read.files, read.unreadable), rules, target=target, policy=policy
    )
    return Outcome(reports, config, " ".join(old))


def exit_code(reports: Sequence[FileReport], fail_on: Level) -> int:
    """0 nothing at or above ``fail_on``, 1 findings, 3 input that could not be read (design §2)."""
    if any(r.runtime_error for r in reports):
        return 3
    if any(f.level.rank >= fail_on.rank for r in reports for f in r.findings if not f.runtime):
        return 1
    return 0
