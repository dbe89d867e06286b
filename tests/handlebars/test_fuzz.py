"""Fuzzing: nothing but HandlebarsError subclasses may escape the public API."""

from __future__ import annotations

import contextlib
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sestemplates.handlebars import (
    HandlebarsError,
    Program,
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
