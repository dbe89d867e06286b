"""`sestemplates check`: the built parts' Handlebars tags against every sample, and SES limits.

Public API: `check_project(config, paths=None, *, strict=False) -> CheckReport`, and
`sestemplates.checks.samples.load_sample(path) -> dict`. Diagnostic codes: `checks/codes.py`.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from sestemplates.checks import codes
from sestemplates.diagnostics import Diagnostic, sort_key
from sestemplates.errors import ConfigError

if TYPE_CHECKING:
    from sestemplates.checks.samples import Sample
    from sestemplates.config import Config
    from sestemplates.pipeline import BuiltTemplate
    from sestemplates.project import TemplateSource

FORMATS = ("text", "json", "github")


@dataclass(frozen=True)
class CheckReport:
    diagnostics: list[Diagnostic]
    templates: list[str]  # TemplateNames checked
    strict: bool = False  # warnings fail too

    @property
    def errors(self) -> int:
        return sum(1 for d in self.diagnostics if d.is_error)

    @property
    def warnings(self) -> int:
        return len(self.diagnostics) - self.errors

    @property
    def exit_code(self) -> int:
        return 1 if self.errors or (self.strict and self.warnings) else 0

    def summary_line(self) -> str:
        def n(count: int, word: str) -> str:
            return f"{count} {word}{'' if count == 1 else 's'}"

        return (
            f"checked {n(len(self.templates), 'template')}: "
            f"{n(self.errors, 'error')}, {n(self.warnings, 'warning')}"
        )

    def format(self, fmt: str, *, color: bool = False) -> str:
        from sestemplates.diagnostics import format_github, format_json, format_text

        if fmt == "json":
            return format_json(self.diagnostics)
        if fmt == "github":
            return format_github(self.diagnostics)
        if fmt == "text":
            body = format_text(self.diagnostics, color=color)
            return f"{body}\n{self.summary_line()}" if body else self.summary_line()
        raise ConfigError(f"unknown format {fmt!r} (use one of: {', '.join(FORMATS)})")


def check_project(
    config: Config, paths: list[Path] | None = None, *, strict: bool = False
) -> CheckReport:
    """Check every template, or (with paths) the templates those changed files affect."""
    from sestemplates.checks.limits import check_env_names
    from sestemplates.checks.targets import affected_templates
    from sestemplates.pipeline import build_project

    names: list[str] = []  # all
    if paths is not None:
        wanted = affected_templates(config, paths)
        # A directory that no longer exists has nothing left to check.
        names = [n for n in (wanted or []) if (config.templates_dir / n).is_dir()]
        if wanted is not None and not names:
            return CheckReport([], [], strict)
    # The build discovers and selects the templates (discovery problems come back as its
    # failures) and is incremental: unchanged templates come from its cache.
    report = build_project(config, names)
    sources = [b.source for b in report.built]
    unbuilt = {d.template for d in report.failures} - {b.name for b in report.built}
    if unbuilt:
        # Rare: templates that failed to build still get their samples checked.
        from sestemplates.project import discover

        sources += [t for t in discover(config).templates if t.name in unbuilt]
    built = {b.name: b for b in report.built}
    diagnostics = explain_failures(config, sources, report.failures)
    linted = []
    for source in sources:
        samples, problems = check_samples(config, source)
        diagnostics += problems + check_env_names(config, source)
        if source.name in built:
            diagnostics += check_built(config, built[source.name], samples)
            linted.append((built[source.name], samples))
    diagnostics += lint_built(config, linted)
    if config.i18n.locales:
        from sestemplates.i18n.check import check_localised

        diagnostics += check_localised(config, report.built)
    checked = {s.name for s in sources} | {t for t in unbuilt if t}
    unique = sorted(set(diagnostics), key=sort_key)
    return CheckReport(unique, sorted(checked), strict)


def explain_failures(
    config: Config, sources: list[TemplateSource], failures: list[Diagnostic]
) -> list[Diagnostic]:
    """Build failures as they are, except a build failure caused by a Handlebars syntax error
    in the template's sources (the tag guard's, or the build's own syntax check): that is
    reported as check's `syntax` diagnostic at the source file's own line and column, once."""
    from sestemplates.checks.syntax import source_syntax

    guarded = {d.template for d in failures if d.code in codes.BUILD_SYNTAX_CODES}
    if not guarded:
        return list(failures)
    from sestemplates.project import dependency_map

    shared = dependency_map(config)
    explained: dict[str | None, list[Diagnostic]] = {}
    for source in sources:
        if source.name in guarded:
            found = source_syntax(config, source, shared.get(source.dir_name, ()))
            if found:
                explained[source.name] = found
    kept = [
        d
        for d in failures
        if not (d.code in codes.BUILD_SYNTAX_CODES and d.template in explained)
    ]
    return kept + [d for found in explained.values() for d in found]


def check_samples(config: Config, source: TemplateSource) -> tuple[list[Sample], list[Diagnostic]]:
    """The template's readable samples; what needs no build: sample validity and size."""
    from sestemplates.checks.limits import check_sample_size
    from sestemplates.checks.samples import load_samples

    display = {p: config.display(p) for p in source.samples}
    samples, diagnostics = load_samples(source.samples, display, source.name)
    if not source.samples:
        diagnostics.append(
            Diagnostic(
                source.name, config.display(source.directory), None, None, "warning",
                codes.NO_SAMPLES,
                "no samples/*.json: the Handlebars tags cannot be checked against any data",
            )
        )
    for sample in samples:
        diagnostics += check_sample_size(source.name, sample)
    return samples, diagnostics


def check_built(config: Config, built: BuiltTemplate, samples: list[Sample]) -> list[Diagnostic]:
    """Syntax, variables × samples, unused sample keys and size limits of one built template."""
    from sestemplates.checks.limits import check_sizes
    from sestemplates.checks.locate import PARTS, Locator
    from sestemplates.checks.syntax import parse_parts
    from sestemplates.checks.variables import (
        check_variables,
        subject_line_breaks,
        unused_sample_keys,
    )

    locator = Locator(config, built)
    programs, diagnostics = parse_parts(locator)
    reported: dict[str, set[str]] = {}
    diagnostics += check_variables(locator, programs, samples, reported)
    if samples and len(programs) == len(PARTS):  # a part that did not parse: no contract
        from sestemplates.checks.contract import check_contract

        diagnostics += check_contract(built.name, programs, samples, reported)
    diagnostics += unused_sample_keys(built.name, programs, samples)
    diagnostics += subject_line_breaks(built.name, programs, samples)
    diagnostics += check_sizes(config, built)
    return diagnostics


def lint_built(
    config: Config, linted: list[tuple[BuiltTemplate, list[Sample]]]
) -> list[Diagnostic]:
    """The send-readiness lint's warnings (sestemplates/lint/), imported only when needed."""
    if not linted:
        return []
    from sestemplates.lint import lint_templates

    return lint_templates(config, linted)
