"""`sestemplates init`: a new repo that builds and checks cleanly, and never overwrites."""

from __future__ import annotations

import subprocess
import sys
import tomllib
from pathlib import Path
from typing import Any

import yaml

from sestemplates.config import load_config

REPO = Path(__file__).resolve().parent.parent

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


def test_init_into_a_directory_with_unrelated_files(tmp_path: Path, cli) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "notes.md").write_text("mine\n")
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates" / "README.md").write_text("also mine\n")
    result = cli("init", tmp_path)
    assert result.code == 0, result.err
    assert (tmp_path / "notes.md").read_text() == "mine\n"
    assert (tmp_path / "templates" / "README.md").read_text() == "also mine\n"
    assert cli("--project", tmp_path, "check").code == 0


def test_init_tells_what_to_do_next(tmp_path: Path, cli) -> None:  # type: ignore[no-untyped-def]
    out = cli("init", tmp_path / "r").out
    assert "sestemplates build && sestemplates check && sestemplates preview" in out
    assert "YOUR-ORG" in out and "pre-commit install" in out


def test_refusal_counts_the_other_existing_files(tmp_path: Path, cli) -> None:  # type: ignore[no-untyped-def]
    assert cli("init", tmp_path).code == 0
    again = cli("init", tmp_path)
    assert again.code == 2
    assert "already exists (and 9 more); not overwriting (use --force)" in again.err


def test_a_file_in_the_way_of_a_directory_writes_nothing(tmp_path: Path, cli) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "templates").write_text("a file, not a directory\n")
    for args in (("init", tmp_path), ("init", tmp_path, "--force")):
        result = cli(*args)
        assert result.code == 2
        assert result.err.strip() == (
            f"error: {tmp_path / 'templates'} is a file, but init needs a directory there"
        )
        assert sorted(p.name for p in tmp_path.iterdir()) == ["templates"]


def test_a_directory_where_a_file_goes_is_refused_even_with_force(tmp_path: Path, cli) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "sestemplates.toml").mkdir()
    result = cli("init", tmp_path, "--force")
    assert result.code == 2
    assert "sestemplates.toml is a directory, but init writes a file there" in result.err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["sestemplates.toml"]


def _run_commands(steps: list[dict[str, Any]]) -> list[str]:
    return [step["run"] for step in steps if "run" in step]


def test_generated_pre_commit_config_and_workflow_are_valid(tmp_path: Path, cli) -> None:  # type: ignore[no-untyped-def]
    assert cli("init", tmp_path).code == 0
    hooks_file = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text())
    provided = {hook["id"] for hook in hooks_file}

    pre_commit = yaml.safe_load((tmp_path / ".pre-commit-config.yaml").read_text())
    [repo] = pre_commit["repos"]
    assert repo["repo"].startswith("https://") and repo["rev"]
    assert [hook["id"] for hook in repo["hooks"]] == ["sestemplates-check"]
    assert "sestemplates-check" in provided
    # pre-commit's own schema check (offline: it does not fetch the repo).
    validated = subprocess.run(
        [sys.executable, "-m", "pre_commit", "validate-config", ".pre-commit-config.yaml"],
        cwd=tmp_path, capture_output=True, text=True, check=False,
    )
    assert validated.returncode == 0, validated.stdout + validated.stderr

    workflow = yaml.safe_load((tmp_path / ".github/workflows/templates.yml").read_text())
    triggers = workflow.get("on", workflow.get(True))  # YAML 1.1 reads a bare `on` as True
    assert "push" in triggers and "pull_request" in triggers
    check = _run_commands(workflow["jobs"]["check"]["steps"])
    assert any(c.startswith("sestemplates check") for c in check)
    assert "sestemplates build" in check
    smoke_job = workflow["jobs"]["smoke"]
    assert smoke_job["needs"] == "check"
    assert "sestemplates --env staging smoke" in _run_commands(smoke_job["steps"])
    assert "staging" in load_config(tmp_path).envs  # the env the smoke job names exists
