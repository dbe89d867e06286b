"""Template discovery: templates/<name>/ directories → TemplateSource records.

A directory whose name starts with `_` (layouts, partials, macros) or `.` is shared material,
not a template.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field, replace
from pathlib import Path

from sestemplates.config import TEMPLATE_NAME_RE, Config
from sestemplates.diagnostics import Diagnostic
from sestemplates.errors import ConfigError, SesTemplatesError
from sestemplates.fsutil import resolves_inside
from sestemplates.template_settings import SETTINGS_FILE, TemplateSettings, read_settings

SUBJECT_FILE = "subject.txt"
HTML_MJML = "html.mjml"
HTML_PLAIN = "html.html"
TEXT_FILE = "text.txt"
SAMPLES_DIR = "samples"


@dataclass(frozen=True)
class TemplateSource:
    dir_name: str  # the directory under templates/
    name: str  # the SES TemplateName: prefix + dir_name
    directory: Path
    subject: Path
    html: Path  # html.mjml or html.html
    text: Path | None  # None: derive the text part from the HTML
    samples: tuple[Path, ...]
    # template.toml `as_is = true`: the parts are built byte for byte (html.html may be
    # absent when the template has only a text part).
    as_is: bool = False
    # The language of this output when the template is localised (one record per locale).
    locale: str | None = None

    @property
    def is_mjml(self) -> bool:
        return self.html.name == HTML_MJML

    def sample(self, name: str) -> Path | None:
        """A sample by file name, with or without `.json`."""
        for path in self.samples:
            if name in (path.name, path.stem):
                return path
        return None


@dataclass(frozen=True)
class Discovery:
    templates: list[TemplateSource]
    problems: list[Diagnostic]  # directories that are not usable templates
    # dir name → TemplateName of each broken directory, so `build NAME` can name it exactly.
    broken: dict[str, str] = field(default_factory=dict)
    # Picks the one record of a localised template a single-template command means.
    default_locale: str | None = None


def is_shared_dir(path: Path) -> bool:
    return path.name.startswith(("_", "."))


def discover(config: Config, prefix: str | None = None) -> Discovery:
    """Every template directory, sorted by name; broken ones become problems, not exceptions."""
    root = config.templates_dir
    # os.scandir rather than pathlib checks: one directory listing per template instead of a
    # stat per candidate file; every command (and the no-op build) starts here.
    try:
        with os.scandir(root) as listing:
            entries = [e.name for e in listing if _is_dir(e)]
    except OSError as exc:
        if root.is_dir():
            raise ConfigError(
                f"cannot read templates directory {config.display(root)}: {exc.strerror}"
            ) from None
        raise ConfigError(f"templates directory {config.display(root)} does not exist") from None
    templates: list[TemplateSource] = []
    problems: list[Diagnostic] = []
    broken: dict[str, str] = {}
    for dir_name in sorted(entries):
        if dir_name.startswith(("_", ".")):
            continue
        directory = root / dir_name
        name = config.template_name(dir_name, prefix)

        def problem(
            message: str,
            code: str,
            file: Path = directory,
            name: str = name,
            dir_name: str = dir_name,
        ) -> None:
            broken[dir_name] = name
            problems.append(
                Diagnostic(name, config.display(file), None, None, "error", code, message)
            )

        # A localised template's names are its localised ones, checked below.
        if not config.i18n.applies_to(dir_name) and not TEMPLATE_NAME_RE.match(name):
            problem(
                f"invalid TemplateName {name!r}: SES needs 1-64 characters of A-Z a-z 0-9 _ -",
                "template-name",
            )
            continue
        try:
            files, has_samples = _listing(directory)
        except OSError as exc:
            problem(f"cannot read the template directory: {exc.strerror or exc}", "unreadable")
            continue
        if SUBJECT_FILE not in files:
            problem(f"missing {SUBJECT_FILE}", "missing-file")
            continue
        if HTML_MJML in files and HTML_PLAIN in files:
            problem(f"has both {HTML_MJML} and {HTML_PLAIN}; keep one", "missing-file")
            continue
        as_is = False
        if SETTINGS_FILE in files:
            settings = _settings(config, name, directory / SETTINGS_FILE)
            if isinstance(settings, Diagnostic):
                broken[dir_name] = name
                problems.append(settings)
                continue
            as_is = settings.as_is
        if as_is and HTML_MJML in files:
            problem(f"as_is needs {HTML_PLAIN} (final HTML), not {HTML_MJML}", "missing-file")
            continue
        if as_is and HTML_PLAIN not in files and TEXT_FILE not in files:
            problem(f"missing {HTML_PLAIN} or {TEXT_FILE}", "missing-file")
            continue
        if not as_is and HTML_MJML not in files and HTML_PLAIN not in files:
            problem(f"missing {HTML_MJML} or {HTML_PLAIN}", "missing-file")
            continue
        samples_dir = directory / SAMPLES_DIR
        try:
            names = _sample_names(samples_dir) if has_samples else []
        except OSError as exc:
            problem(
                f"cannot read the samples directory: {exc.strerror or exc}", "unreadable",
                file=samples_dir,
            )
            continue
        samples = _contained_samples(
            config, root, name, tuple(samples_dir / n for n in names), problems
        )
        source = TemplateSource(
            dir_name=dir_name,
            name=name,
            directory=directory,
            subject=directory / SUBJECT_FILE,
            html=directory / (HTML_MJML if HTML_MJML in files else HTML_PLAIN),
            text=directory / TEXT_FILE if TEXT_FILE in files else None,
            samples=samples,
            as_is=as_is,
        )
        # An as_is template has no Jinja to translate: it stays one template.
        if as_is or not config.i18n.applies_to(dir_name):
            if TEMPLATE_NAME_RE.match(name):
                templates.append(source)
            else:
                problem(
                    f"invalid TemplateName {name!r}: SES needs 1-64 characters of A-Z a-z 0-9 _ -",
                    "template-name",
                )
            continue
        for locale in config.i18n.locales:
            localised = _localised(config, source, locale, prefix, has_samples)
            if localised.samples is not source.samples:
                localised = replace(localised, samples=_contained_samples(
                    config, root, localised.name, localised.samples, problems
                ))
            if TEMPLATE_NAME_RE.match(localised.name):
                templates.append(localised)
            else:
                problem(
                    f"invalid TemplateName {localised.name!r} for locale {locale!r}: SES needs "
                    "1-64 characters of A-Z a-z 0-9 _ -",
                    "template-name",
                    name=localised.name,
                )
    _name_clashes(config, templates, problems)
    templates.sort(key=lambda t: t.name)
    return Discovery(templates, problems, broken, config.i18n.default_locale)


def _contained_samples(
    config: Config, root: Path, name: str, samples: tuple[Path, ...], problems: list[Diagnostic]
) -> tuple[Path, ...]:
    """The samples whose real path is inside the templates directory; the others are refused
    with a problem each."""
    outside = [s for s in samples if not resolves_inside(s, root)]
    if not outside:
        return samples
    # A sample becomes TemplateData sent to SES: a link to ~/.aws/credentials must not.
    problems.extend(
        Diagnostic(
            # display() resolves links: name the link, where the user put it.
            name, f"{config.display(s.parent)}/{s.name}", None, None, "error",
            "invalid-sample",
            f"resolves to {s.resolve()}, outside the templates directory "
            f"{config.display(root)}/: refused",
        )
        for s in outside
    )
    return tuple(s for s in samples if s not in outside)


def _localised(
    config: Config, source: TemplateSource, locale: str, prefix: str | None, has_samples: bool
) -> TemplateSource:
    """The record of one locale: its own TemplateName, and its own samples when
    samples/<locale>/ holds any (they replace the shared ones for that locale)."""
    samples = source.samples
    if has_samples:
        own_dir = source.directory / SAMPLES_DIR / locale
        try:
            own = _sample_names(own_dir)
        except OSError:  # no samples/<locale>/: the shared samples
            own = []
        if own:
            samples = tuple(own_dir / n for n in own)
    name = config.template_name(source.dir_name, prefix, locale)
    return replace(source, name=name, samples=samples, locale=locale)


def _name_clashes(
    config: Config, templates: list[TemplateSource], problems: list[Diagnostic]
) -> None:
    """Two records with one TemplateName (`welcome` in `de` vs a directory `welcome-de`):
    SES would hold one of them; both are dropped and named."""
    seen: dict[str, TemplateSource] = {}
    clashing: set[str] = set()
    for source in templates:
        other = seen.setdefault(source.name, source)
        if other is not source:
            clashing.add(source.name)
            problems.append(
                Diagnostic(
                    source.name, config.display(source.directory), None, None, "error",
                    "template-name",
                    f"TemplateName {source.name!r} is also the name of "
                    f"{config.display(other.directory)}"
                    + (f" in locale {other.locale!r}" if other.locale else ""),
                )
            )
    templates[:] = [t for t in templates if t.name not in clashing]


def _settings(config: Config, name: str, path: Path) -> TemplateSettings | Diagnostic:
    try:
        return read_settings(path, config.display(path))
    except SesTemplatesError as exc:
        return Diagnostic(name, exc.file, exc.line, exc.column, "error", "settings", exc.message)


def _is_dir(entry: os.DirEntry[str]) -> bool:
    try:
        return entry.is_dir()  # follows symlinks, like Path.is_dir
    except OSError:
        return False


def _is_file(entry: os.DirEntry[str]) -> bool:
    try:
        return entry.is_file()  # follows symlinks, like Path.is_file
    except OSError:
        return False


def _listing(directory: Path) -> tuple[set[str], bool]:
    """The names of the regular files (or links to them) in `directory`, and whether it has a
    samples/ directory."""
    files: set[str] = set()
    has_samples = False
    # An unreadable directory raises: "missing subject.txt" would send the user looking for a
    # file that is there.
    with os.scandir(directory) as entries:
        for entry in entries:
            if _is_file(entry):
                files.add(entry.name)
            elif entry.name == SAMPLES_DIR and _is_dir(entry):
                has_samples = True
    return files, has_samples


def _sample_names(samples_dir: Path) -> list[str]:
    """The `*.json` files in `samples_dir` (hidden ones too), sorted; a directory that happens
    to be named `x.json` is not a sample. Raises OSError when it cannot be listed."""
    with os.scandir(samples_dir) as entries:
        return sorted(e.name for e in entries if e.name.endswith(".json") and _is_file(e))


def select(discovery: Discovery, names: list[str]) -> Discovery:
    """Keep the templates named by directory name or TemplateName; an unknown name is usage.
    A localised template's directory name selects all its locales."""
    if not names:
        return discovery
    by_name: dict[str, list[TemplateSource]] = {}
    for t in discovery.templates:
        by_name.setdefault(t.dir_name, []).append(t)
        by_name.setdefault(t.name, []).append(t)
    broken = {*discovery.broken, *discovery.broken.values()}
    chosen: dict[str, TemplateSource] = {}
    wanted_broken: set[str] = set()
    for wanted in names:
        if wanted in by_name:
            chosen |= {t.name: t for t in by_name[wanted]}
        elif wanted in broken:
            wanted_broken.add(discovery.broken.get(wanted, wanted))
        else:
            raise ConfigError(f"no template named {wanted!r}")
    problems = [p for p in discovery.problems if p.template in wanted_broken]
    return Discovery(
        sorted(chosen.values(), key=lambda t: t.name),
        problems,
        discovery.broken,
        discovery.default_locale,
    )


