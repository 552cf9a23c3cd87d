"""controller-version: the running Karpenter release and its supported path to 1.1 (KA001, KA002).

The path follows the v1 migration guide (conversion-rules §9 items 1, 8, 14; drift-and-lint §0.4):
v0.33-v0.37 go through their latest patch (which serves v1 through the conversion webhook), then 1.0.6
or later (which migrates stored versions to v1), then 1.1 once no NodePool carries the kubelet
compatibility annotation (1.1 to 1.5 refuse to start on it).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from karpmigrate.audit._base import (
    CONTROLLER,
    CONTROLLER_NOT_FOUND,
    ClusterView,
    Issue,
    SourceError,
    Stage,
    check,
)
from karpmigrate.audit.checks import _support as s

#: Image repositories of the controller: ``public.ecr.aws/karpenter/controller`` (and mirrors that keep
#: the path), ``karpenter/karpenter`` of older installs.
_IMAGES = ("karpenter/controller", "karpenter/karpenter")
#: The label the Karpenter chart puts on its Deployment (and the chart label that carries the version).
_NAME_LABEL = "app.kubernetes.io/name"
_VERSION_LABEL = "app.kubernetes.io/version"
_CHART_LABEL = "helm.sh/chart"
#: The patch each v0.3x minor must reach first: the releases the v1 migration guide names (latest
#: patches, serving v1 through the conversion webhook; conversion-rules §9 item 8, drift-and-lint KM119).
_V1_PATCHES: Mapping[int, int] = {33: 12, 34: 13, 35: 12, 36: 9, 37: 7}
_MIGRATES_STORED = (1, 0, 6)  # RT-4: "v1.0.6+" migrates status.storedVersions to [v1]
_STEP_10 = "then 1.0.6 or a later 1.0 patch (it moves storage to v1 and migrates stored versions)"
_STEP_11 = "then 1.1 once no NodePool carries the kubelet compatibility annotation"


@dataclass(frozen=True, slots=True)
class Controller:
    """One Karpenter controller Deployment."""

    namespace: str
    name: str
    image: str
    version: s.Version | None
    replicas: int | None


def _split_image(image: str) -> tuple[str, str]:
    """(repository, tag) of ``registry:5000/karpenter/controller:1.0.6@sha256:...`` (tag "" if none)."""
    without_digest = image.partition("@")[0]
    repository, colon, tag = without_digest.rpartition(":")
    if not colon or "/" in tag:  # no tag, or the colon was a registry port
        return without_digest, ""
    return repository, tag


def _containers(deployment: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    found = s.items(s.get(deployment, ("spec", "template", "spec", "containers")))
    return [c for c in found if isinstance(c, Mapping)]


def _controller_image(deployment: Mapping[str, Any]) -> str | None:
    """The controller container's image: by repository, else (labelled chart install from a mirror with
    another path) the container named ``controller``, else the first one."""
    containers = _containers(deployment)
    images = [s.text(c.get("image")) for c in containers]
    for image in images:
        if _split_image(image)[0].endswith(_IMAGES):
            return image
    if s.labels(deployment).get(_NAME_LABEL) != "karpenter":
        return None
    named = [s.text(c.get("image")) for c in containers if c.get("name") == "controller"]
    return (named or images or [""])[0]


def _version(deployment: Mapping[str, Any], image: str) -> s.Version | None:
    """From the image tag; an image pinned by digest alone falls back on the chart's labels."""
    labels = s.labels(deployment)
    chart = s.text(labels.get(_CHART_LABEL))
    candidates = (_split_image(image)[1], labels.get(_VERSION_LABEL), chart.rpartition("-")[2])
    return next((v for v in map(s.parse_version, candidates) if v is not None), None)


def controllers(view: ClusterView) -> list[Controller]:
    """Every Karpenter controller Deployment, by namespace and name."""
    found = []
    for deployment in view.deployments():
        image = _controller_image(deployment)
        if image is None:
            continue
        replicas = s.get(deployment, ("spec", "replicas"))
        found.append(
            Controller(
                s.namespace_of(deployment),
                s.name_of(deployment),
                image,
                _version(deployment, image),
                replicas if isinstance(replicas, int) else None,
            )
        )
    return sorted(found, key=lambda c: (c.namespace, c.name))


