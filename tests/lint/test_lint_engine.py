"""The lint engine: pairing objects with their previous version, running rules by scope."""

from __future__ import annotations

from lint_support import objects

from karpmigrate.lint.engine import pair

POOL = """\
apiVersion: karpenter.sh/v1
kind: NodePool
metadata:
  name: default
spec:
  template:
    spec:
      nodeClassRef: {group: karpenter.k8s.aws, kind: EC2NodeClass, name: %s}
      requirements: []
"""


def test_same_identity_pairs_with_the_file_whose_path_ends_alike():
    old = objects(POOL % "dev", "HEAD:overlays/dev/pool.yaml") + objects(
        POOL % "prod", "HEAD:overlays/prod/pool.yaml"
    )
    new = objects(POOL % "prod2", "overlays/prod/pool.yaml") + objects(
        POOL % "dev2", "overlays/dev/pool.yaml"
    )
    pairs = pair(new, old)
    assert pairs[id(new[0])].file == "HEAD:overlays/prod/pool.yaml"
    assert pairs[id(new[1])].file == "HEAD:overlays/dev/pool.yaml"


def test_moved_object_still_pairs_and_new_object_does_not():
    old = objects(POOL % "a", "old/a.yaml")
    new = objects(POOL % "a", "new/b.yaml") + objects(
        (POOL % "a").replace("name: default", "name: other"), "new/c.yaml"
    )
    pairs = pair(new, old)
    assert pairs[id(new[0])] is old[0]
    assert id(new[1]) not in pairs
