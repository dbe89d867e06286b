"""The one evaluator behind `render` and `check_data`.

It walks the AST with the real data. In "raise" mode the first problem becomes a RenderError;
in "collect" mode every problem is recorded, its value is treated as empty and evaluation goes
on (every item of every #each, the taken branch of every condition). Both modes make the same
decisions in the same order, so the checker can never approve what the renderer rejects.

Lookup rules are handlebars.js's with `strict: true` (what SES requires of referenced values),
plus SES's own rule that a null value is as fatal as a missing one.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from sestemplates.handlebars.ast import (
    BlockStatement,
    BooleanLiteral,
    CommentStatement,
    ContentStatement,
    Expression,
    MustacheStatement,
    NullLiteral,
    NumberLiteral,
    PartialStatement,
    PathExpression,
    Program,
    Span,
    StringLiteral,
    SubExpression,
    helper_name,
)
from sestemplates.handlebars.errors import RenderError
from sestemplates.handlebars.jsvalue import (
    UNDEFINED,
    get_property,
    has_property,
    is_empty,
    is_nullish,
    is_object,
    join_surrogates,
    js_number,
    object_keys,
    to_double,
    to_js_string,
    truthy,
)
from sestemplates.handlebars.parser import BLOCK_HELPERS, literal_text

MAX_PARTIAL_DEPTH = 64
# Blocks nest at most parser.MAX_DEPTH deep; only partials can go deeper. Bounded so that
# evaluation never meets Python's recursion limit.
MAX_EVAL_DEPTH = 150
# Program evaluations per render: far above what a sample within SES's 262,144-character
# TemplateData limit can drive, far below what hangs a pre-commit hook.
MAX_STEPS = 200_000


@dataclass(frozen=True)
class DataProblem:
    code: str  # "missing" | "null" | "each-not-iterable" | "case-mismatch" | "recursion"
    attribute: str
    message: str
    line: int
    column: int
    tag: str


@dataclass(frozen=True)
class _Ctx:
    """A context value and the data path SES would name it by ("" for the root)."""

    value: Any
    path: str


@dataclass
class _DataFrame:
    values: dict[str, Any]
    parent: _DataFrame | None


@dataclass(frozen=True)
class _PartialDef:
    program: Program
    partials: dict[str, _PartialDef]


@dataclass(frozen=True)
class _Scope:
    contexts: tuple[_Ctx, ...]  # innermost first: contexts[n] is what `n` times `../` reaches
    data: _DataFrame
    block_params: tuple[dict[str, _Ctx], ...]  # innermost first
    partials: dict[str, _PartialDef]
    partial_depth: int = 0

    def with_context(
        self, ctx: _Ctx, data: _DataFrame | None = None, params: dict[str, _Ctx] | None = None
    ) -> _Scope:
        top = self.contexts[0]
        contexts = self.contexts if _same(top.value, ctx.value) else (ctx, *self.contexts)
        return _Scope(
            contexts,
            data or self.data,
            (params, *self.block_params) if params else self.block_params,
            self.partials,
            self.partial_depth,
        )


@dataclass
class _Resolved:
    value: Any
    path: str
    failed: bool = False  # a problem was already reported for this lookup
    inherited: bool = False  # a JS prototype member: present but undefined, not an error


@dataclass
class Evaluator:
    source: str
    collect: bool
    problems: list[DataProblem] = field(default_factory=list)
    _seen: set[tuple[str, str, int, int]] = field(default_factory=set)
    _tag: Span | None = None
    _depth: int = 0
    _steps: int = 0
    _halted: bool = False

    # --- entry point ---------------------------------------------------------------------
    def run(self, program: Program, data: Any) -> str:
        root = _Ctx(data, "")
        scope = _Scope((root,), _DataFrame({"root": data}, None), (), {})
        return to_js_string(self.program(program, scope))

    # --- problems ------------------------------------------------------------------------
    def problem(self, code: str, attribute: str, message: str | None = None) -> None:
        span = self._tag
        assert span is not None
        if message is None:
            message = f"Attribute '{attribute}' is not present in the rendering data."
            if code == "null":
                message += " (the sample has null for it, which SES treats as missing)"
        tag = self.source[span.start : span.end]
        if not self.collect:
            raise RenderError(
                message, attribute=attribute, line=span.line, column=span.column, code=code
            )
        key = (code, attribute, span.line, span.column)
        if key not in self._seen:
            self._seen.add(key)
            self.problems.append(DataProblem(code, attribute, message, span.line, span.column, tag))

    def runaway(self, attribute: str, message: str) -> None:
        """Report runaway recursion once and stop evaluating (collect mode would otherwise
        walk every branch of an exponential expansion)."""
        self.problem("recursion", attribute, message)
        self._halted = True

    def missing(self, attribute: str, hint: str | None) -> None:
        if hint is not None:
            self.problem(
                "case-mismatch",
                attribute,
                f"Attribute '{attribute}' is not present in the rendering data. "
                f"(the sample has '{hint}': names are case-sensitive)",
            )
        else:
            self.problem("missing", attribute)

    # --- statements ----------------------------------------------------------------------
    def program(self, program: Program | None, scope: _Scope) -> Any:
        """The JavaScript value handlebars.js's compiled function for `program` returns.

        Not always a string: handlebars.js joins neighbouring outputs with JavaScript `+`,
        so `{{a}}{{b}}` with two numbers adds them. `_combine` reproduces that.
        """
        if program is None or self._halted:
            return ""
        self._steps += 1
        if self._depth >= MAX_EVAL_DEPTH or self._steps > MAX_STEPS:
            # Only partials calling themselves get here (the parser bounds block nesting and
            # sample data is finite); stop instead of recursing or fanning out without end.
            self.runaway(
                "",
                f"blocks and partials nest more than {MAX_EVAL_DEPTH} levels deep"
                if self._depth >= MAX_EVAL_DEPTH
                else f"the template expands to more than {MAX_STEPS} blocks (runaway partials?)",
            )
            return ""
        self._depth += 1
        try:
            return self._program(program, scope)
        finally:
            self._depth -= 1

    def _program(self, program: Program, scope: _Scope) -> Any:
        scope = self._register_inline(program, scope)
        ops: list[tuple[bool, Any]] = []  # (explicit, value); see _combine
        pending: list[str] = []
        for stmt in program.body:
            if isinstance(stmt, ContentStatement):
                if stmt.value:
                    pending.append(stmt.value)
                continue
            if isinstance(stmt, CommentStatement) or (
                isinstance(stmt, BlockStatement) and stmt.decorator
            ):
                continue
            if pending:
                ops.append((False, "".join(pending)))
                pending = []
            self._tag = stmt.span
            if isinstance(stmt, MustacheStatement):
                ops.append((False, self.mustache(stmt, scope)))
            elif isinstance(stmt, BlockStatement):
                ops.append(self.block(stmt, scope))
            else:
                ops.append((False, self.partial(stmt, scope)))
        if pending:
            ops.append((False, "".join(pending)))
        return _combine(ops, simple=len(program.body) == 1)

    def _register_inline(self, program: Program, scope: _Scope) -> _Scope:
        defs = [s for s in program.body if isinstance(s, BlockStatement) and s.decorator]
        if not defs:
            return scope
        partials = dict(scope.partials)
        for block in defs:
            name = block.params[0]
            assert isinstance(name, StringLiteral) and block.program is not None
            # The dict is shared so a partial can call itself and later siblings.
            partials[name.value] = _PartialDef(block.program, partials)
        return _Scope(scope.contexts, scope.data, scope.block_params, partials, scope.partial_depth)

    def mustache(self, stmt: MustacheStatement, scope: _Scope) -> Any:
        head = stmt.path
        name = helper_name(head)
        if name == "log":
            for param in stmt.params:
                self.param(param, scope)
            return ""
        if name == "lookup" and stmt.params:
            resolved = self.lookup(stmt.params, scope)
        else:
            resolved = self.resolve(_as_path(head), scope, strict=True)
        return self.output_value(resolved)

    def output_value(self, resolved: _Resolved) -> Any:
        value = resolved.value
        if is_nullish(value):
            if not (resolved.failed or resolved.inherited):
                if value is None:
                    self.problem("null", resolved.path)
                else:
                    self.missing(resolved.path, None)
            return ""
        return value

    def block(self, stmt: BlockStatement, scope: _Scope) -> tuple[bool, Any]:
        """(explicit, value): handlebars.js appends `{{#name}}` sections outside the `+` run."""
        name = helper_name(stmt.path)
        if name in BLOCK_HELPERS:
            tag = self._tag
            arg = self.param(stmt.params[0], scope)
            self._tag = tag
            if name in ("if", "unless"):
                return False, self.if_block(stmt, scope, arg, negate=name == "unless")
            if name == "with":
                if not is_empty(arg.value):
                    ctx = _Ctx(arg.value, arg.path)
                    params = _block_params(stmt, [ctx])
                    return False, self.program(stmt.program, scope.with_context(ctx, params=params))
                return False, self.program(stmt.inverse, scope)
            return False, self.each(stmt, scope, arg)
        path = _as_path(stmt.path)
        resolved = self.resolve(path, scope, strict=True)
        explicit = _is_ambiguous(path, scope)
        return explicit, self.section(stmt, scope, resolved)

    def if_block(self, stmt: BlockStatement, scope: _Scope, arg: _Resolved, *, negate: bool) -> Any:
        include_zero = False
        if stmt.hash is not None:
            for pair in stmt.hash.pairs:
                if pair.key == "includeZero":
                    include_zero = truthy(self.param(pair.value, scope).value)
        value = arg.value
        falsy = (not include_zero and not truthy(value)) or is_empty(value)
        return self.program(stmt.program if falsy == negate else stmt.inverse, scope)

    def each(self, stmt: BlockStatement, scope: _Scope, arg: _Resolved) -> Any:
        value = arg.value
        if is_object(value):
            result = self.iterate(stmt, scope, value, arg.path)
            if result is not None:
                return result
        elif not is_nullish(value) and value is not False:
            self.problem(
                "each-not-iterable",
                arg.path,
                f"#each over '{arg.path}' needs a list or an object, but the sample has "
                f"{_describe(value)}",
            )
        return self.program(stmt.inverse, scope)

    def iterate(self, stmt: BlockStatement, scope: _Scope, value: Any, path: str) -> str | None:
        """handlebars.js each: the items' outputs joined, or None when there was no item."""
        items: list[tuple[Any, Any, str]]
        if isinstance(value, Mapping):
            items = [
                (key, value[key], f"{path}.{key}" if path else key) for key in object_keys(value)
            ]
        else:
            items = [(i, item, path) for i, item in enumerate(value)]
        if not items:
            return None
        last = len(items) - 1
        parts: list[str] = []
        for index, (key, item, item_path) in enumerate(items):
            frame = _DataFrame(
                {
                    **scope.data.values,
                    "key": key,
                    "index": index,
                    "first": index == 0,
                    "last": index == last,
                },
                scope.data,
            )
            ctx = _Ctx(item, item_path)
            params = _block_params(stmt, [ctx, _Ctx(key, item_path)])
            result = self.program(stmt.program, scope.with_context(ctx, frame, params))
            parts.append(to_js_string(result))
        return "".join(parts)

    def section(self, stmt: BlockStatement, scope: _Scope, resolved: _Resolved) -> Any:
        # handlebars.js blockHelperMissing for `{{#name}}` / `{{^name}}` without a helper.
        value = resolved.value
        if value is True:
            return self.program(stmt.program, scope)
        if value is False or is_nullish(value):
            return self.program(stmt.inverse, scope)
        if isinstance(value, (list, tuple)):
            result = self.iterate(stmt, scope, value, resolved.path)
            return self.program(stmt.inverse, scope) if result is None else result
        return self.program(stmt.program, scope.with_context(_Ctx(value, resolved.path)))

    def partial(self, stmt: PartialStatement, scope: _Scope) -> Any:
        definition = scope.partials.get(stmt.name)
        if definition is None:
            # The parser only accepts partials defined in an enclosing program.
            raise RenderError(
                f"partial '{stmt.name}' is not defined here",
                attribute=stmt.name,
                line=stmt.span.line,
                column=stmt.span.column,
                code="partial",
            )
        if self._halted:
            return ""
        if scope.partial_depth >= MAX_PARTIAL_DEPTH:
            self.runaway(
                stmt.name,
                f"partial '{stmt.name}' calls itself more than {MAX_PARTIAL_DEPTH} levels deep",
            )
            return ""
        ctx = scope.contexts[0]
        if stmt.params:
            arg = self.param(stmt.params[0], scope)
            ctx = _Ctx(arg.value, arg.path)
        if stmt.hash is not None:
            merged = dict(ctx.value) if isinstance(ctx.value, Mapping) else {}
            for pair in stmt.hash.pairs:
                merged[pair.key] = self.param(pair.value, scope).value
            ctx = _Ctx(merged, ctx.path)
        self._tag = stmt.span
        inner = _Scope((ctx,), scope.data, (), definition.partials, scope.partial_depth + 1)
        result = self.program(definition.program, inner)
        if not stmt.indent:
            return result
        lines = to_js_string(result).split("\n")
        for i, line in enumerate(lines):
            if not line and i + 1 == len(lines):
                break
            lines[i] = stmt.indent + line
        return "\n".join(lines)

    # --- expressions ---------------------------------------------------------------------
    def param(self, expr: Expression, scope: _Scope) -> _Resolved:
        """A helper argument: a missing final segment is undefined, not an error."""
        if isinstance(expr, PathExpression):
            return self.resolve(expr, scope, strict=False)
        if isinstance(expr, SubExpression):
            name = helper_name(expr.path)
            if name == "lookup" and expr.params:
                return self.lookup(expr.params, scope)
            if name == "log":
                for p in expr.params:
                    self.param(p, scope)
                return _Resolved(UNDEFINED, "log", inherited=True)
            return self.resolve(_as_path(expr.path), scope, strict=True)
        return _Resolved(_literal_value(expr), _literal_key(expr))

    def lookup(self, params: list[Expression], scope: _Scope) -> _Resolved:
        obj = self.param(params[0], scope)
        field_arg = self.param(params[1], scope)
        if obj.failed or field_arg.failed:
            return _Resolved(UNDEFINED, obj.path, failed=True)
        if is_nullish(field_arg.value):
            # JavaScript would look up the key "undefined"; the missing key is what to name.
            return _Resolved(field_arg.value, field_arg.path)
        if not truthy(obj.value):
            # The lookup helper returns a falsy object itself (`if (!obj) return obj`).
            return _Resolved(obj.value, obj.path)
        key = to_js_string(field_arg.value)
        path = f"{obj.path}.{key}" if obj.path else key
        inherited = is_object(obj.value) and has_property(obj.value, key)
        value = get_property(obj.value, key)
        return _Resolved(value, path, inherited=inherited and value is UNDEFINED)

    def resolve(self, path: PathExpression, scope: _Scope, *, strict: bool) -> _Resolved:
        parts = path.parts
        if path.data:
            frame: _DataFrame | None = scope.data
            for _ in range(path.depth):
                frame = frame.parent if frame is not None else None
            name = parts[0]
            if name == "root" and frame is not None and "root" in frame.values:
                base = _Ctx(frame.values["root"], "")
            elif frame is None or name not in frame.values:
                # `@../x` with no enclosing data frame reads a property of undefined in
                # handlebars.js, which throws even outside strict mode.
                if strict or len(parts) > 1 or frame is None:
                    self.missing(path.original, None)
                    return _Resolved(UNDEFINED, path.original, failed=True)
                return _Resolved(UNDEFINED, path.original)
            else:
                base = _Ctx(frame.values[name], "@" + name)
            rest = parts[1:]
        else:
            param = None
            if parts and not path.depth and not path.scoped:
                for params in scope.block_params:
                    if parts[0] in params:
                        param = params[parts[0]]
                        break
            if param is not None:
                base = param
                rest = parts[1:]
            elif path.depth < len(scope.contexts):
                base = scope.contexts[path.depth]
                rest = parts
            else:
                base = _Ctx(UNDEFINED, path.original)
                rest = parts
        return self.walk(base, rest, strict=strict)

    def walk(self, base: _Ctx, rest: tuple[str, ...], *, strict: bool) -> _Resolved:
        current = base.value
        attr = base.path
        hint: str | None = None
        for i, name in enumerate(rest):
            child = f"{attr}.{name}" if attr else name
            last = i == len(rest) - 1
            if is_nullish(current):
                # JavaScript cannot read a property of null/undefined: always fatal.
                if current is None:
                    self.problem("null", attr or "this")
                else:
                    self.missing(attr or child, hint)
                return _Resolved(UNDEFINED, attr or child, failed=True)
            if last and strict:
                if not is_object(current) or not has_property(current, name):
                    self.missing(child, _case_hint(current, name))
                    return _Resolved(UNDEFINED, child, failed=True)
                value = get_property(current, name)
                if value is UNDEFINED:
                    return _Resolved(UNDEFINED, child, inherited=True)
            else:
                value = get_property(current, name)
                hint = _case_hint(current, name) if value is UNDEFINED else None
            current = value
            attr = child
        return _Resolved(current, attr)


