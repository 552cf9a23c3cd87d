"""The command line: parse arguments, call the pure core, pick a reporter, choose the exit code.

This is the one error boundary (spec/aesthetics.md): expected errors are ``KarpmigrateError`` and
print one line; anything else is a bug and still prints one line, never a traceback with locals.
"""

from __future__ import annotations

import enum
import os
import sys
from pathlib import Path
from typing import Annotated

import typer

from karpmigrate import __version__
from karpmigrate.errors import KarpmigrateError, UsageError

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


class ValidateFormat(str, enum.Enum):
    text = "text"
    json = "json"


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
    output: Annotated[
        ValidateFormat, typer.Option("-o", "--output", help="Report format.")
    ] = ValidateFormat.text,
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
    from karpmigrate.validate import Target, exit_code, validate_sources

    target = Target.parse(target_version)
    judge = None
    if crd is not None:
        from karpmigrate.validate import crd_judge

        judge = crd_judge(crd)
    sources = discover(_paths_or_stdin(paths))
    reports = list(validate_sources(sources, target=target, judge=judge, stdin=sys.stdin.buffer))
    if output is ValidateFormat.json:
        from karpmigrate.report import json_

        json_.render(reports, sys.stdout)
    else:
        from karpmigrate.report import text

        text.render(reports, sys.stdout)
    _summary(reports)
    raise typer.Exit(exit_code(reports))


def _summary(reports: list) -> None:  # type: ignore[type-arg]
    from karpmigrate.report.json_ import summary

    s = summary(reports)
    typer.echo(
        f"{s['objects']} Karpenter objects in {s['files']} files: {s['invalidObjects']} invalid, "
        f"{s['skippedFiles']} files skipped, {s['errors']} errors, {s['warnings']} warnings",
        err=True,
    )


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
