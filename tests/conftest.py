"""Fixtures shared by the whole suite."""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import settings

from sestemplates.cli import run

# CI runs the property tests on a fixed sequence of examples, so a green build stays green;
# local runs keep exploring new examples.
settings.register_profile("ci", derandomize=True)
if os.environ.get("CI"):
    settings.load_profile("ci")

REPO = Path(__file__).resolve().parent.parent
# ../shared is laid beside the clone, both for developers and in CI.
SHARED = Path(os.environ.get("SESTEMPLATES_SHARED", REPO.parent / "shared"))


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    if not SHARED.is_dir():
        pytest.skip(f"shared data not found at {SHARED} (set SESTEMPLATES_SHARED)")
    return SHARED


@dataclass
class CliResult:
    code: int
    out: str
    err: str


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str]):  # type: ignore[no-untyped-def]
    """Run the CLI in-process through the same entry point as the console script."""

    def invoke(*args: str | Path) -> CliResult:
        capsys.readouterr()
        code = run([str(a) for a in args])
        captured = capsys.readouterr()
        return CliResult(code, captured.out, captured.err)

    return invoke


@pytest.fixture
def example_project(tmp_path: Path) -> Path:
    """A writable copy of this repo's example templates and config."""
    dest = tmp_path / "project"
    shutil.copytree(REPO / "templates", dest / "templates")
    if (REPO / "locales").is_dir():  # the gettext catalogs of the localised examples
        shutil.copytree(REPO / "locales", dest / "locales")
    for name in ("sestemplates.toml",):
        if (REPO / name).exists():
            shutil.copy(REPO / name, dest / name)
    return dest
