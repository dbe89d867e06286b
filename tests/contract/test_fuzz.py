"""Any template that parses has a contract: derive/to_schema/scaffold never crash, the schema
is valid JSON Schema 2020-12 and the scaffold satisfies it."""

from __future__ import annotations

import contextlib

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator

from sestemplates.contract import derive, scaffold, to_schema
from sestemplates.contract.quick import is_valid
from sestemplates.handlebars import HandlebarsError, Program, parse
from tests.handlebars.test_fuzz import ALPHABET, VALID

FUZZ = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def exercise(source: str) -> None:
    program: Program | None = None
    with contextlib.suppress(HandlebarsError):
        program = parse(source)
    if program is None:
        return
    contract = derive({"html": program})
    schema = to_schema(contract, title="t")
    Draft202012Validator.check_schema(schema)
    data = scaffold(contract)
    assert is_valid(schema, data) is Draft202012Validator(schema).is_valid(data)


def test_known_shapes() -> None:
    for source in [*VALID, "{{@this}}", "{{@root}}", "{{#each this}}{{.}}{{/each}}",
                   "{{#with @root}}{{a}}{{/with}}", "{{> (lookup . 'x')}}", "{{this.[0]}}"]:
        exercise(source)


@FUZZ
@given(st.lists(st.sampled_from(ALPHABET), max_size=40).map("".join))
def test_fuzzed_templates(source: str) -> None:
    exercise(source)
