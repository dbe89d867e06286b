"""Parsing: AST positions, syntax errors with positions, and what SES does not support."""

from __future__ import annotations

import pytest

from sestemplates.handlebars import TemplateSyntaxError, parse
from sestemplates.handlebars.ast import (
    BlockStatement,
    ContentStatement,
    MustacheStatement,
    PathExpression,
)


def syntax_error(source: str) -> TemplateSyntaxError:
    with pytest.raises(TemplateSyntaxError) as info:
        parse(source)
    return info.value


def test_positions_are_one_based_with_offsets() -> None:
    source = "Hi\n  {{user.name}} and {{#if x}}y{{/if}}"
    program = parse(source)
    content, mustache, _, block = program.body
    assert isinstance(content, ContentStatement)
    assert isinstance(mustache, MustacheStatement)
    assert (mustache.span.line, mustache.span.column) == (2, 3)
    assert source[mustache.span.start : mustache.span.end] == "{{user.name}}"
    assert isinstance(mustache.path, PathExpression)
    assert mustache.path.parts == ("user", "name")
    assert isinstance(block, BlockStatement)
    assert source[block.span.start : block.span.end] == "{{#if x}}"
    assert source[block.block_span.start : block.block_span.end] == "{{#if x}}y{{/if}}"
    assert program.source == source


def test_paths() -> None:
    program = parse("{{../../a.b}}{{@root.x}}{{this}}{{./c}}{{[d e].f}}{{a/b}}{{@../index}}")
    paths = [s.path for s in program.body if isinstance(s, MustacheStatement)]
    got = [(p.original, p.parts, p.depth, p.data, p.scoped) for p in paths]  # type: ignore[union-attr]
    assert got == [
        ("../../a.b", ("a", "b"), 2, False, True),
        ("@root.x", ("root", "x"), 0, True, False),
        ("this", (), 0, False, True),
        ("./c", ("c",), 0, False, True),
        ("d e.f", ("d e", "f"), 0, False, False),
        ("a/b", ("a", "b"), 0, False, False),
        ("@../index", ("index",), 1, True, True),
    ]


def test_unclosed_block_points_at_the_opening_tag() -> None:
    err = syntax_error("line one\n  {{#if ready}}\n text")
    assert (err.line, err.column, err.code) == (2, 3, "syntax")
    assert "'{{#if ready}}' is never closed" in err.message
    assert "{{/if}}" in err.message


def test_mismatched_close_names_both_tags_and_positions() -> None:
    err = syntax_error("ab\n  {{#if a}}{{/each}}")
    assert (err.line, err.column) == (2, 12)
    assert "'{{/each}}' does not match '{{#if a}}' opened at line 2, column 3" in err.message


def test_stray_close() -> None:
    err = syntax_error("x\n\n  {{/if}}")
    assert (err.line, err.column) == (3, 3)
    assert "'{{/if}}' closes a block that was never opened" in err.message


def test_stray_else() -> None:
    err = syntax_error("a {{else}}")
    assert (err.line, err.column) == (1, 3)
    assert "outside a block" in err.message


def test_unclosed_tag() -> None:
    err = syntax_error("Dear\n {{name")
    assert (err.line, err.column) == (2, 2)
    assert err.message == "unclosed tag '{{name': expected '}}'"


def test_unclosed_triple_and_comment() -> None:
    assert syntax_error("{{{a}}").column == 5
    err = syntax_error("x {{!-- never ends")
    assert (err.line, err.column) == (1, 3)


def test_arity_of_builtins() -> None:
    assert "exactly one argument" in syntax_error("{{#if}}x{{/if}}").message
    assert "exactly one argument" in syntax_error("{{#each a b}}x{{/each}}").message
    assert "exactly two arguments" in syntax_error("{{lookup a}}").message


@pytest.mark.parametrize(
    "source",
    [
        "{{eq a b}}",
        "{{#eq a b}}x{{/eq}}",
        "{{formatDate order.date 'short'}}",
        "{{name format=true}}",
        "{{#if (eq a b)}}x{{/if}}",
        "{{> footer}}",
        "{{> (whichPartial)}}",
        "{{#> layout}}x{{/layout}}",
        "{{* decorator}}",
        "{{#*decorator}}x{{/decorator}}",
        "{{if a}}",
        "{{#lookup a b}}x{{/lookup}}",
        # handlebars.js accepts these (a differential run found them reported as syntax).
        '{{#*inline "p" extra}}x{{/inline}}',
        "{{#*inline p}}x{{/inline}}",
    ],
)
def test_unsupported_features(source: str) -> None:
    err = syntax_error("ok\n" + source)
    assert err.code == "unsupported"
    assert err.message.endswith("not supported by SES")
    assert (err.line, err.column) == (2, 1)


def test_partials_must_be_defined_inline_in_scope() -> None:
    parse('{{#*inline "p"}}x{{/inline}}{{#each a}}{{> p}}{{/each}}')
    parse('{{> p}}{{#*inline "p"}}x{{/inline}}')  # definitions apply to their whole program
    err = syntax_error('{{#with a}}{{#*inline "p"}}x{{/inline}}{{/with}}{{> p}}')
    assert err.code == "unsupported"
    assert err.column == 49


def test_whitespace_control_and_standalone_lines() -> None:
    from sestemplates.handlebars import render

    assert render("a {{~x~}} b", {"x": 1}) == "a1b"
    assert render("<ul>\n  {{#each l}}\n  <li>{{.}}</li>\n  {{/each}}\n</ul>", {"l": [1, 2]}) == (
        "<ul>\n  <li>1</li>\n  <li>2</li>\n</ul>"
    )
    assert render("{{! note }}\nText", {}) == "Text"


def test_escaped_mustaches() -> None:
    from sestemplates.handlebars import render

    assert render("\\{{name}}", {"name": "x"}) == "{{name}}"
    assert render("\\\\{{name}}", {"name": "x"}) == "\\x"


def test_rejects_pathological_nesting_cleanly() -> None:
    err = syntax_error("{{#a}}" * 300 + "{{/a}}" * 300)
    assert "nested" in err.message
    err = syntax_error("{{#if a}}{{else if b}}" * 60 + "{{/if}}" * 60)
    assert "nested" in err.message
