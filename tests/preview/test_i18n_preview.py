"""The preview of the localised examples: a locale switcher, and RTL shown right-to-left."""

from __future__ import annotations

from typing import Any

from sestemplates.preview.state import Project


def test_locale_switcher_and_rtl(client: Any) -> None:
    index = client.get("/")
    for key in ("password-reset", "password-reset-de", "password-reset-ar"):
        assert f'href="/t/{key}"' in index.text
    page = client.get("/t/password-reset-ar")
    assert page.status_code == 200
    switcher = page.text.split('id="locales"', 1)[1].split("</div>", 1)[0]
    assert '<a href="/t/password-reset" class="" lang="en">en</a>' in switcher
    assert '<a href="/t/password-reset-de" class="" lang="de">de</a>' in switcher
    assert '<a href="/t/password-reset-ar" class="current" lang="ar">ar</a>' in switcher
    # The first sample of ar is its own (samples/ar/): an Arabic name, shown right-to-left.
    assert '<div class="subject" id="subject" dir="rtl">ليلى، أعد تعيين' in page.text
    assert '<pre id="text" dir="rtl">' in page.text
    assert 'src="/frame/password-reset-ar' in page.text
    assert 'action="/send/password-reset-ar"' in page.text  # a test send of this locale
    frame = client.get("/frame/password-reset-ar")
    assert '<html lang="ar" dir="rtl"' in frame.text
    assert "إعادة تعيين كلمة المرور" in frame.text
    german = client.get("/t/password-reset-de", {"sample": "with-ip"})
    assert '<div class="subject" id="subject" dir="ltr">Jonas, setzen Sie Ihr' in german.text
    english = client.get("/t/password-reset")
    assert 'class="current" lang="en"' in english.text
    assert '<div class="subject" id="subject" dir="ltr">Jonas, reset your' in english.text


def test_a_locale_page_shows_its_catalog_problems(client: Any, project: Project) -> None:
    catalog = project.root / "locales/de/LC_MESSAGES/messages.po"
    text = catalog.read_text(encoding="utf-8")
    catalog.write_text(text.replace("Bestellung {{order_number}}: {{status_label}}",
                                    "Bestellung {{bestellnummer}}: {{status_label}}"), "utf-8")
    project.refresh()
    german = client.get("/t/shipping-update-de").text
    assert "translation renames {{order_number}} to {{bestellnummer}}" in german
    arabic = client.get("/t/shipping-update-ar").text
    assert "translation renames" not in arabic
