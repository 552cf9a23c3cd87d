"""The edge of ``audit``: resolve contexts, connect (one client each), run the checks, export.

An unreachable context (connection refused, TLS failure, 401) is reported in one line and the other
contexts are still audited; the command then exits 3.
"""

from __future__ import annotations

import pathlib
from dataclasses import dataclass, field

from karpmigrate.audit._base import ClusterView, ContextReport, SourceError
from karpmigrate.audit.runner import audit, blocking
from karpmigrate.errors import KarpmigrateError
from karpmigrate.findings import FileReport
from karpmigrate.target import Target


@dataclass(slots=True)
class AuditRequest:
    kubeconfig: str | None = None
    contexts: list[str] = field(default_factory=list)
    all_contexts: bool = False
    request_timeout: float | None = None
    export: pathlib.Path | None = None
    target_version: str | None = None


@dataclass(slots=True)
class AuditOutcome:
    reports: list[ContextReport] = field(default_factory=list)
    #: Lines for stderr: exported files, conversion notes of the export.
    notes: list[str] = field(default_factory=list)

    def file_reports(self) -> list[FileReport]:
        from karpmigrate.audit.report import file_reports

        return file_reports(self.reports)

    def exit_code(self) -> int:
        """0 no blocker, 1 blockers, 3 a context could not be audited at all (design §2)."""
        if any(r.unreachable is not None for r in self.reports):
            return 3
        if any(blocking(i) for r in self.reports for i in r.issues):
            return 1
        return 0


def _export(view: ClusterView, directory: pathlib.Path) -> list[str]:
    from karpmigrate.audit.export import export

    try:
        written, notes = export(view, directory)
    except SourceError as error:
        return [
            f"karpmigrate: export of context {view.context} skipped: cannot read {error.resource} ({error.reason})"
        ]
    except OSError as error:
        raise KarpmigrateError(f"--export {directory}: {error.strerror or error}") from None
    return [f"Wrote {path}" for path in written] + [note.one_line() for note in notes]


def run_audit(request: AuditRequest) -> AuditOutcome:
    # The only path that imports the kubernetes client (design §6, issue 5).
    from karpmigrate.audit.client import ClusterUnreachable, connect, resolve_contexts

    target = Target.parse(request.target_version) if request.target_version else None
    outcome = AuditOutcome()
    for context in resolve_contexts(request.kubeconfig, request.contexts, request.all_contexts):
        try:
            view = connect(context, request.request_timeout)
            report = audit(view, target=target)
            if request.export is not None:
                outcome.notes += _export(view, request.export)
        except ClusterUnreachable as error:
            report = ContextReport(str(getattr(context, "name", context)), unreachable=error.reason)
        outcome.reports.append(report)
    return outcome
