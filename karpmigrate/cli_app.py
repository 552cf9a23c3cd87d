"""The typer application: every command, its options and its ``--help``.

``karpmigrate.cli.main`` imports this module only when it needs it: ``lint`` with plain arguments runs
without typer, click or pydantic (issue 6, budget P1), and everything else comes here.
"""

from __future__ import annotations

import enum
import os
import re
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from karpmigrate import __version__
from karpmigrate.cli import (
    LINT_FLAGS,
    OUTPUT_FILE_HELP,
    OUTPUT_HELP,
    FailOn,
    ReportFormat,
    _lint_summary,
    _outputs,
    _paths_or_stdin,
    _write_reports,
    lint_exit_code,
    run_lint_command,
)
from karpmigrate.errors import UsageError

if TYPE_CHECKING:
    from types import ModuleType

    from karpmigrate.convert import FileResult, Input, Options
    from karpmigrate.io.discovery import Source

app = typer.Typer(
    name="karpmigrate",
    help="Migrate Karpenter manifests from v1beta1 to v1: convert, validate, lint, audit.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    pretty_exceptions_show_locals=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)
schemas_app = typer.Typer(
    help="JSON Schemas of the Karpenter kinds, exported from the models.", no_args_is_help=True
)
app.add_typer(schemas_app, name="schemas")


class ConvertFormat(str, enum.Enum):
    text = "text"
    json = "json"


class ConvertMode(str, enum.Enum):
    clean = "clean"
    webhook = "webhook"


class RulesFormat(str, enum.Enum):
    text = "text"
    json = "json"
    markdown = "markdown"


class SchemaLayout(str, enum.Enum):
    flat = "flat"
    crds_catalog = "crds-catalog"


def _version(value: bool) -> None:
    if value:
        typer.echo(f"karpmigrate {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool | None,
        typer.Option("--version", callback=_version, is_eager=True, help="Print the version and exit."),
    ] = None,
) -> None:
    """karpmigrate: Karpenter v1beta1 → v1 without surprise node replacement."""


@app.command()
def validate(
    paths: Annotated[
        list[str] | None, typer.Argument(help="Files or directories (recursive); '-' for stdin.")
    ] = None,
    output: Annotated[list[ReportFormat] | None, typer.Option("-o", "--output", help=OUTPUT_HELP)] = None,
    output_file: Annotated[list[Path] | None, typer.Option("--output-file", help=OUTPUT_FILE_HELP)] = None,
    crd: Annotated[
        Path | None,
        typer.Option(
            "--crd", help="Validate against this CRD file or directory instead of the built-in models."
        ),
    ] = None,
    target_version: Annotated[
        str, typer.Option("--target-version", help="Karpenter release whose API must accept the objects.")
    ] = "1.0",
) -> None:
    """Check Karpenter objects against the v1beta1/v1 API, CEL rules included.

    Exit codes: 0 all valid, 1 invalid objects, 2 usage error, 3 unreadable or unparseable input.
    """
    from karpmigrate.io.discovery import discover
    from karpmigrate.target import Target
    from karpmigrate.validate import exit_code, validate_sources

    target = Target.parse(target_version)
    judge = None
    if crd is not None:
        from karpmigrate.validate import crd_judge

        judge = crd_judge(crd)
    outputs = _outputs(output, output_file)
    sources = discover(_paths_or_stdin(paths))
    reports = list(validate_sources(sources, target=target, judge=judge, stdin=sys.stdin.buffer))
    _write_reports(outputs, reports, "validate")
    _summary(reports)
    raise typer.Exit(exit_code(reports))


_AMI_ID = re.compile(r"^ami-[0-9a-z]+$")


def _progress_allowed() -> bool:
    # Progress is for a person at a terminal: never under CI or pre-commit, never into a pipe.
    if os.environ.get("CI") or os.environ.get("PRE_COMMIT"):
        return False
    return sys.stderr is not None and sys.stderr.isatty()


