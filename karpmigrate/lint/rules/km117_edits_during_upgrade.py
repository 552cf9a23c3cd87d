"""KM117: drift-relevant edits shipped with a hash-version-bumping upgrade (drift-and-lint §b, §0.3)."""

from __future__ import annotations

from collections.abc import Iterator

from karpmigrate import catalogue
from karpmigrate.lint._base import Hit, RuleContext, Scope, lint_rule


@lint_rule(catalogue.KM117, kinds={"NodePool", "EC2NodeClass"}, scope=Scope.CLUSTER)
def edits_during_upgrade(ctx: RuleContext) -> Iterator[Hit]:
    """Hashed spec edits that land together with an upgrade that bumps the hash version are absorbed.

    What it does:
        Meant for the audit: flags drift-relevant NodePool/EC2NodeClass edits (KM201, KM204, ...)
        rolled out together with a Karpenter upgrade that bumps a hash version (v0.3x -> 1.0: both
        kinds; 1.0 -> 1.1+ and -> 1.12+: EC2NodeClass). Manifests alone cannot tell whether the upgrade
        ships in the same rollout, so `lint` never runs it. It needs the running controller version
        (or the objects' `*-hash-version` annotations) and the target release of the rollout.
    Why it matters:
        When the controller's hash version differs from an object's, it re-stamps every non-drifted
        NodeClaim with the current spec's hash (hash/controller.go, §0.3). Edits applied before that
        re-stamp are absorbed: existing nodes keep the old configuration and never drift. Expected node
        replacement silently does not happen.
    Example:
        # one rollout: Karpenter 0.37 -> 1.0 and EC2NodeClass spec.tags changed
    Use instead:
        # rollout 1: the upgrade; wait for the hash-version annotations to show the new version
        # rollout 2: the spec edits (they drift nodes as intended, under the budgets)
    """
    yield from ()


RULE = edits_during_upgrade
