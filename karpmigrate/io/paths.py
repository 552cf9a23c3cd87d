"""Tuple-path edits on the ruamel round-trip tree that keep every comment where a reader expects it.

ruamel stores the comment lines *after* an entry in that entry's comment token (the first line is the
entry's own end-of-line comment), and the lines after a block collection on its deepest last entry.
So appending or removing an entry must hand those trailing lines on, or a comment that introduced
the next key would end up above the wrong key, or be lost.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any

from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import CommentMark
from ruamel.yaml.scalarstring import DoubleQuotedScalarString
from ruamel.yaml.tokens import CommentToken

from karpmigrate.findings import Path

_MISSING: Any = object()


def _is_index(node: Any, part: str | int) -> bool:
    return isinstance(node, list) and isinstance(part, int) and -len(node) <= part < len(node)


def _child(node: Any, part: str | int) -> Any:
    if isinstance(node, Mapping) and part in node:
        return node[part]
    if _is_index(node, part):
        return node[part]
    return _MISSING


def get(tree: Any, path: Path, default: Any = None) -> Any:
    """The value at ``path``, or ``default`` when any step is missing or of the wrong type."""
    node = tree
    for part in path:
        node = _child(node, part)
        if node is _MISSING:
            return default
    return node


# ---------------------------------------------------------------- comment bookkeeping


def _slot(container: Any) -> int:
    # ruamel: a mapping entry's post-value comment is items[key][2], a sequence item's items[i][0].
    return 2 if isinstance(container, CommentedMap) else 0


def _token(container: Any, key: Any) -> CommentToken | None:
    entry = container.ca.items.get(key)
    return entry[_slot(container)] if entry else None


def _set_token(container: Any, key: Any, token: CommentToken | None) -> None:
    entry = container.ca.items.setdefault(key, [None, None, None, None])
    entry[_slot(container)] = token


def _is_block(value: Any) -> bool:
    return isinstance(value, (CommentedMap, CommentedSeq)) and len(value) > 0 and not value.fa.flow_style()


def _last_key(container: Any) -> Any:
    return next(reversed(container)) if isinstance(container, CommentedMap) else len(container) - 1


def _tail_slot(container: Any, key: Any) -> tuple[Any, Any]:
    """Where the lines after the entry ``key`` are stored: its own token or its value's last entry."""
    while _is_block(container[key]):
        container = container[key]
        key = _last_key(container)
    return container, key


def _take_end(container: Any, key: Any) -> str:
    """Lines ruamel parked in the ``end`` slot of a block collection ending the entry (after a flow list)."""
    text = ""
    while _is_block(container[key]):
        container = container[key]
        if container.ca.end:
            text += "".join(
                " " * t.start_mark.column + t.value if t.value.strip() else t.value
                for t in container.ca.end
                if isinstance(t, CommentToken)
            )
            container.ca.end = []
        key = _last_key(container)
    return text


def _take_tail(container: Any, key: Any) -> str:
    """Remove and return the comment/blank lines that follow the entry (not its end-of-line comment)."""
    end = _take_end(container, key)
    holder, slot_key = _tail_slot(container, key)
    token = _token(holder, slot_key)
    if token is None:
        return end
    eol, newline, rest = token.value.partition("\n")
    if not rest:
        return end
    if eol.strip():
        token.value = eol + newline
    else:
        _set_token(holder, slot_key, None)
    return rest + end


def _give_tail(container: Any, key: Any, lines: str) -> None:
    if not lines:
        return
    holder, slot_key = _tail_slot(container, key)
    token = _token(holder, slot_key)
    if token is None:
        _set_token(holder, slot_key, CommentToken("\n" + lines, CommentMark(0), None))
    else:
        token.value += lines


def _split_above(lines: str) -> tuple[str, str]:
    """(kept, above): the comment lines directly above the next key (no blank line in between)."""
    parts = lines.splitlines(keepends=True)
    cut = len(parts)
    while cut and parts[cut - 1].strip().startswith("#"):
        cut -= 1
    return "".join(parts[:cut]), "".join(parts[cut:])


def _key_column(container: Any) -> int | None:
    if isinstance(container, CommentedMap):
        for key in container:
            if key in container.lc.data:
                return int(container.lc.data[key][1])
    return None


