"""`@` paths without a data variable name (`@this`, `@.`, `@..`, `@../this`, `@./this`).

handlebars.js 4.7.10 ignores the `@` there and reads the context; we reject them as
`unsupported` at the tag (docs/handlebars-conformance.md, difference 10). They used to reach the
evaluator and the analyser, which raised IndexError ("internal error" in check and render).
Every other `@` form must still agree with handlebars.js, and no `@` form may make the parser,
the analyser, check or render raise anything but a HandlebarsError with a position.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sestemplates.handlebars import (
    HandlebarsError,
    TemplateSyntaxError,
    check_data,
    parse,
    render,
    variable_uses,
)
from tests.checks.conftest import run_check, write_repo

from .hbsjs import HandlebarsJs, compare, node_or_skip
from .test_differential import _rejected

NAMELESS = ["@this", "@.", "@..", "@../this", "@./this", "@../..", "@../../this"]

# Every place a path can stand; `{P}` is the form under test. The first line is text so the
# reported line and column are checked on a line other than the first.
PLACES = [
    "{{P}}",
    "{{{P}}}",
    "{{#if P}}y{{else}}n{{/if}}",
    "{{#unless P}}y{{/unless}}",
    "{{#if a}}{{else if P}}y{{/if}}",
    "{{#each P}}y{{/each}}",
    "{{#each P as |it|}}{{it}}{{/each}}",
    "{{#with P}}y{{/with}}",
    "{{#with P as |it|}}{{it}}{{/with}}",
    '{{lookup P "a"}}',
    "{{lookup . P}}",
    "{{#each (lookup . P)}}y{{/each}}",
    "{{#if (lookup P 'a')}}y{{/if}}",
    "{{#each a}}{{P}}{{/each}}",
    "{{#each a as |it|}}{{#with it}}{{P}}{{/with}}{{/each}}",
    '{{#*inline "p"}}{{x}}{{/inline}}{{> p x=P}}',
    "{{#if a includeZero=P}}y{{/if}}",
    "{{#P}}y{{/P}}",
]


def _where(template: str, form: str) -> tuple[int, int]:
    offset = template.index(form)
    line = template.count("\n", 0, offset) + 1
    return line, offset - (template.rfind("\n", 0, offset) + 1) + 1


@pytest.mark.parametrize("place", PLACES)
@pytest.mark.parametrize("form", NAMELESS)
def test_nameless_data_path_is_an_error_at_its_tag(form: str, place: str) -> None:
    if place == "{{#P}}y{{/P}}":
        template = "text\n  {{#" + form + "}}y{{/" + form + "}}"
    else:
        template = "text\n  " + place.replace("P", form)
    line, column = _where(template, form)
    with pytest.raises(TemplateSyntaxError) as parsed:
        parse(template)
    assert (parsed.value.line, parsed.value.column, parsed.value.code) == (
        line,
        column,
        "unsupported",
    )
    assert f"'{form}' names no data variable" in parsed.value.message
    for data in ({"a": [1, 2]}, {}):
        with pytest.raises(TemplateSyntaxError) as rendered:
            render(template, data)
        assert (rendered.value.line, rendered.value.column) == (line, column)


def test_nameless_data_path_as_block_parameter_is_a_syntax_error() -> None:
    # handlebars.js: "Expecting 'ID', got 'DATA'" for every `as |@…|`.
    for form in NAMELESS:
        with pytest.raises(TemplateSyntaxError) as exc:
            parse("{{#each a as |" + form + "|}}{{/each}}")
        assert exc.value.code == "syntax"
        assert (exc.value.line, exc.value.column) == (1, 15)


def test_check_reports_nameless_data_paths_at_file_line_column(
    tmp_path: Path,
    cli,  # type: ignore[no-untyped-def]
) -> None:
    html = (
        "<html><body>\n<p>Hi {{name}}</p>\n"
        "<p>{{#each items}}{{@this}}{{/each}}</p>\n</body></html>\n"
    )
    root = write_repo(
        tmp_path,
        {
            "welcome/subject.txt": "Hi {{@..}}",
            "welcome/html.html": html,
            "welcome/samples/one.json": '{"name": "Ann", "items": [1]}',
        },
    )
    report = run_check(root)
    errors = [d for d in report.diagnostics if d.severity == "error"]
    found = sorted((d.file, d.line, d.column, d.code) for d in errors)
    assert found == [
        ("templates/welcome/html.html", 3, 21, "unsupported"),
        ("templates/welcome/subject.txt", 1, 6, "unsupported"),
    ]
    result = cli("--project", root, "check")
    assert result.code == 1
    assert "internal error" not in result.out + result.err
    assert "html.html:3:21" in result.out
    assert "'@this' names no data variable" in result.out
    rendered = cli("--project", root, "render", "welcome")
    assert rendered.code == 1
    assert "internal error" not in rendered.out + rendered.err


# --- properties: every `@` path form ------------------------------------------------------

_SEGMENTS = ["this", ".", "..", "index", "key", "first", "root", "a", "[this]", "[.]", "0", "b"]


@st.composite
def data_paths(draw: st.DrawFn) -> str:
    segments = draw(st.lists(st.sampled_from(_SEGMENTS), min_size=1, max_size=4))
    out = "@" + segments[0]
    for seg in segments[1:]:
        out += draw(st.sampled_from(["/", "."])) + seg
    return out


@st.composite
def data_path_templates(draw: st.DrawFn) -> str:
    place = draw(st.sampled_from([*PLACES[:-1], "{{#each a as |P|}}{{/each}}"]))
    text = place.replace("P", draw(data_paths()))
    # Sometimes inside a loop, so @index/@key/@../ have a frame to read.
    if draw(st.booleans()):
        text = "{{#each a as |v k|}}" + text + "{{/each}}"
    return text


DATA = st.sampled_from(
    [{}, {"a": [1, {"b": 2}]}, {"a": {"b": "x", "0": None}, "b": 0}, {"a": "str", "root": 1}]
)
PROPERTY = settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@PROPERTY
@given(template=data_path_templates(), data=DATA)
def test_data_path_forms_raise_only_positioned_handlebars_errors(
    template: str, data: dict[str, Any]
) -> None:
    try:
        program = parse(template)
    except TemplateSyntaxError as exc:
        assert exc.line is not None and exc.column is not None
        return
    variable_uses(program)
    check = check_data(program, data)
    for problem in check.problems:
        assert problem.line is not None and problem.column is not None
    try:
        render(program, data)
    except HandlebarsError as exc:
        assert exc.line is not None and exc.column is not None


@pytest.fixture(scope="module")
def handlebars_js() -> Iterator[HandlebarsJs]:
    js = HandlebarsJs(node_or_skip())
    yield js
    js.close()


@PROPERTY
@given(template=data_path_templates(), data=DATA)
def test_data_path_forms_match_handlebars_js(
    handlebars_js: HandlebarsJs, template: str, data: dict[str, Any]
) -> None:
    data = json.loads(json.dumps(data))
    js = handlebars_js.render(template, data, strict=False)
    # A rejection as `unsupported` covers deliberate differences 2 (no helpers) and 10
    # (nameless `@` paths, which handlebars.js renders as the context).
    if _rejected(template, js):
        return
    assert not js.get("error", "").startswith("Parse error"), f"{template!r}: we parse it; {js}"
    outcome = compare(handlebars_js, template, data)
    if outcome.startswith("MISMATCH") and _loose_data_quirk(handlebars_js, template, data):
        return
    assert not outcome.startswith("MISMATCH"), f"{template!r} with {data!r}: {outcome}"


def _loose_data_quirk(js: HandlebarsJs, template: str, data: dict[str, Any]) -> bool:
    """handlebars.js without strict walks `@` paths with `&&`, so `{{#with @root.b.index}}`
    with `b: 0` passes `0` on; strict mode (SES semantics) gives undefined. We follow strict."""
    strict = js.render(template, data, strict=True)
    try:
        return "output" in strict and render(template, data) == strict["output"]
    except HandlebarsError:
        return False
