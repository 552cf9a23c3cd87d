"""Go struct shapes, and how Karpenter's hashing sees a value of each (drift-and-lint §0.2).

Both static hashes use mitchellh/hashstructure v2 with ``SlicesAsSets``, ``IgnoreZeroValue`` and
``ZeroNil``. What that means for a manifest value depends on the Go type behind it, so each hashed
field is described by a *shape* mirroring its Go type, and a shape turns a plain YAML value into a
canonical Python value that compares equal exactly when the hashes would:

- a non-pointer scalar (``role string``, ``rootVolume bool``) at its zero value is skipped, so
  ``rootVolume: false`` is the same as no ``rootVolume``;
- a pointer (``detailedMonitoring *bool``), a map or a slice is skipped only when nil: an explicit
  ``false``, ``{}`` or ``[]`` is hashed (inferred, §0.2). ``strict=False`` drops those too, which is
  how KM210 (explicit empty, no behaviour change) is told apart from a real change;
- slices are multisets (order-insensitive), map values raw strings (``1Gi`` != ``1024Mi``), durations
  parsed (``720h`` == ``720h0m0s``, ``Never`` = nil), ``volumeSize`` its canonical quantity text.

Fields a shape does not declare are not in the Go struct: the API server prunes them, nothing hashes
them. A value of the wrong type (invalid, rejected on apply) becomes :class:`Invalid` so that a change
is still seen and nothing raises.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from karpmigrate.convert.go import canonical_quantity, parse_go_duration


class _Missing:
    """A field the hash skips (nil, or a non-pointer zero value)."""

    _instance: _Missing | None = None

    def __new__(cls) -> _Missing:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "MISSING"


MISSING: Any = _Missing()


@dataclass(frozen=True, slots=True)
class Duration:
    """A parsed Go duration; prints short (``720h``, ``1h30m``, ``90s``), compares by value."""

    ns: int

    def __str__(self) -> str:
        sign, ns = ("-" if self.ns < 0 else ""), abs(self.ns)
        hours, rest = divmod(ns, 3_600 * 10**9)
        minutes, rest = divmod(rest, 60 * 10**9)
        seconds = rest / 10**9
        parts = [f"{hours}h" if hours else "", f"{minutes}m" if minutes else ""]
        parts.append(f"{seconds:g}s" if seconds or not (hours or minutes) else "")
        return sign + "".join(parts)


@dataclass(frozen=True, slots=True)
class Invalid:
    """A value Go could not decode into the field (the API server rejects it): compared as written."""

    text: str

    def __str__(self) -> str:
        return self.text


def _invalid(value: Any) -> Invalid:
    return Invalid(json.dumps(value, sort_keys=True, default=str))


def sort_key(value: Any) -> str:
    """A total order over canonical values, for multisets of structs."""
    return json.dumps(jsonable(value), sort_keys=True)


def jsonable(value: Any) -> Any:
    """A canonical value as plain JSON data (for display and ordering)."""
    if value is MISSING:
        return None
    if isinstance(value, Mapping):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, (tuple, list)):
        return [jsonable(v) for v in value]
    if isinstance(value, (Duration, Invalid)):
        return str(value)
    return value


class Shape(Protocol):
    #: What a nil pointer to this type hashes like (``ZeroNil``), and what an explicit zero is kept as.
    @property
    def zero(self) -> Any: ...

    def norm(self, value: Any, strict: bool) -> Any:
        """The canonical value, or MISSING when the hash skips it (nil, or zero)."""
        ...


@dataclass(frozen=True, slots=True)
class Text:
    """``string`` (also enum strings). A number or boolean where text belongs is read as its text."""

    zero: Any = ""

    def norm(self, value: Any, strict: bool) -> Any:
        if value is None or value == "":
            return MISSING
        if isinstance(value, bool):
            return "true" if value else "false"
        if isinstance(value, (int, float)):
            return str(value)
        return value if isinstance(value, str) else _invalid(value)


@dataclass(frozen=True, slots=True)
class Bool:
    zero: Any = False

    def norm(self, value: Any, strict: bool) -> Any:
        if value is None or value is False:
            return MISSING
        return value if value is True else _invalid(value)


@dataclass(frozen=True, slots=True)
class Int:
    zero: Any = 0

    def norm(self, value: Any, strict: bool) -> Any:
        if value is None or (value == 0 and not isinstance(value, bool)):
            return MISSING
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        return _invalid(value)


@dataclass(frozen=True, slots=True)
class GoDuration:
    """``metav1.Duration``: a parsed duration; ``0s`` is its zero value."""

    zero: Any = Duration(0)

    def norm(self, value: Any, strict: bool) -> Any:
        if value is None:
            return MISSING
        if not isinstance(value, str):
            return _invalid(value)
        try:
            parsed = Duration(parse_go_duration(value))
        except ValueError:
            return Invalid(value)
        return MISSING if parsed.ns == 0 else parsed


@dataclass(frozen=True, slots=True)
class NillableDuration:
    """Karpenter's ``NillableDuration``: ``Never`` is nil, the raw text is ``hash:"ignore"`` (S-1).

    It is a struct holding a pointer, so ``0s`` is not skipped (the pointer is set).
    """

    zero: Any = MISSING

    def norm(self, value: Any, strict: bool) -> Any:
        if value is None or value == "Never":
            return MISSING
        if not isinstance(value, str):
            return _invalid(value)
        try:
            return Duration(parse_go_duration(value))
        except ValueError:
            return Invalid(value)


@dataclass(frozen=True, slots=True)
class Quantity:
    """``*resource.Quantity`` with ``hash:"string"``: its canonical text (``1024Gi`` == ``1Ti``)."""

    zero: Any = "0"

    def norm(self, value: Any, strict: bool) -> Any:
        if value is None:
            return MISSING
        if isinstance(value, bool) or not isinstance(value, (str, int, float)):
            return _invalid(value)
        try:
            return canonical_quantity(value)
        except ValueError:
            return Invalid(str(value))


@dataclass(frozen=True, slots=True)
class Ptr:
    """``*T``: nil is skipped; a pointer to T's zero value is hashed.

    ``zero_is_nil``: the explicit zero behaves like nil (``detailedMonitoring: false``), so without
    ``strict`` it is dropped and a difference in it alone is KM210. Where the zero means something nil
    does not (``cpuCFSQuota: false`` turns quotas off, ``deleteOnTermination: false`` keeps the volume,
    ``terminationGracePeriod: 0s``), it is a value in both modes.
    """

    inner: Shape
    zero_is_nil: bool = True

    @property
    def zero(self) -> Any:
        return MISSING

    def norm(self, value: Any, strict: bool) -> Any:
        if value is None:
            return MISSING
        found = self.inner.norm(value, strict)
        if found is MISSING and (strict or not self.zero_is_nil):
            return self.inner.zero
        return found


@dataclass(frozen=True, slots=True)
class StringMap:
    """``map[string]string``: keys and raw string values; ``{}`` is explicit (``strict`` only)."""

    values: Shape = field(default_factory=Text)
    zero: Any = field(default_factory=dict)

    def norm(self, value: Any, strict: bool) -> Any:
        if value is None:
            return MISSING
        if not isinstance(value, Mapping):
            return _invalid(value)
        if not value:
            return {} if strict else MISSING
        out = {}
        for key, item in value.items():
            # Map entries are hashed whatever their value: an empty string is still an entry.
            found = self.values.norm(item, True)
            out[str(key)] = self.values.zero if found is MISSING else found
        return out


@dataclass(frozen=True, slots=True)
class SetOf:
    """``[]T`` hashed with SlicesAsSets: a multiset, sorted into a tuple; ``[]`` explicit (``strict``)."""

    item: Shape
    zero: Any = ()

    def norm(self, value: Any, strict: bool) -> Any:
        if value is None:
            return MISSING
        if not isinstance(value, list):
            return _invalid(value)
        if not value:
            return () if strict else MISSING
        items = []
        for entry in value:
            found = self.item.norm(entry, strict)
            items.append(self.item.zero if found is MISSING else found)
        return tuple(sorted(items, key=sort_key))


@dataclass(frozen=True, slots=True)
class Struct:
    """A struct: its declared fields that are not skipped. Never skipped itself (wrap it in Ptr)."""

    fields: Mapping[str, Shape]
    zero: Any = field(default_factory=dict)

    def norm(self, value: Any, strict: bool) -> Any:
        if value is None:
            return {} if strict else MISSING
        if not isinstance(value, Mapping):
            return _invalid(value)
        out = {}
        for name, shape in self.fields.items():
            found = shape.norm(value.get(name), strict)
            if found is not MISSING:
                out[name] = found
        return out if out or strict else MISSING


#: ``KubeletConfiguration`` (v1beta1 NodePool, v1 EC2NodeClass, the v1.0 kubelet compatibility hash).
KUBELET = Ptr(
    Struct(
        {
            "clusterDNS": SetOf(Text()),
            "maxPods": Ptr(Int(), zero_is_nil=False),
            "podsPerCore": Ptr(Int()),
            "systemReserved": StringMap(),
            "kubeReserved": StringMap(),
            "evictionHard": StringMap(),
            "evictionSoft": StringMap(),
            "evictionSoftGracePeriod": StringMap(GoDuration()),
            "evictionMaxPodGracePeriod": Ptr(Int()),
            "imageGCHighThresholdPercent": Ptr(Int(), zero_is_nil=False),
            "imageGCLowThresholdPercent": Ptr(Int(), zero_is_nil=False),
            "cpuCFSQuota": Ptr(Bool(), zero_is_nil=False),
        }
    )
)
