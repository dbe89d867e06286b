"""`sestemplates render`: a built template's parts rendered with a sample, as SES would."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from sestemplates.checks.locate import PART_TITLES, PARTS, Locator
from sestemplates.errors import ConfigError, SesTemplatesError

if TYPE_CHECKING:
    from sestemplates.config import Config
    from sestemplates.pipeline import BuiltTemplate
    from sestemplates.project import TemplateSource

PART_CHOICES = (*PARTS, "all")


def choose_sample(config: Config, source: TemplateSource, sample: str | None) -> Path:
    """--sample by name (with or without .json) or as a path; default: the first sample."""
    if sample is None:
        if not source.samples:
            raise ConfigError(
                f"template {source.name!r} has no samples/*.json; pass --sample FILE"
            )
        return source.samples[0]
    found = source.sample(sample)
    if found is not None:
        return found
    if sample.endswith(".json") and Path(sample).is_file():
        return Path(sample)
    known = ", ".join(p.name for p in source.samples) or "none"
    raise ConfigError(f"template {source.name!r} has no sample {sample!r} (samples: {known})")


def build_one(config: Config, source: TemplateSource) -> BuiltTemplate:
    from sestemplates.pipeline import build_project

    report = build_project(config, [source.name])
    if report.failures:
        first, others = report.failures[0], len(report.failures) - 1
        more = f" (and {others} more problems)" if others else ""
        raise SesTemplatesError(
            f"build failed: {first.message}{more}", file=first.file, line=first.line,
            column=first.column,
        )
    return report.built[0]


def render_part(locator: Locator, part: str, data: dict[str, Any], sample: str) -> str:
    """One part rendered; a render or syntax error is raised at the source tag."""
    from sestemplates.handlebars import RenderError, TemplateSyntaxError, render

    try:
        return render(locator.part_text(part), data)
    except (RenderError, TemplateSyntaxError) as exc:
        where = locator.locate(part, exc.line, exc.column, None)
        raise SesTemplatesError(
            f"{exc.message} (sample {sample}, {PART_TITLES[part]} part){where.note}",
            file=where.file, line=where.line, column=where.column,
        ) from None


def render_template(
    config: Config, name: str, sample: str | None, part: str, locale: str | None = None
) -> str:
    """The rendered part, or all three parts under headings."""
    from sestemplates.checks.samples import load_sample
    from sestemplates.project import discover, find_template, localise

    name = localise(config, [name], locale)[0]
    if part not in PART_CHOICES:
        raise ConfigError(f"unknown part {part!r} (use one of: {', '.join(PART_CHOICES)})")
    source = find_template(discover(config), name)
    sample_path = choose_sample(config, source, sample)
    data = load_sample(sample_path, display=config.display(sample_path))
    locator = Locator(config, build_one(config, source))
    if part != "all":
        return _printable(render_part(locator, part, data, sample_path.name))
    sections = [
        f"===== {PART_TITLES[p]} =====\n{render_part(locator, p, data, sample_path.name)}"
        for p in PARTS
    ]
    return _printable("\n\n".join(sections))


def _printable(text: str) -> str:
    """A lone surrogate (JSON allows "\\ud800") cannot be written as UTF-8: show it as U+FFFD,
    as JavaScript's UTF-8 encoders do."""
    from sestemplates.handlebars.jsvalue import utf8_text

    return utf8_text(text)
