"""Running the CLI in-process, shared by the CLI tests (a uniquely named module)."""

from __future__ import annotations

import io
import sys
from pathlib import Path

from karpmigrate import cli

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "fixtures" / "examples"


def run(capsys, *args: str, stdin: str | None = None, monkeypatch=None) -> tuple[int, str, str]:
    if stdin is not None:
        assert monkeypatch is not None
        fake = io.TextIOWrapper(io.BytesIO(stdin.encode()), encoding="utf-8")
        monkeypatch.setattr(sys, "stdin", fake)
    code = cli.main(list(args))
    out, err = capsys.readouterr()
    return code, out, err
