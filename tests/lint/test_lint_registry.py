"""The rule registry against the catalogue: every code implemented once, documented in four parts."""

from __future__ import annotations

import re

import pytest

from karpmigrate import catalogue
from karpmigrate.lint._base import Scope
from karpmigrate.lint.registry import all_rules, by_code

SECTIONS = ("What it does:", "Why it matters:", "Example:", "Use instead:")


def test_every_catalogue_code_has_a_rule():
    assert sorted(by_code()) == sorted(catalogue.BY_CODE)


def test_registry_is_sorted_and_unique():
    codes = [r.id for r in all_rules()]
    assert codes == sorted(set(codes))


@pytest.mark.parametrize("rule", all_rules(), ids=lambda r: r.id)
def test_docstring_has_the_four_parts_in_order(rule):
    positions = [rule.doc.find(section) for section in SECTIONS]
    assert all(p > 0 for p in positions), f"{rule.id}: missing one of {SECTIONS}"
    assert positions == sorted(positions)
    summary = rule.doc.splitlines()[0]
    assert summary and not summary.startswith(SECTIONS)


@pytest.mark.parametrize("rule", all_rules(), ids=lambda r: r.id)
def test_module_name_matches_code_and_name(rule):
    module = rule.check.__module__.rpartition(".")[2]
    assert re.fullmatch(rf"{rule.id.lower()}_[a-z0-9_]+", module), module


@pytest.mark.parametrize("rule", all_rules(), ids=lambda r: r.id)
def test_rules_say_which_kinds_they_look_at(rule):
    assert rule.kinds or rule.scope in (Scope.SET, Scope.CLUSTER)


def test_cluster_rules_are_the_ones_lint_cannot_decide():
    cluster = {r.id for r in all_rules() if r.scope is Scope.CLUSTER}
    assert cluster == {"KM117", "KM118"}
