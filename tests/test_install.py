"""The README's install command (`pip install -e .`) gives every command the README shows."""

from __future__ import annotations

import re
import subprocess
import sys
import tomllib
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
# What each command imports beyond the default install's own packages.
PREVIEW_MODULES = {"starlette", "uvicorn", "watchfiles"}


def _requirement_names(requirements: list[str]) -> set[str]:
    return {re.split(r"[\s<>=!~;\[]", r, maxsplit=1)[0].lower() for r in requirements}


def test_preview_dependencies_are_part_of_the_default_install() -> None:
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert _requirement_names(project["dependencies"]) >= PREVIEW_MODULES


def test_readme_installs_without_extras_and_every_command_it_shows_exists() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert "pip install -e . " in readme  # the install command the rest relies on
    blocks = re.findall(r"```sh\n(.*?)```", readme, re.DOTALL)
    shown = {
        command
        for block in blocks
        for command in re.findall(r"\bsestemplates\s+(?:-\S+\s+\S+\s+)*([a-z]+)\b", block)
    }
    assert {"build", "preview", "sync", "smoke", "send"} <= shown
    for command in sorted(shown):
        result = subprocess.run(
            [sys.executable, "-m", "sestemplates", command, "--help"],
            capture_output=True, text=True, timeout=120,
        )
        assert result.returncode == 0, (command, result.stderr)


def test_the_preview_server_imports_with_the_default_install() -> None:
    # The server module imports uvicorn at the top: this is what `preview` failed on.
    result = subprocess.run(
        [sys.executable, "-c", "import sestemplates.preview.server, sestemplates.preview.watch"],
        capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 0, result.stderr
