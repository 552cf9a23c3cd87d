"""P4 audit: ``karpmigrate audit`` against ``kubectl get pods,nodes,nodeclaims,nodepools -A -o json``.

Both commands read the same cluster from the test API server of the audit tests
(tests/audit/k8s_server.py, the large scenario of tests/audit/k8s_scenarios.py: 50 NodePools, 2,000
NodeClaims, 20,000 Pods, 2,000 Nodes). The server runs inside this process, on a thread: the script
adds tests/audit to ``sys.path`` and imports it. It serves TLS, since kubectl sends no bearer token to
a plain-http server, and both clients page at 500 (karpmigrate's ``PAGE_SIZE``, kubectl's
``--chunk-size=500``); after each run the script checks from the server's request log that every list
was read to its end in pages of 500. Budgets (issue 6): median wall <= 1.5x kubectl's median; peak RSS
<= 300 MB.

The cluster has no randomness (``--seed`` is accepted for the common interface and changes nothing).
The server's own work (TLS, JSON paging, gzip) runs on the same 2 cores as the client, for both
commands alike. Peak RSS comes from GNU time, so this process's RSS (the cluster is held here) is not
counted in the children's figures. kubectl keeps its discovery cache under the work directory: warm
after the warm-up run, as a user's ``~/.kube/cache`` is, and ``~/.kube`` is left alone.
"""

from __future__ import annotations

import argparse
import math
import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING

import _measure as m

if TYPE_CHECKING:  # imported at run time by server_module(), once tests/audit is on sys.path
    from k8s_server import ApiServer

WALL_RATIO_BUDGET = 1.5
RSS_BUDGET_MB = 300.0
PAGE = 500
KUBECTL_ENV = "KARPMIGRATE_BENCH_KUBECTL"
#: Where this machine has it (not always on PATH).
MACHINE_KUBECTL = Path("/usr/bin/kubectl")
TESTS_AUDIT = m.BENCH.parent / "tests" / "audit"
#: What kubectl is asked for -> the list each client must read to its end (plural, path).
LISTS: dict[str, str] = {
    "pods": "/api/v1/pods",
    "nodes": "/api/v1/nodes",
    "nodeclaims": "/apis/karpenter.sh/v1/nodeclaims",
    "nodepools": "/apis/karpenter.sh/v1/nodepools",
}


def find_kubectl(flag: str | None) -> Path:
    candidates = [flag, os.environ.get(KUBECTL_ENV), shutil.which("kubectl"), MACHINE_KUBECTL]
    for candidate in candidates:
        if candidate and Path(candidate).is_file():
            return Path(candidate)
    raise m.SetupError(f"kubectl not found (the P4 reference); pass --kubectl PATH or set ${KUBECTL_ENV}")


def kubectl_version(kubectl: Path) -> str:
    done = subprocess.run([str(kubectl), "version", "--client"], capture_output=True, text=True, check=False)
    first = (done.stdout.strip() or done.stderr.strip()).splitlines()
    return first[0] if first else f"exit {done.returncode}"


def server_module() -> ModuleType:
    """tests/audit/k8s_server.py, imported by name as the audit tests import it."""
    if str(TESTS_AUDIT) not in sys.path:
        sys.path.insert(0, str(TESTS_AUDIT))
    import k8s_server

    return k8s_server


@dataclass
class Logged:
    """Runs each command against a cleared request log, then checks its paging from the log."""

    server: ApiServer
    counts: dict[str, int]
    #: name -> requests per list of its last run.
    pages: dict[str, dict[str, int]] = field(default_factory=dict)

    def command(self, name: str, argv: Sequence[str | Path], expect: Sequence[int]) -> Callable[[], m.Run]:
        def run() -> m.Run:
            self.server.clear()
            result = m.run_cold(argv, expect=expect)
            self.pages[name] = self.check(name)
            return result

        return run

    def check(self, who: str) -> dict[str, int]:
        """Requests per list of the run just made; a SetupError when a list was not paged at 500 or
        not read to its end (then the two commands did not do the same work)."""
        found = {}
        for plural, path in LISTS.items():
            listed = [r for r in self.server.requests if r.path == path]
            limits = sorted({r.query.get("limit", "none") for r in listed})
            if limits != [str(PAGE)]:
                raise m.SetupError(f"{who} listed {path} with limit {', '.join(limits) or '(no request)'}")
            if len(listed) < max(1, math.ceil(self.counts[plural] / PAGE)):
                raise m.SetupError(
                    f"{who} read {len(listed)} pages of {path} for {self.counts[plural]} objects"
                )
            found[plural] = len(listed)
        return found


