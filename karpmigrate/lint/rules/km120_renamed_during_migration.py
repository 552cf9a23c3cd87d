"""KM120: a NodePool or EC2NodeClass renamed while converting (drift-and-lint §b, §a.1 metadata.name)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from karpmigrate import catalogue
from karpmigrate.lint._base import Hit, LintObject, RuleContext, Scope, lint_rule
from karpmigrate.lint.rules._migration import comparable_spec

_NAME = ("metadata", "name")

#: What deleting the old object does, by kind (``{old}``: its name).
_CONSEQUENCE: Mapping[str, str] = {
    "NodePool": (
        "deleting NodePool {old} deletes all its NodeClaims at once (owner references), without disruption "
        "budgets"
    ),
    "EC2NodeClass": (
        "the NodePools of EC2NodeClass {old} must change nodeClassRef.name, which replaces every node of "
        "those pools (NodePoolDrifted, KM116)"
    ),
}


def _renames(ctx: RuleContext, kind: str) -> Iterator[tuple[LintObject, LintObject]]:
    """(old, new) pairs: an old object gone from the new set, a new object with an equal spec."""
    present = {o.name for o in ctx.of_kind(kind)}
    previous = {o.name for o in ctx.of_kind(kind, old=True)}
    gone = [o for o in ctx.of_kind(kind, old=True) if o.name and o.name not in present]
    candidates = [(o, spec) for o in gone if (spec := comparable_spec(o)) is not None]
    for new in ctx.of_kind(kind):
        if not candidates:
            return
        if not new.name or new.name in previous:
            continue
        spec = comparable_spec(new)
        match = next((pair for pair in candidates if pair[1] == spec), None)
        if match is not None:
            candidates.remove(match)  # one old object explains one new object
            yield match[0], new


@lint_rule(catalogue.KM120, kinds=set(_CONSEQUENCE), scope=Scope.SET, compares=True)
def renamed_during_migration(ctx: RuleContext) -> Iterator[Hit]:
    """A NodePool or EC2NodeClass appears under a new name with the spec of one that is gone.

    What it does:
        Compares each NodePool and EC2NodeClass that is new in this change with those of the previous
        version that are gone. A v1beta1 object is compared as the conversion webhook stores it, both
        with their version's defaults, lists as sets, durations and quantities by value, ignoring
        `metadata.name`, the NodePool's `nodeClassRef.name` and the EC2NodeClass `kubelet` (which the
        migration moves there). Equal specs mean a rename. Needs the previous version (git or
        --baseline); also a rename between two v1 manifests, which no other rule reports.
    Why it matters:
        Kubernetes has no rename: GitOps deletes the old object and creates the new one. Deleting a
        NodePool deletes all its NodeClaims at once through owner references, without disruption
        budgets. Renaming an EC2NodeClass means repointing `nodeClassRef.name`, which replaces every
        node of the NodePools that use it (NodePoolDrifted).
    Example:
        # v1beta1: NodePool default
        apiVersion: karpenter.sh/v1
        kind: NodePool
        metadata:
          name: default-v1
    Use instead:
        apiVersion: karpenter.sh/v1
        kind: NodePool
        metadata:
          name: default
    """
    if not ctx.has_old:
        return
    for kind, consequence in _CONSEQUENCE.items():
        for old, new in _renames(ctx, kind):
            yield Hit(
                f"{kind} {new.name} has the spec of {kind} {old.name} of the previous version, which is gone: "
                f"a rename is a delete and a create: {consequence.format(old=old.name)}; keep the name {old.name}",
                _NAME,
                obj=new,
            )


RULE = renamed_during_migration
