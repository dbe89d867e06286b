"""sestemplates.i18n.tags.compare: what a translation changed about its msgid's tags."""

from __future__ import annotations

import pytest

from sestemplates.i18n.tags import compare


@pytest.mark.parametrize(
    ("msgid", "msgstr"),
    [
        ("Hi {{name}}", "Hallo {{ name }}"),  # spacing inside a tag is no change
        ("{{a}} and {{b}}", "{{b}} und {{a}}"),  # word order is the translator's
        ("{{#if a}}A{{/if}} {{#if b}}B{{/if}}", "{{#if b}}B{{/if}} {{#if a}}A{{/if}}"),
        ("{{#if vip}}Dear VIP", "{{#if vip}}Liebe VIP"),  # half a block, kept as it is
        ("{{{name}}}, hi", "مرحباً {{{name}}}"),
        ("No tags", ""),
    ],
)
def test_kept_tags(msgid: str, msgstr: str) -> None:
    assert compare(msgid, msgstr) == []


@pytest.mark.parametrize(
    ("msgid", "msgstr", "problems"),
    [
        ("Hi {{name}}", "Hallo", ["drops {{name}}"]),
        ("Hi {{name}}", "Hallo {{Name}}", ["renames {{name}} to {{Name}}"]),
        ("Hi {{name}}", "Hallo {{name}} {{name}}", ["adds {{name}} (not in the msgid)"]),
        ("Hi {{{name}}}", "Hallo {{name}}", ["renames {{{name}}} to {{name}}"]),
        (
            "{{#each items}}{{name}}{{/each}}",
            "{{name}}{{#each items}}{{/each}}",
            ["moves the tag {{name}}: at the top level in the translation, "
             "inside {{#each items}} in the msgid"],
        ),
        (
            "{{#if a}}x{{else}}y{{/if}}",
            "{{else}}{{#if a}}x{{/if}}y",
            ["moves the block tag {{else}}: at the top level in the translation, "
             "inside {{#if a}} in the msgid"],
        ),
    ],
)
def test_changed_tags(msgid: str, msgstr: str, problems: list[str]) -> None:
    assert compare(msgid, msgstr) == problems
