"""crd-versions: served, storage and stored versions and the conversion setup of the Karpenter CRDs.

The 1.1 CRDs serve v1 only: the API server refuses to install them while ``status.storedVersions``
still lists v1beta1 (drift-and-lint §d pain point 6: ``status.storedVersions[0]: Invalid value:
"v1beta1"``). Karpenter 1.0.6+ re-writes every object and then sets storedVersions to ``[v1]`` itself
(conversion-rules RT-4); maintainers warn against patching storedVersions without that (ecosystem §3.7
item 22). Conversion webhook plumbing is pain point 4 (wrong strategy, service or namespace).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from karpmigrate.audit._base import (
    CONVERSION_WEBHOOK,
    CRD_MISSING,
    CRD_VERSIONS,
    STORED_VERSIONS,
    V1BETA1_ONLY,
    ClusterView,
    Issue,
    SourceError,
    Stage,
    check,
)
from karpmigrate.audit.checks import _support as s
from karpmigrate.audit.checks.controller_version import Controller, controllers
from karpmigrate.findings import Level

_API = "apiextensions.k8s.io/v1"
_KIND = "CustomResourceDefinition"
_NEVER_PATCH = "never patch storedVersions by hand before every object was re-written as v1"


@dataclass(frozen=True, slots=True)
class _Crd:
    """What the audit reads of one CRD."""

    name: str
    served: tuple[str, ...]
    storage: str | None
    stored: tuple[str, ...]
    strategy: str
    service: Mapping[str, Any] | None
    url: str | None

    @classmethod
    def of(cls, crd: Mapping[str, Any]) -> _Crd:
        versions = [v for v in s.items(s.get(crd, ("spec", "versions"))) if isinstance(v, Mapping)]
        conversion = s.mapping(s.get(crd, ("spec", "conversion")))
        client = s.mapping(s.get(conversion, ("webhook", "clientConfig")))
        service = client.get("service")
        return cls(
            name=s.name_of(crd),
            served=tuple(s.text(v.get("name")) for v in versions if v.get("served") is True),
            storage=next((s.text(v.get("name")) for v in versions if v.get("storage") is True), None),
            stored=tuple(s.text(v) for v in s.items(s.get(crd, ("status", "storedVersions")))),
            strategy=s.text(conversion.get("strategy")) or "None",
            service=service if isinstance(service, Mapping) else None,
            url=s.text(client.get("url")) or None,
        )

    def issue(self, code: Any, message: str, **extra: Any) -> Issue:
        return Issue(code, message, kind=_KIND, name=self.name, api_version=_API, **extra)


def _service(crd: _Crd) -> str:
    if crd.service is None:
        return crd.url or "no clientConfig"
    port = crd.service.get("port")
    where = f"{s.text(crd.service.get('namespace'))}/{s.text(crd.service.get('name'))}"
    return f"{where}:{port}" if port is not None else where


def _summary(crd: _Crd) -> str:
    conversion = crd.strategy
    if crd.strategy == "Webhook":
        conversion += f" ({_service(crd)})"
    return (
        f"CRD {crd.name} serves {', '.join(crd.served) or 'nothing'}, stores {crd.storage or 'nothing'}, "
        f"status.storedVersions [{', '.join(crd.stored)}], conversion {conversion}"
    )


# ---------------------------------------------------------------- v1beta1 state (KA014, else KA010)


def _storage_issue(crd: _Crd) -> Issue | None:
    if "v1" not in crd.served:
        return crd.issue(
            V1BETA1_ONLY,
            f"CRD {crd.name} does not serve v1 (served: {', '.join(crd.served) or 'nothing'}): install the "
            "CRDs of the latest v0.3x patch with the karpenter-crd chart (v1 served through the conversion "
            "webhook), then 1.0.6 or later (v1 storage), before 1.1",
            blocker=True,
        )
    if crd.storage != "v1":
        return crd.issue(
            V1BETA1_ONLY,
            f"CRD {crd.name} still stores {crd.storage or 'no version'}: 1.1 serves v1 only; go through "
            "1.0.6 or a later 1.0 patch, whose CRDs store v1 and which migrates the stored objects, before 1.1",
            blocker=True,
        )
    return None


def _migration_advice(controller: Controller | None) -> str:
    """What to do about stored v1beta1 objects, given the running controller (RT-4)."""
    if controller is None or controller.version is None:
        return (
            "Karpenter 1.0.6 or a later 1.0 patch migrates them itself: run it until storedVersions is [v1]"
        )
    shown = s.shown_version(controller.version)
    if controller.version >= (1, 1, 0):
        return (
            f"Karpenter {shown} no longer migrates them: run the latest 1.0 patch until storedVersions is [v1], "
            f"then apply the {shown} CRDs"
        )
    if controller.version >= (1, 0, 6):
        return (
            f"Karpenter {shown} migrates them itself (it marks each object karpenter.sh/stored-version-migrated, "
            "then sets storedVersions to [v1]): wait for it, and read its logs if the list does not change"
        )
    return f"Karpenter {shown} does not migrate them: upgrade to 1.0.6 or a later 1.0 patch and let it re-write every object"


def _stored_issue(crd: _Crd, controller: Controller | None) -> Issue | None:
    if "v1beta1" not in crd.stored:
        return None
    return crd.issue(
        STORED_VERSIONS,
        f"CRD {crd.name} still lists v1beta1 in status.storedVersions [{', '.join(crd.stored)}]: the 1.1 CRD "
        f"drops v1beta1, so the API server refuses the update; {_migration_advice(controller)}; {_NEVER_PATCH}",
        blocker=True,
    )


# ---------------------------------------------------------------- conversion (KA013)

_Rule = Callable[[_Crd, Controller | None], str | None]


def _needs_webhook(crd: _Crd, controller: Controller | None) -> str | None:
    if len(crd.served) < 2 or crd.strategy == "Webhook":
        return None
    return (
        f"serves {' and '.join(crd.served)} with conversion strategy {crd.strategy}: the API server only "
        "relabels objects between the versions, so a v1beta1 object read as v1 (or back) loses or breaks "
        "fields; install the CRDs with the karpenter-crd chart of the running release (strategy Webhook)"
    )


def _no_client(crd: _Crd, controller: Controller | None) -> str | None:
    if crd.strategy != "Webhook" or crd.service is not None or crd.url:
        return None
    return "uses conversion strategy Webhook without a clientConfig: every conversion fails"


def _webhook_after_11(crd: _Crd, controller: Controller | None) -> str | None:
    if crd.strategy != "Webhook" or controller is None or controller.version is None:
        return None
    if controller.version < (1, 1, 0):
        return None
    shown = s.shown_version(controller.version)
    return (
        f"still uses conversion strategy Webhook ({_service(crd)}), but Karpenter {shown} has no conversion "
        f"webhook (removed in 1.1): apply the CRDs of the {shown} karpenter-crd chart (strategy None)"
    )


def _wrong_namespace(crd: _Crd, controller: Controller | None) -> str | None:
    if crd.strategy != "Webhook" or crd.service is None or controller is None:
        return None
    namespace = s.text(crd.service.get("namespace"))
    if not namespace or namespace == controller.namespace:
        return None
    return (
        f"points its conversion webhook at service {_service(crd)}, but the controller runs in namespace "
        f"{controller.namespace}: conversions fail (the upstream CRD files hard-code kube-system); install the "
        "CRDs with the karpenter-crd chart, which sets the service namespace"
    )


#: First match wins: one KA013 per CRD.
_CONVERSION_RULES: Sequence[_Rule] = (_needs_webhook, _no_client, _webhook_after_11, _wrong_namespace)


def _conversion_issue(crd: _Crd, controller: Controller | None) -> Issue | None:
    for rule in _CONVERSION_RULES:
        problem = rule(crd, controller)
        if problem is not None:
            return crd.issue(CONVERSION_WEBHOOK, f"CRD {crd.name} {problem}")
    return None


# ---------------------------------------------------------------- the check


def _controllers(view: ClusterView) -> list[Controller] | None:
    """The controllers, None when Deployments cannot be read (the advice then does without a version)."""
    try:
        return controllers(view)
    except SourceError:
        return None


def _running(found: list[Controller] | None) -> Controller | None:
    """The controller the advice is about: the first whose version is known, else the first one."""
    if not found:
        return None
    return next((c for c in found if c.version is not None), found[0])


def _missing(names: Sequence[str], found: list[Controller] | None) -> Iterator[Issue]:
    if len(names) == len(s.CRD_NAMES) and not found:
        controller = "" if found is None else " and no controller Deployment"
        yield Issue(
            CRD_MISSING,
            f"Karpenter is not installed: none of its CRDs ({', '.join(s.CRD_NAMES)}){controller}; nothing to migrate",
            level=Level.INFO,
        )
        return
    for name in names:
        yield Issue(
            CRD_MISSING,
            f"CRD {name} is not installed: Karpenter cannot run without it; install the karpenter-crd chart of the running release",
            kind=_KIND,
            name=name,
            api_version=_API,
        )


@check(
    "crd-versions",
    "Karpenter CRD versions, stored versions and conversion",
    reads=("apiextensions.k8s.io/v1 customresourcedefinitions", "apps/v1 deployments"),
    stage=Stage.CLUSTER,
)
def crd_versions(view: ClusterView) -> Iterator[Issue]:
    """Check the NodePool, NodeClaim and EC2NodeClass CRDs for what blocks the 1.1 CRDs.

    Reads the CRDs (``spec.versions`` served/storage, ``status.storedVersions``, ``spec.conversion``)
    and, for advice that fits the running release, the controller Deployment (optional: without it the
    advice is generic). Per CRD: KA011 (info) summary; KA014 when it still stores v1beta1 or does not
    serve v1, else KA010 when storedVersions still lists v1beta1 (both block 1.1); KA013 when the
    conversion setup does not fit (two versions without a webhook, a webhook without a client, a webhook
    left on 1.1+, a service outside the controller's namespace). A missing CRD is KA012; all three
    missing and no controller is one info: Karpenter is not installed.
    """
    by_name = {s.name_of(crd): crd for crd in view.crds()}
    found = _controllers(view)
    controller = _running(found)
    yield from _missing([n for n in s.CRD_NAMES if n not in by_name], found)
    for name in s.CRD_NAMES:
        if name not in by_name:
            continue
        crd = _Crd.of(by_name[name])
        yield crd.issue(CRD_VERSIONS, _summary(crd))
        for issue in (
            _storage_issue(crd) or _stored_issue(crd, controller),
            _conversion_issue(crd, controller),
        ):
            if issue is not None:
                yield issue


CHECK = crd_versions