def _reindent(lines: str, column: int | None) -> str:
    if column is None:
        return lines
    return "".join(" " * column + line.lstrip(" ") for line in lines.splitlines(keepends=True))


class _Entry:
    """A removed entry and the comments that travel with it."""

    def __init__(self, value: Any, eol: CommentToken | None, above: str, column: int | None) -> None:
        self.value = value
        self.eol = eol
        self.above = above
        self.column = column


def _own_eol(container: Any, key: Any) -> CommentToken | None:
    token = _token(container, key)
    if token is None or not token.value.lstrip(" ").startswith("#"):
        return None
    return CommentToken(token.value.partition("\n")[0] + "\n", CommentMark(token.start_mark.column), None)


def _previous(container: Any, key: Any) -> Any:
    keys = list(container) if isinstance(container, CommentedMap) else list(range(len(container)))
    position = keys.index(key)
    return keys[position - 1] if position else _MISSING


def _first_above(owner: tuple[Any, Any] | None) -> tuple[list[Any] | None, str]:
    """(holder, text) of the comment lines above a collection's first key.

    ruamel keeps them on the owner's entry (slot 3), as tokens without their indentation.
    """
    if owner is None or not isinstance(owner[0], CommentedMap):
        return None, ""
    entry = owner[0].ca.items.get(owner[1])
    tokens = entry[3] if entry and len(entry) > 3 else None
    if not tokens:
        return None, ""
    text = "".join(
        " " * t.start_mark.column + t.value if t.value.strip() else t.value
        for t in tokens
        if isinstance(t, CommentToken)
    )
    return entry, _split_above(text)[1]


def _pre(container: Any, key: Any) -> str:
    """Comment lines ruamel keeps on the key itself (slot 1): those after a flow collection, above it."""
    entry = container.ca.items.get(key) if isinstance(container, CommentedMap) else None
    tokens = entry[1] if entry else None
    if not tokens:
        return ""
    return "".join(" " * t.column + t.value for t in tokens if isinstance(t, CommentToken))


def _take_pre(container: Any, key: Any) -> str:
    text = _pre(container, key)
    if text:
        container.ca.items[key][1] = None
    return text


def _remove(container: Any, key: Any, owner: tuple[Any, Any] | None, *, carry_above: bool) -> _Entry:
    pre = _take_pre(container, key)
    rest = _take_tail(container, key)
    eol = _own_eol(container, key)
    above = ""
    before = _previous(container, key)
    if pre:
        # The lines directly above this key (after a flow collection): they travel with it, or stay
        # in front of what follows (the next key, else the entry before).
        if carry_above:
            above, pre = pre, ""
        else:
            following = _next(container, key)
            if following is not _MISSING:
                _give_pre(container, following, pre)
                pre = ""
        rest = pre + rest
    if before is not _MISSING:
        kept = _take_tail(container, before)
        if carry_above and not above:
            kept, above = _split_above(kept)
        _give_tail(container, before, kept + rest)
    else:
        holder, text = _first_above(owner)
        if carry_above and not above and holder is not None and text:
            # Only whole comment blocks travel; with a blank line in between they stay with the owner.
            above = text
            holder[3] = None
            if isinstance(container, CommentedMap) and container.ca.comment:
                container.ca.comment[1] = []
        if rest and owner is not None:
            # First entry: the lines that followed it now follow the key line of the collection's owner.
            _append_to_key_line(*owner, rest)
    column = _key_column(container)
    value = container[key]
    del container[key]
    if isinstance(container, CommentedMap):
        # CommentedMap.__delitem__ leaves the comment slot behind for a later key of the same name.
        container.ca.items.pop(key, None)
    return _Entry(value, eol, above, column)


def _next(container: Any, key: Any) -> Any:
    keys = list(container)
    position = keys.index(key)
    return keys[position + 1] if position + 1 < len(keys) else _MISSING


def _give_pre(container: Any, key: Any, lines: str) -> None:
    entry = container.ca.items.setdefault(key, [None, None, None, None])
    tokens = []
    for line in lines.splitlines(keepends=True):
        text = line.lstrip(" ")
        tokens.append(CommentToken(text, CommentMark(len(line) - len(text)), None))
    entry[1] = tokens + list(entry[1] or [])


def _append_to_key_line(parent: Any, key: Any, lines: str) -> None:
    token = _token(parent, key)
    if token is None:
        _set_token(parent, key, CommentToken("\n" + lines, CommentMark(0), None))
    else:
        token.value += lines


