"""Two handlebars.js details, compared with handlebars.js 4.7.10 itself.

- A bare CR (`\\r` not followed by `\\n`) after a standalone tag is stripped with it:
  handlebars.js removes `/^[ \\t]*\\r?\\n?/` after the tag, so `"x\\n{{! c }}\\r"` is `"x\\n"`.
- Strings are UTF-16 in JavaScript: `lookup` and `.length` count code units, so `"a😀b"` has
  length 4, index 1 and 2 are the halves of the emoji and index 3 is "b"; two tags that print
  both halves print the emoji.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sestemplates.handlebars import render
from sestemplates.handlebars.jsvalue import get_property, utf8_text

from .hbsjs import HandlebarsJs, compare, node_or_skip

PROPERTY = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@pytest.fixture(scope="module")
def handlebars_js() -> Iterator[HandlebarsJs]:
    js = HandlebarsJs(node_or_skip())
    yield js
    js.close()


# --- bare CR after standalone tags ------------------------------------------------------------


@pytest.mark.parametrize(
    ("template", "expected"),
    [
        ("x\n{{! c }}\r", "x\n"),
        ("x\n{{! c }}\r\r\n", "x\n\r\n"),
        (" {{! c }} \r", ""),
        ("\r{{! c }}\r", "\r"),
        ("a\n{{#if t}}\r\nb\n{{/if}}\r", "a\nb\n"),
        ('{{#*inline "p"}}P{{/inline}}\n  {{> p}}\r', "\n  P"),
    ],
)
def test_bare_cr_after_a_standalone_tag_is_stripped(template: str, expected: str) -> None:
    assert render(template, {"t": True}) == expected


CR_TAGS = [
    "{{! c }}", "{{!-- c --}}", "{{#if t}}", "{{/if}}", "{{else}}", "{{^}}", "{{#each l}}",
    "{{/each}}", "{{> p}}", "{{v}}", "{{~v~}}", "x",
]  # fmt: skip
CR_SPACE = ["", " ", "\t", "\n", "\r", "\r\n", "\r\r\n", " \r", "\r \n", "\n\r", "\r\r"]


@st.composite
def cr_templates(draw: st.DrawFn) -> str:
    """Tags each followed by a run of spaces, CRs and LFs, so standalone rules apply."""
    pairs = draw(
        st.lists(st.tuples(st.sampled_from(CR_TAGS), st.sampled_from(CR_SPACE)), max_size=8)
    )
    body = draw(st.sampled_from(CR_SPACE)) + "".join(tag + space for tag, space in pairs)
    if "{{> p}}" in body or draw(st.booleans()):
        body = '{{#*inline "p"}}P\r{{/inline}}' + draw(st.sampled_from(CR_SPACE)) + body
    return body


@PROPERTY
@given(template=cr_templates(), t=st.booleans())
def test_carriage_returns_around_tags_match_handlebars_js(
    handlebars_js: HandlebarsJs, template: str, t: bool
) -> None:
    data = {"t": t, "l": [1, 2], "v": "V"}
    outcome = compare(handlebars_js, template, data)
    assert not outcome.startswith("MISMATCH"), f"{template!r}: {outcome}"


# --- UTF-16 string indexing -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("key", "expected"),
    [("0", "a"), ("1", "\ud83d"), ("2", "\ude00"), ("3", "b"), ("length", 4)],
)
def test_string_properties_count_utf16_units(key: str, expected: Any) -> None:
    assert get_property("a😀b", key) == expected


def test_lookup_on_non_bmp_strings() -> None:
    data = {"s": "a😀b", "e": "😀", "lone": "\ud83d"}
    assert render("{{lookup s 3}}", data) == "b"
    assert render("{{lookup e 0}}{{lookup e 1}}", data) == "😀"
    assert render("{{lookup s 1}}", data) == "\ud83d"
    assert render("{{lookup lone 0}}", data) == "\ud83d"
    assert utf8_text(render("[{{lookup s 1}}]", data)) == "[\ufffd]"


STRINGS = st.text(
    alphabet=st.sampled_from(["a", "é", "€", "😀", "𝄞", "\u200d", "\ufe0f", "\ud83d", "\udc00"]),
    max_size=6,
)
KEYS = st.sampled_from(["0", "1", "2", "3", "4", "5", "6", "length", "-1", "01"])


@st.composite
def index_templates(draw: st.DrawFn) -> str:
    tags = []
    for _ in range(draw(st.integers(1, 4))):
        key = draw(KEYS)
        literal = key if key.isdigit() and not key.startswith("0") else f'"{key}"'
        tags.append(
            draw(
                st.sampled_from(
                    [
                        "{{lookup s " + literal + "}}",
                        "{{#if (lookup s " + literal + ")}}y{{/if}}",
                        "{{#with (lookup s " + literal + ")}}[{{this}}]{{/with}}",
                        "{{s.[" + key + "]}}",
                        "{{#each l}}{{lookup ../s @index}}{{/each}}",
                    ]
                )
            )
        )
    return "|".join(tags)


@PROPERTY
@given(template=index_templates(), s=STRINGS)
def test_string_indexing_matches_handlebars_js(
    handlebars_js: HandlebarsJs, template: str, s: str
) -> None:
    data = json.loads(json.dumps({"s": s, "l": [0, 1, 2, 3]}))
    outcome = compare(handlebars_js, template, data)
    assert not outcome.startswith("MISMATCH"), f"{template!r} with {s!r}: {outcome}"
