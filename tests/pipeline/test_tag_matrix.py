"""Adversarial matrix: every Handlebars tag survives the build byte-for-byte and in place.

Each case is written once as MJML (html.mjml) and once as plain HTML (html.html), with LF and
with CRLF line endings. For each we build the real repository, then check:
- the template built (so the tag guard accepted it);
- the tags of the source are the tags of the built Html, byte-for-byte (html.html: the same
  sequence; MJML: the same set, at least as many copies — mrml repeats some);
- the Html and the derived Text parse as Handlebars, and the Text's tags are the Html's;
- rendered with `sestemplates.handlebars.render` and a sample, Html and Text say what the
  source meant (values in the right attribute, one row per item, partials expanded…).
"""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import pytest
from lxml import etree

from sestemplates import handlebars
from sestemplates.config import load_config
from sestemplates.pipeline import BuiltTemplate, build_project
from sestemplates.pipeline.shield import find_tags


def col(inner: str) -> str:
    return f"<mj-section><mj-column>\n{inner}\n</mj-column></mj-section>"


def text(inner: str) -> str:
    return col(f"<mj-text>\n{inner}\n</mj-text>")


@dataclass(frozen=True)
class Case:
    id: str
    mjml: str  # the mj-body content
    html: str  # the <body> content
    mj_head: str = ""
    html_head: str = ""
    html_has: tuple[str, ...] = ()  # in the rendered Html
    text_has: tuple[str, ...] = ()  # in the rendered Text
    text_lacks: tuple[str, ...] = ()
    html_lacks: tuple[str, ...] = ()
    data: dict[str, Any] = field(default_factory=dict)


DATA: dict[str, Any] = {
    "url": "https://ex.com/p",
    "img": "https://ex.com/i.png",
    "a": "1",
    "b": "2",
    "email": "ann@ex.com",
    "bare": "https://ex.com/b",
    "w": "120",
    "color": "red",
    "bg": "https://ex.com/bg.png",
    "icolor": "blue",
    "name": "Ann",
    "pre": "Soon",
    "alt": "A&B",
    "title": "Tt",
    "company": "Acme",
    "items": [{"name": "Pen", "qty": 1}, {"name": "Ink", "qty": 2}, {"name": "Pad", "qty": 3}],
    "promo": "10%",
    "vip": True,
    "html": "<b>bold</b>",
    "tight": "T",
    "x": "X",
    "y": "Y",
    "msox": "MSOX",
    "btn": "https://ex.com/btn",
    "nav": "https://ex.com/nav",
    "q": "7",
    "fb": "https://ex.com/fb",
    "rtl": "עולם",
    "things": ["t1", "t2"],
}

ROWS_MJ = """<mj-table>
<tr><th>Item</th><th>Qty</th></tr>
{{#each items}}
<tr><td>{{name}}</td><td>{{qty}}</td></tr>
{{else}}
<tr><td colspan="2">none</td></tr>
{{/each}}
<tr><td>Total</td><td>6</td></tr>
</mj-table>"""
# A raw <table> without <tbody>: the HTML parser adds one; the loop must stay around the rows.
ROWS_HTML = ROWS_MJ.replace("mj-table", "table")
ROW_LINES = ("Item Qty\nPen 1\nInk 2\nPad 3\nTotal 6\n",)
IMG_ATTRS = """alt="🎉 back\\slash &quot;q&quot; 'sq' {{alt}}" title="{{title}}\""""

