"""`sestemplates i18n extract / init / update / stats`: Babel's own extraction, PO reading and
writing and catalog merging, set up for our Jinja delimiters. No PO parsing of our own.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sestemplates.config import Config
from sestemplates.errors import ConfigError, SesTemplatesError
from sestemplates.fsutil import write_atomic
from sestemplates.i18n.paths import catalog_path, pot_path, translated_locales
from sestemplates.i18n.po import read_catalog
from sestemplates.project import SAMPLES_DIR

# The sources the pipeline renders with Jinja: parts, layouts, partials, mj-includes.
SOURCE_SUFFIXES = (".mjml", ".html", ".txt")
# Jinja's extractor, told about our delimiters; `silent` off so a broken template is an error
# at its line instead of silently contributing no messages.
EXTRACT_OPTIONS = {
    "block_start_string": "{%",
    "block_end_string": "%}",
    "variable_start_string": "[[",
    "variable_end_string": "]]",
    "comment_start_string": "[#",
    "comment_end_string": "#]",
    "trimmed": "true",
    "keep_trailing_newline": "true",
    "silent": "false",
}
COMMENT_TAGS = ("Translators:",)
PROJECT = "email templates"
_WIDTH = 76


@dataclass
class CatalogReport:
    lines: list[str] = field(default_factory=list)

    def format(self) -> str:
        return "\n".join(self.lines)


def source_files(config: Config) -> list[Path]:
    """Every Jinja source under templates/ (samples left out), in a stable order. Templates
    kept `as_is` are not Jinja (the build copies them byte for byte): they are left out."""
    from sestemplates.project import discover

    root = config.templates_dir
    as_is = {t.dir_name for t in discover(config).templates if t.as_is}
    return sorted(
        p
        for p in root.rglob("*")
        if p.suffix in SOURCE_SUFFIXES
        and p.is_file()
        and SAMPLES_DIR not in p.relative_to(root).parts[1:2]
        and p.relative_to(root).parts[0] not in as_is
        and not any(part.startswith(".") for part in p.relative_to(root).parts)
    )


def _extract(config: Config, path: Path) -> Iterator[tuple[int, Any, list[str], str | None]]:
    import jinja2
    from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_file

    try:
        yield from extract_from_file(
            "jinja2.ext:babel_extract", str(path), keywords=DEFAULT_KEYWORDS,
            comment_tags=COMMENT_TAGS, options=EXTRACT_OPTIONS, strip_comment_tags=True,
        )
    except jinja2.TemplateSyntaxError as exc:
        raise SesTemplatesError(
            f"Jinja syntax error: {exc.message}", file=config.display(path), line=exc.lineno
        ) from None
    except UnicodeDecodeError:
        raise SesTemplatesError("not valid UTF-8", file=config.display(path)) from None


def extract_messages(config: Config) -> Any:
    """A Babel Catalog of every message in the sources, each with its file:line."""
    from babel.messages.catalog import Catalog

    # A fixed project name: the header must not depend on the directory of the clone.
    catalog = Catalog(project=PROJECT, charset="utf-8", fuzzy=False)
    for path in source_files(config):
        where = path.relative_to(config.root).as_posix()
        for lineno, message, comments, context in _extract(config, path):
            catalog.add(message, None, [(where, lineno)], auto_comments=comments, context=context)
    return catalog


def _po_bytes(catalog: Any, **options: Any) -> bytes:
    from babel.messages.pofile import write_po

    buffer = io.BytesIO()
    write_po(buffer, catalog, width=_WIDTH, **options)
    return buffer.getvalue()


def _same_but_dates(old: Path, new: bytes) -> bool:
    """Only the header (dates) would change: keep the file (no noise in git)."""
    try:
        current = old.read_bytes()
    except OSError:
        return False

    def body(data: bytes) -> bytes:
        # The header (comment and entry) ends at the first blank line; it holds only dates,
        # years and tool versions.
        return data.split(b"\n\n", 1)[-1]

    return body(current) == body(new)


def extract(config: Config) -> CatalogReport:
    """Write locales/messages.pot from every template, layout and partial."""
    catalog = extract_messages(config)
    target = pot_path(config)
    data = _po_bytes(catalog)
    count = sum(1 for m in catalog if m.id)
    if _same_but_dates(target, data):
        return CatalogReport([f"{config.display(target)}: {count} message(s), unchanged"])
    write_atomic(target, data)
    return CatalogReport([f"wrote {config.display(target)}: {count} message(s)"])


def _template(config: Config) -> Any:
    path = pot_path(config)
    if not path.is_file():
        raise ConfigError(
            f"{config.display(path)} does not exist: run 'sestemplates i18n extract' first"
        )
    return read_catalog(config, path)


def _known_locale(config: Config, locale: str) -> None:
    if locale not in config.i18n.locales:
        known = ", ".join(config.i18n.locales) or "none"
        raise ConfigError(
            f"locale {locale!r} is not in the config's locales ({known}); add it there first"
        )


def init(config: Config, locale: str) -> CatalogReport:
    """A new catalog for `locale` from the .pot (what `pybabel init` does)."""
    from babel import Locale

    _known_locale(config, locale)
    target = catalog_path(config, locale)
    if target.exists():
        raise ConfigError(
            f"{config.display(target)} already exists: use 'sestemplates i18n update'"
        )
    catalog = _template(config)
    catalog.locale = Locale.parse(locale)
    catalog.revision_date = datetime.now(UTC)
    catalog.fuzzy = False
    write_atomic(target, _po_bytes(catalog))
    count = sum(1 for m in catalog if m.id)
    return CatalogReport([f"wrote {config.display(target)}: {count} message(s) to translate"])


def update(config: Config) -> CatalogReport:
    """Merge the .pot into every catalog (what `pybabel update` does): new msgids added,
    changed ones fuzzy-matched (marked fuzzy for review), removed ones kept as obsolete."""
    template = _template(config)
    report = CatalogReport()
    for locale in config.i18n.locales:
        path = catalog_path(config, locale)
        if not path.is_file():
            if locale in translated_locales(config):
                report.lines.append(
                    f"{locale}: no catalog; run 'sestemplates i18n init {locale}'"
                )
            continue
        catalog = read_catalog(config, path, locale)
        catalog.update(template, update_header_comment=False)
        # `#| msgid` shows the translator what the source said before it changed.
        data = _po_bytes(catalog, include_previous=True)
        if _same_but_dates(path, data):
            report.lines.append(f"{config.display(path)}: unchanged")
            continue
        write_atomic(path, data)
        report.lines.append(f"updated {config.display(path)}")
    if not report.lines:
        report.lines.append("no catalogs to update")
    return report


@dataclass(frozen=True)
class LocaleStats:
    locale: str
    translated: int
    fuzzy: int
    untranslated: int

    @property
    def total(self) -> int:
        return self.translated + self.fuzzy + self.untranslated


def locale_stats(config: Config, locale: str) -> LocaleStats | None:
    path = catalog_path(config, locale)
    if not path.is_file():
        return None
    translated = fuzzy = untranslated = 0
    for message in read_catalog(config, path, locale):
        if not message.id:
            continue  # the header
        if message.fuzzy:
            fuzzy += 1
        elif _is_translated(message.string):
            translated += 1
        else:
            untranslated += 1
    return LocaleStats(locale, translated, fuzzy, untranslated)


def _is_translated(string: Any) -> bool:
    if isinstance(string, list | tuple):
        return all(bool(s) for s in string)
    return bool(string)


def stats(config: Config) -> CatalogReport:
    """Translated / fuzzy / untranslated messages per locale."""
    report = CatalogReport()
    for locale in translated_locales(config):
        found = locale_stats(config, locale)
        if found is None:
            report.lines.append(f"{locale}: no catalog")
            continue
        share = 100 * found.translated // found.total if found.total else 100
        report.lines.append(
            f"{locale}: {found.translated} translated, {found.fuzzy} fuzzy, "
            f"{found.untranslated} untranslated ({share}% done)"
        )
    if not report.lines:
        raise ConfigError("the config sets no locales to translate")
    return report