def body(a: argparse.Namespace) -> bool:
    out = m.emit("P4")
    out(m.machine())
    exe, kubectl = m.karpmigrate_exe(), find_kubectl(a.kubectl)
    out(f"reference: {kubectl} ({kubectl_version(kubectl)}); {m.rss_source()}")
    k8s = server_module()
    counts = {"nodepools": a.nodepools, "nodeclaims": a.nodeclaims, "pods": a.pods, "nodes": a.nodes}
    cluster = k8s.large_cluster(**counts)
    try:
        server = k8s.ApiServer(cluster, tls=True)
    except (OSError, subprocess.CalledProcessError) as exc:
        raise m.SetupError(
            f"cannot start the TLS test API server (openssl makes its certificate): {exc}"
        ) from exc
    with m.workdir(a.workdir) as root, server:
        kubeconfig = server.kubeconfig(root / "p4-kubeconfig")
        cache = root / "p4-kubectl-cache"
        out(
            f"cluster: {a.nodepools} NodePools, {a.nodeclaims} NodeClaims, {a.pods} Pods, {a.nodes} Nodes at "
            f"{server.url} (test API server on a thread of this process, pages of {PAGE})"
        )
        audit = [exe, "audit", "--kubeconfig", kubeconfig]
        get = [kubectl, "--kubeconfig", kubeconfig, "--cache-dir", cache, "get", ",".join(LISTS)]
        get += ["-A", "-o", "json", f"--chunk-size={PAGE}"]
        if a.profile:
            m.profile_cold(audit[1:], a.profile, out)
        log = Logged(server, counts)
        # audit's documented exit codes: 0 no blocker, 1 blockers found (design §2); 2 and 3 are errors.
        results = m.interleaved(
            {
                "karpmigrate": log.command("karpmigrate", audit, (0, 1)),
                "kubectl": log.command("kubectl", get, (0,)),
            },
            a.runs,
            a.warmup,
            out,
        )
    for name, found in log.pages.items():
        listed = ", ".join(f"{plural} {n}" for plural, n in found.items())
        out(f"pages {name}: {listed} (last run, limit {PAGE}, every list read to its end)")
    ours, ref = m.median_wall(results["karpmigrate"]), m.median_wall(results["kubectl"])
    rss = max(r.peak_rss_mb for r in results["karpmigrate"])
    ratio = ours / ref
    ok = ratio <= WALL_RATIO_BUDGET and rss <= RSS_BUDGET_MB
    out(
        f"median karpmigrate {ours:.3f} s, kubectl {ref:.3f} s, ratio {ratio:.2f} "
        f"(budget <= {WALL_RATIO_BUDGET}), peak RSS {rss:.1f} MB (budget <= {RSS_BUDGET_MB:.0f}): "
        f"{m.verdict(ok)}"
    )
    return ok


def main(argv: list[str] | None = None) -> int:
    p = m.parser(__doc__.split("\n\n")[0], runs=5, profile=True)
    p.add_argument("--kubectl", help=f"kubectl executable (default: ${KUBECTL_ENV}, PATH, /usr/bin/kubectl).")
    p.add_argument("--nodepools", type=int, default=50, help="NodePools in the cluster (default 50).")
    p.add_argument("--nodeclaims", type=int, default=2000, help="NodeClaims (default 2000).")
    p.add_argument("--pods", type=int, default=20_000, help="Pods (default 20000).")
    p.add_argument("--nodes", type=int, default=2000, help="Nodes (default 2000).")
    args = p.parse_args(argv)
    m.quick(args)
    if args.quick:
        # Still more than one page of Pods, so both clients follow continue tokens.
        args.nodepools, args.nodeclaims, args.pods, args.nodes = 2, 20, 1200, 10
    return m.main(lambda: body(args), args.check)


if __name__ == "__main__":
    sys.exit(main())
