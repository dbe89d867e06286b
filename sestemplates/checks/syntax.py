"""Parse the built parts; syntax errors and unsupported features point at the source tag."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from sestemplates.checks import codes
from sestemplates.checks.locate import PART_TITLES, PARTS, Locator
from sestemplates.diagnostics import Diagnostic

if TYPE_CHECKING:
    from sestemplates.config import Config
    from sestemplates.handlebars import Program, TemplateSyntaxError
    from sestemplates.project import TemplateSource


def parse_parts(locator: Locator) -> tuple[dict[str, Program], list[Diagnostic]]:
    """The AST of every part that parses, and one diagnostic per distinct syntax problem.

    A derived Text part repeats the Html part's tags, so its errors usually land on the same
    source tag; those are reported once.
    """
    from sestemplates.handlebars import TemplateSyntaxError, parse

    programs: dict[str, Program] = {}
    found: list[Diagnostic] = []
    outside_sources = False
    for part in PARTS:
        try:
            programs[part] = parse(locator.part_text(part))
        except TemplateSyntaxError as exc:
            for error in (exc, *exc.more):  # every unsupported helper/partial, not the first
                diagnostic, in_source = _part_syntax(locator, part, error)
                found.append(diagnostic)
                outside_sources |= not in_source
    if outside_sources:
        # A tag that is not in the sources as is (an unclosed `{{name` runs into whatever
        # the build put after it): the sources themselves show where it is.
        source = locator.built.source
        in_sources = source_syntax(locator.config, source, locator.built.dependencies)
        if in_sources:
            found = in_sources
    return programs, _unique(found)


def _unique(diagnostics: list[Diagnostic]) -> list[Diagnostic]:
    seen: set[tuple[str, str | None, int | None, int | None]] = set()
    kept = []
    for d in diagnostics:
        key = (d.code, d.file, d.line, d.column)
        if key not in seen:
            seen.add(key)
            kept.append(d)
    return kept


def _part_syntax(
    locator: Locator, part: str, exc: TemplateSyntaxError
) -> tuple[Diagnostic, bool]:
    """The diagnostic at the source tag, and whether the tag was found in a source file."""
    code = codes.SYNTAX_CODES.get(exc.code, codes.SYNTAX)
    where = locator.locate(part, exc.line, exc.column, None)
    message = exc.message
    if exc.opened is not None:
        # The engine names the opening tag's position in the built part; name it in the source.
        opened = locator.locate(part, exc.opened[0], exc.opened[1], None)
        place = f"line {opened.line}, column {opened.column}"
        if opened.file != where.file or opened.line is None:
            place = f"{opened.file}" + (f":{opened.line}:{opened.column}" if opened.line else "")
        built_place = f"opened at line {exc.opened[0]}, column {exc.opened[1]}"
        message = message.replace(built_place, f"opened at {place}")
    diagnostic = Diagnostic(
        locator.built.name, where.file, where.line, where.column, "error", code,
        f"{message} ({PART_TITLES[part]} part){where.note}",
    )
    return diagnostic, not where.note


def source_syntax(
    config: Config, source: TemplateSource, shared: Iterable[Path] = ()
) -> list[Diagnostic]:
    """Handlebars syntax errors in the template's source files (its own, then the `shared`
    layouts/partials it uses), at their exact position.

    Used when the build stopped before there were built parts to parse: the build's tag guard
    rejects unbalanced blocks (it cannot tell a user's stray `{{/if}}` from one the pipeline
    lost), and the user should hear about the syntax error itself. Jinja markup is plain text
    to the Handlebars parser, so the sources parse as they are.
    """
    from sestemplates.handlebars import TemplateSyntaxError, parse

    problems = []
    for path in (source.subject, source.html, source.text, *sorted(shared)):
        if path is None:
            continue
        try:
            parse(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError):
            continue  # the build has reported it
        except TemplateSyntaxError as exc:
            problems += [
                Diagnostic(
                    source.name, config.display(path), error.line, error.column, "error",
                    codes.SYNTAX_CODES.get(error.code, codes.SYNTAX), error.message,
                )
                for error in (exc, *exc.more)
            ]
    return problems
