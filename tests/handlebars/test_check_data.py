"""check_data(): every problem, from the same evaluator as render()."""

from __future__ import annotations

from typing import Any

import pytest

from sestemplates.handlebars import RenderError, check_data, parse, render


def test_reports_every_problem_once_in_order() -> None:
    source = (
        "{{a}}\n{{#each items}}{{price}} {{name}}{{/each}}\n{{b.c}} {{firstName}} {{a}}\n"
        "{{#each s}}x{{/each}}"
    )
    data = {"items": [{"price": 1}, {"price": None}, {}], "b": {}, "firstname": "x", "s": 5}
    check = check_data(parse(source), data)
    got = [(p.code, p.attribute, p.line, p.column, p.tag) for p in check.problems]
    assert got == [
        ("missing", "a", 1, 1, "{{a}}"),
        ("missing", "items.name", 2, 26, "{{name}}"),
        ("null", "items.price", 2, 16, "{{price}}"),
        ("missing", "items.price", 2, 16, "{{price}}"),
        ("missing", "b.c", 3, 1, "{{b.c}}"),
        ("case-mismatch", "firstName", 3, 9, "{{firstName}}"),
        ("missing", "a", 3, 23, "{{a}}"),
        ("each-not-iterable", "s", 4, 1, "{{#each s}}"),
    ]
    assert all(p.message for p in check.problems)
    assert check.output == "\n1   \n  \n"


def test_only_the_taken_branch_is_checked() -> None:
    program = parse("{{#if on}}{{yes}}{{else}}{{no}}{{/if}}")
    assert [p.attribute for p in check_data(program, {"on": True}).problems] == ["yes"]
    assert [p.attribute for p in check_data(program, {"on": False}).problems] == ["no"]


def test_clean_data_has_no_problems_and_the_full_output() -> None:
    program = parse("Hi {{name}}{{#each l}}, {{.}}{{/each}}")
    check = check_data(program, {"name": "Ada", "l": [1, 2]})
    assert check.problems == []
    assert check.output == "Hi Ada, 1, 2"


CASES: list[tuple[str, dict[str, Any]]] = [
    ("{{a}}{{b}}", {"a": 1}),
    ("{{#each l}}{{x.y}}{{/each}}", {"l": [{"x": {"y": 1}}, {"x": None}]}),
    ("{{#with u}}{{../missing}}{{/with}}", {"u": {"a": 1}}),
    ("{{^gone}}x{{/gone}}{{ok}}", {"ok": 1}),
    ("{{#if a.b}}x{{/if}}", {}),
    ("{{lookup m 'k'}}", {"m": {}}),
    ("{{#each n}}{{/each}}", {"n": 3}),
    ("ok {{fine}}", {"fine": "yes"}),
]


@pytest.mark.parametrize(("source", "data"), CASES)
def test_render_fails_exactly_when_check_finds_a_problem(source: str, data: Any) -> None:
    program = parse(source)
    check = check_data(program, data)
    if not check.problems:
        assert render(program, data) == check.output
        return
    with pytest.raises(RenderError) as info:
        render(program, data)
    first = check.problems[0]
    assert (info.value.attribute, info.value.line, info.value.column, info.value.code) == (
        first.attribute,
        first.line,
        first.column,
        first.code,
    )
