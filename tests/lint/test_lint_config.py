"""`.karpmigrate.yaml`: lookup, extends, levels, ignores and waivers (ecosystem §3.4 item 13)."""

from __future__ import annotations

import pathlib
import textwrap

import pytest

from karpmigrate.errors import UsageError
from karpmigrate.findings import Level
from karpmigrate.lint.config import ENV_VAR, ResolvedConfig, find_config, load_config


def write(path: pathlib.Path, text: str) -> pathlib.Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


@pytest.fixture(autouse=True)
def _isolated(tmp_path: pathlib.Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # The lookup stops at the home directory: keep it inside the test's directory.
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.delenv(ENV_VAR, raising=False)


def load(tmp_path: pathlib.Path, text: str, name: str = ".karpmigrate.yaml") -> ResolvedConfig:
    return load_config(write(tmp_path / name, text))


def error_of(tmp_path: pathlib.Path, text: str) -> str:
    with pytest.raises(UsageError) as caught:
        load(tmp_path, text, "c.yaml")
    return str(caught.value)


# ---------------------------------------------------------------- lookup


def test_find_config_in_start_directory(tmp_path: pathlib.Path) -> None:
    config = write(tmp_path / "repo" / ".karpmigrate.yaml", "{}\n")
    assert find_config(tmp_path / "repo") == config


def test_find_config_in_a_parent(tmp_path: pathlib.Path) -> None:
    config = write(tmp_path / "repo" / ".karpmigrate.yml", "{}\n")
    (tmp_path / "repo" / "a" / "b").mkdir(parents=True)
    assert find_config(tmp_path / "repo" / "a" / "b") == config


def test_find_config_prefers_yaml_over_yml(tmp_path: pathlib.Path) -> None:
    write(tmp_path / ".karpmigrate.yml", "{}\n")
    config = write(tmp_path / ".karpmigrate.yaml", "{}\n")
    assert find_config(tmp_path) == config


def test_find_config_nearest_wins(tmp_path: pathlib.Path) -> None:
    write(tmp_path / ".karpmigrate.yaml", "{}\n")
    nearer = write(tmp_path / "repo" / ".karpmigrate.yaml", "{}\n")
    assert find_config(tmp_path / "repo") == nearer


def test_find_config_from_a_file_looks_in_its_directory(tmp_path: pathlib.Path) -> None:
    config = write(tmp_path / "repo" / ".karpmigrate.yaml", "{}\n")
    manifest = write(tmp_path / "repo" / "pool.yaml", "{}\n")
    assert find_config(manifest) == config


def test_find_config_env_var_first(tmp_path: pathlib.Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write(tmp_path / "repo" / ".karpmigrate.yaml", "{}\n")
    monkeypatch.setenv(ENV_VAR, str(tmp_path / "elsewhere.yaml"))
    assert find_config(tmp_path / "repo") == tmp_path / "elsewhere.yaml"


def test_find_config_none(tmp_path: pathlib.Path) -> None:
    (tmp_path / "repo").mkdir()
    assert find_config(tmp_path / "repo") is None


def test_find_config_stops_at_home(tmp_path: pathlib.Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write(tmp_path / ".karpmigrate.yaml", "{}\n")
    home = tmp_path / "home"
    (home / "repo").mkdir(parents=True)
    monkeypatch.setenv("HOME", str(home))
    assert find_config(home / "repo") is None
    # Home itself is still searched.
    config = write(home / ".karpmigrate.yaml", "{}\n")
    assert find_config(home / "repo") == config


# ---------------------------------------------------------------- defaults and levels


def test_no_config_gives_defaults(tmp_path: pathlib.Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    config = load_config(None)
    assert config.source is None
    assert config.root == tmp_path
    assert config.target_version is None and config.fail_on is None
    assert config.level("KM210", Level.INFO) is Level.INFO
    assert not config.path_ignored("vendor/a.yaml")
    assert config.waiver("KM211", "EC2NodeClass", "gpu", None) is None


def test_empty_file_gives_defaults(tmp_path: pathlib.Path) -> None:
    config = load(tmp_path, "")
    assert config.level("KM211", Level.WARNING) is Level.WARNING
    assert config.source == tmp_path / ".karpmigrate.yaml"
    assert config.root == tmp_path


def test_shorthand_and_mapping_levels(tmp_path: pathlib.Path) -> None:
    config = load(
        tmp_path,
        """\
        fail-on: warning
        target-version: "1.1"
        rules:
          KM211: disable
          KM108: {level: error}
          KM201: info
        """,
    )
    assert config.fail_on == "warning"
    assert config.target_version == "1.1"
    assert config.level("KM211", Level.WARNING) is None
    assert config.level("KM108", Level.WARNING) is Level.ERROR
    assert config.level("KM201", Level.ERROR) is Level.INFO
    assert config.level("KM202", Level.ERROR) is Level.ERROR


def test_strict_promotes_info_and_keeps_explicit_levels(tmp_path: pathlib.Path) -> None:
    config = load(tmp_path, "extends: strict\nrules:\n  KM118: info\n")
    assert config.level("KM210", Level.INFO) is Level.WARNING
    assert config.level("KM211", Level.WARNING) is Level.WARNING
    assert config.level("KM201", Level.ERROR) is Level.ERROR
    assert config.level("KM118", Level.INFO) is Level.INFO


def test_default_keeps_catalogue_levels(tmp_path: pathlib.Path) -> None:
    config = load(tmp_path, "extends: default\n")
    assert config.level("KM210", Level.INFO) is Level.INFO


def test_target_version_normalised(tmp_path: pathlib.Path) -> None:
    assert load(tmp_path, 'target-version: "v1.1.3"\n').target_version == "1.1"


# ---------------------------------------------------------------- extends


def test_extends_chain(tmp_path: pathlib.Path) -> None:
    write(
        tmp_path / "base" / "base.yaml",
        """\
        extends: strict
        target-version: "1.0"
        fail-on: error
        rules:
          KM211: disable
          KM108: error
        waivers:
          - {rule: KM211, name: gpu, reason: pinned}
        """,
    )
    write(tmp_path / "team" / "middle.yaml", "extends: ../base/base.yaml\nrules:\n  KM201: warning\n")
    config = load(
        tmp_path,
        """\
        extends: team/middle.yaml
        target-version: "1.1"
        rules:
          KM211: enable
        waivers:
          - {rule: KM108, name: "*", reason: everywhere}
        """,
    )
    assert config.strict
    assert config.target_version == "1.1"
    assert config.fail_on == "error"
    assert config.level("KM211", Level.WARNING) is Level.WARNING  # enable: back to the default level
    assert config.level("KM108", Level.WARNING) is Level.ERROR
    assert config.level("KM201", Level.ERROR) is Level.WARNING
    assert config.level("KM210", Level.INFO) is Level.WARNING
    assert config.waiver("KM211", "EC2NodeClass", "gpu", None) == "pinned"
    assert config.waiver("KM108", "EC2NodeClass", "any", None) == "everywhere"


def test_extends_cycle_refused(tmp_path: pathlib.Path) -> None:
    write(tmp_path / "a.yaml", "extends: b.yaml\n")
    write(tmp_path / "b.yaml", "rules: {}\nextends: a.yaml\n")
    with pytest.raises(
        UsageError, match=r"b\.yaml:2:10: extends: cycle .*a\.yaml -> .*b\.yaml -> .*a\.yaml$"
    ):
        load_config(tmp_path / "a.yaml")


def test_extends_self_refused(tmp_path: pathlib.Path) -> None:
    with pytest.raises(UsageError, match="cycle"):
        load(tmp_path, "extends: .karpmigrate.yaml\n")


def test_extends_missing_file(tmp_path: pathlib.Path) -> None:
    assert error_of(tmp_path, "extends: strcit\n").endswith(
        "c.yaml:1:10: extends: 'strcit' is not default, strict or an existing file"
    )


def test_error_in_an_extended_file_names_that_file(tmp_path: pathlib.Path) -> None:
    write(tmp_path / "base.yaml", "rules:\n  KM998: disable\n")
    with pytest.raises(UsageError, match=r"base\.yaml:2:3: rules\.KM998: unknown rule code KM998$"):
        load(tmp_path, "extends: base.yaml\n")


# ---------------------------------------------------------------- errors with positions


def test_unknown_rule_code_in_rules(tmp_path: pathlib.Path) -> None:
    message = error_of(tmp_path, "rules:\n  KM211: disable\n  KM999: error\n")
    assert message == f"{tmp_path / 'c.yaml'}:3:3: rules.KM999: unknown rule code KM999"


def test_unknown_rule_code_in_waivers(tmp_path: pathlib.Path) -> None:
    message = error_of(tmp_path, "waivers:\n  - rule: KM2\n    name: a\n    reason: b\n")
    assert message.endswith("c.yaml:2:11: waivers[0].rule: unknown rule code KM2")


def test_waiver_reason_missing(tmp_path: pathlib.Path) -> None:
    message = error_of(tmp_path, "waivers:\n  - rule: KM211\n    name: gpu\n")
    assert message.endswith("c.yaml:2:5: waivers[0].reason: required key missing")


def test_waiver_reason_blank(tmp_path: pathlib.Path) -> None:
    message = error_of(tmp_path, 'waivers:\n  - rule: KM211\n    name: gpu\n    reason: "  "\n')
    assert message.endswith("c.yaml:4:13: waivers[0].reason: a waiver needs a reason")


def test_waiver_name_required(tmp_path: pathlib.Path) -> None:
    message = error_of(tmp_path, "waivers:\n  - rule: KM211\n    reason: x\n")
    assert message.endswith("c.yaml:2:5: waivers[0].name: required key missing")


def test_unknown_key_points_at_the_key(tmp_path: pathlib.Path) -> None:
    message = error_of(tmp_path, "rules:\n  KM201: {level: warning, levle: error}\n")
    assert message.endswith("c.yaml:2:27: rules.KM201.levle: unknown key")
    assert error_of(tmp_path, "fail_on: error\n").endswith("c.yaml:1:1: fail_on: unknown key")


def test_bad_shorthand_level(tmp_path: pathlib.Path) -> None:
    message = error_of(tmp_path, "rules:\n  KM211: disabled\n")
    assert message.startswith(f"{tmp_path / 'c.yaml'}:2:10: rules.KM211.level: Input should be 'error'")


def test_bad_fail_on(tmp_path: pathlib.Path) -> None:
    assert "c.yaml:1:10: fail-on: Input should be" in error_of(tmp_path, "fail-on: warn\n")


def test_unquoted_target_version(tmp_path: pathlib.Path) -> None:
    message = error_of(tmp_path, "target-version: 1.10\n")
    assert message.endswith(
        'c.yaml:1:17: target-version: write the version quoted (e.g. "1.10"): '
        "YAML reads an unquoted 1.10 as the number 1.1"
    )


def test_bad_target_version(tmp_path: pathlib.Path) -> None:
    message = error_of(tmp_path, 'target-version: "0.32"\n')
    assert message.endswith("c.yaml:1:17: target-version: the v1beta1 API starts at Karpenter 0.33")


def test_invalid_yaml(tmp_path: pathlib.Path) -> None:
    message = error_of(tmp_path, "rules:\n  KM211: [disable\n")
    assert message.startswith(f"{tmp_path / 'c.yaml'}:3:1: ")


def test_duplicate_key(tmp_path: pathlib.Path) -> None:
    assert "c.yaml:2:1: found duplicate key" in error_of(tmp_path, "fail-on: error\nfail-on: info\n")


def test_not_a_mapping(tmp_path: pathlib.Path) -> None:
    assert error_of(tmp_path, "- a\n").endswith("c.yaml:1:1: expected a mapping of settings")


def test_unreadable_file(tmp_path: pathlib.Path) -> None:
    with pytest.raises(UsageError, match="cannot read config"):
        load_config(tmp_path / "missing.yaml")


# ---------------------------------------------------------------- ignore patterns (gitignore semantics)


def test_global_ignore_patterns(tmp_path: pathlib.Path) -> None:
    config = load(
        tmp_path,
        """\
        ignore:
          - vendor/
          - "**/charts/*/templates/"
          - /top.yaml
          - "!vendor/keep.yaml"
        """,
    )
    ignored = config.path_ignored
    assert ignored(tmp_path / "vendor" / "x.yaml")
    assert ignored(tmp_path / "apps" / "vendor" / "x.yaml")  # no slash before: matches at any depth
    assert ignored(tmp_path / "apps" / "charts" / "karpenter" / "templates" / "np.yaml")
    assert not ignored(tmp_path / "apps" / "charts" / "karpenter" / "values.yaml")
    assert ignored(tmp_path / "top.yaml")
    assert not ignored(tmp_path / "apps" / "top.yaml")  # anchored to the config's directory
    assert not ignored(tmp_path / "vendor" / "keep.yaml")  # negation
    assert not ignored(tmp_path / "pool.yaml")
    assert not ignored(tmp_path / "vendor.yaml")  # `vendor/` matches directories only


def test_ignore_accepts_a_block_of_lines(tmp_path: pathlib.Path) -> None:
    config = load(tmp_path, "ignore: |\n  vendor/\n  *.json\n")
    assert config.path_ignored(tmp_path / "vendor" / "a.yaml")
    assert config.path_ignored(tmp_path / "a" / "b.json")
    assert not config.path_ignored(tmp_path / "a" / "b.yaml")


def test_ignore_directory_itself(tmp_path: pathlib.Path) -> None:
    (tmp_path / "vendor").mkdir()
    config = load(tmp_path, "ignore: [vendor/]\n")
    assert config.path_ignored(tmp_path / "vendor")


def test_relative_paths_are_relative_to_cwd(tmp_path: pathlib.Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config = load(tmp_path, "ignore: [/apps/vendor/]\n")
    monkeypatch.chdir(write(tmp_path / "apps" / "x.yaml", "").parent)
    assert config.path_ignored("vendor/a.yaml")
    assert not config.path_ignored("a.yaml")


def test_paths_outside_root_never_ignored(tmp_path: pathlib.Path) -> None:
    config = load(tmp_path / "repo", "ignore: ['*.yaml', '/**']\n", ".karpmigrate.yaml")
    assert config.path_ignored(tmp_path / "repo" / "a.yaml")
    assert not config.path_ignored(tmp_path / "elsewhere" / "a.yaml")
    assert not config.path_ignored(tmp_path / "repo")


def test_rule_ignore_only_for_that_rule(tmp_path: pathlib.Path) -> None:
    config = load(tmp_path, "rules:\n  KM201: {level: warning, ignore: [staging/]}\n")
    staging = tmp_path / "staging" / "np.yaml"
    assert config.path_ignored(staging, "KM201")
    assert not config.path_ignored(staging, "KM202")
    assert not config.path_ignored(staging)
    assert not config.path_ignored(tmp_path / "prod" / "np.yaml", "KM201")


def test_ignore_patterns_are_relative_to_the_file_that_wrote_them(tmp_path: pathlib.Path) -> None:
    write(tmp_path / "shared" / "base.yaml", "ignore: [/vendor/]\nrules:\n  KM201: {ignore: [/staging/]}\n")
    config = load(tmp_path, "extends: shared/base.yaml\nignore: ['!/shared/vendor/keep.yaml']\n")
    assert config.path_ignored(tmp_path / "shared" / "vendor" / "a.yaml")
    assert not config.path_ignored(tmp_path / "vendor" / "a.yaml")
    assert config.path_ignored(tmp_path / "shared" / "staging" / "a.yaml", "KM201")
    assert not config.path_ignored(tmp_path / "staging" / "a.yaml", "KM201")
    # A later file's negation re-includes what the base ignored, as nested .gitignore files do.
    assert not config.path_ignored(tmp_path / "shared" / "vendor" / "keep.yaml")


# ---------------------------------------------------------------- waivers


def test_waivers(tmp_path: pathlib.Path) -> None:
    config = load(
        tmp_path,
        """\
        waivers:
          - rule: KM211
            kind: EC2NodeClass
            name: "gpu-*"
            reason: GPU AMIs are pinned by the platform team
          - rule: KM201
            name: web
            namespace: prod
            reason: reviewed
        """,
    )
    assert (
        config.waiver("KM211", "EC2NodeClass", "gpu-a100", None) == "GPU AMIs are pinned by the platform team"
    )
    assert config.waiver("KM211", "NodePool", "gpu-a100", None) is None
    assert config.waiver("KM211", "EC2NodeClass", "default", None) is None
    assert config.waiver("KM212", "EC2NodeClass", "gpu-a100", None) is None
    assert config.waiver("KM211", "EC2NodeClass", None, None) is None
    assert config.waiver("KM201", "Deployment", "web", "prod") == "reviewed"
    assert config.waiver("KM201", "Deployment", "web", "dev") is None
    assert config.waiver("KM201", "Deployment", "web", None) is None
