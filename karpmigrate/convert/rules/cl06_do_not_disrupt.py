"""CL-6: do-not-evict / do-not-consolidate → do-not-disrupt in NodePool and pod templates.

v1 reads neither old key (spec/conversion-rules.md §8; v0.37 honoured them: CORE@v0.37.7
pkg/utils/pod/scheduling.go:172-174, consolidation.go:89-93), so a pod or node that relied on one loses
its protection after the upgrade. The webhook never rewrites them (§8, last line): clean mode does, and
says what the edit costs: NodePool template annotations are hashed (drift-and-lint a.1, KM209), a pod
template change rolls the workload out (KM212).
"""

from __future__ import annotations

from collections.abc import Mapping

from ruamel.yaml.comments import CommentedMap

from karpmigrate.convert import codes
from karpmigrate.convert._base import Context, rule
from karpmigrate.findings import Code, Path
from karpmigrate.io import paths

DEPRECATED = ("karpenter.sh/do-not-evict", "karpenter.sh/do-not-consolidate")
REPLACEMENT = "karpenter.sh/do-not-disrupt"
_TEMPLATE: Path = ("spec", "template", "metadata")
#: Where each kind keeps the metadata of the pods (or, for a NodePool, the nodes) it creates.
POD_METADATA: Mapping[str, Path] = {
    "NodePool": _TEMPLATE,
    "Pod": ("metadata",),
    "Deployment": _TEMPLATE,
    "StatefulSet": _TEMPLATE,
    "DaemonSet": _TEMPLATE,
    "ReplicaSet": _TEMPLATE,
    "Job": _TEMPLATE,
    "CronJob": ("spec", "jobTemplate", *_TEMPLATE),
}
_ROLLOUT = "the pod template changes, so the {} rolls out new pods"
#: The note for each kind: what applying the edited manifest does to its nodes or running pods.
NOTES: Mapping[str, tuple[Code, str]] = {
    "NodePool": (
        codes.TEMPLATE_ANNOTATION,
        "template annotations are hashed: every node of this NodePool is replaced once (NodePoolDrifted); "
        "give it a Drifted budget before applying",
    ),
    "Pod": (
        codes.DEPRECATED_ANNOTATION,
        "applying updates the running Pod's annotations in place (no restart)",
    ),
    "Deployment": (codes.DEPRECATED_ANNOTATION, _ROLLOUT.format("Deployment")),
    "StatefulSet": (codes.DEPRECATED_ANNOTATION, _ROLLOUT.format("StatefulSet")),
    "DaemonSet": (codes.DEPRECATED_ANNOTATION, _ROLLOUT.format("DaemonSet")),
    "ReplicaSet": (
        codes.DEPRECATED_ANNOTATION,
        "the pod template changes; a ReplicaSet does not replace running pods, only new pods get the key",
    ),
    "Job": (
        codes.DEPRECATED_ANNOTATION,
        "a Job's pod template is immutable: delete and re-create the Job to apply the change",
    ),
    "CronJob": (
        codes.DEPRECATED_ANNOTATION,
        "the job template changes: Jobs started after applying get the key",
    ),
}


def _edits(found: list[str], renamed: bool) -> str:
    done = [f"{found[0]} renamed to {REPLACEMENT}"] if renamed else []
    done += [f"{key} removed" for key in (found[1:] if renamed else found)]
    reason = (
        "the key Karpenter v1 reads"
        if renamed
        else f"{REPLACEMENT} is already set and v1 ignores the old key"
    )
    return f"{' and '.join(done)} ({reason})"


@rule("CL-6", "do-not-disrupt", kinds=POD_METADATA.keys())
def do_not_disrupt(obj: CommentedMap, ctx: Context) -> None:
    """do-not-evict / do-not-consolidate → do-not-disrupt in NodePool and pod templates."""
    path = (*POD_METADATA[ctx.kind], "annotations")
    annotations = paths.get(ctx.before, path)
    if not isinstance(annotations, Mapping):
        return
    found = [key for key in annotations if key in DEPRECATED]
    if not found:
        return
    if ctx.options.keep_deprecated_annotations:
        ctx.note(
            codes.DEPRECATED_ANNOTATION,
            f"{' and '.join(found)} kept (--keep-deprecated-annotations), but Karpenter v1 ignores it: "
            f"only {REPLACEMENT} protects from disruption",
            (*path, found[0]),
        )
        return
    renamed = REPLACEMENT not in annotations
    code, consequence = NOTES[ctx.kind]
    ctx.note(code, f"{_edits(found, renamed)}: {consequence}", (*path, found[0]))
    if renamed:
        paths.rename_key(paths.get(obj, path), found[0], REPLACEMENT)
    for key in found[1:] if renamed else found:
        paths.pop(obj, (*path, key))


RULE = do_not_disrupt