@app.command()
def convert(
    paths: Annotated[
        list[str] | None, typer.Argument(help="Files or directories (recursive); '-' for stdin.")
    ] = None,
    mode: Annotated[
        ConvertMode,
        typer.Option(
            "--mode", help="clean: manifests to commit; webhook: exactly what Karpenter 1.0 stores."
        ),
    ] = ConvertMode.clean,
    in_place: Annotated[bool, typer.Option("-w", "--in-place", help="Rewrite the files in place.")] = False,
    out_dir: Annotated[
        Path | None, typer.Option("--out-dir", help="Write the converted tree here, mirroring the input.")
    ] = None,
    check: Annotated[
        bool, typer.Option("--check", help="Write nothing; exit 1 if any file would change.")
    ] = False,
    diff: Annotated[bool, typer.Option("--diff", help="Print a unified diff of the changes.")] = False,
    output: Annotated[
        ConvertFormat, typer.Option("-o", "--output", help="text: notes on stderr; json: a report on stdout.")
    ] = ConvertFormat.text,
    alias_version: Annotated[
        str,
        typer.Option(
            "--alias-version",
            help="AMI alias version for amiFamily: latest, vYYYYMMDD, or family=version pairs "
            "(al2023=v20240807,bottlerocket=v1.20.3).",
        ),
    ] = "latest",
    keep_deprecated_annotations: Annotated[
        bool,
        typer.Option(
            "--keep-deprecated-annotations", help="Leave karpenter.sh/do-not-evict and do-not-consolidate."
        ),
    ] = False,
    ubuntu_ami_id: Annotated[
        str | None, typer.Option("--ubuntu-ami-id", help="AMI ID for EC2NodeClasses with amiFamily Ubuntu.")
    ] = None,
    adopt_v1_defaults: Annotated[
        bool,
        typer.Option(
            "--adopt-v1-defaults", help="Do not write out v0.37 defaults that v1 changed (hop limit 2)."
        ),
    ] = False,
) -> None:
    """Convert Karpenter v1beta1 manifests to v1, changing nothing else.

    One file or '-' without -w/--out-dir/--check/--diff: the converted file goes to stdout.
    Exit codes: 0 nothing to change, 1 files changed or would change, 2 usage error,
    3 an error to act on (unparseable file, object that cannot be converted).
    """
    from karpmigrate.convert import AliasVersions, Mode, Options

    args = _paths_or_stdin(paths)
    actions = [flag for flag, on in (("-w", in_place), ("--out-dir", out_dir), ("--check", check)) if on]
    if len(actions) > 1:
        raise UsageError(f"{' and '.join(actions)} cannot be combined")
    if diff and output is ConvertFormat.json:
        raise UsageError("--diff and -o json cannot be combined")
    if "-" in args and (in_place or out_dir is not None):
        raise UsageError("standard input cannot be rewritten in place or mirrored: use '>' instead")
    if ubuntu_ami_id is not None and not _AMI_ID.match(ubuntu_ami_id):
        raise UsageError(f"--ubuntu-ami-id: {ubuntu_ami_id!r} is not an AMI ID (ami-0123456789abcdef0)")
    options = Options(
        mode=Mode(mode.value),
        alias_version=AliasVersions.parse(alias_version),
        keep_deprecated_annotations=keep_deprecated_annotations,
        ubuntu_ami_id=ubuntu_ami_id,
        adopt_v1_defaults=adopt_v1_defaults,
    )
    from karpmigrate.io.discovery import discover

    sources = discover(args)
    to_stdout = not (actions or diff) and output is ConvertFormat.text
    if to_stdout and len(sources) != 1:
        raise UsageError(
            f"{len(sources)} files: choose -w/--in-place, --out-dir DIR, --check or --diff "
            "(only a single file or '-' is printed to stdout)"
        )
    results = _run_convert(sources, options)
    _convert_outputs(results, to_stdout=to_stdout, in_place=in_place, out_dir=out_dir, diff=diff)
    from karpmigrate.report import convert as report

    if output is ConvertFormat.json:
        report.render_json(results, sys.stdout)
    else:
        report.render_notes(results, sys.stderr)
    dry_run = not (in_place or out_dir is not None)
    if not to_stdout or any(r.notes for r in results):
        typer.echo(report.summary_line(results, dry_run=dry_run), err=True)
    if any(r.failed for r in results):
        raise typer.Exit(3)
    raise typer.Exit(1 if any(r.changed for r in results) else 0)


