from __future__ import annotations

import html as htmllib
import re
from pathlib import Path

import pytest
from lxml import etree

from sestemplates.errors import SesTemplatesError
from sestemplates.pipeline.mjml import (
    compile_mjml,
    damaged_attributes,
    decode_attributes,
    expand_includes,
    normalise,
)

SOURCE = """<mjml><mj-body><mj-section><mj-column>
<mj-text><p title='say "hi"' data-x="C:\\dir\\{{id}}" style="color:red;
  font-size:12px">x</p></mj-text>
<mj-image src="https://x.example.com/a.png" alt='a "b" \\ 😀' />
<mj-raw><p class="a
b">raw</p></mj-raw>
</mj-column></mj-section></mj-body></mjml>"""


def attributes(html: str) -> dict[tuple[str, str], set[str]]:
    """(tag, attribute) → values, as an HTML reader understands them."""
    root = etree.fromstring(html, etree.HTMLParser())
    found: dict[tuple[str, str], set[str]] = {}
    for el in root.iter():
        if isinstance(el.tag, str):
            for name, value in el.attrib.items():
                found.setdefault((el.tag, str(name)), set()).add(str(value))
    return found


def test_unprotected_mrml_escapes_attributes_and_we_decode_them() -> None:
    import mjml

    source = (
        '<mjml><mj-body><mj-section><mj-column><mj-text><p data-x="C:\\dir\\{{id}}" '
        'title="👩\u200d💻 e\u0301\u00a0\u00ad\u200f\u05d0\tx">x</p></mj-text>'
        "</mj-column></mj-section></mj-body></mjml>"
    )
    raw = mjml.mjml2html(source)
    assert "\\u{200d}" in raw and "\\\\dir" in raw  # Rust debug escaping at work
    decoded, damaged = decode_attributes(raw)
    assert damaged == []
    attrs = attributes(decoded)
    assert attrs[("p", "data-x")] == {"C:\\dir\\{{id}}"}
    assert attrs[("p", "title")] == {"👩\u200d💻 e\u0301\u00a0\u00ad\u200f\u05d0\tx"}


def test_an_escape_rust_never_writes_is_damage() -> None:
    html = '<p title="a\\qb" data-x="\\u{110000}" class="ok">x</p>'
    assert damaged_attributes(html) == ['<p title="a\\qb">', '<p data-x="\\u{110000}">']


@pytest.mark.parametrize(
    ("char", "escape"),
    [("\u200d", "\\u{200d}"), ("\U000e0001", "\\u{e0001}"), ("\t", "\\t"), ("\r", "\\r"),
     ("\0", "\\0"), ("'", "\\'"), ('"', '\\"'), ("\\", "\\\\"), ("\n", "\\n"), ("\xad", "\\u{ad}")],
)
def test_every_escape_debug_form_is_decoded(char: str, escape: str) -> None:
    decoded, damaged = decode_attributes(f'<img alt="x{escape}y">')
    assert damaged == []
    assert attributes(decoded)[("img", "alt")] == {f"x{char}y".replace("\0", "\ufffd")}


def test_normalised_source_compiles_with_every_attribute_meaning_kept() -> None:
    out = compile_mjml(SOURCE, file="t.mjml")
    assert damaged_attributes(out) == []
    attrs = attributes(out)
    assert 'say "hi"' in attrs[("p", "title")]
    assert "C:\\dir\\{{id}}" in attrs[("p", "data-x")]
    assert "color:red;\n  font-size:12px" in attrs[("p", "style")]
    assert 'a "b" \\ 😀' in attrs[("img", "alt")]
    assert "a\nb" in attrs[("p", "class")]


def test_mjml_keeps_every_style_block_the_compiler_wrote() -> None:
    """mjml inlines only `mj-style inline="inline"`: the reset CSS, mj-style without inline
    and the components' own rules (mj-accordion) stay in <style> exactly as written."""
    from sestemplates.pipeline.inline import inline_css

    source = SOURCE.replace(
        "<mjml>",
        "<mjml><mj-head><mj-style>.red { color: red; }</mj-style>"
        '<mj-style inline="inline">.big { letter-spacing: 3px; }</mj-style></mj-head>',
    ).replace("<mj-text>", '<mj-text css-class="red big">', 1)
    out = compile_mjml(source, file="t.mjml")
    blocks = [b for b in re.findall(r"<style[^>]*>.*?</style>", out, re.DOTALL) if "big" not in b]
    inlined = inline_css(out, file="t.mjml", serialised=True)
    for block in blocks:
        assert block in inlined
    assert "<style type=\"text/css\">.red { color: red; }</style>" in inlined
    assert ".big" not in inlined.split("</head>")[0]
    assert re.search(r"class=\"red big\" style=\"[^\"]*letter-spacing:\s*3px", inlined)


