"""The schema is exact on the tricky scopes: what it accepts is what handlebars accepts."""

from __future__ import annotations

from typing import Any

from jsonschema import Draft202012Validator

from sestemplates.contract import derive, display, to_schema
from sestemplates.contract.quick import is_valid
from sestemplates.handlebars import parse


def schema_of(html: str, subject: str = "") -> dict[str, Any]:
    parts = {"html": parse(html)}
    if subject:
        parts["subject"] = parse(subject)
    return to_schema(derive(parts), title="t")


def valid(schema: dict[str, Any], data: Any) -> bool:
    Draft202012Validator.check_schema(schema)
    answer = bool(Draft202012Validator(schema).is_valid(data))
    assert is_valid(schema, data) is answer  # check's quick validator agrees with jsonschema
    return answer


def required_paths(html: str) -> list[str]:
    return [display(r.target) for r in derive({"html": parse(html)}).required() if not r.guards]


def test_printed_paths_are_required_and_accept_any_non_null_value() -> None:
    schema = schema_of("Hi {{user.name}}", subject="{{greeting}}")
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["required"] == ["greeting", "user"]
    assert schema["properties"]["user"]["required"] == ["name"]
    name = schema["properties"]["user"]["properties"]["name"]
    assert name["not"] == {"type": "null"}
    assert "any non-null JSON value" in name["description"]
    for value in ("x", 0, False, 1.5, [1], {"a": 1}):
        assert valid(schema, {"greeting": value, "user": {"name": value}})
    assert not valid(schema, {"greeting": "x", "user": {"name": None}})
    assert not valid(schema, {"greeting": "x", "user": {}})
    assert not valid(schema, {"user": {"name": "n"}})


def test_if_guard_makes_its_body_optional_and_the_guard_itself_optional() -> None:
    schema = schema_of("{{#if promo}}{{promo}} {{code}}{{/if}}")
    assert "required" not in schema
    assert valid(schema, {})
    assert valid(schema, {"promo": None})  # null is false for #if: nothing is printed
    assert valid(schema, {"promo": 0})
    assert not valid(schema, {"promo": "SALE"})  # then code is printed
    assert valid(schema, {"promo": "SALE", "code": "X1"})


def test_if_on_a_nested_path_needs_its_parent() -> None:
    # handlebars reads `user` strictly to test `user.admin`: only the last segment is optional.
    assert required_paths("{{#if user.admin}}yes{{/if}}") == ["user"]


def test_else_and_unless_branches() -> None:
    schema = schema_of("{{#if paid}}thanks{{else}}{{amount_due}}{{/if}}")
    assert valid(schema, {"paid": True})
    assert not valid(schema, {"paid": False})
    assert not valid(schema, {})
    assert valid(schema, {"amount_due": 3})
    unless = schema_of("{{#unless paid}}{{amount_due}}{{else}}{{receipt}}{{/unless}}")
    assert not valid(unless, {})
    assert valid(unless, {"amount_due": 1})
    assert not valid(unless, {"paid": True})
    assert valid(unless, {"paid": True, "receipt": "r"})


def test_each_items_and_else() -> None:
    schema = schema_of(
        "{{#each items}}{{@index}}{{@first}}{{@last}} {{name}} {{this.price}}"
        "{{else}}{{none}}{{/each}}"
    )
    items = schema["properties"]["items"]
    typed = items["anyOf"][1]
    assert items["anyOf"][0] == {"enum": [None, False]}  # missing/null/false: the else branch
    assert typed["type"] == ["array", "object"]
    assert typed["items"]["required"] == ["name", "price"]
    assert typed["additionalProperties"] == typed["items"]
    assert valid(schema, {"items": [{"name": "a", "price": 1}]})
    assert valid(schema, {"items": {"k": {"name": "a", "price": 1}}})  # objects iterate too
    assert not valid(schema, {"items": [{"name": "a"}]})
    assert not valid(schema, {"items": []})  # the else branch prints none
    assert valid(schema, {"items": [], "none": "-"})
    assert not valid(schema, {"items": "abc"})


