"""The format registry: six names, one call shape, lazy imports (only ``text`` loads rich)."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest
from report_support import context, sample_reports

from karpmigrate import __version__
from karpmigrate.report import (
    FORMATS,
    Context,
    artifact_uri,
    find_repo_root,
    json_,
    relative_path,
    render,
    render_file,
    text,
)


def test_registry_has_the_six_formats():
    assert set(FORMATS) == {"text", "json", "sarif", "junit", "github", "markdown"}


def test_unknown_format_is_refused(tmp_path):
    with pytest.raises(ValueError, match="unknown report format 'yaml'"):
        render("yaml", [], io.StringIO(), context(tmp_path))


@pytest.mark.parametrize("name", sorted(FORMATS))
def test_every_format_renders_the_sample(tmp_path, name):
    stream = io.StringIO()
    render(name, sample_reports(), stream, context(tmp_path))
    assert stream.getvalue().endswith("\n")
    assert "KM105" in stream.getvalue()


@pytest.mark.parametrize("color", [None, False, True])
def test_text_is_the_existing_renderer(tmp_path, color):
    ours, theirs = io.StringIO(), io.StringIO()
    render("text", sample_reports(), ours, context(tmp_path, color=color))
    text.render(sample_reports(), theirs, color=color)
    assert ours.getvalue() == theirs.getvalue()
    assert ("\x1b[" in ours.getvalue()) is (color is True)


def test_json_is_the_existing_renderer(tmp_path):
    ours, theirs = io.StringIO(), io.StringIO()
    render("json", sample_reports(), ours, context(tmp_path))
    json_.render(sample_reports(), theirs)
    assert ours.getvalue() == theirs.getvalue()
    assert json.loads(ours.getvalue())["version"] == 1


@pytest.mark.parametrize("name", ["junit", "sarif"])
def test_render_file_writes_what_render_prints(tmp_path, name):
    target = tmp_path / f"report.{name}"
    render_file(name, sample_reports(), target, context(tmp_path))
    stream = io.StringIO()
    render(name, sample_reports(), stream, context(tmp_path))
    assert target.read_bytes() == stream.getvalue().encode("utf-8")


_PROBE = """
import io, sys
from pathlib import Path
from karpmigrate.findings import FileReport
from karpmigrate import catalogue
from karpmigrate.report import Context, render
name = sys.argv[1]
if name != "-":
    finding = catalogue.KM105.finding("m", file="a.yaml", line=1)
    render(name, [FileReport("a.yaml", [finding])], io.StringIO(), Context("lint", working_directory=Path.cwd()))
print("rich" in sys.modules)
"""


def _loads_rich(*args: str) -> bool:
    out = subprocess.run([sys.executable, "-c", *args], capture_output=True, text=True, check=True).stdout
    return out.strip().splitlines()[-1] == "True"


@pytest.mark.parametrize(
    "module",
    [
        "karpmigrate.report",
        "karpmigrate.report.sarif",
        "karpmigrate.report.junit",
        "karpmigrate.report.github",
        "karpmigrate.report.markdown",
        "karpmigrate.report.json_",
        "karpmigrate.report.meta",
    ],
)
def test_importing_a_format_does_not_import_rich(module):
    assert not _loads_rich(f"import {module}, sys; print('rich' in sys.modules)")


def test_the_probe_can_see_rich():
    # A text report for a terminal (forced here with colour) is a rich table.
    assert _loads_rich(_PROBE.replace('Context("lint",', 'Context("lint", color=True,'), "text")


@pytest.mark.parametrize("name", [*sorted(FORMATS), "-"])
def test_rendering_into_a_pipe_never_loads_rich(name):
    # Even text: into a pipe or pre-commit's log it is one line per finding.
    assert not _loads_rich(_PROBE, name)


def test_context_defaults(tmp_path, monkeypatch):
    (tmp_path / ".git").mkdir()
    (tmp_path / "sub").mkdir()
    monkeypatch.chdir(tmp_path / "sub")
    ctx = Context.create("audit", color=False, title="T", elapsed=2.0)
    assert ctx.command == "audit"
    assert ctx.version == __version__
    assert ctx.working_directory == tmp_path / "sub"
    assert ctx.repo_root == tmp_path
    assert (ctx.color, ctx.title, ctx.elapsed) == (False, "T", 2.0)


def test_find_repo_root(tmp_path):
    repo = tmp_path / "repo"
    (repo / "a" / "b").mkdir(parents=True)
    (repo / ".git").write_text("gitdir: /elsewhere/.git/worktrees/repo\n")  # a worktree's .git file
    assert find_repo_root(repo / "a" / "b") == repo
    assert find_repo_root(repo) == repo
    plain = tmp_path / "plain"
    plain.mkdir()
    if find_repo_root(tmp_path) is None:  # the temporary directory itself is not inside a checkout
        assert find_repo_root(plain) is None


def test_relative_path_and_uri(tmp_path):
    ctx = Context("lint", working_directory=tmp_path / "w", repo_root=None)
    assert relative_path("x/y.yaml", ctx) == "x/y.yaml"
    assert relative_path(str(tmp_path / "w" / "z.yaml"), ctx) == "z.yaml"
    assert relative_path(str(tmp_path / "other.yaml"), ctx) is None
    assert artifact_uri("-", ctx) == ("stdin", False)
    assert artifact_uri("<stdin>", ctx) == ("stdin", False)
    assert artifact_uri("a b.yaml", ctx) == ("a%20b.yaml", True)
    assert artifact_uri(str(tmp_path / "other.yaml"), ctx) == (Path(tmp_path / "other.yaml").as_uri(), False)
