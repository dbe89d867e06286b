"""Send-readiness lint: client support (caniemail), links, accessibility.

Public API: `lint_template(config, built, samples) -> list[Diagnostic]` (one template, as the
preview's lint panel shows it) and `lint_templates(config, pairs)` (what `check` adds: a
problem in a shared layout/partial is reported once, not once per template). Every problem is
a warning with its own code (checks/codes.py, LINT_CODES); docs/check.md lists them.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from sestemplates.checks import codes
from sestemplates.diagnostics import Diagnostic, sort_key

if TYPE_CHECKING:
    from collections.abc import Iterable

    from sestemplates.checks.samples import Sample
    from sestemplates.config import Config
    from sestemplates.lint.settings import LintSettings
    from sestemplates.pipeline import BuiltTemplate

HTML_SUFFIXES = (".mjml", ".html", ".htm")
# Checked on the rendered Html: the message names the template's own samples.
RENDERED_CODES = frozenset(
    {codes.LINK_INVALID, codes.LINK_INSECURE, codes.LINK_JAVASCRIPT, codes.LINK_LOCALHOST,
     codes.LINK_FORBIDDEN_HOST}
)


def settings_for(config: Config, dir_name: str) -> LintSettings:
    from sestemplates.lint.settings import lint_settings

    where = config.config_file.name if config.config_file else "sestemplates.toml"
    return lint_settings(config.lint, config.env, where, dir_name)


def source_files(built: BuiltTemplate) -> list[Path]:
    """The template's own Html source, then every layout/partial it used that holds HTML."""
    files = [built.source.html]
    files += [p for p in built.dependencies if p.suffix in HTML_SUFFIXES and p not in files]
    return files


def lint_template(
    config: Config, built: BuiltTemplate, samples: list[Sample]
) -> list[Diagnostic]:
    from sestemplates.checks.locate import Locator
    from sestemplates.lint.a11y import check_a11y
    from sestemplates.lint.links import check_links
    from sestemplates.lint.sources import mjml_defaults, scan
    from sestemplates.lint.support import check_support

    settings = settings_for(config, built.source.dir_name)
    diagnostics: list[Diagnostic] = []
    sources = [scan(path, config.display(path)) for path in source_files(built)]
    # mj-class and <mj-attributes> defaults: defined in a layout, used in the template.
    defaults = mjml_defaults(sources[1:] + sources[:1])
    for source in sources:
        diagnostics += check_support(source, settings, built.name)
        diagnostics += check_a11y(source, settings, built.name, config.vars, defaults)
    diagnostics += check_links(Locator(config, built), samples, settings)
    return diagnostics


def lint_templates(
    config: Config, pairs: Iterable[tuple[BuiltTemplate, list[Sample]]]
) -> list[Diagnostic]:
    """Every template's lint; a problem outside a template's directory is reported once."""
    out: set[Diagnostic] = set()
    for built, samples in pairs:
        own = config.display(built.source.directory) + "/"
        for d in lint_template(config, built, samples):
            shared = d.file is not None and not d.file.startswith(own)
            # A shared file's problem (not a link: those name the template's samples) is
            # the same for every template using it.
            if shared and d.code not in RENDERED_CODES:
                d = Diagnostic(None, d.file, d.line, d.column, d.severity, d.code, d.message)
            out.add(d)
    return sorted(out, key=sort_key)
