"""Requirement narrowing: which NodeClaims a requirement edit drifts (KM202, KM203; drift-and-lint §a.1).

Requirements are ``hash:"ignore"``: they drift nodes dynamically. Karpenter checks each NodeClaim's
labels against the NodePool's requirements (core pkg/controllers/nodeclaim/disruption/drift.go,
``StrictlyCompatible``): for every requirement key, a NodeClaim without that label drifts unless the
merged operator is NotIn or DoesNotExist, and one with the label drifts unless the value is allowed.
So an edit drifts nodes exactly when some label state the old requirements allowed is rejected by
the new ones: a value removed from In, a value added to NotIn, Gt/Lt tightened, a new In/Exists key.
Widening, removing a requirement and ``minValues`` never drift.

The model is core pkg/scheduling/requirement.go: one merged requirement per key (``complement``,
``values``, integer bounds), intersected as Karpenter does, quirks included.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from karpmigrate import catalogue
from karpmigrate.drift import labels
from karpmigrate.drift.change import REQUIREMENTS_DRIFTED, Change
from karpmigrate.findings import Path
from karpmigrate.io import paths
from karpmigrate.target import Target

REQUIREMENTS: Path = ("spec", "template", "spec", "requirements")
TEMPLATE_LABELS: Path = ("spec", "template", "metadata", "labels")
#: How many numbers past a bound to try when asking "does the old range hold a value the new lacks".
_PROBE_SLACK = 2


@dataclass(frozen=True, slots=True)
class Requirement:
    """Karpenter's merged requirement on one key (complement = the values are excluded, not allowed)."""

    complement: bool
    values: frozenset[str] = frozenset()
    greater_than: int | None = None
    less_than: int | None = None

    @property
    def absent_ok(self) -> bool:
        """A node without the label passes: the merged operator is NotIn or DoesNotExist."""
        return bool(self.values) if self.complement else not self.values

    def within(self, value: str) -> bool:
        if self.greater_than is None and self.less_than is None:
            return True
        try:
            number = int(value)
        except ValueError:
            return False  # bounds reject non-integer values
        if self.greater_than is not None and number <= self.greater_than:
            return False
        return self.less_than is None or number < self.less_than

    def has(self, value: str) -> bool:
        return (value not in self.values if self.complement else value in self.values) and self.within(value)

    def intersect(self, other: Requirement) -> Requirement:
        """requirement.go ``Intersection``."""
        complement = self.complement and other.complement
        greater = _max(self.greater_than, other.greater_than)
        less = _min(self.less_than, other.less_than)
        if greater is not None and less is not None and greater >= less:
            return Requirement(False)  # DoesNotExist
        if self.complement and other.complement:
            values = self.values | other.values
        elif self.complement:
            values = other.values - self.values
        elif other.complement:
            values = self.values - other.values
        else:
            values = self.values & other.values
        bounded = Requirement(True, frozenset(), greater, less)
        values = frozenset(v for v in values if bounded.within(v))
        if not complement:
            greater = less = None
        return Requirement(complement, values, greater, less)

    def __str__(self) -> str:
        bounds = [f"Gt {self.greater_than}"] if self.greater_than is not None else []
        bounds += [f"Lt {self.less_than}"] if self.less_than is not None else []
        if self.complement:
            # Gt/Lt are Exists with bounds: written as the bounds alone.
            head = f"NotIn {_list(self.values)}" if self.values else "" if bounds else "Exists"
        else:
            head = f"In {_list(self.values)}" if self.values else "DoesNotExist"
        return " ".join(p for p in (head, *bounds) if p)


def _max(a: int | None, b: int | None) -> int | None:
    return b if a is None else a if b is None else max(a, b)


def _min(a: int | None, b: int | None) -> int | None:
    return b if a is None else a if b is None else min(a, b)


def _list(values: frozenset[str]) -> str:
    shown = sorted(values)
    more = f", and {len(shown) - 5} more" if len(shown) > 5 else ""
    return "[" + ", ".join(shown[:5]) + more + "]"


def _bound(values: list[str], shift: int) -> int | None:
    if len(values) != 1:
        return None
    try:
        return int(values[0]) + shift
    except ValueError:
        return None


def parse(entry: Any) -> tuple[str, Requirement] | None:
    """One ``requirements[]`` entry as (normalised key, requirement); None when the API rejects it."""
    if not isinstance(entry, Mapping):
        return None
    key, operator, raw = entry.get("key"), entry.get("operator"), entry.get("values")
    if not isinstance(key, str) or not isinstance(operator, str):
        return None
    values = [v if isinstance(v, str) else str(v) for v in raw] if isinstance(raw, list) else []
    key = labels.normalized(key)
    found: Requirement | None
    if operator in ("In", "NotIn"):
        found = Requirement(operator == "NotIn", frozenset(values))
    elif operator in ("Exists", "DoesNotExist"):
        found = Requirement(operator == "Exists")
    elif operator in ("Gt", "Gte"):
        # Gte/Lte (core v1.9+) are Gt/Lt moved by one on integers.
        bound = _bound(values, -1 if operator == "Gte" else 0)
        found = None if bound is None else Requirement(True, greater_than=bound)
    elif operator in ("Lt", "Lte"):
        bound = _bound(values, 1 if operator == "Lte" else 0)
        found = None if bound is None else Requirement(True, less_than=bound)
    else:
        found = None
    return None if found is None else (key, found)


@dataclass(slots=True)
class Merged:
    requirement: Requirement
    #: Index of the first entry with this key (where a finding points).
    index: int


