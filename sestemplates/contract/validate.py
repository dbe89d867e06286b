"""Validate TemplateData against an exported contract (build/<TemplateName>.schema.json).

    from sestemplates.contract import validate
    validate("build/welcome.schema.json", data)   # raises ContractError naming every bad path

Uses the `jsonschema` package, imported inside the functions: `check` first runs the quick
validator (contract/quick.py) and imports jsonschema only to explain an invalid sample.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sestemplates.errors import SesTemplatesError


class ContractError(SesTemplatesError):
    """TemplateData that breaks the template's contract; `violations` lists every problem."""

    def __init__(self, violations: list[Violation], *, file: str | None = None) -> None:
        text = "; ".join(v.sentence() for v in violations)
        super().__init__(f"TemplateData breaks the template's contract: {text}", file=file)
        self.violations = violations


@dataclass(frozen=True)
class Violation:
    path: tuple[str | int, ...]  # where in the data (a missing key included)
    message: str
    missing: bool = False  # a required key is absent

    @property
    def dotted(self) -> str:
        out = ""
        for seg in self.path:
            out += f"[{seg}]" if isinstance(seg, int) else ("." if out else "") + seg
        return out or "(the TemplateData object)"

    def sentence(self) -> str:
        return f"{self.dotted}: {self.message}"


def load_schema(schema: Path | str | Mapping[str, Any]) -> Mapping[str, Any]:
    if isinstance(schema, Mapping):
        return schema
    path = Path(schema)
    try:
        loaded = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise SesTemplatesError(f"cannot read the schema: {exc.strerror}", file=str(path)) from None
    except ValueError as exc:
        raise SesTemplatesError(f"invalid JSON in the schema: {exc}", file=str(path)) from None
    if not isinstance(loaded, dict):
        raise SesTemplatesError("a schema must be a JSON object", file=str(path))
    return loaded


def violations(schema: Mapping[str, Any], data: Any) -> list[Violation]:
    """Every violation, the deepest cause of each, one per path, in path order."""
    from jsonschema import Draft202012Validator
    from jsonschema.exceptions import best_match

    validator = Draft202012Validator(schema)
    found: dict[tuple[str | int, ...], Violation] = {}
    for error in validator.iter_errors(data):
        cause = best_match([error]) if error.context else error
        for v in _explain(cause):
            found.setdefault(v.path, v)
    return sorted(found.values(), key=lambda v: [str(s) for s in v.path])


def _explain(error: Any) -> list[Violation]:
    path = tuple(error.absolute_path)
    if error.validator == "anyOf" and error.validator_value[:1] == [{"enum": [None, False]}]:
        # A path that may also be null/false (an `#if`/`#each`/`#with` takes its else branch):
        # say what is wrong with the value it has.
        typed = [e for e in error.context if e.relative_schema_path[0] == 1]
        found = [v for e in typed for v in _explain(e)]
        if found:
            return [
                Violation(v.path, v.message.replace(", not ", " (or null/false), not ", 1))
                if v.path == path
                else v
                for v in found
            ]
    if error.validator == "required" and isinstance(error.instance, dict):
        return [
            Violation(
                (*path, key),
                "missing (SES drops the email when a used value is missing or null)",
                missing=True,
            )
            for key in error.validator_value
            if key not in error.instance
        ]
    if error.validator == "not" and error.validator_value == {"type": "null"}:
        return [Violation(path, "is null (SES treats null as missing and drops the email)")]
    if error.validator == "not" and error.validator_value == {}:
        return [Violation(path, "no data is valid: the template's Handlebars does not parse")]
    if error.validator == "type":
        expected = error.validator_value
        wanted = " or ".join(expected) if isinstance(expected, list) else expected
        wanted = wanted.replace("array", "a list").replace("object", "an object")
        return [Violation(path, f"must be {wanted}, not {_kind(error.instance)}")]
    return [Violation(path, str(error.message))]


def _kind(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "a list"
    return "an object"


def validate(schema: Path | str | Mapping[str, Any], data: Any) -> None:
    """Raise ContractError naming every violating path; return None when `data` is valid."""
    loaded = load_schema(schema)
    found = violations(loaded, data)
    if found:
        raise ContractError(found, file=None if isinstance(schema, Mapping) else str(schema))
