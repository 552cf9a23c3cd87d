"""The conversion rules of each mode, in the order they run. A new rule is one module and one line here.

Order follows the upstream conversion functions (nodepool_conversion.go, nodeclaim_conversion.go,
ec2nodeclass_conversion.go) where it matters: NP-5 reads the v1beta1 policy before NP-6 renames it;
CL-8 (hop limit) runs before CL-9 so that a moved kubelet lands last in the EC2NodeClass spec, as in
spec/clean-mode-example.md. Rules that must see the object as written read ``ctx.before``.
"""

from __future__ import annotations

from functools import cache

from karpmigrate.convert._base import Mode, Rule
from karpmigrate.convert.rules import (
    cl01_server_fields,
    cl02_expire_after,
    cl03_consolidation,
    cl04_nodeclass_ref,
    cl05_kubelet_out,
    cl06_do_not_disrupt,
    cl07_ami_alias,
    cl08_hop_limit,
    cl09_kubelet_in,
    cl10_nodeclaim,
    cl11_restricted_tags,
    ec01_alias_version_annotation,
    ec02_ami_family,
    ec03_copied_fields,
    nc02_status,
    nc03_resources,
    nc06_expire_after,
    np02_status,
    np03_limits,
    np04_expire_after,
    np05_consolidate_after_zero,
    np06_consolidation_policy,
    np07_consolidate_after_copied,
    np08_budgets,
    np10_taints,
    np11_requirements,
    np12_nodeclass_ref,
    np13_kubelet_annotation,
    np14_nodeclass_reference_annotation,
    np15_dropped_fields,
    s00_api_version,
    s06_always_present,
)

ORDER: dict[Mode, tuple[Rule, ...]] = {
    Mode.WEBHOOK: (
        s00_api_version.RULE,
        np02_status.RULE,
        np03_limits.RULE,
        np04_expire_after.RULE,
        np05_consolidate_after_zero.RULE,
        np07_consolidate_after_copied.RULE,
        np06_consolidation_policy.RULE,
        np08_budgets.RULE,
        np10_taints.RULE,
        np11_requirements.RULE,
        np12_nodeclass_ref.RULE,
        np13_kubelet_annotation.RULE,
        np14_nodeclass_reference_annotation.RULE,
        np15_dropped_fields.RULE,
        nc02_status.RULE,
        nc03_resources.RULE,
        nc06_expire_after.RULE,
        ec01_alias_version_annotation.RULE,
        ec02_ami_family.RULE,
        ec03_copied_fields.RULE,
        s06_always_present.RULE,
    ),
    Mode.CLEAN: (
        cl01_server_fields.RULE,
        s00_api_version.RULE,
        cl02_expire_after.RULE,
        cl03_consolidation.RULE,
        cl04_nodeclass_ref.RULE,
        cl05_kubelet_out.RULE,
        cl06_do_not_disrupt.RULE,
        np15_dropped_fields.RULE,
        # NodeClaims are controller-owned: converted as the webhook does (design §3), minus the
        # rollback-only nodeclass-reference annotation.
        np10_taints.RULE.only({"NodeClaim"}),
        np11_requirements.RULE.only({"NodeClaim"}),
        np13_kubelet_annotation.RULE.only({"NodeClaim"}),
        nc06_expire_after.RULE,
        cl10_nodeclaim.RULE,
        cl07_ami_alias.RULE,
        cl11_restricted_tags.RULE,
        cl08_hop_limit.RULE,
        cl09_kubelet_in.RULE,
    ),
}


@cache
def rules_for(mode: Mode, kind: str, version: str, *, karpenter: bool) -> tuple[Rule, ...]:
    """The rules that run on one object, in order."""
    return tuple(r for r in ORDER[mode] if r.runs_on(kind, version, karpenter=karpenter))


def all_rules() -> tuple[Rule, ...]:
    """Every distinct rule (by id and kinds), for listings and registry tests."""
    seen: dict[tuple[str, frozenset[str]], Rule] = {}
    for rules in ORDER.values():
        for r in rules:
            seen.setdefault((r.id, r.kinds), r)
    return tuple(seen.values())
