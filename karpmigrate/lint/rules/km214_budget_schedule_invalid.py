"""KM214: a disruption budget schedule, duration or nodes value the NodePool rejects or cannot use (§c)."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any

from karpmigrate import catalogue
from karpmigrate.findings import Path
from karpmigrate.lint._base import Hit, RuleContext, lint_rule
from karpmigrate.lint.rules._v1 import budgets, shown

# CRD patterns of budgets[] (identical in the v0.37 v1beta1, v1.0 and v1.14.1 CRDs; conversion-rules §7.1).
# OpenAPI patterns are searched, not anchored: the schedule pattern's `^`/`$` bind to one alternative each.
_NODES = re.compile(r"^((100|[0-9]{1,2})%|[0-9]+)$")
_DURATION = re.compile(r"^((([0-9]+(h|m))|([0-9]+h[0-9]+m))(0s)?)$")
_SCHEDULE = re.compile(
    r"^(@(annually|yearly|monthly|weekly|daily|midnight|hourly))|((.+)\s(.+)\s(.+)\s(.+)\s(.+))$"
)
#: robfig/cron ParseStandard descriptors the CRD pattern admits (`@every` is not among them).
_DESCRIPTORS = frozenset({"@annually", "@yearly", "@monthly", "@weekly", "@daily", "@midnight", "@hourly"})
_ZONE = re.compile(r"^(CRON_)?TZ=\S*")
#: What a field of robfig/cron's standard parser is made of; names only for month and weekday.
_FIELD = re.compile(r"[0-9A-Za-z*?,/-]+")
_NAME = re.compile(r"[A-Za-z]+")
_MONTHS = ("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC")
_WEEKDAYS = ("SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT")
#: robfig/cron's names (matched case-insensitively) and their numbers, by field position.
_NAMES: Mapping[int, Mapping[str, int]] = {
    3: {name: number for number, name in enumerate(_MONTHS, start=1)},
    4: {name: number for number, name in enumerate(_WEEKDAYS)},
}


@lint_rule(catalogue.KM214, kinds={"NodePool"})
def budget_schedule_invalid(ctx: RuleContext) -> Iterator[Hit]:
    """A budget whose schedule, duration or nodes the API server rejects, or that Karpenter cannot parse.

    Versions: `karpenter.sh/v1` and `v1beta1` (same budget patterns and CEL rule in both).

    What it does:
        Flags a budget with `schedule` but no `duration` (or the reverse), a `duration` that is not
        `Nh`, `Nm` or `NhMm`, a `nodes` value that is not `N` or `0%`-`100%` (or not a string), and a
        `schedule` that is not a 5-field cron or one of `@yearly`/`@annually`/`@monthly`/`@weekly`/
        `@daily`/`@midnight`/`@hourly`, including cron with a `TZ=`/`CRON_TZ=` prefix.
    Why it matters:
        The CRD rejects the NodePool for the pattern and pairing errors. A schedule the pattern lets
        through but robfig/cron cannot parse (a time zone, `@dailyx`, `L`/`W`/`#`, a backwards range
        such as `fri-mon`) makes the budget fail closed: Karpenter parses `TZ=UTC <schedule>` (core
        `pkg/apis/v1/nodepool.go`, `Budget.IsActive`), and an unparsable budget allows 0 disruptions
        for every reason it covers. Schedules are UTC.
    Example:
        spec:
          disruption:
            budgets:
              - nodes: 0
                schedule: "TZ=Europe/Berlin 0 9 * * mon-fri"
    Use instead:
        spec:
          disruption:
            budgets:
              - nodes: "0"
                schedule: "0 7 * * mon-fri"
                duration: 8h
    """
    assert ctx.obj is not None
    for path, budget in budgets(ctx.obj):
        yield from _pairing(path, budget)
        yield from _nodes(path, budget)
        yield from _duration(path, budget)
        yield from _schedule(path, budget)


def _pairing(path: Path, budget: Mapping[str, Any]) -> Iterator[Hit]:
    # CEL on budgets: self.all(x, has(x.schedule) == has(x.duration)).
    if "schedule" in budget and "duration" not in budget:
        yield Hit(
            "budget schedule without duration: the API server rejects the NodePool ('schedule' must be "
            "set with 'duration'); add how long each window lasts, e.g. duration: 8h",
            (*path, "schedule"),
        )
    elif "duration" in budget and "schedule" not in budget:
        yield Hit(
            "budget duration without schedule: the API server rejects the NodePool ('schedule' must be "
            "set with 'duration'); add when the window starts (cron, UTC)",
            (*path, "duration"),
        )


def _nodes(path: Path, budget: Mapping[str, Any]) -> Iterator[Hit]:
    if "nodes" not in budget:
        return
    nodes = budget["nodes"]
    if isinstance(nodes, int) and not isinstance(nodes, bool) and nodes >= 0:
        yield Hit(
            f'budget nodes must be a string: quote it (nodes: "{nodes}"); the API server rejects a number',
            (*path, "nodes"),
        )
    elif not isinstance(nodes, str) or not _NODES.search(nodes):
        yield Hit(
            f'budget nodes {shown(nodes)} is neither a node count ("5") nor a percentage from 0% to '
            '100% ("10%"): the API server rejects the NodePool',
            (*path, "nodes"),
        )


def _duration(path: Path, budget: Mapping[str, Any]) -> Iterator[Hit]:
    if "duration" not in budget:
        return
    duration = budget["duration"]
    if not isinstance(duration, str) or not _DURATION.search(duration):
        yield Hit(
            f"budget duration {shown(duration)} must be hours and/or minutes (8h, 30m, 1h30m): the API "
            "server rejects the NodePool (cron has no seconds)",
            (*path, "duration"),
        )


def _schedule(path: Path, budget: Mapping[str, Any]) -> Iterator[Hit]:
    if "schedule" not in budget:
        return
    problem = schedule_problem(budget["schedule"])
    if problem is not None:
        yield Hit(f"budget schedule {shown(budget['schedule'])} {problem}", (*path, "schedule"))


def schedule_problem(schedule: Any) -> str | None:
    """What is wrong with a budget schedule, None when the CRD and Karpenter's cron parser accept it."""
    if not isinstance(schedule, str):
        return "must be a string (cron, UTC): the API server rejects the NodePool"
    spec = schedule.strip()
    if _ZONE.match(spec):
        return (
            "has a time zone: budget schedules are UTC and Karpenter adds TZ=UTC itself, so the cron does not "
            "parse and the budget allows 0 disruptions; drop the prefix and write the times in UTC"
        )
    if not _SCHEDULE.search(schedule):
        return (
            "is neither a 5-field cron nor @yearly/@monthly/@weekly/@daily/@hourly: the API server rejects "
            "the NodePool"
        )
    if spec.startswith("@"):
        return None if spec in _DESCRIPTORS else _unparsable("unknown descriptor")
    fields = spec.split()
    if len(fields) != 5:
        return _unparsable(
            f"{len(fields)} fields, Karpenter's cron takes exactly 5 (minute hour day month weekday)"
        )
    if not _robfig_fields(fields) or not _cron_ok(fields, spec):
        return _unparsable("not a valid standard cron expression")
    return None


