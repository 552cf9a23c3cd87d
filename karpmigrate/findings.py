"""The value every command reports: one problem at one place in one object."""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

Path = tuple[str | int, ...]


class Level(str, enum.Enum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"

    @property
    def rank(self) -> int:
        return {"error": 3, "warning": 2, "info": 1}[self.value]


@dataclass(frozen=True, slots=True)
class ObjectRef:
    """Identity of the Kubernetes object a finding is about."""

    api_version: str | None = None
    kind: str | None = None
    name: str | None = None
    namespace: str | None = None

    @classmethod
    def of(cls, data: object) -> ObjectRef:
        if not isinstance(data, Mapping):
            return cls()
        meta = data.get("metadata")
        meta = meta if isinstance(meta, Mapping) else {}

        def text(value: object) -> str | None:
            return value if isinstance(value, str) else None

        return cls(
            api_version=text(data.get("apiVersion")),
            kind=text(data.get("kind")),
            name=text(meta.get("name")),
            namespace=text(meta.get("namespace")),
        )

    def __str__(self) -> str:
        if not self.kind:
            return ""
        return f"{self.kind}/{self.name or '<unnamed>'}"


@dataclass(frozen=True, slots=True)
class Finding:
    """One problem. ``line``/``column`` are 1-based and point at the offending node."""

    code: str
    name: str
    level: Level
    message: str
    file: str | None = None
    line: int | None = None
    column: int | None = None
    obj: ObjectRef = field(default_factory=ObjectRef)
    path: Path = ()
    #: The input could not be read at all (from ``Code.runtime``): the command exits 3.
    runtime: bool = field(default=False, compare=False)

    def to_json(self) -> dict[str, Any]:
        """The versioned JSON shape of design §2."""
        return {
            "code": self.code,
            "name": self.name,
            "level": self.level.value,
            "message": self.message,
            "file": self.file,
            "line": self.line,
            "column": self.column,
            "apiVersion": self.obj.api_version,
            "kind": self.obj.kind,
            "namespace": self.obj.namespace,
            "objectName": self.obj.name,
            "path": list(self.path),
        }

    @property
    def where(self) -> str:
        """``file:line:col`` (as much of it as is known)."""
        where = self.file or "-"
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        return where

    def one_line(self) -> str:
        """``file:line:col: level CODE [Kind/name] message`` (the shape compilers and linters print)."""
        obj = f" [{self.obj}]" if str(self.obj) else ""
        return f"{self.where}: {self.level.value} {self.code}{obj} {self.message}"

    @property
    def sort_key(self) -> tuple[str, int, int, str]:
        return (self.file or "", self.line or 0, self.column or 0, self.code)


def dotted(path: Path) -> str:
    """``spec.template.requirements[0].key``: for messages only, never for lookups."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


@dataclass(frozen=True, slots=True)
class Code:
    """A finding code declared once: its ID, kebab-case name, default level and one-line summary."""

    code: str
    name: str
    level: Level
    summary: str
    #: The input could not be read at all: the command exits 3 (design §2) instead of 1.
    runtime: bool = False

    def finding(
        self,
        message: str,
        *,
        file: str | None,
        line: int | None = None,
        column: int | None = None,
        obj: ObjectRef | None = None,
        path: Path = (),
    ) -> Finding:
        return Finding(
            code=self.code,
            name=self.name,
            level=self.level,
            message=message,
            file=file,
            line=line,
            column=column,
            obj=obj or ObjectRef(),
            path=path,
            runtime=self.runtime,
        )


@dataclass(slots=True)
class FileReport:
    """The findings of one file, what it held, and whether it was skipped (every command's report unit)."""

    file: str
    findings: list[Finding] = field(default_factory=list)
    objects: int = 0
    invalid_objects: int = 0
    skipped: str | None = None

    @property
    def runtime_error(self) -> bool:
        return any(f.runtime for f in self.findings)
