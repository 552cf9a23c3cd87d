"""``karpmigrate lint`` start-up (issue 6, budget P1): what a pre-commit run imports, and the small
argument parser that lets ``lint`` run without typer, which must read every argument as typer does."""

from __future__ import annotations

import inspect
import os
import re
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest
import typer

from karpmigrate import cli, cli_app
from karpmigrate.lint import engine, registry
from karpmigrate.lint._base import Hit, LintObject, Scope, lookup
from karpmigrate.target import Target

EXAMPLES = Path(__file__).parent.parent / "fixtures" / "examples"

PAIR = textwrap.dedent(
    """\
    apiVersion: karpenter.k8s.aws/v1beta1
    kind: EC2NodeClass
    metadata:
      name: default
    spec:
      amiFamily: AL2023
      role: KarpenterNodeRole
      subnetSelectorTerms:
        - tags: {karpenter.sh/discovery: demo}
      securityGroupSelectorTerms:
        - tags: {karpenter.sh/discovery: demo}
    ---
    apiVersion: karpenter.sh/v1beta1
    kind: NodePool
    metadata:
      name: default
    spec:
      template:
        spec:
          nodeClassRef:
            name: default
          requirements:
            - key: kubernetes.io/arch
              operator: In
              values: ["amd64"]
      disruption:
        consolidationPolicy: WhenUnderutilized
    """
)

#: Never on the path of ``lint FILE`` without a config file and without a budget schedule.
NOT_IMPORTED = (
    "typer",
    "click",
    "pydantic",
    "pydantic_core",
    "pathspec",
    "croniter",
    "kubernetes",
    "jsonschema",
    "rich",
)
_IMPORT = re.compile(r"^import time:\s+\d+ \|\s+\d+ \| *(\S+)$", re.M)


def _imports(
    tmp_path: Path, *args: str, config: str | None = None
) -> tuple[subprocess.CompletedProcess[str], set[str]]:
    (tmp_path / "karpenter.yaml").write_text(PAIR)
    if config is not None:
        (tmp_path / ".karpmigrate.yaml").write_text(config)
    env = {k: v for k, v in os.environ.items() if k != "KARPMIGRATE_CONFIG"}
    env["HOME"] = str(tmp_path)  # no config file from the user's home either
    argv = [sys.executable, "-X", "importtime", "-m", "karpmigrate", "lint", "karpenter.yaml", *args]
    done = subprocess.run(argv, cwd=tmp_path, env=env, capture_output=True, text=True, check=False)
    top = {name.partition(".")[0] for name in _IMPORT.findall(done.stderr)}
    assert "karpmigrate" in top, done.stderr[-2000:]
    return done, top


def test_lint_of_one_file_imports_nothing_heavy(tmp_path: Path) -> None:
    done, top = _imports(tmp_path, "-o", "json", "--fail-on", "info")
    assert done.returncode == 1, done.stderr[-2000:]  # KM132 (v1beta1 needs the webhook) is an info
    assert '"code": "KM132"' in done.stdout
    assert sorted(top & set(NOT_IMPORTED)) == []


def test_a_config_file_still_counts_and_loads_pydantic_only_then(tmp_path: Path) -> None:
    done, top = _imports(tmp_path, config="rules:\n  KM132: error\n")
    assert done.returncode == 1, done.stderr[-2000:]
    assert "error KM132" in done.stdout
    assert "pydantic" in top
    assert sorted(top & {"typer", "click", "croniter", "kubernetes", "jsonschema", "rich"}) == []


def _modules_after_lint(tmp_path: Path, text: str) -> tuple[str, set[str]]:
    """The modules a ``lint FILE`` run has loaded when it ends (``importlib.import_module`` included,
    which ``-X importtime`` does not report)."""
    (tmp_path / "karpenter.yaml").write_text(text)
    probe = (
        "import sys\n"
        "from karpmigrate.cli import main\n"
        "main(['lint', '-o', 'json', 'karpenter.yaml'])\n"
        "open('modules.txt', 'w').write('\\n'.join(sorted(sys.modules)))\n"
    )
    env = {k: v for k, v in os.environ.items() if k != "KARPMIGRATE_CONFIG"}
    env["HOME"] = str(tmp_path)
    argv = [sys.executable, "-c", probe]
    done = subprocess.run(argv, cwd=tmp_path, env=env, capture_output=True, text=True, check=False)
    assert '"code": "KM132"' in done.stdout, done.stderr[-2000:]
    return done.stdout, set((tmp_path / "modules.txt").read_text().split())


