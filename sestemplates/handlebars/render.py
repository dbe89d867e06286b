"""`render` (raise on the first problem) and `check_data` (collect every problem)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sestemplates.handlebars.ast import Program
from sestemplates.handlebars.evaluate import DataProblem, evaluate
from sestemplates.handlebars.parser import parse


@dataclass(frozen=True)
class DataCheck:
    problems: list[DataProblem]  # every problem, deduplicated, in evaluation order
    output: str  # the render with every problem replaced by "" (for previews)


def render(source: str | Program, data: Mapping[str, Any]) -> str:
    """Render like SES: raise RenderError for the first missing or null value."""
    program = parse(source) if isinstance(source, str) else source
    output, _ = evaluate(program, data, collect=False)
    return output


def check_data(program: Program, data: Mapping[str, Any]) -> DataCheck:
    """Walk the template over the real data and report every problem SES would fail on."""
    output, problems = evaluate(program, data, collect=True)
    return DataCheck(problems, output)
