"""``karpmigrate convert`` end to end: output modes, writes, exit codes 0/1/2/3 (design §2)."""

from __future__ import annotations

import errno
import json
import os
import re
import shutil
import stat
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from cli_support import EXAMPLES, run

NODEPOOL = textwrap.dedent(
    """\
    apiVersion: karpenter.sh/v1beta1
    kind: NodePool
    metadata:
      name: default
    spec:
      template:
        spec:
          nodeClassRef:
            apiVersion: karpenter.k8s.aws/v1beta1
            kind: EC2NodeClass
            name: default
          requirements:
            - key: karpenter.sh/capacity-type
              operator: In
              values: ["spot"]
      disruption:
        consolidationPolicy: WhenUnderutilized
    """
)
CONVERTED = (
    NODEPOOL.replace("karpenter.sh/v1beta1", "karpenter.sh/v1")
    .replace("apiVersion: karpenter.k8s.aws/v1beta1", "group: karpenter.k8s.aws")
    .replace("WhenUnderutilized\n", "WhenEmptyOrUnderutilized\n    consolidateAfter: 0s\n")
)
SERVICE = "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  ports: [{port: 80}]\n"


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    (tmp_path / "karpenter").mkdir()
    (tmp_path / "karpenter" / "pool.yaml").write_text(NODEPOOL)
    (tmp_path / "apps").mkdir()
    (tmp_path / "apps" / "svc.yaml").write_text(SERVICE)
    return tmp_path


def test_single_file_goes_to_stdout(capsys, repo):
    code, out, err = run(capsys, "convert", str(repo / "karpenter" / "pool.yaml"))
    assert out == CONVERTED
    assert code == 1
    assert (repo / "karpenter" / "pool.yaml").read_text() == NODEPOOL


def test_stdin_goes_to_stdout(capsys, monkeypatch):
    code, out, _ = run(capsys, "convert", "-", stdin=NODEPOOL, monkeypatch=monkeypatch)
    assert (code, out) == (1, CONVERTED)


def test_unchanged_file_exits_0_and_prints_it(capsys, repo):
    code, out, _ = run(capsys, "convert", str(repo / "apps" / "svc.yaml"))
    assert (code, out) == (0, SERVICE)


def test_in_place_rewrites_only_changed_files(capsys, repo):
    svc = repo / "apps" / "svc.yaml"
    before = svc.stat().st_mtime_ns
    os.chmod(repo / "karpenter" / "pool.yaml", 0o640)
    code, out, err = run(capsys, "convert", "-w", str(repo))
    assert code == 1
    assert out == ""
    assert f"Rewriting {repo / 'karpenter' / 'pool.yaml'}" in err
    assert "1 file rewritten, 1 unchanged" in err
    assert (repo / "karpenter" / "pool.yaml").read_text() == CONVERTED
    assert stat.S_IMODE((repo / "karpenter" / "pool.yaml").stat().st_mode) == 0o640
    assert svc.stat().st_mtime_ns == before
    # Converting the output again changes nothing.
    code, _, err = run(capsys, "convert", "--check", str(repo))
    assert code == 0, err


def test_check_writes_nothing_and_exits_1(capsys, repo):
    code, out, err = run(capsys, "convert", "--check", str(repo))
    assert code == 1
    assert f"Would rewrite {repo / 'karpenter' / 'pool.yaml'}" in err
    assert "1 file would be rewritten" in err
    assert (repo / "karpenter" / "pool.yaml").read_text() == NODEPOOL


def test_diff_is_a_unified_diff(capsys, repo):
    code, out, _ = run(capsys, "convert", "--diff", str(repo))
    assert code == 1
    # Absolute paths lose their leading slash: `a/tmp/...`, never `a//tmp/...`.
    assert out.startswith(f"--- a/{str(repo / 'karpenter' / 'pool.yaml').lstrip('/')}\n+++ b/")
    assert "-apiVersion: karpenter.sh/v1beta1\n+apiVersion: karpenter.sh/v1\n" in out
    assert "svc.yaml" not in out
    assert (repo / "karpenter" / "pool.yaml").read_text() == NODEPOOL


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_diff_applies_with_git_apply(capsys, repo, monkeypatch):
    monkeypatch.chdir(repo)
    code, out, _ = run(capsys, "convert", "--diff", ".")
    assert code == 1
    assert out.startswith("--- a/karpenter/pool.yaml\n+++ b/karpenter/pool.yaml\n")
    (repo / "fix.patch").write_text(out)
    subprocess.run(["git", "apply", "--unsafe-paths", "fix.patch"], cwd=repo, check=True)
    (repo / "fix.patch").unlink()
    code, _, _ = run(capsys, "convert", "--check", ".")
    assert code == 0