def _like_siblings(siblings: list[Any], text: Any) -> Any:
    # JSON-style documents quote every string; a new one should not be the only bare one.
    if type(text) is str and siblings and all(isinstance(s, DoubleQuotedScalarString) for s in siblings):
        return DoubleQuotedScalarString(text)
    return text


def _append(container: Any, key: Any, value: Any, entry: _Entry | None = None) -> Any:
    """Add ``key`` at the end of ``container``; the trailing lines of the old last entry move after it."""
    tail = ""
    if len(container):
        last = _last_key(container)
        tail = _take_tail(container, last)
        if entry is not None and entry.above:
            _give_tail(container, last, _reindent(entry.above, _key_column(container)))
    if isinstance(container, CommentedMap):
        strings = [v for v in container.values() if isinstance(v, str)]
        key = _like_siblings(list(container), key)
        container[key] = _like_siblings(strings, value)
    else:
        container.append(_like_siblings([v for v in container if isinstance(v, str)], value))
        key = len(container) - 1
    if entry is not None and entry.eol is not None:
        _set_token(container, key, _shifted(entry, container))
    _give_tail(container, key, tail)
    return key


def _shifted(entry: _Entry, container: Any) -> CommentToken:
    # Keep the gap between value and `#` when the key moves to another indentation level.
    assert entry.eol is not None
    column = entry.eol.start_mark.column
    target = _key_column(container)
    if entry.column is not None and target is not None:
        column += target - entry.column
    return CommentToken(entry.eol.value, CommentMark(max(column, 0)), None)


# ---------------------------------------------------------------- public edits


def _container(tree: Any, path: Path) -> Any:
    node = tree
    for part in path:
        node = _child(node, part)
        if node is _MISSING:
            raise KeyError(part)
    return node


def _nested(path: Path, value: Any) -> Any:
    for part in reversed(path):
        if not isinstance(part, str):
            raise KeyError(part)
        mapping = CommentedMap()
        mapping[part] = value
        value = mapping
    return value


def _existing_prefix(tree: Any, path: Path) -> int:
    node = tree
    for depth, part in enumerate(path):
        node = _child(node, part)
        if node is _MISSING:
            return depth
    return len(path)


def set_(tree: Any, path: Path, value: Any, *, above: str = "") -> None:
    """Set the value at ``path``: in place when the key exists, else at the end of its mapping.

    Missing intermediate mappings are created, the whole new branch at the end of the deepest
    existing mapping. ``above`` (comment lines, e.g. from :func:`comment_above`) is written above a
    key that is added, re-indented to its column; an existing key keeps its own comments.
    """
    if not path:
        raise ValueError("set_ needs a non-empty path")
    depth = _existing_prefix(tree, path[:-1])
    if depth < len(path) - 1:
        value = _nested(path[depth + 1 :], value)
        path = path[: depth + 1]
    container = _container(tree, path[:-1])
    key = path[-1]
    if isinstance(container, CommentedMap) and key in container:
        tail = _take_tail(container, key)
        container[key] = value
        _give_tail(container, key, tail)
    elif isinstance(container, CommentedMap) and isinstance(key, str):
        _append(container, key, value, _Entry(value, None, above, None) if above else None)
    elif _is_index(container, key):
        tail = _take_tail(container, key)
        container[key] = value
        _give_tail(container, key % len(container), tail)
    elif isinstance(container, CommentedSeq) and key == len(container):
        _append(container, key, value)
    else:
        raise KeyError(key)


def _detach(tree: Any, path: Path, *, carry_above: bool = False) -> _Entry:
    if not path:
        raise ValueError("cannot remove the document root")
    container = _container(tree, path[:-1])
    key = path[-1]
    if _child(container, key) is _MISSING:
        raise KeyError(key)
    if isinstance(container, CommentedSeq):
        key %= len(container)
    owner = (_container(tree, path[:-2]), path[-2]) if len(path) > 1 else None
    return _remove(container, key, owner, carry_above=carry_above)


def pop(tree: Any, path: Path, *, with_comment: bool = False) -> Any:
    """Remove the entry at ``path`` and return its value; the comments around it stay in place.

    ``with_comment`` also removes the comment lines directly above the key, for a caller that
    writes them elsewhere (read them first with :func:`comment_above`).
    """
    return _detach(tree, path, carry_above=with_comment).value


