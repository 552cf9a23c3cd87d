"""File safety of ``convert -w`` (issue 6): atomic per file, modes kept, symlinks respected, kill-safe.

Also the fail-fast limits: a 100 MB file and a 20,000-level document give a one-line error quickly.
"""

from __future__ import annotations

import os
import random
import shutil
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest
from hardening_support import run_in_process

NODEPOOL = """\
apiVersion: karpenter.sh/v1beta1
kind: NodePool
metadata:
  name: pool-{n}
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
    expireAfter: {hours}h
"""
CONVERTED_MARK = b"apiVersion: karpenter.sh/v1\n"
CLI = [sys.executable, "-m", "karpmigrate"]


def _pool(n: int = 0) -> str:
    return NODEPOOL.format(n=n, hours=100 + n)


def _convert_w(*paths: Path) -> tuple[int, str, str]:
    code, out, err, _ = run_in_process(["convert", "-w", *map(str, paths)])
    return code, out, err


# ------------------------------------------------------------------ modes and symlinks


@pytest.mark.parametrize("mode", [0o600, 0o755, 0o640])
def test_in_place_keeps_the_mode(tmp_path: Path, mode: int) -> None:
    file = tmp_path / "pool.yaml"
    file.write_text(_pool())
    file.chmod(mode)
    code, _, err = _convert_w(tmp_path)
    assert code == 1, err
    assert file.read_bytes().startswith(CONVERTED_MARK)
    assert stat.S_IMODE(file.stat().st_mode) == mode


def test_symlinked_file_is_written_through_and_stays_a_link(tmp_path: Path) -> None:
    real = tmp_path / "real.yaml"
    real.write_text(_pool())
    link = tmp_path / "sub" / "link.yaml"
    link.parent.mkdir()
    link.symlink_to(real)
    code, _, err = _convert_w(link)
    assert code == 1, err
    assert link.is_symlink()
    assert os.readlink(link) == str(real)
    assert real.read_bytes().startswith(CONVERTED_MARK)


def test_file_symlink_out_of_the_directory_is_not_written(tmp_path: Path) -> None:
    outside = tmp_path / "outside" / "secret.yaml"
    outside.parent.mkdir()
    outside.write_text(_pool())
    before = outside.read_bytes()
    tree = tmp_path / "tree"
    tree.mkdir()
    (tree / "escape.yaml").symlink_to(outside)
    (tree / "inside.yaml").write_text(_pool(1))
    code, _, err = _convert_w(tree)
    assert code in (1, 3), err
    assert (tree / "inside.yaml").read_bytes().startswith(CONVERTED_MARK)
    assert outside.read_bytes() == before
    assert (tree / "escape.yaml").is_symlink()


def test_file_symlink_inside_the_directory_is_written_once(tmp_path: Path) -> None:
    # A link to a file of the same tree names that file a second time: converted once, link kept.
    (tmp_path / "a.yaml").write_text(_pool())
    (tmp_path / "b.yaml").symlink_to(tmp_path / "a.yaml")
    code, _, err = _convert_w(tmp_path)
    assert code == 1, err
    assert (tmp_path / "b.yaml").is_symlink()
    assert (tmp_path / "a.yaml").read_bytes().startswith(CONVERTED_MARK)
    assert err.count("Rewriting") == 1, err


def test_directory_symlink_loop_does_not_hang(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "pool.yaml").write_text(_pool())
    (tmp_path / "a" / "loop").symlink_to(tmp_path / "a")
    (tmp_path / "a" / "up").symlink_to(tmp_path)
    proc = subprocess.run(
        [*CLI, "convert", "--check", str(tmp_path)], capture_output=True, text=True, timeout=60
    )
    assert proc.returncode == 1, proc.stderr
    assert proc.stderr.count("Would rewrite") == 1, proc.stderr


def test_discovery_ignores_leftover_temporary_files(tmp_path: Path) -> None:
    # atomic_write's temporaries are `.{name}.XXXX.tmp`: a SIGKILL may leave one; the next run skips it.
    (tmp_path / "pool.yaml").write_text(_pool())
    (tmp_path / ".pool.yaml.abc123.tmp").write_text("apiVersion: [broken")
    (tmp_path / ".pool.yaml.yaml").write_text("apiVersion: [broken")
    code, _, err = _convert_w(tmp_path)
    assert code == 1, err
    assert ".tmp" not in err and ".pool.yaml.yaml" not in err


def test_unwritable_file_is_reported_and_the_others_converted(tmp_path: Path) -> None:
    if os.geteuid() == 0:
        pytest.skip("root writes anywhere")
    locked = tmp_path / "locked"
    locked.mkdir()
    (locked / "a.yaml").write_text(_pool())
    (tmp_path / "b.yaml").write_text(_pool(1))
    locked.chmod(0o500)
    try:
        code, _, err = _convert_w(tmp_path)
    finally:
        locked.chmod(0o700)
    assert code == 3, err
    assert (locked / "a.yaml").read_text() == _pool()
    assert (tmp_path / "b.yaml").read_bytes().startswith(CONVERTED_MARK)
    assert not [p for p in locked.iterdir() if p.name.endswith(".tmp")]


