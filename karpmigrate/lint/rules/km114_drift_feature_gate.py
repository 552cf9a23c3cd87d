"""KM114: Helm values disable the drift feature gate, which v1 removed (drift-and-lint §b, §0.1)."""

from __future__ import annotations

from collections.abc import Iterator

from karpmigrate import catalogue
from karpmigrate.findings import Path, dotted
from karpmigrate.lint._base import HELM_VALUES, Hit, RuleContext, lint_rule

#: The v0.3x chart key ([aws]@v0.37.8 charts/karpenter/values.yaml:203-207), and the same gate
#: written without ``settings`` (what ``--set featureGates.drift=false`` habits produce).
_GATES: tuple[Path, ...] = (("settings", "featureGates", "drift"), ("featureGates", "drift"))


def _disabled(value: object) -> bool:
    # `--set` and quoted YAML give the string "false"; the chart template passes it on as text.
    return value is False or (isinstance(value, str) and value.strip().lower() == "false")


@lint_rule(catalogue.KM114, kinds={HELM_VALUES})
def drift_feature_gate(ctx: RuleContext) -> Iterator[Hit]:
    """Helm values turn drift off, which v1 no longer allows: the backlog drifts at once on upgrade.

    What it does:
        Flags `settings.featureGates.drift` (or `featureGates.drift`) set to `false` or `"false"` in a
        Karpenter chart values document.
    Why it matters:
        v1 removed the Drift feature gate: drift is always on (v1-migration.md:700-701). Every divergence
        accumulated while it was off (new AMI releases, edited NodePools and EC2NodeClasses) replaces
        nodes right after the upgrade (AMIDrift, NodeClassDrift, NodePoolDrifted), limited only by the
        disruption budgets.
    Example:
        settings:
          featureGates:
            drift: false
    Use instead:
        # values: drop the key. NodePool: hold drift back until you are ready.
        disruption:
          budgets:
            - nodes: "0"
              reasons: [Drifted]
    """
    assert ctx.obj is not None
    for path in _GATES:
        if _disabled(ctx.obj.get(path)):
            yield Hit(
                f"{dotted(path)}: false has no effect in v1, where drift is always on: everything that "
                "diverged while it was off replaces nodes right after the upgrade (AMIDrift, NodeClassDrift, "
                'NodePoolDrifted); add a budget with reasons: [Drifted] and nodes: "0" first, then remove the key',
                path,
            )


RULE = drift_feature_gate
