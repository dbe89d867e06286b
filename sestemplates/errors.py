"""The one exception type every layer raises for problems a user can fix.

cli.py is the only place that turns these into output and exit codes, so the message must
already be a complete single line: what is wrong and where.
"""

from __future__ import annotations

from pathlib import Path

# Exit codes shared by every command.
EXIT_OK = 0
EXIT_USER = 1  # the user's templates, samples or data have errors
EXIT_USAGE = 2  # bad options or configuration


class SesTemplatesError(Exception):
    """A problem in the user's templates or data (exit 1)."""

    exit_code = EXIT_USER

    def __init__(
        self,
        message: str,
        *,
        file: Path | str | None = None,
        line: int | None = None,
        column: int | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.file = str(file) if file is not None else None
        self.line = line
        self.column = column

    def __str__(self) -> str:
        return format_location(self.file, self.line, self.column) + self.message


class ConfigError(SesTemplatesError):
    """Bad configuration or command-line usage (exit 2)."""

    exit_code = EXIT_USAGE


def format_location(file: str | None, line: int | None = None, column: int | None = None) -> str:
    """`file:line:col: ` prefix, leaving out what is unknown."""
    if file is None:
        return ""
    where = file
    if line is not None:
        where += f":{line}"
        if column is not None:
            where += f":{column}"
    return where + ": "