def _js_add(left: Any, right: Any) -> Any:
    """JavaScript `left + right` for the values a template can produce (never null here)."""
    if isinstance(left, str) or isinstance(right, str) or is_object(left) or is_object(right):
        return to_js_string(left) + to_js_string(right)
    return to_double(left) + to_double(right)


def _add_all(values: list[Any], start: int = 0) -> Any:
    """Left-to-right `+` of values[start:], switching to a string join once it is a string."""
    total = values[start]
    for i in range(start + 1, len(values)):
        if isinstance(total, str):
            return total + "".join(to_js_string(v) for v in values[i:])
        total = _js_add(total, values[i])
    return total


def _combine(ops: list[tuple[bool, Any]], *, simple: bool) -> Any:
    """Reproduce handlebars.js's generated code for a program body (mergeSource).

    Neighbouring inline outputs form one `a + b + c` expression; a `{{#name}}` section is
    appended on its own (`buffer += v`). The first run initialises the buffer, middle runs
    are added as a whole, the last run is added left to right after the buffer.
    """
    if not ops:
        return ""
    if simple:
        return ops[0][1]
    if not any(explicit for explicit, _ in ops):
        return _add_all([v for _, v in ops])
    buffer: Any = ""
    run: list[Any] = []
    first = True
    for explicit, value in ops:
        if not explicit:
            run.append(value)
            continue
        if run:
            buffer = _add_all(run) if first else _js_add(buffer, _add_all(run))
            run = []
        first = False
        if not is_nullish(value):
            buffer = _js_add(buffer, value)
    if run:
        buffer = _add_all([buffer, *run])
    return buffer


