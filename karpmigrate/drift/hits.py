"""The drift engine as lint hits: what the KM201-KM210 rules share (one Hit per Change of their code).

The ten rules ask about the same pair, so the comparison runs once per pair and target (cached on the
objects' JSON text: plain data, no identity).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from functools import lru_cache

from karpmigrate.drift import compare
from karpmigrate.drift.change import Change
from karpmigrate.findings import Code
from karpmigrate.lint._base import Hit, LintObject, RuleContext
from karpmigrate.target import Target

#: In a v1beta1 -> v1 migration these changes have a rule of their own with migration-specific advice
#: (KM105 expireAfter, KM109 metadataOptions, KM112 the AMI selection of a family-only class): the drift
#: rule leaves them to it instead of reporting twice.
_MIGRATION_OWNED: dict[str, tuple[tuple[str | int, ...], ...]] = {
    "KM201": (("spec", "template", "spec", "expireAfter"),),
    "KM204": (("spec", "metadataOptions"),),
}


def _family_only(old: LintObject) -> bool:
    # KM112's case: a v1beta1 amiFamily without terms, which the conversion turns into <family>@latest.
    return bool(old.get(("spec", "amiFamily"))) and not old.get(("spec", "amiSelectorTerms"))


def _owned_by_migration_rule(ctx: RuleContext, code: str, change: Change) -> bool:
    assert ctx.obj is not None and ctx.old is not None
    if not (ctx.old.version == "v1beta1" and ctx.obj.version == "v1"):
        return False
    if code == "KM207" and change.path[:2] == ("spec", "amiSelectorTerms"):
        return _family_only(ctx.old)
    return any(change.path[: len(prefix)] == prefix for prefix in _MIGRATION_OWNED.get(code, ()))


@lru_cache(maxsize=256)
def _changes(old: str, new: str, major: int, minor: int) -> tuple[Change, ...]:
    return tuple(compare(json.loads(old), json.loads(new), Target(major, minor)))


def drift_hits(ctx: RuleContext, code: Code) -> Iterator[Hit]:
    """The hits of ``code`` for the pair in ``ctx`` (a PAIR rule's object and its previous version)."""
    if ctx.obj is None or ctx.old is None:
        return
    old = json.dumps(ctx.old.data, sort_keys=True, default=str)
    new = json.dumps(ctx.obj.data, sort_keys=True, default=str)
    for change in _changes(old, new, ctx.target.major, ctx.target.minor):
        if change.code.code == code.code and not _owned_by_migration_rule(ctx, code.code, change):
            yield Hit(change.message, change.path)
