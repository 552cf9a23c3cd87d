"""S-0: the apiVersion becomes v1 in the same group (knative's conversion reconciler sets it, spec §0.1)."""

from __future__ import annotations

from ruamel.yaml.comments import CommentedMap

from karpmigrate.convert._base import Context, rule
from karpmigrate.io import paths


@rule("S-0", "api-version", kinds={"NodePool", "NodeClaim", "EC2NodeClass"})
def api_version(obj: CommentedMap, ctx: Context) -> None:
    """karpenter.sh/v1beta1 → karpenter.sh/v1, karpenter.k8s.aws/v1beta1 → karpenter.k8s.aws/v1."""
    group = ctx.api_version.partition("/")[0]
    paths.set_(obj, ("apiVersion",), f"{group}/v1")


RULE = api_version
