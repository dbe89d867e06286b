"""The preview's view of the project: one immutable snapshot per (re)build.

`Project.refresh()` reloads the config, builds incrementally and checks, and swaps in a new
`Snapshot`. Request handlers only ever read one snapshot, so a rebuild running in a worker
thread never shows them half-updated state.
"""

from __future__ import annotations

import threading
import uuid
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from sestemplates.checks import check_project
from sestemplates.config import Config, load_config
from sestemplates.diagnostics import Diagnostic
from sestemplates.errors import SesTemplatesError
from sestemplates.i18n.paths import CATALOGS_DIR
from sestemplates.pipeline import BuiltTemplate, build_project
from sestemplates.project import TemplateSource, discover

if TYPE_CHECKING:
    from sestemplates.ses.commands import Connection


@dataclass(frozen=True)
class Snapshot:
    version: str  # changes on every refresh; pages reload when it differs from theirs
    config: Config | None
    # A problem that stops everything (bad config, missing templates dir), shown on every page.
    fatal: str | None = None
    templates: dict[str, TemplateSource] = field(default_factory=dict)  # by directory name
    built: dict[str, BuiltTemplate] = field(default_factory=dict)  # by directory name
    diagnostics: tuple[Diagnostic, ...] = ()  # discovery, build and check problems

    def diagnostics_for(self, source: TemplateSource) -> list[Diagnostic]:
        # A localised page also shows its locale's catalog problems (a translator's view).
        catalog = f"{CATALOGS_DIR}/{source.locale}/" if source.locale else None
        return [
            d
            for d in self.diagnostics
            if d.template in (source.name, source.dir_name)
            or (catalog and d.template is None and (d.file or "").startswith(catalog))
        ]

    def project_diagnostics(self) -> list[Diagnostic]:
        """Problems not attached to a usable template (broken directories, config)."""
        known = {t.name for t in self.templates.values()}
        known |= set(self.templates)
        return [d for d in self.diagnostics if d.template not in known]


class Project:
    """The project being previewed; `snapshot` is always complete and safe to read."""

    def __init__(self, root: Path, env: str | None, connection: Connection | None = None) -> None:
        self.root = root
        self.env = env
        # The CLI's global SES options, for the page's test send (None: the config's).
        self.connection = connection
        self._boot = uuid.uuid4().hex[:8]  # a restarted server never reuses a version
        self._count = 0
        self._lock = threading.Lock()
        self.snapshot = Snapshot(version=self._next_version(), config=None, fatal="loading")

    def _next_version(self) -> str:
        self._count += 1
        return f"{self._boot}-{self._count}"

    def refresh(self, *, jobs: int | None = None) -> Snapshot:
        """Rebuild (incrementally) and re-check; never raises for a user's mistake."""
        with self._lock:
            try:
                self.snapshot = self._load(jobs)
            except Exception as exc:  # a bug in a build stage must not stop live reload
                self.snapshot = Snapshot(
                    self._next_version(), None, f"internal error: {type(exc).__name__}: {exc}"
                )
            return self.snapshot

    def _load(self, jobs: int | None) -> Snapshot:
        version = self._next_version()
        try:
            config = load_config(self.root, self.env)
            discovery = discover(config)
        except SesTemplatesError as exc:
            return Snapshot(version=version, config=None, fatal=str(exc))
        served, diagnostics = confine(config, discovery.templates)
        templates = {page_key(config, t): t for t in served}
        diagnostics = list(discovery.problems) + diagnostics
        built: dict[str, BuiltTemplate] = {}
        try:
            report = build_project(config, [], jobs=jobs)
            built = {page_key(config, b.source): b for b in report.built}
            # The build reports discovery's problems too: list each once.
            diagnostics += [d for d in report.failures if d not in diagnostics]
        except SesTemplatesError as exc:
            return Snapshot(version, config, f"build failed: {exc}", templates)
        try:
            checked = check_project(config)
            diagnostics += [d for d in checked.diagnostics if d not in diagnostics]
        except SesTemplatesError as exc:
            return Snapshot(version, config, f"check failed: {exc}", templates, built)
        built = {name: b for name, b in built.items() if name in templates}
        return Snapshot(version, config, None, templates, built, tuple(diagnostics))

    def watch_paths(self) -> tuple[Path, Path]:
        """(templates directory, project root): watched recursively and flat, respectively."""
        config = self.snapshot.config
        templates = config.templates_dir if config else self.root / "templates"
        return templates, self.root


def page_key(config: Config, source: TemplateSource) -> str:
    """A template's name in preview URLs: its directory (a localised template's default
    locale too), or for another locale the localised name without the prefix (`welcome-de`)."""
    if source.locale in (None, config.i18n.default_locale):
        return source.dir_name
    return config.i18n.name(source.dir_name, source.locale)


def _inside(path: Path, directory: Path) -> bool:
    resolved = path.resolve()
    return resolved == directory or directory in resolved.parents


def _shown(config: Config, path: Path) -> str:
    """The path as the user wrote it (a symlink's own name, not where it leads)."""
    try:
        return str(path.relative_to(config.root))
    except ValueError:
        return str(path)


def confine(
    config: Config, templates: list[TemplateSource]
) -> tuple[list[TemplateSource], list[Diagnostic]]:
    """Only files inside the templates directory are served. A symlink in it that leads out
    (a template directory, one of its parts, a sample) would let the preview show any file on
    the machine, so such a template or sample is left out, with a warning saying why."""
    boundary = config.templates_dir.resolve()
    served: list[TemplateSource] = []
    problems: list[Diagnostic] = []

    def warn(template: str, path: Path) -> None:
        where = _shown(config, config.templates_dir)
        message = f"leads outside {where}/: the preview does not serve it"
        problems.append(
            Diagnostic(template, _shown(config, path), None, None, "warning", "preview", message)
        )

    for source in templates:
        parts = [source.directory, source.subject, source.html, source.text]
        outside = [p for p in parts if p is not None and not _inside(p, boundary)]
        if outside:
            warn(source.name, outside[0])
            continue
        samples = tuple(p for p in source.samples if _inside(p, boundary))
        for sample in source.samples:
            if sample not in samples:
                warn(source.name, sample)
        served.append(replace(source, samples=samples))
    return served, problems
