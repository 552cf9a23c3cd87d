"""Go-exact text for what the conversion webhook re-serialises (spec/conversion-rules.md §1, S-1..S-6).

Karpenter 1.0's conversion webhook decodes each object with Go ``encoding/json`` into typed structs and
encodes the result again (spec §0.1), so the text it stores is Go's: ``metav1.Duration`` values printed by
``time.Duration.String`` (S-2), quantities by k8s.io/apimachinery ``resource.Quantity`` (S-3) and the
compatibility annotations by ``encoding/json`` (S-4, NP-13, NP-14). This module reproduces those
printers exactly; pure functions, standard library only.

Why no library: no well-kept PyPI package reproduces Go's duration printing or apimachinery's canonical
quantity text. ``durationpy`` in particular is not Go-accurate: it accepts ``d`` and ``w`` units that Go's
``time.ParseDuration`` rejects, and prints ``1h`` where Go prints ``1h0m0s``.

Errors are ``ValueError`` carrying Go's message wherever Go has one: the webhook fails the whole
ConversionReview on the same input (spec §0.1), so a caller should report it rather than guess.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import Any

__all__ = [
    "canonical_quantity",
    "format_go_duration",
    "go_json",
    "go_json_sorted_map",
    "kubelet_annotation",
    "nodeclass_reference_annotation",
    "parse_go_duration",
    "quantity_value",
    "rerender_duration",
]

_INT64_MAX = (1 << 63) - 1
_INT64_MIN = -(1 << 63)
_DIGITS = frozenset("0123456789")  # ASCII only: str.isdigit() would accept other scripts' digits

# ---------------------------------------------------------------------------------------------------
# Durations (S-2): Go time.ParseDuration and time.Duration.String (go/src/time/format.go, time.go)
# ---------------------------------------------------------------------------------------------------

_SECOND = 1_000_000_000
_DURATION_UNITS: dict[str, int] = {
    "ns": 1,
    "us": 1_000,
    "\u00b5s": 1_000,  # MICRO SIGN, the one Duration.String prints
    "\u03bcs": 1_000,  # GREEK SMALL LETTER MU, accepted on input only
    "ms": 1_000_000,
    "s": _SECOND,
    "m": 60 * _SECOND,
    "h": 3600 * _SECOND,
}


def _go_quote(text: str) -> str:
    # time.quote (format.go), not strconv.Quote: every byte of a non-ASCII or control character is
    # printed as \xNN; only '"' and '\' are backslashed.
    out = ['"']
    for ch in text:
        if ch < " " or ch >= "\x80":
            out.extend(f"\\x{b:02x}" for b in ch.encode("utf-8", "surrogatepass"))
        else:
            out.append("\\" + ch if ch in '"\\' else ch)
    out.append('"')
    return "".join(out)


def _invalid_duration(orig: str) -> ValueError:
    return ValueError(f"time: invalid duration {_go_quote(orig)}")


def _leading_int(s: str, orig: str) -> tuple[int, str]:
    # time.leadingInt: [0-9]*, an overflow past 1<<63 is an invalid duration.
    value, i = 0, 0
    while i < len(s) and s[i] in _DIGITS:
        if value > (1 << 63) // 10:
            raise _invalid_duration(orig)
        value = value * 10 + ord(s[i]) - 48
        if value > 1 << 63:
            raise _invalid_duration(orig)
        i += 1
    return value, s[i:]


def _leading_fraction(s: str) -> tuple[int, float, str]:
    # time.leadingFraction: digits past int64 precision are consumed but ignored, never an error.
    value, scale, i, overflow = 0, 1.0, 0, False
    while i < len(s) and s[i] in _DIGITS:
        if not overflow:
            if value > _INT64_MAX // 10:
                overflow = True
            else:
                candidate = value * 10 + ord(s[i]) - 48
                if candidate > 1 << 63:
                    overflow = True
                else:
                    value, scale = candidate, scale * 10
        i += 1
    return value, scale, s[i:]


def parse_go_duration(text: str) -> int:
    """Nanoseconds of ``text``, exactly as Go's ``time.ParseDuration``.

    Grammar ``[-+]?([0-9]*(\\.[0-9]*)?[a-z]+)+`` with units ns, us, µs, μs, ms, s, m, h; ``0`` alone is the
    only unit-less value. Raises ``ValueError`` with Go's message (``time: invalid duration "x"``).
    """
    orig, s, negative = text, text, False
    if s and s[0] in "+-":
        negative, s = s[0] == "-", s[1:]
    if s == "0":  # the only unit-less value Go accepts
        return 0
    if not s:
        raise _invalid_duration(orig)
    total = 0
    while s:
        if not (s[0] == "." or s[0] in _DIGITS):
            raise _invalid_duration(orig)
        before = len(s)
        whole, s = _leading_int(s, orig)
        has_whole = len(s) != before
        frac, scale, has_frac = 0, 1.0, False
        if s and s[0] == ".":
            s = s[1:]
            before = len(s)
            frac, scale, s = _leading_fraction(s)
            has_frac = len(s) != before
        if not has_whole and not has_frac:  # ".s", "-.s"
            raise _invalid_duration(orig)
        end = 0
        while end < len(s) and not (s[end] == "." or s[end] in _DIGITS):
            end += 1
        if end == 0:
            raise ValueError(f"time: missing unit in duration {_go_quote(orig)}")
        unit_text, s = s[:end], s[end:]
        unit = _DURATION_UNITS.get(unit_text)
        if unit is None:
            raise ValueError(f"time: unknown unit {_go_quote(unit_text)} in duration {_go_quote(orig)}")
        if whole > (1 << 63) // unit:
            raise _invalid_duration(orig)
        whole *= unit
        if frac > 0:
            # Go computes the fraction in float64 ("nanosecond accurate for fractions of hours") and
            # truncates; Python floats are the same IEEE doubles, so the result is bit-identical.
            whole += int(float(frac) * (float(unit) / scale))
            if whole > 1 << 63:
                raise _invalid_duration(orig)
        total += whole
        if total > 1 << 63:
            raise _invalid_duration(orig)
    if negative:
        return -total
    if total > _INT64_MAX:
        raise _invalid_duration(orig)
    return total


def _fmt_frac(value: int, precision: int) -> tuple[str, int]:
    # time.fmtFrac: the fraction without trailing zeros, and without the point when it is zero.
    if precision == 0:
        return "", value
    value, digits = divmod(value, 10**precision)
    text = f"{digits:0{precision}d}".rstrip("0")
    return ("." + text if text else ""), value


def format_go_duration(ns: int) -> str:
    """Go's ``time.Duration.String()``: ``0s``, ``1.5s``, ``100ms``, ``1µs``, ``35m21s``, ``1h0m0s``."""
    if not _INT64_MIN <= ns <= _INT64_MAX:
        raise ValueError(f"duration {ns}ns does not fit in a Go time.Duration (int64 nanoseconds)")
    u = abs(ns)
    if u == 0:
        return "0s"
    if u < _SECOND:
        # Below one second Go switches to the largest sub-second unit that is <= the value.
        precision, unit = (0, "ns") if u < 1_000 else (3, "\u00b5s") if u < 1_000_000 else (6, "ms")
        frac, u = _fmt_frac(u, precision)
        body = f"{u}{frac}{unit}"
    else:
        frac, u = _fmt_frac(u, 9)
        body = f"{u % 60}{frac}s"
        u //= 60
        if u > 0:
            body = f"{u % 60}m{body}"
            u //= 60
            if u > 0:  # stops at hours: days have no fixed length
                body = f"{u}h{body}"
    return "-" + body if ns < 0 else body


