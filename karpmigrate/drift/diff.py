"""Compare two objects field by field through their shapes, down to the smallest changed part.

A hashed field is compared in its strict canonical form (explicit empties kept, as the hash does);
each difference is reported at the deepest path where the two sides still have the same structure
(a map key, a struct field, a whole list when it is a set). ``explicit_only`` marks differences that
vanish once explicit empties and pointer-to-zero values are dropped: KM210 rather than a real change.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from karpmigrate import catalogue
from karpmigrate.drift.change import Change
from karpmigrate.drift.shapes import MISSING, Shape, jsonable, sort_key
from karpmigrate.findings import Code, Path
from karpmigrate.io import paths

Reader = Callable[[Mapping[str, Any]], Any]
_SHORT = 60


@dataclass(frozen=True, slots=True)
class Field:
    """A field that drifts nodes: where it is, its Go shape, and the code and reason of a change."""

    path: Path
    shape: Shape
    code: Code
    reason: str
    #: What the user calls it in a message (``template labels``, ``metadataOptions``).
    name: str = ""
    #: How to read the value when it is not simply the value at ``path`` (resolved AMI family).
    read: Reader | None = None
    #: How an absent value reads in a message (``Never`` for expireAfter), instead of "added"/"removed".
    unset: str | None = None

    def value(self, obj: Mapping[str, Any]) -> Any:
        return self.read(obj) if self.read is not None else paths.get(obj, self.path)


@dataclass(frozen=True, slots=True)
class Leaf:
    """One difference: its full path and the canonical values on each side (MISSING when absent)."""

    field: Field
    path: Path
    old: Any
    new: Any
    explicit_only: bool


def _walk(old: Any, new: Any, path: Path) -> Iterator[tuple[Path, Any, Any]]:
    if old == new:
        return
    # A map or struct present on one side only is still walked key by key, so that each label,
    # annotation or setting added or removed is named; an empty one is a change of its own.
    if _mapping_or_absent(old) and _mapping_or_absent(new) and (_entries(old) or _entries(new)):
        before, after = _entries(old), _entries(new)
        for key in [*after, *(k for k in before if k not in after)]:
            yield from _walk(before.get(key, MISSING), after.get(key, MISSING), (*path, key))
        return
    yield path, old, new


def _mapping_or_absent(value: Any) -> bool:
    return value is MISSING or isinstance(value, dict)


def _entries(value: Any) -> dict[Any, Any]:
    return value if isinstance(value, dict) else {}


def _at(value: Any, path: Path) -> Any:
    for part in path:
        if not isinstance(value, dict):
            return MISSING
        value = value.get(part, MISSING)
    return value


def canonical(field: Field, obj: Mapping[str, Any], *, strict: bool = True) -> Any:
    return field.shape.norm(field.value(obj), strict)


def leaves(field: Field, old: Mapping[str, Any], new: Mapping[str, Any]) -> Iterator[Leaf]:
    """Every difference of ``field`` between ``old`` and ``new``."""
    before, after = canonical(field, old), canonical(field, new)
    if before == after:
        return
    loose_before, loose_after = canonical(field, old, strict=False), canonical(field, new, strict=False)
    for sub, a, b in _walk(before, after, ()):
        explicit = _at(loose_before, sub) == _at(loose_after, sub)
        yield Leaf(field, (*field.path, *sub), a, b, explicit)


def short(value: Any, unset: str | None = None) -> str | None:
    """A value for a message: ``unset`` (None) when absent, otherwise at most about 60 characters."""
    if value is MISSING:
        return unset
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (dict, tuple)):
        text = json.dumps(jsonable(value), sort_keys=True, separators=(",", ":"))
    elif isinstance(value, str) and any(c in value for c in "\r\n\t"):
        # userData and other block scalars: quoted with escapes, so the finding stays on one line.
        text = json.dumps(value)
    else:
        text = str(value)
    return text if len(text) <= _SHORT else text[: _SHORT - 3] + "..."


def set_delta(old: Any, new: Any) -> tuple[list[Any], list[Any]]:
    """Elements added and removed between two multisets (canonical tuples; MISSING is empty)."""
    before = Counter(sort_key(v) for v in (old if isinstance(old, tuple) else ()))
    after = Counter(sort_key(v) for v in (new if isinstance(new, tuple) else ()))
    added = [json.loads(k) for k in (after - before).elements()]
    removed = [json.loads(k) for k in (before - after).elements()]
    return added, removed


def describe(old: Any, new: Any, unset: str | None = None) -> str:
    """``x -> y``, ``added x``, ``removed x``, or for sets what was added and removed."""
    if isinstance(old, tuple) or isinstance(new, tuple):
        added, removed = set_delta(old, new)
        parts = [f"added {_compact(v)}" for v in added] + [f"removed {_compact(v)}" for v in removed]
        if parts:
            return ", ".join(parts)
    before, after = short(old, unset), short(new, unset)
    if before is None:
        return f"added {after}"
    if after is None:
        return f"removed (was {before})"
    return f"{before} -> {after}"


def _compact(value: Any) -> str:
    text = value if isinstance(value, str) else json.dumps(value, sort_keys=True, separators=(",", ":"))
    return text if len(text) <= _SHORT else text[: _SHORT - 3] + "..."


def what(leaf: Leaf) -> str:
    """The changed part for a message: the field's name and the key or sub-field below it."""
    sub = leaf.path[len(leaf.field.path) :]
    name = leaf.field.name or str(leaf.field.path[-1])
    return f"{name} {'.'.join(str(p) for p in sub)}" if sub else name


Explain = Callable[[Leaf], str]


def explicit_message(leaf: Leaf, scope: str) -> str:
    """KM210: the only difference is an explicit empty value or pointer-to-zero (drift-and-lint §0.2)."""
    return (
        f"{what(leaf)} {describe(leaf.old, leaf.new, leaf.field.unset)}: an explicit empty value or zero pointer is hashed "
        f"unlike an absent one (inferred from Karpenter's hash options, not verified on a cluster), so every "
        f"node of {scope} likely drifts ({leaf.field.reason}) with no change in behaviour; write it as before"
    )


def changes(
    fields: tuple[Field, ...], old: Mapping[str, Any], new: Mapping[str, Any], explain: Explain, scope: str
) -> Iterator[Change]:
    """One change per differing leaf of ``fields``: the field's code, or KM210 for an explicit-only one."""
    for field in fields:
        for leaf in leaves(field, old, new):
            if leaf.explicit_only:
                code, message = catalogue.KM210, explicit_message(leaf, scope)
            else:
                code, message = field.code, explain(leaf)
            yield Change(
                code,
                field.reason,
                leaf.path,
                short(leaf.old, field.unset),
                short(leaf.new, field.unset),
                message,
            )
