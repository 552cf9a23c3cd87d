"""How each Go shape reads a YAML value for hashing (drift-and-lint §0.2): skipped zeros, sets, values."""

from __future__ import annotations

import pytest

from karpmigrate.drift.shapes import (
    KUBELET,
    MISSING,
    Bool,
    Duration,
    GoDuration,
    Int,
    Invalid,
    NillableDuration,
    Ptr,
    Quantity,
    SetOf,
    StringMap,
    Struct,
    Text,
)


@pytest.mark.parametrize(
    ("shape", "value"),
    [
        pytest.param(Text(), "", id="empty string"),
        pytest.param(Bool(), False, id="false"),
        pytest.param(Int(), 0, id="zero"),
        pytest.param(Text(), None, id="null"),
    ],
)
def test_non_pointer_zero_values_are_skipped_even_when_strict(shape, value):
    assert shape.norm(value, True) is MISSING


@pytest.mark.parametrize(
    ("shape", "value", "kept"),
    [
        pytest.param(Ptr(Bool()), False, False, id="detailedMonitoring false"),
        pytest.param(Ptr(Text()), "", "", id="userData empty"),
        pytest.param(StringMap(), {}, {}, id="tags {}"),
        pytest.param(SetOf(Text()), [], (), id="taints []"),
        pytest.param(Ptr(Struct({"a": Text()})), {}, {}, id="kubelet {}"),
    ],
)
def test_explicit_empty_values_are_hashed_but_dropped_when_not_strict(shape, value, kept):
    assert shape.norm(value, True) == kept
    assert shape.norm(value, False) is MISSING
    assert shape.norm(None, True) is MISSING


def test_a_meaningful_zero_stays_a_value_when_not_strict():
    shape = Ptr(Bool(), zero_is_nil=False)
    assert shape.norm(False, False) is False
    assert shape.norm(None, False) is MISSING


def test_lists_are_multisets_in_any_order():
    shape = SetOf(Struct({"key": Text(), "effect": Text()}))
    a = [{"key": "a", "effect": "NoSchedule"}, {"key": "b", "effect": "NoExecute"}]
    assert shape.norm(a, True) == shape.norm(list(reversed(a)), True)
    assert shape.norm(a + a[:1], True) != shape.norm(a, True)


@pytest.mark.parametrize("text", ["720h", "720h0m0s", "43200m", "2592000s", "719h60m"])
def test_durations_compare_by_value(text):
    assert NillableDuration().norm(text, True) == Duration(720 * 3600 * 10**9)


def test_never_is_no_duration_and_zero_is_a_duration():
    assert NillableDuration().norm("Never", True) is MISSING
    assert NillableDuration().norm("0s", True) == Duration(0)
    assert GoDuration().norm("0s", True) is MISSING  # metav1.Duration's zero value


@pytest.mark.parametrize(
    ("ns", "text"), [(720 * 3600 * 10**9, "720h"), (5400 * 10**9, "1h30m"), (90 * 10**9, "1m30s"), (0, "0s")]
)
def test_durations_print_short(ns, text):
    assert str(Duration(ns)) == text


@pytest.mark.parametrize(("a", "b"), [("1024Gi", "1Ti"), ("20Gi", "20Gi"), ("1000G", "1T")])
def test_volume_sizes_compare_by_canonical_text(a, b):
    assert Quantity().norm(a, True) == Quantity().norm(b, True)


def test_map_values_are_raw_strings():
    shape = StringMap()
    assert shape.norm({"memory": "1Gi"}, True) != shape.norm({"memory": "1024Mi"}, True)
    assert shape.norm({"a": True, "b": 1}, True) == {"a": "true", "b": "1"}


@pytest.mark.parametrize(
    ("shape", "value"),
    [
        (StringMap(), "not a map"),
        (SetOf(Text()), {"a": 1}),
        (Int(), "ten"),
        (Bool(), "yes"),
        (NillableDuration(), "10 days"),
        (NillableDuration(), 5),
        (Quantity(), "lots"),
        (Struct({"a": Text()}), [1]),
        (KUBELET, "maxPods: 10"),
    ],
)
def test_wrong_types_become_invalid_values_without_raising(shape, value):
    found = shape.norm(value, True)
    assert isinstance(found, Invalid)
    assert found == shape.norm(value, True)
