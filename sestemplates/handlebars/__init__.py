"""The SES dialect of Handlebars: one parser and one evaluator for check, render and preview.

    from sestemplates.handlebars import parse, render, check_data, variable_uses

See docs/handlebars.md for the semantics (which differ from handlebars.js defaults).
"""

from __future__ import annotations

from sestemplates.handlebars.analyze import VariableUse, variable_uses
from sestemplates.handlebars.ast import Program
from sestemplates.handlebars.errors import HandlebarsError, RenderError, TemplateSyntaxError
from sestemplates.handlebars.evaluate import DataProblem
from sestemplates.handlebars.parser import parse
from sestemplates.handlebars.render import DataCheck, check_data, render

__all__ = [
    "DataCheck",
    "DataProblem",
    "HandlebarsError",
    "Program",
    "RenderError",
    "TemplateSyntaxError",
    "VariableUse",
    "check_data",
    "parse",
    "render",
    "variable_uses",
]
