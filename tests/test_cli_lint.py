"""``karpmigrate lint``, ``diff`` and ``rules`` end to end: sources of the previous version, config,
directives, selection, report formats, exit codes 0/1/2/3 (design §2, ecosystem §3.3-3.8)."""

from __future__ import annotations

import json
import shutil
import subprocess
import textwrap
from pathlib import Path

import pytest
from cli_support import EXAMPLES, run

from karpmigrate import catalogue

NODEPOOL_V1 = textwrap.dedent(
    """\
    apiVersion: karpenter.sh/v1
    kind: NodePool
    metadata:
      name: default
    spec:
      template:
        metadata:
          labels:
            team: platform
        spec:
          nodeClassRef:
            group: karpenter.k8s.aws
            kind: EC2NodeClass
            name: default
          requirements:
            - key: kubernetes.io/arch
              operator: In
              values: ["amd64"]
          expireAfter: 720h
      disruption:
        consolidationPolicy: WhenEmptyOrUnderutilized
        consolidateAfter: 0s
      limits:
        cpu: "100"
    """
)

DEPLOYMENT = textwrap.dedent(
    """\
    apiVersion: apps/v1
    kind: Deployment
    metadata:
      name: web
    spec:
      selector:
        matchLabels: {app: web}
      template:
        metadata:
          labels: {app: web}
          annotations:
            karpenter.sh/do-not-evict: "true"
        spec:
          containers:
            - name: web
              image: nginx
    """
)


def _codes(report: dict) -> list[str]:
    return [f["code"] for f in report["findings"]]


@pytest.fixture
def no_git(tmp_path, monkeypatch):
    """A working directory outside any git tree, so lint has no previous version."""
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_deprecated_annotation_is_an_error_with_position(capsys, no_git):
    (no_git / "web.yaml").write_text(DEPLOYMENT)
    code, out, err = run(capsys, "lint", "-o", "json", "web.yaml")
    assert code == 1
    report = json.loads(out)
    finding = next(f for f in report["findings"] if f["code"] == "KM212")
    assert (finding["file"], finding["line"], finding["column"]) == ("web.yaml", 12, 9)
    assert finding["kind"] == "Deployment" and finding["objectName"] == "web"
    assert "no previous version" in err


def test_clean_file_exits_0(capsys, no_git):
    (no_git / "pool.yaml").write_text(NODEPOOL_V1)
    code, out, _ = run(capsys, "lint", "-o", "json", "pool.yaml")
    assert code == 0, out
    assert _codes(json.loads(out)) == []


def test_fail_on_and_exit_zero(capsys, no_git):
    (no_git / "web.yaml").write_text(DEPLOYMENT)
    assert run(capsys, "lint", "--exit-zero", "web.yaml")[0] == 0
    (no_git / "pool.yaml").write_text(
        NODEPOOL_V1.replace("apiVersion: karpenter.sh/v1\n", "apiVersion: karpenter.sh/v1beta1\n", 1)
    )
    # KM132 is information on target 1.0: it fails only with --fail-on info.
    assert run(capsys, "lint", "--select", "KM132", "pool.yaml")[0] == 0
    assert run(capsys, "lint", "--select", "KM132", "--fail-on", "info", "pool.yaml")[0] == 1


def test_select_ignore_and_unknown_code(capsys, no_git):
    (no_git / "web.yaml").write_text(DEPLOYMENT)
    assert run(capsys, "lint", "--ignore", "KM2", "web.yaml")[0] == 0
    assert run(capsys, "lint", "--select", "KM212", "web.yaml")[0] == 1
    code, _, err = run(capsys, "lint", "--select", "KM999", "web.yaml")
    assert code == 2
    assert err.count("\n") == 1 and "KM999" in err


def test_inline_directive_and_no_inline_ignores(capsys, no_git):
    text = DEPLOYMENT.replace(
        '        karpenter.sh/do-not-evict: "true"\n',
        '        karpenter.sh/do-not-evict: "true"  # karpmigrate: disable-line=KM212\n',
    )
    (no_git / "web.yaml").write_text(text)
    assert run(capsys, "lint", "web.yaml")[0] == 0
    assert run(capsys, "lint", "--no-inline-ignores", "web.yaml")[0] == 1


def test_unknown_code_in_a_directive_is_a_usage_error(capsys, no_git):
    (no_git / "web.yaml").write_text("# karpmigrate: disable=KM999\n" + DEPLOYMENT)
    code, _, err = run(capsys, "lint", "web.yaml")
    assert code == 2
    assert "web.yaml:1:" in err and "KM999" in err


