from __future__ import annotations

from sestemplates.pipeline.shield import find_tags, is_block_tag, shield, tag_kind

DOC = (
    '<a href="{{ url }}">{{> footer}}</a>{{#each items}}<tr>{{{raw}}}</tr>{{/each}}'
    "{{!-- a comment with }} inside --}}{{else}}"
)


def test_every_tag_becomes_a_letters_and_digits_token_and_comes_back() -> None:
    shielded, key = shield(DOC)
    assert "{{" not in shielded and "}}" not in shielded
    assert [t.text for t in key.tags] == [
        "{{ url }}", "{{> footer}}", "{{#each items}}", "{{{raw}}}", "{{/each}}",
        "{{!-- a comment with }} inside --}}", "{{else}}",
    ]  # fmt: skip
    for i in range(len(key.tags)):
        assert key.token(i).isalnum()
    assert key.restore(shielded) == DOC


def test_prefix_never_collides_with_document_text() -> None:
    doc = "hbsq0z and hbsqq0z {{x}}"
    shielded, key = shield(doc)
    assert key.restore(shielded) == doc
    assert key.ids(shielded) == [0]


def test_tag_kinds_and_lines() -> None:
    assert [tag_kind(t) for t in ("{{#if a}}", "{{^a}}", "{{/if}}", "{{else}}", "{{a}}")] == [
        "open", "open", "close", "else", "plain",
    ]  # fmt: skip
    assert is_block_tag("{{!-- c --}}") and not is_block_tag("{{{x}}}")
    assert [t.line for t in find_tags("a\n{{x}}\n\n{{y}}")] == [2, 4]
