"""CL-7: amiFamily → alias term (--alias-version); Ubuntu → AL2 with its root volume (design §3).

The clean counterpart of EC-2 (spec/conversion-rules.md §4 EC-2, drift-and-lint KM110-KM112, KM211).
The alias version is the v1-alias-version annotation's when the object carries one (it is what the
cluster resolves today, EC-2a), else ``--alias-version``; Windows families accept only ``latest``.
Differences from the webhook: no Ubuntu compatibility annotation; an Ubuntu class without terms gets
``--ubuntu-ami-id`` (or a visible placeholder) instead of the webhook's NotReady ``incompatible`` marker;
a term list added here goes at the end of ``spec`` (``amiFamily`` stays, as AL2, where it was).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ruamel.yaml.comments import CommentedMap

from karpmigrate.convert import codes
from karpmigrate.convert._base import ALIAS_FAMILIES, AliasVersions, Blocked, Context, rule
from karpmigrate.convert.rules import _ami
from karpmigrate.findings import Level
from karpmigrate.io import paths

TODO = "karpmigrate: TODO set the Ubuntu AMI ID (--ubuntu-ami-id)"


def _alias(obj: CommentedMap, ctx: Context) -> None:
    if _ami.has_terms(ctx.before):
        return  # EC-2b: amiFamily and terms both kept
    family = str(_ami.family(ctx.before))
    annotated = _ami.annotated_version(ctx.before)
    versions = ctx.options.alias_version if annotated is None else AliasVersions(annotated)
    text = _ami.alias(family, versions.for_family(family.lower()))
    _note_latest(ctx, family, text, dict(versions.by_family).get(family.lower(), versions.default))
    _note_webhook_difference(ctx, family, text, annotated)
    _ami.replace_family(obj, _ami.one_term(obj, "alias", text))


def _note_latest(ctx: Context, family: str, text: str, asked: str) -> None:
    if not text.endswith("@latest"):
        return
    advice = "pin a version (--alias-version) to control node replacement"
    if family in _ami.LATEST_ONLY:
        ignored = f", so {asked} was not applied" if asked != "latest" else ""
        advice = f"Windows AMI aliases accept only latest{ignored}"
    ctx.note(
        codes.ALIAS_LATEST,
        f"amiFamily {family} becomes the alias {text}: it follows every AMI release, as amiFamily did; {advice}",
        _ami.FAMILY,
    )


def _note_webhook_difference(ctx: Context, family: str, text: str, annotated: str | None) -> None:
    # EC-2a: the webhook stores the annotation's version, else latest; a different pin drifts (KM112).
    webhook = _ami.alias(family, "latest" if annotated is None else annotated)
    if text != webhook:
        ctx.note(
            codes.AMI_SELECTION,
            f"amiFamily {family} becomes the alias {text} where the conversion webhook stores {webhook}: "
            "nodes not on the AMI it selects are replaced (AMIDrift) once this is applied",
            _ami.FAMILY,
        )
    wanted = ctx.options.alias_version.for_family(family.lower())
    if annotated is not None and wanted not in ("latest", annotated):
        ctx.note(
            codes.AMI_SELECTION,
            f"the v1-alias-version annotation pins {text}, the AMI the cluster resolves today: "
            f"--alias-version {wanted} was not applied (change the alias afterwards to roll nodes to it)",
            _ami.FAMILY,
            Level.INFO,
        )


def _ubuntu(obj: CommentedMap, ctx: Context) -> None:
    ami_id, has_terms = ctx.options.ubuntu_ami_id, _ami.has_terms(ctx.before)
    _note_ubuntu(ctx, ami_id, has_terms)
    _ami.ubuntu_to_al2(obj, ctx.before)
    if not has_terms:
        terms = _ami.one_term(obj, "id", ami_id or _ami.DUMMY_AMI)
        if not ami_id:
            terms[0].yaml_add_eol_comment(TODO, next(iter(terms[0])))
        paths.set_(obj, _ami.TERMS, terms)


def _note_ubuntu(ctx: Context, ami_id: str | None, has_terms: bool) -> None:
    root = ""
    if _ami.injects_root_volume(ctx.before):
        root = ", with Ubuntu's root volume /dev/sda1 (20Gi gp3, encrypted) as the webhook adds it"
    change = f"amiFamily Ubuntu becomes AL2 (same userData format){root}"
    if has_terms:
        ctx.note(codes.UBUNTU_REWRITTEN, f"{change}; same as the webhook stores", _ami.FAMILY, Level.INFO)
    elif ami_id:
        ctx.note(
            codes.UBUNTU_REWRITTEN,
            f"{change}; amiSelectorTerms id {ami_id} added (--ubuntu-ami-id). The webhook marks this class "
            "incompatible (NotReady: no launches, no drift); with the term it is Ready and nodes not on "
            f"{ami_id} are replaced (AMIDrift)",
            _ami.FAMILY,
        )
    else:
        ctx.note(
            codes.UBUNTU_NO_TERMS,
            f"{change}, but v1 cannot discover Ubuntu AMIs: the amiSelectorTerms id ami-placeholder written "
            "at the end of spec must be replaced by the Ubuntu AMI ID (or convert with --ubuntu-ami-id), "
            "otherwise the class is NotReady and its NodePools launch nothing",
            _ami.FAMILY,
        )


def _missing(obj: CommentedMap, ctx: Context) -> None:
    # EC-2d: the webhook makes a missing amiFamily Custom; without terms that is invalid v1 (minItems 1).
    if not _ami.has_terms(ctx.before):
        raise Blocked(
            codes.NOT_CONVERTIBLE,
            "not converted: no amiFamily and no amiSelectorTerms (v1beta1 requires amiFamily): "
            "set the amiFamily the nodes run and convert again",
            _ami.FAMILY,
        )
    ctx.note(
        codes.AMI_SELECTION,
        "amiFamily missing (v1beta1 requires it): amiFamily Custom written, as the webhook does; Karpenter "
        "generates no userData for Custom, so check that userData bootstraps the node",
        _ami.FAMILY,
    )
    paths.set_(obj, _ami.FAMILY, _ami.CUSTOM)


def _unknown(obj: CommentedMap, ctx: Context) -> None:
    raise Blocked(
        codes.NOT_CONVERTIBLE,
        f"not converted: amiFamily {_ami.family(ctx.before)!r} is not a v1beta1 AMI family "
        f"({', '.join((*ALIAS_FAMILIES, _ami.UBUNTU, _ami.CUSTOM))})",
        _ami.FAMILY,
    )


_BY_FAMILY: dict[Any, Callable[[CommentedMap, Context], None]] = {
    **dict.fromkeys(ALIAS_FAMILIES, _alias),
    _ami.UBUNTU: _ubuntu,
    _ami.CUSTOM: lambda obj, ctx: None,
    None: _missing,
}


@rule("CL-7", "ami-alias", kinds={"EC2NodeClass"})
def ami_alias(obj: CommentedMap, ctx: Context) -> None:
    """amiFamily → alias term (--alias-version); Ubuntu → AL2 with its root volume."""
    if not isinstance(paths.get(obj, _ami.SPEC), CommentedMap):
        return
    family = _ami.family(ctx.before)
    handler = _BY_FAMILY.get(family, _unknown) if family is None or isinstance(family, str) else _unknown
    handler(obj, ctx)


RULE = ami_alias