def comment_above(tree: Any, path: Path) -> str:
    """The comment lines directly above the key at ``path`` (no blank line between), as written."""
    if not path:
        return ""
    container = _container(tree, path[:-1])
    key = path[-1]
    if _child(container, key) is _MISSING:
        raise KeyError(key)
    if isinstance(container, CommentedSeq):
        key %= len(container)
    pre = _pre(container, key)
    if pre:
        return pre
    before = _previous(container, key)
    if before is _MISSING:
        owner = (_container(tree, path[:-2]), path[-2]) if len(path) > 1 else None
        return _first_above(owner)[1]
    holder, slot_key = _tail_slot(container, before)
    token = _token(holder, slot_key)
    rest = "" if token is None else token.value.partition("\n")[2]
    end = copy.deepcopy(container[before])
    return _split_above(rest + _take_end({0: end}, 0))[1]


def rename_key(mapping: CommentedMap, old: Any, new: Any) -> None:
    """Rename ``old`` to ``new`` in place: same position, same comments, same key quoting."""
    if new in mapping:
        raise ValueError(f"key {new!r} already exists")
    keys = list(mapping)
    position = keys.index(old)
    old = keys[position]
    comment = mapping.ca.items.pop(old, None)
    where = mapping.lc.data.pop(old, None)
    value = mapping[old]
    del mapping[old]
    if isinstance(old, str) and type(old) is not str and isinstance(new, str):
        new = type(old)(new)
    mapping.insert(position, new, value)
    if comment is not None:
        token = comment[2]
        if token is not None and isinstance(new, str) and isinstance(old, str):
            # The end-of-line comment keeps its distance from the text, not its absolute column.
            column = max(token.start_mark.column + len(new) - len(old), 0)
            comment[2] = CommentToken(token.value, CommentMark(column), None)
        mapping.ca.items[new] = comment
    if where is not None:
        mapping.lc.data[new] = where


def move(tree: Any, src: Path, dst: Path) -> None:
    """Move the entry at ``src`` to ``dst`` (at the end of its new mapping) with its comment."""
    if get(tree, dst, _MISSING) is not _MISSING:
        raise ValueError(f"destination {dst!r} already exists")
    depth = _existing_prefix(tree, dst[:-1])
    container = _container(tree, dst[:depth])
    if not isinstance(container, CommentedMap) or not isinstance(dst[depth], str):
        raise KeyError(dst[depth])
    entry = _detach(tree, src, carry_above=True)
    if depth < len(dst) - 1:
        moved = entry.value
        entry.value = _nested(dst[depth + 1 :], moved)
        inner = _container(entry.value, dst[depth + 1 : -1])
        if entry.eol is not None:
            _set_token(inner, dst[-1], CommentToken(entry.eol.value, CommentMark(0), None))
            entry.eol = None
    _append(container, dst[depth], entry.value, entry)


def _shift_token(token: CommentToken, delta: int) -> CommentToken:
    first, newline, rest = token.value.partition("\n")
    lines = rest.splitlines(keepends=True)
    moved = []
    for line in lines:
        indent = len(line) - len(line.lstrip(" "))
        moved.append(" " * max(indent + delta, 0) + line.lstrip(" ") if line.strip() else line)
    column = token.start_mark.column + delta if first.strip() else token.start_mark.column
    return CommentToken(first + newline + "".join(moved), CommentMark(max(column, 0)), None)


def transplant(node: Any, from_column: int, to_column: int) -> Any:
    """A deep copy of ``node`` for a mapping at ``to_column`` whose keys were at ``from_column``.

    Comments are stored with absolute columns; moving a block to another indentation level (a NodePool's
    kubelet into an EC2NodeClass spec) must shift them with it, or they drift away from their lines.
    """
    clone = copy.deepcopy(node)
    delta = to_column - from_column
    if not delta:
        return clone
    stack = [clone]
    while stack:
        current = stack.pop()
        if not isinstance(current, (CommentedMap, CommentedSeq)):
            continue
        for entry in current.ca.items.values():
            for i, token in enumerate(entry):
                if isinstance(token, CommentToken):
                    entry[i] = _shift_token(token, delta)
        stack.extend(current.values() if isinstance(current, CommentedMap) else current)
    return clone
