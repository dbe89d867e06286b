"""The scaffold of a template with `lookup` renders: the container holds what the key finds
(handlebars.js strict, and SES's own rule that a missing printed value drops the email)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from sestemplates.contract import contract_of, scaffold, to_schema, violations
from sestemplates.handlebars import check_data, parse
from tests.handlebars.hbsjs import HandlebarsJs, node_or_skip

LOOKUPS = {
    "path-key": "{{lookup prices currency}}",
    "item-key": "{{#each items}}{{code}}: {{lookup ../names code}}{{/each}}",
    "literal-keys": "{{lookup labels 'ok'}} {{lookup list 1}} {{labels.title}}",
    "parallel-lists": "{{#each list}}{{name}} {{lookup ../names @index}}{{/each}}",
    "nested-index": "{{#each a}}{{#each b}}{{lookup ../../names @index}}{{/each}}{{/each}}",
    "index-and-field": "{{#each xs}}{{lookup ../m @index}}{{/each}}{{m.fixed}}",
    "subexpression": "{{#with (lookup users id)}}{{this}}{{/with}}",
}


@pytest.fixture(scope="module")
def handlebars_js() -> Iterator[HandlebarsJs]:
    js = HandlebarsJs(node_or_skip())
    yield js
    js.close()


@pytest.mark.parametrize("source", LOOKUPS.values(), ids=LOOKUPS.keys())
def test_lookup_containers_hold_what_their_key_finds(
    handlebars_js: HandlebarsJs, source: str
) -> None:
    contract = contract_of({"html": source})
    data = scaffold(contract)
    assert violations(to_schema(contract), data) == []
    assert check_data(parse(source), data).problems == [], data
    reply = handlebars_js.render(source, data, strict=True)
    assert "error" not in reply, (data, reply)


def test_lookup_placeholders_name_their_path() -> None:
    assert scaffold(contract_of({"html": LOOKUPS["path-key"]})) == {
        "currency": "currency", "prices": {"currency": "prices.currency"}
    }
    assert scaffold(contract_of({"html": LOOKUPS["parallel-lists"]}))["names"] == [
        "names[0]", "names[1]"
    ]