def rerender_duration(text: str) -> str:
    """S-2: a ``metav1.Duration`` as the webhook stores it (``10m`` -> ``10m0s``, ``2121s`` -> ``35m21s``)."""
    return format_go_duration(parse_go_duration(text))


# ---------------------------------------------------------------------------------------------------
# Quantities (S-3): k8s.io/apimachinery pkg/api/resource quantity.go, amount.go, suffix.go
# ---------------------------------------------------------------------------------------------------

_DECIMAL_SI = "DecimalSI"
_BINARY_SI = "BinarySI"
_DECIMAL_EXPONENT = "DecimalExponent"

_ERR_FORMAT = "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'"
_ERR_NUMERIC = "unable to parse numeric part of quantity"
_ERR_SUFFIX = "unable to parse quantity's suffix"

_DECIMAL_SUFFIXES: dict[str, int] = {
    "n": -9,
    "u": -6,
    "m": -3,
    "": 0,
    "k": 3,
    "M": 6,
    "G": 9,
    "T": 12,
    "P": 15,
    "E": 18,
}
_BINARY_SUFFIXES: dict[str, int] = {"Ki": 10, "Mi": 20, "Gi": 30, "Ti": 40, "Pi": 50, "Ei": 60}
_DECIMAL_SUFFIX_OF = {exp: suffix for suffix, exp in _DECIMAL_SUFFIXES.items()}
_BINARY_SUFFIX_OF = {exp: suffix for suffix, exp in _BINARY_SUFFIXES.items()}
_SUFFIX_CHARS = frozenset("eEinumkKMGTP")
_EXPONENT_TEXT = re.compile(r"[+-]?[0-9]+")
_NANO = -9
# Only spaces that reach ParseQuantity raw: control whitespace arrives JSON-escaped (``\t``) and fails
# to parse either way; U+2028/U+2029 are escaped by encoding/json as well.
_GO_TRIM_SPACE = (
    " \u0085\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f\u205f\u3000"
)
# Fraction() of 10**exponent for absurd exponents (``1e999999999``) would take minutes; Go keeps them
# symbolic. Canonical text never needs the power, only quantity_value() does.
_MAX_VALUE_EXPONENT = 100_000


