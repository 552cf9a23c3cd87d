"""STUB: karpenter.k8s.aws/v1 models (to be completed)."""

from __future__ import annotations

from typing import Any, Literal

from karpmigrate.models._base import KubeModel
from karpmigrate.models.meta import ObjectMeta


class EC2NodeClass(KubeModel):
    apiVersion: Literal["karpenter.k8s.aws/v1"]
    kind: Literal["EC2NodeClass"]
    metadata: ObjectMeta
    spec: dict[str, Any]
    status: dict[str, Any] | None = None
