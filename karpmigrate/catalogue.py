"""The KM rule catalogue (spec/drift-and-lint.md §b, §c): every code, name and default level, declared once.

``lint`` rules, ``convert`` notes and the ``audit`` reuse these entries; a rule module adds the logic and
the long documentation (its docstring). Levels are the catalogue's severities; where the catalogue says
"error/warn" the rule decides per finding (e.g. KM103 by target version) and the entry holds the
stronger one.
"""

from __future__ import annotations

from karpmigrate.findings import Code, Level

E, W, I = Level.ERROR, Level.WARNING, Level.INFO  # noqa: E741 - the catalogue's own column letters

# ---------------------------------------------------------------- KM1xx: migration and drift risks
KM101 = Code(
    "KM101",
    "kubelet-split-nodeclass",
    E,
    "NodePools sharing an EC2NodeClass have different kubelet settings.",
)
KM102 = Code(
    "KM102",
    "kubelet-mismatch",
    E,
    "The v1 EC2NodeClass kubelet differs from the v1beta1 kubelet it replaces.",
)
KM103 = Code(
    "KM103",
    "kubelet-compat-annotation",
    E,
    "A NodePool carries the v1beta1 kubelet compatibility annotation.",
)
KM104 = Code("KM104", "nodepool-kubelet-in-v1", E, "A v1 NodePool still has spec.template.spec.kubelet.")
KM105 = Code(
    "KM105", "expire-after-changed", E, "The effective expireAfter of a NodePool changes (hashed in v1)."
)
KM106 = Code(
    "KM106", "expire-after-misplaced", E, "A v1 NodePool has spec.disruption.expireAfter (v1beta1 location)."
)
KM107 = Code(
    "KM107",
    "termination-grace-period-added",
    W,
    "terminationGracePeriod introduced together with the migration.",
)
KM108 = Code(
    "KM108", "implicit-hop-limit", W, "A v1 EC2NodeClass without an explicit httpPutResponseHopLimit."
)
KM109 = Code(
    "KM109", "metadata-options-changed", E, "The effective metadataOptions of an EC2NodeClass change."
)
KM110 = Code(
    "KM110", "ubuntu-without-ami-terms", E, "amiFamily Ubuntu without amiSelectorTerms has no v1 equivalent."
)
KM111 = Code(
    "KM111", "ubuntu-rewritten", W, "An Ubuntu EC2NodeClass rewritten differently from the conversion."
)
KM112 = Code(
    "KM112", "ami-selection-changed", W, "The AMI selection differs from what the conversion stores."
)
KM113 = Code(
    "KM113",
    "al2023-accelerated-amis",
    W,
    "An AL2023 class with GPU/Neuron NodePools resolves other AMIs on v1.",
)
KM114 = Code("KM114", "drift-feature-gate", E, "Helm values disable the removed drift feature gate.")
KM115 = Code(
    "KM115", "server-managed-metadata", E, "Controller- or server-managed metadata committed in a manifest."
)
KM116 = Code(
    "KM116",
    "nodeclassref-group",
    E,
    "A v1 nodeClassRef still has apiVersion or a versioned group (v1beta1 shape).",
)
KM117 = Code(
    "KM117", "edits-during-upgrade", W, "Drift-relevant edits shipped with a hash-version-bumping upgrade."
)
KM118 = Code(
    "KM118", "drifted-before-upgrade", I, "NodeClaims already Drifted before the upgrade stay drifted."
)
KM119 = Code("KM119", "rollback-unsafe-fields", W, "v1 fields that a rollback to v0.3x cannot keep.")
KM120 = Code("KM120", "renamed-during-migration", E, "A NodePool or EC2NodeClass renamed while converting.")
KM121 = Code("KM121", "restricted-tag", W, "spec.tags edited during migration or using a restricted key.")
KM131 = Code(
    "KM131", "consolidation-policy-renamed", E, "WhenUnderutilized is gone; consolidateAfter is required."
)
KM132 = Code("KM132", "v1beta1-not-served", E, "v1beta1 objects are not served from Karpenter 1.1.")
KM133 = Code(
    "KM133", "ami-selector-terms-invalid", E, "v1 amiSelectorTerms/amiFamily combination the CRD rejects."
)
KM134 = Code(
    "KM134",
    "custom-userdata-registration-taint",
    W,
    "Custom userData without the karpenter.sh/unregistered taint.",
)

