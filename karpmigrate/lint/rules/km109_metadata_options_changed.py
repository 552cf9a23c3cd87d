"""KM109: the effective metadataOptions of an EC2NodeClass change with the migration (drift-and-lint §b)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from karpmigrate import catalogue
from karpmigrate.findings import Level
from karpmigrate.lint._base import Hit, RuleContext, Scope, lint_rule
from karpmigrate.lint.rules._migration import METADATA_DEFAULTS, is_migration

_PATH = ("spec", "metadataOptions")
_HOP_LIMIT = "httpPutResponseHopLimit"


def _valid(field: str, value: Any) -> bool:
    # A value of the wrong type is validate's finding, not a drift (lint runs before validate).
    if field == _HOP_LIMIT:
        return isinstance(value, int) and not isinstance(value, bool)
    return isinstance(value, str)


def _effective(options: Any, version: str) -> dict[str, tuple[Any, bool]] | None:
    """Each field's value after the CRD defaults of ``version``, and whether the manifest sets it."""
    if options is not None and not isinstance(options, Mapping):
        return None
    given = options or {}
    return {
        field: (given[field], True) if given.get(field) is not None else (default, False)
        for field, default in METADATA_DEFAULTS[version].items()
    }


def _describe(value: Any, explicit: bool, version: str) -> str:
    return str(value) if explicit else f"{value} ({version} default)"


@lint_rule(catalogue.KM109, kinds={"EC2NodeClass"}, scope=Scope.PAIR)
def metadata_options_changed(ctx: RuleContext) -> Iterator[Hit]:
    """The v1 rewrite of a v1beta1 EC2NodeClass ends up with other instance metadata options.

    What it does:
        Compares `spec.metadataOptions` of a v1beta1 EC2NodeClass, with v0.37's defaults applied
        (httpEndpoint enabled, httpProtocolIPv6 disabled, httpPutResponseHopLimit 2, httpTokens
        required), with its v1 rewrite, with v1's defaults applied (the same, but hop limit 1). Only for
        a migration (old v1beta1, new v1): a change between two v1 manifests is the drift engine's
        (KM204).
    Why it matters:
        metadataOptions are in the EC2NodeClass hash: any change replaces every node of the class
        (NodeClassDrift). The usual trap is the hop limit: the stored class keeps 2, a manifest that
        omits it gets 1 when the object is created or replaced (kubectl apply and server-side apply keep
        the stored value), or pins `1` copied from the v1 docs; with 1, pods without hostNetwork lose
        IMDS (kubernetes-sigs/karpenter#1769). When neither manifest sets the field, only a create or
        replace applies the new default: then the finding is a warning.
    Example:
        # v1beta1: no metadataOptions (hop limit 2 by default)
        # v1
        spec:
          metadataOptions:
            httpPutResponseHopLimit: 1
    Use instead:
        spec:
          metadataOptions:
            httpPutResponseHopLimit: 2
    """
    if not is_migration(ctx.obj, ctx.old):
        return
    assert ctx.obj is not None and ctx.old is not None
    old = _effective(ctx.old.get(_PATH), "v1beta1")
    new = _effective(ctx.obj.get(_PATH), "v1")
    if old is None or new is None:
        return
    changed = [
        field
        for field in METADATA_DEFAULTS["v1"]
        if _valid(field, old[field][0]) and _valid(field, new[field][0]) and old[field][0] != new[field][0]
    ]
    if not changed:
        return
    parts = [f"{f} {_describe(*old[f], 'v1beta1')} -> {_describe(*new[f], 'v1')}" for f in changed]
    defaults_only = all(not old[f][1] and not new[f][1] for f in changed)
    message = (
        f"metadataOptions change with the migration, {', '.join(parts)}: they are hashed, so every node "
        f"of EC2NodeClass {ctx.obj.name} is replaced (NodeClassDrift)"
    )
    if defaults_only:
        # Only the defaults differ: a 3-way or server-side apply keeps the stored value, so the drift
        # needs a create or replace (drift-and-lint §b asks to say so): a warning, not an error.
        message += " once the object is created or replaced (kubectl apply keeps the stored value)"
    if _HOP_LIMIT in changed and new[_HOP_LIMIT][0] == 1:
        message += "; hop limit 1 also cuts pods without hostNetwork off IMDS"
    message += "; write the v1beta1 values explicitly"
    yield Hit(message, (*_PATH, changed[0]), level=Level.WARNING if defaults_only else None)


RULE = metadata_options_changed
