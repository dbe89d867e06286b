"""Sample loading: file:line:col for broken JSON, objects only, key positions."""

from __future__ import annotations

from pathlib import Path

import pytest

from sestemplates.checks.samples import load_sample, top_level_keys
from sestemplates.errors import SesTemplatesError


def test_load_sample_returns_the_object(tmp_path: Path) -> None:
    path = tmp_path / "s.json"
    path.write_text('\ufeff{"name": "Zoë", "n": [1]}', encoding="utf-8")
    assert load_sample(path) == {"name": "Zoë", "n": [1]}


def test_invalid_json_names_file_line_and_column(tmp_path: Path) -> None:
    path = tmp_path / "s.json"
    path.write_text('{\n  "a": 1,\n  "b": ,\n}', encoding="utf-8")
    with pytest.raises(SesTemplatesError) as err:
        load_sample(path, display="samples/s.json")
    assert (err.value.file, err.value.line, err.value.column) == ("samples/s.json", 3, 8)
    assert str(err.value).startswith("samples/s.json:3:8: invalid JSON in sample: Expecting value")


@pytest.mark.parametrize(
    ("text", "kind"),
    [("[1]", "an array"), ('"not a JSON str"', "a string"), ("null", "null"), ("1.5", "a number"),
     ("true", "a boolean")],
)
def test_non_object_sample_is_an_error(tmp_path: Path, text: str, kind: str) -> None:
    path = tmp_path / "s.json"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(SesTemplatesError) as err:
        load_sample(path, display="s.json")
    assert str(err.value) == f"s.json:1: a JSON object is required (TemplateData), got {kind}"


def test_an_integer_too_long_to_read_is_an_error_at_its_place(tmp_path: Path) -> None:
    path = tmp_path / "s.json"
    path.write_text('{\n  "n": "1234",\n  "big": ' + "1" * 5000 + "\n}", encoding="utf-8")
    with pytest.raises(SesTemplatesError) as err:
        load_sample(path, display="s.json")
    assert (err.value.line, err.value.column) == (3, 10)
    assert "an integer of 5000 digits is too long to read" in err.value.message


def test_non_utf8_sample_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "s.json"
    path.write_bytes(b'{"a": "\xff"}')
    with pytest.raises(SesTemplatesError, match="not valid UTF-8"):
        load_sample(path)


def test_top_level_key_positions_skip_nested_keys_and_strings() -> None:
    text = '{\n  "a": {"b": 1, "c": "}:\\"{"},\n  "d\\u00e9": [ {"e": 2} ],\n    "f" : 3\n}'
    assert top_level_keys(text) == {"a": (2, 3), "dé": (3, 3), "f": (4, 5)}


@pytest.mark.parametrize(
    ("text", "token", "line", "column"),
    [
        ('{"a": NaN}', "NaN", 1, 7),
        ('{\n  "s": "Infinity",\n  "b": -Infinity}', "-Infinity", 3, 8),
        ('{"s": "x\\"Infinity", "b": [Infinity]}', "Infinity", 1, 28),
    ],
)
def test_non_json_numbers_are_an_error_at_their_position(
    tmp_path: Path, text: str, token: str, line: int, column: int
) -> None:
    # Python's json reads NaN/Infinity; JSON.parse (and so SES) rejects them.
    path = tmp_path / "s.json"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(SesTemplatesError, match=f"{token} is not a JSON value") as err:
        load_sample(path, display="s.json")
    assert (err.value.line, err.value.column) == (line, column)


def test_too_deeply_nested_sample_is_an_error_not_a_crash(tmp_path: Path) -> None:
    path = tmp_path / "s.json"
    path.write_text('{"a": ' + "[" * 100_000 + "]" * 100_000 + "}", encoding="utf-8")
    with pytest.raises(SesTemplatesError, match="nested too deeply"):
        load_sample(path, display="s.json")


def test_huge_numbers_are_infinity_as_in_json_parse(tmp_path: Path) -> None:
    path = tmp_path / "s.json"
    path.write_text('{"a": 1e400}', encoding="utf-8")
    assert load_sample(path) == {"a": float("inf")}
