"""The pre-commit hooks of ``.pre-commit-hooks.yaml`` (issue 4), run by the real ``pre-commit`` package.

The end-to-end tests work in a temporary git repository, offline: its ``.pre-commit-config.yaml`` is a
``repo: local`` copy of each hook definition of our manifest (id, name, entry, types_or, pass_filenames,
...) with two changes only, so that pre-commit builds no virtualenv and never goes to PyPI: the language
is ``unsupported`` (called ``system`` before pre-commit 4.4) and the entry's ``karpmigrate`` is the
console script of this interpreter's environment. Everything else is pre-commit's own: file selection by
``types_or``, ``pass_filenames``, the stash of unstaged changes, "files were modified by this hook", exit
codes, the pseudo-terminal of ``--color always``. HOME and PRE_COMMIT_HOME point into tmp_path and the
GIT_*/PRE_COMMIT* variables of the caller are dropped, so nothing leaks in or out.

The one test that builds the real ``language: python`` hooks (``pre-commit try-repo``) needs PyPI and
runs only with KARPMIGRATE_SLOW_TESTS=1.
"""

from __future__ import annotations

import importlib
import importlib.metadata
import importlib.util
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import sysconfig
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]
HOOKS_FILE = ROOT / ".pre-commit-hooks.yaml"
ENTRIES = {
    "karpmigrate-lint": "karpmigrate lint",
    "karpmigrate-convert": "karpmigrate convert --in-place",
    "karpmigrate-lint-repo": "karpmigrate lint .",
}
#: Seconds one pre-commit or git command may take (the slow test builds a virtualenv from PyPI).
TIMEOUT = 120
SLOW_TIMEOUT = 900
# Caller settings that would change what pre-commit or karpmigrate do: SKIP skips hooks, CI and
# PRE_COMMIT silence the progress bar, KARPMIGRATE_CONFIG picks a lint configuration, GIT_DIR & co.
# point at another repository (set when pytest itself runs inside a git hook).
_DROPPED_PREFIXES = ("GIT_", "PRE_COMMIT", "KARPMIGRATE", "XDG_")
_DROPPED = frozenset({"CI", "SKIP", "TRAVIS", "FORCE_COLOR", "NO_COLOR", "PYTHONPROFILEIMPORTTIME"})
_IMPORT_LINE = re.compile(r"^import time:\s+\d+\s+\|\s+\d+\s+\|\s*(\S+)", re.MULTILINE)


# ---------------------------------------------------------------- manifests written by the tests

NODEPOOL_V1BETA1 = """\
apiVersion: karpenter.sh/v1beta1
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
        apiVersion: karpenter.k8s.aws/v1beta1
        kind: EC2NodeClass
        name: default
      requirements:
        - key: karpenter.sh/capacity-type
          operator: In
          values: ["on-demand"]
  disruption:
    consolidationPolicy: WhenEmpty
    consolidateAfter: 1m
    expireAfter: 720h
"""

EC2NODECLASS_V1BETA1 = """\
apiVersion: karpenter.k8s.aws/v1beta1
kind: EC2NodeClass
metadata:
  name: default
spec:
  amiFamily: AL2023
  role: KarpenterNodeRole-prod
  subnetSelectorTerms:
    - tags:
        karpenter.sh/discovery: prod
  securityGroupSelectorTerms:
    - tags:
        karpenter.sh/discovery: prod
"""

NODEPOOL_V1 = """\
apiVersion: karpenter.sh/v1
kind: NodePool
metadata:
  name: default
spec:
  weight: 10
  template:
    metadata:
      labels:
        team: platform
    spec:
      nodeClassRef:
        group: karpenter.k8s.aws
        kind: EC2NodeClass
        name: default
      expireAfter: 720h
      requirements:
        - key: karpenter.sh/capacity-type
          operator: In
          values: ["on-demand"]
  limits:
    cpu: "100"
  disruption:
    consolidationPolicy: WhenEmptyOrUnderutilized
    consolidateAfter: 1m
"""

