"""CSS the author keeps in its own file (mj-include type="css", a Jinja include) is judged."""

from __future__ import annotations

from pathlib import Path

from sestemplates.checks import check_project, codes
from sestemplates.config import load_config

MJML = """<mjml lang="en">
  <mj-head>
    <mj-include path="../_styles/main.css" type="css" />
  </mj-head>
  <mj-body>
    <mj-section><mj-column><mj-text css-class="row">Hello</mj-text></mj-column></mj-section>
  </mj-body>
</mjml>
"""


def test_client_support_of_an_included_stylesheet(tmp_path: Path) -> None:
    (tmp_path / "sestemplates.toml").write_text('prefix = ""\n', encoding="utf-8")
    styles = tmp_path / "templates" / "_styles"
    styles.mkdir(parents=True)
    (styles / "main.css").write_text(
        ".row { color: #333333; }\n.flexy {\n  display: flex;\n}\n", encoding="utf-8"
    )
    directory = tmp_path / "templates" / "hello"
    (directory / "samples").mkdir(parents=True)
    (directory / "html.mjml").write_text(MJML, encoding="utf-8")
    (directory / "subject.txt").write_text("Hi", encoding="utf-8")
    (directory / "samples" / "default.json").write_text("{}", encoding="utf-8")

    report = check_project(load_config(tmp_path))
    found = {(d.code, d.file, d.line) for d in report.diagnostics if d.code in codes.LINT_CODES}
    assert found == {(codes.CLIENT_UNSUPPORTED, "templates/_styles/main.css", 3)}
    flex = next(d for d in report.diagnostics if d.code == codes.CLIENT_UNSUPPORTED)
    assert "display: flex" in flex.message and "Outlook" in flex.message
