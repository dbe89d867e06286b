"""import: SES v1/v2 template JSON files → as_is template directories that build back to
exactly the file's parts; anything else is one line naming the file."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "import"
GOOD = sorted(FIXTURES.glob("*.json"))


def expected_parts(path: Path) -> dict[str, dict[str, str]]:
    """TemplateName → Subject/Html/Text as the file says (absent parts are "")."""
    document: Any = json.loads(path.read_text(encoding="utf-8-sig"))
    found: dict[str, dict[str, str]] = {}
    for item in document if isinstance(document, list) else [document]:
        item = item.get("Template", item)
        if "TemplateContent" in item:
            content = item["TemplateContent"]
        else:
            content = {
                "Subject": item.get("SubjectPart"),
                "Html": item.get("HtmlPart"),
                "Text": item.get("TextPart"),
            }
        found[item["TemplateName"]] = {k: content.get(k) or "" for k in ("Subject", "Html", "Text")}
    return found


def repo(root: Path, prefix: str) -> Path:
    root.mkdir(parents=True)
    (root / "sestemplates.toml").write_text(f'prefix = "{prefix}"\n', encoding="utf-8")
    return root


def tree(root: Path) -> dict[str, bytes]:
    if not root.exists():
        return {}
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


@pytest.mark.parametrize("prefix", ["legacy-", ""])
def test_import_corpus_round_trips_exactly(cli, tmp_path: Path, prefix: str):  # type: ignore[no-untyped-def]
    project = repo(tmp_path / "project", prefix)
    imported = cli("-C", project, "import", *GOOD)
    assert imported.code == 0, imported.err
    assert imported.out.startswith("import: wrote 6 template(s) into templates/ (0 replaced)")

    dirs = sorted(p.name for p in (project / "templates").iterdir())
    names = ["legacy-a", "legacy-b", "legacy-c", "legacy-digest", "legacy-invoice",
             "legacy-welcome"]
    assert dirs == [n.removeprefix(prefix) for n in names]
    invoice = project / "templates" / "legacy-invoice".removeprefix(prefix)
    assert b"\r\n{{#each items}}\r\n<tr>" in (invoice / "html.html").read_bytes()

    built = cli("-C", project, "build")
    assert built.code == 0, built.out
    expected = {}
    for path in GOOD:
        expected |= expected_parts(path)
    assert sorted(expected) == names
    for name, parts in expected.items():
        document = json.loads((project / "build" / f"{name}.json").read_text(encoding="utf-8"))
        assert document["TemplateName"] == name
        assert document["TemplateContent"] == parts, name
    digest = json.loads((project / "build" / "legacy-digest.json").read_text(encoding="utf-8"))
    assert digest["TemplateContent"]["Html"].startswith("\ufeff<html>")  # even a BOM is kept

    checked = cli("-C", project, "check")
    assert checked.code == 0, checked.out


def test_import_refuses_existing_and_force_replaces(cli, tmp_path: Path):  # type: ignore[no-untyped-def]
    project = repo(tmp_path / "project", "legacy-")
    assert cli("-C", project, "import", FIXTURES / "v1-bare.json").code == 0
    (project / "templates" / "welcome" / "html.html").write_text("edited", encoding="utf-8")
    before = tree(project / "templates")

    refused = cli("-C", project, "import", FIXTURES / "array.json", FIXTURES / "v1-bare.json")
    assert refused.code == 2
    assert refused.err == (
        "error: templates/welcome already exists; pass --force to replace "
        "(their samples/ are kept)\n"
    )
    assert tree(project / "templates") == before  # not even the three new ones

    forced = cli("-C", project, "import", "--force", FIXTURES / "v1-bare.json")
    assert forced.code == 0, forced.err
    html = (project / "templates" / "welcome" / "html.html").read_text(encoding="utf-8")
    assert html == expected_parts(FIXTURES / "v1-bare.json")["legacy-welcome"]["Html"]


BAD = FIXTURES / "bad"
ERRORS = [
    ("invalid.json", "tests/fixtures/import/bad/invalid.json:4:3: invalid JSON: "
     "Expecting ',' delimiter"),
    ("latin1.json", "tests/fixtures/import/bad/latin1.json:1: not valid UTF-8 (byte 0xfc"),
    ("scalar.json", "tests/fixtures/import/bad/scalar.json: a JSON string; expected "),
    ("not-template.json", "tests/fixtures/import/bad/not-template.json: no TemplateName; "
     "expected"),
    ("unknown-key.json", "tests/fixtures/import/bad/unknown-key.json: unknown key 'HTMLPart' "
     "(expected TemplateName, SubjectPart, HtmlPart, TextPart)"),
    ("wrong-type.json", "tests/fixtures/import/bad/wrong-type.json: TemplateContent.Html must "
     "be a string, not a JSON number"),
    ("empty-array.json", "tests/fixtures/import/bad/empty-array.json: an empty list"),
    ("no-parts.json", "tests/fixtures/import/bad/no-parts.json: Template: x: neither HtmlPart "
     "nor TextPart"),
    ("bad-name.json", "tests/fixtures/import/bad/bad-name.json: item 2: invalid TemplateName "
     "'my template'"),
]


@pytest.mark.parametrize(("file", "message"), ERRORS, ids=[e[0] for e in ERRORS])
def test_bad_files_are_one_line_naming_the_file(cli, tmp_path: Path, file: str, message: str):  # type: ignore[no-untyped-def]
    project = repo(tmp_path / "project", "")
    shutil.copytree(BAD, project / "tests" / "fixtures" / "import" / "bad")
    good = FIXTURES / "v1-bare.json"  # a good file first: still nothing is written
    result = cli("-C", project, "import", good, f"tests/fixtures/import/bad/{file}")
    assert result.code == 1
    assert result.err.startswith("error: " + message), result.err
    assert result.err.count("\n") == 1
    assert not (project / "templates").exists()


def test_the_same_template_twice_is_an_error(cli, tmp_path: Path):  # type: ignore[no-untyped-def]
    project = repo(tmp_path / "project", "legacy-")
    twice = cli("-C", project, "import", FIXTURES / "array.json", FIXTURES / "array.json")
    assert twice.code == 1
    assert "item 1: template 'legacy-a' is also in" in twice.err
    assert not (project / "templates").exists()


def test_missing_file(cli, tmp_path: Path):  # type: ignore[no-untyped-def]
    project = repo(tmp_path / "project", "")
    result = cli("-C", project, "import", tmp_path / "nope.json")
    assert result.code == 1
    missing = tmp_path / "nope.json"
    assert result.err == f"error: {missing}: cannot read: No such file or directory\n"
