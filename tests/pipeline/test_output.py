from __future__ import annotations

import json
from pathlib import Path

from sestemplates.pipeline.output import read_outputs, remove_outputs, write_outputs


def test_json_has_exactly_the_create_email_template_keys(tmp_path: Path) -> None:
    assert write_outputs(tmp_path, "T-1", "Hi {{n}}", "<p>é {{n}}</p>", "é {{n}}\n")
    doc = json.loads((tmp_path / "T-1.json").read_text(encoding="utf-8"))
    assert set(doc) == {"TemplateName", "TemplateContent"}
    assert set(doc["TemplateContent"]) == {"Subject", "Html", "Text"}
    assert doc["TemplateName"] == "T-1"
    assert (tmp_path / "T-1.html").read_text(encoding="utf-8") == "<p>é {{n}}</p>"
    assert (tmp_path / "T-1.txt").read_text(encoding="utf-8") == "é {{n}}\n"
    assert read_outputs(tmp_path, "T-1") == ("Hi {{n}}", "<p>é {{n}}</p>", "é {{n}}\n")


def test_unchanged_content_is_not_rewritten_and_failures_remove_outputs(tmp_path: Path) -> None:
    write_outputs(tmp_path, "T", "s", "h", "t")
    before = {p.name: p.stat().st_mtime_ns for p in tmp_path.iterdir()}
    assert not write_outputs(tmp_path, "T", "s", "h", "t")
    assert {p.name: p.stat().st_mtime_ns for p in tmp_path.iterdir()} == before
    remove_outputs(tmp_path, "T")
    assert list(tmp_path.iterdir()) == []
