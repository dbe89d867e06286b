from __future__ import annotations

import pytest

from sestemplates.pipeline.shield import is_block_tag, shield
from sestemplates.pipeline.text import html_to_text, tidy


def derive(html: str) -> str:
    shielded, key = shield(html)
    blocks = [key.token(i) for i, t in enumerate(key.tags) if is_block_tag(t.text)]
    return tidy(html_to_text(shielded, key.restore, blocks), key)


def test_structure_links_lists_and_hidden_parts() -> None:
    html = """<html><head><title>T {{x}}</title><style>p{}</style></head><body>
    <div style="display:none;max-height:0">preheader {{hidden}}</div>
    <h1>Hello {{{name}}}</h1><p>Line one<br>line two</p>
    <ul><li>One</li><li>Two</li></ul><ol><li>A</li><li>B</li></ol>
    <p><a href="{{ url }}">Open</a> and <a href="https://x.example.com">https://x.example.com</a>
    <a href="mailto:a@example.com">a@example.com</a></p>
    <script>var x = 1;</script>
    </body></html>"""
    assert derive(html) == (
        "Hello {{{name}}}\n\nLine one\nline two\n\n- One\n- Two\n\n1. A\n2. B\n\n"
        "Open ({{ url }}) and https://x.example.com a@example.com\n"
    )


def test_each_around_table_rows_gives_one_line_per_item() -> None:
    html = """<table><tbody><tr><th>Item</th><th>Price</th></tr>
    {{#each items}}
    <tr><td>{{name}}</td><td>{{price}}</td></tr>
    {{/each}}
    <tr><td>Total</td><td>{{total}}</td></tr></tbody></table>
    <p>{{> footer}}</p>"""
    text = derive(html)
    assert text == (
        "Item Price\n{{#each items}}{{name}} {{price}}\n{{/each}}Total {{total}}\n\n{{> footer}}\n"
    )
    # Rendered with three items (by expanding the loop by hand): three item lines.
    body = text.split("{{#each items}}")[1].split("{{/each}}")[0]
    rendered = text.split("{{#each items}}")[0] + body * 3 + text.split("{{/each}}")[1]
    assert rendered.count("{{name}} {{price}}\n") == 3
    assert "\n\n{{name}}" not in rendered


def test_block_tags_on_their_own_source_lines_stay_on_their_own_lines() -> None:
    html = "<div>\n{{#if a}}\nYes {{a}}\n{{else}}\nNo\n{{/if}}\n</div>"
    assert derive(html) == "{{#if a}}Yes {{a}}\n{{else}}No\n{{/if}}\n"


def test_link_whose_text_is_its_url_tag_is_not_repeated() -> None:
    assert derive('<p>Go to <a href="{{ url }}">{{url}}</a></p>') == "Go to {{url}}\n"


def test_mjml_text_blocks_read_as_paragraphs() -> None:
    html = "<div><div>First block {{a}}</div></div><div><div>Second</div></div>"
    assert derive(html) == "First block {{a}}\n\nSecond\n"


def test_line_ending_in_a_closing_tag_inside_a_sentence_is_not_a_break() -> None:
    html = "<p>From {{ip}}{{#if city}} near {{city}}{{/if}}\n  using {{browser}}.</p>"
    assert derive(html) == "From {{ip}}{{#if city}} near {{city}}{{/if}} using {{browser}}.\n"


def test_cells_of_a_looped_row_are_separated() -> None:
    html = "<table><tr>{{#each cols}}<td>{{this}}</td>{{/each}}</tr></table>"
    assert derive(html) == "{{#each cols}} {{this}}{{/each}}\n"


@pytest.mark.parametrize(
    "style",
    [
        "display:none",
        "display: none !important",
        "visibility:hidden;mso-hide:all",
        "font-size:1px;max-height:0px;overflow:hidden;opacity:0",
        "max-height: 0 !important; overflow: hidden",
    ],
)
def test_hidden_preheaders_are_left_out(style: str) -> None:
    html = f'<div style="{style}">Preheader {{{{pre}}}}</div><p>Body {{{{name}}}}</p>'
    assert derive(html) == "Body {{name}}\n"


def test_a_max_height_that_is_not_zero_is_shown() -> None:
    assert derive('<div style="max-height:100px;overflow:hidden">Shown</div>') == "Shown\n"
