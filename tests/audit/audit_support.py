"""Helpers for the audit tests: a served cluster, a kubeconfig for it, a connected view.

Checks' tests can do::

    with served(mid_migration()) as server:
        view = live_view(server, tmp_path)
        ...

``live_view`` goes through the real path: a kubeconfig file, ``resolve_contexts``, ``connect``.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Iterator
from pathlib import Path

from k8s_server import TOKEN, ApiServer, Cluster

from karpmigrate.audit.client import LiveCluster, Retry, connect, resolve_contexts

#: Retries without the production backoff, so fault tests stay fast.
FAST = Retry(attempts=3, base=0.01, cap=0.05)


@contextlib.contextmanager
def served(cluster: Cluster, *, tls: bool = False) -> Iterator[ApiServer]:
    with ApiServer(cluster, tls=tls) as server:
        yield server


def live_view(
    server: ApiServer,
    directory: Path,
    *,
    context: str = "test",
    request_timeout: float | None = 5.0,
    retry: Retry = FAST,
) -> LiveCluster:
    kubeconfig = server.kubeconfig(directory / f"kubeconfig-{server.port}", context=context)
    [target] = resolve_contexts(str(kubeconfig), [context], False)
    return connect(target, request_timeout, retry=retry)


def assert_no_secret(texts: Iterable[str], secrets: Iterable[str] = (TOKEN,)) -> None:
    """No credential in any of ``texts`` (messages, captured output, log lines)."""
    for text in texts:
        for secret in secrets:
            assert secret not in text, f"credential leaked in: {text[:200]!r}"