def test_single_version_lint_leaves_out_what_it_cannot_use(tmp_path: Path) -> None:
    # A backwards weekday range: robfig/cron refuses it, and KM214 says so without croniter.
    budget = "    budgets:\n      - nodes: '0'\n        schedule: '0 9 * * fri-mon'\n        duration: 8h\n"
    out, loaded = _modules_after_lint(tmp_path, PAIR + budget)
    assert '"code": "KM214"' in out
    assert not {name.partition(".")[0] for name in loaded} & {"croniter", "dateutil", "ruamel"}
    # No comment names karpmigrate: the directive parser stays out.
    assert "karpmigrate.lint.directives" not in loaded
    # No previous version: the drift rules are not imported.
    rules = {
        name.rpartition(".")[2][:5].upper() for name in loaded if name.startswith("karpmigrate.lint.rules.km")
    }
    assert rules == {r.id for r in registry.all_rules()} - registry.TWO_VERSIONS_OR_CLUSTER


def test_a_directive_still_loads_the_directive_parser(tmp_path: Path) -> None:
    text = PAIR.replace(
        "role: KarpenterNodeRole", "role: KarpenterNodeRole  # karpmigrate: disable-line=KM219"
    )
    assert "karpmigrate.lint.directives" in _modules_after_lint(tmp_path, text)[1]


def test_the_rules_left_out_without_a_previous_version_are_the_pair_and_cluster_rules() -> None:
    scopes = {rule.id: rule.scope for rule in registry.all_rules()}
    two_versions_or_cluster = {code for code, scope in scopes.items() if scope in (Scope.PAIR, Scope.CLUSTER)}
    assert two_versions_or_cluster == registry.TWO_VERSIONS_OR_CLUSTER
    expected = tuple(r for r in registry.all_rules() if r.id not in registry.TWO_VERSIONS_OR_CLUSTER)
    assert registry.single_version_rules() == expected


def test_without_a_previous_version_both_rule_sets_find_the_same(tmp_path: Path) -> None:
    files = [(str(path), path.read_text()) for path in sorted(EXAMPLES.rglob("*.yaml"))]
    assert files
    found = [
        [f.one_line() for report in engine.lint(engine.LintInput(files), rules) for f in report.findings]
        for rules in (registry.all_rules(), registry.single_version_rules())
    ]
    assert found[0] == found[1] and found[0]


@pytest.mark.parametrize(
    ("data", "path"),
    [
        ({"spec": {"a": [1, {"b": 2}]}}, ("spec", "a", 1, "b")),
        ({"spec": {"a": [1, {"b": 2}]}}, ("spec", "a", -1)),
        ({"spec": {"a": [1, 2]}}, ("spec", "a", 2)),
        ({"spec": {"a": [1, 2]}}, ("spec", "a", -3)),
        ({"spec": {"a": [1, 2]}}, ("spec", "a", "0")),
        ({"spec": None}, ("spec", "a")),
        ({"spec": "text"}, ("spec", 0)),
        ({0: "int key"}, (0,)),
        ([{"a": 1}], (0, "a")),
        ({}, ()),
    ],
)
def test_plain_lookup_is_the_io_paths_get(data: Any, path: tuple[str | int, ...]) -> None:
    from karpmigrate.io import paths

    missing = object()
    assert lookup(data, path, missing) is paths.get(data, path, missing)


def test_lint_records_stay_immutable_without_dataclasses() -> None:
    first = LintObject("a.yaml", {"kind": "NodePool"}, (), 0, lambda *a, **k: (None, None), "NodePool")
    twin = LintObject("a.yaml", {"kind": "NodePool"}, (), 0, first.locate, "NodePool")
    assert first == first and first != twin  # identity: the engine pairs versions by id()
    with pytest.raises(AttributeError):
        first.kind = "EC2NodeClass"
    hit = Hit("message", ("spec",))
    assert hit == Hit("message", ("spec",)) and hit.obj is None and hit.at_key is False
    with pytest.raises(AttributeError):
        hit.message = "other"  # type: ignore[misc]
    assert Target.parse("1.1") == Target(1, 1) and str(Target()) == "1.0"


def test_help_still_comes_from_typer(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "karpmigrate", "lint", "--help"], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0
    for flag in cli.LINT_FLAGS.values():
        assert flag.names[-1] in done.stdout


# ---------------------------------------------------------------- the fast parser reads as typer does


def _typer_kwargs(monkeypatch: pytest.MonkeyPatch, args: list[str]) -> dict[str, Any] | int:
    """The keyword arguments typer passes for ``lint ARGS``, or typer's exit code when it refuses them."""
    seen: dict[str, Any] = {}

    def record(**kwargs: Any) -> int:
        seen.update(kwargs)
        return 0

    monkeypatch.setattr(cli_app, "run_lint_command", record)
    try:
        cli_app.app(args=["lint", *args], prog_name="karpmigrate")
    except SystemExit as exc:
        if exc.code:
            return int(exc.code)  # type: ignore[arg-type]
    return seen