def test_normalise_keeps_line_numbers_and_leaves_css_alone() -> None:
    css = '<mj-style>.q:before { content: "\\2014"; }</mj-style>'
    assert normalise(SOURCE).count("\n") == SOURCE.count("\n")
    assert normalise(css) == css


def test_mjml_error_names_file_and_line() -> None:
    with pytest.raises(SesTemplatesError) as err:
        compile_mjml("<mjml>\n<mj-body>\n<mj-text>x</mj-body></mjml>", file="t.mjml")
    assert err.value.file == "t.mjml" and err.value.message.startswith("MJML:")


def test_includes_resolve_relative_to_the_including_file(tmp_path: Path) -> None:
    (tmp_path / "a" / "parts").mkdir(parents=True)
    (tmp_path / "a" / "parts" / "one.mjml").write_text('<mj-include path="two.mjml" />')
    (tmp_path / "a" / "parts" / "two.mjml").write_text("<mj-text>{{two}}</mj-text>")
    root = tmp_path / "a" / "html.mjml"
    loaded: list[Path] = []
    out = expand_includes('<mj-include path="./parts/one.mjml"/>', root, tmp_path, str, loaded)
    assert out == "<mj-text>{{two}}</mj-text>"
    assert [p.name for p in loaded] == ["one.mjml", "two.mjml"]


def test_missing_include_is_named_with_its_line(tmp_path: Path) -> None:
    with pytest.raises(SesTemplatesError) as err:
        expand_includes(
            '\n\n<mj-include path="gone.mjml"/>', tmp_path / "h.mjml", tmp_path, str, []
        )
    assert "gone.mjml" in err.value.message and err.value.line == 3


def corpus_files(shared: Path) -> list[Path]:
    return sorted(
        p for p in (shared / "mjml-corpus").glob("*/*.mjml") if p.parent.name != "include"
    )


def test_corpus_compiles_without_attribute_damage(shared_dir: Path) -> None:
    """Every attribute of the corpus sources means exactly the same after compiling: raw HTML
    attributes keep their value byte for byte (newlines, quotes and backslashes included);
    the href/src/alt/title of mj-* components reach the HTML unchanged (a newline in an mj-*
    value is a space, on purpose; social and navbar links may be wrapped in longer URLs)."""
    files = corpus_files(shared_dir)
    assert len(files) >= 40
    checked = 0
    for path in files:
        source = path.read_text(encoding="utf-8")
        out = compile_mjml(source, file=path.name)
        assert damaged_attributes(out) == [], path.name
        compiled = attributes(out)
        by_name: dict[str, set[str]] = {}
        for (_, name), values in compiled.items():
            by_name.setdefault(name, set()).update(values)
        for m in re.finditer(r"<([a-z][a-z0-9-]*)\b([^<>]*?)/?>", source):
            tag = m[1]
            for a in re.finditer(r"([\w:-]+)\s*=\s*(?:\"([^\"]*)\"|'([^']*)')", m[2]):
                value = htmllib.unescape(a[2] if a[2] is not None else a[3])
                name = a[1].lower()
                if not tag.startswith("mj-"):
                    got = compiled.get((tag, name))
                    if got is None:
                        continue  # mrml moves some raw elements (e.g. into mso comments)
                    assert value in got, (path.name, tag, name, value, got)
                elif name in ("href", "src", "alt", "title") and value and tag != "mj-font":
                    value = re.sub(r"[\r\n\t]+", " ", value)
                    assert any(value in v for v in by_name.get(name, ())), (path.name, tag, value)
                else:
                    continue
                checked += 1
    assert checked > 600


def test_images_without_alt_get_an_empty_alt_like_mjml_writes() -> None:
    source = """<mjml><mj-body><mj-section><mj-column>
<mj-image src="a.png" /><mj-image src="b.png" alt="Logo" />
<mj-social><mj-social-element name="facebook" href="https://f.example">f</mj-social-element>
</mj-social>
<mj-carousel><mj-carousel-image src="c.png" /></mj-carousel>
<mj-text><img src="raw.png"></mj-text>
</mj-column></mj-section></mj-body></mjml>"""
    imgs = re.findall(r"<img\b[^>]*>", compile_mjml(source, file="t.mjml"))
    by_src = {re.search(r'src="([^"]*)"', i)[1]: i for i in imgs}  # type: ignore[index]
    assert 'alt=""' in by_src["a.png"] and 'alt="Logo"' in by_src["b.png"]
    assert 'alt=""' in by_src["c.png"]
    assert all('alt=""' in i for s, i in by_src.items() if "facebook" in s)
    assert "alt" not in by_src["raw.png"]  # the author's own HTML is left as written


def test_a_default_alt_from_mj_attributes_is_not_overridden() -> None:
    source = """<mjml><mj-head><mj-attributes><mj-image alt="Default" /></mj-attributes>
</mj-head><mj-body><mj-section><mj-column><mj-image src="a.png" /></mj-column></mj-section>
</mj-body></mjml>"""
    assert 'alt="Default"' in compile_mjml(source, file="t.mjml")
