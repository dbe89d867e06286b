"""The lint on an as_is template: its Html is final text, not Jinja source."""

from __future__ import annotations

from pathlib import Path

from sestemplates.checks import check_project, codes
from sestemplates.config import load_config
from sestemplates.template_settings import AS_IS_TEXT


def test_text_that_looks_like_jinja_hides_nothing_from_the_lint(tmp_path: Path) -> None:
    # An adopted page may say `{%` in prose and `100%}` in CSS: to Jinja that is one statement
    # spanning the image in between, which the lint would blank out if it read it as Jinja.
    directory = tmp_path / "templates" / "adopted"
    (directory / "samples").mkdir(parents=True)
    (tmp_path / "sestemplates.toml").write_text('prefix = ""\n', encoding="utf-8")
    (directory / "template.toml").write_text(AS_IS_TEXT, encoding="utf-8")
    (directory / "subject.txt").write_text("Hi", encoding="utf-8")
    (directory / "samples" / "default.json").write_text("{}", encoding="utf-8")
    (directory / "html.html").write_text(
        '<!doctype html>\n<html lang="en"><body>\n<p>Save 20 {% today</p>\n'
        '<img src="https://i.example/a.png">\n'
        '<table style="width:100%}"><tr><td>x</td></tr></table>\n</body></html>\n',
        encoding="utf-8",
    )
    report = check_project(load_config(tmp_path))
    found = [(d.code, d.file, d.line) for d in report.diagnostics if d.code in codes.LINT_CODES]
    assert (codes.IMG_ALT, "templates/adopted/html.html", 4) in found