def _is_ambiguous(path: PathExpression, scope: _Scope) -> bool:
    """handlebars.js compiles `{{#name}}` (one plain segment, not a block param) differently."""
    if len(path.parts) != 1 or path.depth or path.scoped:
        return False
    if path.data:
        return True
    return not any(path.parts[0] in params for params in scope.block_params)


def _same(a: Any, b: Any) -> bool:
    """JavaScript `a == b` as handlebars.js uses it to decide whether a context is new."""
    if is_object(a) or is_object(b):
        return a is b
    if is_nullish(a) or is_nullish(b):
        return is_nullish(a) and is_nullish(b)
    if type(a) is not type(b) and not (isinstance(a, (int, float)) and isinstance(b, (int, float))):
        return False
    return bool(a == b)


def _case_hint(obj: Any, name: str) -> str | None:
    if not isinstance(obj, Mapping) or name in obj:
        return None
    folded = name.casefold()
    for key in obj:
        if isinstance(key, str) and key.casefold() == folded:
            return key
    return None


def _block_params(stmt: BlockStatement, values: list[_Ctx]) -> dict[str, _Ctx] | None:
    program = stmt.program
    if program is None or not program.block_params:
        return None
    # A declared name the helper does not provide (`{{#with x as |a b|}}`) is undefined.
    return {
        name: values[i] if i < len(values) else _Ctx(UNDEFINED, name)
        for i, name in enumerate(program.block_params)
    }


