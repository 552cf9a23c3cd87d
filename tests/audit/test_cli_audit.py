"""``karpmigrate audit`` end to end: the test API server, a real kubeconfig, the real kubernetes client.

Every planted problem of ``mid_migration()`` is reported once; a clean 1.1 cluster gives no warning;
faults give one line and the documented exit code; no credential ever reaches the output (issue 5).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from audit_support import assert_no_secret, served
from k8s_scenarios import TOKEN, clean_cluster, mid_migration, no_karpenter

from karpmigrate import cli
from karpmigrate.io.discovery import discover
from karpmigrate.validate import validate_sources


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = cli.main(list(args))
    out, err = capsys.readouterr()
    assert_no_secret([out, err])
    return code, out, err


def _kubeconfig(server, tmp_path: Path, context: str = "test") -> str:
    return str(server.kubeconfig(tmp_path / f"kubeconfig-{context}", context=context))


def _findings(out: str) -> list[tuple[str, str | None, str | None]]:
    return sorted((f["code"], f["kind"], f["objectName"]) for f in json.loads(out)["findings"])


def test_mid_migration_reports_every_planted_problem_once(capsys, tmp_path):
    with served(mid_migration()) as server:
        code, out, _ = run(capsys, "audit", "--kubeconfig", _kubeconfig(server, tmp_path), "-o", "json")
        assert server.methods() == {"GET"}
    assert code == 1
    found = [f for f in _findings(out) if f[0] != "KA011" and f[0] != "KM211"]
    assert found == sorted(
        [
            ("KA001", "Deployment", "karpenter"),
            *[
                ("KA010", "CustomResourceDefinition", crd)
                for crd in (
                    "ec2nodeclasses.karpenter.k8s.aws",
                    "nodeclaims.karpenter.sh",
                    "nodepools.karpenter.sh",
                )
            ],
            ("KA020", "EC2NodeClass", "ubuntu"),
            ("KA020", "NodePool", "batch"),  # kubelet annotation (blocker)
            ("KA020", "NodePool", "batch"),  # nodeclass-reference annotation (info)
            ("KA020", "NodePool", "default"),
            ("KA020", "NodePool", "default"),
            ("KA020", "NodePool", "gpu"),
            ("KA021", "NodePool", "default"),
            ("KA030", "NodePool", "batch"),
            ("KA030", "NodePool", "default"),
            ("KA040", "Pod", "report-28f7x"),
            ("KA040", "Pod", "web-6f7d8c9b5-2xk9q"),
            ("KA041", "Node", "ip-10-0-1-23.ec2.internal"),
            ("KA050", "HelmRelease", "karpenter"),
        ]
    )


def test_text_summary_has_a_verdict_per_context(capsys, tmp_path):
    with served(mid_migration()) as server:
        code, out, _ = run(capsys, "audit", "--kubeconfig", _kubeconfig(server, tmp_path))
    assert code == 1
    first = out.splitlines()[0]
    assert first.startswith("context test: ") and "blockers before 1.1" in first
    assert "(Karpenter controller 1.0.6)" in first


def test_clean_cluster_is_ready_with_no_warning(capsys, tmp_path):
    with served(clean_cluster()) as server:
        code, out, _ = run(capsys, "audit", "--kubeconfig", _kubeconfig(server, tmp_path), "-o", "json")
    assert code == 0
    assert {f["level"] for f in json.loads(out)["findings"]} == {"info"}


def test_cluster_without_karpenter(capsys, tmp_path):
    with served(no_karpenter()) as server:
        code, out, _ = run(capsys, "audit", "--kubeconfig", _kubeconfig(server, tmp_path))
    assert code == 0
    assert "Karpenter is not installed" in out.splitlines()[0]


def test_forbidden_resource_degrades_one_check(capsys, tmp_path):
    with served(mid_migration()) as server:
        server.fault("/api/v1/secrets", status=403)
        code, out, _ = run(capsys, "audit", "--kubeconfig", _kubeconfig(server, tmp_path), "-o", "json")
    assert code == 1
    codes = [f["code"] for f in json.loads(out)["findings"]]
    assert "KA050" not in codes
    degraded = [f for f in json.loads(out)["findings"] if f["code"] == "KA090"]
    assert (
        len(degraded) == 1 and "secrets" in degraded[0]["message"] and "forbidden" in degraded[0]["message"]
    )
    assert "KA021" in codes and "KA040" in codes  # the other checks still ran


def test_unreachable_cluster_is_one_line_and_exit_3(capsys, tmp_path):
    with served(clean_cluster()) as server:
        kubeconfig = _kubeconfig(server, tmp_path)
    code, out, err = run(capsys, "audit", "--kubeconfig", kubeconfig, "--request-timeout", "2")
    assert code == 3
    assert "unreachable" in out.splitlines()[0]
    assert "Traceback" not in out + err


def test_bad_token_is_exit_3_without_the_token(capsys, tmp_path):
    with served(clean_cluster()) as server:
        kubeconfig = Path(_kubeconfig(server, tmp_path))
        kubeconfig.write_text(kubeconfig.read_text().replace(TOKEN, "wrong-token-0123456789"))
        code, out, err = run(capsys, "audit", "--kubeconfig", str(kubeconfig))
    assert code == 3
    assert "wrong-token-0123456789" not in out + err


def test_several_contexts_one_unreachable(capsys, tmp_path):
    with served(clean_cluster()) as good, served(clean_cluster()) as gone:
        config = tmp_path / "kubeconfig"
        from k8s_server import write_kubeconfig

        write_kubeconfig(config, {"good": (good.url, TOKEN), "gone": (gone.url, TOKEN)}, current="good")
        gone.stop()
        code, out, _ = run(
            capsys,
            "audit",
            "--kubeconfig",
            str(config),
            "--all-contexts",
            "-o",
            "json",
            "--request-timeout",
            "2",
        )
    assert code == 3
    files = [f["path"] for f in json.loads(out)["files"]]
    assert sorted(files) == ["context/gone", "context/good"]


def test_unknown_context_is_a_usage_error(capsys, tmp_path):
    with served(clean_cluster()) as server:
        code, _, err = run(
            capsys, "audit", "--kubeconfig", _kubeconfig(server, tmp_path), "--context", "nope"
        )
    assert code == 2
    assert "nope" in err and err.count("\n") == 1


def test_export_writes_valid_clean_v1_manifests(capsys, tmp_path):
    with served(mid_migration()) as server:
        code, _, err = run(
            capsys, "audit", "--kubeconfig", _kubeconfig(server, tmp_path), "--export", str(tmp_path / "out")
        )
    assert code == 1
    files = sorted((tmp_path / "out" / "test").glob("*.yaml"))
    assert [f.name for f in files] == [
        "ec2nodeclass-default.yaml",
        "ec2nodeclass-ubuntu.yaml",
        "nodepool-batch.yaml",
        "nodepool-default.yaml",
        "nodepool-gpu.yaml",
    ]
    text = "".join(f.read_text() for f in files)
    for server_field in (
        "resourceVersion",
        "uid:",
        "managedFields",
        "status:",
        "compatibility.karpenter",
        "-hash",
    ):
        assert server_field not in text
    assert "apiVersion: karpenter.sh/v1\n" in text and "v1beta1" not in text
    reports = list(validate_sources(discover([str(tmp_path / "out")])))
    assert [f.code for r in reports for f in r.findings] == []
    assert f"Wrote {tmp_path / 'out' / 'test' / 'nodepool-gpu.yaml'}" in err


def test_sarif_and_text_in_one_run(capsys, tmp_path):
    with served(mid_migration()) as server:
        code, out, _ = run(
            capsys,
            "audit",
            "--kubeconfig",
            _kubeconfig(server, tmp_path),
            "-o",
            "sarif",
            "--output-file",
            str(tmp_path / "audit.sarif"),
            "-o",
            "text",
        )
    assert code == 1
    sarif = json.loads((tmp_path / "audit.sarif").read_text())
    assert {r["ruleId"] for r in sarif["runs"][0]["results"]} >= {"KA010", "KA021"}
    assert out.startswith("context test:")


def test_audit_is_the_only_path_that_imports_kubernetes():
    import subprocess

    probe = "import sys; from karpmigrate import cli; cli.main(['rules']); print('kubernetes' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout
    assert out.strip().endswith("False")


def test_rbac_grants_only_reads_of_what_the_checks_read():
    from ruamel.yaml import YAML

    from karpmigrate.audit.runner import all_checks

    root = Path(__file__).resolve().parents[2]
    docs = list(YAML(typ="safe").load_all((root / "deploy" / "rbac.yaml").read_text()))
    [role] = [d for d in docs if d["kind"] == "ClusterRole"]
    granted = {
        (group, resource)
        for rule in role["rules"]
        for group in rule["apiGroups"]
        for resource in rule["resources"]
    }
    assert {verb for rule in role["rules"] for verb in rule["verbs"]} == {"get", "list"}
    for check in all_checks():
        for source in check.reads:
            words = source.split()
            group = words[0].rpartition("/")[0] if "/" in words[0] else ""
            assert (group, words[1]) in granted, (check.id, source)


@pytest.mark.parametrize(("text", "code"), [("2s", 3), ("1.5", 3), ("soon", 2), ("-1s", 2)])
def test_request_timeout_takes_kubectl_durations(capsys, tmp_path, text, code):
    with served(clean_cluster()) as server:
        kubeconfig = _kubeconfig(server, tmp_path)
    assert run(capsys, "audit", "--kubeconfig", kubeconfig, "--request-timeout", text)[0] == code
