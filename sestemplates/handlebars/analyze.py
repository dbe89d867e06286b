"""Static analysis: which data paths a template reads, and how.

Paths inside `#each`/`#with`/sections are relative to the item, so their top-level key is
unknown (`root_key=None`) unless they climb back with `../` or start at `@root`.
"""

from __future__ import annotations

from dataclasses import dataclass

from sestemplates.handlebars.ast import (
    BlockStatement,
    Expression,
    Hash,
    MustacheStatement,
    PartialStatement,
    PathExpression,
    Program,
    Span,
    SubExpression,
    helper_name,
    inline_partials,
)
from sestemplates.handlebars.parser import BLOCK_HELPERS


@dataclass(frozen=True)
class VariableUse:
    path: str  # as written: "name", "../name", "@root.user.id", "this"
    root_key: str | None  # the top-level data key, when statically known
    kind: str  # "value" | "section" | "condition" | "lookup"
    line: int
    column: int
    tag: str


@dataclass(frozen=True)
class _Frame:
    """What the current context is, statically: the root (at_root) or something else."""

    at_root: tuple[bool, ...]  # innermost first, one entry per context `../` can reach
    block_params: frozenset[str]
    partials: dict[str, Program]
    partial_stack: tuple[str, ...] = ()

    def push(self, at_root: bool, params: tuple[str, ...] = ()) -> _Frame:
        return _Frame(
            (at_root, *self.at_root),
            self.block_params | frozenset(params),
            self.partials,
            self.partial_stack,
        )


class _Analyzer:
    def __init__(self, source: str) -> None:
        self.source = source
        self.uses: list[VariableUse] = []
        self.seen: set[tuple[str, str | None, str, int, int]] = set()
        self.expanded: set[tuple[int, int, bool, frozenset[str]]] = set()
        self.keep_alive: list[dict[str, Program]] = []

    def add(self, path: PathExpression, frame: _Frame, kind: str, tag: Span) -> None:
        root_key = _root_key(path, frame)
        key = (path.original, root_key, kind, tag.line, tag.column)
        if key in self.seen:
            return
        self.seen.add(key)
        text = self.source[tag.start : tag.end]
        self.uses.append(VariableUse(path.original, root_key, kind, tag.line, tag.column, text))

    def program(self, program: Program | None, frame: _Frame) -> None:
        if program is None:
            return
        inline = inline_partials(program)
        if inline:
            frame = _Frame(
                frame.at_root, frame.block_params, {**frame.partials, **inline}, frame.partial_stack
            )
        for stmt in program.body:
            if isinstance(stmt, MustacheStatement):
                self.mustache(stmt, frame)
            elif isinstance(stmt, BlockStatement):
                if not stmt.decorator:
                    self.block(stmt, frame)
            elif isinstance(stmt, PartialStatement):
                self.partial(stmt, frame)

    def expr(self, expr: Expression, frame: _Frame, kind: str, tag: Span) -> None:
        if isinstance(expr, PathExpression):
            self.add(expr, frame, kind, tag)
        elif isinstance(expr, SubExpression):
            inner = "lookup" if helper_name(expr.path) == "lookup" else kind
            if isinstance(expr.path, PathExpression) and not expr.params:
                self.add(expr.path, frame, kind, tag)
            self.args(expr.params, expr.hash, frame, inner, tag)

    def args(
        self, params: list[Expression], hash_: Hash | None, frame: _Frame, kind: str, tag: Span
    ) -> None:
        for param in params:
            self.expr(param, frame, kind, tag)
        if hash_ is not None:
            for pair in hash_.pairs:
                self.expr(pair.value, frame, "value", tag)

    def mustache(self, stmt: MustacheStatement, frame: _Frame) -> None:
        name = helper_name(stmt.path)
        if name == "lookup" and stmt.params:
            self.args(stmt.params, stmt.hash, frame, "lookup", stmt.span)
        elif name == "log":
            self.args(stmt.params, stmt.hash, frame, "value", stmt.span)
        elif isinstance(stmt.path, PathExpression):
            self.add(stmt.path, frame, "value", stmt.span)

    def block(self, stmt: BlockStatement, frame: _Frame) -> None:
        name = helper_name(stmt.path)
        params = stmt.program.block_params if stmt.program is not None else ()
        if name in ("if", "unless"):
            self.args(stmt.params, stmt.hash, frame, "condition", stmt.span)
            self.program(stmt.program, frame)
            self.program(stmt.inverse, frame)
            return
        if name in BLOCK_HELPERS:  # each, with
            self.args(stmt.params, stmt.hash, frame, "section", stmt.span)
            self.program(stmt.program, frame.push(False, params))
            self.program(stmt.inverse, frame)
            return
        if isinstance(stmt.path, PathExpression):
            kind = "condition" if stmt.inverted else "section"
            self.add(stmt.path, frame, kind, stmt.span)
        # A section's context is the value itself unless it is `true`; assume it changes.
        if stmt.inverted:
            self.program(stmt.inverse, frame)
            self.program(stmt.program, frame.push(False, params))
        else:
            self.program(stmt.program, frame.push(False, params))
            self.program(stmt.inverse, frame)

    def partial(self, stmt: PartialStatement, frame: _Frame) -> None:
        self.args(stmt.params, stmt.hash, frame, "section", stmt.span)
        body = frame.partials.get(stmt.name)
        if body is None or stmt.name in frame.partial_stack:
            return
        # Hash arguments shadow the context's keys; treat them like block parameters.
        shadow = frozenset(pair.key for pair in stmt.hash.pairs) if stmt.hash else frozenset()
        at_root = not stmt.params and frame.at_root[0]
        inner = _Frame((at_root,), shadow, frame.partials, (*frame.partial_stack, stmt.name))
        # The same body in the same situation yields the same uses: expand it once, which
        # keeps partials calling partials from growing exponentially.
        key = (id(body), id(frame.partials), at_root, shadow)
        if key in self.expanded:
            return
        self.expanded.add(key)
        self.keep_alive.append(frame.partials)  # so its id is not reused while we remember it
        self.program(body, inner)


def _root_key(path: PathExpression, frame: _Frame) -> str | None:
    if path.data:
        if path.parts[0] == "root" and len(path.parts) > 1:
            return path.parts[1]
        return None
    if not path.parts:
        return None
    if not path.depth and not path.scoped and path.parts[0] in frame.block_params:
        return None
    if path.depth < len(frame.at_root) and frame.at_root[path.depth]:
        return path.parts[0]
    return None


def variable_uses(program: Program) -> list[VariableUse]:
    """Every data path the template reads, in source order."""
    analyzer = _Analyzer(program.source)
    analyzer.program(program, _Frame((True,), frozenset(), {}))
    return analyzer.uses
