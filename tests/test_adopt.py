"""The sample scaffold: data that every tag of the adopted parts can render with."""

from __future__ import annotations

import pytest

from sestemplates.adopt import scaffold_sample
from sestemplates.handlebars import check_data, parse

TEMPLATES = [
    "Hi {{name}}, {{user.first}} {{{user.last}}}",
    "<table>{{#each items}}<tr><td>{{title}}</td><td>{{../currency}} {{price.amount}}</td>"
    "<td>{{@index}}</td></tr>{{/each}}</table>",
    "{{#if vip}}{{vip.level}}{{else}}guest{{/if}}{{#unless opted_out}}x{{/unless}}",
    "{{#with address}}{{city}}, {{@root.country}}{{/with}}",
    "{{#each orders as |order|}}{{order.id}}{{#each order.lines}}{{sku}}{{/each}}{{/each}}",
    "{{#each a}}{{#each b}}{{c}} {{../d}} {{../../e}}{{/each}}{{/each}}",
    "{{#section}}{{inside}}{{/section}}{{^empty}}none{{/empty}}",
    "{{#if flag}}{{/if}}{{flag.deep}}",
    "{{lookup map key}} {{! a comment }}",
]


@pytest.mark.parametrize("source", TEMPLATES)
def test_every_tag_renders_with_the_scaffold(source: str) -> None:
    data = scaffold_sample([source])
    problems = check_data(parse(source), data).problems
    assert problems == [], (data, problems)


def test_values_are_placeholders_and_parts_merge() -> None:
    data = scaffold_sample(["{{name}}", "{{#each items}}{{title}}{{/each}}", "{{#if vip}}{{/if}}"])
    assert data == {"name": "name", "items": [{"title": "title"}], "vip": True}


def test_a_part_that_does_not_parse_is_skipped() -> None:
    assert scaffold_sample(["{{#if x}}", "{{y}}"]) == {"y": "y"}
