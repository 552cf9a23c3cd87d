from __future__ import annotations

from pathlib import Path

import pytest
from io_support import CORPUS


@pytest.fixture
def corpus() -> Path:
    if not CORPUS.is_dir():
        pytest.skip("../shared not present: reference data unavailable")
    return CORPUS
