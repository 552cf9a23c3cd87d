"""The command line: parse arguments, call the pure core, pick a reporter, choose the exit code.

This is the one error boundary (spec/aesthetics.md): expected errors are ``KarpmigrateError`` and
print one line; anything else is a bug and still prints one line, never a traceback with locals.

The commands, their options and their ``--help`` live in :mod:`karpmigrate.cli_app` (typer). This
module is what the console script imports, and it stays light: ``karpmigrate lint FILE...`` is a
pre-commit hook, run once per commit, and importing typer, click and pydantic took longer than
yamllint's whole run (issue 6, budget P1). So :func:`main` parses ``lint`` itself when every argument
is one it knows (:data:`LINT_FLAGS`, which also builds typer's options), and hands anything else to
typer: ``--help``, other commands, and every mistake, so the messages stay click's.
"""

from __future__ import annotations

import enum
import errno
import os
import sys
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import IO, Any, NamedTuple

from karpmigrate.errors import KarpmigrateError, UsageError


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


OUTPUT_HELP = "Report format; repeat it with --output-file for several reports in one run."
OUTPUT_FILE_HELP = "Write the report of the -o at the same position to this file (kube-linter style)."


# ---------------------------------------------------------------- the options of lint (and diff)


class Flag(NamedTuple):
    """One option: its names and help (typer builds ``--help`` from them) and how to read its value."""

    names: tuple[str, ...]
    help: str
    #: Turns the text into the value typer would pass; None: a switch that takes no value.
    convert: Callable[[str], Any] | None = str
    multiple: bool = False
    #: The accepted values (an enum's), empty for any text.
    choices: tuple[str, ...] = ()


def _choices(kind: type[enum.Enum]) -> tuple[str, ...]:
    return tuple(str(member.value) for member in kind)


#: ``lint``'s options by parameter name; ``diff`` shares those it has. Typer's definitions are built
#: from these (cli_app._option), and the fast path of :func:`main` reads them: one definition of each.
LINT_FLAGS: dict[str, Flag] = {
    "against": Flag(
        ("--against",), "Git revision holding the previous version (default HEAD in a git tree)."
    ),
    "baseline": Flag(("--baseline",), "File or directory holding the previous version (instead of git)."),
    "output": Flag(("-o", "--output"), OUTPUT_HELP, ReportFormat, True, _choices(ReportFormat)),
    "output_file": Flag(("--output-file",), OUTPUT_FILE_HELP, Path, True),
    "config": Flag(("--config",), "Configuration file (default: .karpmigrate.yaml).", Path),
    "select": Flag(
        ("--select",), "Only these rule codes or prefixes (comma-separated, repeatable).", multiple=True
    ),
    "ignore": Flag(("--ignore",), "Skip these rule codes or prefixes (comma-separated).", multiple=True),
    "fail_on": Flag(
        ("--fail-on",),
        "Lowest level that makes the command exit 1 (default: warning).",
        FailOn,
        choices=_choices(FailOn),
    ),
    "exit_zero": Flag(("--exit-zero",), "Exit 0 even with findings (3 still means broken input).", None),
    "target_version": Flag(("--target-version",), "Karpenter release the manifests are for (default 1.0)."),
    "no_inline_ignores": Flag(
        ("--no-inline-ignores",), "Ignore '# karpmigrate: disable' comments (strict CI).", None
    ),
}


# ---------------------------------------------------------------- shared by the commands


def _echo(message: str) -> None:
    """A line on stderr, as ``typer.echo(message, err=True)`` writes it (without importing typer)."""
    if sys.stderr is not None:
        sys.stderr.write(message + "\n")
        sys.stderr.flush()


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


def _paths_or_stdin(paths: list[str] | None) -> list[str]:
    if paths:
        return paths
    if sys.stdin is None or sys.stdin.isatty():
        raise UsageError("no input: give files or directories, or '-' to read standard input")
    return ["-"]


def _lint_summary(reports: list, compared_with: str | None) -> None:  # type: ignore[type-arg]
    from karpmigrate.report.json_ import summary

    s = summary(reports)
    against = (
        f"; compared with {compared_with}" if compared_with else "; no previous version (drift rules off)"
    )
    _echo(
        f"{s['objects']} objects in {s['files']} files: {s['errors']} errors, {s['warnings']} warnings, "
        f"{s['infos']} infos{against}"
    )


def lint_exit_code(outcome: object, fail_on: FailOn | None, exit_zero: bool) -> int:
    """The exit code of ``lint``/``diff``: ``--fail-on``, else the config's ``fail-on``, else warning."""
    from karpmigrate.lint.session import FAIL_ON, exit_code

    reports = outcome.reports  # type: ignore[attr-defined]
    configured = outcome.config.fail_on  # type: ignore[attr-defined]
    level = FAIL_ON[fail_on.value if fail_on else configured or "warning"]
    code = exit_code(reports, level)
    return 0 if exit_zero and code == 1 else code


