"""Long fuzz run (issue 6): the mutations of tests/hardening over many cases, isolated in subprocesses.

Each case is one mutated seed manifest (fixtures/examples, fixtures/convert/**/*.in.yaml) fed to one
command (convert --check, convert to stdout, validate, lint, diff against the seed). Cases run in
long-lived worker processes that call the CLI in-process (a cold process per case would spend most
of the time importing); the parent gives each case ``--timeout`` seconds. A worker that does not
answer in time is killed and the case counted as a hang; a worker that dies (a C-level crash, a
stack overflow) is counted as a crash; both are restarted. Every failing input is saved under
``--out`` with the command line that failed, so it can be replayed and added as an explicit test.

    .venv/bin/python bench/fuzz_long.py --cases 5000 --seed 1 --out /tmp/fuzz-failures
"""

from __future__ import annotations

import argparse
import collections
import json
import random
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "hardening"))

import hardening_support as h  # noqa: E402 - the shared mutators live with the tests

_WORKER = """
import json, sys
sys.path.insert(0, {support!r})
import hardening_support as h
from pathlib import Path
for line in sys.stdin:
    case = json.loads(line)
    code, _, err, seconds = h.run_in_process(case["argv"])
    problems = h.contract_violations(code, err, Path(case["file"]))
    print(json.dumps({{"code": code, "problems": problems, "seconds": seconds, "err": err[-400:]}}), flush=True)
"""


@dataclass
class Tally:
    cases: int = 0
    failures: collections.Counter[str] = field(default_factory=collections.Counter)
    by_mutator: collections.Counter[str] = field(default_factory=collections.Counter)
    exits: collections.Counter[int] = field(default_factory=collections.Counter)
    slowest: list[tuple[float, str, str]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)


class Worker:
    """One CLI process answering cases on stdin; restarted after a hang or a crash."""

    def __init__(self) -> None:
        self.proc = self._start()

    @staticmethod
    def _start() -> subprocess.Popen[str]:
        code = _WORKER.format(support=str(ROOT / "tests" / "hardening"))
        return subprocess.Popen(
            [sys.executable, "-c", code],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
            cwd=ROOT,
        )

    def run(self, argv: list[str], file: Path, timeout: float) -> dict[str, object]:
        assert self.proc.stdin is not None and self.proc.stdout is not None
        answer: list[str] = []
        try:
            self.proc.stdin.write(json.dumps({"argv": argv, "file": str(file)}) + "\n")
            self.proc.stdin.flush()
        except BrokenPipeError:
            return self._restart("crash")
        reader = threading.Thread(target=lambda: answer.append(self.proc.stdout.readline()), daemon=True)  # type: ignore[union-attr]
        reader.start()
        reader.join(timeout)
        if reader.is_alive():
            return self._restart("hang")
        if not answer or not answer[0]:
            return self._restart("crash")
        result: dict[str, object] = json.loads(answer[0])
        return result

    def _restart(self, kind: str) -> dict[str, object]:
        self.proc.kill()
        self.proc.wait()
        self.proc = self._start()
        return {"code": None, "problems": [kind], "seconds": None, "err": ""}

    def close(self) -> None:
        if self.proc.stdin is not None:
            self.proc.stdin.close()
        self.proc.wait(timeout=10)


def _kind(problem: str) -> str:
    # "stderr line shape: '...'" -> "stderr line shape"; "exit 2" stays as it is.
    return problem.split(":")[0]


def _save(out: Path, index: int, mutation: str, command: str, data: bytes, result: dict[str, object]) -> None:
    case = out / f"case-{index:06d}"
    case.mkdir(parents=True, exist_ok=True)
    (case / "case.yaml").write_bytes(data)
    meta = {"mutation": mutation, "command": command, "argv": list(h.COMMANDS[command]), **result}
    (case / "result.json").write_text(json.dumps(meta, indent=2) + "\n")


def _lane(lane: int, indices: range, args: argparse.Namespace, tally: Tally, seeds: list[Path]) -> None:
    worker = Worker()
    work = Path(tempfile.mkdtemp(prefix=f"fuzz-{lane}-"))
    try:
        for index in indices:
            rng = random.Random(f"{args.seed}:{index}")
            seed = rng.choice(seeds)
            try:
                mutation, data = h.mutate(rng, seed.read_bytes(), rounds=rng.choice([1, 1, 2, 3]))
            except Exception as exc:  # noqa: BLE001 - a broken mutator must not end the lane
                with tally.lock:
                    tally.failures[f"mutator error {type(exc).__name__}"] += 1
                continue
            command = rng.choice(sorted(h.COMMANDS))
            file = work / "case.yaml"
            file.write_bytes(data)
            result = worker.run(h.argv_for(command, file, seed), file, args.timeout)
            problems = [str(p) for p in result["problems"]]  # type: ignore[attr-defined]
            with tally.lock:
                tally.cases += 1
                if result["code"] is not None:
                    tally.exits[int(result["code"])] += 1  # type: ignore[call-overload]
                if result["seconds"] is not None:
                    tally.slowest.append((float(result["seconds"]), command, mutation))  # type: ignore[arg-type]
                for problem in problems:
                    tally.failures[_kind(problem)] += 1
                    tally.by_mutator[f"{_kind(problem)} / {command} / {mutation}"] += 1
            if problems and args.out is not None:
                _save(args.out, index, mutation, command, data, result)
    finally:
        worker.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--cases", type=int, default=5000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", type=Path, default=None, help="Save failing inputs here.")
    parser.add_argument("--timeout", type=float, default=30.0, help="Seconds per case before it is a hang.")
    parser.add_argument("--jobs", type=int, default=2, help="Worker processes.")
    args = parser.parse_args(argv)

    seeds = h.seed_paths()
    tally = Tally()
    start = time.perf_counter()
    lanes = [range(lane, args.cases, args.jobs) for lane in range(args.jobs)]
    threads = [threading.Thread(target=_lane, args=(i, r, args, tally, seeds)) for i, r in enumerate(lanes)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - start

    failed = sum(tally.failures.values())
    print(
        f"cases run: {tally.cases} in {wall:.1f} s (seed {args.seed}, {args.jobs} workers, timeout {args.timeout:g} s)"
    )
    print(f"exit codes: {dict(sorted(tally.exits.items()))}")
    print(f"failures: {failed}" + (f" (inputs saved under {args.out})" if failed and args.out else ""))
    for kind, count in tally.failures.most_common():
        print(f"  {kind}: {count}")
    for key, count in tally.by_mutator.most_common(20):
        print(f"    {count:5d}  {key}")
    slowest = sorted(tally.slowest, reverse=True)[:5]
    print("slowest cases: " + ", ".join(f"{s:.2f} s {c} {m}" for s, c, m in slowest))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
