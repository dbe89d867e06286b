"""Where the catalogs live: Babel's layout, `locales/<lang>/LC_MESSAGES/messages.po`."""

from __future__ import annotations

from pathlib import Path

from sestemplates.config import Config

CATALOGS_DIR = "locales"
DOMAIN = "messages"


def catalogs_dir(config: Config) -> Path:
    return config.root / CATALOGS_DIR


def pot_path(config: Config) -> Path:
    return catalogs_dir(config) / f"{DOMAIN}.pot"


def catalog_path(config: Config, locale: str) -> Path:
    return catalogs_dir(config) / locale / "LC_MESSAGES" / f"{DOMAIN}.po"


def translated_locales(config: Config) -> list[str]:
    """The locales whose text comes from a catalog; the default locale's source strings are
    the msgids themselves, so its catalog is optional."""
    return [loc for loc in config.i18n.locales if loc != config.i18n.default_locale]


def text_direction(locale: str) -> str:
    """'rtl' or 'ltr', from the Unicode CLDR data Babel ships (ar, he, fa, ur, ps, …)."""
    from babel import Locale, UnknownLocaleError

    try:
        return str(Locale.parse(locale).text_direction)
    except (UnknownLocaleError, ValueError):
        return "ltr"
