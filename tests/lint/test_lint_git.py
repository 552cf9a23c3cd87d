"""Reading the previous version of files from a real (temporary) git repository."""

from __future__ import annotations

import os
import pathlib
import shutil
import subprocess

import pytest

from karpmigrate.errors import KarpmigrateError, UsageError
from karpmigrate.lint.git import karpenter_files_at, read_at, repo_root, resolve

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")

POOL_V1BETA1 = "apiVersion: karpenter.sh/v1beta1\nkind: NodePool\nmetadata: {name: a}\n"
POOL_V1 = "apiVersion: karpenter.sh/v1\nkind: NodePool\nmetadata: {name: a}\n"
CLASS = "apiVersion: karpenter.k8s.aws/v1\nkind: EC2NodeClass\nmetadata: {name: b}\n"


@pytest.fixture(autouse=True)
def _isolated_git(tmp_path: pathlib.Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # No user or system configuration, and no repository above the test's directory.
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", os.devnull)
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path))
    monkeypatch.setenv("HOME", str(tmp_path))


def git(repo: pathlib.Path, *args: str) -> str:
    command = ["git", "-c", "user.name=t", "-c", "user.email=t@example.com", "-c", "commit.gpgsign=false"]
    result = subprocess.run([*command, "-C", str(repo), *args], capture_output=True, text=True, check=True)
    return result.stdout.strip()


def init(repo: pathlib.Path) -> pathlib.Path:
    repo.mkdir(parents=True, exist_ok=True)
    git(repo, "init", "-q", "-b", "main")
    return repo


def commit(repo: pathlib.Path, files: dict[str, str | bytes]) -> str:
    for name, content in files.items():
        path = repo / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "change")
    return git(repo, "rev-parse", "HEAD")


@pytest.fixture
def repo(tmp_path: pathlib.Path) -> pathlib.Path:
    return init(tmp_path / "repo")


# ---------------------------------------------------------------- repository and revision


def test_repo_root_from_a_subdirectory_and_a_file(repo: pathlib.Path) -> None:
    commit(repo, {"apps/pool.yaml": POOL_V1})
    assert repo_root(repo / "apps") == repo.resolve()
    assert repo_root(repo / "apps" / "pool.yaml") == repo.resolve()


def test_repo_root_outside_a_work_tree(tmp_path: pathlib.Path) -> None:
    (tmp_path / "plain").mkdir()
    assert repo_root(tmp_path / "plain") is None