CASES = [
    Case(
        "href-with-spaces",
        text('<a href="{{ url }}">Go</a>'),
        '<p><a href="{{ url }}">Go</a></p>',
        html_has=('href="https://ex.com/p"',),
        text_has=("Go (https://ex.com/p)",),
    ),
    Case(
        "src-with-spaces",
        col('<mj-image src="{{ img }}" alt="pic" />'),
        '<p><img src="{{ img }}" alt="pic"></p>',
        html_has=('src="https://ex.com/i.png"',),
    ),
    Case(
        "query-string",
        text('<a href="https://e.com/?a={{a}}&b={{b}}">q</a>'),
        '<p><a href="https://e.com/?a={{a}}&b={{b}}">q</a></p>',
        # `&` as the author wrote it in MJML (mjml keeps it), `&amp;` after premailer in HTML.
        html_has=('href="https://e.com/?a=1&',),
        text_has=("q (https://e.com/?a=1&b=2)",),
    ),
    Case(
        "mailto",
        text('<a href="mailto:{{email}}">Mail us</a>, <a href="mailto:{{email}}">{{email}}</a>'),
        '<p><a href="mailto:{{email}}">Mail us</a>, <a href="mailto:{{email}}">{{email}}</a></p>',
        html_has=('href="mailto:ann@ex.com"',),
        text_has=("Mail us (mailto:ann@ex.com), ann@ex.com\n",),
    ),
    Case(
        "unquoted-attributes",
        text("<a href={{bare}}>bare</a> <img width={{w}} src={{ img }} alt=x>"),
        "<p><a href={{bare}}>bare</a> <img width={{w}} src={{ img }} alt=x></p>",
        html_has=('href="https://ex.com/b"', 'width="120"', 'src="https://ex.com/i.png"'),
        text_has=("bare (https://ex.com/b)",),
    ),
    Case(
        "style-attribute",
        text('<span style="color: {{color}}; font-weight: bold">c</span>'),
        '<p><span style="color: {{color}}; font-weight: bold">c</span></p>',
        html_has=("color: red",),
    ),
    Case(
        "blocks-in-inlined-style-attribute",
        text(
            '<span class="ink" style="{{#if vip}}font-weight:bold{{else}}font-weight:normal'
            '{{/if}}; color: {{color}}">c</span>'
        ),
        '<p><span class="ink" style="{{#if vip}}font-weight:bold{{else}}font-weight:normal'
        '{{/if}}; color: {{color}}">c</span></p>',
        mj_head='<mj-style inline="inline">.ink { font-weight: 300; color: blue; }</mj-style>',
        html_head="<style>.ink { font-weight: 300; color: blue; }</style>",
        # The rule is inlined first; the element's own declarations follow, so they win.
        html_has=('style="font-weight:300; color:blue; font-weight:bold; color: red"',),
    ),
    Case(
        "style-block-css",
        text('<div class="hero">h</div>'),
        '<div class="hero">h</div>',
        mj_head="<mj-style>.hero { background:url({{bg}}); color: {{color}}; }</mj-style>",
        html_head="<style>.hero { background:url({{bg}}); color: {{color}}; }</style>",
        html_has=("background:url(https://ex.com/bg.png); color: red;",),
    ),
    Case(
        "style-media-query",
        text('<div class="hero">h</div>'),
        '<div class="hero">h</div>',
        mj_head="<mj-style>@media (max-width:480px) { .hero { width: {{w}}px !important; } }"
        "</mj-style>",
        html_head="<style>@media (max-width:480px) { .hero { width: {{w}}px !important; } }"
        "</style>",
        html_has=("width: 120px !important",),
    ),
    Case(
        "block-tags-around-css-rules",
        text('<span class="a">a</span> <span class="b">b</span>'),
        '<p><span class="a">a</span> <span class="b">b</span></p>',
        mj_head="<mj-style>.z { color: green; } {{#if vip}}.a { color: red; } .b { color: blue; }"
        "{{/if}}</mj-style>",
        html_head="<style>.z { color: green; } {{#if vip}}.a { color: red; } .b { color: blue; }"
        "{{/if}}</style>",
        html_lacks=("red", "blue"),  # the rules are conditional: not inlined, not kept
        data={"vip": False},
    ),
    Case(
        "mj-style-inline",
        text('<span class="ink">i</span>'),
        '<span class="ink">i</span>',
        mj_head='<mj-style inline="inline">.ink { color: {{icolor}}; }</mj-style>',
        html_head="<style>.ink { color: {{icolor}}; }</style>",
        html_has=("color: blue",),
    ),
    Case(
        "title",
        text("Body {{name}}"),
        "<p>Body {{name}}</p>",
        mj_head="<mj-title>Hello {{name}} {{#if vip}}VIP{{/if}}</mj-title>",
        html_head="<title>Hello {{name}} {{#if vip}}VIP{{/if}}</title>",
        html_has=("<title>Hello Ann VIP</title>",),
        text_has=("Body Ann\n",),
        text_lacks=("Hello",),
    ),
    Case(
        "preview",
        text("Body {{name}}"),
        '<div style="display:none;max-height:0">Preview {{pre}}</div><p>Body {{name}}</p>',
        mj_head="<mj-preview>Preview {{pre}}</mj-preview>",
        html_has=("Preview Soon",),
        text_has=("Body Ann\n",),
        text_lacks=("Preview",),
    ),
    Case(
        "alt-title-emoji-backslash-quotes",
        col(f'<mj-image src="https://ex.com/i.png" href="{{{{ url }}}}" {IMG_ATTRS} />'),
        f'<p><a href="{{{{ url }}}}"><img src="https://ex.com/i.png" {IMG_ATTRS}></a></p>',
        text_has=("🎉 back\\slash \"q\" 'sq' A&B (https://ex.com/p)",),
    ),
    Case(
        "partial-in-text",
        text('{{#* inline "sig"}}Team {{company}}{{/inline}}Thanks, {{> sig}}!'),
        '{{#* inline "sig"}}Team {{company}}{{/inline}}<p>Thanks, {{> sig}}!</p>',
        html_has=("Thanks, Team Acme!",),
        text_has=("Thanks, Team Acme!",),
    ),
    Case(
        "partial-in-table-cell",
        '{{#* inline "cell"}}<b>{{company}}</b>{{/inline}}'
        + col("<mj-table><tr><td>Shop</td><td>{{> cell}}</td></tr></mj-table>"),
        '{{#* inline "cell"}}<b>{{company}}</b>{{/inline}}'
        "<table><tr><td>Shop</td><td>{{> cell}}</td></tr></table>",
        html_has=("<td>Shop</td>", "<b>Acme</b>"),
        text_has=("Shop Acme\n",),
    ),
    Case(
        "each-else-around-rows",
        col(ROWS_MJ),
        ROWS_HTML,
        html_has=("<td>Pen</td>", "<td>Ink</td>", "<td>Pad</td>"),
        text_has=ROW_LINES,
        text_lacks=("none",),
    ),
    Case(
        "each-else-empty",
        col(ROWS_MJ),
        ROWS_HTML,
        html_has=('<td colspan="2">none</td>',),
        text_has=("Item Qty\nnone\nTotal 6\n",),
        data={"items": []},
    ),
    Case(
        "if-around-sections-and-columns",
        "<mj-raw>{{#if promo}}</mj-raw>\n"
        + text("Promo {{promo}}")
        + "\n<mj-raw>{{/if}}</mj-raw>\n"
        "<mj-section>\n<mj-raw>{{#if vip}}</mj-raw>\n"
        "<mj-column><mj-text>VIP {{name}}</mj-text></mj-column>\n"
        "<mj-raw>{{else}}</mj-raw>\n"
        "<mj-column><mj-text>Regular</mj-text></mj-column>\n"
        "<mj-raw>{{/if}}</mj-raw>\n</mj-section>",
        "{{#if promo}}\n<div><p>Promo {{promo}}</p></div>\n{{/if}}\n"
        "<div>{{#if vip}}<div>VIP {{name}}</div>{{else}}<div>Regular</div>{{/if}}</div>",
        html_has=("Promo 10%", "VIP Ann"),
        text_has=("Promo 10%", "VIP Ann"),
        text_lacks=("Regular",),
    ),
    Case(
        "if-at-body-level",
        "{{#if vip}}\n" + text("Only VIP {{name}}") + "\n{{/if}}",
        "{{#if vip}}\n<p>Only VIP {{name}}</p>\n{{/if}}",
        html_has=("Only VIP Ann",),
        text_has=("Only VIP Ann",),
    ),
    Case(
        "triple-stash",
        text("Raw: {{{html}}}"),
        "<p>Raw: {{{html}}}</p>",
        html_has=("Raw: <b>bold</b>",),
        text_has=("Raw: <b>bold</b>",),
    ),
    Case(
        "comment-with-html",
        text("Before {{!-- comment with <b>html</b> and }} --}}after"),
        "<p>Before {{!-- comment with <b>html</b> and }} --}}after</p>",
        html_has=("Before after",),
        text_has=("Before after",),
    ),
    Case(
        "whitespace-control",
        text("A {{~tight~}} B {{#if vip~}} C {{~/if}} D"),
        "<p>A {{~tight~}} B {{#if vip~}} C {{~/if}} D</p>",
        html_has=("ATB C D",),
        text_has=("ATB C D",),
    ),
    Case(
        "next-to-entities",
        text("x&amp;{{x}} y&nbsp;{{y}} &lt;{{name}}&gt;"),
        "<p>x&amp;{{x}} y&nbsp;{{y}} &lt;{{name}}&gt;</p>",
        # `&nbsp;` stays as written in MJML (as mjml keeps it), premailer writes U+00A0 in HTML.
        html_has=("x&amp;X", "&lt;Ann&gt;"),
        text_has=("x&X y Y <Ann>",),
    ),
    Case(
        "mso-conditional-comment",
        "<mj-raw><!--[if mso]><p>{{msox}}</p><![endif]--></mj-raw>\n" + text("Hi {{name}}"),
        "<!--[if mso]><p>{{msox}}</p><![endif]-->\n<p>Hi {{name}}</p>",
        html_has=("<!--[if mso]><p>MSOX</p><![endif]-->",),
        text_has=("Hi Ann",),
        text_lacks=("MSOX",),
    ),
    Case(
        "mj-components-href",
        col(
            '<mj-button href="{{ btn }}">Buy {{name}}</mj-button>\n'
            '<mj-social><mj-social-element name="facebook" href="{{ fb }}">Like'
            "</mj-social-element></mj-social>\n"
            '<mj-navbar><mj-navbar-link href="{{ nav }}?x={{q}}">Nav</mj-navbar-link></mj-navbar>'
        ),
        '<p><a href="{{ btn }}">Buy {{name}}</a></p><p><a href="{{ fb }}">Like</a></p>'
        '<p><a href="{{ nav }}?x={{q}}">Nav</a></p>',
        html_has=(
            'href="https://ex.com/btn"',
            "https://ex.com/fb",
            'href="https://ex.com/nav?x=7"',
        ),
        text_has=("Buy Ann (https://ex.com/btn)", "Nav (https://ex.com/nav?x=7)"),
    ),
    Case(
        "section-background-url",
        '<mj-section background-url="{{ bg }}"><mj-column><mj-text>b</mj-text></mj-column>'
        "</mj-section>",
        '<div style="background:url({{ bg }})">b</div>',
        html_has=("https://ex.com/bg.png",),
    ),
    Case(
        "non-ascii-around-tags",
        text("日本語{{name}}語 🎉{{name}}🎉 שלום {{rtl}} مرحبا {{name}}"),
        "<p>日本語{{name}}語 🎉{{name}}🎉 שלום {{rtl}} مرحبا {{name}}</p>",
        html_has=("日本語Ann語 🎉Ann🎉 שלום עולם مرحبا Ann",),
        text_has=("日本語Ann語 🎉Ann🎉 שלום עולם مرحبا Ann",),
    ),
    Case(
        "tag-split-over-lines",
        text("<ul>{{#each\n  things}}<li>{{this}}</li>{{/each}}</ul>"),
        "<ul>{{#each\n  things}}<li>{{this}}</li>{{/each}}</ul>",
        html_has=("<li>t1</li><li>t2</li>",),
        text_has=("- t1\n- t2\n",),
    ),
    Case(
        "block-inside-attribute",
        text('<a class="{{#if vip}}vip{{else}}std{{/if}}" href="{{ url }}">Go</a>'),
        '<p><a class="{{#if vip}}vip{{else}}std{{/if}}" href="{{ url }}">Go</a></p>',
        html_has=('class="vip"',),
        text_has=("Go (https://ex.com/p)",),
    ),
    Case(
        "nested-each-lists",
        text(
            "{{#each items}}\n<p>{{name}}:</p>\n<ul>{{#each ../things}}<li>{{this}}</li>"
            "{{/each}}</ul>\n{{/each}}"
        ),
        "{{#each items}}\n<p>{{name}}:</p>\n<ul>{{#each ../things}}<li>{{this}}</li>"
        "{{/each}}</ul>\n{{/each}}",
        html_has=("<li>t1</li><li>t2</li>",),
        text_has=("Pen:\n\n- t1\n- t2\n",),
    ),
]

