"""Samples × the template's TemplateData contract (the schema `build` writes, derived here from
the same parsed parts check uses).

Each violation is reported once, at the sample file:line of the offending key (or of the object
missing it). A path the Handlebars check already reported for that sample (missing, null, not
iterable) is not reported again: one problem, one line.
"""

from __future__ import annotations

import contextlib
import json
from typing import TYPE_CHECKING, Any

from sestemplates.checks import codes
from sestemplates.checks.locate import line_col
from sestemplates.diagnostics import Diagnostic

if TYPE_CHECKING:
    from sestemplates.checks.samples import Sample
    from sestemplates.contract import Violation
    from sestemplates.handlebars import Program

Path = tuple[str | int, ...]


def check_contract(
    template: str,
    programs: dict[str, Program],
    samples: list[Sample],
    reported: dict[str, set[str]],
) -> list[Diagnostic]:
    from sestemplates.contract import derive, to_schema
    from sestemplates.contract.quick import is_valid

    schema = to_schema(derive(programs), title=template)
    diagnostics: list[Diagnostic] = []
    for sample in samples:
        if is_valid(schema, sample.data):
            continue  # the common case: no jsonschema import on the pre-commit path
        from sestemplates.contract import violations

        found = violations(schema, sample.data)
        fresh = [v for v in found if not _already(v, reported.get(sample.name, set()))]
        if not fresh:
            continue
        where = value_positions(sample.text)
        for violation in fresh:
            line, column = _position(where, violation.path)
            diagnostics.append(
                Diagnostic(
                    template, sample.display, line, column, "error", codes.CONTRACT,
                    f"{violation.sentence()} (the contract of {template}: "
                    f"sestemplates schema {template})",
                )
            )
    return diagnostics


def _already(violation: Violation, attributes: set[str]) -> bool:
    """The Handlebars check names paths without list indices (`items.price`)."""
    dotted = ".".join(seg for seg in violation.path if isinstance(seg, str))
    return any(
        a == dotted or a.startswith(dotted + ".") or dotted.startswith(a + ".")
        for a in attributes
    ) or (not dotted and bool(attributes))


def _position(where: dict[Path, tuple[int, int]], path: Path) -> tuple[int | None, int | None]:
    while path not in where and path:
        path = path[:-1]  # a missing key: point at the object that lacks it
    found = where.get(path)
    return found if found else (None, None)


def value_positions(text: str) -> dict[Path, tuple[int, int]]:
    """1-based line/column of every key (or list item, or the whole value) of a JSON text
    that json.loads accepted."""
    offsets: dict[Path, int] = {}
    # Positions are a convenience: without them the message still names the path.
    with contextlib.suppress(RecursionError, ValueError, IndexError):
        _Walker(text, offsets).value(_skip(text, 0), ())
    return {path: line_col(text, offset) for path, offset in offsets.items()}


def _skip(text: str, i: int) -> int:
    while i < len(text) and text[i] in " \t\r\n":
        i += 1
    return i


class _Walker:
    def __init__(self, text: str, offsets: dict[Path, int]) -> None:
        self.text = text
        self.offsets = offsets
        self.decoder = json.JSONDecoder()

    def value(self, i: int, path: Path) -> int:
        text = self.text
        self.offsets.setdefault(path, i)
        if text[i] == "{":
            i = _skip(text, i + 1)
            if text[i] == "}":
                return i + 1
            while True:
                key, end = self.decoder.raw_decode(text, i)
                self.offsets.setdefault((*path, key), i)
                i = self.value(_skip(text, _skip(text, end) + 1), (*path, key))
                i = _skip(text, i)
                if text[i] == ",":
                    i = _skip(text, i + 1)
                    continue
                return i + 1
        if text[i] == "[":
            i = _skip(text, i + 1)
            if text[i] == "]":
                return i + 1
            index = 0
            while True:
                i = _skip(text, self.value(i, (*path, index)))
                index += 1
                if text[i] == ",":
                    i = _skip(text, i + 1)
                    continue
                return i + 1
        scalar: Any
        scalar, end = self.decoder.raw_decode(text, i)
        del scalar
        return int(end)