def merged(obj: Mapping[str, Any]) -> dict[str, Merged]:
    """The NodePool's requirements merged per key, as ``Requirements.Add`` does."""
    out: dict[str, Merged] = {}
    entries = paths.get(obj, REQUIREMENTS)
    for index, entry in enumerate(entries if isinstance(entries, list) else []):
        parsed = parse(entry)
        if parsed is None:
            continue
        key, requirement = parsed
        if key in out:
            out[key].requirement = out[key].requirement.intersect(requirement)
        else:
            out[key] = Merged(requirement, index)
    return out


@dataclass(slots=True)
class Narrowing:
    """Label states that passed the old requirements and fail the new one."""

    key: str
    lost_values: list[str] = field(default_factory=list)
    #: Old requirements allowed more values than can be listed (no requirement, NotIn, Exists, bounds).
    lost_open: bool = False
    lost_absent: bool = False

    def __bool__(self) -> bool:
        return bool(self.lost_values or self.lost_open or self.lost_absent)


def _old_values(key: str, old: Requirement | None, pinned: str | None, target: Target) -> set[str] | None:
    """The finite set of values old nodes can have for ``key``, or None when it is open-ended."""
    if pinned is not None:
        return {pinned}
    if old is not None and not old.complement:
        return set(old.values)
    known = labels.domain(key, target)
    if known is None:
        return None
    return {v for v in known if old is None or old.has(v)}


def _probe(old: Requirement, start: int, stop: int, step: int) -> bool:
    """Some integer from ``start`` towards ``stop`` (exclusive) passes ``old``.

    At most ``len(old.values) + slack`` numbers are tried: the excluded values are finite, and a bound
    that rejects one number rejects every later one.
    """
    tries = len(old.values) + _PROBE_SLACK
    number = start
    while number != stop and tries:
        if old.has(str(number)):
            return True
        number += step
        tries -= 1
    return False


def _open_narrowed(old: Requirement | None, new: Requirement) -> bool:
    """Old allowed open-ended values (no requirement, NotIn, Exists, Gt/Lt); does the new lose some?"""
    base = old or Requirement(True)
    if not new.complement:
        return True  # a finite In cannot hold every value the old requirement allowed
    if any(base.has(v) for v in new.values - base.values):
        return True  # a value added to NotIn that old nodes may have
    if new.greater_than is not None and (
        base.greater_than is None
        or (
            new.greater_than > base.greater_than
            and _probe(base, base.greater_than + 1, new.greater_than + 1, 1)
        )
    ):
        return True
    return new.less_than is not None and (
        base.less_than is None
        or (new.less_than < base.less_than and _probe(base, base.less_than - 1, new.less_than - 1, -1))
    )


def narrowing(
    key: str, old: Requirement | None, new: Requirement, pinned: str | None, target: Target
) -> Narrowing:
    """What the new requirement on ``key`` rejects that the old one (None: no requirement) allowed.

    ``pinned`` is the value the old template labels give every node of the pool.
    """
    found = Narrowing(key)
    if pinned is None and key not in labels.ALWAYS_PRESENT:
        found.lost_absent = (old is None or old.absent_ok) and not new.absent_ok
    values = _old_values(key, old, pinned, target)
    if values is None:
        found.lost_open = _open_narrowed(old, new)
    else:
        found.lost_values = sorted(v for v in values if not new.has(v))
    return found


def _detail(found: Narrowing, old: Requirement | None, new: Requirement) -> str:
    was = "no requirement" if old is None else str(old)
    if found.lost_values:
        lost = f"value{'s' if len(found.lost_values) > 1 else ''} {', '.join(found.lost_values)} no longer allowed"
    elif found.lost_open:
        lost = "values old nodes may have are no longer allowed"
    else:
        lost = "nodes without the label are no longer allowed"
    return f"{was} -> {new}: {lost}"


def _late(key: str) -> str | None:
    """Why old NodeClaims lack ``key`` (KM203), or None."""
    if key in labels.LATE_LABELS:
        return f"Karpenter sets it only from {labels.LATE_LABELS[key]}, so NodeClaims launched before lack it"
    if key in labels.ACCELERATOR_LABELS:
        return "only GPU/accelerator instance types carry it, so every other node lacks it"
    return None


def compare(
    old: Mapping[str, Any], new: Mapping[str, Any], target: Target, base: Path = REQUIREMENTS
) -> Iterator[Change]:
    """KM202/KM203 changes between two effective NodePools' requirements."""
    before, after = merged(old), merged(new)
    template_labels = paths.get(old, TEMPLATE_LABELS)
    pins = template_labels if isinstance(template_labels, Mapping) else {}
    for key, entry in after.items():
        previous = before[key].requirement if key in before else None
        pinned = pins.get(key)
        found = narrowing(
            key, previous, entry.requirement, pinned if isinstance(pinned, str) else None, target
        )
        if not found:
            continue
        path = (*base, entry.index)
        old_text = None if previous is None else str(previous)
        why = _late(key)
        if why is not None and found.lost_absent:
            yield Change(
                catalogue.KM203,
                REQUIREMENTS_DRIFTED,
                path,
                old_text,
                str(entry.requirement),
                f"new requirement {key} {entry.requirement}: {why}; every node without the label drifts and is "
                f"replaced ({REQUIREMENTS_DRIFTED})",
            )
            continue
        yield Change(
            catalogue.KM202,
            REQUIREMENTS_DRIFTED,
            path,
            old_text,
            str(entry.requirement),
            f"requirement {key} narrowed ({_detail(found, previous, entry.requirement)}); only the nodes "
            f"whose {key} label no longer fits drift and are replaced ({REQUIREMENTS_DRIFTED})",
        )
