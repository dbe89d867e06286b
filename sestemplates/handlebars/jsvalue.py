"""JavaScript value semantics for JSON data: string conversion, truthiness, property lookup.

handlebars.js runs on JavaScript values; the template data arrives as JSON. These functions
give Python's JSON values (dict, list, str, int, float, bool, None) the JavaScript behaviour
the templates see, so output matches handlebars.js byte for byte.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

# Names every JS object inherits: `name in obj` is true for them, but handlebars.js never
# returns inherited members, so they resolve to undefined without a strict-mode error.
OBJECT_PROTOTYPE = frozenset(
    {
        "constructor",
        "hasOwnProperty",
        "isPrototypeOf",
        "propertyIsEnumerable",
        "toLocaleString",
        "toString",
        "valueOf",
        "__defineGetter__",
        "__defineSetter__",
        "__lookupGetter__",
        "__lookupSetter__",
        "__proto__",
    }
)
ARRAY_PROTOTYPE = OBJECT_PROTOTYPE | frozenset(
    {
        "at",
        "concat",
        "copyWithin",
        "entries",
        "every",
        "fill",
        "filter",
        "find",
        "findIndex",
        "findLast",
        "findLastIndex",
        "flat",
        "flatMap",
        "forEach",
        "includes",
        "indexOf",
        "join",
        "keys",
        "lastIndexOf",
        "map",
        "pop",
        "push",
        "reduce",
        "reduceRight",
        "reverse",
        "shift",
        "slice",
        "some",
        "sort",
        "splice",
        "toReversed",
        "toSorted",
        "toSpliced",
        "unshift",
        "values",
        "with",
    }
)


class Undefined:
    """JavaScript's `undefined` (a missing value), distinct from None (`null`)."""

    _instance: Undefined | None = None

    def __new__(cls) -> Undefined:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "undefined"

    def __bool__(self) -> bool:
        return False


UNDEFINED = Undefined()


def is_object(value: Any) -> bool:
    """A JS object (something `name in value` works on)."""
    return isinstance(value, (Mapping, list, tuple))


def is_nullish(value: Any) -> bool:
    return value is None or value is UNDEFINED


def to_double(value: float | int) -> float:
    """The IEEE double JavaScript holds for a JSON number (huge integers become Infinity)."""
    try:
        return float(value)
    except OverflowError:
        return math.inf if value > 0 else -math.inf


def js_number(value: float | int) -> str:
    """Number.prototype.toString() for a finite or special double."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int) and abs(value) < 2**53:
        return str(value)
    value = to_double(value)
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "Infinity" if value > 0 else "-Infinity"
    if value == 0:
        return "0"
    sign = "-" if value < 0 else ""
    # repr gives the shortest round-tripping digits, as ECMAScript requires.
    mantissa, _, exp_text = repr(abs(value)).partition("e")
    exponent = int(exp_text) if exp_text else 0
    int_part, _, frac_part = mantissa.partition(".")
    digits = int_part + frac_part
    # Position of the decimal point relative to the start of `digits` (n in ECMA-262).
    point = len(int_part) + exponent
    stripped = digits.lstrip("0")
    point -= len(digits) - len(stripped)
    digits = stripped.rstrip("0") or "0"
    k = len(digits)
    if k <= point <= 21:
        text = digits + "0" * (point - k)
    elif 0 < point <= 21:
        text = digits[:point] + "." + digits[point:]
    elif -6 < point <= 0:
        text = "0." + "0" * (-point) + digits
    else:
        e = point - 1
        exp = f"e{'+' if e >= 0 else '-'}{abs(e)}"
        text = digits + exp if k == 1 else digits[0] + "." + digits[1:] + exp
    return sign + text


def to_js_string(value: Any) -> str:
    """String(value) as `buffer += value` produces it (null/undefined handled by callers)."""
    if isinstance(value, str):
        return value
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, (int, float)):
        return js_number(value)
    if value is None:
        return "null"
    if value is UNDEFINED:
        return "undefined"
    if isinstance(value, (list, tuple)):
        return _join_array(value)
    return "[object Object]"


def _join_array(array: list[Any] | tuple[Any, ...]) -> str:
    """Array.prototype.join(","), nested arrays joined in place; null/undefined elements are
    empty. Iterative: sample data may nest arrays deeper than Python's recursion limit."""
    out: list[str] = []
    stack: list[tuple[Iterator[Any], list[bool]]] = [(iter(array), [True])]
    while stack:
        items, first = stack[-1]
        for item in items:
            if not first[0]:
                out.append(",")
            first[0] = False
            if isinstance(item, (list, tuple)):
                stack.append((iter(item), [True]))
                break
            out.append("" if is_nullish(item) else to_js_string(item))
        else:
            stack.pop()
    return "".join(out)


