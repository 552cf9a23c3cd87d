"""The codes of input that cannot be read as manifests (KV001-KV006), shared by every command.

Kept apart from ``validate.codes`` so that reading files never imports the models (startup time).
"""

from __future__ import annotations

from karpmigrate.errors import InputError
from karpmigrate.findings import Code, Finding, Level

YAML_SYNTAX = Code("KV001", "invalid-yaml", Level.ERROR, "The file is not valid YAML.", runtime=True)
DUPLICATE_KEY = Code("KV002", "duplicate-key", Level.ERROR, "A mapping repeats a key.", runtime=True)
UNREADABLE = Code("KV003", "unreadable-file", Level.ERROR, "The file cannot be read as UTF-8.", runtime=True)
TEMPLATED = Code("KV004", "templated-file", Level.INFO, "Go/Helm template expressions: skipped, not YAML.")
TOO_COMPLEX = Code(
    "KV005",
    "yaml-too-complex",
    Level.ERROR,
    "Alias expansion or nesting beyond the safety bound.",
    runtime=True,
)
TOO_LARGE = Code(
    "KV006", "file-too-large", Level.ERROR, "The file is larger than the size bound.", runtime=True
)

INPUT_CODES: tuple[Code, ...] = (YAML_SYNTAX, DUPLICATE_KEY, UNREADABLE, TEMPLATED, TOO_COMPLEX, TOO_LARGE)
BY_CODE: dict[str, Code] = {c.code: c for c in INPUT_CODES}


def input_finding(exc: InputError) -> Finding:
    """The finding that reports a file that could not be read or parsed (KV001-KV006)."""
    code = BY_CODE.get(exc.code, YAML_SYNTAX)
    return code.finding(exc.message, file=exc.file, line=exc.line, column=exc.column)
