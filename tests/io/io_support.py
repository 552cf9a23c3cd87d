"""Paths shared by the io tests (a uniquely named module: several conftest.py may exist)."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "fixtures" / "io"
SHARED = ROOT / ".." / "shared"
CORPUS = SHARED / "corpus" / "realworld"
