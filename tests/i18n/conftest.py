"""A small localised project (en source, de and ar catalogs) built through the real CLI."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path

import pytest

CONFIG = """\
locales = ["en", "de", "ar"]
default_locale = "en"

[vars]
brand = "Acme"
"""

LAYOUT = """\
<!doctype html>
<html lang="[[ locale ]]" dir="[[ text_direction ]]">
<body>
{% block body %}{% endblock %}
<p>{% trans %}Sent by [[ brand ]].{% endtrans %}</p>
</body>
</html>
"""

SUBJECT = '[[ _("Your order {{order.id}} shipped") ]]\n'

HTML = """\
{% extends "_layouts/base.html" %}
{% block body %}
<p>{% trans %}Hi {{first_name}}, your order {{order.id}} is on its way.{% endtrans %}</p>
<p>{% trans %}{{#if vip}}Thanks for staying with us, {{first_name}}.{{/if}}{% endtrans %}</p>
<ul>{{#each items}}<li>{{name}}</li>{{/each}}</ul>
{% endblock %}
"""

TEXT = """\
{% trans %}Hi {{first_name}}, your order {{order.id}} is on its way.{% endtrans %}
{{#each items}}- {{name}}
{{/each}}
"""

SAMPLE = {"first_name": "Ada", "order": {"id": "A-1"}, "vip": True, "items": [{"name": "Lamp"}]}

# A translator's work: msgid → msgstr.
GERMAN = {
    "Sent by %(brand)s.": "Gesendet von %(brand)s.",
    "Your order {{order.id}} shipped": "Ihre Bestellung {{order.id}} wurde versandt",
    "Hi {{first_name}}, your order {{order.id}} is on its way.":
        "Hallo {{first_name}}, Ihre Bestellung {{order.id}} ist unterwegs.",
    "{{#if vip}}Thanks for staying with us, {{first_name}}.{{/if}}":
        "{{#if vip}}Danke für Ihre Treue, {{first_name}}.{{/if}}",
}
ARABIC = {
    "Sent by %(brand)s.": "أرسلتها %(brand)s.",
    "Your order {{order.id}} shipped": "تم شحن طلبك {{order.id}}",
    "Hi {{first_name}}, your order {{order.id}} is on its way.":
        "مرحباً {{first_name}}، طلبك {{order.id}} في الطريق إليك.",
    "{{#if vip}}Thanks for staying with us, {{first_name}}.{{/if}}":
        "{{#if vip}}شكراً لبقائك معنا يا {{first_name}}.{{/if}}",
}


@pytest.fixture
def shop(tmp_path: Path) -> Path:
    """The project, sources only: no catalogs yet."""
    root = tmp_path / "shop"
    files = {
        "sestemplates.toml": CONFIG,
        "templates/_layouts/base.html": LAYOUT,
        "templates/order/subject.txt": SUBJECT,
        "templates/order/html.html": HTML,
        "templates/order/text.txt": TEXT,
        "templates/order/samples/ada.json": json.dumps(SAMPLE),
    }
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


def po(root: Path, locale: str) -> Path:
    return root / "locales" / locale / "LC_MESSAGES" / "messages.po"


def translate(path: Path, translations: dict[str, str]) -> None:
    """Fill msgstrs the way a translator does in an editor: in the .po text."""
    text = path.read_text(encoding="utf-8")
    for msgid, msgstr in translations.items():
        quoted = json.dumps(msgid, ensure_ascii=False)
        entry = f'msgid {quoted}\nmsgstr ""\n'
        assert entry in text, f"{msgid!r} not in {path} as a one-line untranslated entry"
        filled = json.dumps(msgstr, ensure_ascii=False)
        text = text.replace(entry, f"msgid {quoted}\nmsgstr {filled}\n")
    path.write_text(text, encoding="utf-8")


def msgstr_line(path: Path, msgstr_start: str) -> int:
    """The 1-based line of the msgstr that starts with `msgstr_start`."""
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if re.match(r'msgstr "' + re.escape(msgstr_start), line):
            return number
    raise AssertionError(f"no msgstr starting {msgstr_start!r} in {path}")


@pytest.fixture
def translated(shop: Path, cli: Callable[..., object]) -> Path:
    """extract → init de, ar → translate both, through the CLI."""
    for args in (("i18n", "extract"), ("i18n", "init", "de"), ("i18n", "init", "ar")):
        result = cli("-C", shop, *args)
        assert result.code == 0, (args, result.out, result.err)  # type: ignore[attr-defined]
    translate(po(shop, "de"), GERMAN)
    translate(po(shop, "ar"), ARABIC)
    return shop