# ------------------------------------------------------------------ SIGKILL in the middle of -w


def _tree(root: Path, count: int) -> dict[Path, bytes]:
    files = {}
    for n in range(count):
        file = root / f"d{n % 7}" / f"pool-{n}.yaml"
        file.parent.mkdir(parents=True, exist_ok=True)
        file.write_text(_pool(n) + "# " + "padding " * (n % 50) + "\n")
        files[file] = file.read_bytes()
    return files


def _expected(root: Path, tmp: Path) -> dict[Path, bytes]:
    mirror = tmp / "expected"
    proc = subprocess.run(
        [*CLI, "convert", "--out-dir", str(mirror), str(root)], capture_output=True, timeout=300
    )
    assert proc.returncode == 1, proc.stderr
    return {root / p.relative_to(mirror): p.read_bytes() for p in mirror.rglob("*.yaml")}


@pytest.mark.parametrize("attempt", range(3))
def test_sigkill_during_in_place_leaves_each_file_old_or_new(tmp_path: Path, attempt: int) -> None:
    pristine = tmp_path / "pristine"
    originals = _tree(pristine, 300)
    expected = _expected(pristine, tmp_path)
    assert len(expected) == 300
    work = tmp_path / "work"
    shutil.copytree(pristine, work)

    proc = subprocess.Popen(
        [*CLI, "convert", "-w", str(work)], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    assert proc.stderr is not None
    # Kill after the first file was rewritten, at a random point of the writing phase.
    first = proc.stderr.readline()
    assert first.startswith(b"Rewriting"), first
    time.sleep(random.Random(attempt).uniform(0.0, 0.3))
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    proc.stderr.close()

    old = new = 0
    for original, data in originals.items():
        now = (work / original.relative_to(pristine)).read_bytes()
        converted = expected[original]
        assert now in (data, converted), original
        old += now == data
        new += now == converted
    assert new >= 1
    leftovers = [p for p in work.rglob(".*") if p.is_file()]
    # A kill between mkstemp and os.replace can leave one `.name.XXXX.tmp` per writer thread in flight.
    from karpmigrate.cli_app import WRITERS

    assert len(leftovers) <= WRITERS, leftovers

    # The next run finishes the job and ignores (and does not trip over) any leftover temporary.
    code = subprocess.run([*CLI, "convert", "-w", str(work)], capture_output=True, timeout=300).returncode
    assert code in (0, 1)
    for original, converted in expected.items():
        assert (work / original.relative_to(pristine)).read_bytes() == converted


# ------------------------------------------------------------------ fail fast on huge or deep input


def _timed(argv: list[str]) -> tuple[subprocess.CompletedProcess[str], float]:
    start = time.perf_counter()
    proc = subprocess.run([*CLI, *argv], capture_output=True, text=True, timeout=120)
    return proc, time.perf_counter() - start


def _one_line_error(proc: subprocess.CompletedProcess[str], file: Path) -> str:
    # convert reports on stderr; validate and lint print their report on stdout.
    both = proc.stdout + proc.stderr
    assert "Traceback" not in both and "internal error" not in both, both[-2000:]
    lines = [line for line in both.splitlines() if str(file) in line]
    assert len(lines) == 1, both[-2000:]
    return lines[0]


@pytest.mark.parametrize("command", ["convert", "validate", "lint"])
def test_100_mb_file_fails_fast_with_one_line(tmp_path: Path, command: str) -> None:
    big = tmp_path / "big.yaml"
    with big.open("wb") as handle:
        handle.write(_pool().encode())
        chunk = b"# " + b"x" * 1022 + b"\n"
        for _ in range(100 * 1024):
            handle.write(chunk)
    proc, seconds = _timed([command, str(big)])
    assert proc.returncode == 3, proc.stderr
    line = _one_line_error(proc, big)
    assert "MiB" in line
    assert seconds < 10, seconds


DEPTHS = [20_000]


@pytest.mark.parametrize("shape", ["flow", "block"])
@pytest.mark.parametrize("command", ["convert", "validate", "lint"])
def test_20000_level_document_fails_fast_with_one_line(tmp_path: Path, command: str, shape: str) -> None:
    deep = tmp_path / "deep.yaml"
    depth = DEPTHS[0]
    if shape == "flow":
        body = "spec: " + "[" * depth + "]" * depth + "\n"
    else:
        # Compact block sequences ("- - - x"): 20,000 levels in 40 KB (indented lines would be 200 MB).
        body = "spec:\n" + "- " * depth + "x\n"
    deep.write_text("apiVersion: karpenter.sh/v1beta1\nkind: NodePool\nmetadata:\n  name: deep\n" + body)
    proc, seconds = _timed([command, str(deep)])
    assert proc.returncode == 3, proc.stderr[-2000:]
    _one_line_error(proc, deep)
    assert seconds < 10, seconds