def test_repo_root_without_git(repo: pathlib.Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", "")
    assert repo_root(repo) is None
    with pytest.raises(KarpmigrateError, match="git is not installed"):
        resolve("HEAD", repo)


def test_resolve(repo: pathlib.Path) -> None:
    first = commit(repo, {"pool.yaml": POOL_V1BETA1})
    second = commit(repo, {"pool.yaml": POOL_V1})
    git(repo, "tag", "v1")  # a lightweight tag: resolved to its commit
    git(repo, "tag", "-a", "-m", "annotated", "v2", first)
    assert resolve("HEAD", repo) == second
    assert resolve("main", repo) == second
    assert resolve("HEAD~1", repo) == first
    assert resolve("v1", repo) == second
    assert resolve("v2", repo) == first


@pytest.mark.parametrize("ref", ["nope", "HEAD~5", "-h", "--all", ""])
def test_resolve_unknown_revision(repo: pathlib.Path, ref: str) -> None:
    commit(repo, {"pool.yaml": POOL_V1})
    with pytest.raises(UsageError) as caught:
        resolve(ref, repo)
    assert str(caught.value) == f"--against: unknown revision {ref}"


def test_resolve_unborn_head_means_no_previous_version(repo: pathlib.Path) -> None:
    (repo / "pool.yaml").write_text(POOL_V1, encoding="utf-8")
    git(repo, "add", "pool.yaml")  # staged, not committed: pre-commit's first commit
    assert resolve("HEAD", repo) is None
    assert resolve("main", repo) is None
    assert resolve("refs/heads/main", repo) is None
    with pytest.raises(UsageError, match="unknown revision develop"):
        resolve("develop", repo)


def test_resolve_hints_at_shallow_clones(repo: pathlib.Path, tmp_path: pathlib.Path) -> None:
    commit(repo, {"pool.yaml": POOL_V1BETA1})
    commit(repo, {"pool.yaml": POOL_V1})
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", "--depth", "1", f"file://{repo}", str(clone))
    with pytest.raises(UsageError, match=r"unknown revision HEAD~1 \(the clone is shallow"):
        resolve("HEAD~1", clone)


# ---------------------------------------------------------------- read_at


def test_read_at_modified_new_and_deleted_files(repo: pathlib.Path) -> None:
    before = commit(repo, {"apps/pool.yaml": POOL_V1BETA1, "apps/gone.yaml": CLASS})
    (repo / "apps" / "pool.yaml").write_text(POOL_V1, encoding="utf-8")
    (repo / "apps" / "gone.yaml").unlink()
    (repo / "apps" / "new.yaml").write_text(CLASS, encoding="utf-8")
    status = git(repo, "status", "--porcelain")
    index = (repo / ".git" / "index").stat().st_mtime_ns

    pool, gone, new = repo / "apps" / "pool.yaml", repo / "apps" / "gone.yaml", repo / "apps" / "new.yaml"
    assert read_at(repo, before, [pool, gone, new]) == {pool: POOL_V1BETA1, gone: CLASS, new: None}
    # Nothing changed in the repository (`git status` itself refreshes the index: check that last).
    assert (repo / ".git" / "index").stat().st_mtime_ns == index
    assert git(repo, "status", "--porcelain") == status


def test_read_at_relative_paths_from_the_working_directory(
    repo: pathlib.Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = commit(repo, {"apps/pool.yaml": POOL_V1BETA1})
    monkeypatch.chdir(repo / "apps")
    relative = pathlib.Path("pool.yaml")
    assert read_at(repo, before, [relative]) == {relative: POOL_V1BETA1}


def test_read_at_paths_outside_the_repository(repo: pathlib.Path, tmp_path: pathlib.Path) -> None:
    before = commit(repo, {"pool.yaml": POOL_V1})
    outside = tmp_path / "pool.yaml"
    assert read_at(repo, before, [outside, repo, repo / "pool.yaml"]) == {
        outside: None,
        repo: None,
        repo / "pool.yaml": POOL_V1,
    }


def test_read_at_decoding(repo: pathlib.Path) -> None:
    files: dict[str, str | bytes] = {
        "bom.yaml": b"\xef\xbb\xbf" + POOL_V1.encode(),
        "latin1.yaml": "name: caf\u00e9\n".encode("latin-1"),
        "with space.yaml": CLASS,
        "dir/x.yaml": CLASS,
    }
    before = commit(repo, files)
    paths = [repo / name for name in ("bom.yaml", "latin1.yaml", "with space.yaml", "dir")]
    assert read_at(repo, before, paths) == dict(zip(paths, [POOL_V1, None, CLASS, None], strict=True))


def test_read_at_nothing(repo: pathlib.Path) -> None:
    before = commit(repo, {"pool.yaml": POOL_V1})
    assert read_at(repo, before, []) == {}


# ---------------------------------------------------------------- karpenter_files_at


def test_karpenter_files_at(repo: pathlib.Path) -> None:
    before = commit(
        repo,
        {
            "pool.yaml": POOL_V1BETA1,
            "deep/dir/class.yml": CLASS,
            "values.json": '{"image": "public.ecr.aws/karpenter/controller", "crd": "karpenter.sh"}',
            "other.yaml": "apiVersion: v1\nkind: ConfigMap\n",
            "notes.txt": "karpenter.sh",
            "binary.yaml": b"\x00\x01karpenter.sh\x00",
            "karpenterXsh.yaml": "karpenterXsh\n",
        },
    )
    # Later changes in the work tree do not matter: the files are read at the commit.
    (repo / "pool.yaml").write_text(POOL_V1, encoding="utf-8")
    (repo / "deep" / "dir" / "class.yml").unlink()
    assert karpenter_files_at(repo, before) == [
        ("deep/dir/class.yml", CLASS),
        ("pool.yaml", POOL_V1BETA1),
        ("values.json", '{"image": "public.ecr.aws/karpenter/controller", "crd": "karpenter.sh"}'),
    ]


def test_karpenter_files_at_none(repo: pathlib.Path) -> None:
    before = commit(repo, {"other.yaml": "apiVersion: v1\nkind: ConfigMap\n"})
    assert karpenter_files_at(repo, before) == []
