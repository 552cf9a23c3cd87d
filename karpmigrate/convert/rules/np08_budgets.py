"""NP-8: Budget durations are re-rendered by Go (S-2); a budget without nodes gets nodes "".

Upstream: nodepool_conversion.go:160-166. Each budget is copied field by field: ``duration`` is a
``*metav1.Duration``, printed by ``Duration.String`` (``8h`` -> ``8h0m0s``); ``nodes`` has no
``omitempty``, so a missing one is written ``""``; ``reasons`` is never set. ``budgets`` itself is
omitempty: an empty list disappears (S-5). Values keep their place.
"""

from __future__ import annotations

from collections.abc import Mapping

from ruamel.yaml.comments import CommentedMap
from ruamel.yaml.scalarstring import DoubleQuotedScalarString

from karpmigrate.convert import codes
from karpmigrate.convert._base import Blocked, Context, rule
from karpmigrate.convert.go import rerender_duration
from karpmigrate.convert.rules._values import replace_text
from karpmigrate.convert.rules._webhook import drop_empty, put
from karpmigrate.findings import Path
from karpmigrate.io import paths

BUDGETS: Path = ("spec", "disruption", "budgets")


def _duration(obj: CommentedMap, path: Path, value: object) -> None:
    try:
        if not isinstance(value, str):
            raise ValueError(f"json: cannot unmarshal {type(value).__name__} into Go value of type string")
        text = rerender_duration(value)
    except ValueError as exc:
        raise Blocked(
            codes.NOT_CONVERTIBLE,
            f"not converted: budget duration {value!r} is not a Go duration ({exc}); the conversion webhook "
            "fails on it too",
            path,
        ) from None
    if text != value:
        replace_text(obj, path, text)


@rule("NP-8", "budgets", kinds={"NodePool"})
def budgets(obj: CommentedMap, ctx: Context) -> None:
    """Budget durations are re-rendered by Go (S-2); a budget without nodes gets nodes ""."""
    listed = paths.get(ctx.before, BUDGETS)
    for index, budget in enumerate(listed if isinstance(listed, list) else []):
        if not isinstance(budget, Mapping):
            continue
        for pointer in ("schedule", "duration"):
            if pointer in budget and budget[pointer] is None:
                paths.pop(obj, (*BUDGETS, index, pointer))  # a nil pointer: omitempty
        if budget.get("duration") is not None:
            _duration(obj, (*BUDGETS, index, "duration"), budget["duration"])
        if budget.get("nodes") is None:
            put(obj, (*BUDGETS, index, "nodes"), DoubleQuotedScalarString(""))
    drop_empty(obj, BUDGETS)


RULE = budgets
