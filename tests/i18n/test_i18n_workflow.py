"""The developer's and translator's workflow through the real CLI and real Babel:
extract → init → translate → build, incremental per locale, update, stats."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

from sestemplates.pipeline.shield import find_tags
from tests.i18n.conftest import ARABIC, GERMAN, SAMPLE, po


def content(root: Path, name: str) -> dict[str, str]:
    doc = json.loads((root / "build" / f"{name}.json").read_text(encoding="utf-8"))
    assert doc["TemplateName"] == name
    parts: dict[str, str] = doc["TemplateContent"]
    return parts


def tags(text: str) -> Counter[str]:
    return Counter(t.text for t in find_tags(text))


def test_extract_writes_every_message_with_its_source_line(shop: Path, cli) -> None:  # type: ignore[no-untyped-def]
    result = cli("-C", shop, "i18n", "extract")
    assert (result.code, result.out) == (0, "wrote locales/messages.pot: 4 message(s)\n")
    pot = (shop / "locales" / "messages.pot").read_text(encoding="utf-8")
    # Handlebars tags are literal text of the msgid; Jinja variables become placeholders.
    assert '#: templates/order/html.html:3 templates/order/text.txt:1\n' in pot
    assert 'msgid "Hi {{first_name}}, your order {{order.id}} is on its way."' in pot
    assert '#: templates/_layouts/base.html:5\n#, python-format\nmsgid "Sent by %(brand)s."' in pot
    assert '#: templates/order/subject.txt:1\nmsgid "Your order {{order.id}} shipped"' in pot
    # Nothing changed: the file (and its creation date) stays as it is.
    again = cli("-C", shop, "i18n", "extract")
    assert again.out == "locales/messages.pot: 4 message(s), unchanged\n"


def test_translated_build_has_the_german_text_and_every_tag_of_the_source(
    translated: Path, cli  # type: ignore[no-untyped-def]
) -> None:
    result = cli("-C", translated, "build")
    assert result.code == 0, result.out
    assert result.out.endswith("built 3 template(s) into build: 3 written, 0 unchanged\n")
    english, german = content(translated, "order-en"), content(translated, "order-de")
    assert german["Subject"] == "Ihre Bestellung {{order.id}} wurde versandt"
    assert "Hallo {{first_name}}, Ihre Bestellung {{order.id}} ist unterwegs." in german["Html"]
    assert "{{#if vip}}Danke für Ihre Treue, {{first_name}}.{{/if}}" in german["Html"]
    assert "Gesendet von Acme." in german["Html"]
    assert german["Text"].startswith("Hallo {{first_name}}, Ihre Bestellung {{order.id}}")
    assert "Hi {{first_name}}" in english["Html"] and "Sent by Acme." in english["Html"]
    for part in ("Subject", "Html", "Text"):
        assert tags(german[part]) == tags(english[part]), part
    assert '<html lang="de" dir="ltr">' in german["Html"]
    assert cli("-C", translated, "check").code == 0


def test_rtl_locale_output_carries_dir_rtl(translated: Path, cli) -> None:  # type: ignore[no-untyped-def]
    assert cli("-C", translated, "build").code == 0
    arabic = content(translated, "order-ar")
    assert '<html lang="ar" dir="rtl">' in arabic["Html"]
    assert ARABIC["Hi {{first_name}}, your order {{order.id}} is on its way."] in arabic["Html"]
    rendered = cli("-C", translated, "render", "order", "--locale", "ar", "--part", "subject")
    assert rendered.out == "تم شحن طلبك A-1"  # --part prints exactly what SES renders


def test_editing_one_catalog_rebuilds_only_that_locale(translated: Path, cli) -> None:  # type: ignore[no-untyped-def]
    assert cli("-C", translated, "build").code == 0
    # Outputs that a rebuild would rewrite: re-indented by hand, same content. The build reads
    # and accepts them as long as their template is not rebuilt.
    marked = {}
    for name in ("order-en", "order-ar"):
        path = translated / "build" / f"{name}.json"
        marked[name] = json.dumps(json.loads(path.read_text(encoding="utf-8")), indent=7)
        path.write_text(marked[name], encoding="utf-8")
    catalog = po(translated, "de")
    catalog.write_text(
        catalog.read_text(encoding="utf-8").replace("Gesendet von", "Versandt von"),
        encoding="utf-8",
    )
    result = cli("-C", translated, "build")
    assert result.out.endswith("built 3 template(s) into build: 1 written, 2 unchanged\n")
    assert "Versandt von Acme." in content(translated, "order-de")["Html"]
    for name, text in marked.items():
        assert (translated / "build" / f"{name}.json").read_text(encoding="utf-8") == text


def test_samples_of_one_locale_replace_the_shared_ones(translated: Path, cli) -> None:  # type: ignore[no-untyped-def]
    own = translated / "templates" / "order" / "samples" / "de"
    own.mkdir()
    (own / "jonas.json").write_text(json.dumps({**SAMPLE, "first_name": "Jonas"}))
    german = cli("-C", translated, "render", "order-de", "--part", "html")
    assert "Hallo Jonas," in german.out
    assert cli("-C", translated, "render", "order-de", "--sample", "ada").code == 2
    english = cli("-C", translated, "render", "order", "--part", "html")
    assert "Hi Ada," in english.out
    # A sample of the German data only: check finds the missing tag in that locale alone.
    (own / "jonas.json").write_text(json.dumps({**SAMPLE, "order": {}}))
    result = cli("-C", translated, "check")
    assert result.code == 1
    assert "order.id" in result.out and "jonas.json" in result.out
    assert "ada.json" not in result.out


def test_update_merges_new_and_changed_messages(translated: Path, cli) -> None:  # type: ignore[no-untyped-def]
    html = translated / "templates" / "order" / "html.html"
    source = html.read_text(encoding="utf-8")
    source = source.replace("Thanks for staying with us", "Thank you for staying with us")
    source = source.replace("<ul>", "<p>{% trans %}Your items:{% endtrans %}</p>\n<ul>")
    html.write_text(source, encoding="utf-8")
    assert cli("-C", translated, "i18n", "extract").code == 0
    result = cli("-C", translated, "i18n", "update")
    assert result.code == 0
    assert result.out.splitlines() == [
        "updated locales/de/LC_MESSAGES/messages.po",
        "updated locales/ar/LC_MESSAGES/messages.po",
    ]
    stats = cli("-C", translated, "i18n", "stats")
    assert stats.out.splitlines() == [
        "de: 3 translated, 1 fuzzy, 1 untranslated (60% done)",
        "ar: 3 translated, 1 fuzzy, 1 untranslated (60% done)",
    ]
    german = po(translated, "de").read_text(encoding="utf-8")
    assert '#, fuzzy\n#| msgid "{{#if vip}}Thanks for staying with us' in german
    # Fuzzy translations stay out of the build until confirmed: the source text is used.
    assert cli("-C", translated, "build").code == 0
    assert "{{#if vip}}Thank you for staying with us" in content(translated, "order-de")["Html"]


def test_catalog_commands_refuse_what_they_cannot_do(shop: Path, cli) -> None:  # type: ignore[no-untyped-def]
    no_pot = cli("-C", shop, "i18n", "init", "de")
    assert (no_pot.code, no_pot.err) == (
        2, "error: locales/messages.pot does not exist: run 'sestemplates i18n extract' first\n"
    )
    assert cli("-C", shop, "i18n", "extract").code == 0
    unknown = cli("-C", shop, "i18n", "init", "fr")
    assert unknown.code == 2 and "'fr' is not in the config's locales (en, de, ar)" in unknown.err
    assert cli("-C", shop, "i18n", "init", "de").code == 0
    again = cli("-C", shop, "i18n", "init", "de")
    assert again.code == 2 and "already exists: use 'sestemplates i18n update'" in again.err
    # Building a locale without a catalog would send the source language under its name.
    build = cli("-C", shop, "build")
    assert build.code == 1
    assert (
        "locales/ar/LC_MESSAGES/messages.po: no catalog for locale 'ar': "
        "run 'sestemplates i18n init ar'"
    ) in build.out


def test_a_broken_template_stops_extract_at_its_line(shop: Path, cli) -> None:  # type: ignore[no-untyped-def]
    (shop / "templates" / "order" / "html.html").write_text("<p>\n{% trans %}Hi\n")
    result = cli("-C", shop, "i18n", "extract")
    assert result.code == 1
    assert result.err.startswith("error: templates/order/html.html:")
    assert "Jinja syntax error" in result.err
    assert not (shop / "locales" / "messages.pot").exists()


def test_german_is_translated_from_the_catalog_not_the_test(translated: Path) -> None:
    # The fixture's msgids are the extracted ones: every one was found and filled.
    text = po(translated, "de").read_text(encoding="utf-8")
    for msgstr in GERMAN.values():
        assert json.dumps(msgstr, ensure_ascii=False) in text


def test_extract_leaves_as_is_templates_alone(shop: Path, cli) -> None:  # type: ignore[no-untyped-def]
    adopted = shop / "templates" / "adopted"
    adopted.mkdir()
    (adopted / "template.toml").write_text("as_is = true\n")
    (adopted / "subject.txt").write_text("Hi {{name}}")
    # Final HTML copied from SES: not Jinja, and not valid Jinja either.
    (adopted / "html.html").write_text("<p>{% trans %} [[ unclosed {{name}}</p>")
    result = cli("-C", shop, "i18n", "extract")
    assert result.code == 0, result.err
    assert "adopted" not in (shop / "locales" / "messages.pot").read_text(encoding="utf-8")
    for args in (("i18n", "init", "de"), ("i18n", "init", "ar")):
        assert cli("-C", shop, *args).code == 0
    build = cli("-C", shop, "build")
    assert build.code == 0, build.out
    # One template: nothing of it is translated, so it is not built once per locale.
    assert sorted(p.name for p in (shop / "build").glob("adopted*.json")) == [
        "adopted.json", "adopted.schema.json"]


def test_a_catalog_linked_from_outside_the_project_is_refused(
    translated: Path, tmp_path: Path, cli  # type: ignore[no-untyped-def]
) -> None:
    elsewhere = tmp_path / "elsewhere.po"
    elsewhere.write_bytes(po(translated, "de").read_bytes())
    po(translated, "de").unlink()
    po(translated, "de").symlink_to(elsewhere)
    result = cli("-C", translated, "build")
    assert result.code == 1
    assert "\nlocales/de/LC_MESSAGES/messages.po: resolves to " in "\n" + result.out
    assert "outside the project: refused" in result.out
    assert not (translated / "build" / "order-de.json").exists()
    check = cli("-C", translated, "check")
    assert check.code == 1 and "outside the project: refused [catalog]" in check.out
    assert cli("-C", translated, "i18n", "stats").code == 1