@dataclass(frozen=True, slots=True)
class _Quantity:
    # value = mantissa * 10**exponent, already rounded up to nano scale and capped as ParseQuantity does
    mantissa: int
    exponent: int
    format: str
    # the input text when ParseQuantity keeps it ("if the number is in canonical form, reuse the string")
    text: str | None


def _scan_quantity(s: str) -> tuple[bool, str, str, str, str]:
    """parseQuantityString: (positive, value, num, denom, suffix); ``num`` lost its leading zeros."""
    positive, pos, end = True, 0, len(s)
    if pos < end and s[0] in "+-":
        positive, pos = s[0] == "+", 1
    while pos < end and s[pos] == "0":
        pos += 1
    if pos >= end:  # only zeros (or just a sign): zero, and the value text is "0" without the sign
        return positive, "0", "0", "", ""
    start = pos
    while pos < end and s[pos] in _DIGITS:
        pos += 1
    num = s[start:pos] or "0"
    if pos >= end:
        return positive, s, num, "", ""
    denom = ""
    if s[pos] == ".":  # "1." and "1.G" are accepted (an upstream TODO)
        pos += 1
        start = pos
        while pos < end and s[pos] in _DIGITS:
            pos += 1
        denom = s[start:pos]
        if pos >= end:
            return positive, s, num, denom, ""
    value = s[:pos]
    suffix_start = pos
    while pos < end and s[pos] in _SUFFIX_CHARS:
        pos += 1
    if pos < end and s[pos] in "+-":
        pos += 1
    while pos < end and s[pos] in _DIGITS:
        pos += 1
    if pos < end:
        raise ValueError(_ERR_FORMAT)
    return positive, value, num, denom, s[suffix_start:]


def _int32_wrap(value: int) -> int:
    return (value + (1 << 31)) % (1 << 32) - (1 << 31)


def _interpret_suffix(suffix: str) -> tuple[int, int, str]:
    """suffixHandler.interpret: (base, exponent, format)."""
    if suffix in _DECIMAL_SUFFIXES:
        return 10, _DECIMAL_SUFFIXES[suffix], _DECIMAL_SI
    if suffix in _BINARY_SUFFIXES:
        return 2, _BINARY_SUFFIXES[suffix], _BINARY_SI
    if len(suffix) > 1 and suffix[0] in "eE" and _EXPONENT_TEXT.fullmatch(suffix[1:]):
        parsed = int(suffix[1:])
        if _INT64_MIN <= parsed <= _INT64_MAX:  # strconv.ParseInt(.., 10, 64), then int32(parsed)
            return 10, _int32_wrap(parsed), _DECIMAL_EXPONENT
    raise ValueError(_ERR_SUFFIX)


def _ceil_div_pow10(value: int, power: int) -> int:
    # ceil(value / 10**power) for value > 0, without building 10**power when it dwarfs value.
    if power > value.bit_length():
        return 1
    divisor: int = 10**power
    quotient, remainder = divmod(value, divisor)
    return quotient + (remainder > 0)