# KM113 needs both objects: an AL2023 class (v1beta1, no amiSelectorTerms) and a NodePool of that class
# that allows GPU instance types.
GPU_NODECLASS = EC2NODECLASS_V1BETA1.replace("name: default", "name: gpu")
GPU_NODEPOOL = """\
apiVersion: karpenter.sh/v1beta1
kind: NodePool
metadata:
  name: gpu
spec:
  template:
    spec:
      nodeClassRef:
        apiVersion: karpenter.k8s.aws/v1beta1
        kind: EC2NodeClass
        name: gpu
      requirements:
        - key: karpenter.k8s.aws/instance-category
          operator: In
          values: [g]
  disruption:
    consolidationPolicy: WhenEmpty
    consolidateAfter: 1m
"""

DO_NOT_EVICT_LINE = 11
DEPLOYMENT = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      annotations:
        karpenter.sh/do-not-evict: "true"
      labels: {app: web}
    spec:
      containers:
        - name: web
          image: registry.example.com/web:1.0
"""
DEPLOYMENT_WAIVED = DEPLOYMENT.replace(
    'do-not-evict: "true"\n', 'do-not-evict: "true"  # karpmigrate: disable-line=KM212\n'
)
CLEAN_DEPLOYMENT = DEPLOYMENT.replace('karpenter.sh/do-not-evict: "true"', 'example.com/owner: "web"')


# ---------------------------------------------------------------- the tools and the temporary repository


def _console_script() -> Path | None:
    """The ``karpmigrate`` script installed next to this interpreter (an absolute path)."""
    for directory in (Path(sys.executable).parent, Path(sysconfig.get_path("scripts"))):
        found = shutil.which("karpmigrate", path=str(directory))
        if found:
            return Path(found).absolute()
    return None


def _missing_tools() -> str | None:
    if shutil.which("git") is None:
        return "git is not installed"
    if importlib.util.find_spec("pre_commit") is None:
        return "the pre-commit package is not installed (pip install pre-commit)"
    if _console_script() is None:
        return f"no karpmigrate console script next to {sys.executable} (pip install -e .)"
    return None


def _language() -> str:
    """The language that runs an entry as it is: ``unsupported`` from pre-commit 4.4, ``system`` before."""
    languages: Mapping[str, object] = importlib.import_module("pre_commit.all_languages").languages
    return "unsupported" if "unsupported" in languages else "system"


def _manifest() -> list[dict[str, Any]]:
    """Our hooks as pre-commit reads them: schema-checked, defaults filled in."""
    clientlib: Any = importlib.import_module("pre_commit.clientlib")
    return list(clientlib.load_manifest(str(HOOKS_FILE)))


def local_hooks(karpmigrate: Path) -> list[dict[str, Any]]:
    """Each hook of the manifest, run from this environment's console script instead of a new virtualenv.

    ``verbose`` only makes pre-commit show the output of passing hooks too, so a passing test can check
    what the hook said (e.g. that it compared with HEAD).
    """
    hooks = []
    for hook in _manifest():
        program, *args = shlex.split(hook["entry"])
        assert program == "karpmigrate", hook["entry"]
        entry = shlex.join([str(karpmigrate), *args])
        hooks.append({**hook, "language": _language(), "entry": entry, "verbose": True})
    return hooks


def _environment(tmp_path: Path) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(_DROPPED_PREFIXES) and key not in _DROPPED
    }
    home = tmp_path / "home"
    env.update(
        HOME=str(home),
        XDG_CONFIG_HOME=str(home / ".config"),
        XDG_CACHE_HOME=str(home / ".cache"),
        PRE_COMMIT_HOME=str(tmp_path / "pre-commit-home"),
        GIT_CONFIG_NOSYSTEM="1",
        GIT_TERMINAL_PROMPT="0",
    )
    return env


@dataclass(frozen=True)
class Run:
    """One pre-commit command: hook output goes to stdout, pre-commit's own complaints to stderr."""

    code: int
    stdout: str
    stderr: str

    @property
    def output(self) -> str:
        return self.stdout + self.stderr

    def section(self, hook_id: str) -> str:
        """What pre-commit printed for one hook (its verbose block, up to the next hook's line)."""
        parts = re.split(r"^- hook id: (\S+)$", self.stdout, flags=re.MULTILINE)
        sections = dict(zip(parts[1::2], parts[2::2], strict=True))
        assert hook_id in sections, self.output
        return sections[hook_id]


