"""The Karpenter release the manifests are for (``--target-version``, config ``target-version``).

Kept apart from the models so that ``lint`` can use it without importing pydantic (pre-commit latency).
"""

from __future__ import annotations

import re
from typing import NamedTuple

from karpmigrate.errors import UsageError

_TARGET = re.compile(r"^v?(\d+)\.(\d+)(?:\.\d+)?$")


class Target(NamedTuple):
    """The Karpenter release whose API the objects must fit (``--target-version``)."""

    major: int = 1
    minor: int = 0

    @classmethod
    def parse(cls, text: str) -> Target:
        match = _TARGET.match(text.strip())
        if not match:
            raise UsageError(f"--target-version: expected X.Y (e.g. 1.0), got {text!r}")
        target = cls(int(match[1]), int(match[2]))
        if (target.major, target.minor) < (0, 33):
            raise UsageError("--target-version: the v1beta1 API starts at Karpenter 0.33")
        return target

    def serves(self, api_version: str) -> bool:
        # v1beta1 is served from 0.33 to 1.0 (the 1.0 conversion webhook); 1.1 removed it.
        # v1 is served from 0.37.1/0.36.3/... patch releases on, the required rollback-capable path.
        version = api_version.rpartition("/")[2]
        if version == "v1beta1":
            return (self.major, self.minor) <= (1, 0)
        return version == "v1"

    def at_least(self, major: int, minor: int) -> bool:
        return (self.major, self.minor) >= (major, minor)

    def __str__(self) -> str:
        return f"{self.major}.{self.minor}"
