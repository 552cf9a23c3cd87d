"""``.karpmigrate.yaml``: rule levels, ignored paths and per-object waivers for ``lint`` (ecosystem §3.4 item 13).

Lookup follows yamllint (ecosystem §1.6): ``$KARPMIGRATE_CONFIG`` first, else ``.karpmigrate.yaml`` then
``.karpmigrate.yml`` in the start directory and each parent, stopping after the user's home directory or the
filesystem root. ``--config FILE`` is the CLI's business: it calls :func:`load_config` with that path.

The file::

    extends: default            # default | strict | path/to/other.yaml (relative to this file)
    target-version: "1.1"       # quoted: YAML reads 1.10 as the number 1.1
    fail-on: warning            # error | warning | info
    ignore:                     # gitignore patterns, relative to this file's directory
      - vendor/
    rules:
      KM211: disable            # shorthand for {level: disable}; error | warning | info | disable | enable
      KM201: {level: warning, ignore: ["staging/"]}
    waivers:                    # kube-linter#487: waive one rule for one object, with a reason
      - {rule: KM211, kind: EC2NodeClass, name: "gpu-*", reason: "GPU AMIs are pinned by the platform team"}

``extends`` chains are resolved base first: a later file's ``target-version``/``fail-on`` and per-rule
``level`` win, ``waivers`` add up, and ``ignore`` patterns are evaluated base first with the last matching
pattern deciding, so a ``!pattern`` in a later file re-includes what a base file ignored (as nested
``.gitignore`` files do). ``enable`` resets a rule a base file disabled to its default level.
``extends: strict`` enables every rule and promotes the catalogue's info rules to warning; explicit
``rules`` levels still win over the promotion.
"""

from __future__ import annotations

import fnmatch
import functools
import os
import pathlib
from collections.abc import Iterable, Mapping, Sequence
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, Literal, NamedTuple

from karpmigrate.errors import InputError, UsageError
from karpmigrate.findings import Level, dotted

if TYPE_CHECKING:
    from pathspec import GitIgnoreSpec
    from pydantic import ValidationError
    from pydantic_core import ErrorDetails

# pydantic, pathspec and the YAML reader load only when a config file exists (issue 6, budget P1):
# ``lint FILE`` without one is a pre-commit hook's common case and pays nothing for them.

CONFIG_NAMES = (".karpmigrate.yaml", ".karpmigrate.yml")
ENV_VAR = "KARPMIGRATE_CONFIG"

LevelName = Literal["error", "warning", "info"]
#: A rule's setting: a level, ``disable``, or ``enable`` (back to its default level after a base disabled it).
Setting = Literal["error", "warning", "info", "disable", "enable"]


# ---------------------------------------------------------------- validators


def _known_code(code: str) -> str:
    from karpmigrate.catalogue import BY_CODE

    if code not in BY_CODE:
        raise ValueError(f"unknown rule code {code}")
    return code


def _pattern_lines(value: Any) -> Any:
    # yamllint also accepts `ignore: |` with one pattern per line (ecosystem §1.6).
    return value.splitlines() if isinstance(value, str) else value


def _gitignore(patterns: tuple[str, ...]) -> tuple[str, ...]:
    from pathspec import GitIgnoreSpec

    try:
        GitIgnoreSpec.from_lines(patterns)
    except ValueError as exc:
        raise ValueError(f"invalid gitignore pattern: {exc}") from None
    return patterns


def _shorthand(value: Any) -> Any:
    return {"level": value} if isinstance(value, str) else value


def _no_number(value: Any) -> Any:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        raise ValueError(
            'write the version quoted (e.g. "1.10"): YAML reads an unquoted 1.10 as the number 1.1'
        )
    return value


def _target(text: str) -> str:
    from karpmigrate.target import Target

    try:
        return str(Target.parse(text))
    except UsageError as exc:
        raise ValueError(str(exc).removeprefix("--target-version: ")) from None


