"""CSS of <style> blocks: cut by a real tokenizer, and a guard that no rule is silently dropped."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from sestemplates.config import load_config
from sestemplates.pipeline import build_project, inline
from sestemplates.pipeline.css import statements
from sestemplates.pipeline.cssguard import dropped_rules
from sestemplates.pipeline.inline import inline_css

# What <mj-font> writes for a Google Fonts css2 URL: a `;` inside an unquoted url().
FONT_IMPORT = (
    "@import url(https://fonts.googleapis.com/css2?family=Montserrat:wght@400;500&display=swap);"
)
HTML = f"""<!doctype html><html><head><style type="text/css">{FONT_IMPORT}
.lead {{ color: #cc0000; }}
@font-face {{ font-family: X; src: url(x.woff2); }}
@media only screen and (max-width: 480px) {{ .lead {{ font-size: 20px !important; }} }}
</style></head><body><p class="lead">Hello</p></body></html>"""


def test_statements_give_the_css_back_exactly() -> None:
    css = f"/* a */\r\n{FONT_IMPORT}\r\n.a {{ b: c }}\f@media x {{ .d {{ e: f }} }} }} .g{{"
    parts = statements(css)
    assert "".join(s.text for s in parts) == css
    assert [s.kind for s in parts if s.kind != "other"] == ["at-rule", "rule", "at-rule", "rule"]
    assert parts[2].text.startswith(FONT_IMPORT)


def test_an_import_with_a_semicolon_in_its_url_keeps_the_rest_of_the_block() -> None:
    out = inline_css(HTML, file="t.html")
    assert FONT_IMPORT in out  # whole, not cut at `400;`
    assert re.search(r'<p class="lead" style="color:\s*#c00(?:000)?;?">', out)
    assert "font-size: 20px !important" in out
    assert "@font-face { font-family: X; src: url(x.woff2); }" in out  # premailer drops these
    assert dropped_rules(HTML, out) == []


def test_the_guard_names_a_dropped_at_rule_and_a_rule_not_inlined() -> None:
    # What the old regex splitter made of the block: the import cut, the rest gone.
    cut = HTML.split("<style", 1)[0] + (
        '<style type="text/css">@import url(https://fonts.googleapis.com/css2?family=Montserrat'
        ':wght@400;</style></head><body><p class="lead">Hello</p></body></html>'
    )
    lost = dropped_rules(HTML, cut)
    assert len(lost) == 4
    assert lost[0].startswith("@import url(https://fonts.googleapis.com/css2")
    assert ".lead { color: #cc0000; }" in lost


def test_a_rule_that_matches_nothing_is_not_a_drop() -> None:
    html = HTML.replace(".lead {", ".nowhere {")
    assert dropped_rules(html, inline_css(html, file="t.html")) == []


def test_a_dropping_inliner_fails_the_build_naming_the_template(
    build_repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A stand-in for an inliner bug: the stage loses every <style> block.
    def losing(html: str, **_: object) -> str:
        return re.sub(r"<style\b.*?</style>", "", html, flags=re.DOTALL)

    monkeypatch.setattr(inline, "inline_css", losing)
    report = build_project(load_config(build_repo), ["plain"], jobs=1)
    [failure] = report.failures
    assert failure.file == "templates/plain/html.html"
    assert failure.message.startswith("CSS: the inliner dropped")
    assert not (build_repo / "build" / "plain.json").exists()