def _literal_value(expr: Expression) -> Any:
    if isinstance(expr, StringLiteral):
        return expr.value
    if isinstance(expr, NumberLiteral):
        return int(expr.value) if expr.value.is_integer() else expr.value
    if isinstance(expr, BooleanLiteral):
        return expr.value
    if isinstance(expr, NullLiteral):
        return None
    return UNDEFINED


def _literal_key(expr: Expression) -> str:
    text = literal_text(expr)
    return "" if text is None else text


def _as_path(expr: Expression) -> PathExpression:
    """A literal used where a name goes (`{{"foo"}}`, `{{#null}}`) is looked up as a key."""
    if isinstance(expr, PathExpression):
        return expr
    key = _literal_key(expr)
    return PathExpression(key, (key,), 0, False, False, expr.span)


def _describe(value: Any) -> str:
    if isinstance(value, str):
        shown = value if len(value) <= 30 else value[:27] + "..."
        return f"the string '{shown}'"
    if value is True:
        return "true"
    if isinstance(value, (int, float)):
        return f"the number {js_number(value)}"
    return to_js_string(value)


def evaluate(program: Program, data: Any, *, collect: bool) -> tuple[str, list[DataProblem]]:
    evaluator = Evaluator(program.source, collect)
    output = join_surrogates(evaluator.run(program, data))
    return output, evaluator.problems