@dataclass(frozen=True)
class Repo:
    root: Path
    env: dict[str, str]
    karpmigrate: Path

    def write(self, name: str, text: str) -> None:
        path = self.root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)

    def read(self, name: str) -> str:
        return (self.root / name).read_text()

    def git(self, *args: str) -> str:
        done = subprocess.run(
            ["git", "-c", "init.defaultBranch=main", *args],
            cwd=self.root,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=TIMEOUT,
            check=False,
        )
        assert done.returncode == 0, f"git {shlex.join(args)}: {done.stderr}"
        return done.stdout

    def add(self, *names: str) -> None:
        self.git("add", "--", *names)

    def commit(self, *names: str, message: str = "change") -> None:
        if names:
            self.add(*names)
        identity = ("-c", "user.name=t", "-c", "user.email=t@e", "-c", "commit.gpgsign=false")
        self.git(*identity, "commit", "-q", "--no-verify", "-m", message)

    def configure(self, hooks: Iterable[Mapping[str, Any]]) -> None:
        """Write and commit the pre-commit config (pre-commit refuses to stash with it unstaged)."""
        config = {"repos": [{"repo": "local", "hooks": list(hooks)}]}
        # JSON is YAML: no YAML writer needed.
        self.write(".pre-commit-config.yaml", json.dumps(config, indent=2) + "\n")
        self.commit(".pre-commit-config.yaml", message="pre-commit config")

    def pre_commit(self, *args: str, env: Mapping[str, str] | None = None, timeout: float = TIMEOUT) -> Run:
        done = subprocess.run(
            [sys.executable, "-m", "pre_commit", *args],
            cwd=self.root,
            env={**self.env, **(env or {})},
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
        return Run(done.returncode, done.stdout, done.stderr)

    def run_hook(self, hook_id: str, *args: str, env: Mapping[str, str] | None = None) -> Run:
        """``pre-commit run HOOK``: on the staged files (unstaged changes stashed) unless args say otherwise."""
        return self.pre_commit("run", hook_id, "--color", "never", *args, env=env)


@pytest.fixture
def repo(tmp_path: Path) -> Repo:
    missing = _missing_tools()
    if missing:
        pytest.skip(missing)
    karpmigrate = _console_script()
    assert karpmigrate is not None
    root = tmp_path / "repo"
    root.mkdir()
    (tmp_path / "home").mkdir()
    created = Repo(root, _environment(tmp_path), karpmigrate)
    created.git("init", "-q")
    created.configure(local_hooks(karpmigrate))
    return created


def _hook_result(run: Run, hook_id: str, name: str) -> str:
    """pre-commit's one-line verdict for a hook: Passed, Failed or '(no files to check)Skipped'."""
    match = re.search(rf"^{re.escape(name)}\.*(.*)$", run.stdout, flags=re.MULTILINE)
    assert match is not None, f"{hook_id} did not run:\n{run.output}"
    return match[1].strip()


# ---------------------------------------------------------------- the manifest itself (fast)


def test_manifest_passes_pre_commits_own_schema() -> None:
    clientlib: Any = pytest.importorskip("pre_commit.clientlib")
    # load_manifest checks every key against MANIFEST_HOOK_DICT, the type tags against identify and
    # minimum_pre_commit_version against the installed pre-commit; it raises InvalidManifestError.
    hooks = {hook["id"]: hook for hook in clientlib.load_manifest(str(HOOKS_FILE))}
    assert {hook_id: hook["entry"] for hook_id, hook in hooks.items()} == ENTRIES
    # Whole-repository rules (NodePools with their EC2NodeClasses) need every file: only lint-repo.
    assert {hook_id for hook_id, hook in hooks.items() if not hook["pass_filenames"]} == {
        "karpmigrate-lint-repo"
    }
    for hook in hooks.values():
        assert hook["language"] == "python", hook["id"]
        assert sorted(hook["types_or"]) == ["json", "yaml"], hook["id"]
        assert hook["types"] == ["file"], hook["id"]
        # types_or exists since pre-commit 2.9; 3.2.0 is what the test extra of pyproject.toml requires.
        assert hook["minimum_pre_commit_version"] == "3.2.0", hook["id"]
        assert hook["name"].startswith("karpmigrate"), hook["id"]
        assert hook["description"], hook["id"]


def test_manifest_entries_name_the_console_script_of_the_package() -> None:
    # language: python installs the project and runs the entry from its virtualenv: the entry's program
    # must be a console script the package declares (pyproject [project.scripts]).
    scripts = importlib.metadata.entry_points(group="console_scripts")
    ours = {ep.name: ep.value for ep in scripts if ep.name == "karpmigrate"}
    assert ours == {"karpmigrate": "karpmigrate.cli:main"}
    assert {shlex.split(entry)[0] for entry in ENTRIES.values()} == {"karpmigrate"}


#: Hooks whose files must all reach one process: convert moves a NodePool's kubelet into the EC2NodeClass
#: of another file (KC001 when that file is missing), and lint's whole-input-set rules (KM101, KM113,
#: KM120) relate objects of several files. Without require_serial pre-commit splits the files between
#: CPUs (at least 4 per process) and the result depends on the machine.
SERIAL = frozenset({"karpmigrate-lint", "karpmigrate-convert"})


def _serial(hook_id: str) -> bool:
    return bool({hook["id"]: hook for hook in _manifest()}[hook_id]["require_serial"])


def test_hooks_that_relate_files_get_them_in_one_process() -> None:
    pytest.importorskip("pre_commit.clientlib")
    assert {hook_id for hook_id in ENTRIES if _serial(hook_id)} >= SERIAL


def test_local_hooks_are_valid_local_hooks_for_pre_commit() -> None:
    # Guards the harness: the copied definitions pass pre-commit's config schema for `repo: local`.
    clientlib: Any = pytest.importorskip("pre_commit.clientlib")
    config = {"repos": [{"repo": "local", "hooks": local_hooks(Path("/opt/bin/karpmigrate"))}]}
    cfgv: Any = importlib.import_module("cfgv")  # pre-commit's schema library
    cfgv.validate(config, clientlib.CONFIG_SCHEMA)
    checked = cfgv.apply_defaults(config, clientlib.CONFIG_SCHEMA)
    hooks = checked["repos"][0]["hooks"]
    assert [hook["id"] for hook in hooks] == list(ENTRIES)
    assert hooks[1]["entry"] == "/opt/bin/karpmigrate convert --in-place"
    assert {hook["language"] for hook in hooks} == {_language()}


# ---------------------------------------------------------------- karpmigrate-convert


def test_convert_rewrites_staged_v1beta1_files_then_passes(repo: Repo) -> None:
    repo.write("karpenter/nodepool.yaml", NODEPOOL_V1BETA1)
    repo.write("karpenter/ec2nodeclass.yaml", EC2NODECLASS_V1BETA1)
    repo.add("karpenter")

    first = repo.run_hook("karpmigrate-convert")
    assert first.code == 1, first.output
    assert _hook_result(first, "karpmigrate-convert", "karpmigrate convert") == "Failed"
    # Both causes, like pyupgrade: the hook exits 1 *and* pre-commit sees the files change.
    assert "- exit code: 1" in first.stdout
    assert "- files were modified by this hook" in first.stdout
    assert "Rewriting karpenter/nodepool.yaml" in first.stdout
    assert "Rewriting karpenter/ec2nodeclass.yaml" in first.stdout
    assert repo.read("karpenter/nodepool.yaml").startswith("apiVersion: karpenter.sh/v1\n")
    assert repo.read("karpenter/ec2nodeclass.yaml").startswith("apiVersion: karpenter.k8s.aws/v1\n")
    assert "group: karpenter.k8s.aws" in repo.read("karpenter/nodepool.yaml")
    assert "alias: al2023@latest" in repo.read("karpenter/ec2nodeclass.yaml")

    repo.add("karpenter")
    second = repo.run_hook("karpmigrate-convert")
    assert second.code == 0, second.output
    assert _hook_result(second, "karpmigrate-convert", "karpmigrate convert") == "Passed"
    assert "Rewriting" not in second.stdout
    assert "0 files rewritten, 2 unchanged" in second.stdout


def test_convert_leaves_files_that_are_not_karpenter_alone(repo: Repo) -> None:
    repo.write("apps/web.yaml", CLEAN_DEPLOYMENT)
    repo.write("apps/settings.json", '{"replicas": 2}\n')
    repo.add("apps")
    result = repo.run_hook("karpmigrate-convert")
    assert result.code == 0, result.output
    assert repo.read("apps/web.yaml") == CLEAN_DEPLOYMENT
    assert repo.read("apps/settings.json") == '{"replicas": 2}\n'


# ---------------------------------------------------------------- objects of several staged files


NODEPOOL_WITH_KUBELET = NODEPOOL_V1BETA1.replace(
    '          values: ["on-demand"]\n',
    '          values: ["on-demand"]\n      kubelet:\n        maxPods: 110\n',
)


def _fillers(repo: Repo, count: int) -> None:
    """Other staged manifests, enough for pre-commit to split the files between processes."""
    for i in range(count):
        repo.write(f"apps/app{i}.yaml", CLEAN_DEPLOYMENT.replace("name: web\n", f"name: app{i}\n", 1))


def test_convert_moves_kubelet_into_the_nodeclass_of_another_staged_file(repo: Repo) -> None:
    if not _serial("karpmigrate-convert"):
        pytest.skip(
            "karpmigrate-convert is not require_serial: see test_hooks_that_relate_files_get_them_in_one_process"
        )
    repo.write("karpenter/nodepool.yaml", NODEPOOL_WITH_KUBELET)
    repo.write("karpenter/ec2nodeclass.yaml", EC2NODECLASS_V1BETA1)
    _fillers(repo, 10)
    repo.add("karpenter", "apps")

    result = repo.run_hook("karpmigrate-convert")
    assert result.code == 1, result.output
    assert "- exit code: 1" in result.stdout  # not 3: no KC001 "not in the input"
    assert "KC001" not in result.stdout
    assert "kubelet" not in repo.read("karpenter/nodepool.yaml")
    assert "maxPods: 110" in repo.read("karpenter/ec2nodeclass.yaml")


def test_lint_relates_a_nodepool_and_its_nodeclass_staged_together(repo: Repo) -> None:
    if not _serial("karpmigrate-lint"):
        pytest.skip(
            "karpmigrate-lint is not require_serial: see test_hooks_that_relate_files_get_them_in_one_process"
        )
    repo.write("karpenter/classes/gpu.yaml", GPU_NODECLASS)
    repo.write("karpenter/pools/gpu.yaml", GPU_NODEPOOL)
    _fillers(repo, 10)
    repo.add("karpenter", "apps")

    result = repo.run_hook("karpmigrate-lint")
    assert result.code == 1, result.output
    assert "KM113" in result.stdout


# ---------------------------------------------------------------- karpmigrate-lint: drift against HEAD


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("        team: platform\n", "        team: payments\n"),
        (
            "      expireAfter: 720h\n",
            "      expireAfter: 720h\n      taints:\n        - {key: dedicated, value: web, effect: NoSchedule}\n",
        ),
    ],
    ids=["template-label", "taint"],
)
def test_lint_fails_on_a_staged_edit_that_drifts_nodes(repo: Repo, old: str, new: str) -> None:
    repo.write("karpenter/nodepool.yaml", NODEPOOL_V1)
    repo.commit("karpenter/nodepool.yaml")
    assert old in NODEPOOL_V1
    repo.write("karpenter/nodepool.yaml", NODEPOOL_V1.replace(old, new, 1))
    repo.add("karpenter/nodepool.yaml")

    result = repo.run_hook("karpmigrate-lint")
    assert result.code == 1, result.output
    assert "KM201" in result.stdout
    assert "NodePoolDrifted" in result.stdout
    assert "compared with HEAD" in result.stdout


