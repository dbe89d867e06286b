"""Handlebars syntax errors are named at the file, line and column where they are written."""

from __future__ import annotations

from pathlib import Path

import pytest

from sestemplates.errors import SesTemplatesError
from sestemplates.pipeline import syntax


def error(rendered: str, part: Path, *files: Path) -> str:
    with pytest.raises(SesTemplatesError) as caught:
        syntax.check(rendered, part, list(files), lambda p: p.name)
    return str(caught.value)


def test_error_in_the_part_itself(tmp_path: Path) -> None:
    part = tmp_path / "html.html"
    part.write_text("<p>a</p>\n  {{/if}}\n")
    assert error(part.read_text(), part) == (
        "html.html:2:3: Handlebars syntax error: '{{/if}}' closes a block that was never opened"
    )


def test_error_in_an_included_file_is_mapped_to_it(tmp_path: Path) -> None:
    part, included = tmp_path / "html.mjml", tmp_path / "section.mjml"
    part.write_text('<mjml>\n  <mj-body>\n    <mj-include path="section.mjml" />\n</mjml>\n')
    included.write_text("<mj-text>\nx {{#each a}}</mj-text>\n")
    rendered = "<mjml>\n  <mj-body>\n    <mj-text>\nx {{#each a}}</mj-text>\n\n</mjml>\n"
    assert error(rendered, part, included).startswith(
        "section.mjml:2:3: Handlebars syntax error: '{{#each a}}' is never closed"
    )


def test_mismatched_close_names_where_its_block_opened(tmp_path: Path) -> None:
    part = tmp_path / "html.html"
    part.write_text("{{#if a}}\n<p>{{/each}}</p>\n")
    message = error("\n\n" + part.read_text(), part)  # two lines a layout added on top
    assert message.startswith("html.html:2:4: Handlebars syntax error: '{{/each}}' does not")
    assert "opened at line 1, column 1" in message


def test_unknown_position_says_it_is_in_the_rendered_part(tmp_path: Path) -> None:
    part = tmp_path / "html.html"
    part.write_text("[[ x ]]\n")
    assert error("{{#if a}}\n", part).endswith("(line 1, column 1 of the rendered html.html)")


def test_features_ses_lacks_are_left_to_check(tmp_path: Path) -> None:
    syntax.check("{{> external}}", tmp_path / "html.html", [], str)  # no error here