MJML = "<mjml>\n<mj-head>{head}</mj-head>\n<mj-body>\n{body}\n</mj-body>\n</mjml>\n"
HTML = (
    '<!doctype html>\n<html><head><meta charset="utf-8">{head}</head>\n'
    "<body>\n{body}\n</body></html>\n"
)
# "lf-css-inline": the same LF sources built with `[build] inliner = "css-inline"`.
KINDS = [("mjml", "lf"), ("html", "lf"), ("mjml", "crlf"), ("html", "crlf")]
KINDS += [("mjml", "lf-css-inline"), ("html", "lf-css-inline")]


def _source(case: Case, kind: str) -> str:
    if kind == "mjml":
        return MJML.format(head=case.mj_head, body=case.mjml)
    return HTML.format(head=case.html_head, body=case.html)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict[tuple[str, str], Any]:
    """One repository per (kind, line ending) holding every case; each built once."""
    results: dict[tuple[str, str], Any] = {}
    for kind, ending in KINDS:
        root = tmp_path_factory.mktemp(f"{kind}-{ending}")
        for case in CASES:
            directory = root / "templates" / case.id
            directory.mkdir(parents=True)
            (directory / "subject.txt").write_text("Hi {{name}}\n")
            source = _source(case, kind)
            if ending == "crlf":
                source = source.replace("\n", "\r\n")
            (directory / f"html.{kind}").write_bytes(source.encode("utf-8"))
        if ending.endswith("css-inline"):
            (root / "sestemplates.toml").write_text('[build]\ninliner = "css-inline"\n')
        config = load_config(root)
        report = build_project(config, [])
        results[kind, ending] = (root, report)
    return results