def _parse_quantity(text: str) -> _Quantity:
    """resource.ParseQuantity."""
    if not text:
        raise ValueError(_ERR_FORMAT)
    if text == "0":
        return _Quantity(0, 0, _DECIMAL_SI, text)
    positive, value, num, denom, suffix = _scan_quantity(text)
    base, exponent, fmt = _interpret_suffix(suffix)

    # Fast path: the value fits an int64 at a scale >= nano; this is the only path that reuses the text.
    if fmt == _BINARY_SI:
        scale, multiplier = 0, 1 << exponent
        # "1Mi (2^20) has ~6 digits of decimal precision"; fractions never take the fast path
        precision = 15 - len(num) - exponent * 3 // 10 - 1 if not denom else -1
    else:
        scale, multiplier = exponent, 1
        precision = 18 - len(num) - len(denom)
    if precision >= 0:
        scale -= len(denom)
        if scale >= _NANO:
            shifted = num + denom
            magnitude = int(shifted)
            if magnitude * multiplier <= _INT64_MAX:  # int64Multiply
                if fmt == _BINARY_SI:
                    reuse = magnitude & 0x07 != 0
                else:
                    reuse = scale % 3 == 0 and not shifted.endswith("000") and shifted[0] != "0"
                signed = magnitude * multiplier if positive else -magnitude * multiplier
                return _Quantity(signed, scale, fmt, text if reuse else None)

    # Slow path (inf.Dec): exact value, rounded up to nano scale, BinarySI capped at 2^63-1.
    if not any(ch in _DIGITS for ch in value):  # inf.Dec.SetString: "no digits read"
        raise ValueError(_ERR_NUMERIC)
    body = value[1:] if value[0] in "+-" else value
    whole, _, frac = body.partition(".")
    mantissa, exp = int(whole + frac), -len(frac)
    if base == 10:
        exp += exponent
    else:
        mantissa <<= exponent
    if mantissa and exp < _NANO:
        # "if you want some resources, you should get some resources": inf.RoundUp on the magnitude
        mantissa, exp = _ceil_div_pow10(mantissa, _NANO - exp), _NANO
    if fmt == _BINARY_SI:
        # exp is in [-9, 0] here: binary suffixes never shift the decimal exponent
        if mantissa > _INT64_MAX * 10**-exp:
            mantissa, exp = _INT64_MAX, 0
        if 0 < mantissa < 10**-exp:  # 0 < value < 1: "avoids rounding and hopefully confusion"
            fmt = _DECIMAL_SI
    return _Quantity(mantissa if positive else -mantissa, exp, fmt, None)


def _canonical_text(q: _Quantity) -> str:
    """Quantity.String / MarshalJSON: the kept text, else CanonicalizeBytes."""
    if q.text is not None:
        return q.text
    mantissa, exponent, fmt = q.mantissa, q.exponent, q.format
    if mantissa == 0:
        return "0"
    if fmt == _BINARY_SI:
        # Non-integers and |value| < 1024 print as DecimalSI ("Don't lose precision").
        whole, remainder = divmod(abs(mantissa), 10 ** max(0, -exponent))
        whole *= 10 ** max(0, exponent)
        if remainder == 0 and whole >= 1024:
            times = 0
            while whole % 1024 == 0:
                whole //= 1024
                times += 1
            sign = "-" if mantissa < 0 else ""
            return f"{sign}{whole}{_BINARY_SUFFIX_OF.get(times * 10, '')}"
        fmt = _DECIMAL_SI
    while mantissa % 10 == 0:
        mantissa //= 10
        exponent += 1
    shift = exponent % 3  # lower the exponent to a multiple of 3 (Python's % floors, as Go's switch does)
    mantissa, exponent = mantissa * 10**shift, exponent - shift
    if fmt == _DECIMAL_EXPONENT:
        return f"{mantissa}e{exponent}" if exponent else str(mantissa)
    # apimachinery ignores a failed suffix lookup, so DecimalSI above 10^18 prints a bare mantissa
    # ("1000E" -> "1"); fixed upstream only in kubernetes/kubernetes#140459 (2026), after Karpenter 1.0.
    return f"{mantissa}{_DECIMAL_SUFFIX_OF.get(exponent, '')}"


def _quantity_input(value: str | int | float) -> str:
    """The bytes Quantity.UnmarshalJSON hands to ParseQuantity, for a YAML scalar."""
    if isinstance(value, bool):  # JSON true/false: ParseQuantity("true") fails with the format error
        return "true" if value else "false"
    if isinstance(value, int):
        return str(int(value))
    if isinstance(value, float):
        return _go_float(value)
    if isinstance(value, str):
        return value.strip(_GO_TRIM_SPACE)  # UnmarshalJSON: strings.TrimSpace
    raise ValueError(f"a quantity must be a string or a number, not {type(value).__name__}")


