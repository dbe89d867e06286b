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
