"""P2 monorepo scan: ``karpmigrate convert --check`` over a GitOps tree against one libyaml pass.

The tree is bench/corpus.py's monorepo (10,000 files, ~30,000 documents, 2% Karpenter files). Budgets
(issue 6): median wall <= 3 s and <= 0.5x the median of one PyYAML CSafeLoader pass over the same
documents (bench/_libyaml_pass.py, cold process too); peak RSS <= 150 MB and independent of tree size,
checked as the growth of the peak from a quarter of the tree to the whole tree (<= 10 MB, a bound for
allocator noise: a scan that keeps every file's text grows with the tree).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

import _measure as m
import corpus

WALL_BUDGET = 3.0
RATIO_BUDGET = 0.5
RSS_BUDGET_MB = 150.0
RSS_GROWTH_BUDGET_MB = 10.0
REFERENCE = m.BENCH / "_libyaml_pass.py"


def check_reference(python: Path, tree: Path, documents: int) -> str:
    """One untimed pass: libyaml must see every document the generator wrote."""
    done = subprocess.run(
        [str(python), str(REFERENCE), str(tree)], capture_output=True, text=True, check=False
    )
    if done.returncode != 0 or not done.stdout.startswith(f"{documents} documents"):
        raise m.SetupError(f"libyaml pass over {tree}: {done.stdout.strip()} {done.stderr.strip()[-300:]}")
    return done.stdout.strip()


def body(a: argparse.Namespace) -> bool:
    out = m.emit("P2")
    out(m.machine())
    exe, python = m.karpmigrate_exe(), m.find_libyaml_python(a.ref_python)
    out(f"reference: {python} (PyYAML with libyaml, CSafeLoader); {m.rss_source()}")
    with m.workdir(a.workdir) as root:
        tree, small = root / "p2", root / "p2-quarter"
        summary = corpus.monorepo(tree, a.files, a.seed, a.karpenter_share)
        quarter = corpus.monorepo(small, a.files // 4, a.seed, a.karpenter_share)
        out(f"tree: {summary.line()}")
        out(f"quarter tree: {quarter.line()}")
        out(f"reference check: {check_reference(python, tree, summary.documents)}")
        if a.profile:
            m.profile_cold(["convert", "--check", tree], a.profile, out)
        results = m.interleaved(
            {
                "karpmigrate": lambda: m.run_cold([exe, "convert", "--check", tree]),
                "libyaml": lambda: m.run_cold([python, REFERENCE, tree], expect=(0,)),
                "karpmigrate-quarter": lambda: m.run_cold([exe, "convert", "--check", small]),
            },
            a.runs,
            a.warmup,
            out,
        )
    flagged = sum(
        line.startswith("Would rewrite ") for line in results["karpmigrate"][-1].stderr.splitlines()
    )
    out(f"last run would rewrite {flagged} of {summary.files} files")
    ours, ref = m.median_wall(results["karpmigrate"]), m.median_wall(results["libyaml"])
    rss = max(r.peak_rss_mb for r in results["karpmigrate"])
    growth = rss - max(r.peak_rss_mb for r in results["karpmigrate-quarter"])
    ratio = ours / ref
    ok = (
        ours <= WALL_BUDGET
        and ratio <= RATIO_BUDGET
        and rss <= RSS_BUDGET_MB
        and growth <= RSS_GROWTH_BUDGET_MB
    )
    out(
        f"median karpmigrate {ours:.3f} s (budget <= {WALL_BUDGET}), libyaml {ref:.3f} s, ratio {ratio:.2f} "
        f"(budget <= {RATIO_BUDGET}), peak RSS {rss:.1f} MB (budget <= {RSS_BUDGET_MB:.0f}), "
        f"RSS growth from {quarter.files} files {growth:+.1f} MB (budget <= {RSS_GROWTH_BUDGET_MB:.0f}): "
        f"{m.verdict(ok)}"
    )
    return ok


def main(argv: list[str] | None = None) -> int:
    p = m.parser(__doc__.split("\n\n")[0], runs=3, profile=True)
    p.add_argument("--files", type=int, default=10_000, help="Files in the tree (default 10000).")
    p.add_argument(
        "--karpenter-share", type=float, default=0.02, help="Share of Karpenter files (default 0.02)."
    )
    p.add_argument(
        "--ref-python", help=f"Python with PyYAML on libyaml (default: ${m.REF_PYTHON_ENV}, this one, ...)."
    )
    args = p.parse_args(argv)
    m.quick(args)
    if args.quick:
        args.files, args.karpenter_share = 60, 0.1
    return m.main(lambda: body(args), args.check)


if __name__ == "__main__":
    sys.exit(main())