def canonical_quantity(value: str | int | float) -> str:
    """S-3: a ``resource.Quantity`` as the webhook stores it (``1000`` -> ``1k``, ``1.5Gi`` -> ``1536Mi``).

    ``value`` is the YAML scalar (a JSON number goes through the same parser, so ``1000`` -> ``1k``).
    Text that is already canonical is kept byte for byte, quirks included (``+5``, ``010``). Raises
    ``ValueError`` with apimachinery's message for text ParseQuantity rejects.
    """
    return _canonical_text(_parse_quantity(_quantity_input(value)))


def quantity_value(value: str | int | float) -> Fraction:
    """The exact value ParseQuantity stores: rounded up to 10^-9, BinarySI capped at 2^63-1."""
    q = _parse_quantity(_quantity_input(value))
    if abs(q.exponent) > _MAX_VALUE_EXPONENT:
        raise ValueError(f"quantity exponent {q.exponent} is too large to evaluate exactly")
    return Fraction(q.mantissa) * Fraction(10) ** q.exponent


# ---------------------------------------------------------------------------------------------------
# encoding/json (S-4)
# ---------------------------------------------------------------------------------------------------

_JSON_ESCAPES: dict[str, str] = {
    '"': '\\"',
    "\\": "\\\\",
    # Go >= 1.22 (Karpenter 1.0 is built with it) writes \b and \f; older Go wrote \u0008 and \u000c.
    "\b": "\\b",
    "\f": "\\f",
    "\n": "\\n",
    "\r": "\\r",
    "\t": "\\t",
    # json.Marshal's default HTML escaping
    "<": "\\u003c",
    ">": "\\u003e",
    "&": "\\u0026",
    # "U+2028 is LINE SEPARATOR, U+2029 is PARAGRAPH SEPARATOR": escaped for JSONP
    "\u2028": "\\u2028",
    "\u2029": "\\u2029",
}
_JSON_NEEDS_ESCAPE = re.compile('[\x00-\x1f"\\\\<>&\u2028\u2029\ud800-\udfff]')


def _escape_char(match: re.Match[str]) -> str:
    ch = match.group()
    known = _JSON_ESCAPES.get(ch)
    if known is not None:
        return known
    if "\ud800" <= ch <= "\udfff":  # a lone surrogate is invalid UTF-8 to Go: one U+FFFD
        return "\\ufffd"
    return f"\\u{ord(ch):04x}"


def _go_string(text: str) -> str:
    return '"' + _JSON_NEEDS_ESCAPE.sub(_escape_char, text) + '"'


def _go_float(value: float) -> str:
    """encoding/json float64: ES6-style, ``'f'`` within [1e-6, 1e21), else ``'e'`` without padding."""
    f = float(value)
    if not math.isfinite(f):
        raise ValueError(
            f"json: unsupported value: {'NaN' if math.isnan(f) else '+Inf' if f > 0 else '-Inf'}"
        )
    if f == 0:
        return "-0" if math.copysign(1.0, f) < 0 else "0"
    # repr() gives the shortest round-tripping digits, the same digits strconv.FormatFloat(f, .., -1) picks.
    sign, digit_tuple, exp = Decimal(repr(f)).normalize().as_tuple()
    assert isinstance(exp, int)  # finite
    digits = "".join(map(str, digit_tuple))
    point = len(digits) + exp  # position of the decimal point counted from the first digit
    if 1e-6 <= abs(f) < 1e21:
        if exp >= 0:
            text = digits + "0" * exp
        elif point > 0:
            text = f"{digits[:point]}.{digits[point:]}"
        else:
            text = "0." + "0" * -point + digits
    else:
        mantissa = digits[0] + ("." + digits[1:] if len(digits) > 1 else "")
        e = point - 1
        # strconv pads the exponent to two digits; encoding/json then turns "e-07" into "e-7"
        text = f"{mantissa}e+{e:02d}" if e >= 0 else f"{mantissa}e-{-e}"
    return "-" + text if sign else text


