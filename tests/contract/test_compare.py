"""Which contract changes are breaking (senders' emails would be dropped) and which are safe."""

from __future__ import annotations

from sestemplates.contract import compare_parts


def changes(before: str, after: str) -> list[str]:
    diff = compare_parts("t", {"html": after}, {"html": before})
    return [c.sentence() for c in diff.changes]


def test_new_required_path_is_breaking() -> None:
    assert changes("{{name}}", "{{name}} {{workspace.url}}") == [
        "breaking: senders that omit `workspace` will have their emails dropped",
        "breaking: senders that omit `workspace.url` will have their emails dropped",
    ]


def test_unguarding_is_breaking_and_guarding_is_safe() -> None:
    guarded = "{{#if promo}}{{promo}} {{code}}{{/if}}"
    unguarded = "{{promo}} {{code}}"
    assert changes(guarded, unguarded) == [
        "breaking: senders that omit `code` will have their emails dropped",
        "breaking: senders that omit `promo` will have their emails dropped",
    ]
    assert changes(unguarded, guarded) == [
        "safe: `promo` is no longer required",
        "safe: `code` is now required only (when promo is set)",
    ]


def test_required_under_a_new_condition_says_when() -> None:
    assert changes("{{#if vip}}hi{{/if}}", "{{#if vip}}{{perk}}{{/if}}") == [
        "breaking: senders that omit `perk` will have their emails dropped (when vip is set)"
    ]


def test_removed_and_new_optional_paths_are_safe() -> None:
    assert changes("{{a}} {{b}}", "{{a}} {{#if c}}{{c}}{{/if}}") == [
        "safe: `b` is no longer used",
        "safe: new optional `c`",
    ]
    assert compare_parts("t", {"html": "{{a}}"}, {"html": "{{a}}"}).format() == (
        "contract t: unchanged"
    )


def test_new_templates_are_never_breaking_and_unparsable_remotes_are_not_compared() -> None:
    new = compare_parts("t", {"html": "{{a}}"}, None)
    assert not new.breaking and new.format() == "contract t: new template (never breaking)"
    odd = compare_parts("t", {"html": "{{a}}"}, {"html": "{{#if a}}"})
    assert not odd.breaking and "not compared (the version on SES does not parse" in odd.format()
