"""helm-drift-gate: the deployed Karpenter Helm release turns drift off (KA050, lint rule KM114).

v1 removed the Drift feature gate: drift is always on, so everything that diverged while it was off
replaces nodes right after the upgrade to 1.0 (drift-and-lint §0.1, §b KM114). Helm keeps each release
revision in a Secret of type ``helm.sh/release.v1`` (ecosystem §3.7 item 21); the user-supplied values
are its ``config``. KM114 decides what counts as turning the gate off; this check feeds it the values.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from karpmigrate.audit._base import HELM_DRIFT_GATE, ClusterView, Issue, check
from karpmigrate.audit.checks import _support as s
from karpmigrate.findings import Level, dotted
from karpmigrate.lint._base import HELM_VALUES
from karpmigrate.lint.rules import km114_drift_feature_gate as km114

_CHART = "karpenter"
_DEPLOYED = "deployed"


def _describe(release: Mapping[str, Any]) -> str:
    chart = s.get(release, ("chart", "metadata", "version"))
    revision = release.get("version")
    parts = [f"namespace {s.text(release.get('namespace'))}", f"chart {_CHART}-{s.text(chart) or '?'}"]
    if isinstance(revision, int):
        parts.append(f"revision {revision}")
    return f"Helm release {s.text(release.get('name'))} ({', '.join(parts)})"


def _issue(release: Mapping[str, Any], message: str, path: tuple[str | int, ...]) -> Issue:
    chart = s.parse_version(s.get(release, ("chart", "metadata", "version")))
    legacy = chart is None or chart < (1, 0, 0)
    if not legacy:
        # A 1.x chart has no such key: drift is on already, the value is only a misleading leftover.
        message = (
            f"still sets {dotted(path)}: false, which the 1.x chart ignores: drift is already "
            "on; remove the key from the values"
        )
    return Issue(
        HELM_DRIFT_GATE,
        f"{_describe(release)}: {message} (KM114)",
        kind="HelmRelease",
        name=s.text(release.get("name")),
        namespace=s.text(release.get("namespace")),
        path=path,
        level=None if legacy else Level.WARNING,
        blocker=legacy,
    )


@check(
    "helm-drift-gate",
    "Helm values that disable the removed drift feature gate",
    reads=("v1 secrets (type helm.sh/release.v1)",),
)
def helm_drift_gate(view: ClusterView) -> Iterator[Issue]:
    """Check the values of each deployed Karpenter Helm release for ``settings.featureGates.drift: false``.

    Reads Helm release Secrets (decoded by the view: base64, base64, gzip, JSON); only releases of the
    ``karpenter`` chart whose status is ``deployed`` count (older revisions are history). Their
    ``config`` (the user-supplied values) goes through KM114. A 0.3x chart is an error that blocks the
    upgrade; a 1.x chart that still carries the key is a warning (drift is on already). Secrets that
    cannot be read (403) propagate: the runner reports the check as degraded.
    """
    for release in view.helm_releases():
        if s.get(release, ("chart", "metadata", "name")) != _CHART:
            continue
        if s.get(release, ("info", "status")) != _DEPLOYED:
            continue
        values = s.lint_objects(view, HELM_VALUES, [s.mapping(release.get("config"))])
        for _, hit in s.rule_hits(km114.RULE, values, obj=values[0]):
            yield _issue(release, hit.message, hit.path)


CHECK = helm_drift_gate
