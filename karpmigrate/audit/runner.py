"""Run every audit check, and the lint rules, against one cluster view; pure apart from the view's reads.

A check whose source cannot be read (403, 404, repeated 5xx) becomes one KA090 note naming the
resource and the permission to grant; the other checks still run (issue 5: a 403 degrades, never fails).
"""

from __future__ import annotations

import copy
import importlib
import pkgutil
from collections.abc import Iterator
from functools import cache

from karpmigrate.audit import _base, checks
from karpmigrate.audit._base import Check, ClusterView, ContextReport, Issue, SourceError, Stage
from karpmigrate.audit.checks._support import live_objects
from karpmigrate.findings import Level
from karpmigrate.target import Target

#: Lint rules that restate what the audit checks report with live detail (KA020 for compatibility
#: annotations, KA021 for KM101's kubelet split) or that only make sense for a manifest in Git (KM115:
#: server fields are expected on live objects; KM132: the cluster answers in the version asked for).
_LINT_SKIP = frozenset({"KM101", "KM103", "KM115", "KM132"})
#: KM110 on a v1 object is the v1beta1-ubuntu annotation KA020 already reports; on a v1beta1 object (a
#: v0.3x cluster) it is the only report of an Ubuntu class without terms.
_LINT_SKIP_ON_V1 = frozenset({"KM110"})
#: In a cluster audit an @latest alias is how the conversion left every class: worth knowing, not a
#: warning about the upgrade (lint keeps it a warning for manifests under review).
_LINT_LEVEL = {"KM211": Level.INFO}
_LIVE_KINDS = (("karpenter.sh", "NodePool"), ("karpenter.k8s.aws", "EC2NodeClass"))


@cache
def all_checks() -> tuple[Check, ...]:
    found = []
    for info in pkgutil.iter_modules(checks.__path__):
        if info.name.startswith("_"):
            continue
        module = importlib.import_module(f"{checks.__name__}.{info.name}")
        check = getattr(module, "CHECK", None)
        if not isinstance(check, Check):
            raise TypeError(f"{module.__name__}: a check module ends with CHECK = <check>")
        found.append(check)
    order = {Stage.CLUSTER: 0, Stage.OBJECTS: 1, Stage.WORKLOADS: 2}
    return tuple(sorted(found, key=lambda c: (order[c.stage], c.id)))


def _degraded(check: Check, error: SourceError) -> Issue:
    advice = {
        "forbidden": "grant get/list on it (deploy/rbac.yaml)",
        "not-found": "the API server does not serve it",
        "failed": "the API server kept failing",
    }.get(error.reason, "")
    return Issue(
        _base.DEGRADED,
        f"check {check.id} incomplete: cannot read {error.resource} ({error.reason}: {error.detail}); {advice}",
    )


def run_checks(view: ClusterView) -> Iterator[Issue]:
    for check in all_checks():
        try:
            yield from check.run(view)
        except SourceError as error:
            yield _degraded(check, error)


def _lint_issues(view: ClusterView, target: Target) -> Iterator[Issue]:
    from karpmigrate.lint._base import LintObject, Scope
    from karpmigrate.lint.engine import run_rules
    from karpmigrate.lint.registry import all_rules

    objects: list[LintObject] = []
    for _, kind in _LIVE_KINDS:
        _, items = live_objects(view, kind)
        for item in items:
            objects.append(
                LintObject(
                    f"{view.context}", copy.deepcopy(dict(item)), (), 0, lambda *_a, **_k: (None, None), kind
                )
            )
    rules = [
        r
        for r in all_rules()
        if r.scope in (Scope.OBJECT, Scope.SET) and r.id not in _LINT_SKIP and not r.compares
    ]
    for rule_hit in run_rules(rules, objects, (), target=target, has_old=False):
        obj, hit = rule_hit.obj, rule_hit.hit
        if rule_hit.rule.id in _LINT_SKIP_ON_V1 and obj.version == "v1":
            continue
        level = _LINT_LEVEL.get(rule_hit.rule.id) or hit.level or rule_hit.rule.level
        yield Issue(
            rule_hit.rule.code,
            hit.message,
            kind=obj.kind,
            name=obj.name,
            namespace=obj.namespace or None,
            api_version=obj.api_version,
            path=hit.path,
            level=level,
        )


def audit(view: ClusterView, *, target: Target | None = None, lint: bool = True) -> ContextReport:
    """Everything the audit says about one cluster."""
    from karpmigrate.audit.checks import controller_version as versions

    report = ContextReport(view.context, server=getattr(view, "server", ""))
    try:
        report.controller_version = versions.controller_version(view)
    except SourceError:
        report.controller_version = None
    report.issues.extend(run_checks(view))
    if lint:
        lint_target = target or Target(1, 1)
        try:
            report.issues.extend(_lint_issues(view, lint_target))
        except SourceError as error:
            if error.reason != "not-found":
                report.issues.append(
                    Issue(
                        _base.DEGRADED, f"lint rules skipped: cannot read {error.resource} ({error.reason})"
                    )
                )
    return report


def blocking(issue: Issue) -> bool:
    """Counts against the verdict: marked as an upgrade blocker, or an error."""
    return issue.blocker or (issue.level or issue.code.level) is Level.ERROR