def run_lint_command(
    *,
    paths: list[str] | None,
    against: str | None = None,
    baseline: str | None = None,
    output: list[ReportFormat] | None = None,
    output_file: list[Path] | None = None,
    config: Path | None = None,
    select: list[str] | None = None,
    ignore: list[str] | None = None,
    fail_on: FailOn | None = None,
    exit_zero: bool = False,
    target_version: str | None = None,
    no_inline_ignores: bool = False,
) -> int:
    """``karpmigrate lint`` once its arguments are parsed (by typer or by :func:`_lint_arguments`)."""
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
    return lint_exit_code(outcome, fail_on, exit_zero)


# ---------------------------------------------------------------- lint without typer (budget P1)

_BY_NAME = {name: (dest, flag) for dest, flag in LINT_FLAGS.items() for name in flag.names}


def _option(token: str, rest: Iterator[str]) -> tuple[str, Flag, Any] | None:
    """(parameter, flag, value as typer passes it) of the option ``token``; None: leave it to click."""
    if token.startswith("--"):
        name, equals, text = token.partition("=")
        attached = text if equals else None
    else:
        name, attached = token[:2], token[2:] or None  # -ojson, as click reads a short option
    found = _BY_NAME.get(name)
    if found is None:
        return None
    dest, flag = found
    if flag.convert is None:
        return None if attached is not None else (dest, flag, True)
    value = attached if attached is not None else next(rest, None)
    # A value that looks like an option, an empty one, a wrong choice: click says what is wrong.
    if not value or value.startswith("-") or (flag.choices and value not in flag.choices):
        return None
    return dest, flag, flag.convert(value)


def _lint_arguments(args: Sequence[str]) -> dict[str, Any] | None:
    """The keyword arguments of :func:`run_lint_command` for ``lint ARGS``, as typer would pass them.

    None when anything is unusual (``--help``, an unknown option, a missing value, a repeated
    single-valued option): typer then parses the arguments and reports the mistake itself.
    """
    values: dict[str, Any] = {}
    paths: list[str] = []
    rest = iter(args)
    for token in rest:
        if token == "--":
            paths.extend(rest)
            continue
        if not token.startswith("-") or token == "-":
            paths.append(token)
            continue
        parsed = _option(token, rest)
        if parsed is None:
            return None
        dest, flag, value = parsed
        if flag.multiple:
            values.setdefault(dest, []).append(value)
        elif dest in values and flag.convert is not None:
            return None
        else:
            values[dest] = value
    return {"paths": paths or None, **values}


class _Pacified:
    """A stream whose flush ignores a closed pipe (click's PacifyFlushWrapper): the exit stays quiet."""

    def __init__(self, wrapped: IO[str]) -> None:
        self.wrapped = wrapped

    def flush(self) -> None:
        try:
            self.wrapped.flush()
        except OSError as exc:
            if exc.errno != errno.EPIPE:
                raise

    def __getattr__(self, name: str) -> Any:
        return getattr(self.wrapped, name)


def _run_lint_fast(values: dict[str, Any]) -> int:
    try:
        return run_lint_command(**values)
    except OSError as exc:
        # What typer's standalone mode does with a closed pipe (typer.core._main): exit 1, quietly.
        if exc.errno != errno.EPIPE:
            raise
        sys.stdout = _Pacified(sys.stdout)
        sys.stderr = _Pacified(sys.stderr)
        return 1


# ---------------------------------------------------------------- entry point


def _prog_name(argv0: str) -> str:
    # krew convention: invoked as kubectl-karpmigrate, present ourselves as "kubectl karpmigrate".
    return "kubectl karpmigrate" if os.path.basename(argv0).startswith("kubectl-") else "karpmigrate"


def _dispatch(args: list[str]) -> int:
    values = _lint_arguments(args[1:]) if args[:1] == ["lint"] else None
    if values is not None:
        return _run_lint_fast(values)
    from karpmigrate.cli_app import app

    # Standalone mode: Click/Typer print usage errors themselves and exit 2 (design §2).
    app(args=args, prog_name=_prog_name(sys.argv[0]))
    return 0


def main(argv: list[str] | None = None) -> int:
    """Console-script entry point; returns the exit code (design §2)."""
    args = sys.argv[1:] if argv is None else argv
    try:
        return _dispatch(list(args))
    except SystemExit as exc:
        return exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    except KarpmigrateError as exc:
        _echo(f"karpmigrate: error: {exc}")
        return exc.exit_code
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0
    except Exception as exc:  # noqa: BLE001 - the one boundary: a bug still gets one line, no locals
        if os.environ.get("KARPMIGRATE_DEBUG"):
            raise
        _echo(
            f"karpmigrate: internal error: {type(exc).__name__}: {exc} "
            "(please report it; KARPMIGRATE_DEBUG=1 shows the traceback)"
        )
        return 3


def __getattr__(name: str) -> Any:
    # ``karpmigrate.cli.app`` (the typer application) still resolves, loaded on first use.
    if name == "app":
        from karpmigrate.cli_app import app

        return app
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
