"""Our renderer against handlebars.js 4.7.10 itself (noEscape) on our own templates."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import pytest

from sestemplates.handlebars import HandlebarsError, RenderError, render
from tests.needs import node_with

HERE = Path(__file__).resolve().parent

DATA: dict[str, Any] = {
    "name": "Ada",
    "firstName": "Ada",
    "count": 3,
    "price": 12.5,
    "zero": 0,
    "big": 1e21,
    "small": 1.5e-7,
    "flag": True,
    "off": False,
    "empty": "",
    "tags": ["a", "b", "c"],
    "none": [],
    "user": {"name": "Grace", "address": {"city": "Arlington"}, "vip": True},
    "items": [
        {"title": "Book", "qty": 1, "price": 9.99},
        {"title": "Pen", "qty": 10, "price": 1.0},
    ],
    "prices": {"b": 2, "a": 1, "10": "ten", "2": "two"},
    "html": "<b>bold</b> & 'quotes'",
    "nested": [[1, 2], [3]],
}

TEMPLATES = [
    "Hello {{name}}!",
    "{{html}} {{{html}}} {{&html}}",
    "{{count}} {{price}} {{zero}} {{big}} {{small}} {{flag}} {{off}} {{tags}} {{user}} {{nested}}",
    "{{count}}{{count}} {{flag}}{{flag}}",
    "{{user.name}} {{user/address/city}} {{user.address.city}} {{this.name}} {{./name}}",
    "{{#if flag}}yes{{else}}no{{/if}} {{#if zero}}z{{else}}nz{{/if}} {{#if none}}n{{else}}e{{/if}}",
    "{{#if zero includeZero=true}}zero counts{{/if}}",
    "{{#unless off}}not off{{/unless}} {{#unless flag}}x{{else}}flag{{/unless}}",
    "{{#if off}}a{{else if zero}}b{{else if count}}c{{else}}d{{/if}}",
    "{{#each items}}{{@index}}:{{title}}x{{qty}}={{price}}{{#if @first}} first{{/if}}"
    "{{#if @last}} last{{/if}};{{/each}}",
    "{{#each prices}}{{@key}}={{this}},{{/each}}",
    "{{#each none}}x{{else}}nothing{{/each}}",
    "{{#each items as |item i|}}{{i}}.{{item.title}} of {{../name}} {{/each}}",
    "{{#each tags}}{{this}}{{#unless @last}}, {{/unless}}{{/each}}",
    "{{#each items}}{{#each ../tags}}{{@../index}}{{@index}} {{/each}}{{/each}}",
    "{{#with user}}{{name}} in {{address.city}} ({{../name}}){{/with}}",
    "{{#with user as |u|}}{{u.name}}{{/with}} {{#with none}}x{{else}}no user{{/with}}",
    "{{lookup user 'name'}} {{lookup tags 1}} {{#with (lookup items 0)}}{{title}}{{/with}}",
    "{{#tags}}[{{.}}]{{/tags}} {{#user}}{{name}}{{/user}} {{#flag}}on{{/flag}}",
    "{{^none}}empty{{/none}} {{^flag}}x{{else}}flag{{/flag}}",
    "{{@root.name}} {{#each items}}{{@root.user.name}}{{/each}}",
    "{{! a comment }}{{!-- a {{long}} comment --}}done",
    "<ul>\n  {{#each items}}\n  <li>{{title}}</li>\n  {{/each}}\n</ul>\n",
    "{{#if flag}}\n  yes\n{{else}}\n  no\n{{/if}}\n",
    "a  {{~name~}}  b {{name~}}\n\n c",
    "\\{{name}} \\\\{{name}}",
    '{{#*inline "row"}}<td>{{title}}</td>{{/inline}}{{#each items}}{{> row}}{{/each}}',
    '{{#*inline "who"}}{{name}}/{{greeting}}{{/inline}}{{> who user greeting="hi"}}',
    '{{#*inline "p"}}line1\nline2\n{{/inline}}<div>\n  {{> p}}\n</div>',
    "{{#each user}}{{@key}};{{/each}}",
    "{{#with user}}{{#with address}}{{city}}-{{../name}}-{{../../name}}{{/with}}{{/with}}",
    "{{{{raw}}}}{{not parsed}}{{{{/raw}}}}",
    "{{[firstName]}} {{user.[name]}}",
    "{{#each nested}}{{#each this}}{{this}}{{/each}}|{{/each}}",
    "Total: {{#each items}}{{price}}{{#unless @last}}+{{/unless}}{{/each}}",
]


def _node() -> str:
    return node_with("handlebars")


def run_handlebars_js(cases: list[dict[str, Any]]) -> list[dict[str, str]]:
    """Render [{template, data, strict}] with handlebars.js; [{output} | {error}]."""
    proc = subprocess.run(
        [_node(), str(HERE / "hbs_render.js")],
        input=json.dumps(cases),
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    results: list[dict[str, str]] = json.loads(proc.stdout)
    return results


@pytest.fixture(scope="module")
def js_outputs() -> list[dict[str, str]]:
    data = DATA | {"raw": True}
    return run_handlebars_js([{"template": t, "data": data} for t in TEMPLATES])


@pytest.mark.parametrize("index", range(len(TEMPLATES)))
def test_matches_handlebars_js(js_outputs: list[dict[str, str]], index: int) -> None:
    expected = js_outputs[index]
    assert "output" in expected, expected
    assert render(TEMPLATES[index], DATA | {"raw": True}) == expected["output"]


def test_strict_mode_errors_are_render_errors() -> None:
    cases = [
        ("{{missing}}", {}),
        ("{{user.missing}}", {"user": {}}),
        ("{{#each items}}{{title}}{{/each}}", {"items": [{"title": "a"}, {}]}),
        ("{{#missing}}x{{/missing}}", {}),
        ("{{#if a.b}}x{{/if}}", {}),
    ]
    results = run_handlebars_js([{"template": t, "data": d, "strict": True} for t, d in cases])
    for (template, data), result in zip(cases, results, strict=True):
        assert "error" in result, template
        with pytest.raises(Exception) as info:
            render(template, data)
        assert type(info.value).__name__ == "RenderError", template


# Corner cases compared with handlebars.js in strict mode (the spec's SES semantics): the same
# output, or an error in both.
STRICT_DATA: dict[str, Any] = {
    "a": {"b": {"c": "C"}},
    "list": [1, 2],
    "obj": {"x": 1, "y": 2},
    "s": "str",
    "n": 5,
    "t": True,
    "f": False,
    "名前": "名",
    "items": [{"k": "v1", "sub": [10, 20]}, {"k": "v2", "sub": []}],
    "raw": "R",
    "e": "",
    "z": 0,
    "deep": {"list": [{"o": {"p": "P"}}]},
}
STRICT_TEMPLATES = [
    "{{#each obj as |v k|}}{{k}}={{v}}{{@index}};{{/each}}",
    '{{#*inline "p"}}{{@index}}:{{this}}{{/inline}}{{#each list}}{{> p}}{{/each}}',
    '{{#*inline "p"}}{{@root.s}}{{/inline}}{{#with a}}{{> p}}{{/with}}',
    "{{{{raw}}}}{{x}}{{{{/raw}}}}",
    "{{#with a}}{{@root.s}}{{else}}no{{/with}}",
    '{{#if true}}T{{/if}}{{#if "0"}}S{{/if}}{{#if 0}}Z{{else}}z{{/if}}',
    "{{lookup . 'a'}}",
    "{{#each items}}{{#each sub}}{{@../index}}.{{@index}}={{this}} {{/each}}{{/each}}",
    "{{#each items}}{{#each sub}}{{@../key}} {{/each}}{{/each}}",
    "{{名前}}",
    "a\r\n{{#if t}}\r\nb\r\n{{/if}}\r\nc",
    "{{#each list}}\n{{.}}\n{{else}}\nnone\n{{/each}}\n",
    '{{#each (lookup deep "list")}}{{o.p}}{{/each}}',
    "{{#each items key=1}}{{k}}{{/each}}",
    "{{#if e}}x{{else}}empty{{/if}}{{#with e}}x{{else}}we{{/with}}{{#with z}}[{{.}}]{{/with}}",
    "{{#list}}{{.}}{{@index}}{{/list}}",
    "{{#obj}}{{x}}{{/obj}}{{#s}}{{.}}{{/s}}{{#n}}{{.}}{{/n}}",
    "{{#a.b}}{{c}}{{/a.b}}",
    "{{#a}}{{#b}}{{c}}{{../../s}}{{/b}}{{/a}}",
    "{{#with a}}{{#with b}}{{../../s}}{{../b.c}}{{/with}}{{/with}}",
    "{{#if t}}{{#if t}}{{../s}}{{/if}}{{/if}}",
    "{{#each list}}{{#if @first}}F{{else if @last}}L{{/if}}{{/each}}",
    "{{#unless f}}u{{else if t}}x{{/unless}}",
    "{{^f}}nf{{else}}f{{/f}}",
    "{{#each list}}{{@key}}{{/each}}",
    "{{#with obj as |o|}}{{o.x}}{{#each list as |l|}}{{o.y}}{{l}}{{/each}}{{/with}}",
    " {{#if t}} \n x \n {{/if}} ",
    "{{#if t}}\n{{#if t}}\n  x\n{{/if}}\n{{/if}}\n",
    '{{#*inline "row"}}\n<tr>{{k}}</tr>\n{{/inline}}\n<table>\n'
    "{{#each items}}\n  {{> row}}\n{{/each}}\n</table>\n",
    '{{> p}}{{#*inline "p"}}P{{/inline}}',
    '{{#*inline "p"}}{{x}}{{/inline}}{{> p obj}}{{> p x="h"}}{{> p obj x=n}}',
    "  {{!-- c --}}  \nx",
    "{{! c }}\n{{! d }}\nx",
    "{{#each list}}{{this}}{{~/each}}",
    "{{#if t~}}   x   {{~/if}}",
    "{{~#if t}} a {{~else~}} b {{/if~}} ",
    "x {{~!c~}} y",
    "{{#each obj}}{{@first}}{{@last}},{{/each}}",
    '{{"s"}}{{1}}',
    "{{a.[b].c}}{{a/b/c}}",
    "{{#each list}}{{../n}}{{/each}}",
    "{{log s}}x",
    '{{lookup list 1}}{{lookup list "1"}}{{lookup obj "x"}}',
    "{{list.length}}{{list.[1]}}",
    "{{#each items}}{{#if sub}}{{sub.length}}{{/if}}{{/each}}",
    "{{.}}",
    "{{#with (lookup items 1)}}{{k}}{{/with}}",
    "{{#each list}}{{@last}}{{/each}}",
    "\\{{a}} \\\\{{s}} \\\\\\{{s}}",
    "{{{s}}}{{& s}}{{ s }}{{s~}} {{~ s}}",
    "{{#each items}}{{#with sub}}{{@index}}{{/with}}{{/each}}",
    "{{#each list}}{{#each ../list}}{{../this}}{{/each}}{{/each}}",
]


@pytest.fixture(scope="module")
def js_strict_outputs() -> list[dict[str, str]]:
    return run_handlebars_js(
        [{"template": t, "data": STRICT_DATA, "strict": True} for t in STRICT_TEMPLATES]
    )


@pytest.mark.parametrize("index", range(len(STRICT_TEMPLATES)))
def test_matches_handlebars_js_strict(js_strict_outputs: list[dict[str, str]], index: int) -> None:
    expected = js_strict_outputs[index]
    template = STRICT_TEMPLATES[index]
    if "error" in expected:
        with pytest.raises(RenderError):
            render(template, STRICT_DATA)
    else:
        assert render(template, STRICT_DATA) == expected["output"]


# Cases in the style of the handlebars.js and Mustache specs, each with its own data.
STRICT_CASES: list[tuple[str, dict[str, Any]]] = [
    ('"{{#list}}({{#.}}{{.}}{{/.}}){{/list}}"', {"list": [[1, 2, 3], ["a", "b", "c"]]}),
    ('"{{#list}}({{.}}){{/list}}"', {"list": [1.10, 2.20, 3.30]}),
    ("{{#a}}{{b.c}}{{/a}}", {"a": {"b": {}}, "b": {"c": "ERROR"}}),
    ("|\r\n{{#boolean}}\r\n{{/boolean}}\r\n|", {"boolean": True}),
    ("  {{#boolean}}\n#{{/boolean}}\n/", {"boolean": True}),
    ("#{{#boolean}}\n/\n  {{/boolean}}", {"boolean": True}),
    ("|{{# boolean }}={{/ boolean }}|", {"boolean": True}),
    (
        '"{{#bool}}* first{{/bool}}\n* {{two}}{{#bool}}* third{{/bool}}"',
        {"bool": True, "two": "second"},
    ),
    ("{{mph}} miles an hour! {{{mph}}} {{&power}}", {"mph": 85, "power": 1.210}),
    ("|{{ string }}|{{{ string }}}|{{& string }}|", {"string": "---"}),
    (" | {{^boolean}}\t|\t{{/boolean}} | \n", {"boolean": False}),
    ("| This Is\n{{^boolean}}\n|\n{{/boolean}}\n| A Line\n", {"boolean": False}),
    ("  {{^boolean}}\n^{{/boolean}}\n/", {"boolean": False}),
    ('"{{#a}}{{one}}{{#b}}{{one}}{{two}}{{/b}}{{/a}}"', {"a": {"one": 1}, "b": {"two": 2}}),
    ("{{#list}}{{#first}}{{name}}{{/first}}{{/list}}", {"list": [{"first": {"name": "x"}}]}),
    ("{{#each list}}{{#each this}}{{this}}{{/each}}{{/each}}", {"list": [[1], {"a": 2}]}),
    (
        "{{#goodbyes}}{{@index}}. {{text}}! {{/goodbyes}}",
        {"goodbyes": [{"text": "a"}, {"text": "b"}]},
    ),
    (
        "{{#each goodbyes}}{{@key}}. {{text}}! {{/each}}",
        {"goodbyes": {"<b>#1</b>": {"text": "goodbye"}, "2": {"text": "GOODBYE"}}},
    ),
    ("{{#each goodbyes}}{{text}}{{else}}empty{{/each}}", {"goodbyes": {}}),
    ("{{#with person}}{{first}} {{last}}{{/with}}", {"person": {"first": "A", "last": "B"}}),
    (
        "{{#with person as |foo|}}{{foo.first}} {{last}}{{/with}}",
        {"person": {"first": "A", "last": "B"}},
    ),
    (
        "{{#each goodbyes as |value index|}}{{index}}. {{value.text}}! {{/each}}",
        {"goodbyes": [{"text": "x"}]},
    ),
    (
        "{{#each goodbyes as |value key|}}{{key}}. {{value.text}}! {{/each}}",
        {"goodbyes": {"k": {"text": "x"}}},
    ),
    (
        "{{#each people}}{{lookup ../cities @index}}{{/each}}",
        {"people": ["a", "b"], "cities": ["x", "y"]},
    ),
    (
        "{{#each people}}{{name}} lives in {{#with (lookup ../cities city)}}"
        "{{name}} ({{country}}){{/with}} {{/each}}",
        {"people": [{"name": "N", "city": "c"}], "cities": {"c": {"name": "C", "country": "Y"}}},
    ),
    ("{{foo.[bar baz]}} {{[foo bar]}}", {"foo": {"bar baz": 1}, "foo bar": 2}),
    ("{{#if goodbye}}GOODBYE {{/if}}cruel {{world}}!", {"goodbye": "dummy", "world": "world"}),
    ("{{#if goodbye}}GOODBYE {{/if}}cruel {{world}}!", {"goodbye": [], "world": "world"}),
    (
        "{{#if goodbye includeZero=true}}GOODBYE {{/if}}cruel {{world}}!",
        {"goodbye": 0, "world": "world"},
    ),
    ("{{#with person}}Person is present{{else}}Person is not present{{/with}}", {}),
    ("{{#each data}}{{#if @last}}{{/if}}{{@../index}}{{/each}}", {"data": [1, 2]}),
    ("{{#each data}}{{@root.x}}{{/each}}", {"data": [1], "x": "X"}),
    ("{{#each}}x{{/each}}", {}),
    ("{{#people}}{{name}}{{^}}{{none}}{{/people}}", {"none": "No", "people": []}),
    ("{{#foo}}{{#bar}}{{../../a}}{{/bar}}{{/foo}}", {"a": "A", "foo": {"bar": {"x": 1}}}),
    ("{{#each list}}{{this.a}}{{/each}}", {"list": [{"a": 1}, {"a": 2}]}),
    ('{{> dude}}{{#*inline "dude"}}{{name}}{{/inline}}', {"name": "Jeepers"}),
    (
        'Dudes: {{#dudes}}{{> dude}}{{/dudes}}{{#*inline "dude"}}{{name}} ({{url}}) {{/inline}}',
        {"dudes": [{"name": "Yehuda", "url": "http://yehuda"}]},
    ),
    ('  {{> dude}}\n{{#*inline "dude"}}a\nb{{/inline}}', {}),
    (
        '{{#*inline "dude"}}\n  {{name}}\n{{/inline}}\n'
        "Dudes:\n{{#dudes}}\n  {{> dude}}\n{{/dudes}}",
        {"dudes": [{"name": "Y"}, {"name": "Z"}]},
    ),
    (
        '{{> dude dudes}}{{#*inline "dude"}}{{#each this}}{{name}}{{/each}}{{/inline}}',
        {"dudes": [{"name": "A"}]},
    ),
    (
        "{{#each dudes}}{{> dude others=..}}{{/each}}"
        '{{#*inline "dude"}}{{others.x}}{{name}}{{/inline}}',
        {"dudes": [{"name": "A"}], "x": "X"},
    ),
    ('{{> dude name="n"}}{{#*inline "dude"}}{{name}}{{/inline}}', {"name": "root"}),
    (
        "{{#*inline 'a'}}A{{/inline}}{{#if t}}{{#*inline 'a'}}B{{/inline}}{{> a}}{{/if}}{{> a}}",
        {"t": True},
    ),
    ("{{{{raw}}}} {{test}} {{{{/raw}}}}", {"raw": True, "test": "x"}),
    ("{{{{raw}}}} {{{{raw}}}} {{{{/raw}}}} {{{{/raw}}}}", {"raw": [1]}),
    ("{{#if a}}\n  a\n{{else if b}}\n  b\n{{else}}\n  c\n{{/if}}\n", {"a": False, "b": True}),
    ("{{#if a~}}\n  a\n{{~else if b~}}\n  b\n{{~else~}}\n  c\n{{~/if}}", {"a": False, "b": False}),
    ("{{#each a}}\n  {{#if @first}}\n    first\n  {{/if}}\n  {{.}}\n{{/each}}\n", {"a": [1, 2]}),
    ("  {{~foo~}} {{foo}} {{foo}} ", {"foo": "bar<"}),
    ("{{#foo}} {{~bar~}} {{/foo}}", {"foo": True, "bar": "b"}),
    ("{{~^foo~}} bar {{~/foo~}}", {"foo": False}),
    ("\n\n{{~^}}\n", {}),
    ("{{#if foo~}} bar {{~^~}} baz {{~/if}}", {"foo": False}),
    ('foo {{~> dude~}} {{#*inline "dude"}}bar{{/inline}}', {}),
    ("foo {{~{foo}~}} bar", {"foo": "x"}),
    ("  {{!-- x --}}\n  {{! y }}\nz\n", {}),
    ("{{#each list}}{{.}}{{/each}} {{list.length}} {{list.[0]}}", {"list": ["a", "b"]}),
    ("{{@root.list.length}}", {"list": [1, 2, 3]}),
]


@pytest.fixture(scope="module")
def js_case_outputs() -> list[dict[str, str]]:
    return run_handlebars_js([{"template": t, "data": d, "strict": True} for t, d in STRICT_CASES])


@pytest.mark.parametrize("index", range(len(STRICT_CASES)))
def test_spec_style_cases_match_handlebars_js(
    js_case_outputs: list[dict[str, str]], index: int
) -> None:
    template, data = STRICT_CASES[index]
    expected = js_case_outputs[index]
    if "error" in expected:
        with pytest.raises(HandlebarsError):
            render(template, data)
    else:
        assert render(template, data) == expected["output"]