def controller_version(view: ClusterView) -> str | None:
    """The version of the first controller found (``1.0.6``), None when none is found or it is unknown."""
    for controller in controllers(view):
        if controller.version is not None:
            return s.shown_version(controller.version)
    return None


def upgrade_path(version: s.Version) -> str:
    """The supported way from ``version`` to 1.1 (v1 migration guide; drift-and-lint §0.4, RT-4)."""
    major, minor, patch = version
    if (major, minor) >= (1, 1):
        return "already 1.1 or later: v1beta1 is no longer served, nothing left to migrate"
    if major == 1:
        if version < _MIGRATES_STORED:
            return f"upgrade to 1.0.6 or a later 1.0 patch (it migrates stored versions to v1), {_STEP_11}"
        return "before 1.1: every Karpenter CRD's status.storedVersions must be [v1] (this release migrates them) and no NodePool may carry the kubelet compatibility annotation"
    if minor < 33:
        return f"v0.{minor} predates the v1beta1 API: upgrade to v0.33 or later (best the latest v0.37 patch) first, {_STEP_10}, {_STEP_11}"
    needed = _V1_PATCHES.get(minor)
    if needed is not None and patch < needed:
        return f"upgrade to v0.{minor}.{needed} or later first (the patch the v1 migration guide requires, with the karpenter-crd chart so v1 is served through the conversion webhook), {_STEP_10}, {_STEP_11}"
    return f"next: {_STEP_10.removeprefix('then ')}, {_STEP_11}"


def _message(controller: Controller) -> str:
    where = f"Deployment {controller.namespace}/{controller.name}"
    scaled = " (scaled to 0 replicas)" if controller.replicas == 0 else ""
    if controller.version is None:
        return f"Karpenter controller {where}{scaled} runs image {controller.image}, whose version cannot be read from its tag or the chart labels: the upgrade path is unknown"
    shown = s.shown_version(controller.version)
    return f"Karpenter controller {where}{scaled} runs {shown} ({controller.image}): {upgrade_path(controller.version)}"


def _karpenter_crds(view: ClusterView) -> bool:
    """Whether Karpenter CRDs exist; an unreadable list counts as yes (the controller may be hidden)."""
    try:
        return any(s.name_of(crd) in s.CRD_NAMES for crd in view.crds())
    except SourceError:
        return True


@check(
    "controller-version",
    "Karpenter controller version and upgrade path",
    reads=("apps/v1 deployments", "apiextensions.k8s.io/v1 customresourcedefinitions"),
    stage=Stage.CLUSTER,
)
def controller_version_check(view: ClusterView) -> Iterator[Issue]:
    """Find the Karpenter controller Deployment in any namespace and say how it gets to 1.1.

    Reads Deployments: the controller is the one whose image repository ends with
    ``karpenter/controller`` (or ``karpenter/karpenter``), or that carries the chart label
    ``app.kubernetes.io/name: karpenter``; its version comes from the image tag (``1.0.6``, ``v0.37.5``,
    with or without ``@sha256:...``), else from the chart labels. Reads the CRD list only when no
    controller is found: without Karpenter CRDs either, Karpenter is simply not installed, which the
    crd-versions check reports once (no warning here).
    """
    found = controllers(view)
    for controller in found:
        yield Issue(
            CONTROLLER,
            _message(controller),
            kind="Deployment",
            name=controller.name,
            namespace=controller.namespace,
            api_version="apps/v1",
        )
    if not found and _karpenter_crds(view):
        yield Issue(
            CONTROLLER_NOT_FOUND,
            "no Karpenter controller Deployment found in any namespace (image karpenter/controller or label app.kubernetes.io/name=karpenter) although its CRDs are installed: the upgrade path cannot be checked",
        )


CHECK = controller_version_check