def _unspaced(css: str) -> str:
    return re.sub(r"\s*([:;])\s*", r"\1", css)


def _tags(document: str) -> list[str]:
    return [t.text for t in find_tags(document)]


@pytest.mark.parametrize(("kind", "ending"), KINDS, ids=[f"{k}-{e}" for k, e in KINDS])
@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_tags_survive_in_html_text_and_rendering(
    built: dict[tuple[str, str], Any], case: Case, kind: str, ending: str
) -> None:
    root, report = built[kind, ending]
    failures = [d.one_line() for d in report.failures if d.template == case.id]
    assert failures == []
    template: BuiltTemplate = next(b for b in report.built if b.name == case.id)
    doc = json.loads((root / "build" / f"{case.id}.json").read_text(encoding="utf-8"))
    assert doc["TemplateContent"] == {
        "Subject": "Hi {{name}}",
        "Html": template.html,
        "Text": template.text,
    }

    # Jinja reads CRLF sources as LF (its newline_sequence); otherwise the bytes are the same.
    source = _source(case, kind)
    want, got = _tags(source), _tags(template.html)
    if kind == "html":
        assert got == want
    else:
        assert set(got) == set(want)
        assert all(Counter(got)[t] >= n for t, n in Counter(want).items())
    assert set(_tags(template.text)) <= set(want)

    data = {**DATA, **case.data}
    html = handlebars.render(template.html, data)
    text = handlebars.render(template.text, data)
    for expected in case.html_has:
        if ending.endswith("css-inline"):  # it writes `a: b;c: d` where premailer writes `a:b; c:d`
            assert _unspaced(expected) in _unspaced(html)
        else:
            assert expected in html
    for expected in case.text_has:
        assert expected in text
    for unexpected in case.text_lacks:
        assert unexpected not in text
    for unexpected in case.html_lacks:
        assert unexpected not in html
    assert "hbsq" not in html + text  # no shield token left behind


