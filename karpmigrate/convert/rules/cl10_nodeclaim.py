"""CL-10: NodeClaims are converted like the webhook, with a warning (design §3).

A NodeClaim is created by Karpenter for one node; a copy in Git re-applied by GitOps asks for another
node (or fights the controller over an immutable spec, nodeclaim CRD ``spec is immutable``).
"""

from __future__ import annotations

from ruamel.yaml.comments import CommentedMap

from karpmigrate.convert import codes
from karpmigrate.convert._base import Context, rule


@rule("CL-10", "nodeclaim-in-git", kinds={"NodeClaim"})
def nodeclaim_in_git(obj: CommentedMap, ctx: Context) -> None:
    """NodeClaims are converted like the webhook, with a warning."""
    ctx.note(
        codes.NODECLAIM_IN_GIT,
        "NodeClaims are created and owned by Karpenter; converted like the webhook would, but delete it "
        "from Git: applying it creates a node",
    )


RULE = nodeclaim_in_git
