"""The link rules on one rendered value."""

from __future__ import annotations

import pytest

from sestemplates.checks import codes
from sestemplates.lint.links import link_attrs, marked, problem, rendered_values


@pytest.mark.parametrize(
    ("url", "code"),
    [
        ("", codes.LINK_INVALID),
        ("   ", codes.LINK_INVALID),
        ("https://a.example/x y", codes.LINK_INVALID),
        ("https://a.example/<x>", codes.LINK_INVALID),
        ("https://a.example/100%", codes.LINK_INVALID),
        ("/relative/path", codes.LINK_INVALID),
        ("https://", codes.LINK_INVALID),
        ("mailto:", codes.LINK_INVALID),
        ("JavaScript:void(0)", codes.LINK_JAVASCRIPT),
        ("https://127.0.0.1/x", codes.LINK_LOCALHOST),
        ("https://[::1]/x", codes.LINK_LOCALHOST),
        ("https://app.localhost/x", codes.LINK_LOCALHOST),
        ("https://eu.staging.example.com/x", codes.LINK_FORBIDDEN_HOST),
        ("http://a.example/x", codes.LINK_INSECURE),
    ],
)
def test_problems(url: str, code: str) -> None:
    found = problem(url, True, ("staging.example.com",))
    assert found is not None and found[0] == code


@pytest.mark.parametrize(
    "url", ["https://a.example/x?y=1&z=%20", "mailto:a@b.example", "#top", "tel:+441234"]
)
def test_fine(url: str) -> None:
    assert problem(url, True, ("staging.example.com",)) is None


def test_http_is_fine_when_the_message_is_not_https() -> None:
    assert problem("http://a.example/x", False, ()) is None


def test_markers_survive_each_and_tie_values_to_their_attribute() -> None:
    from sestemplates.handlebars import render

    html = '<p>{{#each xs}}<a href="{{url}}">{{n}}</a>{{/each}}<img src="{{logo}}"></p>'
    links = link_attrs(html)
    assert [(x.element, x.attr, x.raw) for x in links] == [
        ("a", "href", "{{url}}"), ("img", "src", "{{logo}}")
    ]
    out = render(marked(html, links), {"xs": [{"url": "u1", "n": 1}, {"url": "u2", "n": 2}],
                                       "logo": "l"})
    assert rendered_values(out, links) == [(0, "u1"), (0, "u2"), (1, "l")]


def test_quotes_entities_and_unquoted_values() -> None:
    html = "<a class=x href='https://a.example/?a=1&amp;b=2'>x</a><IMG SRC=https://i.example/p.png>"
    links = link_attrs(html)
    assert [(x.element, x.raw, x.quote) for x in links] == [
        ("a", "https://a.example/?a=1&amp;b=2", "'"), ("img", "https://i.example/p.png", "")
    ]
    assert rendered_values(marked(html, links), links) == [
        (0, "https://a.example/?a=1&b=2"), (1, "https://i.example/p.png")
    ]


def test_a_value_the_build_escaped_or_requoted_is_found_in_the_source() -> None:
    from html import unescape

    from sestemplates.lint.links import LinkAttr, _find_value

    source = "<mj-button\n  href='https://a.example/?a=1&b= 2'>Go</mj-button>"
    built = LinkAttr("a", "href", "https://a.example/?a=1&amp;b= 2", 0, '"')
    assert _find_value(source, built, unescape(built.raw)) == source.index("https")
    empty = LinkAttr("a", "href", "", 0, '"')
    assert _find_value('<a href="">x</a>', empty, "") == 3
    assert _find_value('<a href="">x</a><a href="">y</a>', empty, "") == -1
