"""Scalar edits shared by the clean rules: a value replaced in place keeps its quoting and its comment.

``paths.set_`` writes a plain string; a user who wrote ``consolidationPolicy: "WhenUnderutilized"`` should
get ``"WhenEmptyOrUnderutilized"`` back, not a bare word, and an end-of-line comment should keep its
distance from the text, as ``paths.rename_key`` does for keys (design §3, fidelity).
"""

from __future__ import annotations

from typing import Any

from ruamel.yaml.comments import CommentedMap
from ruamel.yaml.error import CommentMark
from ruamel.yaml.scalarstring import ScalarString
from ruamel.yaml.tokens import CommentToken

from karpmigrate.findings import Path
from karpmigrate.io import paths


def _shift_comment(container: Any, key: Any, shift: int) -> None:
    if not isinstance(container, CommentedMap) or not container.ca.items.get(key):
        return
    entry = container.ca.items[key]
    token = entry[2]
    if token is None or not token.value.lstrip(" ").startswith("#"):
        return
    entry[2] = CommentToken(token.value, CommentMark(max(token.start_mark.column + shift, 0)), None)


def replace_text(tree: Any, path: Path, text: str) -> None:
    """Set the string at ``path`` in place, in the scalar style (quotes) of the value it replaces."""
    old = paths.get(tree, path)
    value: str = type(old)(text) if isinstance(old, ScalarString) else text
    paths.set_(tree, path, value)
    if isinstance(old, str):
        _shift_comment(paths.get(tree, path[:-1]), path[-1], len(text) - len(old))
