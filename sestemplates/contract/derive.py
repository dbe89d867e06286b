"""The data contract of a template, derived from the Handlebars AST of its parts.

A walk over the same AST that check and render use, with symbolic contexts instead of data:
each context is a position in the TemplateData tree (`Coord`, a tuple of keys where `ITEM`
stands for "every item of a list/object that #each iterates"), or None when it cannot be known
statically (a literal passed to a partial, say).

Every strict read (printed values, the leading segments of any path) becomes a `Requirement`:
the path must be present and non-null whenever all its guards hold. Guards are the conditions
of the enclosing `#if`/`#unless`/`#each`/`#with` blocks and their `else` branches. A guard that
the data's shape already implies (a field of the `#each` item, of the `#with` object, of the
`#if`-tested object) is dropped; what is left becomes an if/then in the schema.

Pure: no I/O.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import NamedTuple

from sestemplates.handlebars.ast import (
    BlockStatement,
    BooleanLiteral,
    Expression,
    Hash,
    MustacheStatement,
    NumberLiteral,
    PartialStatement,
    PathExpression,
    Program,
    Span,
    StringLiteral,
    SubExpression,
    helper_name,
    inline_partials,
)

ITEM: None = None  # the Coord segment for "each item" (a key is always a str)
Coord = tuple[str | None, ...]

# Guard kinds: the condition a block puts on its body. "truthy0"/"falsy0" are #if/#unless with
# includeZero=true and #with (where 0 counts as a value).
POSITIVE = frozenset({"truthy", "truthy0", "nonempty"})
NEGATION = {
    "truthy": "falsy",
    "falsy": "truthy",
    "truthy0": "falsy0",
    "falsy0": "truthy0",
    "nonempty": "empty",
    "empty": "nonempty",
}


class Guard(NamedTuple):
    coord: Coord
    kind: str


class Site(NamedTuple):
    """Where a path is used: a tag of one built part."""

    part: str  # "subject" | "html" | "text"
    line: int
    column: int
    tag: str


@dataclass
class Node:
    """What the template does with one position of the data tree."""

    roles: set[str] = field(default_factory=set)  # printed, object, each, lookup, condition
    sites: list[Site] = field(default_factory=list)
    # Some use needs a real value here (not null/false): a field read or a print that no
    # `{{#if}}`/`{{#with}}` on this very path protects. Otherwise null and false are fine.
    strict: bool = False

    def use(self, role: str, site: Site, *, strict: bool = False) -> None:
        self.roles.add(role)
        self.strict = self.strict or strict
        if site not in self.sites:
            self.sites.append(site)


class Requirement(NamedTuple):
    """`target` must be present and non-null whenever every guard holds."""

    target: Coord
    guards: tuple[Guard, ...] = ()


class Lookup(NamedTuple):
    """`{{lookup container key}}` with a key the scaffold can satisfy: a literal (`key`), the
    value of a path (`key_path`), or neither: `@index`/`@key`, the position in an `#each`."""

    container: Coord
    key: str | None = None
    key_path: Coord | None = None


@dataclass
class Contract:
    nodes: dict[Coord, Node] = field(default_factory=dict)
    requirements: set[Requirement] = field(default_factory=set)
    lookups: set[Lookup] = field(default_factory=set)  # for the scaffold; no schema rule

    def node(self, coord: Coord) -> Node:
        found = self.nodes.get(coord)
        if found is None:
            found = self.nodes[coord] = Node()
        return found

    def required(self) -> list[Requirement]:
        """The requirements with guards that add nothing removed, minimal and sorted."""
        by_target: dict[Coord, set[tuple[Guard, ...]]] = {}
        for req in self.requirements:
            if any(g.kind in POSITIVE and g.coord == req.target for g in req.guards):
                continue  # `{{#if x}}{{x}}{{/if}}`: the guard itself says x is there
            by_target.setdefault(req.target, set()).add(_relevant(req))
        out: list[Requirement] = []
        for target, guard_sets in by_target.items():
            for guards in guard_sets:
                # A weaker condition for the same path (a subset of the guards) covers this one.
                if not any(other < set(guards) for other in map(set, guard_sets)):
                    out.append(Requirement(target, guards))
        return sorted(
            out, key=lambda r: (_sort_key(r.target), [_sort_key(g.coord) for g in r.guards])
        )


def guard_key(guard: Guard) -> tuple[tuple[str, ...], str]:
    return _sort_key(guard.coord), guard.kind


def _sort_key(coord: Coord) -> tuple[str, ...]:
    return tuple("" if seg is ITEM else "." + seg for seg in coord)


def _relevant(req: Requirement) -> tuple[Guard, ...]:
    """The guards of a requirement that its position does not already imply: a field read
    below a tested/iterated/scoped path only exists when that path is there."""
    kept = {
        g
        for g in req.guards
        if not (g.kind in POSITIVE and req.target[: len(g.coord)] == g.coord)
    }
    return tuple(sorted(kept, key=guard_key))


def keys_by_parent(coords: Iterable[Coord]) -> dict[Coord, list[str]]:
    """The named children (not `#each` items) of every position, in first-seen order."""
    children: dict[Coord, list[str]] = {}
    for coord in coords:
        last = coord[-1] if coord else ITEM
        if last is not ITEM:
            children.setdefault(coord[:-1], []).append(last)
    return children


def display(coord: Coord) -> str:
    """`order.items[].price`: how users read a path of the contract."""
    out = ""
    for seg in coord:
        if seg is ITEM:
            out += "[]"
        else:
            out += ("." if out else "") + seg
    return out or "(the whole TemplateData)"


class _Scope(NamedTuple):
    contexts: tuple[Coord | None, ...]  # innermost first; None: unknown statically
    params: tuple[Mapping[str, Coord | None], ...]  # block params (and partial hash keys)
    guards: tuple[Guard, ...]
    partials: Mapping[str, Program]
    partial_stack: tuple[str, ...] = ()
    # A partial called with hash arguments gets a fresh object (its argument's keys plus the
    # hash): `{{this}}` is then never missing.
    merged: bool = False

    def enter(
        self, context: Coord | None, guard: Guard | None, params: Mapping[str, Coord | None]
    ) -> _Scope:
        """A block body with a new context (`#each` item, `#with` object) and its guard."""
        return _Scope(
            (context, *self.contexts),
            (params, *self.params) if params else self.params,
            (*self.guards, guard) if guard is not None else self.guards,
            self.partials,
            self.partial_stack,
        )

    def guarded(self, guard: Guard | None) -> _Scope:
        """A branch in the same context under one more guard."""
        if guard is None:
            return self
        return _Scope(
            self.contexts, self.params, (*self.guards, guard), self.partials, self.partial_stack,
            self.merged,
        )


class _Deriver:
    def __init__(self, part: str, source: str, contract: Contract) -> None:
        self.part = part
        self.source = source
        self.contract = contract
        self.expanded: set[tuple[object, ...]] = set()

    def site(self, span: Span) -> Site:
        return Site(self.part, span.line, span.column, self.source[span.start : span.end])

    # --- paths ---------------------------------------------------------------------------
    def base(self, path: PathExpression, scope: _Scope) -> tuple[Coord | None, tuple[str, ...]]:
        """Where a path starts in the data tree, and the keys it reads from there."""
        parts = path.parts
        if path.data:
            if parts[:1] == ("root",) and path.depth == 0:
                return (), parts[1:]
            return None, ()  # @index, @key, @first, @last: the helpers provide them
        if parts and not path.depth and not path.scoped:
            for params in scope.params:
                if parts[0] in params:
                    return params[parts[0]], parts[1:]
        if path.depth < len(scope.contexts):
            return scope.contexts[path.depth], parts
        return None, ()

    def read(
        self, path: PathExpression, scope: _Scope, role: str, span: Span, *, strict: bool
    ) -> Coord | None:
        """Record a read; `strict`: the last segment must be there too (a printed value)."""
        base, parts = self.base(path, scope)
        if base is None:
            return None
        site = self.site(span)
        coord = base
        aliased = len(parts) < len(path.parts)  # a block param or a partial's hash key
        itself = strict and not aliased and not (scope.merged and path.depth == 0)
        if base and (parts or itself):
            # Reading a field of the context, or printing the context itself (`{{this}}` in
            # a partial given an argument), needs it; a block's own guard already covers
            # #each items and #with objects. A hash argument that is missing prints empty.
            self.contract.requirements.add(Requirement(base, scope.guards))
        for i, key in enumerate(parts):
            self.contract.node(coord).use("object", site, strict=not _self_guarded(coord, scope))
            coord = (*coord, key)
            if i < len(parts) - 1 or strict:
                self.contract.requirements.add(Requirement(coord, scope.guards))
        if parts or role != "object":
            typed = strict and role == "printed" and not _self_guarded(coord, scope)
            self.contract.node(coord).use(role, site, strict=typed)
        return coord

    def param(self, expr: Expression, scope: _Scope, role: str, span: Span) -> Coord | None:
        """A helper argument: only its leading segments must exist."""
        if isinstance(expr, PathExpression):
            return self.read(expr, scope, role, span, strict=False)
        if isinstance(expr, SubExpression):
            self.subexpression(expr, scope, span)
        return None

    def subexpression(self, expr: SubExpression, scope: _Scope, span: Span) -> None:
        name = helper_name(expr.path)
        if name == "lookup" and len(expr.params) >= 2:
            self.lookup(expr.params, scope, span, printed=False)
        elif name == "log":
            for p in expr.params:
                self.param(p, scope, "condition", span)
        elif isinstance(expr.path, PathExpression):
            self.read(expr.path, scope, "condition", span, strict=True)

    def lookup(self, params: list[Expression], scope: _Scope, span: Span, *, printed: bool) -> None:
        """`lookup obj key`: obj is a container whose keys are only known at run time."""
        obj = self.param(params[0], scope, "lookup", span)
        key = self.param(params[1], scope, "condition", span)
        if obj is not None:
            found = _lookup(obj, params[1], key)
            if found is not None:
                self.contract.lookups.add(found)
        if printed and obj is not None:
            # A missing container prints as a missing value: SES drops the email.
            self.contract.node(obj).strict = True
            self.contract.requirements.add(Requirement(obj, scope.guards))
            if key is not None and isinstance(params[1], PathExpression) and params[1].parts:
                self.contract.requirements.add(Requirement(key, scope.guards))

    def hash(self, hash_: Hash | None, scope: _Scope) -> dict[str, Coord | None]:
        out: dict[str, Coord | None] = {}
        if hash_ is not None:
            for pair in hash_.pairs:
                out[pair.key] = self.param(pair.value, scope, "condition", pair.span)
        return out

    # --- statements ----------------------------------------------------------------------
    def program(self, program: Program | None, scope: _Scope) -> None:
        if program is None:
            return
        inline = inline_partials(program)
        if inline:
            scope = _Scope(
                scope.contexts, scope.params, scope.guards, {**scope.partials, **inline},
                scope.partial_stack, scope.merged,
            )
        for stmt in program.body:
            if isinstance(stmt, MustacheStatement):
                self.mustache(stmt, scope)
            elif isinstance(stmt, BlockStatement) and not stmt.decorator:
                self.block(stmt, scope)
            elif isinstance(stmt, PartialStatement):
                self.partial(stmt, scope)

    def mustache(self, stmt: MustacheStatement, scope: _Scope) -> None:
        name = helper_name(stmt.path)
        if name == "lookup" and len(stmt.params) >= 2:
            self.lookup(stmt.params, scope, stmt.span, printed=True)
        elif name == "log":
            for p in stmt.params:
                self.param(p, scope, "condition", stmt.span)
        elif isinstance(stmt.path, PathExpression):
            self.read(stmt.path, scope, "printed", stmt.span, strict=True)

    def block(self, stmt: BlockStatement, scope: _Scope) -> None:
        name = helper_name(stmt.path)
        params = stmt.program.block_params if stmt.program is not None else ()
        arg = stmt.params[0] if stmt.params else None
        if name in ("if", "unless"):
            coord = self.param(arg, scope, "condition", stmt.span) if arg is not None else None
            kind = "truthy0" if _include_zero(stmt) else "truthy"
            if name == "unless":
                kind = NEGATION[kind]
            yes, no = _guards(coord, kind, arg)
            self.program(stmt.program, scope.guarded(yes))
            self.program(stmt.inverse, scope.guarded(no))
            return
        if name in ("each", "with"):
            role = "each" if name == "each" else "object"
            coord = self.param(arg, scope, role, stmt.span) if arg is not None else None
            kind = "nonempty" if name == "each" else "truthy0"
            yes, no = _guards(coord, kind, arg)
            inner = coord if coord is None or name == "with" else (*coord, ITEM)
            names: dict[str, Coord | None] = {}
            if params:
                names[params[0]] = inner
                if len(params) > 1:
                    names[params[1]] = None  # the index or key
            self.program(stmt.program, scope.enter(inner, yes, names))
            self.program(stmt.inverse, scope.guarded(no))
            return
        # `{{#name}}` / `{{^name}}` without a helper: a strict lookup, then the value decides.
        coord = None
        if isinstance(stmt.path, PathExpression):
            coord = self.read(stmt.path, scope, "condition", stmt.span, strict=True)
        yes, no = _guards(coord, "truthy", stmt.path)
        body, other = stmt.program, stmt.inverse
        if stmt.inverted:
            body, other = other, body
        if stmt.inverted:
            self.program(body, scope.guarded(no))
        else:
            # The body runs with the value itself as its context (unless it is `true`).
            self.program(body, scope.enter(coord, yes, {}))
        self.program(other, scope.guarded(yes if stmt.inverted else no))

    def partial(self, stmt: PartialStatement, scope: _Scope) -> None:
        context: Coord | None = scope.contexts[0]
        if stmt.params:
            context = self.param(stmt.params[0], scope, "object", stmt.span)
        shadow = self.hash(stmt.hash, scope)
        body = scope.partials.get(stmt.name)
        if body is None or stmt.name in scope.partial_stack:
            return
        # Expanded at each call site: the body reads from the caller's context.
        key = (id(body), (context, *sorted(shadow.items(), key=str)), scope.guards)
        if key in self.expanded:
            return
        self.expanded.add(key)
        inner = _Scope(
            (context,), (shadow,) if shadow else (), scope.guards, scope.partials,
            (*scope.partial_stack, stmt.name), bool(shadow),
        )
        self.program(body, inner)


def _lookup(container: Coord, expr: Expression, key: Coord | None) -> Lookup | None:
    if isinstance(expr, StringLiteral):
        return Lookup(container, key=expr.value)
    if isinstance(expr, NumberLiteral):
        value = expr.value
        return Lookup(container, key=str(int(value)) if value == int(value) else str(value))
    if isinstance(expr, PathExpression) and expr.data and expr.parts in (("index",), ("key",)):
        return Lookup(container)
    if key is not None:
        return Lookup(container, key_path=key)
    return None


def _self_guarded(coord: Coord, scope: _Scope) -> bool:
    return any(g.kind in POSITIVE and g.coord == coord for g in scope.guards)


def _include_zero(stmt: BlockStatement) -> bool:
    if stmt.hash is None:
        return False
    for pair in stmt.hash.pairs:
        if pair.key == "includeZero":
            value = pair.value
            if isinstance(value, BooleanLiteral):
                return value.value
            if isinstance(value, (NumberLiteral, StringLiteral)):
                return bool(value.value)
    return False


def _guards(
    coord: Coord | None, kind: str, arg: Expression | None
) -> tuple[Guard | None, Guard | None]:
    """The guards of the body and of the else branch. A condition that is not a data path
    (a literal, a lookup) cannot be expressed: its branches count as always taken, which
    asks for more than the template needs, never less."""
    if coord is None:
        return None, None
    return Guard(coord, kind), Guard(coord, NEGATION[kind])


def derive(programs: Mapping[str, Program]) -> Contract:
    """The contract of a template from its parsed parts ({"subject": Program, ...})."""
    contract = Contract()
    contract.node(()).roles.add("object")
    for part, program in programs.items():
        deriver = _Deriver(part, program.source, contract)
        deriver.program(program, _Scope(((),), (), (), {}))
    return contract
