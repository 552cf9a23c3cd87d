"""Suite-wide settings."""

from __future__ import annotations

import os

from hypothesis import settings

# CI must be reproducible: the same examples on every run (a failure found locally is then added as an
# explicit case). Locally, hypothesis keeps exploring new examples and its database replays failures.
settings.register_profile("ci", derandomize=True, deadline=None, print_blob=True)
settings.register_profile("dev", deadline=None)
settings.load_profile("ci" if os.environ.get("CI") else "dev")