def test_lint_passes_a_staged_behaviour_only_edit(repo: Repo) -> None:
    repo.write("karpenter/nodepool.yaml", NODEPOOL_V1)
    repo.commit("karpenter/nodepool.yaml")
    edited = NODEPOOL_V1.replace('cpu: "100"', 'cpu: "200"').replace("weight: 10", "weight: 20")
    assert edited != NODEPOOL_V1
    repo.write("karpenter/nodepool.yaml", edited)
    repo.add("karpenter/nodepool.yaml")

    result = repo.run_hook("karpmigrate-lint")
    assert result.code == 0, result.output
    assert _hook_result(result, "karpmigrate-lint", "karpmigrate lint") == "Passed"
    # The drift rules were on: the staged file was compared with its committed version.
    assert "compared with HEAD" in result.stdout
    assert "0 errors, 0 warnings" in result.stdout


# ---------------------------------------------------------------- karpmigrate-lint: single-object rules


def test_lint_fails_on_do_not_evict_and_honours_disable_line(repo: Repo) -> None:
    repo.write("apps/web.yaml", DEPLOYMENT)
    repo.add("apps/web.yaml")
    failing = repo.run_hook("karpmigrate-lint")
    assert failing.code == 1, failing.output
    assert "KM212" in failing.stdout
    assert f"apps/web.yaml:{DO_NOT_EVICT_LINE}:" in failing.stdout
    assert "karpenter.sh/do-not-disrupt" in failing.stdout

    repo.write("apps/web.yaml", DEPLOYMENT_WAIVED)
    repo.add("apps/web.yaml")
    waived = repo.run_hook("karpmigrate-lint")
    assert waived.code == 0, waived.output
    assert "KM212" not in waived.stdout


