"""The object as Karpenter holds it: CRD defaults, the webhook conversion of v1beta1 (§0.5, spec §0.1)."""

from __future__ import annotations

import pytest
from drift_support import load, nodeclass, nodepool

from karpmigrate.drift import NotConvertible, effective, nodeclass_hash_view, nodepool_hash_view
from karpmigrate.drift.shapes import Duration
from karpmigrate.io import paths
from karpmigrate.target import Target

EXPIRE = ("spec", "template", "spec", "expireAfter")
HOP = ("spec", "metadataOptions", "httpPutResponseHopLimit")
HOURS_720 = Duration(720 * 3600 * 10**9)


def test_v1_nodepool_gets_expire_after_720h():
    assert paths.get(effective(load(nodepool())), EXPIRE) == "720h"


def test_v1_nodepool_keeps_its_expire_after():
    pool = load(nodepool())
    pool["spec"]["template"]["spec"]["expireAfter"] = "Never"
    assert paths.get(effective(pool), EXPIRE) == "Never"


def test_effective_does_not_touch_its_input():
    pool = load(nodepool())
    effective(pool)
    assert "expireAfter" not in pool["spec"]["template"]["spec"]


def test_v1beta1_nodepool_without_expire_after_is_stored_with_720h():
    # v0.37 defaulted disruption.expireAfter to 720h and stored it; NP-4 moves it into the template.
    stored = effective(load(nodepool(version="v1beta1")))
    assert stored["apiVersion"] == "karpenter.sh/v1"
    assert paths.get(stored, EXPIRE) == "720h"
    assert paths.get(stored, ("spec", "template", "spec", "nodeClassRef")) == {
        "group": "karpenter.k8s.aws",
        "kind": "EC2NodeClass",
        "name": "default",
    }


def test_v1beta1_nodepool_expire_after_never_stays_never():
    pool = load(nodepool(version="v1beta1"))
    pool["spec"]["disruption"] = {"expireAfter": "Never"}
    assert paths.get(effective(pool), EXPIRE) == "Never"


def test_v1beta1_kubelet_goes_to_the_compatibility_annotation():
    pool = load(nodepool(version="v1beta1"))
    pool["spec"]["template"]["spec"]["kubelet"] = {"maxPods": 10}
    stored = effective(pool)
    annotations = stored["metadata"]["annotations"]
    assert annotations["compatibility.karpenter.sh/v1beta1-kubelet-conversion"] == '{"maxPods":10}'
    assert "kubelet" not in stored["spec"]["template"]["spec"]


def test_v1_nodeclass_gets_hop_limit_1_and_a_partial_block_its_field_defaults():
    assert paths.get(effective(load(nodeclass("amiSelectorTerms: [{alias: al2023@latest}]\n"))), HOP) == 1
    partial = effective(
        load(
            nodeclass("amiSelectorTerms: [{alias: al2023@latest}]\nmetadataOptions: {httpTokens: optional}\n")
        )
    )
    assert partial["spec"]["metadataOptions"] == {
        "httpEndpoint": "enabled",
        "httpProtocolIPv6": "disabled",
        "httpPutResponseHopLimit": 1,
        "httpTokens": "optional",
    }


def test_v1beta1_nodeclass_keeps_hop_limit_2_through_the_conversion():
    stored = effective(load(nodeclass("amiFamily: AL2023\n", version="v1beta1")))
    assert paths.get(stored, HOP) == 2
    assert stored["spec"]["amiSelectorTerms"] == [{"alias": "al2023@latest"}]
    assert "amiFamily" not in stored["spec"]


def test_before_1_0_a_v1beta1_object_is_hashed_unconverted():
    stored = effective(load(nodepool(version="v1beta1")), Target.parse("0.37"))
    assert stored["apiVersion"] == "karpenter.sh/v1beta1"
    assert stored["spec"]["disruption"]["expireAfter"] == "720h"


def test_an_object_the_webhook_rejects_is_not_convertible():
    pool = load(nodepool(version="v1beta1"))
    pool["spec"]["disruption"] = {"expireAfter": "30 days"}
    with pytest.raises(NotConvertible):
        effective(pool)


def test_nodepool_hash_view_of_a_faithful_migration_is_equal():
    old = load(nodepool(version="v1beta1"))
    new = load(nodepool())
    assert nodepool_hash_view(old) == nodepool_hash_view(new)
    assert nodepool_hash_view(new)[EXPIRE] == HOURS_720
    assert ("spec", "template", "spec", "requirements") not in nodepool_hash_view(new)


def test_nodeclass_hash_view_holds_the_resolved_family_and_kubelet_from_1_1():
    cls = load(nodeclass("amiSelectorTerms: [{alias: bottlerocket@latest}]\nkubelet: {maxPods: 20}\n"))
    view = nodeclass_hash_view(cls)
    assert view[("spec", "amiFamily")] == "Bottlerocket"
    assert ("spec", "kubelet") not in view
    assert nodeclass_hash_view(cls, Target.parse("1.1"))[("spec", "kubelet")] == {"maxPods": 20}
    assert ("spec", "subnetSelectorTerms") not in view
