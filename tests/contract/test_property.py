"""The contract against handlebars.js 4.7.10 strict, on data generated from the schema itself.

For every example template (built) and every template of the shared MJML corpus that has
Handlebars tags: data generated from the schema renders without error; removing one key from it
fails to render exactly when the schema says that key was required there (so every required
path is really needed, and every optional one really is optional).

More examples: SESTEMPLATES_CONTRACT_EXAMPLES=500 pytest tests/contract/test_property.py
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis_jsonschema import from_schema
from jsonschema import Draft202012Validator

from sestemplates.config import load_config
from sestemplates.contract import derive, to_schema, violations
from sestemplates.contract.quick import is_valid
from sestemplates.handlebars import check_data, parse
from sestemplates.project import discover
from tests.conftest import REPO, SHARED
from tests.handlebars.hbsjs import HandlebarsJs, node_or_skip

EXAMPLES = int(os.environ.get("SESTEMPLATES_CONTRACT_EXAMPLES", "10"))
PROPERTY = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[
        HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much
    ],
)


@pytest.fixture(scope="module")
def handlebars_js() -> Iterator[HandlebarsJs]:
    js = HandlebarsJs(node_or_skip())
    yield js
    js.close()


def _example_parts(tmp: Path) -> dict[str, dict[str, str]]:
    from sestemplates.pipeline import build_project

    config = dataclasses.replace(load_config(REPO), build_dir=tmp)
    report = build_project(config, [])
    assert not report.failures, report.failures
    return {b.name: {"subject": b.subject, "html": b.html, "text": b.text} for b in report.built}


def _corpus_parts() -> dict[str, dict[str, str]]:
    corpus = SHARED / "mjml-corpus"
    found: dict[str, dict[str, str]] = {}
    for path in sorted(corpus.glob("*/*.mjml")) if corpus.is_dir() else []:
        text = path.read_text(encoding="utf-8", errors="replace")
        if "{{" in text:
            found[f"corpus/{path.parent.name}/{path.name}"] = {"html": text}
    return found


# The tricky scopes of test_schema.py, through handlebars.js too (lookup with a computed key is
# left out: which key it reads is only known at run time, so no schema can be exact there).
TRICKY = {
    "tricky/nested-each": "{{#each sections}}{{#each articles}}{{url}} {{../heading}} "
    "{{../../campaign}}{{/each}}{{/each}}",
    "tricky/root-params": "{{#each items as |item i|}}{{i}} {{item.name}} {{@root.cur}}{{/each}}",
    "tricky/with-else": "{{#with user}}{{name}} {{@root.site}}{{else}}{{guest}}{{/with}}",
    "tricky/each-else": "{{#each xs}}{{@index}} {{name}}{{else}}{{none}}{{/each}}",
    "tricky/if-unless": "{{#if a.b}}{{c}}{{else if d}}{{e.f}}{{/if}}"
    "{{#unless paid}}{{due}}{{else}}{{#if paid}}{{paid}}{{/if}}{{/unless}}",
    "tricky/partials": '{{#*inline "row"}}{{label}}={{value}}{{/inline}}{{> row}}'
    "{{#each rows}}{{> row}}{{/each}}{{#with extra}}{{> row}}{{/with}}"
    '{{#*inline "p"}}{{this}} {{t}}{{/inline}}{{> p post t=title}}',
}


@pytest.fixture(scope="module")
def templates(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, str]]:
    tricky = {name: {"html": source} for name, source in TRICKY.items()}
    return _example_parts(tmp_path_factory.mktemp("build")) | _corpus_parts() | tricky


def _names() -> list[str]:
    # TemplateNames: a localised example is one template per locale.
    examples = sorted(t.name for t in discover(load_config(REPO)).templates)
    return examples + sorted(_corpus_parts()) + sorted(TRICKY)


def _renders(js: HandlebarsJs, parts: dict[str, str], data: Any) -> str | None:
    """None when every part renders in handlebars.js strict and SES would not drop the email
    (our engine adds SES's rule that a printed null is fatal); else the first failure."""
    for part, source in parts.items():
        reply = js.render(source, data, strict=True)
        if "error" in reply:
            return f"{part}: {reply['error']}"
        problems = check_data(parse(source), data).problems
        if problems:
            return f"{part}: {problems[0].message}"
    return None


def _key_paths(value: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    if isinstance(value, dict):
        for key, item in value.items():
            yield (*path, key)
            yield from _key_paths(item, (*path, key))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from _key_paths(item, (*path, i))


def _without(value: Any, path: tuple[Any, ...]) -> Any:
    if len(path) == 1:
        return {k: v for k, v in value.items() if k != path[0]}
    copy = dict(value) if isinstance(value, dict) else list(value)
    copy[path[0]] = _without(value[path[0]], path[1:])
    return copy


def _without_annotations(schema: Any) -> Any:
    """The schema minus `description`s: they constrain nothing, and hypothesis-jsonschema
    generates ~50 times slower with them."""
    if isinstance(schema, list):
        return [_without_annotations(s) for s in schema]
    if not isinstance(schema, dict):
        return schema
    out: dict[str, Any] = {}
    for key, value in schema.items():
        if key == "description":
            continue
        if key == "properties":
            out[key] = {name: _without_annotations(sub) for name, sub in value.items()}
        else:
            out[key] = _without_annotations(value)
    return out


@pytest.mark.parametrize("name", _names())
def test_generated_data_renders_and_required_means_required(
    name: str, templates: dict[str, dict[str, str]], handlebars_js: HandlebarsJs
) -> None:
    parts = {p: s for p, s in templates[name].items() if s}
    schema = to_schema(derive({p: parse(s) for p, s in parts.items()}), title=name)
    strategy = from_schema(_without_annotations(schema))
    valid = Draft202012Validator(schema).is_valid

    @PROPERTY
    @given(strategy)
    def check(data: dict[str, Any]) -> None:
        assert valid(data) and not violations(schema, data) and is_valid(schema, data)
        assert _renders(handlebars_js, parts, data) is None, data
        for path in _key_paths(data):
            smaller = _without(data, path)
            required = not valid(smaller)
            assert is_valid(schema, smaller) is not required  # check's quick path agrees
            failure = _renders(handlebars_js, parts, smaller)
            shown = ".".join(map(str, path))
            if required:
                assert failure, f"{shown} is required by the schema but renders without it"
            else:
                assert failure is None, f"{shown} is optional by the schema but: {failure}"

    check()


def test_hypothesis_jsonschema_generates_objects() -> None:
    # hypothesis 6.170.10+ breaks hypothesis-jsonschema 0.23.1: pinned in the test extras.
    @settings(max_examples=5, deadline=None)
    @given(from_schema({"type": "object", "required": ["a"], "properties": {"a": {}}}))
    def check(data: dict[str, Any]) -> None:
        assert "a" in data

    check()