def _run_convert(sources: list[Source], options: Options) -> list[FileResult]:
    from karpmigrate.convert import convert_inputs, read_inputs

    inputs = read_inputs(sources, sys.stdin.buffer if sys.stdin is not None else None)
    if len(sources) >= 20 and _progress_allowed():
        from rich.console import Console
        from rich.progress import Progress

        with Progress(console=Console(stderr=True), transient=True) as progress:
            task = progress.add_task("Reading", total=len(sources))

            def counted() -> Iterator[Input]:
                for item in inputs:
                    progress.advance(task)
                    yield item

            return convert_inputs(counted(), options)
    return convert_inputs(inputs, options)


#: Threads writing files (``-w``, ``--out-dir``): each write ends with fsync calls, which release the GIL
#: and wait on the disk, so a few threads overlap them (issue 6, P3).
WRITERS = 4


def _convert_outputs(
    results: list[FileResult], *, to_stdout: bool, in_place: bool, out_dir: Path | None, diff: bool
) -> None:
    from karpmigrate.convert import writer

    if diff:
        sys.stdout.write(writer.diffs(results))
    if to_stdout or not (in_place or out_dir is not None):
        for result in results:
            _guarded(_output_one, result, writer, to_stdout=to_stdout, in_place=in_place, out_dir=out_dir)
        return
    from concurrent.futures import ThreadPoolExecutor

    def write(result: FileResult) -> str | None:
        message: str | None = _guarded(_write_one, result, writer, in_place=in_place, out_dir=out_dir)
        return message

    with ThreadPoolExecutor(WRITERS) as pool:
        # map() keeps the input order: the messages come out as a serial run prints them.
        for message in pool.map(write, results):
            if message:
                typer.echo(message, err=True)


def _guarded(action: Any, result: FileResult, *args: Any, **kwargs: Any) -> Any:
    try:
        return action(result, *args, **kwargs)
    except BrokenPipeError:
        raise
    except OSError as exc:
        # One unwritable file is an error of its own (exit 3); the others are still written.
        from karpmigrate.convert.codes import CANNOT_WRITE

        where = exc.filename or result.display
        result.errors.append(
            CANNOT_WRITE.finding(f"cannot write {where}: {exc.strerror or exc}", file=result.display)
        )
        return None


def _write_one(result: FileResult, writer: ModuleType, *, in_place: bool, out_dir: Path | None) -> str | None:
    """Write one file; the message to print for it (printed in input order by the caller)."""
    if in_place:
        return f"Rewriting {result.display}" if writer.write_in_place(result) else None
    assert out_dir is not None
    target = writer.write_mirror(result, out_dir)
    return f"Rewriting {result.display} -> {target}" if target is not None and result.changed else None


def _output_one(
    result: FileResult, writer: ModuleType, *, to_stdout: bool, in_place: bool, out_dir: Path | None
) -> None:
    if to_stdout:
        text = writer.output_text(result)
        if text is not None and not result.errors:
            sys.stdout.flush()
            sys.stdout.buffer.write(writer.encoded(result, text))
            sys.stdout.buffer.flush()
    elif result.changed:
        typer.echo(f"Would rewrite {result.display}", err=True)


def _summary(reports: list) -> None:  # type: ignore[type-arg]
    from karpmigrate.report.json_ import summary

    s = summary(reports)
    typer.echo(
        f"{s['objects']} Karpenter objects in {s['files']} files: {s['invalidObjects']} invalid, "
        f"{s['skippedFiles']} files skipped, {s['errors']} errors, {s['warnings']} warnings",
        err=True,
    )


def _option(name: str) -> typer.models.OptionInfo:
    """The typer option of ``lint``/``diff`` parameter ``name``, from ``cli.LINT_FLAGS`` (one definition)."""
    flag = LINT_FLAGS[name]
    option: typer.models.OptionInfo = typer.Option(*flag.names, help=flag.help)
    return option


