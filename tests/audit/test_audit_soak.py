"""Soak: the audit run again and again against a flaky, slow server keeps its memory flat (issue 6).

Each round re-connects through a real kubeconfig (as a CI job re-running the audit would), meets 500s,
an expired continue token and slow pages, and must report the same findings; traced Python memory
after the rounds must not grow with the number of rounds.
"""

from __future__ import annotations

import gc
import tracemalloc

from audit_support import FAST, served
from k8s_scenarios import large_cluster

from karpmigrate.audit.client import connect, resolve_contexts
from karpmigrate.audit.runner import audit

ROUNDS = 6


def _faults(server) -> None:
    server.clear()
    server.fault("/api/v1/pods", status=500, times=2)
    server.fault("/api/v1/pods", status=410, times=1, on_continue=True)
    server.fault("/api/v1/nodes", delay=0.01)
    server.fault("/apis/karpenter.sh/v1/nodeclaims", status=503, times=1, retry_after=0)


def _round(server, kubeconfig) -> list[tuple[str, str | None]]:
    _faults(server)
    [target] = resolve_contexts(str(kubeconfig), ["soak"], False)
    view = connect(target, 5.0, retry=FAST)
    report = audit(view)
    return sorted((i.code.code, i.name) for i in report.issues)


def test_repeated_audits_against_a_flaky_server_keep_memory_flat(tmp_path):
    cluster = large_cluster(nodepools=10, nodeclaims=200, pods=2000, nodes=200)
    with served(cluster) as server:
        kubeconfig = server.kubeconfig(tmp_path / "kubeconfig", context="soak")
        first = _round(server, kubeconfig)
        assert ("KA040", None) not in first  # pods are grouped by owner: names are set
        assert any(code == "KA040" for code, _ in first)  # one pod in 1,000 still has do-not-evict
        assert not any(code == "KA090" for code, _ in first)  # every fault was retried away
        gc.collect()
        tracemalloc.start()
        _round(server, kubeconfig)
        gc.collect()
        baseline = tracemalloc.get_traced_memory()[0]
        for _ in range(ROUNDS):
            assert _round(server, kubeconfig) == first
        gc.collect()
        grown = tracemalloc.get_traced_memory()[0] - baseline
        tracemalloc.stop()
    # A leak of one page (500 pods, ~1.5 MB) per round would show as > 10 MB here.
    assert grown < 2 * 1024 * 1024, f"traced memory grew by {grown / 1e6:.1f} MB over {ROUNDS} rounds"
