"""The build: discover → select → (cache check) → stages per template → write build/.

Public API (see docs/architecture.md): build_project, load_built, dependents, BuildReport,
BuiltTemplate. Stage modules (jinja, shield, mjml, inline, text, guard) are imported only when
something must actually be rebuilt, so a no-op build stays fast.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass, field
from pathlib import Path

from sestemplates.config import Config
from sestemplates.diagnostics import Diagnostic, sort_key
from sestemplates.errors import ConfigError, format_location
from sestemplates.pipeline.cache import Cache, Entry, InputHasher
from sestemplates.pipeline.model import BuiltTemplate, Result
from sestemplates.pipeline.output import (
    output_paths,
    output_stats,
    read_outputs,
    remove_outputs,
    schema_path,
    write_outputs,
)
from sestemplates.project import TemplateSource, dependency_map, discover, select

__all__ = ["BuildReport", "BuiltTemplate", "build_project", "dependents", "load_built"]

# Below this many templates to rebuild, a process pool costs more than it saves.
_PARALLEL_MIN = 6


@dataclass
class BuildReport:
    built: list[BuiltTemplate] = field(default_factory=list)
    failures: list[Diagnostic] = field(default_factory=list)
    written: int = 0  # templates whose output files changed
    unchanged: int = 0  # templates whose outputs were already up to date

    def format(self, config: Config) -> str:
        """One line per failure (`file:line: message`), then the counts."""
        lines = [
            f"{format_location(d.file, d.line, d.column)}{d.message}"
            for d in sorted(self.failures, key=sort_key)
        ]
        failed = len({d.template for d in self.failures})
        summary = (
            f"built {len(self.built)} template(s) into {config.display(config.build_dir)}: "
            f"{self.written} written, {self.unchanged} unchanged"
        )
        if self.failures:
            summary += f"; {failed} failed"
        lines.append(summary)
        return "\n".join(lines)


def build_project(
    config: Config, names: list[str], *, force: bool = False, jobs: int | None = None
) -> BuildReport:
    """Build the named templates (all when `names` is empty) into config.build_dir."""
    if config.build_dir.exists() and not config.build_dir.is_dir():
        raise ConfigError(
            f"the build directory {config.display(config.build_dir)} is a file, not a "
            "directory (move it, or set `build` in the config)"
        )
    discovery = select(discover(config), names)
    report = BuildReport(failures=list(discovery.problems))
    for problem in discovery.problems:
        # A directory that is no longer a valid template must not leave stale output behind.
        if problem.template:
            remove_outputs(config.build_dir, problem.template)
    cache = Cache.load(config)
    hasher = InputHasher(config)
    fresh: dict[str, BuiltTemplate] = {}
    todo: list[TemplateSource] = []
    schemas = 0  # up-to-date templates whose schema file had to be written
    for source in discovery.templates:
        entry = cache.get(source.name)
        if (
            not force
            and entry is not None
            and entry.key == hasher.key(source, entry.dependencies)
        ):
            cached = _up_to_date(config, source, entry, cache)
            if cached is not None:
                fresh[source.name] = cached
                # A schema lost, or from before schemas existed: derive it, no rebuild needed.
                if not schema_path(config.build_dir, source.name).is_file():
                    schemas += _write_schema(config, cached)
                continue
        todo.append(source)
    report.unchanged = len(fresh) - schemas
    report.written = schemas

    for result in _run(config, todo, jobs):
        name = result.source.name
        if result.built is None:
            report.failures.extend(result.failures)
            remove_outputs(config.build_dir, name)
            cache.drop(name)
            continue
        built = result.built
        changed = write_outputs(config.build_dir, name, built.subject, built.html, built.text)
        if _write_schema(config, built) or changed:
            report.written += 1
        else:
            report.unchanged += 1
        key = hasher.key(result.source, built.dependencies)
        cache.put(name, Entry(key, built.dependencies, output_stats(config.build_dir, name)))
        fresh[name] = built

    report.built = [fresh[t.name] for t in discovery.templates if t.name in fresh]
    if config.build_dir.is_dir() or cache.dirty:
        cache.save(config)
    return report


def _write_schema(config: Config, built: BuiltTemplate) -> bool:
    from sestemplates.pipeline.schema import write_schema

    return write_schema(config, built)


def _up_to_date(
    config: Config, source: TemplateSource, entry: Entry, cache: Cache
) -> BuiltTemplate | None:
    """The template as last built when its outputs are usable, else None (rebuild it).

    Outputs that are still the files the cache recorded are not read here (their parts load
    when first used); changed ones are read and validated as a whole, and then recorded."""
    stats = output_stats(config.build_dir, source.name)
    if stats is None:
        return None
    if stats == entry.outputs:
        json_path = output_paths(config.build_dir, source.name)[0]
        return BuiltTemplate.stored(source.name, source, json_path, entry.dependencies)
    built = load_built(config, source, entry)
    if built is not None:
        cache.put(source.name, Entry(entry.key, entry.dependencies, stats))
    return built


def _run(config: Config, todo: list[TemplateSource], jobs: int | None) -> list[Result]:
    """Results in the order of `todo`; a process pool over the cores when worth it."""
    if not todo:
        return []
    from sestemplates.pipeline.pipeline import build_template, preload

    workers = min(jobs or os.cpu_count() or 1, len(todo))
    if workers <= 1 or len(todo) < _PARALLEL_MIN:
        return [build_template(config, source) for source in todo]
    # Imported here: a no-op build needs no process pool.
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    # fork: workers inherit the imported stage modules instead of importing them again.
    method = "fork" if sys.platform == "linux" else None
    if method == "fork":
        preload(config.inliner)
    context = multiprocessing.get_context(method)
    chunk = max(1, len(todo) // (workers * 4))
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        return list(pool.map(build_template, [config] * len(todo), todo, chunksize=chunk))


def load_built(
    config: Config, source: TemplateSource, entry: Entry | None = None
) -> BuiltTemplate | None:
    """The template as last built (from build/), or None when there is no output."""
    parts = read_outputs(config.build_dir, source.name)
    paths = output_paths(config.build_dir, source.name)
    if parts is None or not all(p.is_file() for p in paths):
        return None
    if entry is None:
        entry = Cache.load(config).get(source.name)
    subject, html, text = parts
    return BuiltTemplate(
        name=source.name,
        source=source,
        subject=subject,
        html=html,
        text=text,
        json_path=paths[0],
        dependencies=entry.dependencies if entry else (),
    )


def dependents(config: Config, path: Path) -> set[str]:
    """Directory names of the templates that use `path` (a layout/partial/include file),
    directly or through other files: what the sources say now, plus what the last build
    recorded."""
    target = path.resolve()
    users = {name for name, deps in dependency_map(config).items() if target in deps}
    cache = Cache.load(config)
    for source in discover(config).templates:
        entry = cache.get(source.name)
        if entry and target in {d.resolve() for d in entry.dependencies}:
            users.add(source.dir_name)
    return users
