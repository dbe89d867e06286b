"""Recursive-descent parser over the lexer's tokens, following handlebars.js's grammar.

After parsing, whitespace control (`~` and standalone lines) is applied to the AST as
handlebars.js does, and constructs SES does not support are rejected with code "unsupported".
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from sestemplates.handlebars.ast import (
    BlockStatement,
    BooleanLiteral,
    CommentStatement,
    ContentStatement,
    Expression,
    Hash,
    HashPair,
    MustacheStatement,
    NullLiteral,
    NumberLiteral,
    PartialStatement,
    PathExpression,
    Program,
    Span,
    Statement,
    StringLiteral,
    Strip,
    SubExpression,
    UndefinedLiteral,
    helper_name,
)
from sestemplates.handlebars.errors import TemplateSyntaxError
from sestemplates.handlebars.lexer import Locator, Token, tokenize
from sestemplates.handlebars.whitespace import apply_whitespace_control

BLOCK_HELPERS = frozenset({"if", "unless", "each", "with"})
VALUE_HELPERS = frozenset({"lookup", "log"})
# Deep nesting is never a real template; the limit (blocks and `else if` links) keeps every
# recursive pass over the AST far from Python's recursion limit.
MAX_DEPTH = 100
UNSUPPORTED = "not supported by SES"

_PROGRAM_END = frozenset({"EOF", "OPEN_ENDBLOCK", "INVERSE", "OPEN_INVERSE_CHAIN", "END_RAW_BLOCK"})
_LITERALS = frozenset({"STRING", "NUMBER", "BOOLEAN", "UNDEFINED", "NULL"})


@dataclass
class _Open:
    """The inside of an opening tag: `{{#name params hash as |bp|}}`."""

    path: Expression
    params: list[Expression]
    hash: Hash | None
    block_params: tuple[str, ...]
    strip: Strip
    span: Span


@dataclass
class _Inverse:
    strip: Strip
    program: Program
    chain: bool


def parse(source: str) -> Program:
    """Parse a template into a Program; raise TemplateSyntaxError with the tag's position."""
    if not isinstance(source, str):
        raise TypeError("template source must be a str")
    locator = Locator(source)
    parser = _Parser(source, tokenize(source, locator), locator)
    program = parser.parse_root()
    apply_whitespace_control(program)
    _check_partials(program)
    return program