def find_template(discovery: Discovery, name: str) -> TemplateSource:
    """One usable template by name; a broken or unknown one is an error naming it. The
    directory name of a localised template means its default locale."""
    chosen = select(discovery, [name])
    if chosen.problems:
        # The template's own error (exit 1), said once: not wrapped in a second "error:".
        first = chosen.problems[0]
        raise SesTemplatesError(
            first.message, file=first.file, line=first.line, column=first.column
        )
    default = [t for t in chosen.templates if t.locale == discovery.default_locale]
    return (default or chosen.templates)[0]


def localise(config: Config, names: list[str], locale: str | None) -> list[str]:
    """Command-line names narrowed to one locale (`--locale de`): a localised template's
    directory name becomes its TemplateName in that locale; no names means every localised
    template in it. Without a locale the names are returned as they are."""
    if locale is None:
        return names
    if locale not in config.i18n.locales:
        known = ", ".join(config.i18n.locales) or "none: the config sets no locales"
        raise ConfigError(f"unknown locale {locale!r} (locales: {known})")
    if not names:
        return [t.name for t in discover(config).templates if t.locale == locale]
    return [
        config.template_name(n, locale=locale) if _localised_dir(config, n) else n for n in names
    ]


def default_locale_name(config: Config, name: str) -> str:
    """A localised template's directory name, where one template is meant, names its
    default locale; any other name is returned as it is."""
    default = config.i18n.default_locale
    return config.template_name(name, locale=default) if default and _localised_dir(
        config, name
    ) else name


