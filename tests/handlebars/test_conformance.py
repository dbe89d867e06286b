"""The shared handlebars spec cases (../shared/handlebars-spec) against our renderer."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

from sestemplates.handlebars import RenderError, render

from .conformance_report import outcome

_SHARED = Path(
    os.environ.get("SESTEMPLATES_SHARED", Path(__file__).resolve().parents[2].parent / "shared")
)
_CASES_FILE = _SHARED / "handlebars-spec" / "cases.json"


def _load() -> list[dict[str, Any]]:
    if not _CASES_FILE.is_file():
        return []
    cases: list[dict[str, Any]] = json.loads(_CASES_FILE.read_text(encoding="utf-8"))
    return cases


CASES = _load()


@pytest.mark.parametrize("case", CASES or [None], ids=[c["id"] for c in CASES] or ["absent"])
def test_case(shared_dir: Path, case: dict[str, Any] | None) -> None:
    if case is None:
        pytest.skip(f"no spec cases at {_CASES_FILE}")
    result, detail = outcome(case)
    assert result != "fail", detail
    if result == "null-difference":
        # Documented difference: handlebars.js prints "" for null, SES drops the message.
        with pytest.raises(RenderError) as info:
            render(case["template"], case["data"])
        assert info.value.code == "null"


def test_every_case_passes_or_is_a_documented_null_difference(shared_dir: Path) -> None:
    cases = json.loads((shared_dir / "handlebars-spec" / "cases.json").read_text("utf-8"))
    results = [outcome(c)[0] for c in cases]
    assert "fail" not in results
    # Null differences only where the data holds a null.
    for case, result in zip(cases, results, strict=True):
        if result == "null-difference":
            assert case["data_has_null"], case["id"]
