"""P3 Karpenter-heavy conversion: ``karpmigrate convert -w`` over NodePool + EC2NodeClass pairs.

The tree is bench/corpus.py's pairs mode (1,000 pairs: 2,000 Karpenter objects, kubelets moved across
files, shared classes split, every style). ``-w`` rewrites the tree, so each run gets a fresh copy
(copied outside the timing). Budget (issue 6): >= 400 Karpenter documents per second of median wall
on this machine (2 cores).
"""

from __future__ import annotations

import argparse
import shutil
import sys
from pathlib import Path

import _measure as m
import corpus

RATE_BUDGET = 400.0


def fresh(source: Path, target: Path) -> Path:
    if target.exists():
        shutil.rmtree(target)
    shutil.copytree(source, target)
    return target


def body(a: argparse.Namespace) -> bool:
    out = m.emit("P3")
    out(m.machine())
    out(m.rss_source())
    exe = m.karpmigrate_exe()
    with m.workdir(a.workdir) as root:
        source, work = root / "p3-source", root / "p3-run"
        if source.exists():
            shutil.rmtree(source)
        summary = corpus.pairs(source, a.pairs, a.seed)
        out(f"tree: {summary.line()}")
        if a.profile:
            m.profile_cold(["convert", "-w", fresh(source, work)], a.profile, out)

        def convert() -> m.Run:
            return m.run_cold([exe, "convert", "-w", fresh(source, work)])

        results = m.interleaved({"karpmigrate": convert}, a.runs, a.warmup, out)
    runs = results["karpmigrate"]
    rewritten = sum(line.startswith("Rewriting ") for line in runs[-1].stderr.splitlines())
    out(f"last run rewrote {rewritten} of {summary.files} files")
    wall = m.median_wall(runs)
    rate = summary.karpenter_objects / wall
    ok = rate >= RATE_BUDGET
    out(
        f"median karpmigrate {wall:.3f} s for {summary.karpenter_objects} documents, "
        f"{rate:.0f} documents/s (budget >= {RATE_BUDGET:.0f}), peak RSS "
        f"{max(r.peak_rss_mb for r in runs):.1f} MB: {m.verdict(ok)}"
    )
    return ok


def main(argv: list[str] | None = None) -> int:
    p = m.parser(__doc__.split("\n\n")[0], runs=3, profile=True)
    p.add_argument("--pairs", type=int, default=1000, help="NodePool + EC2NodeClass pairs (default 1000).")
    args = p.parse_args(argv)
    m.quick(args)
    if args.quick:
        args.pairs = 10
    return m.main(lambda: body(args), args.check)


if __name__ == "__main__":
    sys.exit(main())
