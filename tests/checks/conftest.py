"""Small real template repositories for the check/render tests."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from sestemplates.checks import CheckReport, check_project
from sestemplates.config import load_config
from sestemplates.diagnostics import Diagnostic

Files = dict[str, str]


def write_repo(root: Path, files: Files, config: str | None = None) -> Path:
    """Write `files` (paths relative to templates/) and an optional sestemplates.toml."""
    for rel, content in files.items():
        path = root / "templates" / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(content, encoding="utf-8")
    (root / "templates").mkdir(parents=True, exist_ok=True)
    if config is not None:
        (root / "sestemplates.toml").write_text(config, encoding="utf-8")
    return root


def run_check(root: Path, paths: list[Path] | None = None, *, strict: bool = False) -> CheckReport:
    return check_project(load_config(root), paths, strict=strict)


def brief(d: Diagnostic) -> tuple[str | None, str | None, int | None, str, str]:
    """What a test usually asserts: template, file, line, severity and code."""
    return (d.template, d.file, d.line, d.severity, d.code)


@pytest.fixture
def repo(tmp_path: Path) -> Callable[..., Path]:
    def make(files: Files, config: str | None = None) -> Path:
        return write_repo(tmp_path / "repo", files, config)

    return make


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "slow: installs packages or runs whole tools (minutes)")
