"""Before the HTML stages: each rendered part must parse as SES Handlebars.

A stray `{{/if}}` or an unclosed `{{#each}}` would otherwise reach the tag guard, which can
only say that a tag "lost its opening tag" — as if the pipeline had broken it. The error's
line is in the rendered part (layouts and includes expanded), so it is mapped back to the
file that holds that line. Only syntax errors fail the build; features SES lacks (external
partials…) are `sestemplates check`'s to report.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from sestemplates.errors import SesTemplatesError


def check(rendered: str, part: Path, files: Sequence[Path], display: Callable[[Path], str]) -> None:
    """Raise SesTemplatesError at the source file:line:col of the first syntax error."""
    from sestemplates.handlebars import TemplateSyntaxError, parse

    try:
        parse(rendered)
    except TemplateSyntaxError as raised:
        # Unsupported features come first when earlier in the part; only syntax fails the build.
        exc = next((e for e in (raised, *raised.more) if e.code == "syntax"), None)
        if exc is None:
            return
        file, line, column, note = _locate(rendered, exc.line, exc.column, [part, *files])
        message = exc.message
        opened = getattr(exc, "opened", None)  # a mismatched close names its open block
        if opened is not None:
            o_file, o_line, o_column, _ = _locate(rendered, opened[0], opened[1], [part, *files])
            if o_line is not None:
                where = f"line {o_line}, column {o_column}"
                where += "" if o_file == file else f" of {display(o_file)}"
                message = message.replace(f"line {opened[0]}, column {opened[1]}", where)
        raise SesTemplatesError(
            f"Handlebars syntax error: {message}{note}",
            file=display(file),
            line=line,
            column=column,
        ) from None


def _locate(
    rendered: str, line: int | None, column: int | None, files: Sequence[Path]
) -> tuple[Path, int | None, int | None, str]:
    """The file, line and column holding line `line` of the rendered text: the part's own file
    when that line reads the same there, else the first file with a line that, trimmed, is
    part of the rendered line and covers the column."""
    part = files[0]
    lines = rendered.splitlines()
    if line is None or not 0 < line <= len(lines):
        return part, line, column, ""
    wanted = lines[line - 1]
    contents = {path: _lines(path) for path in dict.fromkeys(files)}  # in order, no repeats
    own = contents.get(part, [])
    if line <= len(own) and own[line - 1] == wanted:
        return part, line, column, ""
    at = (column or 1) - 1
    for path, content in contents.items():
        for number, text in enumerate(content, 1):
            # The file's line, maybe indented differently, holds the error's column.
            start = wanted.find(text.strip()) if text.strip() else -1
            if start >= 0 and start <= at < start + len(text.strip()):
                indent = len(text) - len(text.lstrip())
                return path, number, at - start + indent + 1, ""
    return part, None, None, f" (line {line}, column {column} of the rendered {part.name})"


def _lines(path: Path) -> list[str]:
    try:
        return path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return []
