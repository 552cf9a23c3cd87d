"""KM222: a toleration of the v1beta1 karpenter.sh/disruption taint, renamed in v1 (drift-and-lint §c)."""

from __future__ import annotations

from collections.abc import Iterator

from karpmigrate import catalogue
from karpmigrate.lint._base import WORKLOAD_KINDS, Hit, RuleContext, lint_rule
from karpmigrate.lint.rules._v1 import entries, pod_template

#: conversion-rules §8: karpenter.sh/disruption=disrupting:NoSchedule became karpenter.sh/disrupted:NoSchedule.
OLD_TAINT = "karpenter.sh/disruption"
NEW_TAINT = "karpenter.sh/disrupted"


@lint_rule(catalogue.KM222, kinds=WORKLOAD_KINDS)
def old_disruption_taint(ctx: RuleContext) -> Iterator[Hit]:
    """A pod tolerates the taint Karpenter used before v1 to mark nodes being disrupted.

    Versions: Pods and the pod templates of every workload kind (the taint is set by the controller,
    so this applies from Karpenter 1.0 whatever the NodePool's API version).

    What it does:
        Flags a toleration with `key: karpenter.sh/disruption` in a Pod or pod template.
    Why it matters:
        v1 taints nodes it disrupts with `karpenter.sh/disrupted:NoSchedule` (v1-migration.md:695).
        A toleration of the old key no longer matches: pods that were meant to keep scheduling onto
        disrupting nodes (usually DaemonSet-like agents) stop doing so. Upstream advises against
        tolerating the taint at all; if it is needed, tolerate the new key.
    Example:
        tolerations:
          - key: karpenter.sh/disruption
            operator: Exists
            effect: NoSchedule
    Use instead:
        tolerations:
          - key: karpenter.sh/disrupted
            operator: Exists
            effect: NoSchedule
    """
    assert ctx.obj is not None
    base = pod_template(ctx.obj)
    if base is None:
        return
    for path, toleration in entries(ctx.obj, (*base, "spec", "tolerations")):
        if toleration.get("key") == OLD_TAINT:
            yield Hit(
                f"toleration of {OLD_TAINT}: Karpenter 1.0+ taints the nodes it disrupts {NEW_TAINT}:NoSchedule "
                f"instead, so this no longer matches; tolerate {NEW_TAINT} (or drop the toleration)",
                (*path, "key"),
            )


RULE = old_disruption_taint
