"""What Go does to a value on its way through the webhook's typed structs, for the NP-*, NC-* and S-6 rules.

The conversion webhook decodes the v1beta1 object with ``encoding/json``, converts it and encodes the v1
struct again (spec/conversion-rules.md §0.1), so what it stores is shaped by the Go types: quantities
re-printed (S-3), ``omitempty`` maps and lists dropped when empty (S-5), and a value Go cannot decode
fails the whole ConversionReview. These helpers apply that to the round-trip tree, in place.

A YAML null (``limits:``) is what Go decodes JSON null to: nil for maps, lists and pointers. The API
server drops nulls of non-nullable fields before the webhook sees them, so null is treated as absent.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from ruamel.yaml.comments import CommentedMap
from ruamel.yaml.scalarstring import DoubleQuotedScalarString, ScalarString, SingleQuotedScalarString

from karpmigrate.convert import codes
from karpmigrate.convert._base import Blocked, Context
from karpmigrate.convert.go import canonical_quantity, parse_go_duration
from karpmigrate.findings import Path
from karpmigrate.io import paths
from karpmigrate.io.yaml import to_plain

ANNOTATIONS: Path = ("metadata", "annotations")
#: CORE pkg/apis/v1/labels.go:51-52 (spec §0.2).
KUBELET_ANNOTATION = "compatibility.karpenter.sh/v1beta1-kubelet-conversion"
NODECLASS_REFERENCE_ANNOTATION = "compatibility.karpenter.sh/v1beta1-nodeclass-reference"
NEVER = "Never"

_MISSING: Any = object()
# Text a YAML reader would take for a number: written as a plain string it would come back as one.
_NUMBER = re.compile(r"[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?")


def dotted(path: Path) -> str:
    """``spec.limits.cpu`` for messages (the user reads paths, not tuples)."""
    return ".".join(str(p) for p in path)


def present(tree: Any, path: Path) -> bool:
    """The key at ``path`` exists (its value may be null)."""
    return paths.get(tree, path, _MISSING) is not _MISSING


def no_null_on_the_way(tree: Any, path: Path) -> None:
    """A null mapping on the way to ``path`` (``disruption:`` written without a value) becomes ``{}``."""
    for depth in range(1, len(path)):
        if paths.get(tree, path[:depth], _MISSING) is None:
            paths.set_(tree, path[:depth], CommentedMap())
            return


def put(tree: Any, path: Path, value: Any) -> None:
    """``paths.set_``, also through a null on the way."""
    no_null_on_the_way(tree, path)
    paths.set_(tree, path, value)


def text_value(old: Any, text: str) -> str:
    """``text`` as the new value of a scalar that held ``old``: its quoting kept, never read back as a number.

    Go writes every quantity as a JSON string (Quantity.MarshalJSON), so ``cpu: 5`` comes back ``"5"``.
    """
    if isinstance(old, ScalarString):
        same: str = type(old)(text)
        return same
    return DoubleQuotedScalarString(text) if _NUMBER.fullmatch(text) else text


def check_duration(ctx: Context, path: Path) -> None:
    """A NillableDuration that Go cannot decode fails the conversion (S-1, duration.go UnmarshalJSON)."""
    value = paths.get(ctx.before, path)
    if value is None or value == NEVER:
        return
    try:
        if not isinstance(value, str):
            raise ValueError(f"json: cannot unmarshal {type(value).__name__} into Go value of type string")
        parse_go_duration(value)
    except ValueError as exc:
        raise Blocked(
            codes.NOT_CONVERTIBLE,
            f"not converted: {dotted(path)} {value!r} is not a Go duration ({exc}); the conversion webhook "
            "fails on it too: write it like 30s, 10m or 720h, or Never",
            path,
        ) from None


def canonical_quantities(obj: CommentedMap, path: Path) -> None:
    """S-3 on a ``ResourceList`` (``map[string]Quantity``, omitempty): canonical text, empty or null dropped.

    Only values whose text changes are written (``1000`` -> ``1k``, ``0.5`` -> ``500m``, a number -> its
    string); a value already canonical keeps its bytes.
    """
    node = paths.get(obj, path, _MISSING)
    if node is _MISSING:
        return
    if node is None or (isinstance(node, Mapping) and not node):
        paths.pop(obj, path)
        return
    if not isinstance(node, Mapping):
        raise Blocked(
            codes.NOT_CONVERTIBLE,
            f"not converted: {dotted(path)} must be a map of resource quantities (the webhook cannot "
            "decode it)",
            path,
        )
    for key in list(node):
        old = node[key]
        value = to_plain(old)
        try:
            # Quantity.UnmarshalJSON: null is the zero quantity, printed "0".
            text = "0" if value is None else canonical_quantity(value)
        except ValueError as exc:
            raise Blocked(
                codes.NOT_CONVERTIBLE,
                f"not converted: {dotted((*path, key))} {value!r} is not a quantity ({exc}); the conversion "
                "webhook fails on it too",
                (*path, key),
            ) from None
        if text != value or not isinstance(value, str):
            paths.set_(obj, (*path, key), text_value(old, text))


def drop_empty(obj: CommentedMap, path: Path) -> None:
    """S-5: an ``omitempty`` list or map that is empty or null is not written by Go."""
    node = paths.get(obj, path, _MISSING)
    if node is not _MISSING and (node is None or (isinstance(node, (list, Mapping)) and not node)):
        paths.pop(obj, path)


def set_annotation(obj: CommentedMap, key: str, value: str) -> None:
    """``lo.Assign``: the value replaced in place, or the key added at the end of the annotations.

    JSON text goes in single quotes (no escaped ``"``), as ``kubectl get -o yaml`` shows it, unless the
    document is JSON-style (quoted keys), where paths.set_ double-quotes it like its siblings.
    """
    annotations = paths.get(obj, ANNOTATIONS)
    json_style = isinstance(annotations, Mapping) and all(
        isinstance(k, DoubleQuotedScalarString) for k in annotations
    )
    quoted = value if json_style and annotations else SingleQuotedScalarString(value)
    put(obj, (*ANNOTATIONS, key), quoted)


def drop_annotation(obj: CommentedMap, key: str) -> None:
    """``lo.OmitByKeys``; an annotations map left empty stays (NP-14 always adds its key right after)."""
    annotations = paths.get(obj, ANNOTATIONS)
    if isinstance(annotations, Mapping) and key in annotations:
        paths.pop(obj, (*ANNOTATIONS, key))