def _encode(value: Any, sort_keys: bool, out: list[str]) -> None:
    if value is None:
        out.append("null")
    elif isinstance(value, bool):
        out.append("true" if value else "false")
    elif isinstance(value, int):
        out.append(str(int(value)))
    elif isinstance(value, float):
        out.append(_go_float(value))
    elif isinstance(value, str):
        out.append(_go_string(value))
    elif isinstance(value, Mapping):
        keys = list(value)
        if not all(isinstance(k, str) for k in keys):
            raise TypeError("go_json: object keys must be strings")
        if sort_keys:
            # Go sorts map keys by byte order; code-point order equals UTF-8 byte order.
            keys.sort()
        out.append("{")
        for i, key in enumerate(keys):
            if i:
                out.append(",")
            out.append(_go_string(key))
            out.append(":")
            _encode(value[key], sort_keys, out)
        out.append("}")
    elif isinstance(value, (list, tuple)):
        out.append("[")
        for i, item in enumerate(value):
            if i:
                out.append(",")
            _encode(item, sort_keys, out)
        out.append("]")
    else:
        raise TypeError(f"go_json: cannot encode {type(value).__name__}")


def go_json(value: Any, *, sort_keys: bool = False) -> str:
    """Compact Go ``json.Marshal`` text of plain data.

    Objects keep the caller's key order (a Go struct's field order); ``sort_keys=True`` sorts every
    object's keys, as Go does for maps. Strings are escaped like Go, HTML characters included.
    """
    out: list[str] = []
    _encode(value, sort_keys, out)
    return "".join(out)


def go_json_sorted_map(value: Mapping[str, Any]) -> str:
    """``go_json`` of a Go map (and maps nested in it): keys sorted by byte order."""
    return go_json(value, sort_keys=True)


# ---------------------------------------------------------------------------------------------------
# Compatibility annotations (NP-13, NP-14)
# ---------------------------------------------------------------------------------------------------


def _json_kind(value: Any) -> str:
    # the JSON type name encoding/json puts in an UnmarshalTypeError
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, Mapping):
        return "object"
    return "array"


def _type_error(struct: str, field: str, found: str, go_type: str) -> ValueError:
    return ValueError(
        f"json: cannot unmarshal {found} into Go struct field {struct}.{field} of type {go_type}"
    )


def _map_key(struct: str, field: str, key: Any) -> str:
    # kubectl's YAML -> JSON step (sigs.k8s.io/yaml) turns int and bool keys into their text
    if isinstance(key, str):
        return key
    if isinstance(key, bool):
        return "true" if key else "false"
    if isinstance(key, int):
        return str(int(key))
    raise _type_error(struct, field, f"key {key!r}", "string")


def _lenient_string(field: str, value: Any) -> str:
    """A string slot (map[string]string value, []string element) holding a YAML scalar.

    Go would reject a JSON number or bool here (UnmarshalTypeError) and the API server's v1beta1 schema
    (``type: string``) rejects it even earlier, so the webhook never sees one. A manifest converter can
    only have meant the string, so it is stringified (YAML ``1`` -> ``"1"``) and left to the validator
    to report. A JSON null leaves Go's zero value, the empty string.
    """
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(int(value))
    if isinstance(value, float):
        return _go_float(value)
    raise _type_error("KubeletConfiguration", field, _json_kind(value), "string")


def _kubelet_int32(field: str, value: Any) -> int | None:
    if value is None:  # nil pointer: omitempty
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise _type_error("KubeletConfiguration", field, _json_kind(value), "int32")
    # The webhook sees the JSON number kubectl printed: YAML 10.0 arrives as 10 and decodes.
    text = str(int(value)) if isinstance(value, int) else _go_float(value)
    if not re.fullmatch(r"-?[0-9]+", text) or not -(1 << 31) <= int(text) < 1 << 31:
        raise _type_error("KubeletConfiguration", field, f"number {text}", "int32")
    return int(text)


def _kubelet_bool(field: str, value: Any) -> bool | None:
    if value is None:
        return None
    if not isinstance(value, bool):
        raise _type_error("KubeletConfiguration", field, _json_kind(value), "bool")
    # a pointer to false is not empty: cpuCFSQuota: false is kept (S-4)
    return value


def _kubelet_strings(field: str, value: Any) -> list[str] | None:
    if value is None:
        return None
    if isinstance(value, (str, Mapping)) or not isinstance(value, (list, tuple)):
        raise _type_error("KubeletConfiguration", field, _json_kind(value), "[]string")
    return [_lenient_string(field, item) for item in value] or None


