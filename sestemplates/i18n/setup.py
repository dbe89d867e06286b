"""The Jinja side: the i18n extension, one locale's translations, `locale`/`text_direction`.

The extension is added to whatever environment the pipeline makes (plain or sandboxed): it
only needs `add_extension` and `install_gettext_translations`, which both have.
"""

from __future__ import annotations

import gettext
import io
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sestemplates.config import Config
from sestemplates.errors import SesTemplatesError
from sestemplates.i18n.paths import catalog_path, text_direction
from sestemplates.i18n.po import read_catalog

if TYPE_CHECKING:  # the environment comes from the pipeline; nothing here needs jinja2 itself
    import jinja2

EXTENSION = "jinja2.ext.i18n"
# `{% trans %}` blocks over several lines give one-line msgids (and the extractor agrees).
TRIMMED_POLICY = "ext.i18n.trimmed"


def add_extension(env: jinja2.Environment, config: Config) -> None:
    """Enable `{% trans %}` and `_()` when the project has locales; every template then gets
    them, so a layout shared by localised and other templates works for both."""
    if not config.i18n.locales:
        return
    env.add_extension(EXTENSION)
    env.policies[TRIMMED_POLICY] = True
    env.install_null_translations()  # type: ignore[attr-defined]


def install(env: jinja2.Environment, config: Config, locale: str | None) -> dict[str, Any]:
    """Install `locale`'s catalog into `env`; returns the context variables of the locale.

    The build's cache key of that locale's outputs (and only theirs) covers the catalog
    (pipeline/cache.py): editing de's .po rebuilds only the -de templates."""
    if locale is None:
        return {}
    path = catalog_path(config, locale)
    if path.is_file():
        translations = load_translations(config, path, locale)
        env.install_gettext_translations(translations, newstyle=False)  # type: ignore[attr-defined]
    elif locale != config.i18n.default_locale:
        raise SesTemplatesError(
            f"no catalog for locale {locale!r}: run 'sestemplates i18n init {locale}'",
            file=config.display(path),
        )
    return {"locale": locale, "text_direction": text_direction(locale)}


def load_translations(config: Config, path: Path, locale: str) -> gettext.NullTranslations:
    """The catalog compiled in memory by Babel (fuzzy entries left out, as gettext does)."""
    from babel.messages.mofile import write_mo

    catalog = read_catalog(config, path, locale)
    buffer = io.BytesIO()
    write_mo(buffer, catalog, use_fuzzy=False)
    buffer.seek(0)
    return gettext.GNUTranslations(buffer)
