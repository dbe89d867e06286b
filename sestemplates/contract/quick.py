"""A small validator for exactly the JSON Schema keywords `to_schema` emits.

`check` runs it on every sample; only a sample it finds invalid pays for importing `jsonschema`
(≈ 85 ms of the pre-commit hook's start-up) to explain what is wrong. An unknown keyword
answers None: the caller then asks `jsonschema`. The property test proves both agree.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

_IGNORED = frozenset({"$schema", "title", "description"})
_KNOWN = _IGNORED | {
    "type", "properties", "required", "items", "additionalProperties", "not", "enum", "anyOf",
    "allOf", "if", "then", "else", "contains", "minItems", "minProperties",
}  # fmt: skip


class _Unknown(Exception):
    pass


def is_valid(schema: Mapping[str, Any] | bool, data: Any) -> bool | None:
    """True/False, or None when the schema uses a keyword this validator does not know."""
    try:
        return _valid(schema, data)
    except (_Unknown, RecursionError):
        return None


def _type_ok(name: str, value: Any) -> bool:
    if name == "object":
        return isinstance(value, dict)
    if name == "array":
        return isinstance(value, list)
    if name == "null":
        return value is None
    if name == "boolean":
        return isinstance(value, bool)
    if name == "string":
        return isinstance(value, str)
    if name == "number":
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    if name == "integer":
        return (
            isinstance(value, (int, float))
            and not isinstance(value, bool)
            and float(value).is_integer()
        )
    raise _Unknown(name)


def _equal(a: Any, b: Any) -> bool:
    """JSON equality: false is not 0, 1.0 is 1."""
    if isinstance(a, bool) or isinstance(b, bool):
        return isinstance(a, bool) and isinstance(b, bool) and a == b
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return a == b
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_equal(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_equal(a[k], b[k]) for k in a)
    return type(a) is type(b) and bool(a == b)


def _valid(schema: Mapping[str, Any] | bool, data: Any) -> bool:
    if isinstance(schema, bool):
        return schema
    unknown = set(schema) - _KNOWN
    if unknown:
        raise _Unknown(sorted(unknown)[0])
    if "type" in schema:
        names = schema["type"] if isinstance(schema["type"], list) else [schema["type"]]
        if not any(_type_ok(n, data) for n in names):
            return False
    if "enum" in schema and not any(_equal(data, v) for v in schema["enum"]):
        return False
    if "not" in schema and _valid(schema["not"], data):
        return False
    if "anyOf" in schema and not any(_valid(s, data) for s in schema["anyOf"]):
        return False
    if "allOf" in schema and not all(_valid(s, data) for s in schema["allOf"]):
        return False
    if "if" in schema:
        branch = "then" if _valid(schema["if"], data) else "else"
        if branch in schema and not _valid(schema[branch], data):
            return False
    if isinstance(data, dict):
        return _object_valid(schema, data)
    if isinstance(data, list):
        if len(data) < schema.get("minItems", 0):
            return False
        if "items" in schema and not all(_valid(schema["items"], v) for v in data):
            return False
        if "contains" in schema and not any(_valid(schema["contains"], v) for v in data):
            return False
    return True


def _object_valid(schema: Mapping[str, Any], data: dict[str, Any]) -> bool:
    if len(data) < schema.get("minProperties", 0):
        return False
    if any(key not in data for key in schema.get("required", ())):
        return False
    properties = schema.get("properties", {})
    for key, sub in properties.items():
        if key in data and not _valid(sub, data[key]):
            return False
    if "additionalProperties" in schema:
        extra = schema["additionalProperties"]
        return all(_valid(extra, v) for k, v in data.items() if k not in properties)
    return True
