"""Fuzzing: nothing but HandlebarsError subclasses may escape the public API."""

from __future__ import annotations

import contextlib
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sestemplates.handlebars import (
    HandlebarsError,
    Program,
    RenderError,
    check_data,
    parse,
    render,
    variable_uses,
)

ALPHABET = [
    *"{}#/^!~&*>@.[]()|='\"\\- \n\tabcxy019",
    "{{", "}}", "{{{", "}}}", "{{#", "{{/", "{{^}}", "{{else}}", "{{else if ", "{{!--", "--}}",
    "{{>", "{{#*inline", "{{{{", "}}}}", "if ", "each ", "with ", "unless ", "lookup ",
    "this", "../", "@index", "@root.", " as |x i|", "\\{{", "\r\n",
]  # fmt: skip

VALID = [
    "Hello {{name}}!",
    "{{#if a}}x{{else if b}}y{{else}}z{{/if}}",
    "{{#each items as |it i|}}{{i}}:{{it.title}} {{../name}}{{else}}none{{/each}}",
    "{{#with user}}{{name}} {{@root.name}}{{/with}}",
    '{{#*inline "p"}}[{{x}}]{{/inline}}\n  {{> p item x=1}}\n',
    "{{lookup map (lookup keys 0)}} {{{raw}}} {{&amp}}",
    "{{!-- c --}}{{~a~}}\n{{^b}}nb{{/b}}{{#c}}{{.}}{{/c}}",
    "{{{{raw}}}} {{x}} {{{{/raw}}}} \\{{esc}}",
]

DATA: dict[str, Any] = {
    "name": "n",
    "a": 0,
    "b": None,
    "c": [1, {"x": None}],
    "items": [{"title": "t"}, {}],
    "user": {"name": None},
    "map": {"k": "v"},
    "keys": ["k"],
    "raw": True,
    "x": "x",
    "item": {"x": 1},
}

FUZZ = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def exercise(source: str) -> None:
    try:
        program = parse(source)
    except HandlebarsError:
        return
    assert isinstance(program, Program)
    for data in (DATA, {}):
        with contextlib.suppress(HandlebarsError):
            check_data(program, data)
        with contextlib.suppress(HandlebarsError):
            render(program, data)
    variable_uses(program)


@FUZZ
@given(st.lists(st.sampled_from(ALPHABET), max_size=40).map("".join))
def test_random_handlebars_like_text(source: str) -> None:
    exercise(source)


@st.composite
def mutated(draw: st.DrawFn) -> str:
    text = draw(st.sampled_from(VALID))
    for _ in range(draw(st.integers(min_value=1, max_value=6))):
        op = draw(st.sampled_from(["insert", "delete", "duplicate"]))
        pos = draw(st.integers(min_value=0, max_value=len(text)))
        if op == "insert":
            text = text[:pos] + draw(st.sampled_from(ALPHABET)) + text[pos:]
        elif op == "delete" and text:
            end = draw(st.integers(min_value=pos, max_value=min(len(text), pos + 4)))
            text = text[:pos] + text[end:]
        else:
            end = draw(st.integers(min_value=pos, max_value=min(len(text), pos + 12)))
            text = text[:pos] + text[pos:end] * 2 + text[end:]
    return text


@FUZZ
@given(mutated())
def test_mutated_valid_templates(source: str) -> None:
    exercise(source)


@FUZZ
@given(st.text(max_size=60))
def test_arbitrary_unicode(source: str) -> None:
    exercise(source)


def test_valid_seeds_parse() -> None:
    for source in VALID:
        parse(source)


# --- the checker and the renderer agree --------------------------------------------------

KEYS = ["a", "b", "A", "items", "this", "../a", "@index", "@root.a", "a.b", "items.length"]

_SCALARS = st.none() | st.booleans() | st.integers(-3, 3) | st.sampled_from(["", "s", "0"])
_NAMES = st.sampled_from(["a", "b", "items"])
json_values = st.recursive(
    _SCALARS,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(_NAMES, inner, max_size=3),
    max_leaves=8,
)


def _templates() -> st.SearchStrategy[str]:
    leaf = st.sampled_from(KEYS).map(lambda k: "{{" + k + "}}") | st.sampled_from(["x", " ", "\n"])

    def blocks(inner: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
        body = st.lists(inner, max_size=3).map("".join)
        name = st.sampled_from(["a", "b", "items"])
        return st.one_of(
            st.tuples(st.sampled_from(["if", "unless", "each", "with"]), name, body, body).map(
                lambda t: f"{{{{#{t[0]} {t[1]}}}}}{t[2]}{{{{else}}}}{t[3]}{{{{/{t[0]}}}}}"
            ),
            st.tuples(st.sampled_from(["#", "^"]), name, body).map(
                lambda t: f"{{{{{t[0]}{t[1]}}}}}{t[2]}{{{{/{t[1]}}}}}"
            ),
        )

    return st.recursive(leaf, blocks, max_leaves=10).map(str)


@FUZZ
@given(_templates(), st.dictionaries(st.sampled_from(["a", "b", "A", "items"]), json_values))
def test_render_fails_exactly_where_check_data_reports_first(source: str, data: Any) -> None:
    program = parse(source)
    check = check_data(program, data)
    try:
        output = render(program, data)
    except RenderError as exc:
        assert check.problems, source
        first = check.problems[0]
        got = (exc.code, exc.attribute, exc.line, exc.column)
        assert got == (first.code, first.attribute, first.line, first.column)
    else:
        assert check.problems == []
        assert output == check.output
