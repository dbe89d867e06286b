"""Accessibility rules on MJML sources: what <mj-attributes> gives an element counts."""

from __future__ import annotations

from pathlib import Path

from sestemplates.checks import codes
from sestemplates.lint.a11y import check_a11y
from sestemplates.lint.settings import LintSettings
from sestemplates.lint.sources import mjml_defaults, scan_text

HEAD = """<mjml lang="en">
  <mj-head>
    <mj-attributes>
      <mj-class name="decorative" alt="" />
      {default}
    </mj-attributes>
  </mj-head>
  <mj-body>
    <mj-section><mj-column>
      {body}
    </mj-column></mj-section>
  </mj-body>
</mjml>
"""


def alt_warnings(body: str, default: str = "") -> list[int | None]:
    source = scan_text(HEAD.format(body=body, default=default), Path("t.mjml"), "t.mjml")
    found = check_a11y(source, LintSettings(), "t", {}, mjml_defaults([source]))
    return [d.line for d in found if d.code == codes.IMG_ALT]


def test_alt_from_an_mj_class_or_the_components_default_is_an_alt() -> None:
    assert alt_warnings('<mj-image src="https://a.example/x.png" mj-class="decorative" />') == []
    assert alt_warnings(
        '<mj-image src="https://a.example/x.png" />', default='<mj-image alt="" />'
    ) == []


def test_an_mj_image_without_any_alt_still_warns() -> None:
    assert alt_warnings('<mj-image src="https://a.example/x.png" />') == [10]
    assert alt_warnings('<mj-image src="https://a.example/x.png" mj-class="other" />') == [10]


PAGE = """<!doctype html>
<html lang="en"><body style="background-color:#f3f4f6">
<div style="{style}">{{{{name}}}}, your account is ready.</div>
<p>Visible</p>
</body></html>
"""


def contrast_lines(style: str) -> list[int | None]:
    source = scan_text(PAGE.format(style=style), Path("t.html"), "t.html")
    return [d.line for d in check_a11y(source, LintSettings(), "t", {})
            if d.code == codes.LOW_CONTRAST]


def test_hidden_preheader_text_has_no_contrast_to_judge() -> None:
    # The preheader trick: text only inbox lists show, made invisible in the body.
    hidden = [
        "display:none;font-size:1px;color:#ffffff;line-height:1px;max-height:0px;"
        "max-width:0px;opacity:0;overflow:hidden;",
        "color:#f3f4f6; display: none !important",
        "color:#f3f4f6;visibility:hidden",
        "color:#f3f4f6;mso-hide:all;font-size:0",
        "color:#f3f4f6;opacity:0",
    ]
    for style in hidden:
        assert contrast_lines(style) == [], style


def test_visible_light_text_still_warns() -> None:
    assert contrast_lines("color:#ffffff") == [3]
    assert contrast_lines("color:#ffffff;opacity:0.9") == [3]


def link_text_lines(link: str) -> list[int | None]:
    page = f'<!doctype html>\n<html lang="en"><body>\n{link}\n</body></html>\n'
    source = scan_text(page, Path("t.html"), "t.html")
    return [d.line for d in check_a11y(source, LintSettings(), "t", {})
            if d.code == codes.LINK_TEXT]


def test_an_aria_label_names_the_link_for_screen_readers() -> None:
    assert link_text_lines(
        '<a href="https://a.example/" aria-label="Read the March invoice">Read more</a>'
    ) == []
    assert link_text_lines('<a href="https://a.example/" aria-label="here">here</a>') == [3]
    assert link_text_lines('<a href="https://a.example/" title="The invoice">here</a>') == [3]
