"""``--select`` / ``--ignore``: which rules run, by code or code prefix, as ruff selects them.

Each option takes codes and prefixes (``KM``, ``KM2``, ``KM21``, ``KM211``), repeated or comma-separated.
For a code, the longest matching selector wins; on a tie ``--ignore`` wins. Without ``--select`` every
rule is selected, as if ``--select KM`` were given: ``--select KM2 --ignore KM21`` runs KM201 but not
KM211, and ``--select KM211 --ignore KM2`` still runs KM211. A selector that matches no catalogue code is
a usage error, so a typo never silently selects nothing.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import NamedTuple

from karpmigrate.catalogue import BY_CODE
from karpmigrate.errors import UsageError

#: What selecting everything means: the prefix every catalogue code shares.
EVERYTHING = "KM"


def _items(values: Sequence[str] | None) -> Iterable[str]:
    for value in values or ():
        for item in value.split(","):
            if item.strip():
                yield item.strip().upper()


def _selectors(option: str, values: Sequence[str] | None) -> frozenset[str]:
    selectors = frozenset(_items(values))
    for selector in sorted(selectors):
        if not any(code.startswith(selector) for code in BY_CODE):
            raise UsageError(f"{option}: {selector} matches no rule code (karpmigrate rules lists them)")
    return selectors


def _longest(code: str, selectors: Iterable[str]) -> int:
    return max((len(s) for s in selectors if code.startswith(s)), default=-1)


class Selection(NamedTuple):
    select: frozenset[str] = frozenset({EVERYTHING})
    ignore: frozenset[str] = frozenset()

    @classmethod
    def parse(cls, select: Sequence[str] | None, ignore: Sequence[str] | None) -> Selection:
        """``select`` None or empty: every rule."""
        chosen = _selectors("--select", select) or frozenset({EVERYTHING})
        return cls(chosen, _selectors("--ignore", ignore))

    def selected(self, code: str) -> bool:
        chosen = _longest(code, self.select)
        return chosen >= 0 and chosen > _longest(code, self.ignore)


__all__ = ["EVERYTHING", "Selection"]
