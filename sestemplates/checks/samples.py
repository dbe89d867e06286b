"""Sample TemplateData files: loading with file:line:col errors, and where each top-level key is.

`load_sample` is the one reader every command uses (check, render, send, preview), so a broken
sample is reported the same way everywhere.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sestemplates.checks import codes
from sestemplates.diagnostics import Diagnostic
from sestemplates.errors import SesTemplatesError
from sestemplates.fsutil import read_text


@dataclass(frozen=True)
class Sample:
    path: Path
    display: str  # the path as users see it
    text: str
    data: dict[str, Any]

    @property
    def name(self) -> str:
        return self.path.name


def parse_sample(text: str, display: str) -> dict[str, Any]:
    """The TemplateData object in `text`; anything else is an error at file:line:col."""
    try:
        data = json.loads(text, parse_constant=_reject_constant, parse_int=_read_int)
    except json.JSONDecodeError as exc:
        raise SesTemplatesError(
            f"invalid JSON in sample: {exc.msg}", file=display, line=exc.lineno, column=exc.colno
        ) from None
    except _NotJson as exc:
        line, column = _outside_strings(text, exc.token)
        raise SesTemplatesError(
            f"invalid JSON in sample: {exc.token} is not a JSON value (SES reads TemplateData "
            "with a strict JSON parser)",
            file=display,
            line=line,
            column=column,
        ) from None
    except _TooLong as exc:
        line, column = _outside_strings(text, exc.token)
        raise SesTemplatesError(
            f"invalid sample: an integer of {len(exc.token.lstrip('-'))} digits is too long to "
            "read (JavaScript, and so SES, turns it into Infinity); write it as a string",
            file=display,
            line=line,
            column=column,
        ) from None
    except RecursionError:
        raise SesTemplatesError(
            "invalid sample: arrays/objects nested too deeply to be read", file=display
        ) from None
    if not isinstance(data, dict):
        raise SesTemplatesError(
            f"a JSON object is required (TemplateData), got {json_kind(data)}", file=display, line=1
        )
    return data


def json_kind(value: Any) -> str:
    """What a parsed JSON value is, in JSON's own words."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    return "an array" if isinstance(value, list) else "an object"


class _NotJson(ValueError):
    def __init__(self, token: str) -> None:
        super().__init__(token)
        self.token = token


class _TooLong(ValueError):
    def __init__(self, token: str) -> None:
        super().__init__(token)
        self.token = token


def _read_int(token: str) -> int:
    # Python refuses to convert more than 4300 digits (a guard against quadratic time).
    try:
        return int(token)
    except ValueError:
        raise _TooLong(token) from None


def _reject_constant(token: str) -> Any:
    # Python's json accepts NaN, Infinity and -Infinity; JSON (and so SES) does not.
    raise _NotJson(token)


def _outside_strings(text: str, token: str) -> tuple[int | None, int | None]:
    """1-based line/column of the first `token` outside a JSON string (JSON strings never
    span lines, so counting unescaped quotes before it on its line tells)."""
    for number, line in enumerate(text.splitlines(), 1):
        start = line.find(token)
        while start >= 0:
            before = line[:start].replace("\\\\", "").replace('\\"', "")
            if before.count('"') % 2 == 0:
                return number, start + 1
            start = line.find(token, start + 1)
    return None, None


def read_sample(path: Path, display: str | None = None) -> Sample:
    shown = display or str(path)
    text = read_text(path, display=shown)
    return Sample(path, shown, text, parse_sample(text, shown))


def load_sample(path: Path, *, display: str | None = None) -> dict[str, Any]:
    """Read one sample file; raises SesTemplatesError naming the file (and line) when broken."""
    return read_sample(path, display).data


def load_samples(
    paths: tuple[Path, ...], display: dict[Path, str], template: str
) -> tuple[list[Sample], list[Diagnostic]]:
    """Every readable sample, and one invalid-sample error per broken one."""
    samples: list[Sample] = []
    problems: list[Diagnostic] = []
    for path in paths:
        try:
            samples.append(read_sample(path, display[path]))
        except SesTemplatesError as exc:
            problems.append(
                Diagnostic(
                    template, exc.file, exc.line, exc.column, "error", codes.INVALID_SAMPLE,
                    exc.message,
                )
            )
    return samples, problems


def top_level_keys(text: str) -> dict[str, tuple[int, int]]:
    """line/column (1-based) of each key of the outermost JSON object, for unused-key warnings.

    json gives no positions, so walk the text: strings are skipped whole (escapes included) and
    a string at depth 1 followed by ':' is a key. Only called on text json.loads accepted.
    """
    found: dict[str, tuple[int, int]] = {}
    depth = 0
    i, n = 0, len(text)
    line, line_start = 1, 0
    while i < n:
        ch = text[i]
        if ch == "\n":
            line, line_start = line + 1, i + 1
        elif ch in "{[":
            depth += 1
        elif ch in "}]":
            depth -= 1
        elif ch == '"':
            start = i
            i += 1
            while i < n and text[i] != '"':
                i += 2 if text[i] == "\\" else 1
            if depth == 1:
                rest = i + 1
                while rest < n and text[rest] in " \t\r\n":
                    rest += 1
                if rest < n and text[rest] == ":":
                    key = json.loads(text[start : i + 1])
                    found.setdefault(key, (line, start - line_start + 1))
        i += 1
    return found
