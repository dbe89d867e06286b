from __future__ import annotations

from pathlib import Path

import pytest
from lxml import etree

from sestemplates.pipeline.guard import (
    check_compiled,
    check_derived_text,
    check_positions,
    check_tokens,
)
from sestemplates.pipeline.inline import inline_css
from sestemplates.pipeline.shield import shield

TABLE = """<html><body><table><tbody>
<tr><th>Item</th></tr>
{{#each items}}
<tr><td>{{name}}</td></tr>
{{/each}}
<tr><td>Total</td></tr>
</tbody></table></body></html>"""


def foster_parent(html: str) -> str:
    """What an HTML5 parser does with text between table rows: move it before the table."""
    root = etree.fromstring(html, etree.HTMLParser())
    for table in root.iter("table"):
        moved: list[str] = []
        for el in table.iter("tbody", "tr"):
            if el.text and el.text.strip():
                moved.append(el.text.strip())
                el.text = None
            if el.tag == "tr" and el.tail and el.tail.strip():
                moved.append(el.tail.strip())
                el.tail = None
        parent = table.getparent()
        assert parent is not None
        prev = table.getprevious()
        if prev is None:
            parent.text = (parent.text or "") + " ".join(moved)
        else:
            prev.tail = (prev.tail or "") + " ".join(moved)
    return etree.tostring(root, encoding="unicode", method="html")


def test_guard_passes_premailer_and_catches_foster_parenting() -> None:
    shielded, key = shield(TABLE)
    inlined = inline_css(shielded, file="t.html")
    assert check_tokens("html", key, shielded, inlined) == []
    assert check_positions(shielded, inlined, key) == []

    displaced = foster_parent(shielded)
    # {{/each}} now comes before {{name}}: the order check fails too.
    assert check_tokens("html", key, shielded, displaced)
    problems = check_positions(shielded, displaced, key)
    assert {p.tag.text for p in problems} >= {"{{#each items}}", "{{/each}}"}
    each = next(p for p in problems if p.tag.text == "{{#each items}}")
    assert each.tag.line == 3 and "displaced" in each.message


def test_position_check_alone_catches_a_move_that_keeps_the_order() -> None:
    shielded, key = shield(TABLE)
    token = key.token(0)  # {{#each items}}, moved from between the rows to before the table
    moved = shielded.replace(token, "").replace("<table>", f"{token}<table>")
    assert check_tokens("html", key, shielded, moved) == []
    problems = check_positions(shielded, moved, key)
    assert [p.tag.text for p in problems] == ["{{#each items}}"]
    assert "table[1], after tr[1]" in problems[0].message  # the implied tbody left out


def test_guard_catches_html5lib_foster_parenting() -> None:
    html5lib = pytest.importorskip("html5lib")
    shielded, key = shield(TABLE)
    reparsed = etree.tostring(
        html5lib.parse(shielded, treebuilder="lxml", namespaceHTMLElements=False),
        encoding="unicode",
        method="html",
    )
    assert check_positions(shielded, reparsed, key)


def test_lost_duplicated_and_reordered_tags_fail() -> None:
    shielded, key = shield("<p>{{a}} {{b}}</p>")
    t0, t1 = key.token(0), key.token(1)
    assert "lost" in check_tokens("html", key, shielded, f"<p>{t0}</p>")[0].message
    assert "duplicated" in check_tokens("html", key, shielded, f"<p>{t0}{t0} {t1}</p>")[0].message
    assert "out of order" in check_tokens("html", key, shielded, f"<p>{t1} {t0}</p>")[0].message
    assert "lost" in check_compiled(key, shielded, f"<p>{t1}</p>")[0].message
    # Attribute order inside one tag is not tag order.
    s2, k2 = shield('<img src="{{a}}" alt="{{b}}">')
    assert check_tokens("html", k2, s2, f'<img alt="{k2.token(1)}" src="{k2.token(0)}">') == []


def test_derived_text_needs_balanced_blocks() -> None:
    _, key = shield("{{#if a}}x{{/if}}{{b}}")
    assert check_derived_text(key, f"{key.token(0)}x{key.token(1)}") == []
    assert check_derived_text(key, f"{key.token(2)}") == []  # plain tags may be left out
    assert "closing" in check_derived_text(key, f"{key.token(0)}x")[0].message


def test_mj_head_elements_may_move_among_themselves_but_body_tags_may_not() -> None:
    source = (
        "<mjml><mj-head><mj-title>T {{a}}</mj-title><mj-preview>P {{b}} {{c}}</mj-preview>"
        "<mj-style>.x{color:{{d}}}</mj-style></mj-head>"
        "<mj-body>{{#if e}}<mj-text>{{f}}</mj-text>{{/if}}</mj-body></mjml>"
    )
    shielded, key = shield(source)
    t = [key.token(i) for i in range(len(key.tags))]
    # mrml: title and style into <head>, the preview to the top of the body.
    compiled = (
        f"<html><head><title>T {t[0]}</title><style>.x{{color:{t[3]}}}</style></head>"
        f"<body><div>P {t[1]} {t[2]}</div>{t[4]}<div>{t[5]}</div>{t[6]}</body></html>"
    )
    assert check_compiled(key, shielded, compiled) == []
    swapped_preview = compiled.replace(f"P {t[1]} {t[2]}", f"P {t[2]} {t[1]}")
    assert "out of order" in check_compiled(key, shielded, swapped_preview)[0].message
    swapped_body = compiled.replace(f"{t[4]}<div>{t[5]}</div>", f"<div>{t[5]}</div>{t[4]}")
    assert check_compiled(key, shielded, swapped_body)[0].tag.text == "{{#if e}}"


def test_derived_text_may_repeat_a_plain_tag_as_often_as_the_html() -> None:
    _, key = shield('<mj-social-element href="{{u}}">y</mj-social-element>{{#if a}}{{/if}}')
    u, if_open = key.token(0), key.token(1)
    html = f'<a href="{u}"><img></a><a href="{u}">y</a>{if_open}{key.token(2)}'  # mrml's copy
    assert check_derived_text(key, f"{u} y ({u})", html) == []
    assert "duplicated" in check_derived_text(key, f"{u}{u}{u}", html)[0].message
    assert "duplicated" in check_derived_text(key, f"{if_open}{if_open}", html)[0].message


@pytest.mark.parametrize("kind", ["html", "mjml"])
def test_html_nested_too_deep_is_named_as_such(tmp_path: Path, kind: str) -> None:
    """libxml2 stops at 256 levels and drops the rest: that is the error, not "tag lost"."""
    from sestemplates.config import load_config
    from sestemplates.pipeline import build_project

    deep = "<div>" * 300 + "{{name}}" + "</div>" * 300
    folder = tmp_path / "templates" / "deep"
    folder.mkdir(parents=True)
    (folder / "subject.txt").write_text("Hi\n")
    if kind == "html":
        head = "<head><style>p { color: red; }</style></head>"
        body = f"<!doctype html><html>{head}<body>{deep}</body></html>"
    else:
        body = f"<mjml><mj-body><mj-raw>{deep}</mj-raw></mj-body></mjml>"
    (folder / f"html.{kind}").write_text(body)
    report = build_project(load_config(tmp_path), [], jobs=1)
    [failure] = report.failures
    assert failure.file == f"templates/deep/html.{kind}"
    assert "nested deeper than the HTML parser allows" in failure.message
    assert "lost" not in failure.message.split(";")[0]
