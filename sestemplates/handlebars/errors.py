"""Exceptions raised by the Handlebars engine.

They are not SesTemplatesError subclasses on purpose: the engine knows nothing about files;
callers (check, render command) add the file name when they turn these into Diagnostics.
"""

from __future__ import annotations


class HandlebarsError(Exception):
    """Base class: a message plus the 1-based position of the offending tag, if known."""

    def __init__(self, message: str, *, line: int | None = None, column: int | None = None):
        super().__init__(message)
        self.message = message
        self.line = line
        self.column = column

    def __str__(self) -> str:
        if self.line is None:
            return self.message
        return f"{self.line}:{self.column}: {self.message}"


class TemplateSyntaxError(HandlebarsError):
    """The template cannot be parsed ("syntax") or uses a feature SES lacks ("unsupported")."""

    def __init__(
        self,
        message: str,
        *,
        line: int | None = None,
        column: int | None = None,
        code: str = "syntax",
        opened: tuple[int, int] | None = None,
    ):
        super().__init__(message, line=line, column=column)
        self.code = code
        # For a mismatched close: line/column of the block it should have closed, which the
        # message names as "opened at line L, column C" (callers that map positions to other
        # files rewrite that phrase).
        self.opened = opened
        # Every other problem the same parse found, in source order (see parser.parse).
        self.more: tuple[TemplateSyntaxError, ...] = ()


class RenderError(HandlebarsError):
    """Rendering failed the way SES fails: `attribute` names the missing or null path."""

    def __init__(
        self,
        message: str,
        *,
        attribute: str,
        line: int | None = None,
        column: int | None = None,
        code: str = "missing",
    ):
        super().__init__(message, line=line, column=column)
        self.attribute = attribute
        self.code = code