def test_lint_checks_what_is_staged_not_unstaged_edits(repo: Repo) -> None:
    repo.write("apps/web.yaml", CLEAN_DEPLOYMENT)
    repo.add("apps/web.yaml")
    repo.write("apps/web.yaml", DEPLOYMENT)  # not staged: pre-commit stashes it for the run

    result = repo.run_hook("karpmigrate-lint")
    assert result.code == 0, result.output
    assert "Stashing unstaged files" in result.output
    assert "KM212" not in result.stdout
    # ... and puts it back afterwards.
    assert repo.read("apps/web.yaml") == DEPLOYMENT


def _git_commit_with_hooks(repo: Repo, message: str, *paths: str) -> subprocess.CompletedProcess[str]:
    identity = ("-c", "user.name=t", "-c", "user.email=t@e", "-c", "commit.gpgsign=false")
    return subprocess.run(
        ["git", *identity, "commit", "-m", message, "--", *paths],
        cwd=repo.root,
        env=repo.env,
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        check=False,
    )


def test_git_commit_is_refused_by_the_installed_hook(repo: Repo) -> None:
    # The lint hook alone: karpmigrate-convert would rewrite the annotation whatever the directive says.
    repo.configure(hook for hook in local_hooks(repo.karpmigrate) if hook["id"] == "karpmigrate-lint")
    installed = repo.pre_commit("install")
    assert installed.code == 0, installed.output
    repo.write("apps/web.yaml", CLEAN_DEPLOYMENT)
    repo.commit("apps/web.yaml", message="web")  # --no-verify: the baseline goes in unchecked
    head = repo.git("rev-parse", "HEAD")
    repo.write("apps/web.yaml", DEPLOYMENT)

    # `git commit PATH` runs the hook with a temporary index (GIT_INDEX_FILE): the case karpmigrate's
    # git calls must survive. The path is tracked but not staged: git stages it for this commit only.
    done = _git_commit_with_hooks(repo, "annotate", "apps/web.yaml")
    assert done.returncode != 0, done.stdout + done.stderr
    assert "KM212" in done.stdout + done.stderr
    assert repo.git("rev-parse", "HEAD") == head

    repo.write("apps/web.yaml", DEPLOYMENT_WAIVED)
    waived = _git_commit_with_hooks(repo, "waived", "apps/web.yaml")
    assert waived.returncode == 0, waived.stdout + waived.stderr
    assert repo.git("rev-parse", "HEAD") != head