_Select = Annotated[list[str] | None, _option("select")]
_Ignore = Annotated[list[str] | None, _option("ignore")]
_Config = Annotated[Path | None, _option("config")]
_FailOn = Annotated[FailOn | None, _option("fail_on")]
_ExitZero = Annotated[bool, _option("exit_zero")]
_Target = Annotated[str | None, _option("target_version")]
_Outputs = Annotated[list[ReportFormat] | None, _option("output")]
_OutputFiles = Annotated[list[Path] | None, _option("output_file")]
_NoInline = Annotated[bool, _option("no_inline_ignores")]
_Against = Annotated[str | None, _option("against")]
_Baseline = Annotated[str | None, _option("baseline")]
_LintPaths = Annotated[
    list[str] | None, typer.Argument(help="Files or directories (recursive); '-' for stdin.")
]


def _finish(outcome: object, fail_on: FailOn | None, exit_zero: bool) -> None:
    raise typer.Exit(lint_exit_code(outcome, fail_on, exit_zero))


@app.command()
def lint(
    paths: _LintPaths = None,
    against: _Against = None,
    baseline: _Baseline = None,
    output: _Outputs = None,
    output_file: _OutputFiles = None,
    config: _Config = None,
    select: _Select = None,
    ignore: _Ignore = None,
    fail_on: _FailOn = None,
    exit_zero: _ExitZero = False,
    target_version: _Target = None,
    no_inline_ignores: _NoInline = False,
) -> None:
    """Lint Karpenter manifests: migration risks, v1 rules, and the drift a change will cause.

    Drift rules compare each object with its previous version: from git (--against, default HEAD
    inside a work tree) or from --baseline. Exit codes: 0 no finding at or above --fail-on,
    1 findings, 2 usage or configuration error, 3 unreadable or unparseable input.
    """
    # cli.main usually runs lint without typer (cli.run_lint_command); this is the path for --help,
    # and for the arguments its small parser leaves to click (e.g. mistakes, so the messages are click's).
    raise typer.Exit(
        run_lint_command(
            paths=paths,
            against=against,
            baseline=baseline,
            output=output,
            output_file=output_file,
            config=config,
            select=select,
            ignore=ignore,
            fail_on=fail_on,
            exit_zero=exit_zero,
            target_version=target_version,
            no_inline_ignores=no_inline_ignores,
        )
    )


@app.command()
def diff(
    old: Annotated[str, typer.Argument(help="The previous manifests: a file or a directory.")],
    new: Annotated[str, typer.Argument(help="The new manifests: a file or a directory.")],
    output: _Outputs = None,
    output_file: _OutputFiles = None,
    config: _Config = None,
    select: _Select = None,
    ignore: _Ignore = None,
    fail_on: _FailOn = None,
    exit_zero: _ExitZero = False,
    target_version: _Target = None,
) -> None:
    """Predict node replacement: which changes from OLD to NEW make Karpenter drift nodes, and why.

    Objects are matched by kind, namespace and name across files. Exit codes: 0 no finding at or
    above --fail-on, 1 findings, 2 usage error, 3 unreadable or unparseable input.
    """
    from karpmigrate.lint.session import Request, run_diff

    outputs = _outputs(output, output_file)
    request = Request(paths=[new], config=config, select=select, ignore=ignore, target_version=target_version)
    outcome = run_diff([old], [new], request, sys.stdin.buffer if sys.stdin is not None else None)
    _write_reports(outputs, outcome.reports, "diff")
    _lint_summary(outcome.reports, old)
    _finish(outcome, fail_on, exit_zero)


class AuditFormat(str, enum.Enum):
    text = "text"
    json = "json"
    sarif = "sarif"
    junit = "junit"
    github = "github"
    markdown = "markdown"


