"""STUB: karpenter.sh/v1 models (to be completed)."""

from __future__ import annotations

from typing import Any, Literal

from karpmigrate.models._base import KubeModel
from karpmigrate.models.meta import ObjectMeta


class NodePool(KubeModel):
    apiVersion: Literal["karpenter.sh/v1"]
    kind: Literal["NodePool"]
    metadata: ObjectMeta
    spec: dict[str, Any]
    status: dict[str, Any] | None = None


class NodeClaim(KubeModel):
    apiVersion: Literal["karpenter.sh/v1"]
    kind: Literal["NodeClaim"]
    metadata: ObjectMeta
    spec: dict[str, Any]
    status: dict[str, Any] | None = None
