"""render(): SES semantics where they differ from handlebars.js defaults."""

from __future__ import annotations

from typing import Any

import pytest

from sestemplates.handlebars import RenderError, check_data, parse, render


def render_error(source: str, data: Any) -> RenderError:
    with pytest.raises(RenderError) as info:
        render(source, data)
    return info.value


def test_no_html_escaping() -> None:
    data = {"x": "<a href='?a=1&b=2'>\"hi\"</a>"}
    assert render("{{x}}|{{{x}}}|{{&x}}", data) == "|".join([data["x"]] * 3)


def test_missing_value_names_the_attribute_in_ses_wording() -> None:
    err = render_error("Hello\n  {{user.name}}", {"user": {}})
    assert err.attribute == "user.name"
    assert err.message == "Attribute 'user.name' is not present in the rendering data."
    assert (err.line, err.column, err.code) == (2, 3, "missing")


def test_null_is_an_error_like_missing() -> None:
    err = render_error("{{a}}", {"a": None})
    assert (err.attribute, err.code) == ("a", "null")
    assert err.message.startswith("Attribute 'a' is not present in the rendering data.")
    assert render_error("{{a.b}}", {"a": None}).attribute == "a"


def test_broken_chain_reports_the_first_missing_segment() -> None:
    assert render_error("{{a.b.c}}", {"a": {}}).attribute == "a.b"
    assert render_error("{{a.b}}", {"a": 0}).attribute == "a.b"


def test_paths_inside_each_are_named_from_the_list() -> None:
    err = render_error("{{#each items}}{{price}}{{/each}}", {"items": [{"price": 1}, {}]})
    assert err.attribute == "items.price"


def test_case_mismatch_says_so() -> None:
    err = render_error("{{firstName}}", {"firstname": "Ada"})
    assert err.code == "case-mismatch"
    assert "(the sample has 'firstname': names are case-sensitive)" in err.message


def test_conditions_on_missing_keys_are_falsy() -> None:
    assert render("{{#if x}}a{{else}}b{{/if}}{{#unless x}}c{{/unless}}", {}) == "bc"
    assert render("{{#if x}}a{{else}}b{{/if}}", {"x": None}) == "b"


def test_sections_follow_handlebars_strict_mode() -> None:
    # handlebars.js strict mode (the spec's SES semantics) requires the key of a section.
    assert render_error("{{^x}}none{{/x}}", {}).attribute == "x"
    assert render("{{^x}}none{{/x}}", {"x": None}) == "none"
    assert render("{{#x}}[{{.}}]{{/x}}", {"x": [1, 2]}) == "[1][2]"
    assert render("{{#x}}{{y}}{{/x}}", {"x": {"y": "obj"}}) == "obj"


def test_each_over_missing_renders_else_but_over_a_scalar_is_an_error() -> None:
    assert render("{{#each x}}a{{else}}none{{/each}}", {}) == "none"
    err = render_error("{{#each x}}a{{/each}}", {"x": "abc"})
    assert (err.code, err.attribute) == ("each-not-iterable", "x")


def test_extra_keys_are_fine() -> None:
    assert render("{{a}}", {"a": 1, "unused": {"deep": None}}) == "1"


def test_javascript_formatting() -> None:
    data = {"i": 1.0, "f": 0.1, "big": 1e21, "t": True, "l": ["a", None, 2], "o": {"k": 1}}
    assert render("{{i}} {{f}} {{big}} {{t}} {{l}} {{o}}", data) == (
        "1 0.1 1e+21 true a,,2 [object Object]"
    )
    # JSON numbers are doubles in JavaScript.
    assert render("{{a}} {{b}}", {"a": 2**60, "b": 10**400}) == "1152921504606847000 Infinity"


def test_each_over_objects_uses_javascript_key_order() -> None:
    out = render("{{#each o}}{{@key}}{{/each}}", {"o": {"b": 1, "10": 1, "a": 1, "2": 1}})
    assert out == "210ba"


