"""deploy/pluto-versions.yaml: pluto's --additional-versions rows for every Karpenter v1beta1 kind."""

from __future__ import annotations

from pathlib import Path

from ruamel.yaml import YAML

from karpmigrate.models import is_supported

ROOT = Path(__file__).resolve().parents[1]
FIELDS = {
    "version",
    "kind",
    "deprecated-in",
    "removed-in",
    "replacement-api",
    "replacement-available-in",
    "component",
}


def _rows() -> list[dict[str, str]]:
    data = YAML(typ="safe").load((ROOT / "deploy" / "pluto-versions.yaml").read_text())
    assert data["target-versions"] == {"karpenter": "v1.1.0"}
    return data["deprecated-versions"]


def test_every_v1beta1_kind_is_listed_once():
    rows = _rows()
    listed = sorted((r["version"], r["kind"]) for r in rows)
    expected = sorted(
        (api, kind)
        for api in ("karpenter.sh/v1beta1", "karpenter.k8s.aws/v1beta1")
        for kind in ("NodePool", "NodeClaim", "EC2NodeClass")
        if is_supported(api, kind)
    )
    assert listed == expected


def test_rows_have_pluto_fields_and_karpenter_releases():
    for row in _rows():
        assert set(row) == FIELDS
        assert row["component"] == "karpenter"
        assert (row["deprecated-in"], row["removed-in"], row["replacement-available-in"]) == (
            "v1.0.0",
            "v1.1.0",
            "v1.0.0",
        )
        group = row["version"].partition("/")[0]
        assert row["replacement-api"] == f"{group}/v1"
        assert is_supported(row["replacement-api"], row["kind"])
