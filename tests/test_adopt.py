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
    # Inline partials (SES supports them): the body reads the data where it is used.
    '{{#*inline "row"}}<b>{{name}}</b>{{/inline}}{{> row}}',
    '{{#*inline "li"}}<li>{{title}} {{@root.currency}}</li>{{/inline}}'
    '{{#each items}}{{> li}}{{/each}}{{> li item}}{{> li title=name}}',
    # Parallel lists: the value at the item's index in another list.
    "{{#each list}}{{lookup ../names @index}}{{/each}}",
]


@pytest.mark.parametrize("source", TEMPLATES)
def test_every_tag_renders_with_the_scaffold(source: str) -> None:
    data = scaffold_sample([source])
    problems = check_data(parse(source), data).problems
    assert problems == [], (data, problems)


def test_values_are_placeholders_and_parts_merge() -> None:
    data = scaffold_sample(["{{name}}", "{{#each items}}{{title}}{{/each}}", "{{#if vip}}{{/if}}"])
    assert data == {
        "name": "name",
        "items": [{"title": "items[0].title"}, {"title": "items[1].title"}],
        "vip": True,
    }


def test_the_scaffold_is_the_contracts() -> None:
    from sestemplates.contract import contract_of, scaffold

    parts = {"subject": "{{name}}", "html": "{{#each xs}}{{lookup ../m @index}}{{/each}}"}
    assert scaffold_sample(parts.values()) == scaffold(contract_of(parts))


def test_a_part_that_does_not_parse_is_skipped() -> None:
    assert scaffold_sample(["{{#if x}}", "{{y}}"]) == {"y": "y"}


def test_a_list_whose_items_are_printed_whole_holds_strings() -> None:
    from sestemplates.handlebars import render

    source = "<ul>{{#each tags}}<li>{{this}}</li>{{/each}}</ul>{{#each rows}}{{.}}{{/each}}"
    data = scaffold_sample([source])
    # Not [object Object]:
    assert render(source, data) == "<ul><li>tags[0]</li><li>tags[1]</li></ul>rows[0]rows[1]"
    # Items with fields stay objects.
    assert scaffold_sample(["{{#each items}}{{title}}{{/each}}"]) == {
        "items": [{"title": "items[0].title"}, {"title": "items[1].title"}]
    }
