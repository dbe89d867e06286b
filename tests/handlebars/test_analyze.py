"""variable_uses(): the data paths a template reads, with scopes resolved."""

from __future__ import annotations

from sestemplates.handlebars import parse, variable_uses


def uses(source: str) -> list[tuple[str, str | None, str]]:
    return [(u.path, u.root_key, u.kind) for u in variable_uses(parse(source))]


def test_top_level_paths_and_kinds() -> None:
    assert uses("{{user.name}}{{#if vip}}{{/if}}{{^gone}}{{/gone}}{{#each items}}{{/each}}") == [
        ("user.name", "user", "value"),
        ("vip", "vip", "condition"),
        ("gone", "gone", "condition"),
        ("items", "items", "section"),
    ]


def test_item_relative_paths_have_no_root_key() -> None:
    assert uses("{{#each items}}{{price}}{{../currency}}{{@root.shop.name}}{{/each}}") == [
        ("items", "items", "section"),
        ("price", None, "value"),
        ("../currency", "currency", "value"),
        ("@root.shop.name", "shop", "value"),
    ]


def test_with_block_params_and_if_keep_scope_right() -> None:
    source = "{{#with user as |u|}}{{u.name}}{{name}}{{/with}}{{#if a}}{{b}}{{/if}}"
    assert uses(source) == [
        ("user", "user", "section"),
        ("u.name", None, "value"),
        ("name", None, "value"),
        ("a", "a", "condition"),
        ("b", "b", "value"),
    ]


def test_lookup_and_partials() -> None:
    source = '{{#*inline "p"}}{{title}}{{/inline}}{{lookup map key}}{{> p}}{{> p item}}'
    assert uses(source) == [
        ("map", "map", "lookup"),
        ("key", "key", "lookup"),
        ("title", "title", "value"),
        ("item", "item", "section"),
        ("title", None, "value"),
    ]


def test_positions_and_tag_text() -> None:
    [use] = variable_uses(parse("a\n  {{ order.total }}"))
    assert (use.line, use.column, use.tag) == (2, 3, "{{ order.total }}")


def test_partial_hash_arguments_shadow_root_keys() -> None:
    source = '{{#*inline "p"}}{{title}} {{name}}{{/inline}}{{> p title="x"}}'
    assert uses(source) == [("title", None, "value"), ("name", "name", "value")]


def test_partials_calling_partials_are_analysed_once_per_situation() -> None:
    defs = "".join(
        f'{{{{#*inline "p{i}"}}}}{{{{> p{i - 1}}}}}{{{{> p{i - 1}}}}}{{{{x}}}}{{{{/inline}}}}'
        for i in range(1, 40)
    )
    source = '{{#*inline "p0"}}{{y}}{{/inline}}' + defs + "{{> p39}}"
    # 2**39 expansions if every call were walked again.
    assert {(u.path, u.root_key) for u in variable_uses(parse(source))} == {
        ("x", "x"),
        ("y", "y"),
    }
