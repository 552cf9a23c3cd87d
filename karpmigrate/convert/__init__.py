"""``karpmigrate convert``: v1beta1 Karpenter manifests to v1, in clean or webhook mode (design §3).

Pure core: ``convert_inputs`` takes texts and returns results; ``read_inputs`` is the reading edge and
the CLI does the writing. Rules live one per module in ``karpmigrate.convert.rules``.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from karpmigrate.convert._base import AliasVersions, Mode, Options
    from karpmigrate.convert.engine import (
        DocumentResult,
        FileResult,
        Input,
        convert_inputs,
        convert_text,
        convert_texts,
        read_inputs,
    )

# Loaded on first use: `lint` imports karpmigrate.convert.go (durations, quantities) on every pre-commit
# run and must not pay for the engine, the rules and the models it does not need (design §7).
_LAZY = {
    "AliasVersions": "_base",
    "Mode": "_base",
    "Options": "_base",
    "DocumentResult": "engine",
    "FileResult": "engine",
    "Input": "engine",
    "convert_inputs": "engine",
    "convert_text": "engine",
    "convert_texts": "engine",
    "read_inputs": "engine",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f"{__name__}.{module}"), name)


__all__ = [
    "AliasVersions",
    "DocumentResult",
    "FileResult",
    "Input",
    "Mode",
    "Options",
    "convert_inputs",
    "convert_text",
    "convert_texts",
    "read_inputs",
]