def test_config_file_levels_waivers_and_target(capsys, no_git):
    (no_git / "web.yaml").write_text(DEPLOYMENT)
    (no_git / ".karpmigrate.yaml").write_text("rules:\n  KM212: {level: info}\n")
    code, out, _ = run(capsys, "lint", "-o", "json", "web.yaml")
    assert code == 0
    assert [f["level"] for f in json.loads(out)["findings"] if f["code"] == "KM212"] == ["info"]
    (no_git / ".karpmigrate.yaml").write_text(
        "waivers:\n  - {rule: KM212, kind: Deployment, name: web, reason: batch jobs own their eviction}\n"
    )
    assert run(capsys, "lint", "web.yaml")[0] == 0
    (no_git / ".karpmigrate.yaml").write_text("rules:\n  KM999: disable\n")
    code, _, err = run(capsys, "lint", "web.yaml")
    assert code == 2 and ".karpmigrate.yaml:2:" in err


def test_target_version_1_1_makes_v1beta1_an_error(capsys, no_git):
    (no_git / "pool.yaml").write_text(NODEPOOL_V1.replace("karpenter.sh/v1\n", "karpenter.sh/v1beta1\n", 1))
    code, out, _ = run(
        capsys, "lint", "-o", "json", "--select", "KM132", "--target-version", "1.1", "pool.yaml"
    )
    assert code == 1
    assert [f["level"] for f in json.loads(out)["findings"]] == ["error"]


def test_unparseable_file_exits_3_and_others_are_linted(capsys, no_git):
    (no_git / "bad.yaml").write_text("apiVersion: karpenter.sh/v1\nkind: NodePool\nmetadata: [\n")
    (no_git / "web.yaml").write_text(DEPLOYMENT)
    code, out, _ = run(capsys, "lint", "-o", "json", ".")
    assert code == 3
    codes = _codes(json.loads(out))
    assert "KV001" in codes and "KM212" in codes


def _drifting(text: str) -> str:
    return text.replace("team: platform", "team: payments")


def test_baseline_reports_drift(capsys, no_git):
    (no_git / "old").mkdir()
    (no_git / "old" / "pool.yaml").write_text(NODEPOOL_V1)
    (no_git / "pool.yaml").write_text(_drifting(NODEPOOL_V1))
    code, out, err = run(capsys, "lint", "-o", "json", "--baseline", "old", "pool.yaml")
    assert code == 1
    assert "KM201" in _codes(json.loads(out))
    assert "compared with old" in err
    code, _, err = run(capsys, "lint", "--baseline", "old", "--against", "HEAD", "pool.yaml")
    assert code == 2


def test_diff_names_drift_and_ignores_behaviour_only_changes(capsys, no_git):
    (no_git / "old.yaml").write_text(NODEPOOL_V1)
    (no_git / "limits.yaml").write_text(NODEPOOL_V1.replace('cpu: "100"', 'cpu: "200"'))
    (no_git / "labels.yaml").write_text(_drifting(NODEPOOL_V1))
    code, out, _ = run(capsys, "diff", "-o", "json", "old.yaml", "limits.yaml")
    assert (code, _codes(json.loads(out))) == (0, [])
    code, out, _ = run(capsys, "diff", "-o", "json", "old.yaml", "labels.yaml")
    assert code == 1
    finding = json.loads(out)["findings"][0]
    assert finding["code"] == "KM201"
    assert "NodePoolDrifted" in finding["message"]
    # diff runs only the rules that compare versions: the KM132-style single-version rules stay quiet.
    assert all(f["code"] in {"KM201"} for f in json.loads(out)["findings"])


def test_several_reports_in_one_run(capsys, no_git):
    (no_git / "web.yaml").write_text(DEPLOYMENT)
    code, out, _ = run(
        capsys,
        "lint",
        "-o",
        "sarif",
        "--output-file",
        "out.sarif",
        "-o",
        "junit",
        "--output-file",
        "out.xml",
        "-o",
        "github",
        "web.yaml",
    )
    assert code == 1
    sarif = json.loads((no_git / "out.sarif").read_text())
    assert sarif["runs"][0]["results"][0]["ruleId"] == "KM212"
    assert sarif["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"]["startLine"] == 12
    assert "<testsuite" in (no_git / "out.xml").read_text()
    assert out.startswith("::group::") and "::error file=web.yaml,line=12" in out


def test_two_reports_on_stdout_is_a_usage_error(capsys, no_git):
    (no_git / "web.yaml").write_text(DEPLOYMENT)
    assert run(capsys, "lint", "-o", "json", "-o", "sarif", "web.yaml")[0] == 2


