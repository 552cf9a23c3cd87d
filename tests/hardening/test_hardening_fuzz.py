"""Short fuzz run (issue 6): mutated manifests through convert, validate, lint and diff.

Contract (``hardening_support.contract_violations``): a documented exit code, no traceback, no
internal error, file-naming stderr lines in ``file:line:col:`` shape, and an answer within the time
limit. The long run with subprocess isolation is ``bench/fuzz_long.py``.
"""

from __future__ import annotations

import random
import signal
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from hardening_support import (
    COMMANDS,
    MUTATORS,
    argv_for,
    contract_violations,
    mutate,
    run_in_process,
    seed_paths,
)
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

SEEDS = seed_paths()
#: Seconds one in-process run may take; the slowest seen (a 1 MB scalar through convert) is ~2 s.
CASE_LIMIT = 20


class Hang(Exception):
    pass


@contextmanager
def _time_limit(seconds: int) -> Iterator[None]:
    def expire(signum: int, frame: object) -> None:
        raise Hang(f"no answer within {seconds} s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def _check(tmp: Path, command: str, seed: Path, data: bytes) -> None:
    case = tmp / "case.yaml"
    case.write_bytes(data)
    with _time_limit(CASE_LIMIT):
        code, _, err, _ = run_in_process(argv_for(command, case, seed))
    assert contract_violations(code, err, case) == [], (command, code, err[-1000:])


@settings(
    max_examples=200,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
    phases=[Phase.explicit, Phase.reuse, Phase.generate],
)
@given(
    seed=st.sampled_from(SEEDS),
    command=st.sampled_from(sorted(COMMANDS)),
    rng=st.randoms(use_true_random=False),
    rounds=st.integers(1, 2),
)
def test_mutated_input_keeps_the_cli_contract(
    tmp_path: Path, seed: Path, command: str, rng: random.Random, rounds: int
) -> None:
    _, data = mutate(rng, seed.read_bytes(), rounds)
    _check(tmp_path, command, seed, data)


@pytest.mark.parametrize("name", sorted(MUTATORS))
def test_every_mutator_on_every_command(tmp_path: Path, name: str) -> None:
    # Each mutator at least once per command, whatever hypothesis draws above.
    rng = random.Random(name)
    for command in sorted(COMMANDS):
        seed = rng.choice(SEEDS)
        _check(tmp_path, command, seed, MUTATORS[name](rng, seed.read_bytes()))


def test_contract_check_can_fail(tmp_path: Path) -> None:
    case = tmp_path / "case.yaml"
    assert contract_violations(2, "", case) == ["exit 2"]
    assert contract_violations(3, "Traceback (most recent call last):\n", case) == ["traceback"]
    assert contract_violations(1, f"oops in {case}\n", case) != []
    assert contract_violations(1, f"{case}:3:1: error KV001 x\n{case}: error KV006 y\n", case) == []


_HEAD = b"apiVersion: karpenter.sh/v1beta1\nkind: NodePool\nmetadata: {name: x}\n"
_LAUGHS = (
    b"a0: &a0 ["
    + b"lol," * 9
    + b"lol]\n"
    + b"".join(b"a%d: &a%d [" % (i, i) + b",".join([b"*a%d" % (i - 1)] * 10) + b"]\n" for i in range(1, 12))
)
#: Inside a Karpenter document: anything else is never parsed (only Karpenter objects and workloads
#: can need a change), so a bomb in a ConfigMap is harmless by construction.
BOMBS = {
    "billion-laughs": _HEAD + b"spec:\n" + b"".join(b"  " + line + b"\n" for line in _LAUGHS.splitlines()),
    "deep-flow-10000": _HEAD + b"spec: " + b"[" * 10_000 + b"]" * 10_000 + b"\n",
    "huge-int": _HEAD + b"spec:\n  weight: " + b"9" * 200_000 + b"\n",
    "huge-string-key": _HEAD + b"spec:\n  " + b"x" * 2_000_000 + b": 1\n",
}
#: Bombs that must be refused as unparseable input (exit 3); the others are merely invalid objects.
REFUSED = {"billion-laughs", "deep-flow-10000"}


@pytest.mark.parametrize("command", ["convert", "validate", "lint"])
@pytest.mark.parametrize("bomb", sorted(BOMBS))
def test_bombs_answer_within_the_limit_in_a_subprocess(tmp_path: Path, bomb: str, command: str) -> None:
    # A real process and a hard timeout: a hang or a C-level stack overflow shows here, not as a
    # stuck test run.
    case = tmp_path / "bomb.yaml"
    case.write_bytes(BOMBS[bomb])
    proc = subprocess.run(
        [sys.executable, "-m", "karpmigrate", command, str(case)], capture_output=True, text=True, timeout=30
    )
    assert contract_violations(proc.returncode, proc.stderr, case) == [], proc.stderr[-1000:]
    assert proc.returncode == 3 if bomb in REFUSED else proc.returncode in (1, 3), proc.stdout[-500:]


# ------------------------------------------------------------------ failures found by fuzzing, replayed

#: (id, command, input): inputs the fuzzer found, each an explicit case from now on.
FOUND = [
    pytest.param(
        "validate",
        b"apiVersion: karpenter.sh/v1beta1\nkind: {}\nmetadata:\n  name: web\n",
        id="validate-kind-map",
    ),
    pytest.param(
        "validate",
        b"apiVersion: karpenter.sh/v1beta1\nkind: [a]\nmetadata:\n  name: web\n",
        id="validate-kind-list",
    ),
    pytest.param(
        "convert-check",
        b"apiVersion: karpenter.sh/v1beta1\nkind: {}\nmetadata:\n  name: web\n",
        id="convert-kind-map",
    ),
    pytest.param(
        "lint", b"apiVersion: karpenter.sh/v1beta1\nkind: [a]\nmetadata:\n  name: web\n", id="lint-kind-list"
    ),
    pytest.param(
        "validate",
        b"apiVersion: {a: 1}\nkind: NodePool\nmetadata:\n  name: web\n",
        id="validate-apiversion-map",
    ),
]


@pytest.mark.parametrize(("command", "data"), FOUND)
def test_found_inputs_keep_the_cli_contract(tmp_path: Path, command: str, data: bytes) -> None:
    _check(tmp_path, command, SEEDS[0], data)


@pytest.mark.parametrize("field", ["kind", "apiVersion"])
def test_validate_object_reports_an_unhashable_kind(field: str) -> None:
    from karpmigrate.models import validate_object

    data: dict[str, object] = {
        "apiVersion": "karpenter.sh/v1beta1",
        "kind": "NodePool",
        "metadata": {"name": "x"},
    }
    data[field] = {}
    assert validate_object(data) != []
