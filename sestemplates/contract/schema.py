"""A derived Contract as JSON Schema 2020-12.

- a required path is listed in its parent's `required`;
- a path required only under guards becomes an `if`/`then` on the nearest object that holds
  both the guard and the path (`if` the guard holds, `then` the path is required), so data that
  takes the other branch may leave it out;
- a printed value accepts any non-null JSON value (SES prints numbers and booleans as text);
- an `#each` path is a list or an object (handlebars iterates both): `items` and
  `additionalProperties` hold the item schema;
- a `lookup` container has no fixed keys.

Pure: no I/O. Sites are turned into file:line text by the `where` function the caller passes.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sestemplates.contract.derive import (
    ITEM,
    Contract,
    Coord,
    Guard,
    Node,
    Site,
    display,
    guard_key,
    keys_by_parent,
)

DIALECT = "https://json-schema.org/draft/2020-12/schema"
Schema = dict[str, Any]
Where = Callable[[Site], str]

# handlebars.js `if`: false, 0, "", null, undefined, NaN and [] are false ({} is true).
FALSY: list[Any] = [False, 0, "", None, []]
# `#with` and `#if … includeZero=true`: 0 is a value.
FALSY0: list[Any] = [False, "", None, []]
NONEMPTY: Schema = {"type": ["array", "object"], "minItems": 1, "minProperties": 1}
LEAF: dict[str, Schema] = {
    "truthy": {"not": {"enum": FALSY}},
    "falsy": {"enum": FALSY},
    "truthy0": {"not": {"enum": FALSY0}},
    "falsy0": {"enum": FALSY0},
    "nonempty": NONEMPTY,
    "empty": {"not": NONEMPTY},
}
PRESENCE = frozenset({"truthy", "truthy0", "nonempty"})  # kinds a missing path cannot meet

ROLE_TEXT = {
    "printed": "printed: any non-null JSON value (SES prints numbers and booleans as text)",
    "each": "iterated by #each: a list, or an object whose values are the items",
    "lookup": "read with lookup: a list or object whose keys are chosen at run time",
    "condition": 'tested by a condition: any value; missing, null, false, 0, "" and [] are false',
    "object": "an object whose fields the template reads",
}
MAX_SITES = 8


def default_where(site: Site) -> str:
    return f"{site.part}:{site.line}"


def to_schema(
    contract: Contract, *, title: str | None = None, where: Where = default_where
) -> Schema:
    builder = _Builder(contract, where)
    body = builder.node_schema(())
    schema: Schema = {"$schema": DIALECT}
    if title:
        schema["title"] = title
    schema["description"] = (
        f"TemplateData for the SES template {title or '(unnamed)'}, derived by sestemplates "
        "from its Subject, Html and Text parts. A required path that is missing or null makes "
        "SES drop the email (Rendering Failure)."
    )
    body.pop("description", None)
    schema.update(body)
    schema["type"] = "object"  # TemplateData is always a JSON object
    return schema


class _Builder:
    def __init__(self, contract: Contract, where: Where) -> None:
        self.contract = contract
        self.where = where
        self.required: dict[Coord, set[str]] = {}
        self.conditional: dict[Coord, dict[tuple[Guard, ...], list[Coord]]] = {}
        for req in contract.required():
            target = req.target
            last = target[-1] if target else ITEM
            if last is ITEM:
                continue
            parent = target[:-1]
            if not req.guards:
                self.required.setdefault(parent, set()).add(last)
                continue
            at = _common_prefix([parent, *(g.coord for g in req.guards)])
            self.conditional.setdefault(at, {}).setdefault(req.guards, []).append(target)
        self.children = keys_by_parent(contract.nodes)

    def node_schema(self, coord: Coord) -> Schema:
        node = self.contract.nodes.get(coord) or Node()
        roles = node.roles
        schema: Schema = {}
        description = self.describe(node)
        if description:
            schema["description"] = description
        item = (*coord, ITEM)
        keys = sorted(set(self.children.get(coord, [])))
        if "each" in roles or "lookup" in roles or item in self.contract.nodes:
            schema["type"] = ["array", "object"]
            if "each" in roles or item in self.contract.nodes:
                item_schema = self.node_schema(item) if item in self.contract.nodes else {}
                schema["items"] = item_schema
                schema["additionalProperties"] = item_schema
        elif keys or "object" in roles:
            schema["type"] = "object"
        elif "printed" in roles:
            schema["not"] = {"type": "null"}
        if keys:
            schema["properties"] = {key: self.node_schema((*coord, key)) for key in keys}
        if coord in self.required:
            schema["required"] = sorted(self.required[coord])
        if not node.strict and coord:
            schema.pop("not", None)  # printed only where a guard proved it set
            if "type" in schema:
                # Every use is guarded by this path itself (`#if`, `#with`, `#each`): null and
                # false simply take the other branch.
                schema = _nullable(schema)
        rules = self.conditional.get(coord, {})
        if rules:
            schema["allOf"] = [
                {
                    "if": _guard_schema(coord, guards),
                    "then": _then_schema(coord, targets),
                    "description": _rule_text(guards, targets),
                }
                for guards, targets in sorted(
                    rules.items(), key=lambda rule: [guard_key(g) for g in rule[0]]
                )
            ]
        return schema

    def describe(self, node: Node) -> str:
        roles = node.roles
        if "condition" in roles and len(roles - {"object"}) > 1:
            roles = roles - {"condition"}
        if roles - {"object"}:
            roles = roles - {"object"}
        order = ("printed", "each", "lookup", "condition", "object")
        texts = [ROLE_TEXT[r] for r in order if r in roles]
        if "printed" in roles and not node.strict:
            texts[0] = "printed only where a condition proved it set: any value"
        places: list[str] = []
        for site in node.sites:
            place = self.where(site)
            if place not in places:
                places.append(place)
        if not places:
            return "; ".join(texts)
        shown = ", ".join(places[:MAX_SITES])
        if len(places) > MAX_SITES:
            shown += f" and {len(places) - MAX_SITES} more"
        return f"used at {shown}" + (f"; {'; '.join(texts)}" if texts else "")


def _nullable(schema: Schema) -> Schema:
    description = schema.pop("description", None)
    out: Schema = {"description": description} if description else {}
    out["anyOf"] = [{"enum": [None, False]}, schema]
    return out


def _common_prefix(coords: list[Coord]) -> Coord:
    first = coords[0]
    n = len(first)
    for other in coords[1:]:
        n = min(n, len(other))
        for i in range(n):
            if other[i] != first[i]:
                n = i
                break
    return first[:n]


class _Trie:
    def __init__(self) -> None:
        self.leaves: list[str] = []
        self.kids: dict[str | None, _Trie] = {}

    def add(self, rel: Coord, kind: str) -> None:
        if not rel:
            self.leaves.append(kind)
            return
        self.kids.setdefault(rel[0], _Trie()).add(rel[1:], kind)

    def needs_presence(self) -> bool:
        return bool(self.kids) or any(k in PRESENCE for k in self.leaves)

    def schema(self) -> Schema:
        parts: list[Schema] = [LEAF[kind] for kind in sorted(set(self.leaves))]
        properties: Schema = {}
        required: list[str] = []
        for key, kid in self.kids.items():
            if key is ITEM:
                # Some item of the list/object meets the guards (one item, all of them).
                inner = kid.schema()
                parts.append(
                    {
                        "anyOf": [
                            {"type": "array", "contains": inner},
                            {"type": "object", "not": {"additionalProperties": {"not": inner}}},
                        ]
                    }
                )
                continue
            properties[key] = kid.schema()
            if kid.needs_presence():
                required.append(key)
        if properties:
            obj: Schema = {"properties": properties}
            if required:
                obj["required"] = sorted(required)
            parts.append(obj)
        if len(parts) == 1:
            return parts[0]
        return {"allOf": parts}


def _guard_schema(at: Coord, guards: tuple[Guard, ...]) -> Schema:
    trie = _Trie()
    for guard in guards:
        trie.add(guard.coord[len(at) :], guard.kind)
    return trie.schema()


def _then_schema(at: Coord, targets: list[Coord]) -> Schema:
    merged: Schema = {}
    for target in targets:
        inner: Schema = {"required": [target[-1]]}
        for seg in reversed(target[len(at) : -1]):
            if seg is ITEM:
                inner = {"items": inner, "additionalProperties": inner}
            else:
                inner = {"properties": {seg: inner}}
        merged = _merge(merged, inner)
    return merged


def _merge(a: Schema, b: Schema) -> Schema:
    out = dict(a)
    for key, value in b.items():
        if key == "required":
            out[key] = sorted(set(out.get(key, [])) | set(value))
        elif key == "properties":
            props = dict(out.get(key, {}))
            for name, sub in value.items():
                props[name] = _merge(props.get(name, {}), sub)
            out[key] = props
        elif key in out:
            out[key] = _merge(out[key], value)
        else:
            out[key] = value
    return out


def guard_text(guard: Guard) -> str:
    path = display(guard.coord)
    return {
        "truthy": f"{path} is set",
        "truthy0": f"{path} is set",
        "falsy": f"{path} is not set",
        "falsy0": f"{path} is not set",
        "nonempty": f"{path} has items",
        "empty": f"{path} has no items",
    }[guard.kind]


def _rule_text(guards: tuple[Guard, ...], targets: list[Coord]) -> str:
    paths = ", ".join(display(t) for t in targets)
    return f"required when {' and '.join(guard_text(g) for g in guards)}: {paths}"
