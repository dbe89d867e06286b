"""build writes build/<Name>.schema.json; `schema`, `sample` and validate() on real files."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from sestemplates.contract import ContractError, validate


def test_build_writes_the_schema_incrementally_and_schema_prints_it(  # type: ignore[no-untyped-def]
    cli, example_project: Path
) -> None:
    first = cli("-C", example_project, "build")
    assert first.code == 0, first.err
    path = example_project / "build" / "order-receipt.schema.json"
    schema = json.loads(path.read_text())
    assert schema["title"] == "order-receipt"
    total = schema["properties"]["order"]["properties"]["total"]["description"]
    assert total.startswith("used at templates/order-receipt/html.mjml:")
    assert "templates/order-receipt/text.txt:" in total
    # ../currency inside the items loop is the top-level currency.
    assert "currency" in schema["required"]

    mtime = path.stat().st_mtime_ns
    again = cli("-C", example_project, "build")
    assert re.search(r"0 written, \d+ unchanged", again.out), again.out
    assert path.stat().st_mtime_ns == mtime
    path.unlink()  # a lost schema is rebuilt
    assert "1 written" in cli("-C", example_project, "build").out
    assert path.is_file()

    printed = cli("-C", example_project, "schema", "order-receipt")
    assert printed.code == 0
    assert json.loads(printed.out) == schema
    unknown = cli("-C", example_project, "schema", "nope")
    assert unknown.code == 2 and unknown.err.startswith("error: no template named 'nope'")


def test_sample_satisfies_the_contract_and_write_never_overwrites(  # type: ignore[no-untyped-def]
    cli, example_project: Path
) -> None:
    printed = cli("-C", example_project, "sample", "weekly-digest")
    assert printed.code == 0, printed.err
    data = json.loads(printed.out)
    validate(example_project / "build" / "weekly-digest.schema.json", data)
    sections = data["sections"]
    assert len(sections) == 2 and len(sections[1]["articles"]) == 2
    assert sections[1]["articles"][0]["title"] == "sections[1].articles[0].title"

    wrote = cli("-C", example_project, "sample", "weekly-digest", "--write", "generated.json")
    assert wrote.code == 0, wrote.err
    target = example_project / "templates" / "weekly-digest" / "samples" / "generated.json"
    assert json.loads(target.read_text()) == data
    again = cli("-C", example_project, "sample", "weekly-digest", "--write", "generated.json")
    assert again.code == 2
    assert again.err.strip() == (
        "error: refusing to overwrite templates/weekly-digest/samples/generated.json"
    )
    # The written sample passes check like the hand-written ones.
    checked = cli("-C", example_project, "check", "--strict")
    assert checked.code == 0, checked.out


def test_validate_names_every_violating_path(tmp_path: Path) -> None:
    schema = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "type": "object",
        "properties": {
            "user": {"type": "object", "required": ["name"]},
            "items": {"type": ["array", "object"], "items": {"required": ["sku"]}},
            "total": {"not": {"type": "null"}},
        },
        "required": ["user", "total"],
    }
    path = tmp_path / "t.schema.json"
    path.write_text(json.dumps(schema))
    validate(path, {"user": {"name": "a"}, "total": 1})
    with pytest.raises(ContractError) as caught:
        validate(schema, {"user": {}, "items": [{"sku": 1}, {}], "total": None})
    found = {v.dotted for v in caught.value.violations}
    assert found == {"user.name", "items[1].sku", "total"}
    assert "items[1].sku: missing" in str(caught.value)
    assert "total: is null" in str(caught.value)
    (tmp_path / "bad.json").write_text("{")
    with pytest.raises(ContractError.__mro__[1]) as broken:
        validate(tmp_path / "bad.json", {})
    assert "invalid JSON in the schema" in str(broken.value)
