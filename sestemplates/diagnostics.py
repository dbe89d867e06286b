"""Diagnostic records and their three output formats (text, json, github).

Checks and the build report problems as Diagnostics; only cli.py prints them.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from typing import Literal

from sestemplates.errors import SesTemplatesError, format_location

Severity = Literal["error", "warning"]


@dataclass(frozen=True, order=True)
class Diagnostic:
    template: str | None
    file: str | None
    line: int | None
    column: int | None
    severity: Severity
    code: str
    message: str

    @property
    def is_error(self) -> bool:
        return self.severity == "error"

    def one_line(self) -> str:
        return f"{format_location(self.file, self.line, self.column)}{self.severity}: " + (
            f"{self.message} [{self.code}]"
        )


def from_error(
    exc: SesTemplatesError, *, template: str | None, code: str, file: str | None = None
) -> Diagnostic:
    """Turn a raised SesTemplatesError into an error Diagnostic."""
    return Diagnostic(
        template=template,
        file=exc.file or file,
        line=exc.line,
        column=exc.column,
        severity="error",
        code=code,
        message=exc.message,
    )


def summary(diagnostics: Sequence[Diagnostic]) -> dict[str, int]:
    errors = sum(1 for d in diagnostics if d.is_error)
    templates = {d.template for d in diagnostics if d.template}
    return {
        "errors": errors,
        "warnings": len(diagnostics) - errors,
        "templates_with_problems": len(templates),
    }


def sort_key(d: Diagnostic) -> tuple[str, str, int, int, str]:
    return (d.template or "", d.file or "", d.line or 0, d.column or 0, d.code)


def format_text(diagnostics: Iterable[Diagnostic], *, color: bool = False) -> str:
    """Grouped per template, one line per problem."""
    colors = {"error": "\x1b[31m", "warning": "\x1b[33m"} if color else {}
    reset = "\x1b[0m" if color else ""
    bold = "\x1b[1m" if color else ""
    lines: list[str] = []
    current: str | None = None
    for d in sorted(diagnostics, key=sort_key):
        group = d.template or "(project)"
        if group != current:
            current = group
            lines.append(f"{bold}{group}{reset}")
        sev = f"{colors.get(d.severity, '')}{d.severity}{reset}"
        where = format_location(d.file, d.line, d.column)
        lines.append(f"  {where}{sev}: {d.message} [{d.code}]")
    return "\n".join(lines)


def format_json(diagnostics: Sequence[Diagnostic]) -> str:
    ordered = sorted(diagnostics, key=sort_key)
    return json.dumps(
        {"diagnostics": [asdict(d) for d in ordered], "summary": summary(ordered)},
        indent=2,
        ensure_ascii=False,
    )


def _escape_github(value: str, *, prop: bool) -> str:
    # The workflow-command escaping GitHub documents for messages and properties.
    value = value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    if prop:
        value = value.replace(":", "%3A").replace(",", "%2C")
    return value


def format_github(diagnostics: Iterable[Diagnostic]) -> str:
    lines = []
    for d in sorted(diagnostics, key=sort_key):
        props = []
        if d.file:
            props.append(f"file={_escape_github(d.file, prop=True)}")
        if d.line:
            props.append(f"line={d.line}")
        if d.column:
            props.append(f"col={d.column}")
        props.append(f"title={_escape_github(d.code, prop=True)}")
        message = f"{d.template}: {d.message}" if d.template else d.message
        lines.append(f"::{d.severity} {','.join(props)}::{_escape_github(message, prop=False)}")
    return "\n".join(lines)
