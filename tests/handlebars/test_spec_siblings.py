"""Cases of the same kinds as the shared spec sample (Mustache spec sections, inverted,
interpolation and comments; handlebars.js basic, blocks, builtins, data, partials,
whitespace-control, regressions, security), written for this suite and checked against
handlebars.js 4.7.10 itself (noEscape, strict and not) with the differential test's rules:
the same output, an error on both sides, or a documented SES difference.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from .hbsjs import HandlebarsJs, compare, node_or_skip

NL = "\n"
CASES: list[tuple[str, str, dict[str, Any]]] = [
    # --- mustache interpolation ---------------------------------------------------------
    ("basic", "Hello, {{subject}}!", {"subject": "world"}),
    (
        "no re-interpolation",
        "{{template}}: {{planet}}",
        {"template": "{{planet}}", "planet": "Earth"},
    ),
    (
        "html",
        "These characters should not be HTML escaped: {{forbidden}}\n",
        {"forbidden": '& " < >'},
    ),
    ("triple decimal", "{{{power}}} {{&power}} {{power}}", {"power": 1.21}),
    ("basic null", "I ({{cannot}}) be seen!", {"cannot": None}),
    ("triple null", "I ({{{cannot}}}) be seen!", {"cannot": None}),
    ("context miss", "I ({{cannot}}) be seen!", {}),
    (
        "dotted basic",
        '"{{person.name}}" == "{{#person}}{{name}}{{/person}}"',
        {"person": {"name": "Joe"}},
    ),
    (
        "dotted arbitrary depth",
        '"{{a.b.c.d.e.name}}" == "Phil"',
        {"a": {"b": {"c": {"d": {"e": {"name": "Phil"}}}}}},
    ),
    ("dotted broken chain", '"{{a.b.c}}" == ""', {"a": {}}),
    (
        "dotted broken chain resolution",
        '"{{a.b.c.name}}" == ""',
        {"a": {"b": {}}, "c": {"name": "Jim"}},
    ),
    ("dotted context precedence", "{{#a}}{{b.c}}{{/a}}", {"a": {"b": {}}, "b": {"c": "ERROR"}}),
    (
        "dotted initial resolution",
        '"{{#a}}{{b.c.d.e.name}}{{/a}}" == "Phil"',
        {
            "a": {"b": {"c": {"d": {"e": {"name": "Phil"}}}}},
            "b": {"c": {"d": {"e": {"name": "Wrong"}}}},
        },
    ),
    ("dotted no masking", "{{#a}}{{b.c}}{{/a}}", {"a": {"b": {}}, "b": {"c": "ERROR"}}),
    ("implicit iterator basic", "Hello, {{.}}!\n", "world"),  # type: ignore[list-item]
    (
        "implicit iterator triple",
        "These characters should not be HTML escaped: {{{.}}}\n",
        '& " < >',
    ),  # type: ignore[list-item]
    ("implicit iterator integer", '"{{.}} miles an hour!"', 85),  # type: ignore[list-item]
    ("surrounding whitespace", "| {{string}} |", {"string": "---"}),
    ("triple surrounding whitespace", "| {{{string}}} |", {"string": "---"}),
    ("standalone", "  {{string}}\n", {"string": "---"}),
    ("triple standalone", "  {{{string}}}\n", {"string": "---"}),
    ("ampersand standalone", "  {{&string}}\n", {"string": "---"}),
    ("padding", "|{{ string }}|{{{ string }}}|{{& string }}|", {"string": "---"}),
    # --- mustache sections --------------------------------------------------------------
    ("truthy", '"{{#boolean}}This should be rendered.{{/boolean}}"', {"boolean": True}),
    ("falsey", '"{{#boolean}}This should not be rendered.{{/boolean}}"', {"boolean": False}),
    ("null is falsey", '"{{#null}}This should not be rendered.{{/null}}"', {"null": None}),
    ("context", '"{{#context}}Hi {{name}}.{{/context}}"', {"context": {"name": "Joe"}}),
    (
        "parent contexts",
        '"{{#sec}}{{a}}, {{b}}, {{c.d}}{{/sec}}"',
        {"a": "foo", "b": "wrong", "sec": {"b": "bar"}, "c": {"d": "baz"}},
    ),
    (
        "deeply nested contexts",
        "{{#a}}\n{{one}}\n{{#b}}\n{{one}}{{two}}{{one}}\n{{#c}}\n{{one}}{{two}}{{three}}{{two}}{{one}}\n{{/c}}\n{{/b}}\n{{/a}}\n",
        {"a": {"one": 1}, "b": {"two": 2}, "c": {"three": 3}},
    ),
    ("list", '"{{#list}}{{item}}{{/list}}"', {"list": [{"item": 1}, {"item": 2}, {"item": 3}]}),
    (
        "doubled",
        "{{#bool}}\n* first\n{{/bool}}\n* {{two}}\n{{#bool}}\n* third\n{{/bool}}\n",
        {"bool": True, "two": "second"},
    ),
    ("nested truthy", "| A {{#bool}}B {{#bool}}C{{/bool}} D{{/bool}} E |", {"bool": True}),
    ("nested falsey", "| A {{#bool}}B {{#bool}}C{{/bool}} D{{/bool}} E |", {"bool": False}),
    ("context misses", "[{{#missing}}Found key 'missing'!{{/missing}}]", {}),
    (
        "implicit iterator string",
        '"{{#list}}({{.}}){{/list}}"',
        {"list": ["a", "b", "c", "d", "e"]},
    ),
    (
        "implicit iterator array",
        '"{{#list}}({{#.}}{{.}}{{/.}}){{/list}}"',
        {"list": [[1, 2, 3], ["a", "b", "c"]]},
    ),
    ("implicit iterator root", '"{{#.}}({{value}}){{/.}}"', [{"value": "a"}, {"value": "b"}]),  # type: ignore[list-item]
    ("dotted truthy", '"{{#a.b.c}}Here{{/a.b.c}}" == "Here"', {"a": {"b": {"c": True}}}),
    ("dotted broken chains section", '"{{#a.b.c}}Here{{/a.b.c}}" == ""', {"a": {}}),
    (
        "internal whitespace",
        " | {{#boolean}} {{! Important Whitespace }}\n {{/boolean}} | \n",
        {"boolean": True},
    ),
    (
        "indented inline sections",
        " {{#boolean}}YES{{/boolean}}\n {{#boolean}}GOOD{{/boolean}}\n",
        {"boolean": True},
    ),
    (
        "indented standalone lines",
        "| This Is\n  {{#boolean}}\n|\n  {{/boolean}}\n| A Line\n",
        {"boolean": True},
    ),
    ("standalone line endings", "|\r\n{{#boolean}}\r\n{{/boolean}}\r\n|", {"boolean": True}),
    ("standalone without previous line", "  {{#boolean}}\n#{{/boolean}}\n/", {"boolean": True}),
    ("section padding", "|{{# boolean }}={{/ boolean }}|", {"boolean": True}),
    ("section over string", "{{#s}}[{{.}}]{{/s}}", {"s": "str"}),
    ("section over zero", "{{#z}}[{{.}}]{{/z}}{{^z}}zero{{/z}}", {"z": 0}),
    ("section over empty object", "{{#o}}[x]{{/o}}{{^o}}no{{/o}}", {"o": {}}),
    # --- mustache inverted --------------------------------------------------------------
    (
        "inverted truthy",
        '"{{^boolean}}This should not be rendered.{{/boolean}}"',
        {"boolean": True},
    ),
    ("inverted list", '"{{^list}}{{n}}{{/list}}"', {"list": [{"n": 1}, {"n": 2}]}),
    ("inverted empty list", '"{{^list}}Yay lists!{{/list}}"', {"list": []}),
    (
        "inverted doubled",
        "{{^bool}}\n* first\n{{/bool}}\n* {{two}}\n{{^bool}}\n* third\n{{/bool}}\n",
        {"bool": False, "two": "second"},
    ),
    (
        "inverted dotted falsey",
        '"{{^a.b.c}}Not Here{{/a.b.c}}" == "Not Here"',
        {"a": {"b": {"c": False}}},
    ),
    (
        "inverted internal whitespace",
        " | {{^boolean}} {{! Important Whitespace }}\n {{/boolean}} | \n",
        {"boolean": False},
    ),
    (
        "inverted indented inline",
        " {{^boolean}}NO{{/boolean}}\n {{^boolean}}WAY{{/boolean}}\n",
        {"boolean": False},
    ),
    (
        "inverted standalone without previous line",
        "  {{^boolean}}\n^{{/boolean}}\n/",
        {"boolean": False},
    ),
    ("inverted padding", "|{{^ boolean }}={{/ boolean }}|", {"boolean": False}),
    # --- mustache comments --------------------------------------------------------------
    ("indented standalone comment", "Begin.\n  {{! Indented Comment Block! }}\nEnd.\n", {}),
    ("standalone comment without previous line", "  {{! I'm Still Standalone }}\n!", {}),
    (
        "indented multiline standalone comment",
        "Begin.\n  {{!\n    Something's going on here...\n  }}\nEnd.\n",
        {},
    ),
    ("indented inline comment", "  12 {{! 34 }}\n", {}),
    ("comment surrounding whitespace", "12345 {{! Comment Block! }} 67890", {}),
    (
        "comment variable name collision",
        "comments never show: >{{! comment }}<",
        {"! comment": 1, "!comment": 2, "comment": 3},
    ),
    # --- handlebars.js basic --------------------------------------------------------------
    (
        "compiling with a basic context",
        "Goodbye\n{{cruel}}\n{{world}}!",
        {"cruel": "cruel", "world": "world"},
    ),
    ("compiling with a string context", "{{.}}{{length}}", "bye"),  # type: ignore[list-item]
    ("zeros", "num1: {{num1}}, num2: {{num2}}", {"num1": 42, "num2": 0}),
    ("zero context", "num: {{.}}", 0),  # type: ignore[list-item]
    ("zero nested", "num: {{num1/num2}}", {"num1": {"num2": 0}}),
    ("false", "val1: {{val1}}, val2: {{val2}}", {"val1": False, "val2": False}),
    ("false context", "val: {{.}}", False),  # type: ignore[list-item]
    ("false triple", "val1: {{{val1}}}, val2: {{{val2}}}", {"val1": False, "val2": False}),
    ("newlines", "Alan's\nTest", {}),
    ("escaping text", "Awesome's", {}),
    ("escaping backslash text", "Awesome\\", {}),
    ("escaping double backslash", "Awesome\\\\ foo", {}),
    ("escaping expression", "Awesome {{\\}}", {}),
    ("escaped mustache", "\\{{foo}} {{foo}}", {"foo": "x"}),
    ("escaped escape", "\\\\{{foo}}", {"foo": "x"}),
    ("escaped escape escape", "\\\\\\{{foo}}", {"foo": "x"}),
    ("paths with hyphens", "{{foo-bar}}", {"foo-bar": "baz"}),
    ("nested paths with hyphens", "{{foo.foo-bar}}", {"foo": {"foo-bar": "baz"}}),
    ("nested slash hyphen", "{{foo/foo-bar}}", {"foo": {"foo-bar": "baz"}}),
    ("nested paths", "Goodbye {{alan/expression}} world!", {"alan": {"expression": "beautiful"}}),
    (
        "nested paths with empty string",
        "Goodbye {{alan/expression}} world!",
        {"alan": {"expression": ""}},
    ),
    (
        "literal paths",
        "Goodbye {{[@alan]/expression}} world!",
        {"@alan": {"expression": "beautiful"}},
    ),
    (
        "literal paths 2",
        "Goodbye {{[foo bar]/expression}} world!",
        {"foo bar": {"expression": "beautiful"}},
    ),
    ("literal references", "Goodbye {{[foo bar]}} world!", {"foo bar": "beautiful"}),
    ("literal references quoted", 'Goodbye {{"foo bar"}} world!', {"foo bar": "beautiful"}),
    ("literal references single", "Goodbye {{'foo bar'}} world!", {"foo bar": "beautiful"}),
    ("literal references weird", 'Goodbye {{"foo[bar"}} world!', {"foo[bar": "beautiful"}),
    (
        "this keyword in paths",
        "{{#goodbyes}}{{this}}{{/goodbyes}}",
        {"goodbyes": ["goodbye", "Goodbye", "GOODBYE"]},
    ),
    (
        "this keyword nested",
        "{{#hellos}}{{this/text}}{{/hellos}}",
        {"hellos": [{"text": "hello"}, {"text": "Hello"}]},
    ),
    ("this with brackets", "{{[this]}}", {"this": "bar"}),
    ("this dot brackets", "{{text/[this]}}", {"text": {"this": "bar"}}),
    ("pass number literals", "{{12}} {{12.34}} {{-12}}", {"12": "bar", "12.34": "baz", "-12": "q"}),
    ("pass boolean literals", "{{true}} {{false}}", {"true": "foo", "false": "bar"}),
    ("root nested", "{{#with a}}{{.}}{{/with}}", {"a": {"b": 1}}),
    # --- handlebars.js blocks ---------------------------------------------------------------
    (
        "array",
        "{{#goodbyes}}{{text}}! {{/goodbyes}}cruel {{world}}!",
        {"goodbyes": [{"text": "goodbye"}, {"text": "Goodbye"}], "world": "world"},
    ),
    (
        "array with @index",
        "{{#goodbyes}}{{@index}}. {{text}}! {{/goodbyes}}",
        {"goodbyes": [{"text": "a"}, {"text": "b"}]},
    ),
    (
        "empty block",
        "{{#goodbyes}}{{/goodbyes}}cruel {{world}}!",
        {"goodbyes": [{"text": "a"}], "world": "w"},
    ),
    (
        "block with complex lookup",
        "{{#goodbyes}}{{text}} cruel {{../name}}! {{/goodbyes}}",
        {"name": "Alan", "goodbyes": [{"text": "goodbye"}, {"text": "Goodbye"}]},
    ),
    (
        "multiple blocks complex lookup",
        "{{#goodbyes}}{{../name}}{{../name}}{{/goodbyes}}",
        {"name": "Alan", "goodbyes": [{"text": "a"}, {"text": "b"}]},
    ),
    (
        "deep nested complex lookup",
        "{{#outer}}Goodbye {{#inner}}cruel {{../sibling}} {{../../omg}}{{/inner}}{{/outer}}",
        {"omg": "OMG!", "outer": [{"sibling": "sad", "inner": [{"text": "goodbye"}]}]},
    ),
    (
        "inverted section with else",
        "{{#people}}{{name}}{{^}}{{none}}{{/people}}",
        {"none": "No people"},
    ),
    (
        "chained inverted sections",
        "{{#people}}{{name}}{{else if none}}{{none}}{{else if nothere}}fail{{else}}{{none2}}{{/people}}",  # noqa: E501
        {"none": "No people", "none2": "x"},
    ),
    (
        "chained inverted 2",
        "{{#people}}{{name}}{{else if nothere}}fail{{else unless nothere}}{{none}}{{/people}}",
        {"none": "No people"},
    ),
    (
        "chained inverted 3",
        "{{#people}}{{name}}{{else if none}}{{none}}{{/people}}",
        {"none": "No people"},
    ),
    (
        "inverted section with false value",
        "{{#goodbyes}}Right On!{{^}}{{/goodbyes}}",
        {"goodbyes": False},
    ),
    ("inverted empty array", "{{#goodbyes}}x{{^}}Right On!{{/goodbyes}}", {"goodbyes": []}),
    (
        "block standalone else",
        "{{#people}}\n{{name}}\n{{^}}\n{{none}}\n{{/people}}\n",
        {"none": "No people"},
    ),
    (
        "block standalone else in chain",
        "{{#none}}\n{{.}}\n{{^}}\n{{none}}\n{{/none}}\n",
        {"none": "No people"},
    ),
    (
        "block multiple whitespace",
        "{{#people}}\n{{name}}\n{{^}}\n{{none}}\n{{/people}}\n",
        {"none": "No people", "people": [{"name": "a"}, {"name": "b"}]},
    ),
    (
        "compat deep lookup",
        "{{#outer}}{{#inner}}{{omg}}{{/inner}}{{/outer}}",
        {"omg": "OMG!", "outer": [{"inner": [{"text": "g"}]}]},
    ),
    # --- handlebars.js builtins ---------------------------------------------------------------
    (
        "if true",
        "{{#if goodbye}}GOODBYE {{/if}}cruel {{world}}!",
        {"goodbye": True, "world": "world"},
    ),
    (
        "if string",
        "{{#if goodbye}}GOODBYE {{/if}}cruel {{world}}!",
        {"goodbye": "dummy", "world": "world"},
    ),
    (
        "if false",
        "{{#if goodbye}}GOODBYE {{/if}}cruel {{world}}!",
        {"goodbye": False, "world": "world"},
    ),
    ("if undefined", "{{#if goodbye}}GOODBYE {{/if}}cruel {{world}}!", {"world": "world"}),
    (
        "if array",
        "{{#if goodbye}}GOODBYE {{/if}}cruel {{world}}!",
        {"goodbye": ["foo"], "world": "world"},
    ),
    (
        "if empty array",
        "{{#if goodbye}}GOODBYE {{/if}}cruel {{world}}!",
        {"goodbye": [], "world": "world"},
    ),
    ("if zero", "{{#if goodbye}}GOODBYE {{/if}}cruel {{world}}!", {"goodbye": 0, "world": "world"}),
    (
        "if zero include",
        "{{#if goodbye includeZero=true}}GOODBYE {{/if}}cruel {{world}}!",
        {"goodbye": 0, "world": "world"},
    ),
    ("if null", "{{#if goodbye}}GOODBYE {{/if}}x", {"goodbye": None}),
    (
        "unless",
        "{{#unless goodbye}}GOODBYE {{/unless}}cruel {{world}}!",
        {"goodbye": False, "world": "world"},
    ),
    (
        "with",
        "{{#with person}}{{first}} {{last}}{{/with}}",
        {"person": {"first": "Alan", "last": "Johnson"}},
    ),
    ("with else", "{{#with person}}Person is present{{else}}Person is not present{{/with}}", {}),
    (
        "with block params",
        "{{#with person as |foo|}}{{foo.first}} {{last}}{{/with}}",
        {"person": {"first": "Alan", "last": "Johnson"}},
    ),
    ("with empty string", "{{#with s}}[{{.}}]{{else}}empty{{/with}}", {"s": ""}),
    (
        "each",
        "{{#each goodbyes}}{{text}}! {{/each}}cruel {{world}}!",
        {"goodbyes": [{"text": "goodbye"}, {"text": "Goodbye"}], "world": "world"},
    ),
    (
        "each empty",
        "{{#each goodbyes}}{{text}}! {{/each}}cruel {{world}}!",
        {"goodbyes": [], "world": "world"},
    ),
    (
        "each with object and @key",
        "{{#each goodbyes}}{{@key}}. {{text}}! {{/each}}cruel {{world}}!",
        {
            "goodbyes": {"<b>#1</b>": {"text": "goodbye"}, "2": {"text": "GOODBYE"}},
            "world": "world",
        },
    ),
    (
        "each with @index",
        "{{#each goodbyes}}{{@index}}. {{text}}! {{/each}}cruel {{world}}!",
        {"goodbyes": [{"text": "goodbye"}, {"text": "Goodbye"}], "world": "world"},
    ),
    (
        "each with nested @index",
        "{{#each goodbyes}}{{@index}}. {{text}}! {{#each ../goodbyes}}{{@index}} {{/each}}After {{@index}} {{/each}}{{@index}}cruel {{world}}!",  # noqa: E501
        {"goodbyes": [{"text": "a"}, {"text": "b"}], "world": "world"},
    ),
    (
        "each block params",
        "{{#each goodbyes as |value index|}}{{index}}. {{value.text}}! {{#each ../goodbyes as |childValue childIndex|}} {{index}} {{childIndex}}{{/each}} After {{index}} {{/each}}{{index}}cruel {{world}}!",  # noqa: E501
        {"goodbyes": [{"text": "a"}, {"text": "b"}], "world": "world"},
    ),
    (
        "each object index",
        "{{#each goodbyes}}{{@index}}. {{text}}! {{/each}}cruel {{world}}!",
        {"goodbyes": {"a": {"text": "goodbye"}, "b": {"text": "Goodbye"}}, "world": "world"},
    ),
    (
        "each @first",
        "{{#each goodbyes}}{{#if @first}}{{text}}! {{/if}}{{/each}}cruel {{world}}!",
        {"goodbyes": [{"text": "a"}, {"text": "b"}], "world": "world"},
    ),
    (
        "each nested @first",
        "{{#each goodbyes}}({{#if @first}}{{text}}! {{/if}}{{#each ../goodbyes}}{{#if @first}}{{text}}!{{/if}}{{/each}}{{#if @first}} {{text}}!{{/if}}) {{/each}}cruel {{world}}!",  # noqa: E501
        {"goodbyes": [{"text": "a"}, {"text": "b"}], "world": "world"},
    ),
    (
        "each object @first",
        "{{#each goodbyes}}{{#if @first}}{{text}}! {{/if}}{{/each}}cruel {{world}}!",
        {"goodbyes": {"foo": {"text": "goodbye"}, "bar": {"text": "Goodbye"}}, "world": "world"},
    ),
    (
        "each @last",
        "{{#each goodbyes}}{{#if @last}}{{text}}! {{/if}}{{/each}}cruel {{world}}!",
        {"goodbyes": [{"text": "a"}, {"text": "b"}], "world": "world"},
    ),
    (
        "each object @last",
        "{{#each goodbyes}}{{#if @last}}{{text}}! {{/if}}{{/each}}cruel {{world}}!",
        {"goodbyes": {"foo": {"text": "goodbye"}, "bar": {"text": "Goodbye"}}, "world": "world"},
    ),
    (
        "each nested @last",
        "{{#each goodbyes}}({{#if @last}}{{text}}! {{/if}}{{#each ../goodbyes}}{{#if @last}}{{text}}!{{/if}}{{/each}}{{#if @last}} {{text}}!{{/if}}) {{/each}}cruel {{world}}!",  # noqa: E501
        {"goodbyes": [{"text": "a"}, {"text": "b"}], "world": "world"},
    ),
    ("each this", "{{#each goodbyes}}{{this}}{{/each}}", {"goodbyes": ["a", "b"]}),
    ("each undefined else", "{{#each goodbyes}}x{{else}}none{{/each}}", {}),
    ("each null else", "{{#each goodbyes}}x{{else}}none{{/each}}", {"goodbyes": None}),
    (
        "each object with numeric keys",
        "{{#each o}}{{@key}}={{this}};{{/each}}",
        {"o": {"b": 1, "10": 2, "2": 3, "a": 4}},
    ),
    (
        "each nested arrays",
        "{{#each a}}{{#each this}}{{@../index}}{{@index}}{{this}} {{/each}}{{/each}}",
        {"a": [[1, 2], [3]]},
    ),
    (
        "lookup",
        "{{#each goodbyes}}{{lookup ../data @index}}{{/each}}",
        {"goodbyes": [0, 1], "data": ["foo", "bar"]},
    ),
    (
        "lookup key",
        "{{#each goodbyes}}{{lookup ../data .}}{{/each}}",
        {"goodbyes": [0, 1], "data": ["foo", "bar"]},
    ),
    ("lookup undefined", "{{lookup foo.zoo 'bar'}}", {}),
    ("lookup subexpression", "{{#with (lookup a 'b')}}{{c}}{{/with}}", {"a": {"b": {"c": "C"}}}),
    ("log", "{{log blah}}x", {"blah": "whee"}),
    ("log level", '{{log blah level="error"}}x', {"blah": "whee"}),
    # --- handlebars.js data -----------------------------------------------------------
    ("@root", "{{@root.foo}}", {"foo": "hello"}),
    ("@root in each", "{{#each list}}{{@root.foo}}{{/each}}", {"foo": "hello", "list": [1, 2]}),
    (
        "@root nested",
        "{{#with a}}{{#with b}}{{@root.c}}{{/with}}{{/with}}",
        {"a": {"b": {}}, "c": "C"},
    ),
    ("@../index at the root", "{{#if @../index}}x{{/if}}", {}),
    ("@../index printed at the root", "{{@../index}}", {}),
    ("@../index one level", "{{#each a}}[{{@../index}}]{{/each}}", {"a": [1]}),
    ("@index at the root", "{{@index}}", {}),
    ("@index condition at the root", "{{#if @index}}x{{else}}y{{/if}}", {}),
    ("@foo unknown", "{{@foo}}", {}),
    # --- handlebars.js partials (inline only) ------------------------------------------
    ("inline partial", '{{#*inline "myPartial"}}success{{/inline}}{{> myPartial}}', {}),
    (
        "inline partial overridden",
        '{{#*inline "myPartial"}}success{{/inline}}{{#with .}}{{#*inline "myPartial"}}inner{{/inline}}{{> myPartial}}{{/with}}{{> myPartial}}',  # noqa: E501
        {},
    ),
    (
        "inline partial in block",
        '{{#with .}}{{#*inline "myPartial"}}success{{/inline}}{{> myPartial}}{{/with}}',
        {},
    ),
    (
        "inline partial with context",
        '{{#*inline "p"}}{{name}}{{/inline}}{{#each dudes}}{{> p}} {{/each}}',
        {"dudes": [{"name": "Yehuda"}, {"name": "Alan"}]},
    ),
    (
        "inline partial with hash",
        '{{#*inline "p"}}{{name}} {{other}}|{{/inline}}{{#each dudes}}{{> p other=../x}}{{/each}}',
        {"x": "X", "dudes": [{"name": "Yehuda"}, {"name": "Alan"}]},
    ),
    (
        "partial context argument",
        '{{#*inline "p"}}{{name}}{{/inline}}{{> p dude}}',
        {"dude": {"name": "Jeepers"}},
    ),
    (
        "partial standalone indent",
        '{{#*inline "p"}}a\nb\n{{/inline}}Dudes:\n  {{> p}}\n  {{> p}}\n',
        {},
    ),
    (
        "partial standalone indent nested",
        '{{#*inline "q"}}x\n{{/inline}}{{#*inline "p"}}a\n  {{> q}}\nb\n{{/inline}}Dudes:\n  {{> p}}\n',  # noqa: E501
        {},
    ),
    ("partial not standalone", '{{#*inline "p"}}a\nb\n{{/inline}}x {{> p}} y\n', {}),
    (
        "partial parent context not visible",
        '{{#*inline "p"}}{{../name}}{{/inline}}{{#with a}}{{> p}}{{/with}}',
        {"name": "N", "a": {}},
    ),
    (
        "partial @root",
        '{{#*inline "p"}}{{@root.name}}{{/inline}}{{#with a}}{{> p}}{{/with}}',
        {"name": "N", "a": {}},
    ),
    (
        "partial data in each",
        '{{#*inline "p"}}{{@index}}{{@first}}{{/inline}}{{#each a}}{{> p}}{{/each}}',
        {"a": [1, 2]},
    ),
    (
        "partial block params not visible",
        '{{#*inline "p"}}{{it}}{{/inline}}{{#each a as |it|}}{{> p}}{{/each}}',
        {"a": [1]},
    ),
    # --- whitespace control -------------------------------------------------------------
    ("strip around mustache", " {{~foo~}} ", {"foo": "bar<"}),
    ("strip left", " {{~foo}} ", {"foo": "bar<"}),
    ("strip right", " {{foo~}} ", {"foo": "bar<"}),
    ("strip newlines", "      {{~{foo}~}} \n\n", {"foo": "bar<"}),
    ("strip blocks", " {{~#if foo~}} bar {{~/if~}} ", {"foo": "bar<"}),
    ("strip block inner", " {{#if foo~}} bar {{/if~}} ", {"foo": "bar<"}),
    ("strip block outer", " {{~#if foo}} bar {{~/if}} ", {"foo": "bar<"}),
    ("strip block else", " {{~#if foo~}} bar {{~else~}} baz {{~/if~}} ", {}),
    ("strip block ^", " {{~#if foo~}} bar {{~^~}} baz {{~/if~}} ", {}),
    ("strip inverse section", " {{~^if foo~}} bar {{~/if~}} ", {}),
    ("strip partial", '{{#*inline "dude"}}bar{{/inline}}foo {{~> dude~}} ', {}),
    ("strip partial standalone", '{{#*inline "dude"}}bar{{/inline}}foo\n {{~> dude}} ', {}),
    ("strip comment", "foo {{~! comment ~}}      bar", {}),
    ("strip long comment", "foo {{~!-- comment --~}}      bar", {}),
    ("strip multiline", "{{#if foo~}}\n  bar\n{{~/if}}", {"foo": True}),
    ("strip only spaces", "a \t\r\n {{~x~}} \n\t b", {"x": "X"}),
    (
        "standalone else chain",
        "{{#if a}}\n  A\n{{else if b}}\n  B\n{{else}}\n  C\n{{/if}}\n",
        {"b": True},
    ),
    (
        "standalone nested each",
        "<ul>\n  {{#each items}}\n    {{#if this}}\n    <li>{{.}}</li>\n    {{/if}}\n  {{/each}}\n</ul>\n",  # noqa: E501
        {"items": ["a", "", "b"]},
    ),
    ("standalone with tabs", "\t{{#if a}}\t\nX\n\t{{/if}}\t\n", {"a": True}),
    ("standalone at end", "x\n{{#if a}}\ny\n{{/if}}", {"a": True}),
    # --- regressions / security -----------------------------------------------------------
    (
        "each over data with if last",
        "{{#each data}}{{#if @last}}[{{this}}]{{/if}}{{/each}}",
        {"data": [1, 2, 3]},
    ),
    (
        "GH-1065 each empty with else",
        "{{#each foo}}x{{else}}{{bar}}{{/each}}",
        {"foo": [], "bar": "B"},
    ),
    ("nested falsy section zero", "{{#a}}{{b}}{{/a}}", {"a": {"b": 0}}),
    ("constructor", "{{constructor}}", {}),
    ("constructor name", "{{constructor.name}}", {}),
    ("proto", "{{__proto__}}", {}),
    ("lookup constructor", '{{lookup this "constructor"}}', {}),
    ("toString", "{{toString}}", {}),
    (
        "hasOwnProperty in each",
        "{{#each o}}{{@key}}{{/each}}",
        {"o": {"hasOwnProperty": 1, "x": 2}},
    ),
    ("length of string", "{{s.length}}", {"s": "abc"}),
    ("array index path", "{{a.[1]}} {{a.1}}", {"a": ["x", "y"]}),
    ("unicode", "{{名前}} é {{#each 列}}{{.}}{{/each}}", {"名前": "名", "列": ["ü", "😀"]}),
    (
        "big numbers",
        "{{a}} {{b}} {{c}} {{d}} {{e}}",
        {"a": 1e21, "b": 123456789012345680000, "c": 1e-7, "d": -0.0, "e": 0.000001},
    ),
    ("adjacent numbers", "{{a}}{{b}}{{#if t}}{{a}}{{/if}}", {"a": 1, "b": 2, "t": True}),
    ("array printed", "{{a}}", {"a": [1, None, [2, 3], {"x": 1}, True]}),
]


@pytest.fixture(scope="module")
def handlebars_js() -> Iterator[HandlebarsJs]:
    js = HandlebarsJs(node_or_skip())
    yield js
    js.close()


@pytest.mark.parametrize(("template", "data"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_same_as_handlebars_js(handlebars_js: HandlebarsJs, template: str, data: Any) -> None:
    outcome = compare(handlebars_js, template, data)
    assert not outcome.startswith("MISMATCH"), outcome