def _defaults(kwargs: dict[str, Any]) -> dict[str, Any]:
    params = inspect.signature(cli.run_lint_command).parameters
    full = {name: p.default for name, p in params.items() if p.default is not inspect.Parameter.empty}
    full.update(kwargs)
    # typer passes an empty tuple or None for an absent list: both mean "not given".
    return {k: (None if v in ((), []) else v) for k, v in full.items()}


@pytest.mark.parametrize(
    "args",
    [
        ["pool.yaml"],
        ["a.yaml", "b.yaml", "-"],
        ["-o", "json", "pool.yaml"],
        ["-ojson", "pool.yaml", "--output", "sarif", "--output-file", "out.sarif"],
        ["--output=junit", "--output-file=r.xml", "-o", "text", "pool.yaml"],
        ["pool.yaml", "--select", "KM1,KM2", "--select", "KM211", "--ignore=KM132"],
        ["--fail-on", "info", "--exit-zero", "--no-inline-ignores", "pool.yaml"],
        ["--against", "HEAD~1", "--target-version", "1.1", "pool.yaml"],
        ["--baseline", "old", "--config", "cfg.yaml", "pool.yaml"],
        ["--", "-weird.yaml", "--select"],
        ["--exit-zero", "--exit-zero", "pool.yaml"],
        [],
    ],
)
def test_fast_parser_gives_what_typer_gives(monkeypatch: pytest.MonkeyPatch, args: list[str]) -> None:
    fast = cli._lint_arguments(args)
    assert fast is not None
    expected = _typer_kwargs(monkeypatch, args)
    assert isinstance(expected, dict)
    assert _defaults(fast) == _defaults(expected)


@pytest.mark.parametrize(
    "args",
    [
        ["--help"],
        ["-h"],
        ["--bogus", "pool.yaml"],
        ["--selec", "KM1", "pool.yaml"],  # click does not complete abbreviations
        ["-o"],
        ["-o", "xml", "pool.yaml"],
        ["--fail-on", "nope", "pool.yaml"],
        ["--exit-zero=1", "pool.yaml"],
        ["--config", "a.yaml", "--config", "b.yaml", "pool.yaml"],
        ["--baseline", "-", "pool.yaml"],
        ["--version"],
    ],
)
def test_anything_unusual_is_left_to_typer(args: list[str]) -> None:
    assert cli._lint_arguments(args) is None


def test_lint_flags_are_the_options_typer_builds() -> None:
    command = typer.main.get_command(cli_app.app).commands["lint"]  # type: ignore[attr-defined]
    options = {p.name: p for p in command.params if p.param_type_name == "option"}
    assert set(options) == set(cli.LINT_FLAGS)
    for name, flag in cli.LINT_FLAGS.items():
        option = options[name]
        assert tuple(option.opts) == flag.names, name
        assert option.multiple == flag.multiple, name
        assert option.is_flag == (flag.convert is None), name


@pytest.mark.parametrize("name", [name for name, flag in cli.LINT_FLAGS.items() if flag.choices])
def test_lint_flag_choices_are_the_ones_typer_accepts(monkeypatch: pytest.MonkeyPatch, name: str) -> None:
    flag = cli.LINT_FLAGS[name]
    for choice in flag.choices:
        assert isinstance(_typer_kwargs(monkeypatch, [flag.names[-1], choice, "pool.yaml"]), dict), choice
    assert _typer_kwargs(monkeypatch, [flag.names[-1], "nope", "pool.yaml"]) == 2


# ---------------------------------------------------------------- git is started only inside a work tree


def test_no_git_process_outside_a_work_tree(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from karpmigrate.lint import git

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("git was started outside any work tree")

    (tmp_path / "plain").mkdir()
    monkeypatch.setattr(subprocess, "run", refuse)
    assert git.repo_root(tmp_path / "plain") is None


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_a_symlink_into_a_work_tree_still_finds_it(tmp_path: Path) -> None:
    from karpmigrate.lint import git

    repo = tmp_path / "repo"
    (repo / "karpenter").mkdir(parents=True)
    subprocess.run(["git", "init", "-q", str(repo)], check=True, capture_output=True)
    (tmp_path / "elsewhere").mkdir()
    link = tmp_path / "elsewhere" / "link"
    link.symlink_to(repo / "karpenter", target_is_directory=True)
    assert git.repo_root(link) == repo.resolve()