class _Parser:
    def __init__(self, source: str, tokens: list[Token], locator: Locator) -> None:
        self.src = source
        self.tokens = [*tokens, tokens[-1]]
        self.i = 0
        self.loc = locator
        self.depth = 0

    # --- helpers -------------------------------------------------------------------------
    def span(self, start: int, end: int) -> Span:
        line, column = self.loc.position(start)
        return Span(start, end, line, column)

    def error(
        self, offset: int, message: str, code: str = "syntax", opened: Span | None = None
    ) -> TemplateSyntaxError:
        line, column = self.loc.position(offset)
        where = (opened.line, opened.column) if opened is not None else None
        return TemplateSyntaxError(message, line=line, column=column, code=code, opened=where)

    def peek(self, ahead: int = 0) -> Token:
        # The token list ends with two EOF tokens and `take` never moves past the first.
        return self.tokens[self.i + ahead]

    def take(self) -> Token:
        tok = self.tokens[self.i]
        if tok.kind != "EOF":
            self.i += 1
        return tok

    def expect(self, kind: str, tag_start: int, what: str) -> Token:
        tok = self.peek()
        if tok.kind == kind:
            return self.take()
        raise self._unexpected(tok, tag_start, what)

    def _unexpected(self, tok: Token, tag_start: int, what: str) -> TemplateSyntaxError:
        if tok.kind == "EOF" or (tok.kind == "INVALID" and self.src.find("}}", tag_start) == -1):
            snippet = self.src[tag_start : tag_start + 30].split("\n")[0]
            return self.error(tag_start, f"unclosed tag '{snippet}': expected '}}}}'")
        text = self.src[tok.start : tok.end] or tok.kind
        return self.error(tok.start, f"unexpected '{text}' in tag: expected {what}")

    def tag_text(self, span: Span) -> str:
        return self.src[span.start : span.end]

    # --- programs ------------------------------------------------------------------------
    def parse_root(self) -> Program:
        program = self.parse_program()
        tok = self.peek()
        if tok.kind != "EOF":
            text = self._tag_snippet(tok)
            if tok.kind == "OPEN_ENDBLOCK":
                raise self.error(tok.start, f"'{text}' closes a block that was never opened")
            raise self.error(tok.start, f"'{text}' outside a block")
        program.source = self.src
        return program

    def _tag_end(self, tok: Token) -> int:
        end = self.src.find("}}", tok.end)
        return tok.end if end == -1 else end + 2

    def _tag_snippet(self, tok: Token) -> str:
        if tok.value.endswith("}}"):
            return self.src[tok.start : tok.end]
        return self.src[tok.start : self._tag_end(tok)]

    def parse_program(self, block_params: tuple[str, ...] = ()) -> Program:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise self.error(self.peek().start, f"blocks nested more than {MAX_DEPTH} deep")
        body: list[Statement] = []
        while self.peek().kind not in _PROGRAM_END:
            body.append(self.parse_statement())
        self.depth -= 1
        return Program(body, block_params)

    def parse_statement(self) -> Statement:
        tok = self.peek()
        kind = tok.kind
        if kind == "CONTENT":
            self.take()
            return ContentStatement(tok.value, tok.value, self.span(tok.start, tok.end))
        if kind == "COMMENT":
            self.take()
            return CommentStatement(
                _strip_comment(tok.value),
                _strip_flags(tok.value, tok.value),
                self.span(tok.start, tok.end),
            )
        if kind in ("OPEN", "OPEN_UNESCAPED"):
            return self.parse_mustache()
        if kind in ("OPEN_BLOCK", "OPEN_INVERSE"):
            return self.parse_block()
        if kind == "OPEN_RAW_BLOCK":
            return self.parse_raw_block()
        if kind == "OPEN_PARTIAL":
            return self.parse_partial()
        if kind == "OPEN_PARTIAL_BLOCK":
            raise self.error(
                tok.start,
                f"partial blocks '{self._tag_snippet(tok)}' are {UNSUPPORTED}",
                "unsupported",
            )
        raise self.error(tok.start, f"unexpected '{self.src[tok.start : tok.end]}'")

    # --- expressions ---------------------------------------------------------------------
    def parse_open(self, open_tok: Token, close_kind: str, *, allow_block_params: bool) -> _Open:
        start = open_tok.start
        path = self.parse_helper_name(start)
        params, hash_ = self.parse_params_and_hash(start)
        block_params: tuple[str, ...] = ()
        if allow_block_params and self.peek().kind == "OPEN_BLOCK_PARAMS":
            self.take()
            names = []
            while self.peek().kind == "ID":
                names.append(self.take().value)
            if not names:
                raise self._unexpected(self.peek(), start, "a block parameter name")
            self.expect("CLOSE_BLOCK_PARAMS", start, "'|'")
            block_params = tuple(names)
        close = self.expect(
            close_kind, start, "'}}}'" if close_kind == "CLOSE_UNESCAPED" else "'}}'"
        )
        return _Open(
            path,
            params,
            hash_,
            block_params,
            _strip_flags(open_tok.value, close.value),
            self.span(start, close.end),
        )

    def parse_params_and_hash(self, tag_start: int) -> tuple[list[Expression], Hash | None]:
        params: list[Expression] = []
        while True:
            tok = self.peek()
            if tok.kind == "ID" and self.peek(1).kind == "EQUALS":
                break
            if tok.kind in _LITERALS or tok.kind in ("ID", "DATA", "OPEN_SEXPR"):
                params.append(self.parse_param(tag_start))
            else:
                return params, None
        pairs: list[HashPair] = []
        while self.peek().kind == "ID" and self.peek(1).kind == "EQUALS":
            key = self.take()
            self.take()
            value = self.parse_param(tag_start)
            pairs.append(HashPair(key.value, value, self.span(key.start, _end_of(value))))
        return params, Hash(pairs, self.span(pairs[0].span.start, pairs[-1].span.end))

    def parse_param(self, tag_start: int) -> Expression:
        if self.peek().kind == "OPEN_SEXPR":
            return self.parse_sexpr(tag_start)
        return self.parse_helper_name(tag_start)

    def parse_sexpr(self, tag_start: int) -> SubExpression:
        open_tok = self.take()
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise self.error(open_tok.start, f"subexpressions nested more than {MAX_DEPTH} deep")
        path = self.parse_helper_name(tag_start)
        params, hash_ = self.parse_params_and_hash(tag_start)
        close = self.expect("CLOSE_SEXPR", tag_start, "')'")
        self.depth -= 1
        sexpr = SubExpression(path, params, hash_, self.span(open_tok.start, close.end))
        self._check_call(sexpr.path, params, hash_, sexpr.span, block=False, at=tag_start)
        return sexpr

    def parse_helper_name(self, tag_start: int) -> Expression:
        tok = self.peek()
        kind = tok.kind
        if kind == "STRING":
            self.take()
            return StringLiteral(tok.value, self.span(tok.start, tok.end))
        if kind == "NUMBER":
            self.take()
            return NumberLiteral(float(tok.value), self.span(tok.start, tok.end))
        if kind == "BOOLEAN":
            self.take()
            return BooleanLiteral(tok.value == "true", self.span(tok.start, tok.end))
        if kind == "NULL":
            self.take()
            return NullLiteral(self.span(tok.start, tok.end))
        if kind == "UNDEFINED":
            self.take()
            return UndefinedLiteral(self.span(tok.start, tok.end))
        if kind == "DATA":
            self.take()
            return self.parse_path(tag_start, data=True, start=tok.start)
        if kind == "ID":
            return self.parse_path(tag_start, data=False, start=tok.start)
        raise self._unexpected(tok, tag_start, "a name, path or literal")

    def parse_path(self, tag_start: int, *, data: bool, start: int) -> PathExpression:
        first = self.expect("ID", tag_start, "a name")
        value = first.value
        if self.tokens[self.i].kind != "SEP" and (
            first.bracketed or value not in ("..", ".", "this")
        ):
            # The common case, a single plain segment.
            original = "@" + value if data else value
            return PathExpression(original, (value,), 0, data, False, self.span(start, first.end))
        segments = [first]
        seps = [""]
        while self.peek().kind == "SEP":
            seps.append(self.take().value)
            segments.append(self.expect("ID", tag_start, "a name after the separator"))
        original = "@" if data else ""
        parts: list[str] = []
        depth = 0
        scoped = False
        for sep, seg in zip(seps, segments, strict=True):
            original += sep + seg.value
            if not seg.bracketed and seg.value in ("..", ".", "this"):
                if parts:
                    raise self.error(seg.start, f"invalid path: {original}")
                scoped = True
                if seg.value == "..":
                    depth += 1
            else:
                parts.append(seg.value)
        if data and not parts:
            raise self._nameless_data(start, original, depth)
        return PathExpression(
            original, tuple(parts), depth, data, scoped, self.span(start, segments[-1].end)
        )

    def _nameless_data(self, start: int, original: str, depth: int) -> TemplateSyntaxError:
        # handlebars.js ignores the `@` of `@this`, `@.`, `@..` and reads the context instead;
        # SES's engine need not share that compiler quirk, and the author most likely meant a
        # data variable or the plain context, so ask for the one they meant.
        context = "/".join([".."] * depth) or "this"
        return self.error(
            start,
            f"'{original}' names no data variable: write '{context}' for the context, or a "
            "data variable such as @index, @key or @root",
            "unsupported",
        )

    # --- statements ----------------------------------------------------------------------
    def parse_mustache(self) -> MustacheStatement:
        open_tok = self.take()
        if open_tok.kind == "OPEN" and open_tok.value.endswith("*"):
            raise self.error(
                open_tok.start,
                f"decorators '{self._tag_snippet(open_tok)}' are {UNSUPPORTED}",
                "unsupported",
            )
        close_kind = "CLOSE_UNESCAPED" if open_tok.kind == "OPEN_UNESCAPED" else "CLOSE"
        opened = self.parse_open(open_tok, close_kind, allow_block_params=False)
        self._check_call(opened.path, opened.params, opened.hash, opened.span, block=False)
        return MustacheStatement(opened.path, opened.params, opened.hash, opened.strip, opened.span)

    def parse_block(self) -> BlockStatement:
        open_tok = self.take()
        inverted = open_tok.kind == "OPEN_INVERSE"
        decorator = open_tok.value.endswith("*")
        opened = self.parse_open(open_tok, "CLOSE", allow_block_params=True)
        if decorator:
            self._check_inline(opened)
        else:
            self._check_call(opened.path, opened.params, opened.hash, opened.span, block=True)
        program = self.parse_program(opened.block_params)
        inverse: _Inverse | None = None
        tok = self.peek()
        if tok.kind == "INVERSE" or (tok.kind == "OPEN_INVERSE_CHAIN" and not inverted):
            if decorator:
                raise self.error(tok.start, "unexpected '{{else}}' in an inline partial")
            inverse = self.parse_inverse_chain()
        close_strip, end = self.parse_close(opened)
        return self._make_block(opened, program, inverse, close_strip, end, inverted, decorator)

    def _make_block(
        self,
        opened: _Open,
        program: Program,
        inverse: _Inverse | None,
        close_strip: Strip,
        end: int,
        inverted: bool,
        decorator: bool,
    ) -> BlockStatement:
        # Mirrors handlebars.js prepareBlock, including which strip flags land where.
        inverse_program: Program | None = None
        inverse_strip = Strip()
        if inverse is not None:
            if inverse.chain:
                first = inverse.program.body[0]
                assert isinstance(first, BlockStatement)
                first.close_strip = close_strip
            inverse_strip = inverse.strip
            inverse_program = inverse.program
        main: Program | None = program
        if inverted:
            main, inverse_program = inverse_program, program
        return BlockStatement(
            path=opened.path,
            params=opened.params,
            hash=opened.hash,
            program=main,
            inverse=inverse_program,
            open_strip=opened.strip,
            inverse_strip=inverse_strip,
            close_strip=close_strip,
            span=opened.span,
            block_span=self.span(opened.span.start, end),
            decorator=decorator,
            inverted=inverted,
        )

    def parse_inverse_chain(self) -> _Inverse:
        tok = self.take()
        if tok.kind == "INVERSE":
            return _Inverse(_strip_flags(tok.value, tok.value), self.parse_program(), chain=False)
        # Each `else if` link nests one block deeper in the AST.
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise self.error(tok.start, f"blocks nested more than {MAX_DEPTH} deep")
        opened = self.parse_open(tok, "CLOSE", allow_block_params=True)
        self._check_call(opened.path, opened.params, opened.hash, opened.span, block=True)
        program = self.parse_program(opened.block_params)
        nested: _Inverse | None = None
        if self.peek().kind in ("INVERSE", "OPEN_INVERSE_CHAIN"):
            nested = self.parse_inverse_chain()
        self.depth -= 1
        close_strip = nested.strip if nested is not None else Strip()
        end = self.peek().start
        block = self._make_block(opened, program, nested, close_strip, end, False, False)
        return _Inverse(opened.strip, Program([block], chained=True), chain=True)

    def parse_close(self, opened: _Open) -> tuple[Strip, int]:
        tok = self.peek()
        open_text = self.tag_text(opened.span)
        if tok.kind != "OPEN_ENDBLOCK":
            if tok.kind == "EOF":
                raise self.error(
                    opened.span.start,
                    f"'{open_text}' is never closed (expected '{{{{/{_name(opened.path)}}}}}')",
                )
            raise self.error(tok.start, f"'{self._tag_snippet(tok)}' is not allowed here")
        self.take()
        name = self.parse_helper_name(tok.start)
        close = self.expect("CLOSE", tok.start, "'}}'")
        close_text = self.src[tok.start : close.end]
        if _name(name) != _name(opened.path):
            raise self.error(
                tok.start,
                f"'{close_text}' does not match '{open_text}' opened at line "
                f"{opened.span.line}, column {opened.span.column}",
                opened=opened.span,
            )
        return _strip_flags(tok.value, close.value), close.end

    def parse_raw_block(self) -> BlockStatement:
        open_tok = self.take()
        opened = self.parse_open(open_tok, "CLOSE_RAW_BLOCK", allow_block_params=False)
        self._check_call(opened.path, opened.params, opened.hash, opened.span, block=True)
        body: list[Statement] = []
        while self.peek().kind == "CONTENT":
            tok = self.take()
            body.append(ContentStatement(tok.value, tok.value, self.span(tok.start, tok.end)))
        end_tok = self.peek()
        if end_tok.kind != "END_RAW_BLOCK":
            raise self.error(opened.span.start, f"'{self.tag_text(opened.span)}' is never closed")
        self.take()
        if end_tok.value != _name(opened.path):
            raise self.error(
                end_tok.start,
                f"'{self.src[end_tok.start : end_tok.end]}' does not match "
                f"'{self.tag_text(opened.span)}' opened at line {opened.span.line}, "
                f"column {opened.span.column}",
                opened=opened.span,
            )
        return BlockStatement(
            path=opened.path,
            params=opened.params,
            hash=opened.hash,
            program=Program(body),
            inverse=None,
            open_strip=Strip(),
            inverse_strip=Strip(),
            close_strip=Strip(),
            span=opened.span,
            block_span=self.span(opened.span.start, end_tok.end),
        )

    def parse_partial(self) -> PartialStatement:
        open_tok = self.take()
        start = open_tok.start
        if self.peek().kind == "OPEN_SEXPR":
            raise self.error(
                start,
                f"dynamic partials '{self._tag_snippet(open_tok)}' are {UNSUPPORTED}",
                "unsupported",
            )
        name_expr = self.parse_helper_name(start)
        params, hash_ = self.parse_params_and_hash(start)
        close = self.expect("CLOSE", start, "'}}'")
        span = self.span(start, close.end)
        if len(params) > 1:
            raise self.error(
                start, f"a partial takes at most one context argument: '{self.tag_text(span)}'"
            )
        return PartialStatement(
            _name(name_expr), params, hash_, _strip_flags(open_tok.value, close.value), span
        )

    # --- what SES supports ---------------------------------------------------------------
    def _check_inline(self, opened: _Open) -> None:
        path = opened.path
        is_inline = isinstance(path, PathExpression) and path.original == "inline"
        if not is_inline:
            raise self.error(
                opened.span.start,
                f"decorator '{self.tag_text(opened.span)}' is {UNSUPPORTED}",
                "unsupported",
            )
        if len(opened.params) != 1 or not isinstance(opened.params[0], StringLiteral):
            # handlebars.js accepts these (extra arguments are ignored, a path names the
            # partial at run time), so they are not syntax errors; SES gets one quoted name.
            raise self.error(
                opened.span.start,
                f"'{self.tag_text(opened.span)}': an inline partial with anything but one "
                f"quoted name is {UNSUPPORTED}",
                "unsupported",
            )

    def _check_call(
        self,
        path: Expression,
        params: list[Expression],
        hash_: Hash | None,
        span: Span,
        *,
        block: bool,
        at: int | None = None,
    ) -> None:
        """Reject helpers SES lacks; errors point at the tag (`at`) even for subexpressions."""
        text = self.tag_text(span)
        where = span.start if at is None else at
        name = helper_name(path)
        has_args = bool(params) or hash_ is not None
        if name in BLOCK_HELPERS:
            if not block:
                if has_args:
                    raise self.error(
                        where,
                        f"'{name}' used outside a block in '{text}' is {UNSUPPORTED}",
                        "unsupported",
                    )
                raise self.error(where, f"'{text}': #{name} must be a block with one argument")
            if len(params) != 1:
                raise self.error(where, f"'{text}': #{name} requires exactly one argument")
            return
        if name in VALUE_HELPERS:
            if block:
                raise self.error(
                    where, f"'{name}' as a block in '{text}' is {UNSUPPORTED}", "unsupported"
                )
            if name == "lookup" and len(params) != 2:
                raise self.error(where, f"'{text}': lookup requires exactly two arguments")
            return
        if has_args:
            label = _name(path)
            raise self.error(where, f"helper '{label}' in '{text}' is {UNSUPPORTED}", "unsupported")


