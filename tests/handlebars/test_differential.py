"""Differential test: random templates of the supported grammar × random JSON data, rendered by
our engine and by handlebars.js 4.7.10 (noEscape, strict and not) in one long-lived node process.

Every result must be the same output, an error on both sides, or one of the deliberate SES
differences documented in docs/handlebars-conformance.md (classified by `_documented`).
More examples: SESTEMPLATES_DIFF_EXAMPLES=5000 pytest tests/handlebars/test_differential.py
"""

from __future__ import annotations

import json
import os
from collections import Counter
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from .hbsjs import HandlebarsJs, compare, node_or_skip

EXAMPLES = int(os.environ.get("SESTEMPLATES_DIFF_EXAMPLES", "300"))
DIFF = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

KEYS = ["a", "b", "n", "s", "items", "user", "title", "name"]

# --- data ---------------------------------------------------------------------------------

_TEXT = st.text(alphabet="ab <>&\"'`=/\n\t{}é€😀", max_size=8)
_NUMBERS = st.one_of(
    st.integers(-3, 3),
    st.sampled_from([0, -0.0, 1.0, 0.1, -2.5, 1e21, 1.5e-7, 123456789.125, 2**53 + 1, -(10**22)]),
    st.floats(allow_nan=False, allow_infinity=False),
)
_SCALARS = st.one_of(st.none(), st.booleans(), _NUMBERS, _TEXT)
JSON_VALUES = st.recursive(
    _SCALARS,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.sampled_from(KEYS), inner),
    max_leaves=12,
)


@st.composite
def _data(draw: st.DrawFn) -> dict[str, Any]:
    # Most keys present (so most templates render), some missing (so strict errors happen).
    return {key: draw(JSON_VALUES) for key in KEYS if draw(st.integers(0, 5))}


DATA = _data()

# --- templates ----------------------------------------------------------------------------

_SIMPLE_PATHS = [
    *KEYS,
    "user.name",
    "items.title",
    "a.b",
    "items.length",
    "items.[0]",
    "this",
    ".",
    "this.name",
    "./title",
    "../a",
    "../name",
    "../../s",
    "@root.a",
    "@root.user.name",
    "@index",
    "@key",
    "@first",
    "@last",
    "@../index",
    "it",
    "it.title",
    "ix",
    "[a]",
    "user.[name]",
    "this.[title]",
]
PATHS = st.sampled_from(_SIMPLE_PATHS)
SECTION_NAMES = st.sampled_from([*KEYS, "user.name", "a.b"])
TEXTS = st.lists(
    st.sampled_from(["x", " ", "  ", "\n", "\n  ", "\r\n", "\r", "\t", "<b>&amp;</b>", "\\{{a}}"]),
    min_size=1,
    max_size=3,
).map("".join)


def _tilde(draw: st.DrawFn) -> tuple[str, str]:
    return ("~" if draw(st.booleans()) else "", "~" if draw(st.booleans()) else "")


@st.composite
def _value_tag(draw: st.DrawFn) -> str:
    left, right = _tilde(draw)
    path = draw(PATHS)
    form = draw(st.sampled_from(["{{%s}}", "{{{%s}}}", "{{&%s}}", "{{ %s }}"]))
    if form == "{{{%s}}}":
        return "{{{" + left + path + right + "}}}"
    return "{{" + left + (form[2:-2] % path) + right + "}}"


@st.composite
def _lookup(draw: st.DrawFn) -> str:
    obj = draw(st.sampled_from(["user", "items", ".", "this", "../user", "it", "@root"]))
    key = draw(st.sampled_from(['"name"', '"title"', "'a'", "0", "1", "ix", "@index", "@key"]))
    return "{{lookup " + obj + " " + key + "}}"


def _comment(draw: st.DrawFn) -> str:
    left, right = _tilde(draw)
    body = draw(st.sampled_from(["! c ", "!", "!-- {{a}} --", "!--\nmulti\n--"]))
    return "{{" + left + body + right + "}}"


@st.composite
def _block(draw: st.DrawFn, body: st.SearchStrategy[str]) -> str:
    kind = draw(st.sampled_from(["if", "unless", "each", "with", "section", "inverted"]))
    o1, o2 = _tilde(draw)
    c1, c2 = _tilde(draw)
    if kind in ("section", "inverted"):
        name = draw(SECTION_NAMES)
        opener = "{{" + o1 + ("#" if kind == "section" else "^") + name + o2 + "}}"
        closer = "{{" + c1 + "/" + name + c2 + "}}"
    else:
        if kind in ("if", "unless"):
            literals = ['"0"', '""', "0", "1", "true", "null", "(lookup user 'name')"]
            arg = draw(st.one_of(PATHS, PATHS, PATHS, st.sampled_from(literals)))
            if draw(st.integers(0, 5)) == 0:
                arg += " includeZero=true"
        elif kind == "each":
            arg = draw(st.sampled_from([*KEYS, "this", ".", "../items", "@root.items", "it"]))
            arg = draw(st.sampled_from([arg, arg, f"{arg} as |it ix|", f"{arg} as |it|"]))
            if draw(st.integers(0, 6)) == 0:
                arg = "(lookup . 'items')"
        else:
            arg = draw(st.sampled_from([*KEYS, "user.name", "../user", "it", "(lookup user 'a')"]))
            arg = draw(st.sampled_from([arg, arg, f"{arg} as |it|"]))
        opener = "{{" + o1 + "#" + kind + " " + arg + o2 + "}}"
        closer = "{{" + c1 + "/" + kind + c2 + "}}"
    parts = [opener, draw(body)]
    if draw(st.integers(0, 3)) == 0:
        # `{{else helper …}}` chains any block helper, not only `if`.
        e1, e2 = _tilde(draw)
        chained = draw(st.sampled_from(["if", "if", "unless", "with", "each"]))
        parts += ["{{" + e1 + f"else {chained} " + draw(PATHS) + e2 + "}}", draw(body)]
    if draw(st.integers(0, 2)) == 0:
        e1, e2 = _tilde(draw)
        parts += [draw(st.sampled_from(["{{" + e1 + "else" + e2 + "}}", "{{^}}"])), draw(body)]
    parts.append(closer)
    return "".join(parts)