def _cron_ok(fields: list[str], spec: str) -> bool:
    """robfig/cron's verdict, decided here for numbers and names; croniter only for anything else.

    Budgets are `0 9 * * 1-5` or `0 9 * * mon-fri`: deciding them here keeps croniter (and the
    dateutil, subprocess and platform imports it brings, ~25 ms) out of every pre-commit run (P1).
    """
    decided = _numeric_ok([_named_as_numbers(field, _NAMES.get(n, {})) for n, field in enumerate(fields)])
    return _croniter_ok(spec) if decided is None else decided


#: Bounds of the five fields (minute, hour, day of month, month, day of week), as robfig/cron's.
_BOUNDS = ((0, 59), (0, 23), (1, 31), (1, 12), (0, 6))
_NUMERIC_PART = re.compile(r"(\*|\?|\d+(?:-\d+)?)(?:/(\d+))?")


def _numeric_ok(fields: list[str]) -> bool | None:
    """robfig/cron's verdict on numbers, `*`, `?`, ranges, steps and lists; None for anything else.

    As robfig/cron's getRange: `N/step` runs to the field's maximum, a range must not run backwards
    (`fri-mon` is an error there, not a wrap-around as in croniter), a step must not be 0, and `?`
    is `*` in any field.
    """
    for field, (low, high) in zip(fields, _BOUNDS, strict=True):
        for part in field.split(","):
            match = _NUMERIC_PART.fullmatch(part)
            if match is None:
                return None
            span, step = match.groups()
            if step is not None and int(step) == 0:
                return False
            if span in ("*", "?"):
                continue
            first, _, last = span.partition("-")
            values = [int(first)] + ([int(last)] if last else [])
            if any(v < low or v > high for v in values) or values != sorted(values):
                return False
    return True


def _robfig_fields(fields: list[str]) -> bool:
    """Only what robfig/cron's standard parser reads: numbers, month and weekday names, `* ? , - /`.

    croniter also accepts Quartz extensions (`L`, `W`, `#`) and a weekday 7; robfig/cron rejects them.
    """
    for position, field in enumerate(fields):
        if not _FIELD.fullmatch(field):
            return False
        for token in _NAME.findall(field):
            if token.upper() not in _NAMES.get(position, {}):
                return False
    return all(_weekday_ok(part) for part in fields[4].split(","))


def _weekday_ok(part: str) -> bool:
    # robfig/cron's day-of-week bounds are 0-6 (the step after `/` is not a bound).
    bounds = part.partition("/")[0].split("-")
    return all(not b.isdigit() or int(b) <= 6 for b in bounds)


def _named_as_numbers(field: str, names: Mapping[str, int]) -> str:
    """`mon-fri,sun` -> `1-5,0`: the bounds of each range that are names, as robfig/cron reads them.

    Only whole bounds before a `/` (parseIntOrName): a step is always a number, and `1jan` is no name;
    both are left as written, so that croniter gets them (and rejects them, as robfig/cron does).
    """
    if not names:
        return field
    parts = []
    for part in field.split(","):
        span, slash, step = part.partition("/")
        bounds = (str(names.get(bound.upper(), bound)) for bound in span.split("-"))
        parts.append("-".join(bounds) + slash + step)
    return ",".join(parts)


def _croniter_ok(spec: str) -> bool:
    from croniter import croniter

    return bool(croniter.is_valid(spec))


def _unparsable(why: str) -> str:
    return (
        f"passes the CRD pattern but Karpenter cannot parse it ({why}): the budget fails closed and allows "
        "0 disruptions"
    )


RULE = budget_schedule_invalid