def test_out_dir_mirrors_the_tree(capsys, repo, tmp_path_factory):
    out_dir = tmp_path_factory.mktemp("out")
    code, _, err = run(capsys, "convert", "--out-dir", str(out_dir), str(repo))
    assert code == 1
    assert (out_dir / "karpenter" / "pool.yaml").read_text() == CONVERTED
    assert (out_dir / "apps" / "svc.yaml").read_text() == SERVICE
    assert (repo / "karpenter" / "pool.yaml").read_text() == NODEPOOL


def test_json_report_shape(capsys, repo):
    code, out, _ = run(capsys, "convert", "--check", "-o", "json", str(repo))
    report = json.loads(out)
    assert code == 1
    assert report["version"] == 1
    files = {f["path"]: f for f in report["files"]}
    pool = files[str(repo / "karpenter" / "pool.yaml")]
    assert pool["changed"] is True
    [doc] = pool["documents"]
    assert {k: doc[k] for k in ("index", "kind", "name", "from", "to")} == {
        "index": 0,
        "kind": "NodePool",
        "name": "default",
        "from": "karpenter.sh/v1beta1",
        "to": "karpenter.sh/v1",
    }
    assert files[str(repo / "apps" / "svc.yaml")]["changed"] is False
    assert report["summary"]["changed"] == 1


@pytest.mark.parametrize(
    "args",
    [
        ("-w", "--check"),
        ("-w", "--out-dir", "x"),
        ("--diff", "-o", "json"),
        ("--ubuntu-ami-id", "not-an-ami"),
        ("--alias-version", "yesterday"),
        ("--mode", "fast"),
    ],
)
def test_usage_errors_exit_2(capsys, repo, args):
    code, _, err = run(capsys, "convert", *args, str(repo))
    assert code == 2
    assert "Traceback" not in err


def test_several_files_need_an_action(capsys, repo):
    code, _, err = run(capsys, "convert", str(repo))
    assert code == 2
    assert "choose -w/--in-place" in err


def test_stdin_cannot_be_written_in_place(capsys, monkeypatch):
    code, _, err = run(capsys, "convert", "-w", "-", stdin=NODEPOOL, monkeypatch=monkeypatch)
    assert code == 2


def test_bad_yaml_exits_3_and_other_files_still_convert(capsys, repo):
    bad = repo / "karpenter" / "broken.yaml"
    bad.write_text("apiVersion: karpenter.sh/v1beta1\nkind: NodePool\nmetadata: {name: x\n")
    code, _, err = run(capsys, "convert", "-w", str(repo))
    assert code == 3
    line = next(line for line in err.splitlines() if "broken.yaml" in line)
    assert re.match(rf"{re.escape(str(bad))}:\d+:\d+: error KV001 ", line), line
    assert bad.read_text().endswith("{name: x\n")
    assert (repo / "karpenter" / "pool.yaml").read_text() == CONVERTED
    assert "Traceback" not in err


def test_missing_nodeclass_exits_3_and_leaves_the_nodepool(capsys, tmp_path):
    pool = tmp_path / "pool.yaml"
    pool.write_text(NODEPOOL.replace("  requirements:", "  kubelet: {maxPods: 20}\n      requirements:"))
    code, out, err = run(capsys, "convert", "-w", str(pool))
    assert code == 3
    assert "KC001" in err and "EC2NodeClass/default" in err
    assert pool.read_text() == NODEPOOL.replace(
        "  requirements:", "  kubelet: {maxPods: 20}\n      requirements:"
    )


def test_bom_and_crlf_survive_in_place(capsys, tmp_path):
    pool = tmp_path / "pool.yaml"
    pool.write_bytes(b"\xef\xbb\xbf" + NODEPOOL.replace("\n", "\r\n").encode())
    code, _, _ = run(capsys, "convert", "-w", str(pool))
    assert code == 1
    assert pool.read_bytes() == b"\xef\xbb\xbf" + CONVERTED.replace("\n", "\r\n").encode()


