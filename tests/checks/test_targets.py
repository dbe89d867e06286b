"""Which templates changed files (as pre-commit passes them) select."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from sestemplates.checks.targets import affected_templates
from sestemplates.config import load_config
from sestemplates.pipeline import build_project
from tests.checks.conftest import run_check

LAYOUT = "<html lang=\"en\"><body>{% block content %}{% endblock %}</body></html>\n"


def child(layout: str | None) -> dict[str, str]:
    body = "<p>Hi {{name}}</p>"
    html = (
        f'{{% extends "{layout}" %}}{{% block content %}}{body}{{% endblock %}}' if layout else body
    )
    return {"subject.txt": "Hi {{name}}", "html.html": html, "samples/s.json": '{"name": "A"}'}


@pytest.fixture
def project(repo: Callable[..., Path], monkeypatch: pytest.MonkeyPatch) -> Path:
    files = {"_layouts/base.html": LAYOUT, "_layouts/other.html": LAYOUT, "README.md": "x"}
    for name, layout in (("a", "_layouts/base.html"), ("b", "_layouts/base.html"),
                         ("c", "_layouts/other.html"), ("d", None)):
        files |= {f"{name}/{rel}": text for rel, text in child(layout).items()}
    root = repo(files, 'prefix = "p-"\n')
    (root / "notes.txt").write_text("x")
    monkeypatch.chdir(root)  # pre-commit passes paths relative to the repo root
    build_project(load_config(root), [])
    return root


def affected(root: Path, *paths: str) -> list[str] | None:
    return affected_templates(load_config(root), [Path(p) for p in paths])


def test_template_files_select_their_template(project: Path) -> None:
    assert affected(project, "templates/b/html.html", "templates/d/samples/s.json") == ["b", "d"]


def test_layout_file_selects_the_templates_that_use_it(project: Path) -> None:
    assert affected(project, "templates/_layouts/base.html") == ["a", "b"]
    assert affected(project, "templates/_layouts/other.html") == ["c"]


def test_config_file_selects_all(project: Path) -> None:
    assert affected(project, "templates/a/html.html", "sestemplates.toml") is None


def test_other_files_select_nothing(project: Path) -> None:
    assert affected(project, "notes.txt", "templates/README.md") == []


def test_check_with_paths_checks_only_the_affected_templates(project: Path) -> None:
    report = run_check(project, [Path("templates/_layouts/base.html")])
    assert report.templates == ["p-a", "p-b"]
    assert run_check(project, [Path("notes.txt")]).templates == []
    assert len(run_check(project, [Path("sestemplates.toml")]).templates) == 4


def test_check_with_a_path_reports_only_that_template(project: Path) -> None:
    (project / "templates/c/samples/s.json").write_text("{}")
    (project / "templates/d/samples/s.json").write_text("{}")
    report = run_check(project, [Path("templates/d/samples/s.json")])
    assert {d.template for d in report.diagnostics} == {"p-d"}
    assert report.exit_code == 1


def test_a_bare_template_name_selects_that_template(project: Path) -> None:
    # `sestemplates check d` should not silently check nothing.
    assert affected(project, "d", "nothere") == ["d"]