# ---------------------------------------------------------------- karpmigrate-lint-repo


def test_lint_repo_sees_the_committed_nodeclass_of_a_staged_nodepool(repo: Repo) -> None:
    repo.write("karpenter/classes/gpu.yaml", GPU_NODECLASS)
    repo.commit("karpenter/classes/gpu.yaml")
    repo.write("karpenter/pools/gpu.yaml", GPU_NODEPOOL)
    repo.add("karpenter/pools/gpu.yaml")

    # The per-file hook gets the staged NodePool only: its EC2NodeClass is not there, KM113 cannot fire.
    per_file = repo.run_hook("karpmigrate-lint")
    assert per_file.code == 0, per_file.output
    assert "KM113" not in per_file.stdout
    assert "karpenter/classes/gpu.yaml" not in per_file.stdout

    whole = repo.run_hook("karpmigrate-lint-repo")
    assert whole.code == 1, whole.output
    assert "KM113" in whole.stdout
    assert "karpenter/pools/gpu.yaml:13:11" in whole.stdout  # the requirement allowing GPU types
    # The unchanged class file was read too (its KM132 note is listed under its name).
    assert "karpenter/classes/gpu.yaml" in whole.stdout


def test_lint_repo_runs_only_when_yaml_or_json_is_staged(repo: Repo) -> None:
    repo.write("karpenter/classes/gpu.yaml", GPU_NODECLASS)
    repo.write("karpenter/pools/gpu.yaml", GPU_NODEPOOL)
    repo.commit("karpenter")
    repo.write("README.md", "# infra\n")
    repo.add("README.md")

    # The repository has a KM113 warning, yet a commit that touches no manifest is not blocked by it.
    result = repo.run_hook("karpmigrate-lint-repo")
    assert result.code == 0, result.output
    assert _hook_result(result, "karpmigrate-lint-repo", "karpmigrate lint (whole repository)") == (
        "(no files to check)Skipped"
    )


