from __future__ import annotations

import re

import pytest

from sestemplates.pipeline.inline import INLINE_MARK, inline_css

HTML = """<!doctype html><html><head>
<link href="https://fonts.googleapis.com/css?family=Ubuntu" rel="stylesheet" type="text/css">
<style type="text/css">@import url(https://fonts.googleapis.com/css?family=Ubuntu:300,400);</style>
<style>@import url("https://example.com/x.css"); .amount { text-align: right; }
@media only screen and (max-width: 480px) { .stack td { display: block !important; } }</style>
</head><body>
<!--[if mso | IE]><table role="presentation"><tr><td><![endif]-->
<table class="stack"><tbody>hbsq0z<tr><td class="amount">hbsq1z</td></tr>hbsq2z</tbody></table>
<a href="hbsq3z">link</a>
<!--[if mso | IE]></td></tr></table><![endif]-->
</body></html>"""


def test_inlines_keeps_media_important_links_tokens_and_conditional_comments(
    network_attempts: list[object], capfd: pytest.CaptureFixture[str]
) -> None:
    out = inline_css(HTML, file="t.html")
    assert network_attempts == []
    assert (
        '<style type="text/css">@import url(https://fonts.googleapis.com/css?family=Ubuntu:300,400);'
        "</style>" in out
    )
    assert '<style>@import url("https://example.com/x.css");</style>' in out
    assert out.startswith("<!doctype html>")
    assert 'class="amount" style="text-align:right"' in out
    assert "@media only screen and (max-width: 480px)" in out and "!important" in out
    assert 'href="https://fonts.googleapis.com/css?family=Ubuntu"' in out
    assert '<!--[if mso | IE]><table role="presentation"><tr><td><![endif]-->' in out
    assert "<tbody>hbsq0z<tr>" in out and "</tr>hbsq2z</tbody>" in out
    assert 'href="hbsq3z"' in out
    assert capfd.readouterr().err == ""  # no cssutils log noise


def test_style_attributes_and_rules_with_tags_are_not_parsed_by_cssutils() -> None:
    from sestemplates.pipeline.shield import shield

    source = (
        '<html><head><style>.k { margin: 0; font-family: "A B"; }\n'
        ".t { color: {{c}}; }\n{{#if dark}}.d { color: white; } .e { color: grey; }{{/if}}"
        "</style></head><body>"
        '<p class="k" style=\'{{#if b}}font-weight:bold{{/if}}; quotes: "x"\'>a</p>'
        '<p class="e" style="color: {{c}}">b</p><p class="t">c</p></body></html>'
    )
    shielded, key = shield(source)
    blocks = re.compile("|".join(key.token(i) for i, t in enumerate(key.tags) if "if" in t.text))
    out = key.restore(inline_css(shielded, file="t.html", keep=key.token_re, blocks=blocks))
    # The element's own style follows what was inlined, so it still wins; bytes kept.
    assert (
        '<p class="k" style="margin:0; font-family:&quot;A B&quot;; '
        '{{#if b}}font-weight:bold{{/if}}; quotes: &quot;x&quot;">a</p>'
    ) in out
    assert '<p class="e" style="color: {{c}}">b</p>' in out  # .e is conditional: not inlined
    assert '<p class="t">c</p>' in out
    assert ".t { color: {{c}}; }" in out and "{{#if dark}}.d { color: white; }" in out


_NOTHING_TO_INLINE = (
    "<!doctype html><html><head>"
    '<style type="text/css" data-premailer="ignore">p { margin: 0; }</style>'
    '<style media="screen and (min-width:480px)">.moz-text-html .c { width:100% !important; }'
    "</style>"
    "<style>@media only screen and (max-width:480px) { .c { width:100% !important; } }</style>"
    "</head><body><p class=c>a&b</p></body></html>"
)


def test_serialised_html_with_nothing_to_inline_is_kept_byte_for_byte() -> None:
    # MJML output: reset CSS marked ignore, Thunderbird rules under a media attribute, @media.
    assert inline_css(_NOTHING_TO_INLINE, file="x", serialised=True) == _NOTHING_TO_INLINE


def test_serialised_html_inlines_only_the_marked_mj_style_inline_blocks() -> None:
    # mjml inlines only `<mj-style inline="inline">`; every other <style> stays as written.
    plain = "<style>.c { color: red; }</style>"
    html = _NOTHING_TO_INLINE.replace("</head>", f"{plain}</head>")
    assert inline_css(html, file="x", serialised=True) == html
    bold = f"<style>{INLINE_MARK}.c {{ font-weight: bold; }}</style>"
    marked = html.replace("</head>", f"{bold}</head>")
    out = inline_css(marked, file="x", serialised=True)
    assert re.search(r'<p class="c" style="font-weight:\s*bold;?">', out)
    assert INLINE_MARK not in out
    head = _NOTHING_TO_INLINE.split("</head>")[0].removeprefix("<!doctype html><html><head>")
    assert head + plain in out  # the compiler's blocks, byte for byte


def test_hand_written_html_is_always_normalised() -> None:
    out = inline_css(_NOTHING_TO_INLINE, file="x")
    assert '<p class="c">a&amp;b</p>' in out


def test_an_important_mj_style_inline_rule_also_stays_in_style_where_it_wins() -> None:
    # premailer lets the element's own `color` win; in mjml (juice) and in the compiler's
    # own cascade the `!important` rule wins, so it is kept in <style> as well.
    html = (
        f"<!doctype html><html><head><style>{INLINE_MARK}a {{ color: inherit !important; }}"
        '</style></head><body><a href="x" style="color:#fff">b</a></body></html>'
    )
    out = inline_css(html, file="x", serialised=True)
    assert "<style>a { color: inherit !important; }</style>" in out
    assert re.search(r'<a href="x" style="color:\s*#fff;?">', out)