def _reason(text: str) -> str:
    if not text.strip():
        raise ValueError("a waiver needs a reason")
    return text


# ---------------------------------------------------------------- the file's schema


def _kebab(name: str) -> str:
    return name.replace("_", "-")


class Waiver(NamedTuple):
    """Waive ``rule`` for the objects it names (kube-linter#487); ``name``/``namespace`` are fnmatch globs."""

    rule: str
    name: str
    reason: str
    kind: str | None = None
    namespace: str | None = None

    def matches(self, code: str, kind: str | None, name: str | None, namespace: str | None) -> bool:
        if code != self.rule or name is None or not fnmatch.fnmatchcase(name, self.name):
            return False
        if self.kind is not None and kind != self.kind:
            return False
        return self.namespace is None or fnmatch.fnmatchcase(namespace or "", self.namespace)


@functools.cache
def _schema() -> Any:
    """The file's pydantic model (``ConfigFile``), built on first use: pydantic costs ~40 ms to import (P1)."""
    from typing import Annotated

    from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict

    RuleCode = Annotated[str, AfterValidator(_known_code)]
    Patterns = Annotated[tuple[str, ...], BeforeValidator(_pattern_lines), AfterValidator(_gitignore)]
    TargetVersion = Annotated[str, BeforeValidator(_no_number), AfterValidator(_target)]
    Reason = Annotated[str, AfterValidator(_reason)]

    class _Model(BaseModel):
        model_config = ConfigDict(extra="forbid", frozen=True, alias_generator=_kebab)

    class RuleSettings(_Model):
        level: Setting | None = None
        ignore: Patterns = ()

    class WaiverModel(_Model):
        rule: RuleCode
        kind: str | None = None
        name: str
        namespace: str | None = None
        reason: Reason

    class ConfigFile(_Model):
        extends: str | None = None
        target_version: TargetVersion | None = None
        fail_on: LevelName | None = None
        ignore: Patterns = ()
        rules: dict[RuleCode, Annotated[RuleSettings, BeforeValidator(_shorthand)]] = {}
        waivers: tuple[WaiverModel, ...] = ()

    return ConfigFile


# ---------------------------------------------------------------- the resolved configuration


class _Preset(NamedTuple):
    strict: bool = False


#: ``extends:`` names that are not files.
PRESETS: Mapping[str, _Preset] = {"default": _Preset(), "strict": _Preset(strict=True)}


class _Ignore(NamedTuple):
    """Gitignore patterns and the directory they are relative to (the config file that wrote them)."""

    base: pathlib.Path
    spec: GitIgnoreSpec


def _absolute(path: pathlib.Path | str) -> pathlib.Path:
    # abspath, not resolve: a symlinked file inside the tree is judged by where it appears.
    return pathlib.Path(os.path.abspath(path))


def _relative(path: pathlib.Path, base: pathlib.Path) -> str | None:
    for p, b in ((path, base), (path.resolve(), base.resolve())):
        try:
            rel = p.relative_to(b).as_posix()
        except ValueError:
            continue
        # A directory pattern (`vendor/`) matches a directory only when the path says it is one.
        return rel + "/" if rel != "." and p.is_dir() else rel
    return None


def _ignored(path: pathlib.Path, layers: Iterable[_Ignore]) -> bool:
    ignored = False
    for layer in layers:
        rel = _relative(path, layer.base)
        if rel is None or rel == ".":
            continue
        verdict = layer.spec.check_file(rel).include
        if verdict is not None:
            ignored = verdict
    return ignored


