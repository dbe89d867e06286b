"""Tags in built parts mapped back to the source file and line they were written on."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from sestemplates.checks.locate import line_col, offset_of, tag_at
from tests.checks.conftest import run_check


def test_offsets_lines_and_tags() -> None:
    text = "ab\n{{x}} {{{y}}}\n{{!-- a }} b --}}"
    assert offset_of(text, 2, 1) == 3 and line_col(text, 3) == (2, 1)
    assert tag_at(text, 3) == "{{x}}"
    assert tag_at(text, 9) == "{{{y}}}"
    assert tag_at(text, 17) == "{{!-- a }} b --}}"
    assert tag_at(text, 0) is None


def test_repeated_tag_maps_to_the_right_occurrence(repo: Callable[..., Path]) -> None:
    root = repo({
        "t/subject.txt": "Hi",
        "t/html.html": "<p>{{a}}</p>\n<p>{{x}}</p>\n<p>{{a}}</p>\n<p>{{x}}</p>\n",
        "t/samples/s.json": '{"a": 1, "x": null}',
    })
    report = run_check(root)
    assert [(d.file, d.line, d.column, d.code) for d in report.diagnostics] == [
        ("templates/t/html.html", 2, 4, "null-variable"),
        ("templates/t/html.html", 4, 4, "null-variable"),
    ]


def test_tag_made_by_jinja_is_reported_once_in_the_built_html(repo: Callable[..., Path]) -> None:
    root = repo(
        {
            "t/subject.txt": "Hi {{name}}",
            "t/html.html": "<p>{{name}}</p>\n<p>{{[[ field ]]}}</p>\n",
            "t/samples/s.json": '{"name": "A"}',
        },
        '[vars]\nfield = "plan"\n',
    )
    [d] = run_check(root).diagnostics
    assert d.file == "build/t.html" and d.line is not None
    assert d.code == "missing-variable"
    assert "not in the sources" in d.message
    built = (root / "build" / "t.html").read_text().splitlines()
    assert "{{plan}}" in built[d.line - 1]
