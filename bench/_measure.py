"""Shared helpers of the budget scripts: cold-process runs, medians, peak RSS, the references.

Every figure is a cold process (fork, exec, interpreter start, imports, work), as pre-commit and CI
run the tool. The peak RSS comes from GNU time (``/usr/bin/time -f %M``): Linux counts the pages a
forked child shares with its parent in the child's high-water mark, so ``os.wait4`` (or
``RUSAGE_CHILDREN``) would report at least this Python process's own RSS for every child. Without GNU
time the script falls back to ``os.wait4`` and says the figure is an upper bound.
"""

from __future__ import annotations

import argparse
import os
import platform
import pstats
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

BENCH = Path(__file__).resolve().parent
#: Where bench/README.md puts the reference tools (hidden, so karpmigrate's walks skip it).
REF_VENV = BENCH / ".venv-ref"
#: The reference venv this machine already has (yamllint 1.38.0, PyYAML 6.0.3 with libyaml).
MACHINE_REF_VENV = Path("/tmp/ylvenv")
YAMLLINT_ENV = "KARPMIGRATE_BENCH_YAMLLINT"
REF_PYTHON_ENV = "KARPMIGRATE_BENCH_REF_PYTHON"

GNU_TIME = Path("/usr/bin/time")

INSTALL_HINT = (
    "install the references into bench/.venv-ref:\n"
    "    python3 -m venv bench/.venv-ref && bench/.venv-ref/bin/pip install yamllint pyyaml\n"
    f"or point {YAMLLINT_ENV} / {REF_PYTHON_ENV} (or --yamllint / --ref-python) at your own"
)


class SetupError(Exception):
    """The measurement cannot be made (a reference is missing, a run failed): exit 2."""


@dataclass(frozen=True)
class Run:
    wall: float
    #: user + system CPU seconds of the child.
    cpu: float
    peak_rss_mb: float
    returncode: int
    stderr: str

    def line(self, label: str) -> str:
        return (
            f"{label} {self.wall:.3f} s (cpu {self.cpu:.3f} s, peak RSS {self.peak_rss_mb:.1f} MB, "
            f"exit {self.returncode})"
        )


def run_cold(argv: Sequence[str | Path], *, cwd: Path | None = None, expect: Sequence[int] = (0, 1)) -> Run:
    """Run one process to completion; its wall time, CPU time and peak RSS."""
    command = [str(a) for a in argv]
    with tempfile.TemporaryDirectory(prefix="karpmigrate-run-") as tmp:
        rss_file = Path(tmp) / "rss"
        prefix = [str(GNU_TIME), "-f", "%M", "-o", str(rss_file)] if GNU_TIME.exists() else []
        # stderr to a file, not a pipe: a chatty child (convert -w prints a line per file) would fill
        # the pipe and block while we wait for it.
        with open(Path(tmp) / "stderr", "w+b") as err:
            start = time.perf_counter()
            proc = subprocess.Popen(prefix + command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=err)
            # The rusage of `time` includes the child it waited for: CPU seconds at full resolution.
            _, status, usage = os.wait4(proc.pid, 0)
            wall = time.perf_counter() - start
            proc.returncode = os.waitstatus_to_exitcode(status)
            err.seek(0)
            stderr = err.read().decode(errors="replace")
        rss_kb = int(rss_file.read_text().split()[-1]) if prefix else usage.ru_maxrss
    run = Run(wall, usage.ru_utime + usage.ru_stime, rss_kb / 1024, proc.returncode, stderr)
    if run.returncode not in expect:
        tail = "\n".join(stderr.splitlines()[-5:])
        raise SetupError(f"{' '.join(command)} exited {run.returncode}:\n{tail}")
    return run


def rss_source() -> str:
    if GNU_TIME.exists():
        return f"peak RSS from {GNU_TIME} -f %M"
    return "peak RSS from os.wait4 (upper bound: includes this process's RSS at fork; install GNU time)"


