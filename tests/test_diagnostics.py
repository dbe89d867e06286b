from __future__ import annotations

import json

from sestemplates.diagnostics import Diagnostic, format_github, format_json, format_text


def diag(**kw: object) -> Diagnostic:
    base: dict[str, object] = dict(
        template="welcome", file="templates/welcome/html.mjml", line=3, column=5,
        severity="error", code="missing-variable", message="Attribute 'name' is missing",
    )
    base.update(kw)
    return Diagnostic(**base)  # type: ignore[arg-type]


def test_text_groups_per_template_without_colour() -> None:
    out = format_text([diag(template="b"), diag(), diag(severity="warning", code="x", line=1)])
    assert out.splitlines() == [
        "b",
        "  templates/welcome/html.mjml:3:5: error: Attribute 'name' is missing [missing-variable]",
        "welcome",
        "  templates/welcome/html.mjml:1:5: warning: Attribute 'name' is missing [x]",
        "  templates/welcome/html.mjml:3:5: error: Attribute 'name' is missing [missing-variable]",
    ]
    assert "\x1b[" not in out
    assert "\x1b[31m" in format_text([diag()], color=True)


def test_json_has_fields_and_summary() -> None:
    data = json.loads(format_json([diag(), diag(severity="warning", template="other")]))
    assert data["summary"] == {"errors": 1, "warnings": 1, "templates_with_problems": 2}
    assert set(data["diagnostics"][0]) == {
        "template", "file", "line", "column", "severity", "code", "message"
    }


def test_github_annotations_escape_properties_and_newlines() -> None:
    out = format_github([diag(file="a,b:c.txt", message="two\nlines 100%")])
    assert out == (
        "::error file=a%2Cb%3Ac.txt,line=3,col=5,title=missing-variable::"
        "welcome: two%0Alines 100%25"
    )