def test_inline_partials_with_context_and_hash() -> None:
    source = '{{#*inline "card"}}{{name}}:{{role}}{{/inline}}{{> card user role="admin"}}'
    assert render(source, {"user": {"name": "Ada"}}) == "Ada:admin"


def test_standalone_partial_is_indented() -> None:
    source = '{{#*inline "p"}}a\nb\n{{/inline}}<div>\n  {{> p}}\n</div>'
    assert render(source, {}) == "<div>\n  a\n  b\n</div>"


def test_data_variables() -> None:
    source = "{{#each l}}{{@index}} {{@first}} {{@last}} {{@key}} {{@root.t}};{{/each}}"
    assert render(source, {"l": ["x", "y"], "t": "R"}) == "0 true false 0 R;1 false true 1 R;"
    # handlebars.js joins neighbouring values with JavaScript +: 0 + true + true + 0 = 2.
    assert render("{{#each l}}{{@index}}{{@first}}{{@last}}{{@key}}|{{/each}}", {"l": [0]}) == "2|"
    assert render_error("{{@index}}", {}).attribute == "@index"


def test_program_can_be_rendered_many_times() -> None:
    program = parse("{{a}}")
    assert [render(program, {"a": n}) for n in (1, 2)] == ["1", "2"]


def test_recursive_partial_is_stopped() -> None:
    source = '{{#*inline "loop"}}{{> loop}}{{/inline}}{{> loop}}'
    err = render_error(source, {})
    assert (err.code, err.attribute) == ("recursion", "loop")
    assert "calls itself" in err.message
    # The checker reports it like any other problem instead of raising.
    check = check_data(parse(source), {})
    assert [(p.code, p.attribute, p.tag) for p in check.problems] == [
        ("recursion", "loop", "{{> loop}}")
    ]


def test_deep_recursion_through_blocks_and_partials_is_stopped() -> None:
    source = (
        '{{#*inline "p"}}' + "{{#if t}}" * 90 + "{{> p}}" + "{{/if}}" * 90 + "{{/inline}}{{> p}}"
    )
    assert "nest more than" in render_error(source, {"t": True}).message


def test_lookup_results_are_checked_when_printed() -> None:
    assert (
        render("{{lookup m k}}|{{lookup l 1}}", {"m": {"x": "X"}, "k": "x", "l": [0, 5]}) == "X|5"
    )
    assert render_error("{{lookup m 'y'}}", {"m": {}}).attribute == "m.y"
    assert render_error("{{lookup missing 'y'}}", {}).attribute == "missing"
    assert render_error("{{lookup m key}}", {"m": {}}).attribute == "key"
    assert render("{{#with (lookup m 'y')}}x{{else}}none{{/with}}", {"m": {}}) == "none"
    assert render("{{lookup this 'toString'}}", {}) == ""


def test_exponential_partial_fan_out_is_stopped() -> None:
    defs = "".join(
        f'{{{{#*inline "p{i}"}}}}{{{{> p{i - 1}}}}}{{{{> p{i - 1}}}}}{{{{/inline}}}}'
        for i in range(1, 40)
    )
    source = '{{#*inline "p0"}}x{{/inline}}' + defs + "{{> p39}}"
    [problem] = check_data(parse(source), {}).problems
    assert problem.code == "recursion"
    assert render_error(source, {}).code == "recursion"


def test_arrays_nested_deeper_than_the_recursion_limit_print_like_join() -> None:
    # json.loads reads ~1,000 levels; printing must not recurse per level.
    data = {"n": [[[1, None], [2]], []]}
    for _ in range(3000):
        data = {"n": [data["n"]]}
    assert render("{{n}}|{{#each n}}{{this}}{{/each}}", data) == "1,,2,|1,,2,"


def test_at_parent_data_without_a_parent_frame_is_an_error() -> None:
    # handlebars.js reads a property of undefined there and throws, strict or not.
    for template in ("{{@../index}}", "{{#if @../index}}x{{/if}}"):
        with pytest.raises(RenderError) as info:
            render(template, {})
        assert info.value.attribute == "@../index"
    assert render("{{#each a}}[{{#if @../index}}x{{/if}}]{{/each}}", {"a": [1]}) == "[]"