def _localised_dir(config: Config, name: str) -> bool:
    return config.i18n.applies_to(name) and (config.templates_dir / name).is_dir()


# `{% extends "x" %}`, `{% include "x" %}`, `{%- include ["x", "y"] ignore missing -%}`,
# `{% import "x" as m %}`, `{% from "x" import y %}`: every quoted name in the statement.
_JINJA_REF_RE = re.compile(r"\{%[-+]?\s*(?:extends|include|import|from)\b(.*?)[-+]?%\}", re.DOTALL)
_QUOTED_RE = re.compile(r"\"([^\"]+)\"|'([^']+)'")
_MJ_INCLUDE_RE = re.compile(r"<mj-include\b[^>]*?\bpath\s*=\s*[\"']([^\"']+)[\"']")


def file_references(path: Path, templates_dir: Path) -> set[Path]:
    """Files that `path` names in Jinja extends/include/import and mj-include (not recursive).

    Only files whose real path is inside `templates_dir` are read or returned: the build
    refuses the others, and the scan must not read them either."""
    if not resolves_inside(path, templates_dir):
        return set()
    return _references(path, templates_dir, templates_dir.resolve())


def _references(path: Path, templates_dir: Path, boundary: Path) -> set[Path]:
    """file_references for a `path` known to be inside; `boundary` is the real templates_dir
    (resolved once per scan: `check` runs this on every commit)."""
    try:
        content = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return set()
    refs = {
        templates_dir / (q[0] or q[1])
        for statement in _JINJA_REF_RE.findall(content)
        for q in _QUOTED_RE.findall(statement)
    }
    for target in _MJ_INCLUDE_RE.findall(content):
        target = target.removeprefix("file://")
        ref = templates_dir / target.lstrip("/") if target.startswith("/") else path.parent / target
        refs.add(ref if ref.suffix else ref.with_suffix(".mjml"))
    return {real for real in (r.resolve() for r in refs) if boundary in real.parents}


def dependency_map(config: Config) -> dict[str, set[Path]]:
    """For each template directory name, every file outside it that it uses, transitively,
    as far as the sources say (a static scan: no rendering)."""
    result: dict[str, set[Path]] = {}
    boundary = config.templates_dir.resolve()
    for template in discover(config).templates:
        if template.as_is:
            # Its text is final: a `{% include "x" %}` in it is text, not a reference.
            result[template.dir_name] = set()
            continue
        own = template.directory.resolve()
        seen: set[Path] = set()
        parts = (template.subject, template.html, template.text)
        queue = [p for p in parts if p is not None and boundary in p.resolve().parents]
        while queue:
            for ref in _references(queue.pop(), config.templates_dir, boundary):
                if ref not in seen and ref.is_file():
                    seen.add(ref)
                    queue.append(ref)
        result[template.dir_name] = {p for p in seen if own not in p.parents}
    return result