def test_examples_convert_and_are_idempotent(capsys, tmp_path):
    tree = tmp_path / "examples"
    shutil.copytree(EXAMPLES, tree)
    code, _, err = run(capsys, "convert", "-w", str(tree))
    assert code == 1, err
    code, _, err = run(capsys, "convert", "--check", str(tree))
    assert code == 0, err
    code, out, err = run(capsys, "validate", str(tree), "-o", "json")
    assert code == 0, out


def test_console_script_runs_in_a_real_process(tmp_path):
    pool = tmp_path / "pool.yaml"
    pool.write_text(NODEPOOL)
    proc = subprocess.run(
        [sys.executable, "-m", "karpmigrate", "convert", "--check", str(pool)],
        capture_output=True,
        text=True,
        env={**os.environ, "CI": "true"},
        check=False,
    )
    assert proc.returncode == 1
    assert proc.stdout == ""
    assert f"Would rewrite {pool}" in proc.stderr


def test_unwritable_file_is_one_error_and_the_others_are_written(capsys, repo, monkeypatch):
    from karpmigrate.convert import writer

    locked = repo / "locked"
    locked.mkdir()
    (locked / "pool.yaml").write_text(NODEPOOL)
    real_write = writer.atomic_write

    def refusing(path, data):
        # As for a read-only directory (CI runs as root, where chmod would not stop the write).
        if Path(path).parent == locked:
            raise PermissionError(errno.EACCES, "Permission denied", str(path))
        real_write(path, data)

    monkeypatch.setattr(writer, "atomic_write", refusing)
    code, _, err = run(capsys, "convert", "-w", str(repo))
    assert code == 3
    line = next(line for line in err.splitlines() if "KC008" in line)
    assert line.startswith(f"{locked / 'pool.yaml'}: error KC008")
    assert line.endswith("Permission denied")
    assert "Traceback" not in err
    assert (locked / "pool.yaml").read_text() == NODEPOOL
    assert "apiVersion: karpenter.sh/v1\n" in (repo / "karpenter" / "pool.yaml").read_text()


def test_out_dir_that_is_a_file_is_one_error_per_file(capsys, repo, tmp_path_factory):
    blocker = tmp_path_factory.mktemp("out") / "file"
    blocker.write_text("not a directory\n")
    code, out, err = run(capsys, "convert", "--out-dir", str(blocker), "-o", "json", str(repo))
    assert code == 3
    report = json.loads(out)
    failed = [f for f in report["files"] if any(e["code"] == "KC008" for e in f["errors"])]
    assert failed, report
    messages = [e["message"] for f in failed for e in f["errors"]]
    assert all("Not a directory" in m or "File exists" in m for m in messages), messages
    assert "Traceback" not in err
    assert blocker.read_text() == "not a directory\n"


def _stderr_on_a_terminal(args: list[str], env: dict[str, str]) -> tuple[int, str]:
    """Run karpmigrate with stderr on a pseudo-terminal; (exit code, what the terminal received)."""
    pty = pytest.importorskip("pty")
    master, slave = pty.openpty()
    try:
        done = subprocess.run(
            [sys.executable, "-m", "karpmigrate", *args],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=slave,
            env=env,
            timeout=120,
        )
    finally:
        os.close(slave)
    received = b""
    while True:
        try:
            chunk = os.read(master, 65536)
        except OSError:  # EIO: the other side is closed and everything was read
            break
        if not chunk:
            break
        received += chunk
    os.close(master)
    return done.returncode, received.decode("utf-8", "replace")


@pytest.mark.parametrize(
    ("files", "ci", "shown"),
    [(25, None, True), (25, "true", False), (5, None, False)],
    ids=["many-files-on-a-terminal", "under-ci", "few-files"],
)
def test_progress_bar_only_for_a_person_at_a_terminal(tmp_path, files, ci, shown):
    for i in range(files):
        (tmp_path / f"pool{i}.yaml").write_text(NODEPOOL.replace("name: default\n", f"name: p{i}\n", 1))
    env = {k: v for k, v in os.environ.items() if k not in ("CI", "PRE_COMMIT")}
    if ci is not None:
        env["CI"] = ci
    code, terminal = _stderr_on_a_terminal(["convert", "--check", str(tmp_path)], env)
    assert code == 1
    assert ("Reading" in terminal) is shown
    assert terminal.count("Would rewrite") == files