def _git(repo: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@example.com", *args],
        cwd=repo,
        check=True,
        capture_output=True,
    )


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_against_head_in_a_git_tree(capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    _git(tmp_path, "init", "-q")
    (tmp_path / "pool.yaml").write_text(NODEPOOL_V1)
    # Before the first commit there is nothing to drift from.
    code, _, err = run(capsys, "lint", "pool.yaml")
    assert code == 0 and "no commits yet" in err
    _git(tmp_path, "add", ".")
    _git(tmp_path, "commit", "-qm", "pool")
    assert run(capsys, "lint", "pool.yaml")[0] == 0
    (tmp_path / "pool.yaml").write_text(_drifting(NODEPOOL_V1))
    code, out, err = run(capsys, "lint", "-o", "json", "pool.yaml")
    assert code == 1 and "compared with HEAD" in err
    assert "KM201" in _codes(json.loads(out))
    # The object moved to another file: still compared with its past.
    (tmp_path / "pool.yaml").unlink()
    (tmp_path / "moved.yaml").write_text(_drifting(NODEPOOL_V1))
    code, out, _ = run(capsys, "lint", "-o", "json", "moved.yaml")
    assert "KM201" in _codes(json.loads(out))
    assert run(capsys, "lint", "--against", "no-such-ref", "moved.yaml")[0] == 2


def test_rules_lists_every_catalogue_code(capsys):
    code, out, _ = run(capsys, "rules")
    assert code == 0
    listed = [line.split()[0] for line in out.splitlines()]
    assert listed == sorted(catalogue.BY_CODE)
    code, out, _ = run(capsys, "rules", "-o", "json")
    assert [r["code"] for r in json.loads(out)["rules"]] == listed
    code, out, _ = run(capsys, "rules", "-o", "markdown")
    assert out.startswith("| Code | Name |") and out.count("\n| KM") == len(listed)


def test_rules_explains_one(capsys):
    code, out, _ = run(capsys, "rules", "km105")
    assert code == 0
    assert out.startswith("KM105 expire-after-changed")
    for section in ("What it does:", "Why it matters:", "Example:", "Use instead:"):
        assert section in out
    code, _, err = run(capsys, "rules", "KM999")
    assert code == 2 and "KM999" in err


def test_examples_lint(capsys, monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    code, out, _ = run(capsys, "lint", "-o", "json", str(EXAMPLES))
    assert code == 1
    codes = set(_codes(json.loads(out)))
    # The examples are v1beta1 with a kubelet split and deprecated annotations (README).
    assert {"KM101", "KM212"} <= codes


def test_validate_takes_every_report_format(capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    code, out, _ = run(capsys, "validate", "-o", "sarif", str(EXAMPLES))
    assert code == 0
    assert json.loads(out)["version"] == "2.1.0"


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_directory_walk_skips_git_ignored_files(capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    _git(tmp_path, "init", "-q")
    (tmp_path / ".gitignore").write_text("build/\n")
    (tmp_path / "build").mkdir()
    (tmp_path / "build" / "rendered.yaml").write_text(DEPLOYMENT)
    (tmp_path / "pool.yaml").write_text(NODEPOOL_V1)
    code, out, _ = run(capsys, "lint", "-o", "json", ".")
    assert code == 0
    assert [f["path"] for f in json.loads(out)["files"]] == ["pool.yaml"]
    # Named explicitly, an ignored file is still linted.
    code, out, _ = run(capsys, "lint", "-o", "json", "build/rendered.yaml")
    assert code == 1 and "KM212" in _codes(json.loads(out))


def test_diff_of_the_converted_examples_names_exactly_the_drift_convert_announced(
    capsys, tmp_path, monkeypatch
):
    monkeypatch.chdir(tmp_path)
    code, _, err = run(capsys, "convert", "--out-dir", "out", str(EXAMPLES))
    assert code == 1
    # convert announces two node-replacing changes: the split (KM101 -> repointed nodeClassRef) and
    # the do-not-consolidate -> do-not-disrupt template annotation (KM209).
    assert "KM101" in err and "KM209" in err
    code, out, _ = run(capsys, "diff", "-o", "json", str(EXAMPLES), "out")
    assert code == 1
    found = sorted((f["code"], f["objectName"], tuple(f["path"])) for f in json.loads(out)["findings"])
    assert found == [
        ("KM201", "memory-optimized", ("spec", "template", "spec", "nodeClassRef", "name")),
        ("KM209", "spot", ("spec", "template", "metadata", "annotations", "karpenter.sh/do-not-disrupt")),
    ]
    messages = [f["message"] for f in json.loads(out)["findings"]]
    assert all("\n" not in m for m in messages)
    assert "NodePoolDrifted" in messages[0]