def truthy(value: Any) -> bool:
    """JavaScript truthiness (objects and arrays, even empty, are truthy)."""
    if value is None or value is UNDEFINED or value is False:
        return False
    if isinstance(value, str):
        return value != ""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return value != 0 and not (isinstance(value, float) and math.isnan(value))
    return True


def is_empty(value: Any) -> bool:
    """handlebars.js Utils.isEmpty: falsy but not 0, or an empty array."""
    if isinstance(value, (list, tuple)):
        return len(value) == 0
    if isinstance(value, (int, float)) and not isinstance(value, bool) and value == 0:
        return False
    return not truthy(value)


def _array_index(name: str, length: int) -> int | None:
    if name.isdigit() and name.isascii() and (name == "0" or not name.startswith("0")):
        index = int(name)
        if index < length:
            return index
    return None


def has_property(obj: Any, name: str) -> bool:
    """`name in obj` for a JS object (callers ensure `is_object(obj)`)."""
    if isinstance(obj, Mapping):
        return name in obj or name in OBJECT_PROTOTYPE
    if isinstance(obj, (list, tuple)):
        return (
            name == "length"
            or _array_index(name, len(obj)) is not None
            or (name in ARRAY_PROTOTYPE)
        )
    return False


def get_property(obj: Any, name: str) -> Any:
    """handlebars.js lookupProperty: own properties only, UNDEFINED otherwise."""
    if isinstance(obj, Mapping):
        return obj.get(name, UNDEFINED)
    if isinstance(obj, (list, tuple)):
        if name == "length":
            return len(obj)
        index = _array_index(name, len(obj))
        return obj[index] if index is not None else UNDEFINED
    if isinstance(obj, str):
        if obj.isascii():
            units: str | bytes = obj
            length = len(obj)
        else:
            # JavaScript strings are UTF-16: length and indexes count code units, so an
            # emoji is two of them and `"a😀b"[3]` is "b". `surrogatepass`: JSON data may hold
            # a lone surrogate ("\ud83d") too.
            units = obj.encode("utf-16-le", "surrogatepass")
            length = len(units) // 2
        if name == "length":
            return length
        index = _array_index(name, length)
        if index is None:
            return UNDEFINED
        if isinstance(units, str):
            return units[index]
        return units[2 * index : 2 * index + 2].decode("utf-16-le", "surrogatepass")
    return UNDEFINED


def object_keys(obj: Mapping[str, Any]) -> list[str]:
    """Object.keys order: integer-like keys ascending, then the others in insertion order."""
    integer_keys: list[tuple[int, str]] = []
    other: list[str] = []
    for key in obj:
        if not isinstance(key, str):
            continue
        if (
            key.isascii()
            and key.isdigit()
            and (key == "0" or not key.startswith("0"))
            and int(key) < 2**32 - 1
        ):
            integer_keys.append((int(key), key))
        else:
            other.append(key)
    integer_keys.sort()
    return [k for _, k in integer_keys] + other


def is_sequence(value: Any) -> bool:
    return isinstance(value, Sequence) and not isinstance(value, (str, bytes))


_HIGH_SURROGATE = re.compile("[\ud800-\udbff]")


def join_surrogates(text: str) -> str:
    """The string JavaScript would hold: two tags that print the halves of one UTF-16 pair
    (`{{lookup e 0}}{{lookup e 1}}`) make one character there, two lone surrogates in Python."""
    if text.isascii() or not _HIGH_SURROGATE.search(text):
        return text
    return text.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "surrogatepass")


def utf8_text(text: str) -> str:
    """`text` as it arrives after UTF-8 encoding: a lone surrogate (JSON allows "\\ud800", and
    `lookup` indexes UTF-16 units) becomes U+FFFD, as JavaScript's UTF-8 encoders do."""
    if text.isascii():
        return text
    return text.encode("utf-16", "surrogatepass").decode("utf-16", "replace")