@pytest.mark.parametrize("kind", ["mjml", "html"])
def test_attribute_values_mean_what_the_source_said(
    built: dict[tuple[str, str], Any], kind: str
) -> None:
    _, report = built[kind, "lf"]
    template = next(b for b in report.built if b.name == "alt-title-emoji-backslash-quotes")
    root = etree.fromstring(handlebars.render(template.html, DATA), etree.HTMLParser())
    img = root.xpath("//img")[0]
    assert img.get("alt") == "🎉 back\\slash \"q\" 'sq' A&B"
    assert img.get("title") == "Tt"
    assert img.getparent().get("href") == "https://ex.com/p"


def test_rows_loop_renders_three_item_lines(built: dict[tuple[str, str], Any]) -> None:
    """The derived text of a loop around <tr> rows: one line per item, nothing in between."""
    for kind, ending in KINDS:
        _, report = built[kind, ending]
        template = next(b for b in report.built if b.name == "each-else-around-rows")
        lines = handlebars.render(template.text, DATA).splitlines()
        assert [line for line in lines if re.fullmatch(r"\w{3} \d", line)] == [
            "Pen 1",
            "Ink 2",
            "Pad 3",
        ], (kind, ending)


def test_every_case_built_in_every_kind(built: dict[tuple[str, str], Any]) -> None:
    for key, (_, report) in built.items():
        assert [d.one_line() for d in report.failures] == [], key
        assert len(report.built) == len(CASES), key


