"""AST node records. Positions: `start`/`end` are character offsets into the parsed source,
`line`/`column` are 1-based and locate `start`.

Content nodes are mutable because whitespace control trims them after parsing, exactly as
handlebars.js does on its own AST.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import NamedTuple


class Span(NamedTuple):
    start: int
    end: int
    line: int
    column: int


class Strip(NamedTuple):
    open: bool = False
    close: bool = False


@dataclass
class PathExpression:
    original: str
    parts: tuple[str, ...]
    depth: int  # number of leading `../`
    data: bool  # an `@` path
    scoped: bool  # starts with this/./.. so it never names a helper or block param
    span: Span


@dataclass
class StringLiteral:
    value: str
    span: Span


@dataclass
class NumberLiteral:
    value: float
    span: Span


@dataclass
class BooleanLiteral:
    value: bool
    span: Span


@dataclass
class NullLiteral:
    span: Span


@dataclass
class UndefinedLiteral:
    span: Span


@dataclass
class HashPair:
    key: str
    value: Expression
    span: Span


@dataclass
class Hash:
    pairs: list[HashPair]
    span: Span


@dataclass
class SubExpression:
    path: Expression
    params: list[Expression]
    hash: Hash | None
    span: Span


LiteralExpression = StringLiteral | NumberLiteral | BooleanLiteral | NullLiteral | UndefinedLiteral
Expression = PathExpression | SubExpression | LiteralExpression


@dataclass
class ContentStatement:
    value: str
    original: str
    span: Span
    left_stripped: bool = False
    right_stripped: bool = False


@dataclass
class CommentStatement:
    value: str
    strip: Strip
    span: Span


@dataclass
class MustacheStatement:
    path: Expression
    params: list[Expression]
    hash: Hash | None
    strip: Strip
    span: Span


@dataclass
class PartialStatement:
    name: str
    params: list[Expression]
    hash: Hash | None
    strip: Strip
    span: Span
    indent: str = ""


@dataclass
class BlockStatement:
    """`{{#x}}`, `{{^x}}`, `{{#*inline}}` (decorator=True), raw blocks and `else if` links."""

    path: Expression
    params: list[Expression]
    hash: Hash | None
    program: Program | None
    inverse: Program | None
    open_strip: Strip
    inverse_strip: Strip
    close_strip: Strip
    span: Span  # the opening tag
    block_span: Span  # from the opening tag to the end of the closing tag
    decorator: bool = False
    inverted: bool = False


Statement = (
    ContentStatement | CommentStatement | MustacheStatement | PartialStatement | BlockStatement
)


@dataclass
class Program:
    body: list[Statement]
    block_params: tuple[str, ...] = ()
    chained: bool = False
    source: str = field(default="", repr=False)  # set on the root program only


def helper_name(expr: Expression) -> str | None:
    """The name when `expr` could call a helper: one plain segment (not `this.x`, `../x`, `@x`)."""
    if (
        isinstance(expr, PathExpression)
        and len(expr.parts) == 1
        and not expr.depth
        and not expr.data
        and not expr.scoped
    ):
        return expr.parts[0]
    return None


def inline_partials(program: Program) -> dict[str, Program]:
    """The `{{#*inline "name"}}` partials `program` defines at its top level, by name."""
    return {
        s.params[0].value: s.program
        for s in program.body
        if isinstance(s, BlockStatement)
        and s.decorator
        and s.params
        and isinstance(s.params[0], StringLiteral)
        and s.program is not None
    }
