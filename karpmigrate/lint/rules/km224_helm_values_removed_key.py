"""KM224: Helm values that still set keys the v1 Karpenter chart no longer reads (drift-and-lint §c)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from karpmigrate import catalogue
from karpmigrate.findings import Path, dotted
from karpmigrate.lint._base import HELM_VALUES, Hit, LintObject, RuleContext, lint_rule
from karpmigrate.lint.rules._v1 import mapping

_MISSING = object()
_DRIFT: Path = ("settings", "featureGates", "drift")
#: Chart keys of v0.33-v0.37 that the 1.0 chart dropped, with what replaces them. Source: the v1 migration
#: guide, aws/karpenter-provider-aws website/content/en/v1.0/upgrading/v1-migration.md ("Zap logging config
#: removed"; changelog "Environment Variable Changes": LOGGING_CONFIG, ASSUME_ROLE_ARN, ASSUME_ROLE_DURATION
#: dropped, FEATURE_GATES.DRIFT dropped), matched to the chart keys that set them (charts/karpenter/values.yaml
#: at v0.35: `logConfig` "Deprecated: ... will be dropped by v1, use logLevel instead").
REMOVED: Mapping[Path, str] = {
    ("logConfig",): "the Zap logging configuration is gone, use logLevel",
    ("settings", "assumeRoleARN"): (
        "Karpenter no longer assumes a role itself, give its service account the role (IRSA or EKS Pod Identity)"
    ),
    ("settings", "assumeRoleDuration"): "role assumption is gone with settings.assumeRoleARN",
    _DRIFT: "drift is always on in v1 and cannot be turned off",
}
#: The values of an umbrella chart nest the Karpenter subchart's values under its name.
_ROOTS: tuple[Path, ...] = ((), ("karpenter",))


@lint_rule(catalogue.KM224, kinds={HELM_VALUES})
def helm_values_removed_key(ctx: RuleContext) -> Iterator[Hit]:
    """A Helm values file for the Karpenter chart that sets a key the 1.0 chart dropped.

    Versions: Helm values documents (apiVersion-less, chart-shaped), at the top level and under a
    `karpenter:` key (umbrella charts). A top-level `settings.featureGates.drift: false` is KM114's
    error and is not repeated here; any other value of that key (`true` is as dead) is reported.

    What it does:
        Flags `logConfig`, `settings.assumeRoleARN`, `settings.assumeRoleDuration` and
        `settings.featureGates.drift`.
    Why it matters:
        Helm ignores values a chart does not read, so the setting silently stops applying after the
        upgrade: logging falls back to logLevel, the controller runs with its service account's own
        role, and drift is on whatever the values say. Removing the keys keeps the values honest.
    Example:
        settings:
          assumeRoleARN: arn:aws:iam::111122223333:role/karpenter
          featureGates:
            drift: true
    Use instead:
        serviceAccount:
          annotations:
            eks.amazonaws.com/role-arn: arn:aws:iam::111122223333:role/karpenter
    """
    assert ctx.obj is not None
    for root in _ROOTS:
        if root and not isinstance(ctx.obj.get(root), Mapping):
            continue
        for key, replacement in REMOVED.items():
            yield from _removed(ctx.obj, (*root, *key), replacement)


def _km114(path: Path, value: object) -> bool:
    # KM114 reports a top-level settings.featureGates.drift set to false (or "false") as an error: the drift
    # accumulated while it was off lands right after the upgrade. Saying "removed key" as well adds nothing.
    disabled = value is False or (isinstance(value, str) and value.strip().lower() == "false")
    return path == _DRIFT and disabled


def _removed(values: LintObject, path: Path, replacement: str) -> Iterator[Hit]:
    value = mapping(values.get(path[:-1])).get(str(path[-1]), _MISSING)
    if value is _MISSING or _km114(path, value):
        return
    yield Hit(
        f"{dotted(path)} was removed from the Karpenter 1.0 chart and is ignored; {replacement}",
        path,
        at_key=True,
    )


RULE = helm_values_removed_key
