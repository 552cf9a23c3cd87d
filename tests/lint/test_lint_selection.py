"""`--select` / `--ignore`: codes and prefixes, the most specific selector wins."""

from __future__ import annotations

import pytest

from karpmigrate.catalogue import BY_CODE
from karpmigrate.errors import UsageError
from karpmigrate.lint.selection import Selection


def chosen(selection: Selection) -> set[str]:
    return {code for code in BY_CODE if selection.selected(code)}


def test_default_selects_everything() -> None:
    assert chosen(Selection.parse(None, None)) == set(BY_CODE)
    assert chosen(Selection.parse([], [])) == set(BY_CODE)


def test_select_prefix() -> None:
    assert chosen(Selection.parse(["KM2"], None)) == {c for c in BY_CODE if c.startswith("KM2")}


def test_select_full_codes_comma_separated_and_repeated() -> None:
    assert chosen(Selection.parse(["KM201,KM105", " km211 "], None)) == {"KM201", "KM105", "KM211"}


def test_ignore_alone_removes_from_everything() -> None:
    selection = Selection.parse(None, ["KM2"])
    assert chosen(selection) == {c for c in BY_CODE if c.startswith("KM1")}


def test_more_specific_ignore_wins() -> None:
    selection = Selection.parse(["KM2"], ["KM21"])
    assert selection.selected("KM201")
    assert not selection.selected("KM211")
    assert not selection.selected("KM101")


def test_more_specific_select_wins() -> None:
    selection = Selection.parse(["KM211"], ["KM2"])
    assert selection.selected("KM211")
    assert not selection.selected("KM212")
    assert not selection.selected("KM101")


def test_select_beats_a_broader_ignore_even_with_default_select() -> None:
    selection = Selection.parse(["KM", "KM211"], ["KM2"])
    assert selection.selected("KM211")
    assert selection.selected("KM101")
    assert not selection.selected("KM201")


def test_same_selector_in_both_ignore_wins() -> None:
    assert not Selection.parse(["KM201"], ["KM201"]).selected("KM201")


def test_unknown_selectors_are_errors() -> None:
    with pytest.raises(UsageError, match=r"^--select: KM3 matches no rule code"):
        Selection.parse(["KM3"], None)
    with pytest.raises(UsageError, match=r"^--ignore: KM999 matches no rule code"):
        Selection.parse(None, ["KM201,KM999"])
    with pytest.raises(UsageError, match=r"^--select: E501 matches no rule code"):
        Selection.parse(["E501"], None)