def test_nested_each_with_parent_scopes() -> None:
    schema = schema_of(
        "{{#each sections}}{{#each articles}}{{url}} {{../heading}} {{../../campaign}}"
        "{{/each}}{{/each}}"
    )
    # ../heading is the section's, ../../campaign the root's: needed once an article exists.
    assert valid(schema, {"sections": [{"articles": []}]})
    assert not valid(schema, {"sections": [{"articles": [{"url": "u"}]}]})
    assert not valid(schema, {"sections": [{"heading": "h", "articles": [{"url": "u"}]}]})
    assert valid(
        schema, {"campaign": "c", "sections": [{"heading": "h", "articles": [{"url": "u"}]}]}
    )
    # Another section with no articles needs no heading.
    assert valid(
        schema,
        {
            "campaign": "c",
            "sections": [{"articles": []}, {"heading": "h", "articles": {"a": {"url": "u"}}}],
        },
    )


def test_root_and_block_params() -> None:
    schema = schema_of(
        "{{#each items as |item i|}}{{i}} {{item.name}} {{@root.currency}}{{/each}}"
    )
    assert valid(schema, {"items": []})
    assert not valid(schema, {"items": [{"name": "a"}]})
    assert valid(schema, {"items": [{"name": "a"}], "currency": "€"})
    assert not valid(schema, {"items": [{}], "currency": "€"})


def test_with_scopes_into_the_object() -> None:
    schema = schema_of("{{#with user}}{{name}} {{@root.site}}{{else}}{{guest}}{{/with}}")
    assert not valid(schema, {})
    assert valid(schema, {"guest": "g"})
    assert valid(schema, {"user": None, "guest": "g"})
    assert not valid(schema, {"user": {"name": "n"}})
    assert valid(schema, {"user": {"name": "n"}, "site": "s"})
    assert not valid(schema, {"user": {}, "site": "s"})


def test_inline_partials_expand_at_their_call_sites() -> None:
    html = (
        '{{#*inline "row"}}{{label}}={{value}}{{/inline}}'
        "{{> row}}{{#each rows}}{{> row}}{{/each}}{{#with extra}}{{> row}}{{/with}}"
    )
    schema = schema_of(html)
    assert schema["required"] == ["label", "value"]
    rows = schema["properties"]["rows"]["anyOf"][1]
    assert rows["items"]["required"] == ["label", "value"]
    assert schema["properties"]["extra"]["anyOf"][1]["required"] == ["label", "value"]
    # A partial given a context reads from it.
    with_arg = schema_of('{{#*inline "p"}}{{title}}{{/inline}}{{> p post}}')
    assert with_arg["required"] == ["post"]
    assert with_arg["properties"]["post"]["required"] == ["title"]
    # A hash argument is the caller's path under another name: missing, it prints empty
    # (handlebars sets the key to undefined); null, SES drops the email.
    hashed = schema_of('{{#*inline "p"}}<b>{{label}}</b>{{/inline}}{{> p label=heading}}')
    assert "required" not in hashed
    assert valid(hashed, {"heading": "h"}) and not valid(hashed, {"heading": None})
    this = schema_of('{{#*inline "p"}}{{this}}{{/inline}}{{> p post}}')
    assert this["required"] == ["post"]


def test_lookup_makes_a_container_without_fixed_keys() -> None:
    schema = schema_of("{{lookup prices currency}}")
    prices = schema["properties"]["prices"]
    assert prices["type"] == ["array", "object"]
    assert "properties" not in prices and "required" not in prices
    assert "lookup" in prices["description"]
    assert schema["required"] == ["currency", "prices"]
    assert valid(schema, {"prices": {"EUR": 1}, "currency": "EUR"})
    assert valid(schema, {"prices": [1, 2], "currency": 0})
    assert not valid(schema, {"prices": "x", "currency": "EUR"})


def test_descriptions_name_where_a_path_is_used() -> None:
    contract = derive({"html": parse("a\n{{#if x}}\n{{y}}{{/if}}"), "subject": parse("{{y}}")})
    schema = to_schema(contract, where=lambda s: f"templates/t/{s.part}.mjml:{s.line}")
    y = schema["properties"]["y"]["description"]
    assert y.startswith("used at templates/t/html.mjml:3, templates/t/subject.mjml:1")
    assert "tested by a condition" in schema["properties"]["x"]["description"]