def _stages(case: Case, kind: str) -> tuple[Any, str, str]:
    """The shield key, the compiled and the inlined document of a case (no Jinja in them)."""
    from sestemplates.pipeline import inline, mjml, shield

    shielded, key = shield.shield(_source(case, kind))
    compiled = mjml.compile_mjml(shielded, file="t") if kind == "mjml" else shielded
    return key, compiled, inline.inline_css(compiled, file="t", keep=key.token_re)


BLOCK_CASES = [c for c in CASES if any(t.startswith(("{{#", "{{~#")) for t in _tags(c.html))]


@pytest.mark.parametrize("kind", ["mjml", "html"])
@pytest.mark.parametrize("case", BLOCK_CASES, ids=[c.id for c in BLOCK_CASES])
def test_guard_passes_the_case_and_catches_its_block_tag_moved(case: Case, kind: str) -> None:
    from sestemplates.pipeline import guard
    from sestemplates.pipeline.shield import tag_kind

    key, compiled, inlined = _stages(case, kind)
    assert guard.check_tokens("html", key, compiled, inlined) == []
    assert guard.check_positions(compiled, inlined, key) == []
    # Move the last block-opening tag to the very end of the body: the guard must see it.
    i = max(n for n, t in enumerate(key.tags) if tag_kind(t.text) == "open")
    token = key.token(i)
    moved = inlined.replace(token, "", 1).replace("</body>", token + "</body>", 1)
    assert moved.count(token) == 1
    problems = guard.check_tokens("html", key, compiled, moved)
    problems += guard.check_positions(compiled, moved, key)
    assert any(p.tag == key.tags[i] for p in problems), (case.id, kind)
