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
    from sestemplates.handlebars import Program
    from sestemplates.project import TemplateSource


def parse_parts(locator: Locator) -> tuple[dict[str, Program], list[Diagnostic]]:
    """The AST of every part that parses, and one diagnostic per distinct syntax problem.

    A derived Text part repeats the Html part's tags, so its errors usually land on the same
    source tag; those are reported once.
    """
    from sestemplates.handlebars import TemplateSyntaxError, parse

    programs: dict[str, Program] = {}
    problems: list[Diagnostic] = []
    seen: set[tuple[str, str | None, int | None, int | None]] = set()
    for part in PARTS:
        try:
            programs[part] = parse(locator.part_text(part))
        except TemplateSyntaxError as exc:
            code = codes.SYNTAX_CODES.get(exc.code, codes.SYNTAX)
            where = locator.locate(part, exc.line, exc.column, None)
            key = (code, where.file, where.line, where.column)
            if key in seen:
                continue
            seen.add(key)
            problems.append(
                Diagnostic(
                    locator.built.name, where.file, where.line, where.column, "error", code,
                    f"{exc.message} ({PART_TITLES[part]} part){where.note}",
                )
            )
    return programs, problems


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
            problems.append(
                Diagnostic(
                    source.name, config.display(path), exc.line, exc.column, "error",
                    codes.SYNTAX_CODES.get(exc.code, codes.SYNTAX), exc.message,
                )
            )
    return problems
