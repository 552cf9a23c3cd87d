"""Property: re-spelling a manifest (list order, key order, duration and quantity forms) never drifts."""

from __future__ import annotations

import random
from typing import Any

from drift_support import load, nodeclass, nodepool
from hypothesis import given
from hypothesis import strategies as st

from karpmigrate.convert.go import format_go_duration, parse_go_duration
from karpmigrate.drift import compare
from karpmigrate.target import Target

POOL = load(
    nodepool(
        """\
        template:
          metadata:
            labels: {team: web, tier: front}
            annotations: {a.example.com/x: "1", b.example.com/y: "2"}
          spec:
            nodeClassRef: {group: karpenter.k8s.aws, kind: EC2NodeClass, name: default}
            taints:
              - {key: a, value: x, effect: NoSchedule}
              - {key: b, effect: NoExecute}
              - {key: c, value: z, effect: PreferNoSchedule}
            requirements:
              - {key: karpenter.sh/capacity-type, operator: In, values: [spot, on-demand]}
              - {key: karpenter.k8s.aws/instance-category, operator: In, values: [c, m, r]}
              - {key: karpenter.k8s.aws/instance-generation, operator: Gt, values: ["4"]}
            expireAfter: 336h
            terminationGracePeriod: 90m
        disruption:
          consolidationPolicy: WhenEmpty
          consolidateAfter: 5m
        """
    )
)
CLASS = load(
    nodeclass(
        """\
        amiSelectorTerms: [{alias: al2023@latest}]
        tags: {team: web, env: prod, cost: a}
        blockDeviceMappings:
          - {deviceName: /dev/xvda, ebs: {volumeSize: 100Gi, volumeType: gp3, encrypted: true}}
          - {deviceName: /dev/xvdb, ebs: {volumeSize: 1024Gi, volumeType: gp3}}
          - {deviceName: /dev/xvdc, ebs: {volumeSize: 2Ti, volumeType: io2, iops: 3000}}
        kubelet:
          clusterDNS: [10.0.0.10, 10.0.0.11]
          evictionSoft: {memory.available: 5%}
          evictionSoftGracePeriod: {memory.available: 2m}
        """
    )
)
EQUAL_SIZES = {"1024Gi": "1Ti", "2Ti": "2048Gi", "100Gi": "100Gi"}


def respell(value: Any, rng: random.Random) -> Any:
    """The same object written differently: keys and lists shuffled, durations and sizes re-rendered."""
    if isinstance(value, dict):
        items = [(k, respell(v, rng)) for k, v in value.items()]
        rng.shuffle(items)
        return dict(items)
    if isinstance(value, list):
        items = [respell(v, rng) for v in value]
        rng.shuffle(items)
        return items
    if isinstance(value, str) and value in EQUAL_SIZES and rng.random() < 0.5:
        return EQUAL_SIZES[value]
    if isinstance(value, str) and value[:1].isdigit() and value[-1] in "hms" and rng.random() < 0.5:
        return format_go_duration(parse_go_duration(value))
    return value


@given(st.randoms(use_true_random=False))
def test_respelled_nodepool_never_drifts(rng):
    assert compare(POOL, respell(POOL, rng)) == []


@given(st.randoms(use_true_random=False))
def test_respelled_nodeclass_never_drifts(rng):
    assert compare(CLASS, respell(CLASS, rng), Target(1, 1)) == []