class ResolvedConfig(NamedTuple):
    """The configuration after ``extends``: what the lint engine asks about levels, paths and waivers."""

    #: Directory of the config file (ignore patterns are relative to it), or the working directory.
    root: pathlib.Path
    target_version: str | None = None
    fail_on: str | None = None
    source: pathlib.Path | None = None
    strict: bool = False
    settings: Mapping[str, Setting] = MappingProxyType({})
    waivers: tuple[Waiver, ...] = ()
    ignores: tuple[_Ignore, ...] = ()
    rule_ignores: Mapping[str, tuple[_Ignore, ...]] = MappingProxyType({})

    def level(self, code: str, default: Level) -> Level | None:
        """The level of ``code`` (``default``: its catalogue level); None when the rule is disabled."""
        setting = self.settings.get(code, "enable")
        if setting == "disable":
            return None
        if setting != "enable":
            return Level(setting)
        if self.strict and default is Level.INFO:
            return Level.WARNING
        return default

    def path_ignored(self, file: pathlib.Path | str, code: str | None = None) -> bool:
        """True when ``file`` matches the global ``ignore`` or, with ``code``, that rule's ``ignore``."""
        if not self.ignores and (code is None or not self.rule_ignores.get(code)):
            return False  # nothing to match: no need to resolve the path (asked once per finding)
        path = _absolute(file)
        if _relative(path, self.root) is None:
            return False
        if _ignored(path, self.ignores):
            return True
        return code is not None and _ignored(path, self.rule_ignores.get(code, ()))

    def waiver(self, code: str, kind: str | None, name: str | None, namespace: str | None) -> str | None:
        """The reason of the first waiver of ``code`` for this object, or None."""
        for waiver in self.waivers:
            if waiver.matches(code, kind, name, namespace):
                return waiver.reason
        return None


# ---------------------------------------------------------------- lookup


def find_config(start: pathlib.Path) -> pathlib.Path | None:
    """``$KARPMIGRATE_CONFIG``, else the nearest ``.karpmigrate.yaml``/``.yml`` from ``start`` up."""
    env = os.environ.get(ENV_VAR)
    if env:
        return pathlib.Path(env).expanduser()
    directory = _absolute(start)
    if not directory.is_dir():
        directory = directory.parent
    home = _absolute(pathlib.Path.home())
    while True:
        for name in CONFIG_NAMES:
            if (directory / name).is_file():
                return directory / name
        if directory == home or directory.parent == directory:
            return None
        directory = directory.parent


# ---------------------------------------------------------------- loading


_MISSING = object()


class _Loaded(NamedTuple):
    path: pathlib.Path
    model: Any  # ConfigFile, built by _schema()
    tree: Any


def _where(path: pathlib.Path, tree: Any, loc: Sequence[str | int], *, key: bool = False) -> str:
    from karpmigrate.io.yaml import locate

    position = locate(tree, tuple(loc), key=key) if tree is not None else None
    line, column = (position[0] + 1, position[1] + 1) if position else (1, 1)
    return f"{path}:{line}:{column}"


def _existing(tree: Any, loc: Sequence[str | int]) -> tuple[str | int, ...]:
    """The longest prefix of ``loc`` present in the file (a missing key, or a shorthand's implied ``level``)."""
    from karpmigrate.io import paths

    for end in range(len(loc), 0, -1):
        if paths.get(tree, tuple(loc[:end]), _MISSING) is not _MISSING:
            return tuple(loc[:end])
    return ()


# pydantic's wording is about Python inputs; these read better about a YAML file.
_MESSAGES = {"extra_forbidden": "unknown key", "missing": "required key missing"}


def _validation_error(exc: ValidationError, tree: Any, path: pathlib.Path) -> UsageError:
    error: ErrorDetails = exc.errors(include_url=False)[0]
    loc = [part for part in error["loc"] if part != "[key]"]
    on_key = error["type"] == "extra_forbidden" or "[key]" in error["loc"]
    message = _MESSAGES.get(error["type"]) or error["msg"].removeprefix("Value error, ")
    found = _existing(tree, loc)
    where = _where(path, tree, found, key=on_key and found == tuple(loc))
    more = len(exc.errors()) - 1
    suffix = f" (and {more} more)" if more else ""
    return UsageError(f"{where}: {dotted(tuple(loc))}: {message}{suffix}")