# ---------------------------------------------------------------- behaviour under pre-commit


def test_no_progress_bar_under_pre_commit(repo: Repo) -> None:
    if shutil.which("env") is None or importlib.util.find_spec("pty") is None:
        pytest.skip("needs env(1) and pseudo-terminals (pre-commit runs hooks on a pty with --color always)")
    # A control hook that unsets PRE_COMMIT: it proves the hook's stderr is a terminal here, so the bar
    # would show (convert shows it from 20 files) if PRE_COMMIT=1 did not silence it.
    control = {
        "id": "convert-progress-allowed",
        "name": "convert with PRE_COMMIT unset",
        "entry": shlex.join(["env", "-u", "PRE_COMMIT", str(repo.karpmigrate), "convert", "--check"]),
        "language": _language(),
        "types_or": ["yaml", "json"],
        "require_serial": True,
        "verbose": True,
    }
    repo.configure([*local_hooks(repo.karpmigrate), control])
    names = [f"pools/pool{i:02}.yaml" for i in range(25)]
    for i, name in enumerate(names):
        repo.write(name, NODEPOOL_V1BETA1.replace("name: default\n", f"name: pool{i}\n", 1))
    repo.add("pools")
    # One process for all 25 files (pre-commit would otherwise split them between CPUs), a real terminal.
    env = {"PRE_COMMIT_NO_CONCURRENCY": "1", "TERM": "xterm-256color"}

    shown = repo.pre_commit("run", "convert-progress-allowed", "--color", "always", env=env)
    assert shown.code == 1, shown.output
    assert "Reading" in shown.stdout

    hook = repo.pre_commit("run", "karpmigrate-convert", "--color", "always", env=env)
    assert hook.code == 1, hook.output
    assert hook.stdout.count("Rewriting pools/") == len(names)
    assert "Reading" not in hook.stdout
    assert "\x1b[?25l" not in hook.stdout  # rich hides the cursor while a live display runs


