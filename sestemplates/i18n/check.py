"""What `check` reports about a localised project: every catalog's translations (tags kept,
Babel's own format checks, fuzzy and untranslated messages) and, per template, that every
locale asks the sender for the same data as the default locale."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from sestemplates.config import Config
from sestemplates.diagnostics import Diagnostic
from sestemplates.errors import SesTemplatesError
from sestemplates.i18n.paths import catalog_path, translated_locales
from sestemplates.i18n.po import read_catalog
from sestemplates.i18n.tags import compare

if TYPE_CHECKING:
    from sestemplates.contract import Contract
    from sestemplates.pipeline import BuiltTemplate

TAGS = "translation-tags"  # error: a msgstr's Handlebars tags differ from its msgid's
FORMAT = "translation-format"  # error: Babel's checkers (python-format placeholders, plurals)
FUZZY = "translation-fuzzy"  # warning: left out of the build until a translator confirms it
UNTRANSLATED = "translation-missing"  # warning: the build uses the source text
CATALOG = "catalog"  # error: a catalog that cannot be read, or is missing for a locale
CONTRACT = "locale-contract"  # error: a locale needs other data than the default locale
SAME_DATA = "every locale must need the same data"


def check_localised(config: Config, built: Sequence[BuiltTemplate]) -> list[Diagnostic]:
    if not config.i18n.locales:
        return []
    found: list[Diagnostic] = []
    for locale in config.i18n.locales:
        found += check_catalog(config, locale)
    found += check_contracts(config, built)
    return found


def check_catalog(config: Config, locale: str) -> list[Diagnostic]:
    path = catalog_path(config, locale)
    shown = config.display(path)
    if not path.is_file():
        if locale not in translated_locales(config):
            return []
        message = f"no catalog for locale {locale!r}: run 'sestemplates i18n init {locale}'"
        return [Diagnostic(None, shown, None, None, "error", CATALOG, message)]
    try:
        catalog = read_catalog(config, path, locale)
    except SesTemplatesError as exc:
        return [Diagnostic(None, shown, exc.line, None, "error", CATALOG, exc.message)]
    lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
    found: list[Diagnostic] = []

    def add(line: int | None, severity: Any, code: str, message: str) -> None:
        found.append(Diagnostic(None, shown, line, None, severity, code, message))

    is_default = locale == config.i18n.default_locale
    for message in catalog:
        if not message.id:
            continue  # the header
        at = _msgstr_line(lines, message.lineno)
        label = _label(message.id)
        if message.fuzzy:
            add(message.lineno, "warning", FUZZY,
                f"fuzzy translation of {label}: confirm it (remove 'fuzzy') to use it")
            continue
        pairs = list(_pairs(message.id, message.string))
        if not all(text for _, text in pairs):
            if not is_default:
                add(message.lineno, "warning", UNTRANSLATED,
                    f"untranslated: {label} (the build uses the source text)")
            continue
        for source, text in pairs:
            for problem in compare(source, text):
                add(at, "error", TAGS, f"translation {problem}: {label}")
    for message, errors in catalog.check():
        for error in errors:
            add(_msgstr_line(lines, message.lineno), "error", FORMAT, f"{error}")
    return found


def _pairs(msgid: Any, msgstr: Any) -> Iterable[tuple[str, str]]:
    """(source, translation) per plural form; plural forms compare with the plural msgid."""
    if isinstance(msgid, str):
        yield msgid, msgstr if isinstance(msgstr, str) else ""
        return
    forms = msgstr if isinstance(msgstr, list | tuple) else (msgstr,)
    for i, text in enumerate(forms):
        yield msgid[0] if i == 0 else msgid[1], text or ""


def _msgstr_line(lines: list[str], msgid_line: int | None) -> int | None:
    """The line of the msgstr that follows a msgid (Babel records the msgid's line)."""
    if msgid_line is None:
        return None
    for index in range(msgid_line - 1, len(lines)):
        if lines[index].startswith("msgstr"):
            return index + 1
    return msgid_line


def _label(msgid: Any) -> str:
    text = msgid if isinstance(msgid, str) else msgid[0]
    return repr(text if len(text) <= 60 else text[:57] + "...")


def contract(built: BuiltTemplate) -> Contract | None:
    """The data contract of a built template (the one schema and the sync guard derive);
    None when a part does not parse: check reports that error itself."""
    from sestemplates.contract import contract_of
    from sestemplates.handlebars import HandlebarsError

    try:
        return contract_of({"subject": built.subject, "html": built.html, "text": built.text})
    except HandlebarsError:
        return None


def check_contracts(config: Config, built: Sequence[BuiltTemplate]) -> list[Diagnostic]:
    """Every locale of a template has the default locale's data contract (the same paths,
    required under the same conditions), so one sender call shape serves every language."""
    from sestemplates.contract.compare import mismatches

    by_dir: dict[str, list[BuiltTemplate]] = {}
    for item in built:
        if item.source.locale is not None:
            by_dir.setdefault(item.source.dir_name, []).append(item)
    found: list[Diagnostic] = []
    for items in by_dir.values():
        base = next((b for b in items if b.source.locale == config.i18n.default_locale), None)
        expected = contract(base) if base is not None else None
        if base is None or expected is None:
            continue
        for other in items:
            actual = contract(other) if other is not base else None
            if actual is None:
                continue
            where = config.display(catalog_path(config, other.source.locale or ""))
            for mismatch in mismatches(expected, actual):
                text = f"{mismatch.sentence(base.name, other.name)}: {SAME_DATA}"
                found.append(Diagnostic(other.name, where, None, None, "error", CONTRACT, text))
    return found