@app.command()
def audit(
    kubeconfig: Annotated[
        str | None,
        typer.Option("--kubeconfig", help="Kubeconfig file (default: KUBECONFIG, then ~/.kube/config)."),
    ] = None,
    context: Annotated[
        list[str] | None, typer.Option("--context", help="Kubeconfig context to audit (repeatable).")
    ] = None,
    all_contexts: Annotated[
        bool, typer.Option("--all-contexts", help="Audit every context of the kubeconfig.")
    ] = False,
    request_timeout: Annotated[
        str | None,
        typer.Option(
            "--request-timeout",
            help="Wait for each API request: seconds or a duration (30s, 1m), as kubectl.",
        ),
    ] = None,
    output: Annotated[list[AuditFormat] | None, typer.Option("-o", "--output", help=OUTPUT_HELP)] = None,
    output_file: _OutputFiles = None,
    export: Annotated[
        Path | None,
        typer.Option(
            "--export", help="Write the live NodePools and EC2NodeClasses as clean v1 manifests here."
        ),
    ] = None,
    target_version: _Target = None,
) -> None:
    """Read-only check of live clusters: what blocks Karpenter 1.1, and what will drift.

    Only get and list requests are made (deploy/rbac.yaml grants exactly those). Exit codes: 0 no
    blocker, 1 blockers found, 2 usage error (unknown context), 3 a cluster unreachable or refusing
    the credentials.
    """
    from karpmigrate.audit.session import AuditRequest, run_audit

    if all_contexts and context:
        raise UsageError("--context and --all-contexts cannot be combined")
    formats = [ReportFormat(f.value) for f in output] if output else None
    outputs = _outputs(formats, output_file)
    request = AuditRequest(
        kubeconfig=kubeconfig,
        contexts=list(context or []),
        all_contexts=all_contexts,
        request_timeout=_timeout(request_timeout),
        export=export,
        target_version=target_version,
    )
    outcome = run_audit(request)
    for name, target in outputs:
        if name == "text":
            _audit_text(outcome.reports, target)
        else:
            _write_reports([(name, target)], outcome.file_reports(), "audit")
    for line in outcome.notes:
        typer.echo(line, err=True)
    raise typer.Exit(outcome.exit_code())


def _timeout(text: str | None) -> float | None:
    """kubectl's --request-timeout: a number of seconds or a Go duration; 0 means no timeout."""
    if text is None:
        return None
    from karpmigrate.convert.go import parse_go_duration

    try:
        seconds = float(text) if text.replace(".", "", 1).isdigit() else parse_go_duration(text) / 1e9
    except ValueError:
        raise UsageError(
            f"--request-timeout: {text!r} is not a duration (e.g. 30s, 1m, or seconds)"
        ) from None
    if seconds < 0:
        raise UsageError("--request-timeout: must not be negative")
    return seconds or None


def _audit_text(reports: list, target: Path | None) -> None:  # type: ignore[type-arg]
    from karpmigrate.audit.report import render_text

    if target is None:
        render_text(reports, sys.stdout)
        return
    with open(target, "w", encoding="utf-8") as stream:
        render_text(reports, stream, color=False)


@app.command()
def rules(
    code: Annotated[str | None, typer.Argument(help="A rule code (KM105) to explain.")] = None,
    output: Annotated[RulesFormat, typer.Option("-o", "--output", help="List format.")] = RulesFormat.text,
) -> None:
    """List the lint rules, or explain one (what it does, why it matters, example, use instead)."""
    from karpmigrate.lint import catalogue_doc

    if code is None:
        sys.stdout.write(catalogue_doc.listing(output.value))
        return
    sys.stdout.write(catalogue_doc.explain(code.upper(), output.value))


@schemas_app.command("export")
def schemas_export(
    directory: Annotated[Path, typer.Argument(help="Where to write the schemas (created if missing).")],
    layout: Annotated[
        SchemaLayout,
        typer.Option(
            "--layout", help="flat: {kind}_{version}.json; crds-catalog: {group}/{kind}_{version}.json."
        ),
    ] = SchemaLayout.flat,
) -> None:
    """Write the JSON Schema of every Karpenter kind (for kubeconform, editors, CI)."""
    from karpmigrate.schemas_export import export_schemas

    for path in export_schemas(directory, layout.value):
        typer.echo(str(path))
