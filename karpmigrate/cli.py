"""The command line: parse arguments, call the pure core, pick a reporter, choose the exit code.

This is the one error boundary (spec/aesthetics.md): expected errors are ``KarpmigrateError`` and
print one line; anything else is a bug and still prints one line, never a traceback with locals.
"""

from __future__ import annotations

import enum
import os
import re
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from karpmigrate import __version__
from karpmigrate.errors import KarpmigrateError, UsageError

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


class ReportFormat(str, enum.Enum):
    text = "text"
    json = "json"
    sarif = "sarif"
    junit = "junit"
    github = "github"
    markdown = "markdown"


class FailOn(str, enum.Enum):
    error = "error"
    warning = "warning"
    info = "info"


class RulesFormat(str, enum.Enum):
    text = "text"
    json = "json"
    markdown = "markdown"


_OUTPUT_HELP = "Report format; repeat it with --output-file for several reports in one run."
_OUTPUT_FILE_HELP = "Write the report of the -o at the same position to this file (kube-linter style)."


def _outputs(formats: list[ReportFormat] | None, files: list[Path] | None) -> list[tuple[str, Path | None]]:
    """(format, file or None for stdout) pairs; -o and --output-file pair up by position."""
    chosen = [f.value for f in formats or [ReportFormat.text]]
    targets: list[Path | None] = list(files or [])
    if len(targets) > len(chosen):
        raise UsageError("more --output-file than -o/--output: give the format of each file")
    targets += [None] * (len(chosen) - len(targets))
    if targets.count(None) > 1:
        raise UsageError("only one report can go to stdout: give the others an --output-file")
    return list(zip(chosen, targets, strict=True))


def _write_reports(outputs: list[tuple[str, Path | None]], reports: list, command: str) -> None:  # type: ignore[type-arg]
    from karpmigrate.report import Context, render, render_file

    ctx = Context.create(command)
    for name, target in outputs:
        if target is None:
            render(name, reports, sys.stdout, ctx)
            continue
        try:
            render_file(name, reports, target, ctx)
        except OSError as exc:
            raise KarpmigrateError(f"--output-file {target}: {exc.strerror or exc}") from None


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


def _paths_or_stdin(paths: list[str] | None) -> list[str]:
    if paths:
        return paths
    if sys.stdin is None or sys.stdin.isatty():
        raise UsageError("no input: give files or directories, or '-' to read standard input")
    return ["-"]


