"""KM214's own reading of budget schedules (robfig/cron's standard parser) against the croniter fallback.

The rule decides numbers and month/weekday names itself, so that a pre-commit run never imports croniter
for the schedules people write (issue 6, budget P1). Both paths must agree, except where croniter is
known to read cron differently from robfig/cron, which Karpenter uses: croniter wraps a backwards range
(``fri-mon``) where robfig/cron refuses it, and croniter refuses ``?`` outside a whole day-of-month or
day-of-week field where robfig/cron reads it as ``*`` in every field.
"""

from __future__ import annotations

import subprocess
import sys

import pytest
from croniter import croniter
from hypothesis import example, given
from hypothesis import strategies as st

from karpmigrate.lint.rules import km214_budget_schedule_invalid as km214

FIELDS = range(5)


def _decided(spec: str) -> bool | None:
    """The fast path's verdict (None: it leaves the expression to croniter)."""
    fields = spec.split()
    if not km214._robfig_fields(fields):
        return False
    return km214._numeric_ok(
        [km214._named_as_numbers(f, km214._NAMES.get(n, {})) for n, f in enumerate(fields)]
    )


def _croniter(spec: str) -> bool:
    """The croniter path as the rule took it for every schedule with a name before issue 6."""
    return km214._robfig_fields(spec.split()) and bool(croniter.is_valid(spec))


# ---------------------------------------------------------------- generated expressions


def _mixed_case(name: str) -> st.SearchStrategy[str]:
    return st.lists(st.booleans(), min_size=len(name), max_size=len(name)).map(
        lambda upper: "".join(c.upper() if u else c.lower() for c, u in zip(name, upper, strict=True))
    )


def _value(position: int) -> st.SearchStrategy[str]:
    low, high = km214._BOUNDS[position]
    numbers = st.integers(max(0, low - 2), high + 2).map(str)
    names = tuple(km214._NAMES.get(position, {}))
    return st.one_of(numbers, st.sampled_from(names).flatmap(_mixed_case)) if names else numbers


def _part(position: int) -> st.SearchStrategy[str]:
    value = _value(position)
    span = st.one_of(st.just("*"), st.just("?"), value, st.tuples(value, value).map("-".join))
    step = st.one_of(st.just(""), st.integers(0, 20).map(lambda n: f"/{n}"))
    return st.tuples(span, step).map("".join)


def _field(position: int) -> st.SearchStrategy[str]:
    return st.lists(_part(position), min_size=1, max_size=3).map(",".join)


EXPRESSIONS = st.tuples(*(_field(n) for n in FIELDS)).map(" ".join)


def _known_difference(spec: str) -> bool:
    """A backwards range (croniter wraps it around: robfig/cron refuses it), a range ``N-N`` below the
    field's minimum (croniter reads any ``N-N`` as the whole field), or ``?`` other than a whole day
    field (croniter refuses it: robfig/cron reads it as ``*``)."""
    for position, field in enumerate(spec.split()):
        if "?" in field and not (position in (2, 4) and field == "?"):
            return True
        numbers = km214._named_as_numbers(field, km214._NAMES.get(position, {}))
        for part in numbers.split(","):
            first, dash, last = part.partition("/")[0].partition("-")
            if dash and (int(first) > int(last) or int(first) == int(last) < km214._BOUNDS[position][0]):
                return True
    return False


@given(EXPRESSIONS)
@example("0 9 * * mon-fri")
@example("*/15 0-6 1,15 JAN-MAR ?")
@example("0 0 1 jan/3 SUN,sat")
@example("0 0 * * 7")
def test_the_fast_path_decides_names_and_agrees_with_croniter(spec: str) -> None:
    decided = _decided(spec)
    assert decided is not None, spec  # numbers and names: never left to croniter
    if not _known_difference(spec):
        assert decided == _croniter(spec), spec


# ---------------------------------------------------------------- robfig/cron where croniter differs


@pytest.mark.parametrize(
    ("spec", "valid"),
    [
        ("0 9 * * fri-mon", False),  # getRange: beginning of range beyond end of range
        ("0 9 * dec-jan *", False),
        ("0 9 0-0 * *", False),  # day of month starts at 1
        ("0 9 * * 5-1", False),
        ("? 9 * * mon", True),  # `?` is `*` in every field
        ("0 9 * * ?/2", True),
        ("0 9 1,? * *", True),
    ],
)
def test_robfig_cron_where_croniter_reads_it_otherwise(spec: str, valid: bool) -> None:
    assert _known_difference(spec)
    assert _decided(spec) is valid
    assert _croniter(spec) is not valid
    assert (km214.schedule_problem(spec) is None) is valid


@pytest.mark.parametrize(
    ("spec", "valid"),
    [
        ("0 9 * * MON-FRI", True),
        ("0 9 * * Mon-Fri/2", True),
        ("0 9 * JAN-DEC/3 *", True),
        ("0 9 * jan/5 *", True),  # N/step runs to the field's maximum
        ("0 9 * * sun-sat", True),
        ("0 9 * * sun-7", False),  # weekdays end at 6 (sat)
        ("0 9 * * mon-fri/0", False),
        ("0 9 * * monday", False),  # three-letter names only
        ("0 9 * mon * ", False),  # weekday names in the month field
        ("0 9 jan * *", False),  # names only for month and weekday
    ],
)
def test_names_as_robfig_cron_reads_them(spec: str, valid: bool) -> None:
    assert (km214.schedule_problem(spec) is None) is valid


@pytest.mark.parametrize("spec", ["0 9 * 1jan *", "0 9 * * */mon", "0 9 * * *-5", "0 9 1,,2 * *"])
def test_what_the_fast_path_does_not_read_goes_to_croniter(spec: str) -> None:
    fields = spec.split()
    assert km214._robfig_fields(fields)
    assert (
        km214._numeric_ok([km214._named_as_numbers(f, km214._NAMES.get(n, {})) for n, f in enumerate(fields)])
        is None
    )
    assert km214._cron_ok(fields, spec) is _croniter(spec)


def test_schedules_with_names_are_checked_without_croniter() -> None:
    probe = (
        "import sys\n"
        "from karpmigrate.lint.rules import km214_budget_schedule_invalid as m\n"
        "for spec in ('0 9 * * mon-fri', '*/15 0-6 1,15 JAN-MAR ?', '0 9 * * fri-mon', '@weekly'):\n"
        "    m.schedule_problem(spec)\n"
        "print('croniter' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"