def _end_of(expr: Expression) -> int:
    return expr.span.end


def literal_text(expr: Expression) -> str | None:
    """A literal as JavaScript prints it (a property key, a helper name); None for paths and
    subexpressions."""
    if isinstance(expr, StringLiteral):
        return expr.value
    if isinstance(expr, NumberLiteral):
        from sestemplates.handlebars.jsvalue import js_number

        return js_number(expr.value)
    if isinstance(expr, BooleanLiteral):
        return "true" if expr.value else "false"
    if isinstance(expr, NullLiteral):
        return "null"
    if isinstance(expr, UndefinedLiteral):
        return "undefined"
    return None


def _name(expr: Expression) -> str:
    if isinstance(expr, PathExpression):
        return expr.original
    text = literal_text(expr)
    return "(subexpression)" if text is None else text


def _strip_flags(open_text: str, close_text: str) -> Strip:
    return Strip(
        open=len(open_text) > 2 and open_text[2] == "~",
        close=len(close_text) >= 3 and close_text[-3] == "~",
    )


def _strip_comment(text: str) -> str:
    # handlebars.js: remove `{{~?!-?-?` and `-?-?~?}}`.
    start = 2
    if text.startswith("~", start):
        start += 1
    start += 1  # the `!`
    for _ in range(2):
        if text.startswith("-", start):
            start += 1
    end = len(text) - 2
    if end > start and text[end - 1] == "~":
        end -= 1
    for _ in range(2):
        if end > start and text[end - 1] == "-":
            end -= 1
    return text[start:end]


