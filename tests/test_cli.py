"""The command line end to end: exit codes, output shapes, stdin, error lines (design §2)."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

import pytest
from cli_support import EXAMPLES, ROOT, run

from karpmigrate import __version__

VALID_V1 = textwrap.dedent(
    """\
    apiVersion: karpenter.sh/v1
    kind: NodePool
    metadata:
      name: default
    spec:
      template:
        spec:
          nodeClassRef:
            group: karpenter.k8s.aws
            kind: EC2NodeClass
            name: default
          requirements:
            - key: karpenter.sh/capacity-type
              operator: In
              values: ["spot"]
    """
)


def test_version(capsys):
    code, out, _ = run(capsys, "--version")
    assert code == 0
    assert out.strip() == f"karpmigrate {__version__}"


def test_examples_are_valid(capsys):
    code, out, err = run(capsys, "validate", str(EXAMPLES), "-o", "json")
    report = json.loads(out)
    assert report["findings"] == []
    assert report["summary"]["objects"] == 6
    assert code == 0
    assert "6 Karpenter objects in 4 files" in err


def test_invalid_object_exit_1_with_position(tmp_path, capsys):
    bad = tmp_path / "pool.yaml"
    bad.write_text("---\n" + VALID_V1.replace("spec:\n  template:", "spec:\n  weight: 1000\n  template:"))
    code, out, _ = run(capsys, "validate", str(bad), "-o", "json")
    assert code == 1
    (finding,) = json.loads(out)["findings"]
    assert finding["code"] == "KV106"
    assert finding["path"] == ["spec", "weight"]
    assert (finding["line"], finding["column"]) == (7, 11)
    assert (finding["kind"], finding["objectName"], finding["apiVersion"]) == (
        "NodePool",
        "default",
        "karpenter.sh/v1",
    )


def test_unknown_field_points_at_the_key(tmp_path, capsys):
    bad = tmp_path / "pool.yaml"
    bad.write_text(
        VALID_V1.replace(
            "    spec:\n      nodeClassRef", "    spec:\n      nodeClasRef: {}\n      nodeClassRef"
        )
    )
    code, out, _ = run(capsys, "validate", str(bad), "-o", "json")
    assert code == 1
    unknown = [f for f in json.loads(out)["findings"] if f["code"] == "KV102"]
    assert [(f["path"], f["line"], f["column"]) for f in unknown] == [
        (["spec", "template", "spec", "nodeClasRef"], 8, 7)
    ]


def test_text_output_names_file_line_and_column(tmp_path, capsys):
    bad = tmp_path / "pool.yaml"
    bad.write_text(VALID_V1.replace("spec:\n  template:", "spec:\n  weight: 0\n  template:"))
    code, out, _ = run(capsys, "validate", str(bad))
    assert code == 1
    assert f"{bad}:6:11" in out
    assert "KV106" in out


def test_invalid_yaml_exit_3_and_other_files_still_checked(tmp_path, capsys):
    (tmp_path / "a.yaml").write_text("apiVersion: karpenter.sh/v1\nkind: NodePool\nmetadata: {name: [\n")
    (tmp_path / "b.yaml").write_text(
        VALID_V1.replace("spec:\n  template:", "spec:\n  weight: 0\n  template:")
    )
    code, out, err = run(capsys, "validate", str(tmp_path), "-o", "json")
    assert code == 3
    findings = json.loads(out)["findings"]
    assert {f["code"] for f in findings} == {"KV001", "KV106"}
    syntax = next(f for f in findings if f["code"] == "KV001")
    assert syntax["file"].endswith("a.yaml") and syntax["line"] is not None and syntax["column"] is not None
    assert "Traceback" not in err


def test_duplicate_key_is_an_input_error(tmp_path, capsys):
    bad = tmp_path / "dup.yaml"
    bad.write_text(VALID_V1 + "kind: NodePool\n")
    code, out, _ = run(capsys, "validate", str(bad), "-o", "json")
    assert code == 3
    assert [f["code"] for f in json.loads(out)["findings"]] == ["KV002"]


def test_non_utf8_is_reported_with_position(tmp_path, capsys):
    bad = tmp_path / "latin1.yaml"
    bad.write_bytes(b"apiVersion: v1\nkind: ConfigMap\ndata:\n  x: caf\xe9\n")
    code, out, err = run(capsys, "validate", str(bad), "-o", "json")
    assert code == 3
    (finding,) = json.loads(out)["findings"]
    assert finding["code"] == "KV003"
    assert finding["line"] == 4
    assert "Traceback" not in err


def test_templated_file_is_skipped(tmp_path, capsys):
    tpl = tmp_path / "tpl.yaml"
    tpl.write_text(
        "apiVersion: karpenter.sh/v1beta1\nkind: NodePool\nmetadata:\n  name: {{ .Values.name }}\n"
    )
    code, out, _ = run(capsys, "validate", str(tpl), "-o", "json")
    report = json.loads(out)
    assert code == 0
    assert report["files"][0]["skipped"] == "templated"
    assert [f["code"] for f in report["findings"]] == ["KV004"]


def test_stdin(capsys, monkeypatch):
    code, out, _ = run(capsys, "validate", "-", "-o", "json", stdin=VALID_V1, monkeypatch=monkeypatch)
    assert code == 0
    assert json.loads(out)["summary"]["objects"] == 1


def test_list_items_are_validated_with_their_path(tmp_path, capsys):
    body = textwrap.indent(VALID_V1.replace("  name: default", "  name: Not_Valid"), "    ")
    listing = tmp_path / "list.yaml"
    listing.write_text("apiVersion: v1\nkind: List\nitems:\n  - " + body.lstrip())
    code, out, _ = run(capsys, "validate", str(listing), "-o", "json")
    assert code == 1
    (finding,) = json.loads(out)["findings"]
    assert finding["path"] == ["items", 0, "metadata", "name"]
    assert finding["code"] == "KV108"


def test_removed_api_version_is_unsupported(tmp_path, capsys):
    old = tmp_path / "provisioner.yaml"
    old.write_text(
        "apiVersion: karpenter.sh/v1alpha5\nkind: Provisioner\nmetadata:\n  name: default\nspec: {}\n"
    )
    code, out, _ = run(capsys, "validate", str(old), "-o", "json")
    assert code == 1
    assert [f["code"] for f in json.loads(out)["findings"]] == ["KV010"]


def test_target_version_1_1_rejects_v1beta1(capsys):
    code, out, _ = run(
        capsys, "validate", str(EXAMPLES / "karpenter" / "gpu.yaml"), "--target-version", "1.1", "-o", "json"
    )
    assert code == 1
    assert {f["code"] for f in json.loads(out)["findings"]} == {"KV011"}


@pytest.mark.parametrize(
    "args",
    [
        pytest.param(["validate", "does-not-exist.yaml"], id="missing path"),
        pytest.param(["validate", "--bogus"], id="unknown flag"),
        pytest.param(["validate", "-o", "xml", "x"], id="bad format"),
        pytest.param(["validate", "--target-version", "one", "fixtures"], id="bad target"),
    ],
)
def test_usage_errors_exit_2_in_one_line(capsys, args):
    code, _, err = run(capsys, *args)
    assert code == 2
    assert "Traceback" not in err
    assert err.strip()


def test_internal_error_is_one_line(capsys, monkeypatch):
    import karpmigrate.validate as validate_module

    def boom(*_a, **_k):
        raise RuntimeError("secret-token-should-not-matter")

    monkeypatch.setattr(validate_module, "validate_sources", boom)
    monkeypatch.delenv("KARPMIGRATE_DEBUG", raising=False)
    code, _, err = run(capsys, "validate", str(EXAMPLES))
    assert code == 3
    assert "Traceback" not in err
    assert len(err.strip().splitlines()) == 1


def test_schemas_export_layouts(tmp_path, capsys):
    code, out, _ = run(capsys, "schemas", "export", str(tmp_path / "flat"))
    assert code == 0
    assert (tmp_path / "flat" / "nodepool_v1.json").is_file()
    code, out, _ = run(capsys, "schemas", "export", str(tmp_path / "cat"), "--layout", "crds-catalog")
    assert code == 0
    assert (tmp_path / "cat" / "karpenter.k8s.aws" / "ec2nodeclass_v1beta1.json").is_file()


def test_kubectl_plugin_name(monkeypatch, capsys):
    monkeypatch.setattr(sys, "argv", ["/usr/local/bin/kubectl-karpmigrate"])
    code, out, _ = run(capsys, "--help")
    assert code == 0
    assert "kubectl karpmigrate" in out


def test_python_dash_m_runs():
    result = subprocess.run(
        [sys.executable, "-m", "karpmigrate", "--version"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"karpmigrate {__version__}"
