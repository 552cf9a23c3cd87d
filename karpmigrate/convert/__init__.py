"""``karpmigrate convert``: v1beta1 Karpenter manifests to v1, in clean or webhook mode (design §3).

Pure core: ``convert_inputs`` takes texts and returns results; ``read_inputs`` is the reading edge and
the CLI does the writing. Rules live one per module in ``karpmigrate.convert.rules``.
"""

from __future__ import annotations

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