@st.composite
def _partial_call(draw: st.DrawFn) -> str:
    name = draw(st.sampled_from(["p", "q"]))
    args = draw(st.sampled_from(["", " user", " it", " this", " items", ' x="X"', " x=a", " a=n"]))
    left, right = _tilde(draw)
    tag = "{{" + left + "> " + name + args + right + "}}"
    # Standalone partials indent every line of their output: put some on their own line.
    if draw(st.booleans()):
        return "\n" + draw(st.sampled_from(["", " ", "  ", "\t"])) + tag + "\n"
    return tag


@st.composite
def _comment_tag(draw: st.DrawFn) -> str:
    return _comment(draw)


def _bodies(with_partials: bool) -> st.SearchStrategy[str]:
    leaf = st.one_of(
        TEXTS,
        TEXTS,
        _value_tag(),
        _value_tag(),
        _lookup(),
        _comment_tag(),
        *([_partial_call()] if with_partials else []),
    )
    return st.recursive(
        leaf,
        lambda inner: st.one_of(
            st.lists(inner, min_size=1, max_size=4).map("".join),
            _block(st.lists(inner, max_size=3).map("".join)),
        ),
        max_leaves=14,
    )


@st.composite
def templates(draw: st.DrawFn) -> str:
    if not draw(st.booleans()):
        return draw(_bodies(False))
    # Inline partials: defined first (their bodies call no partial), used anywhere.
    defs = []
    for name in ("p", "q"):
        inner = draw(_bodies(False))
        lead = draw(st.sampled_from(["", "\n", "  "]))
        trail = draw(st.sampled_from(["", "\n"]))
        defs.append(f'{lead}{{{{#*inline "{name}"}}}}{inner}{{{{/inline}}}}{trail}')
    return "".join(defs) + draw(_bodies(True))


@pytest.fixture(scope="module")
def handlebars_js() -> Iterator[HandlebarsJs]:
    js = HandlebarsJs(node_or_skip())
    yield js
    js.close()


OUTCOMES: Counter[str] = Counter()


@DIFF
@given(template=templates(), data=DATA)
def test_random_templates_match_handlebars_js(
    handlebars_js: HandlebarsJs, template: str, data: dict[str, Any]
) -> None:
    data = json.loads(json.dumps(data))  # exactly what node sees
    outcome = compare(handlebars_js, template, data)
    OUTCOMES[outcome.split(":")[0]] += 1
    assert not outcome.startswith("MISMATCH"), f"{template!r} with {data!r}: {outcome}"


def test_the_generator_reaches_both_outputs_and_errors() -> None:
    # Runs after the property test in this module (pytest keeps file order): the random
    # templates must not all end the same way, or the comparison would prove little.
    if not OUTCOMES:
        pytest.skip("the differential test did not run")
    print(dict(OUTCOMES))
    assert OUTCOMES["same"] > EXAMPLES // 10
    assert OUTCOMES["both-error"] > 0


# --- parsing: random edits of generated templates ------------------------------------------

_EDITS = ["{{", "}}", "{", "}", "#", "/", "^", "~", "!", "--", "else", " ", "\n", "|", "=", '"']


@st.composite
def _mutated(draw: st.DrawFn) -> str:
    text = draw(templates())
    for _ in range(draw(st.integers(1, 3))):
        pos = draw(st.integers(0, len(text)))
        if draw(st.booleans()):
            text = text[:pos] + draw(st.sampled_from(_EDITS)) + text[pos:]
        else:
            text = text[:pos] + text[pos + draw(st.integers(1, 4)) :]
    return text


def _parse_failure(error: str) -> bool:
    return error.startswith(("Parse error", "Lexical error")) or "doesn't match" in error


# We check a built-in's argument count when parsing; handlebars.js only when the tag runs, so a
# wrong count in a branch or partial that never runs renders there (a documented difference).
_ARITY_MESSAGES = ("requires exactly", "must be a block with one argument", "at most one context")


def _arity_error(message: str) -> bool:
    return any(m in message for m in _ARITY_MESSAGES)


def _rejected(template: str, js: dict[str, Any]) -> bool:
    """Whether we reject `template`. A rejection for its syntax (not for a feature SES lacks,
    not for a built-in's argument count) must be one handlebars.js cannot render either."""
    from sestemplates.handlebars import TemplateSyntaxError, parse

    try:
        parse(template)
    except TemplateSyntaxError as exc:
        if exc.code == "syntax" and not _arity_error(exc.message):
            assert "error" in js, f"{template!r}: we say {exc}, handlebars.js renders {js}"
        return True
    return False


@DIFF
@given(template=_mutated(), data=DATA)
def test_mutated_templates_parse_where_handlebars_js_parses(
    handlebars_js: HandlebarsJs, template: str, data: dict[str, Any]
) -> None:
    """A template handlebars.js cannot parse, we reject; one we reject for its syntax (not for
    a feature SES lacks), handlebars.js cannot render either."""
    data = json.loads(json.dumps(data))
    js = handlebars_js.render(template, data, strict=False)
    if _rejected(template, js):
        return
    assert not _parse_failure(js.get("error", "")), f"{template!r}: we parse it; {js}"