def _imports(text: str) -> set[str]:
    return set(_IMPORT_LINE.findall(text))


def test_hook_processes_never_import_kubernetes(repo: Repo) -> None:
    lint_json = {**local_hooks(repo.karpmigrate)[0], "id": "karpmigrate-lint-json", "args": ["-o", "json"]}
    repo.configure([*local_hooks(repo.karpmigrate), lint_json])
    repo.write("apps/web.yaml", DEPLOYMENT)
    repo.write("karpenter/nodepool.yaml", NODEPOOL_V1BETA1)
    repo.write("karpenter/ec2nodeclass.yaml", EC2NODECLASS_V1BETA1)
    repo.add("apps", "karpenter")

    # Python writes one "import time:" line per module on stderr, which pre-commit shows for the hook.
    result = repo.pre_commit("run", "--color", "never", env={"PYTHONPROFILEIMPORTTIME": "1"})
    assert result.code == 1, result.output  # KM212 and the conversion: every hook ran and had work
    for hook_id in (*ENTRIES, "karpmigrate-lint-json"):
        modules = _imports(result.section(hook_id))
        assert "karpmigrate.cli" in modules, f"{hook_id}: no import trace\n{result.section(hook_id)}"
        heavy = sorted(m for m in modules if m == "kubernetes" or m.startswith("kubernetes."))
        assert heavy == [], f"{hook_id} imported {heavy[:5]}"


# ---------------------------------------------------------------- the real language: python hooks (slow)


@pytest.mark.skipif(
    os.environ.get("KARPMIGRATE_SLOW_TESTS") != "1",
    reason="builds the hook virtualenv from PyPI: set KARPMIGRATE_SLOW_TESTS=1",
)
def test_try_repo_builds_and_runs_the_real_python_hook(repo: Repo, tmp_path: Path) -> None:
    """``pre-commit try-repo`` with the manifest as published: ``language: python``, built from PyPI.

    The project is first cloned with ``git clone`` so that try-repo sees the committed files only: the
    uncommitted changes of the work tree (hooks file, lint command, rules) are NOT in the clone, so this
    test checks the last commit, not the work tree. Without a committed .pre-commit-hooks.yaml it skips.
    """
    top = subprocess.run(
        ["git", "-C", str(ROOT), "rev-parse", "--show-toplevel"],
        env=repo.env,
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        check=True,
    ).stdout.strip()
    assert Path(top) == ROOT, "try-repo needs the hooks file at the top of the repository"
    clone = tmp_path / "clone"
    subprocess.run(
        ["git", "clone", "-q", top, str(clone)],
        env=repo.env,
        capture_output=True,
        timeout=TIMEOUT,
        check=True,
    )
    if not (clone / HOOKS_FILE.name).is_file():
        pytest.skip(f"{HOOKS_FILE.name} is not committed yet: try-repo sees committed files only")
    hook_repo = str(clone)

    repo.write("apps/web.yaml", DEPLOYMENT)
    repo.add("apps/web.yaml")
    failing = repo.pre_commit(
        "try-repo",
        hook_repo,
        "karpmigrate-lint",
        "--files",
        "apps/web.yaml",
        "--color",
        "never",
        timeout=SLOW_TIMEOUT,
    )
    assert failing.code == 1, failing.output
    assert "KM212" in failing.stdout

    repo.write("apps/web.yaml", DEPLOYMENT_WAIVED)
    passing = repo.pre_commit(
        "try-repo",
        hook_repo,
        "karpmigrate-lint",
        "--files",
        "apps/web.yaml",
        "--color",
        "never",
        timeout=SLOW_TIMEOUT,
    )
    assert passing.code == 0, passing.output