def iter_programs(program: Program) -> Iterator[tuple[Program, list[Program]]]:
    """Every program with its enclosing programs (outermost first)."""
    stack: list[tuple[Program, list[Program]]] = [(program, [])]
    while stack:
        current, outer = stack.pop()
        yield current, outer
        for stmt in current.body:
            if isinstance(stmt, BlockStatement):
                for child in (stmt.program, stmt.inverse):
                    if child is not None:
                        stack.append((child, [*outer, current]))


def inline_names(program: Program) -> set[str]:
    names = set()
    for stmt in program.body:
        if isinstance(stmt, BlockStatement) and stmt.decorator:
            first = stmt.params[0]
            assert isinstance(first, StringLiteral)
            names.add(first.value)
    return names


def _check_partials(root: Program) -> None:
    """A `{{> name}}` needs an inline partial defined in this program or an enclosing one."""
    undefined: list[PartialStatement] = []
    for program, outer in iter_programs(root):
        visible: set[str] | None = None
        for stmt in program.body:
            if not isinstance(stmt, PartialStatement):
                continue
            if visible is None:
                visible = set().union(*(inline_names(p) for p in [*outer, program]))
            if stmt.name not in visible:
                undefined.append(stmt)
    if undefined:
        first = min(undefined, key=lambda s: s.span.start)
        text = root.source[first.span.start : first.span.end]
        raise TemplateSyntaxError(
            f"partial '{first.name}' in '{text}' has no inline definition; external "
            f"partials are {UNSUPPORTED}",
            line=first.span.line,
            column=first.span.column,
            code="unsupported",
        )