def _kubelet_string_map(field: str, value: Any) -> dict[str, str] | None:
    if value is None:
        return None
    if not isinstance(value, Mapping):
        raise _type_error("KubeletConfiguration", field, _json_kind(value), "map[string]string")
    entries = {
        _map_key("KubeletConfiguration", field, k): _lenient_string(field, v) for k, v in value.items()
    }
    return dict(sorted(entries.items())) or None


def _kubelet_duration_map(field: str, value: Any) -> dict[str, str] | None:
    if value is None:
        return None
    if not isinstance(value, Mapping):
        raise _type_error("KubeletConfiguration", field, _json_kind(value), "map[string]v1.Duration")
    entries: dict[str, str] = {}
    for key, item in value.items():
        # metav1.Duration.UnmarshalJSON decodes a string (null gives "") and calls time.ParseDuration
        if item is not None and not isinstance(item, str):
            raise ValueError(f"json: cannot unmarshal {_json_kind(item)} into Go value of type string")
        entries[_map_key("KubeletConfiguration", field, key)] = rerender_duration(item or "")  # S-2
    return dict(sorted(entries.items())) or None


# CORE pkg/apis/v1beta1/nodeclaim.go:83-145, in struct field order; every field is omitempty.
_KUBELET_FIELDS: dict[str, Callable[[str, Any], Any]] = {
    "clusterDNS": _kubelet_strings,
    "maxPods": _kubelet_int32,
    "podsPerCore": _kubelet_int32,
    "systemReserved": _kubelet_string_map,
    "kubeReserved": _kubelet_string_map,
    "evictionHard": _kubelet_string_map,
    "evictionSoft": _kubelet_string_map,
    "evictionSoftGracePeriod": _kubelet_duration_map,
    "evictionMaxPodGracePeriod": _kubelet_int32,
    "imageGCHighThresholdPercent": _kubelet_int32,
    "imageGCLowThresholdPercent": _kubelet_int32,
    "cpuCFSQuota": _kubelet_bool,
}


def kubelet_annotation(kubelet: Mapping[str, Any]) -> tuple[str, list[str]]:
    """NP-13: the ``compatibility.karpenter.sh/v1beta1-kubelet-conversion`` value, and the dropped keys.

    Keys the Go struct does not know are dropped (the API server prunes them before the webhook; Go's
    decoder would ignore them), and returned so the caller can say so. Nil and empty fields are omitted;
    a pointer to zero or false is kept (``{"maxPods":0}``, ``"cpuCFSQuota":false``). Raises
    ``ValueError`` where Go's decoder fails (``maxPods: "10"``, ``maxPods: 1.5``, an unparsable grace
    period), because the webhook would fail the conversion too.
    """
    if not isinstance(kubelet, Mapping):
        raise ValueError(
            f"json: cannot unmarshal {_json_kind(kubelet)} into Go value of type v1beta1.KubeletConfiguration"
        )
    dropped = [str(key) for key in kubelet if key not in _KUBELET_FIELDS]
    fields: dict[str, Any] = {}
    for name, decode in _KUBELET_FIELDS.items():
        if name in kubelet:
            encoded = decode(name, kubelet[name])
            if encoded is not None:
                fields[name] = encoded
    return go_json(fields), dropped


# CORE pkg/apis/v1beta1/nodeclaim.go NodeClassReference: (json name, omitempty), in struct order.
_NODECLASS_REFERENCE_FIELDS: tuple[tuple[str, bool], ...] = (
    ("kind", True),
    ("name", False),
    ("apiVersion", True),
)


def nodeclass_reference_annotation(ref: Mapping[str, Any] | None) -> str:
    """NP-14: the ``compatibility.karpenter.sh/v1beta1-nodeclass-reference`` value.

    ``kind`` and ``apiVersion`` are omitted when empty, ``name`` is always written; an absent reference
    (a nil pointer) marshals to ``null``. Other keys are ignored, as Go's decoder does.
    """
    if ref is None:
        return "null"
    if not isinstance(ref, Mapping):
        raise ValueError(
            f"json: cannot unmarshal {_json_kind(ref)} into Go value of type v1beta1.NodeClassReference"
        )
    fields: dict[str, str] = {}
    for name, omitempty in _NODECLASS_REFERENCE_FIELDS:
        value = ref.get(name)
        if value is not None and not isinstance(value, str):
            raise _type_error("NodeClassReference", name, _json_kind(value), "string")
        if value or not omitempty:
            fields[name] = value or ""
    return go_json(fields)