def _read_text(path: pathlib.Path) -> str:
    try:
        return path.read_bytes().decode("utf-8-sig")
    except OSError as exc:
        raise UsageError(f"{path}: cannot read config: {exc.strerror or exc}") from None
    except UnicodeDecodeError:
        raise UsageError(f"{path}: config is not UTF-8") from None


def _read(path: pathlib.Path) -> _Loaded:
    from pydantic import ValidationError

    from karpmigrate.io.documents import DocumentText
    from karpmigrate.io.yaml import parse_document, to_plain

    try:
        tree = parse_document(DocumentText(0, _read_text(path), 0, None, None), str(path)).tree
    except InputError as exc:
        raise UsageError(str(exc)) from None
    data = {} if tree is None else to_plain(tree)
    if not isinstance(data, dict):
        raise UsageError(f"{_where(path, tree, ())}: expected a mapping of settings")
    try:
        return _Loaded(path, _schema().model_validate(data), tree)
    except ValidationError as exc:
        raise _validation_error(exc, tree, path) from None


def _identity(path: pathlib.Path) -> pathlib.Path:
    return path.resolve()


def _chain(path: pathlib.Path) -> tuple[list[_Loaded], _Preset]:
    """The files of the ``extends`` chain, base first, and the preset at its bottom."""
    loaded = [_read(path)]
    while True:
        current = loaded[-1]
        extends = current.model.extends
        if extends is None or extends in PRESETS:
            return loaded[::-1], PRESETS[extends or "default"]
        where = _where(current.path, current.tree, ("extends",))
        parent = current.path.parent / pathlib.Path(extends).expanduser()
        if not parent.is_file():
            raise UsageError(f"{where}: extends: {extends!r} is not default, strict or an existing file")
        seen = [_identity(item.path) for item in loaded]
        if _identity(parent) in seen:
            cycle = " -> ".join(str(item.path) for item in loaded) + f" -> {parent}"
            raise UsageError(f"{where}: extends: cycle {cycle}")
        loaded.append(_read(parent))


def _spec(base: pathlib.Path, patterns: tuple[str, ...]) -> tuple[_Ignore, ...]:
    if not patterns:
        return ()
    from pathspec import GitIgnoreSpec

    return (_Ignore(base, GitIgnoreSpec.from_lines(patterns)),)


def _merge(files: list[_Loaded], preset: _Preset, source: pathlib.Path) -> ResolvedConfig:
    target_version = fail_on = None
    settings: dict[str, Setting] = {}
    waivers: list[Waiver] = []
    ignores: list[_Ignore] = []
    rule_ignores: dict[str, tuple[_Ignore, ...]] = {}
    for item in files:
        model, base = item.model, _absolute(item.path.parent)
        target_version = model.target_version or target_version
        fail_on = model.fail_on or fail_on
        waivers.extend(Waiver(w.rule, w.name, w.reason, w.kind, w.namespace) for w in model.waivers)
        ignores.extend(_spec(base, model.ignore))
        for code, rule in model.rules.items():
            if rule.level is not None:
                settings[code] = rule.level
            rule_ignores[code] = rule_ignores.get(code, ()) + _spec(base, rule.ignore)
    return ResolvedConfig(
        target_version=target_version,
        fail_on=fail_on,
        root=_absolute(source.parent),
        source=source,
        strict=preset.strict,
        settings=settings,
        waivers=tuple(waivers),
        ignores=tuple(ignores),
        rule_ignores=rule_ignores,
    )


def load_config(path: pathlib.Path | None) -> ResolvedConfig:
    """The resolved configuration of ``path`` (None: the defaults, rooted at the working directory).

    Any mistake in the file raises :class:`UsageError` as ``FILE:LINE:COL: key.path: message``.
    """
    if path is None:
        return ResolvedConfig(root=pathlib.Path.cwd())
    files, preset = _chain(path)
    return _merge(files, preset, path)


__all__ = [
    "CONFIG_NAMES",
    "ENV_VAR",
    "PRESETS",
    "ResolvedConfig",
    "Waiver",
    "find_config",
    "load_config",
]
