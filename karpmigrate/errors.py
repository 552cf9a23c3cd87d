"""Expected, user-facing errors. Anything else escaping a command is a bug."""

from __future__ import annotations


class KarpmigrateError(Exception):
    """An error the user must act on; the CLI prints it as one line, never a traceback."""

    exit_code = 3


class UsageError(KarpmigrateError):
    """Bad flags or configuration (Click's own exit code)."""

    exit_code = 2


class InputError(KarpmigrateError):
    """A file that cannot be read or parsed. Positions are 1-based; None when unknown."""

    def __init__(
        self,
        message: str,
        *,
        file: str,
        line: int | None = None,
        column: int | None = None,
        code: str = "KV001",
    ) -> None:
        super().__init__(message)
        self.message = message
        self.file = file
        self.line = line
        self.column = column
        self.code = code

    def __str__(self) -> str:
        where = self.file
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        return f"{where}: {self.message}"
