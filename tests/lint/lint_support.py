"""Helpers for rule tests: YAML text in, the hits of one rule out (no files, no config)."""

from __future__ import annotations

import textwrap

from karpmigrate.lint._base import LintObject, Rule
from karpmigrate.lint.engine import RuleHit, run_rules
from karpmigrate.lint.objects import load_text
from karpmigrate.target import Target


def objects(text: str, file: str = "new.yaml") -> list[LintObject]:
    """The lintable objects of ``text`` (dedented), as the engine loads them."""
    loaded = load_text(textwrap.dedent(text), file)
    assert not loaded.errors, loaded.errors
    return loaded.objects


def hits(rule: Rule, new: str, old: str | None = None, *, target: str = "1.0") -> list[RuleHit]:
    """Every hit of ``rule`` on the new manifests, compared with ``old`` when given."""
    old_objects = objects(old, "old.yaml") if old is not None else []
    return list(
        run_rules([rule], objects(new), old_objects, target=Target.parse(target), has_old=old is not None)
    )


def messages(rule: Rule, new: str, old: str | None = None, *, target: str = "1.0") -> list[str]:
    return [h.hit.message for h in hits(rule, new, old, target=target)]
