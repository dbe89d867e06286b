"""Template discovery: templates/<name>/ directories → TemplateSource records.

A directory whose name starts with `_` (layouts, partials, macros) or `.` is shared material,
not a template.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from sestemplates.config import TEMPLATE_NAME_RE, Config
from sestemplates.diagnostics import Diagnostic
from sestemplates.errors import ConfigError

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


def is_shared_dir(path: Path) -> bool:
    return path.name.startswith(("_", "."))


def discover(config: Config, prefix: str | None = None) -> Discovery:
    """Every template directory, sorted by name; broken ones become problems, not exceptions."""
    root = config.templates_dir
    if not root.is_dir():
        raise ConfigError(f"templates directory {config.display(root)} does not exist")
    templates: list[TemplateSource] = []
    problems: list[Diagnostic] = []
    for directory in sorted(p for p in root.iterdir() if p.is_dir() and not is_shared_dir(p)):
        name = config.template_name(directory.name, prefix)

        def problem(message: str, code: str, file: Path = directory, name: str = name) -> None:
            problems.append(
                Diagnostic(name, config.display(file), None, None, "error", code, message)
            )

        if not TEMPLATE_NAME_RE.match(name):
            problem(
                f"invalid TemplateName {name!r}: SES needs 1-64 characters of A-Z a-z 0-9 _ -",
                "template-name",
            )
            continue
        subject = directory / SUBJECT_FILE
        mjml, plain = directory / HTML_MJML, directory / HTML_PLAIN
        if not subject.is_file():
            problem(f"missing {SUBJECT_FILE}", "missing-file")
            continue
        if mjml.is_file() and plain.is_file():
            problem(f"has both {HTML_MJML} and {HTML_PLAIN}; keep one", "missing-file")
            continue
        if not mjml.is_file() and not plain.is_file():
            problem(f"missing {HTML_MJML} or {HTML_PLAIN}", "missing-file")
            continue
        text = directory / TEXT_FILE
        samples_dir = directory / SAMPLES_DIR
        samples = tuple(sorted(samples_dir.glob("*.json"))) if samples_dir.is_dir() else ()
        templates.append(
            TemplateSource(
                dir_name=directory.name,
                name=name,
                directory=directory,
                subject=subject,
                html=mjml if mjml.is_file() else plain,
                text=text if text.is_file() else None,
                samples=samples,
            )
        )
    return Discovery(templates, problems)


def select(discovery: Discovery, names: list[str]) -> Discovery:
    """Keep the templates named by directory name or TemplateName; an unknown name is usage."""
    if not names:
        return discovery
    by_name = {t.dir_name: t for t in discovery.templates}
    by_name |= {t.name: t for t in discovery.templates}
    broken = {p.template for p in discovery.problems}
    chosen: dict[str, TemplateSource] = {}
    for wanted in names:
        if wanted in by_name:
            chosen[by_name[wanted].name] = by_name[wanted]
        elif not any(b and (b == wanted or b.endswith(wanted)) for b in broken):
            raise ConfigError(f"no template named {wanted!r}")
    problems = [p for p in discovery.problems if p.template and any(
        p.template == n or p.template.endswith(n) for n in names)]
    return Discovery(sorted(chosen.values(), key=lambda t: t.name), problems)


def find_template(discovery: Discovery, name: str) -> TemplateSource:
    """One usable template by name; a broken or unknown one is an error naming it."""
    chosen = select(discovery, [name])
    if chosen.problems:
        raise ConfigError(chosen.problems[0].one_line())
    return chosen.templates[0]


# `{% extends "x" %}`, `{% include "x" %}`, `{% import "x" as m %}`, `{% from "x" import y %}`
_JINJA_REF_RE = re.compile(r"\{%-?\s*(?:extends|include|import|from)\s+[\"']([^\"']+)[\"']")
_MJ_INCLUDE_RE = re.compile(r"<mj-include\b[^>]*?\bpath\s*=\s*[\"']([^\"']+)[\"']")


def file_references(path: Path, templates_dir: Path) -> set[Path]:
    """Files that `path` names in Jinja extends/include/import and mj-include (not recursive)."""
    try:
        content = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return set()
    refs = {templates_dir / name for name in _JINJA_REF_RE.findall(content)}
    for target in _MJ_INCLUDE_RE.findall(content):
        target = target.removeprefix("file://")
        ref = templates_dir / target.lstrip("/") if target.startswith("/") else path.parent / target
        refs.add(ref if ref.suffix else ref.with_suffix(".mjml"))
    return {r.resolve() for r in refs}


def dependency_map(config: Config) -> dict[str, set[Path]]:
    """For each template directory name, every file outside it that it uses, transitively,
    as far as the sources say (a static scan: no rendering)."""
    result: dict[str, set[Path]] = {}
    for template in discover(config).templates:
        own = template.directory.resolve()
        seen: set[Path] = set()
        queue = [p for p in (template.subject, template.html, template.text) if p is not None]
        while queue:
            for ref in file_references(queue.pop(), config.templates_dir):
                if ref not in seen and ref.is_file():
                    seen.add(ref)
                    queue.append(ref)
        result[template.dir_name] = {p for p in seen if own not in p.parents}
    return result
