"""Run lint rules over a new set of manifests and, when there is one, the previous set.

Pure core: texts in, :class:`FileReport`s out. The command (cli.py) does the reading: files, the git
revision (``--against``), a ``--baseline`` tree, or ``diff``'s OLD side.

Objects of the two sets are paired by identity (kind, namespace, name), not by file, so a NodePool that
moved to another file is still compared with its previous version.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import NamedTuple

from karpmigrate.errors import InputError
from karpmigrate.findings import FileReport, Finding, Level
from karpmigrate.io.codes import TEMPLATED, input_finding
from karpmigrate.lint._base import Hit, LintObject, Rule, RuleContext, Scope
from karpmigrate.lint.objects import Loaded, load_text
from karpmigrate.target import Target

Identity = tuple[str, str, str]
DEFAULT_TARGET = Target()


def identity(obj: LintObject) -> Identity:
    """What makes two versions the same object: kind, namespace and name (the API group's version aside)."""
    return (obj.kind, obj.namespace, obj.name)


def _parts(file: str) -> list[str]:
    # "HEAD:karpenter/pool.yaml" (git) and "old/karpenter/pool.yaml" (diff) both end in the same parts.
    return [p for p in re.split(r"[/\\:]", file) if p]


def _shared_tail(a: str, b: str) -> int:
    left, right = _parts(a), _parts(b)
    count = 0
    while count < min(len(left), len(right)) and left[-1 - count] == right[-1 - count]:
        count += 1
    return count


def pair(objects: Sequence[LintObject], old_objects: Sequence[LintObject]) -> dict[int, LintObject]:
    """``id(new) -> old`` for every new object that has a previous version.

    Several old objects may share an identity (overlays/dev and overlays/prod both define NodePool
    default, or unrelated files of a directory diff): the one whose file path ends most like the new
    object's file wins, then the first in input order.
    """
    previous: dict[Identity, list[LintObject]] = {}
    for old in old_objects:
        if old.name:
            previous.setdefault(identity(old), []).append(old)
    pairs: dict[int, LintObject] = {}
    for new in objects:
        candidates = previous.get(identity(new)) if new.name else None
        if candidates:
            pairs[id(new)] = max(candidates, key=lambda old: _shared_tail(old.file, new.file))
    return pairs


class RuleHit(NamedTuple):
    rule: Rule
    hit: Hit
    obj: LintObject


def run_rules(
    rules: Iterable[Rule],
    objects: Sequence[LintObject],
    old_objects: Sequence[LintObject] = (),
    *,
    target: Target = DEFAULT_TARGET,
    has_old: bool | None = None,
) -> Iterator[RuleHit]:
    """Every hit of every rule, in rule order then input order."""
    pairs = pair(objects, old_objects)
    base = RuleContext(
        target=target,
        objects=objects,
        old_objects=old_objects,
        pairs=pairs,
        has_old=bool(old_objects) if has_old is None else has_old,
    )
    for rule in rules:
        for ctx in _calls(rule, base, objects, pairs):
            for hit in rule.check(ctx):
                obj = hit.obj or ctx.obj
                if obj is None:
                    raise ValueError(f"{rule.id}: a SET rule must name the object of each hit")
                yield RuleHit(rule, hit, obj)


def _calls(
    rule: Rule, base: RuleContext, objects: Sequence[LintObject], pairs: Mapping[int, LintObject]
) -> Iterator[RuleContext]:
    if rule.scope is Scope.CLUSTER:
        return
    if rule.scope is Scope.SET:
        yield base
        return
    for obj in objects:
        if obj.kind not in rule.kinds:
            continue
        old = pairs.get(id(obj))
        if rule.scope is Scope.PAIR and old is None:
            continue
        yield RuleContext(
            target=base.target,
            objects=base.objects,
            old_objects=base.old_objects,
            obj=obj,
            old=old,
            pairs=pairs,
            has_old=base.has_old,
        )


# ---------------------------------------------------------------- from hits to reports


class Policy:
    """What decides whether a hit becomes a finding, and at which level (config, directives, selection).

    The default keeps every hit at its catalogue level; the command builds one from ``.karpmigrate.yaml``,
    ``--select``/``--ignore`` and the files' inline directives.
    """

    def level(self, rule: Rule, hit: Hit, obj: LintObject) -> Level | None:
        """The level of the finding, None to drop it."""
        return hit.level or rule.level

    def file_ignored(self, file: str) -> bool:
        return False


class LintInput(NamedTuple):
    """The new files (display name, text) and, when known, the previous version of the manifests."""

    files: Sequence[tuple[str, str]]
    old_files: Sequence[tuple[str, str]] | None = None
    #: Files that could not be read at all (their reports carry the error).
    unreadable: Sequence[InputError] = ()


def _load_all(files: Sequence[tuple[str, str]]) -> list[Loaded]:
    return [load_text(text, name) for name, text in files]


def _finding(rule_hit: RuleHit, level: Level) -> Finding:
    hit, obj = rule_hit.hit, rule_hit.obj
    line, column = obj.locate(hit.path, key=hit.at_key)
    return Finding(
        code=rule_hit.rule.id,
        name=rule_hit.rule.name,
        level=level,
        # One line whatever a rule quoted (design §7: file:line:col: one line per finding).
        message=" ".join(hit.message.split("\n")),
        file=obj.file,
        line=line,
        column=column,
        obj=obj.ref,
        path=obj.prefix + hit.path,
    )


def lint(
    data: LintInput,
    rules: Sequence[Rule],
    *,
    target: Target = DEFAULT_TARGET,
    policy: Policy | None = None,
    only_files: Callable[[str], bool] | None = None,
) -> list[FileReport]:
    """Lint ``data.files`` (one report each, in order); ``only_files`` limits which files get findings."""
    policy = policy or Policy()
    loaded = _load_all(data.files)
    old_loaded = _load_all(data.old_files) if data.old_files is not None else []
    objects = [o for file in loaded for o in file.objects if not policy.file_ignored(o.file)]
    old_objects = [o for file in old_loaded for o in file.objects]
    reports = {file.file: _report(file) for file in loaded}
    for error in data.unreadable:
        reports.setdefault(error.file, FileReport(error.file)).findings.append(input_finding(error))
    hits = run_rules(rules, objects, old_objects, target=target, has_old=data.old_files is not None)
    for rule_hit in hits:
        file = rule_hit.obj.file
        if file not in reports or (only_files is not None and not only_files(file)):
            continue
        level = policy.level(rule_hit.rule, rule_hit.hit, rule_hit.obj)
        if level is not None:
            reports[file].findings.append(_finding(rule_hit, level))
    for report in reports.values():
        report.findings.sort(key=lambda f: f.sort_key)
    return list(reports.values())


def _report(file: Loaded) -> FileReport:
    report = FileReport(file.file)
    report.objects = len(file.objects)
    if file.templated:
        report.skipped = "templated"
        report.findings.append(
            TEMPLATED.finding(
                "Go/Helm template expressions: skipped (render it first: helm template ... | karpmigrate lint -)",
                file=file.file,
            )
        )
    report.findings.extend(input_finding(error) for error in file.errors)
    return report
