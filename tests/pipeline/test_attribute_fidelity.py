"""Every attribute value comes out of the whole build exactly as it was written in the source,
for characters of every Unicode general category, in every kind of attribute, next to and
inside Handlebars tags (mrml's Rust debug escaping of attribute values is fully undone)."""

from __future__ import annotations

import re
import sys
import unicodedata
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from sestemplates.config import load_config
from sestemplates.pipeline.pipeline import build_template
from sestemplates.project import discover

# Every general category but Cs: surrogates cannot be written in a UTF-8 file.
CATEGORIES = [
    "Lu", "Ll", "Lt", "Lm", "Lo", "Mn", "Mc", "Me", "Nd", "Nl", "No", "Pc", "Pd", "Ps", "Pe",
    "Pi", "Pf", "Po", "Sm", "Sc", "Sk", "So", "Zs", "Zl", "Zp", "Cc", "Cf", "Co", "Cn",
]
# What Jinja or Handlebars would read as their own syntax.
DELIMITERS = ("{{", "}}", "[[", "]]", "{%", "%}", "[#", "#]")

# (mj element or raw HTML inside mj-text, output tag, attribute); CSS-valued mj-* attributes
# are checked inside the style attribute mrml composes.
TEMPLATE = """<mjml><mj-body><mj-section><mj-column>
<mj-image src="https://img.example.com/a.png?v=SRC" alt="ALT" title="TITLE" href="HREF" />
<mj-button href="BHREF" font-family="FONT">Go</mj-button>
<mj-navbar><mj-navbar-link href="NHREF">n</mj-navbar-link></mj-navbar>
<mj-text><a href="RHREF" title="RTITLE" style="color:red;RSTYLE" data-x="RDATA">x</a>
<img src="i.png" alt="RALT"></mj-text>
</mj-column></mj-section></mj-body></mjml>
"""
SLOTS = {
    "SRC": ("img", "src", "https://img.example.com/a.png?v="),
    "ALT": ("img", "alt", ""),
    "TITLE": ("img", "title", ""),
    "HREF": ("a", "href", ""),
    "BHREF": ("a", "href", ""),
    "NHREF": ("a", "href", ""),
    "RHREF": ("a", "href", ""),
    "RTITLE": ("a", "title", ""),
    "RSTYLE": ("a", "style", "color:red;"),
    "RDATA": ("a", "data-x", ""),
    "RALT": ("img", "alt", ""),
}
_TAG_RE = re.compile(
    r"<([a-zA-Z][\w-]*)((?:\s+[^\s=/>\"']+(?:\s*=\s*(?:\"[^\"]*\"|'[^']*'))?)*)\s*/?>"
)
_ATTR_RE = re.compile(r"([^\s=/>\"']+)(?:\s*=\s*(?:\"([^\"]*)\"|'([^']*)'))?")
_CP1252 = {0x80: "\u20ac", 0x82: "\u201a", 0x83: "\u0192", 0x84: "\u201e", 0x85: "\u2026"}


def _charref(m: re.Match[str]) -> str:
    """A character reference as the HTML standard reads it in an attribute value."""
    if m[1] is None:
        import html

        return html.unescape(m[0])
    code = int(m[1][1:], 16) if m[1][0] in "xX" else int(m[1])
    if code == 0 or code > 0x10FFFF or 0xD800 <= code <= 0xDFFF:
        return "\ufffd"
    return _CP1252.get(code, chr(code))  # 0x80-0x9F map to windows-1252 (none written here)


def decoded(raw: str) -> str:
    """An attribute's text as a browser reads it: line breaks normalised to LF (the HTML
    input stream does that to the whole document), then character references."""
    raw = raw.replace("\r\n", "\n").replace("\r", "\n")
    return re.sub(r"&(?:#([xX][0-9a-fA-F]+|\d+);|[A-Za-z][A-Za-z0-9]*;)", _charref, raw)


def html_attributes(document: str) -> dict[tuple[str, str], list[str]]:
    """(tag, attribute) → values, decoded the way a browser decodes them."""
    found: dict[tuple[str, str], list[str]] = {}
    for tag in _TAG_RE.finditer(document):
        for a in _ATTR_RE.finditer(tag[2]):
            raw = a[2] if a[2] is not None else a[3] if a[3] is not None else ""
            value = decoded(raw)
            found.setdefault((tag[1].lower(), a[1].lower()), []).append(value)
    return found


def source_form(value: str) -> str:
    """The value as an author writes it in a double-quoted attribute: references outside the
    Handlebars tags, the tags as they are."""
    parts = re.split(r"(\{\{.*?\}\})", value, flags=re.DOTALL)
    return "".join(
        p if i % 2 else p.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;")
        for i, p in enumerate(parts)
    )


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("fidelity")
    (root / "sestemplates.toml").write_text("[vars]\n", encoding="utf-8")
    folder = root / "templates" / "attrs"
    folder.mkdir(parents=True)
    (folder / "subject.txt").write_text("Hi\n", encoding="utf-8")
    (folder / "html.mjml").write_text(TEMPLATE, encoding="utf-8")
    return root


def build(project: Path, document: str) -> str:
    (project / "templates" / "attrs" / "html.mjml").write_text(document, encoding="utf-8")
    config = load_config(project)
    result = build_template(config, discover(config).templates[0])
    assert result.built is not None, [d.message for d in result.failures]
    return result.built.html


def values(category: str) -> st.SearchStrategy[str]:
    text = st.text(st.characters(categories=[category]), min_size=1, max_size=6)  # type: ignore[list-item]
    return text.filter(lambda v: not any(d in v for d in DELIMITERS))


PLACES = {
    "alone": "{}",
    "before a tag": "{}{{{{name}}}}",
    "after a tag": "{{{{name}}}}{}",
    "inside a tag": "{{{{t '{}'}}}}",
    "between tags": "{{{{#if a}}}}{}{{{{else}}}}{{{{b}}}}{}{{{{/if}}}}",
}


@pytest.mark.parametrize("category", CATEGORIES)
@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.filter_too_much],
    derandomize=True,
)
@given(data=st.data())
def test_attribute_values_survive_the_build(
    project: Path, category: str, data: st.DataObject
) -> None:
    value = data.draw(values(category), label="value")
    place = data.draw(st.sampled_from(sorted(PLACES)), label="place")
    written = PLACES[place].format(value, value)
    # Handlebars string literals have no escapes; the attribute's own quote would end it.
    assume(place != "inside a tag" or not any(c in value for c in "'\"\\&"))
    # A CSS-valued mj-* attribute: a line break there is a space (mrml's CSS reader stops at one).
    css_value = re.sub(r"[\t\n\r]+", " ", written)
    slots = re.compile(r"\b(?:FONT|" + "|".join(SLOTS) + r")\b")
    document = slots.sub(
        lambda m: source_form(css_value if m[0] == "FONT" else written), TEMPLATE
    )
    out = html_attributes(build(project, document))
    for slot, (tag, name, prefix) in SLOTS.items():
        expected = prefix + decoded(source_form(written))
        assert expected in out.get((tag, name), []), (slot, ascii(expected), category)
    styles = out.get(("a", "style"), []) + out.get(("td", "style"), [])
    font = decoded(source_form(css_value))
    assert any(f"font-family:{font};" in s for s in styles), (ascii(css_value), category)


def test_every_category_is_covered() -> None:
    seen = {unicodedata.category(chr(c)) for c in range(sys.maxunicode + 1)}
    assert seen - {"Cs"} == set(CATEGORIES)
