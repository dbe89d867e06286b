"""The CLI frame: exit codes and one-line errors, through the real console script."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from sestemplates import __version__


def sestemplates(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "sestemplates", *args],
        capture_output=True, text=True, cwd=cwd, timeout=120,
    )


def test_version() -> None:
    result = sestemplates("--version")
    assert result.returncode == 0
    assert result.stdout.strip() == f"sestemplates {__version__}"


def test_no_command_shows_help_and_exits_2() -> None:
    result = sestemplates()
    assert result.returncode == 2
    assert "Commands" in result.stdout and "build" in result.stdout


def test_unknown_option_is_a_usage_error() -> None:
    result = sestemplates("--bogus")
    assert result.returncode == 2
    assert result.stderr.startswith("error: No such option: --bogus")
    assert "Traceback" not in result.stderr


def test_bad_config_is_one_line_exit_2(tmp_path: Path) -> None:
    (tmp_path / "sestemplates.toml").write_text("prefix = [\n")
    result = sestemplates("--project", str(tmp_path), "build")
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: sestemplates.toml:")


def test_unknown_env_is_exit_2(tmp_path: Path) -> None:
    (tmp_path / "sestemplates.toml").write_text("[env.staging]\n")
    result = sestemplates("--project", str(tmp_path), "--env", "nope", "build")
    assert result.returncode == 2
    assert "unknown env 'nope'" in result.stderr
    assert "Traceback" not in result.stderr


COMMANDS = ("build", "check", "render", "diff", "sync", "parity", "send", "smoke", "preview",
            "screenshot", "init")


def test_help_lists_every_command_and_each_has_its_own_help() -> None:
    result = sestemplates("--help")
    assert result.returncode == 0
    listed = result.stdout.split("Commands", 1)[1]
    for command in COMMANDS:
        assert f" {command} " in listed, command
        own = sestemplates(command, "--help")
        assert own.returncode == 0 and own.stdout.startswith("Usage: "), (command, own.stderr)


def test_a_noop_build_through_the_cli_rewrites_nothing(tmp_path: Path) -> None:
    import shutil

    repo = tmp_path / "repo"
    shutil.copytree(Path(__file__).parent / "fixtures" / "buildrepo", repo)
    first = sestemplates("--project", str(repo), "build")
    assert first.returncode == 0, first.stderr
    before = {p.name: p.stat().st_mtime_ns for p in (repo / "build").iterdir()}
    again = sestemplates("--project", str(repo), "build")
    assert again.returncode == 0
    assert again.stdout.strip().endswith("0 written, 3 unchanged")
    assert {p.name: p.stat().st_mtime_ns for p in (repo / "build").iterdir()} == before
