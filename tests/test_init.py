"""`sestemplates init`: a new repo that builds and checks cleanly, and never overwrites."""

from __future__ import annotations

import tomllib
from pathlib import Path

from sestemplates.config import load_config

EXPECTED = [
    ".github/workflows/templates.yml",
    ".gitignore",
    ".pre-commit-config.yaml",
    "sestemplates.toml",
    "templates/_layouts/base.mjml",
    "templates/welcome/html.mjml",
    "templates/welcome/subject.txt",
]


def test_init_then_build_and_check_pass(tmp_path: Path, cli) -> None:  # type: ignore[no-untyped-def]
    repo = tmp_path / "new-repo"
    result = cli("init", repo)
    assert result.code == 0, result.err
    for rel in EXPECTED:
        assert (repo / rel).is_file(), rel
    assert len(list((repo / "templates/welcome/samples").glob("*.json"))) == 2
    assert "build/" in (repo / ".gitignore").read_text().splitlines()
    assert "id: sestemplates-check" in (repo / ".pre-commit-config.yaml").read_text()
    workflow = (repo / ".github/workflows/templates.yml").read_text()
    assert "sestemplates check" in workflow and "smoke" in workflow

    config = load_config(repo)
    assert {"staging", "production"} <= set(config.envs)
    assert tomllib.loads((repo / "sestemplates.toml").read_text())["send"]["from"]

    built = cli("--project", repo, "build")
    assert built.code == 0, built.out + built.err
    assert (repo / "build" / "welcome.json").is_file()
    checked = cli("--project", repo, "check")
    assert checked.code == 0, checked.out + checked.err
    staging = cli("--project", repo, "--env", "staging", "build")
    assert staging.code == 0, staging.out + staging.err


def test_init_defaults_to_the_project_directory(tmp_path: Path, cli) -> None:  # type: ignore[no-untyped-def]
    result = cli("--project", tmp_path, "init")
    assert result.code == 0, result.err
    assert (tmp_path / "sestemplates.toml").is_file()


def test_init_again_refuses_and_changes_nothing(tmp_path: Path, cli) -> None:  # type: ignore[no-untyped-def]
    assert cli("init", tmp_path).code == 0
    subject = tmp_path / "templates/welcome/subject.txt"
    subject.write_text("My own subject\n")
    again = cli("init", tmp_path)
    assert again.code == 2
    assert "already exists" in again.err and "--force" in again.err
    assert len(again.err.strip().splitlines()) == 1
    assert subject.read_text() == "My own subject\n"


def test_init_refuses_when_any_one_file_exists(tmp_path: Path, cli) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / ".gitignore").write_text("node_modules/\n")
    result = cli("init", tmp_path)
    assert result.code == 2
    assert ".gitignore" in result.err
    # Nothing was written: a refused init leaves no half-made repository.
    assert not (tmp_path / "sestemplates.toml").exists()
    assert (tmp_path / ".gitignore").read_text() == "node_modules/\n"


def test_init_force_overwrites(tmp_path: Path, cli) -> None:  # type: ignore[no-untyped-def]
    assert cli("init", tmp_path).code == 0
    subject = tmp_path / "templates/welcome/subject.txt"
    subject.write_text("changed\n")
    assert cli("init", tmp_path, "--force").code == 0
    assert "{{name}}" in subject.read_text()
