"""`check` on catalogs: a translation that changes its msgid's Handlebars tags is an error at
the .po line naming the tag; fuzzy and untranslated messages are warnings (--strict fails
them); every locale needs the same data as the default locale."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.i18n.conftest import msgstr_line, po, translate

MSGID = "Hi {{first_name}}, your order {{order.id}} is on its way."
BLOCK = "{{#if vip}}Thanks for staying with us, {{first_name}}.{{/if}}"


def set_msgstr(root: Path, msgid: str, msgstr: str, locale: str = "de") -> Path:
    path = po(root, locale)
    text = path.read_text(encoding="utf-8")
    start = text.index(f'msgid "{msgid}"\nmsgstr "')
    end = text.index("\n", text.index("msgstr", start))
    path.write_text(text[:start] + f'msgid "{msgid}"\nmsgstr "{msgstr}"' + text[end:])
    return path


@pytest.mark.parametrize(
    ("msgid", "msgstr", "problem"),
    [
        (MSGID, "Hallo {{first_name}}, Ihre Bestellung ist unterwegs.", "drops {{order.id}}"),
        (
            MSGID,
            "Hallo {{Vorname}}, Ihre Bestellung {{order.id}} ist unterwegs.",
            "renames {{first_name}} to {{Vorname}}",
        ),
        (
            MSGID,
            "Hallo {{first_name}}, Ihre Bestellung {{order.id}} ({{order.total}}) ist unterwegs.",
            "adds {{order.total}} (not in the msgid)",
        ),
        (
            BLOCK,
            "{{/if}}Danke für Ihre Treue, {{first_name}}.{{#if vip}}",
            "moves the block tag {{/if}}: at the top level in the translation, "
            "inside {{#if vip}} in the msgid",
        ),
        (
            BLOCK,
            "{{#if vip}}Danke für Ihre Treue{{/if}}, {{first_name}}.",
            "moves the tag {{first_name}}: at the top level in the translation, "
            "inside {{#if vip}} in the msgid",
        ),
    ],
    ids=["dropped", "renamed", "added", "block-reordered", "moved-out-of-block"],
)
def test_changed_tags_fail_check_at_the_po_line(
    translated: Path, cli, msgid: str, msgstr: str, problem: str  # type: ignore[no-untyped-def]
) -> None:
    path = set_msgstr(translated, msgid, msgstr)
    line = msgstr_line(path, msgstr[:20])
    result = cli("-C", translated, "check")
    assert result.code == 1
    expected = f"locales/de/LC_MESSAGES/messages.po:{line}: error: translation {problem}: "
    found = [row.strip() for row in result.out.splitlines() if expected in row]
    assert len(found) == 1, result.out
    assert found[0].endswith("[translation-tags]")
    assert msgid[:30] in found[0]  # names the message


def test_reordered_words_and_whole_blocks_are_fine(translated: Path, cli) -> None:  # type: ignore[no-untyped-def]
    set_msgstr(translated, MSGID, "Ihre Bestellung {{ order.id }} ist unterwegs, {{first_name}}.")
    result = cli("-C", translated, "check")
    assert (result.code, result.out) == (0, "checked 3 templates: 0 errors, 0 warnings\n")


def test_fuzzy_and_untranslated_are_warnings_and_strict_fails_them(
    translated: Path, cli  # type: ignore[no-untyped-def]
) -> None:
    path = set_msgstr(translated, BLOCK, "")
    text = path.read_text(encoding="utf-8")
    text = text.replace(f'msgid "{MSGID}"', f'#, fuzzy\nmsgid "{MSGID}"')
    path.write_text(text, encoding="utf-8")
    fuzzy_line = text.splitlines().index(f'msgid "{MSGID}"') + 1
    blank_line = text.splitlines().index(f'msgid "{BLOCK}"') + 1
    result = cli("-C", translated, "check")
    assert result.code == 0, result.out
    rows = [row.strip() for row in result.out.splitlines()]
    assert any(
        r.startswith(f"locales/de/LC_MESSAGES/messages.po:{fuzzy_line}: warning: fuzzy "
                     "translation of 'Hi {{first_name}}")
        and r.endswith("confirm it (remove 'fuzzy') to use it [translation-fuzzy]")
        for r in rows
    ), result.out
    assert any(
        r.startswith(f"locales/de/LC_MESSAGES/messages.po:{blank_line}: warning: untranslated: "
                     "'{{#if vip}}Thanks")
        and r.endswith("(the build uses the source text) [translation-missing]")
        for r in rows
    ), result.out
    assert result.out.endswith("0 errors, 2 warnings\n")
    assert cli("-C", translated, "check", "--strict").code == 1


def test_a_wrong_python_format_placeholder_is_an_error(translated: Path, cli) -> None:  # type: ignore[no-untyped-def]
    path = set_msgstr(translated, "Sent by %(brand)s.", "Gesendet von %(marke)s.")
    result = cli("-C", translated, "check")
    assert result.code == 1
    line = msgstr_line(path, "Gesendet von")
    assert f"locales/de/LC_MESSAGES/messages.po:{line}: error: " in result.out
    assert "[translation-format]" in result.out


def test_a_locale_that_needs_other_data_breaks_the_contract(translated: Path, cli) -> None:  # type: ignore[no-untyped-def]
    layout = translated / "templates" / "_layouts" / "base.html"
    layout.write_text(
        layout.read_text().replace(
            "</body>", '{% if locale == "de" %}<p>{{impressum_url}}</p>{% endif %}\n</body>'
        )
    )
    result = cli("-C", translated, "check")
    assert result.code == 1
    assert (
        "order-de always requires `impressum_url`, but order-en does not use it: every locale "
        "must need the same data [locale-contract]"
    ) in result.out


VOUCHER = "{{#if vip}}Your code: {{voucher}}{{else}}Join the club{{/if}}"


def test_a_translation_that_moves_a_tag_to_the_else_branch_breaks_the_contract(
    translated: Path, cli  # type: ignore[no-untyped-def]
) -> None:
    # The tags and the block they sit in are the msgid's, so the tag check passes; but German
    # senders must now send `voucher` to members without vip, and SES drops those emails.
    html = translated / "templates" / "order" / "html.html"
    html.write_text(html.read_text().replace(
        "<ul>", "<p>{% trans %}" + VOUCHER + "{% endtrans %}</p>\n<ul>"
    ))
    sample = translated / "templates" / "order" / "samples" / "ada.json"
    sample.write_text(json.dumps(json.loads(sample.read_text()) | {"voucher": "V-1"}))
    for args in (("i18n", "extract"), ("i18n", "update")):
        assert cli("-C", translated, *args).code == 0
    translate(po(translated, "de"), {VOUCHER: (
        "{{#if vip}}Werden Sie Mitglied{{else}}Ihr Code: {{voucher}}{{/if}}"
    )})
    translate(po(translated, "ar"), {VOUCHER: (
        "{{#if vip}}رمزك: {{voucher}}{{else}}انضم إلى النادي{{/if}}"
    )})
    # The sample (vip set) renders every locale: only the contract sees the German change.
    result = cli("-C", translated, "check")
    assert result.code == 1, result.out
    errors = [row.strip() for row in result.out.splitlines() if ": error: " in row]
    assert errors == [
        "locales/de/LC_MESSAGES/messages.po: error: order-de requires `voucher` only when vip "
        "is not set, but order-en requires it only when vip is set: every locale must need the "
        "same data [locale-contract]"
    ], result.out


def test_an_invalid_catalog_is_an_error_at_its_line(translated: Path, cli) -> None:  # type: ignore[no-untyped-def]
    path = po(translated, "de")
    lines = path.read_text(encoding="utf-8").splitlines()
    lines.append('msgid "dangling')
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = cli("-C", translated, "check")
    assert result.code == 1
    assert f"locales/de/LC_MESSAGES/messages.po:{len(lines)}: " in result.out + result.err
    assert "Traceback" not in result.out + result.err


def test_precommit_with_only_a_catalog_changed_checks_it(
    translated: Path, cli, monkeypatch: pytest.MonkeyPatch  # type: ignore[no-untyped-def]
) -> None:
    path = set_msgstr(translated, MSGID, "Hallo {{Vorname}}, Bestellung {{order.id}}.")
    monkeypatch.chdir(translated)
    result = cli("check", str(path.relative_to(translated)))
    assert result.code == 1
    assert "renames {{first_name}} to {{Vorname}}" in result.out


def test_example_catalogs_are_complete_and_keep_every_tag(example_project: Path, cli) -> None:  # type: ignore[no-untyped-def]
    stats = cli("-C", example_project, "i18n", "stats")
    assert stats.code == 0
    for line in stats.out.splitlines():
        assert "0 fuzzy, 0 untranslated (100% done)" in line, line
    # The committed .pot is what extract produces from the committed sources.
    assert cli("-C", example_project, "i18n", "extract").out.endswith("unchanged\n")
    result = cli("-C", example_project, "check", "--strict")
    assert result.code == 0, result.out