def profile_cold(
    args: Sequence[str | Path], top: int, emit: Callable[[str], None], cwd: Path | None = None
) -> None:
    """cProfile inside one cold ``karpmigrate`` process (imports included): where the time goes.

    Two lists: by cumulative time, without the frames of the wrappers between ``-m karpmigrate``
    and the command (runpy, typer, click: each holds the whole run and says nothing), and by own time. Profiling slows the
    run down (every Python call is hooked); the figures come from the unprofiled runs.
    """
    with tempfile.TemporaryDirectory(prefix="karpmigrate-prof-") as tmp:
        out = Path(tmp) / "run.prof"
        argv = [sys.executable, "-m", "cProfile", "-o", str(out), "-m", "karpmigrate", *map(str, args)]
        subprocess.run(argv, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
        if not out.exists():
            raise SetupError(f"no profile from {' '.join(argv)}")
        stats = pstats.Stats(str(out))
    rows = [(ct, tt, nc, _where(key)) for key, (_, nc, tt, ct, _) in stats.stats.items()]  # type: ignore[attr-defined]
    total = stats.total_tt  # type: ignore[attr-defined]
    emit(f"profile: karpmigrate {' '.join(map(str, args))} under cProfile: {total:.3f} s")
    emit(f"profile: top {top} by cumulative time (runpy, typer and click wrappers left out)")
    emit(f"profile {'cumulative':>10} {'own':>8} {'calls':>9}  function")
    own = [r for r in rows if not r[3].startswith(_WRAPPERS)]
    for ct, tt, nc, where in sorted(own, key=lambda r: r[0], reverse=True)[:top]:
        emit(f"profile {ct:9.3f}s {tt:7.3f}s {nc:9d}  {where}")
    emit(f"profile: top {top} by own time")
    for ct, tt, nc, where in sorted(rows, key=lambda r: r[1], reverse=True)[:top]:
        emit(f"profile {ct:9.3f}s {tt:7.3f}s {nc:9d}  {where}")


_WRAPPERS = (
    "typer/",
    "click/",
    "<frozen runpy>",
    "<built-in method builtins.exec>",
    "<string>",
    "karpmigrate/__main__.py",
)


def _where(key: tuple[str, int, str]) -> str:
    """``package/module.py:line(function)``, relative to site-packages or the repository."""
    file, line, func = key
    for marker in ("site-packages/", f"{BENCH.parent}/"):
        if marker in file:
            file = file.split(marker, 1)[1]
    return f"{file}:{line}({func})" if line else func


def interleaved(
    commands: dict[str, Callable[[], Run]], runs: int, warmup: int, emit: Callable[[str], None]
) -> dict[str, list[Run]]:
    """Alternate the commands run by run, so a load change on a shared machine hits them alike."""
    for _ in range(warmup):
        for command in commands.values():
            command()
    results: dict[str, list[Run]] = {name: [] for name in commands}
    for i in range(runs):
        for name, command in commands.items():
            run = command()
            results[name].append(run)
            emit(run.line(f"run {i + 1}/{runs} {name}"))
    return results


def median_wall(runs: list[Run]) -> float:
    return statistics.median(r.wall for r in runs)


def verdict(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


def machine() -> str:
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    return (
        f"machine: {os.cpu_count()} cores, {platform.system()} {platform.machine()}, "
        f"Python {platform.python_version()}, load average {load}"
    )


# ---------------------------------------------------------------- tools


def karpmigrate_exe() -> Path:
    """The console script installed next to this interpreter (the tool as users run it)."""
    exe = Path(sys.executable).parent / "karpmigrate"
    if not exe.exists():
        raise SetupError(f"{exe} not found: run the script with the project's venv (pip install -e .)")
    return exe


def find_yamllint(flag: str | None) -> Path:
    candidates = [flag, os.environ.get(YAMLLINT_ENV), REF_VENV / "bin" / "yamllint"]
    candidates += [MACHINE_REF_VENV / "bin" / "yamllint", shutil.which("yamllint")]
    for candidate in candidates:
        if candidate and Path(candidate).is_file():
            return Path(candidate)
    raise SetupError(f"yamllint not found; {INSTALL_HINT}")


def find_libyaml_python(flag: str | None) -> Path:
    """An interpreter whose PyYAML has libyaml (``yaml.__with_libyaml__``): the P2 reference."""
    candidates = [flag, os.environ.get(REF_PYTHON_ENV), sys.executable, REF_VENV / "bin" / "python"]
    candidates.append(MACHINE_REF_VENV / "bin" / "python")
    for candidate in candidates:
        if candidate and Path(candidate).is_file() and _has_libyaml(Path(candidate)):
            return Path(candidate)
    raise SetupError(f"no Python with PyYAML built on libyaml (yaml.CSafeLoader); {INSTALL_HINT}")


def _has_libyaml(python: Path) -> bool:
    probe = "import sys, yaml; sys.exit(0 if yaml.__with_libyaml__ else 1)"
    return subprocess.run([str(python), "-c", probe], capture_output=True, check=False).returncode == 0


# ---------------------------------------------------------------- the scripts' common shape


def parser(description: str, runs: int, *, profile: bool = False) -> argparse.ArgumentParser:
    """The flags every script shares (``profile``: also ``--profile N``, one cProfile run's top N)."""
    p = argparse.ArgumentParser(description=description)
    p.add_argument("--runs", type=int, default=runs, help=f"Measured runs of each command (default {runs}).")
    p.add_argument("--warmup", type=int, default=1, help="Unmeasured runs first (file cache); default 1.")
    p.add_argument("--quick", action="store_true", help="Tiny sizes, one run, no warm-up (for the tests).")
    p.add_argument("--check", action="store_true", help="Exit 1 when a figure is over its budget.")
    p.add_argument("--seed", type=int, default=1, help="Corpus seed (default 1).")
    p.add_argument(
        "--workdir", type=Path, help="Keep the generated files here (default: a temporary directory)."
    )
    if profile:
        p.add_argument(
            "--profile",
            type=int,
            default=0,
            metavar="N",
            help="Print the cProfile top N (cumulative) of one run.",
        )
    return p


def quick(args: argparse.Namespace) -> None:
    if args.quick:
        args.runs, args.warmup = 1, 0


@contextmanager
def workdir(given: Path | None) -> Iterator[Path]:
    if given is not None:
        given.mkdir(parents=True, exist_ok=True)
        yield given
        return
    with tempfile.TemporaryDirectory(prefix="karpmigrate-bench-") as tmp:
        yield Path(tmp)


def main(body: Callable[[], bool], check: bool) -> int:
    """0 whatever the figures (the scripts report), 1 over budget with --check, 2 no measurement."""
    try:
        ok = body()
    except SetupError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    return 1 if check and not ok else 0


def emit(prefix: str) -> Callable[[str], None]:
    def write(line: str) -> None:
        print(f"{prefix} {line}", flush=True)

    return write