@app.command()
def validate(
    paths: Annotated[
        list[str] | None, typer.Argument(help="Files or directories (recursive); '-' for stdin.")
    ] = None,
    output: Annotated[list[ReportFormat] | None, typer.Option("-o", "--output", help=_OUTPUT_HELP)] = None,
    output_file: Annotated[list[Path] | None, typer.Option("--output-file", help=_OUTPUT_FILE_HELP)] = None,
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


def _convert_outputs(
    results: list[FileResult], *, to_stdout: bool, in_place: bool, out_dir: Path | None, diff: bool
) -> None:
    from karpmigrate.convert import writer

    if diff:
        sys.stdout.write(writer.diffs(results))
    for result in results:
        try:
            _output_one(result, writer, to_stdout=to_stdout, in_place=in_place, out_dir=out_dir)
        except BrokenPipeError:
            raise
        except OSError as exc:
            # One unwritable file is an error of its own (exit 3); the others are still written.
            from karpmigrate.convert.codes import CANNOT_WRITE

            where = exc.filename or result.display
            result.errors.append(
                CANNOT_WRITE.finding(f"cannot write {where}: {exc.strerror or exc}", file=result.display)
            )


def _output_one(
    result: FileResult, writer: ModuleType, *, to_stdout: bool, in_place: bool, out_dir: Path | None
) -> None:
    if to_stdout:
        text = writer.output_text(result)
        if text is not None and not result.errors:
            sys.stdout.flush()
            sys.stdout.buffer.write(writer.encoded(result, text))
            sys.stdout.buffer.flush()
    elif in_place:
        if writer.write_in_place(result):
            typer.echo(f"Rewriting {result.display}", err=True)
    elif out_dir is not None:
        target = writer.write_mirror(result, out_dir)
        if target is not None and result.changed:
            typer.echo(f"Rewriting {result.display} -> {target}", err=True)
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


def _lint_summary(reports: list, compared_with: str | None) -> None:  # type: ignore[type-arg]
    from karpmigrate.report.json_ import summary

    s = summary(reports)
    against = (
        f"; compared with {compared_with}" if compared_with else "; no previous version (drift rules off)"
    )
    typer.echo(
        f"{s['objects']} objects in {s['files']} files: {s['errors']} errors, {s['warnings']} warnings, "
        f"{s['infos']} infos{against}",
        err=True,
    )


_Select = Annotated[
    list[str] | None,
    typer.Option("--select", help="Only these rule codes or prefixes (comma-separated, repeatable)."),
]
_Ignore = Annotated[
    list[str] | None, typer.Option("--ignore", help="Skip these rule codes or prefixes (comma-separated).")
]
_Config = Annotated[
    Path | None, typer.Option("--config", help="Configuration file (default: .karpmigrate.yaml).")
]
_FailOn = Annotated[
    FailOn | None,
    typer.Option("--fail-on", help="Lowest level that makes the command exit 1 (default: warning)."),
]
_ExitZero = Annotated[
    bool, typer.Option("--exit-zero", help="Exit 0 even with findings (3 still means broken input).")
]
_Target = Annotated[
    str | None,
    typer.Option("--target-version", help="Karpenter release the manifests are for (default 1.0)."),
]
_Outputs = Annotated[list[ReportFormat] | None, typer.Option("-o", "--output", help=_OUTPUT_HELP)]
_OutputFiles = Annotated[list[Path] | None, typer.Option("--output-file", help=_OUTPUT_FILE_HELP)]
_NoInline = Annotated[
    bool, typer.Option("--no-inline-ignores", help="Ignore '# karpmigrate: disable' comments (strict CI).")
]


def _finish(outcome: object, fail_on: FailOn | None, exit_zero: bool) -> None:
    from karpmigrate.lint.session import FAIL_ON, exit_code

    reports = outcome.reports  # type: ignore[attr-defined]
    configured = outcome.config.fail_on  # type: ignore[attr-defined]
    level = FAIL_ON[fail_on.value if fail_on else configured or "warning"]
    code = exit_code(reports, level)
    raise typer.Exit(0 if exit_zero and code == 1 else code)


@app.command()
def lint(
    paths: Annotated[
        list[str] | None, typer.Argument(help="Files or directories (recursive); '-' for stdin.")
    ] = None,
    against: Annotated[
        str | None,
        typer.Option(
            "--against", help="Git revision holding the previous version (default HEAD in a git tree)."
        ),
    ] = None,
    baseline: Annotated[
        str | None,
        typer.Option("--baseline", help="File or directory holding the previous version (instead of git)."),
    ] = None,
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
    from karpmigrate.lint.session import Request, run_lint

    outputs = _outputs(output, output_file)
    request = Request(
        paths=_paths_or_stdin(paths),
        against=against,
        baseline=baseline,
        config=config,
        select=select,
        ignore=ignore,
        target_version=target_version,
        inline_ignores=not no_inline_ignores,
    )
    outcome = run_lint(request, sys.stdin.buffer if sys.stdin is not None else None)
    _write_reports(outputs, outcome.reports, "lint")
    _lint_summary(outcome.reports, outcome.compared_with)
    _finish(outcome, fail_on, exit_zero)


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
    output: Annotated[list[AuditFormat] | None, typer.Option("-o", "--output", help=_OUTPUT_HELP)] = None,
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


def _prog_name(argv0: str) -> str:
    # krew convention: invoked as kubectl-karpmigrate, present ourselves as "kubectl karpmigrate".
    return "kubectl karpmigrate" if os.path.basename(argv0).startswith("kubectl-") else "karpmigrate"


def main(argv: list[str] | None = None) -> int:
    """Console-script entry point; returns the exit code (design §2)."""
    args = sys.argv[1:] if argv is None else argv
    try:
        # Standalone mode: Click/Typer print usage errors themselves and exit 2 (design §2).
        app(args=args, prog_name=_prog_name(sys.argv[0]))
    except SystemExit as exc:
        return exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    except KarpmigrateError as exc:
        typer.echo(f"karpmigrate: error: {exc}", err=True)
        return exc.exit_code
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0
    except Exception as exc:  # noqa: BLE001 - the one boundary: a bug still gets one line, no locals
        if os.environ.get("KARPMIGRATE_DEBUG"):
            raise
        typer.echo(
            f"karpmigrate: internal error: {type(exc).__name__}: {exc} "
            "(please report it; KARPMIGRATE_DEBUG=1 shows the traceback)",
            err=True,
        )
        return 3
    return 0
