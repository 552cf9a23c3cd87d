"""P1 pre-commit latency: ``karpmigrate lint FILE`` against ``yamllint FILE`` on the same file.

The file holds an EC2NodeClass and the NodePool using it (bench/corpus.py ``precommit_text``). Both
tools run as cold processes, alternately; the budget is the ratio of the medians (<= 1.0). A second
budget checks the imports of one ``python -X importtime -m karpmigrate lint FILE`` run: the lint path
must not import kubernetes, jsonschema or rich (issue 6). ``--git`` measures inside a git work tree
with a committed version and a change, as pre-commit runs it (drift rules on, git invoked).

Before measuring, the installed karpmigrate package is compiled to bytecode (``compileall``, with the
interpreter of the console script). A pip-installed wheel has its ``.pyc`` files; the editable dev
install under ``PYTHONDONTWRITEBYTECODE=1`` would otherwise recompile every module from source on every
run (~65 ms), while yamllint's pip-installed venv does not: compiled, the comparison is like for like.
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
from pathlib import Path

import _measure as m
import corpus

RATIO_BUDGET = 1.0
HEAVY = ("kubernetes", "jsonschema", "rich")
# `import time:  self [us] |  cumulative | <indent>package` (python -X importtime)
_IMPORT = re.compile(r"^import time:\s+(\d+) \|\s+(\d+) \| (\s*)(\S+)$")
_GIT = ("-c", "user.name=bench", "-c", "user.email=bench@example.com", "-c", "commit.gpgsign=false")


def imports(target: Path, cwd: Path) -> list[tuple[int, int, str]]:
    """(cumulative us, depth, module) of every module the lint run imports."""
    argv = [sys.executable, "-X", "importtime", "-m", "karpmigrate", "lint", str(target)]
    done = subprocess.run(argv, cwd=cwd, capture_output=True, text=True, check=False)
    found = []
    for line in done.stderr.splitlines():
        match = _IMPORT.match(line)
        if match:
            found.append((int(match[2]), len(match[3]) // 2, match[4]))
    if not found:
        raise m.SetupError(f"no -X importtime output from {' '.join(argv)}:\n{done.stderr[-500:]}")
    return found


def heavy_imports(found: list[tuple[int, int, str]]) -> list[str]:
    top = {module.partition(".")[0] for _, _, module in found}
    return [name for name in HEAVY if name in top]


def interpreter_of(exe: Path) -> Path:
    """The Python that runs the console script ``exe``: its ``#!`` line, else the venv's python."""
    with exe.open("rb") as script:
        first = script.readline().decode(errors="replace")
    if first.startswith("#!"):
        candidate = Path(first[2:].strip().split(" ")[0])
        if candidate.is_file():
            return candidate
    return exe.parent / "python"


def compile_package(exe: Path) -> str:
    """Write the bytecode of the karpmigrate package ``exe`` imports; a line saying what was done.

    ``compileall`` writes ``.pyc`` files even under ``PYTHONDONTWRITEBYTECODE`` (which only stops the
    import system from writing them), and the interpreter still reads them.
    """
    python = interpreter_of(exe)
    where = [python, "-c", "import karpmigrate, os; print(os.path.dirname(karpmigrate.__file__))"]
    found = subprocess.run(where, capture_output=True, text=True, check=False)
    if found.returncode != 0:
        raise m.SetupError(f"cannot import karpmigrate with {python}:\n{found.stderr[-500:]}")
    package = found.stdout.strip()
    done = subprocess.run(
        [python, "-m", "compileall", "-q", package], capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        raise m.SetupError(f"compileall {package} failed:\n{(done.stdout + done.stderr)[-500:]}")
    return f"bytecode: compiled {package} with {python} -m compileall -q (a pip-installed wheel has its .pyc)"


def prepare(root: Path, seed: int, git: bool) -> Path:
    target = root / "karpenter.yaml"
    text = corpus.precommit_text(seed)
    target.write_text(text, encoding="utf-8", newline="")
    if git:
        for argv in (["init", "-q"], ["add", "karpenter.yaml"], ["commit", "-q", "-m", "base"]):
            subprocess.run(["git", *_GIT, *argv], cwd=root, check=True, capture_output=True)
        # The change being committed: one kubelet value (a drift rule has something to say).
        changed = re.sub(r"maxPods: (\d+)", lambda mt: f"maxPods: {int(mt[1]) + 1}", text, count=1)
        target.write_text(changed, encoding="utf-8", newline="")
    return target


def body(a: argparse.Namespace) -> bool:
    out = m.emit("P1")
    out(m.machine())
    exe, yamllint = m.karpmigrate_exe(), m.find_yamllint(a.yamllint)
    out(compile_package(exe))
    with m.workdir(a.workdir) as root:
        root = root / "p1"
        root.mkdir(exist_ok=True)
        target = prepare(root, a.seed, a.git)
        where = "in a git work tree, changed since HEAD" if a.git else "outside git"
        out(f"file {target.name}: {target.stat().st_size} bytes, {where}")
        found = imports(target, root)
        heavy = heavy_imports(found)
        out(
            f"imports: {len(found)} modules; heavy: {', '.join(heavy) or 'none'} (budget: none of {', '.join(HEAVY)})"
        )
        for cumulative, depth, module in sorted(found, reverse=True)[: a.top]:
            out(f"import {cumulative / 1000:8.1f} ms cumulative  {'  ' * depth}{module}")
        results = m.interleaved(
            {
                "karpmigrate": lambda: m.run_cold([exe, "lint", target], cwd=root),
                "yamllint": lambda: m.run_cold([yamllint, target], cwd=root),
            },
            a.runs,
            a.warmup,
            out,
        )
    ours, ref = m.median_wall(results["karpmigrate"]), m.median_wall(results["yamllint"])
    ratio = ours / ref
    ok = ratio <= RATIO_BUDGET and not heavy
    out(
        f"median karpmigrate {ours:.3f} s, yamllint {ref:.3f} s, ratio {ratio:.2f} (budget <= {RATIO_BUDGET}), "
        f"heavy imports {', '.join(heavy) or 'none'}: {m.verdict(ok)}"
    )
    return ok


def main(argv: list[str] | None = None) -> int:
    p = m.parser(__doc__.split("\n\n")[0], runs=5)
    p.add_argument(
        "--yamllint",
        help=f"yamllint executable (default: ${m.YAMLLINT_ENV}, bench/.venv-ref, /tmp/ylvenv, PATH).",
    )
    p.add_argument("--git", action="store_true", help="Lint inside a git work tree with a committed version.")
    p.add_argument(
        "--top", type=int, default=15, help="Print the N slowest imports by cumulative time (default 15)."
    )
    args = p.parse_args(argv)
    m.quick(args)
    return m.main(lambda: body(args), args.check)


if __name__ == "__main__":
    sys.exit(main())