# ---------------------------------------------------------------- KM2xx: general v1 rules
KM201 = Code(
    "KM201", "nodepool-static-drift", W, "A NodePool hashed field changed: every node of the pool drifts."
)
KM202 = Code("KM202", "requirement-narrowed", W, "A requirement was narrowed: nodes outside it drift.")
KM203 = Code("KM203", "requirement-new-label", W, "A requirement on a label older nodes do not carry.")
KM204 = Code(
    "KM204",
    "nodeclass-static-drift",
    W,
    "An EC2NodeClass hashed field changed: every node of the class drifts.",
)
KM205 = Code("KM205", "security-groups-changed", W, "securityGroupSelectorTerms changed: every node drifts.")
KM206 = Code(
    "KM206", "subnets-changed", I, "subnetSelectorTerms changed: nodes in de-selected subnets drift."
)
KM207 = Code(
    "KM207", "ami-terms-changed", W, "amiSelectorTerms changed: nodes not on the newest resolved AMI drift."
)
KM208 = Code(
    "KM208",
    "reservation-or-placement-changed",
    I,
    "Capacity reservation or placement group selection changed.",
)
KM209 = Code(
    "KM209", "template-annotation-drift", W, "A NodePool template annotation changed: every node drifts."
)
KM210 = Code(
    "KM210", "explicit-empty-value", I, "An explicit empty collection or zero value added or removed."
)
KM211 = Code("KM211", "alias-latest", W, "An @latest alias (or name/tag AMI term) follows every AMI release.")
KM212 = Code(
    "KM212", "deprecated-annotation", E, "do-not-evict / do-not-consolidate are gone in v1: do-not-disrupt."
)
KM213 = Code(
    "KM213", "budget-reason-invalid", E, "A disruption budget reason outside Underutilized, Empty, Drifted."
)
KM214 = Code(
    "KM214", "budget-schedule-invalid", E, "A disruption budget schedule, duration or nodes value is invalid."
)
KM215 = Code(
    "KM215", "nodeclassref-invalid", E, "nodeClassRef is missing group/kind/name or names another provider."
)
KM216 = Code("KM216", "consolidation-policy-invalid", E, "consolidationPolicy is not in the target's enum.")
KM217 = Code("KM217", "restricted-label", E, "A restricted label key in template labels or requirements.")
KM218 = Code("KM218", "requirement-invalid", E, "A requirement the CRD rejects (values, Gt/Lt, minValues).")
KM219 = Code(
    "KM219", "role-instance-profile", E, "Both or neither of role/instanceProfile, or a switch between them."
)
KM220 = Code(
    "KM220", "never-disrupt-without-drift-budget", W, "A pool meant never to be disrupted can still drift."
)
KM221 = Code(
    "KM221",
    "expiry-without-grace-period",
    W,
    "expireAfter without terminationGracePeriod while pods use do-not-disrupt.",
)
KM222 = Code("KM222", "old-disruption-taint", W, "A toleration of the v1beta1 karpenter.sh/disruption taint.")
KM223 = Code("KM223", "kubelet-invalid", E, "A kubelet setting the v1 CRD rejects.")
KM224 = Code("KM224", "helm-values-removed-key", W, "Helm values use keys removed from the v1 chart.")

CODES: tuple[Code, ...] = tuple(
    v for k, v in sorted(globals().items()) if k.startswith("KM") and isinstance(v, Code)
)
BY_CODE: dict[str, Code] = {c.code: c for c in CODES}
