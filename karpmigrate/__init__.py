"""karpmigrate: move Karpenter manifests from v1beta1 to v1."""

from __future__ import annotations

__version__ = "0.1.0"
