"""The pre-commit hook, as another repository uses it: `pre-commit try-repo` on this checkout.

try-repo installs this repository (and its dependencies, from PyPI) into a fresh environment
the first time, so this is slow; pre-commit caches the environment per commit afterwards.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO
from tests.needs import unavailable

pytestmark = pytest.mark.slow

HTML = "<html lang=\"en\"><body>\n<p>Hello {{name}}</p>\n<p>Plan: {{plan}}</p>\n</body></html>\n"


def _need(ok: bool, reason: str) -> None:
    if not ok:
        unavailable(reason)


def git(cwd: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True)


@pytest.fixture
def template_repo(tmp_path: Path) -> Path:
    _need(shutil.which("git") is not None, "git is not installed")
    _need(importlib.util.find_spec("pre_commit") is not None, "pre-commit is not installed")
    root = tmp_path / "emails"
    t = root / "templates" / "welcome"
    (t / "samples").mkdir(parents=True)
    (t / "subject.txt").write_text("Welcome {{name}}\n")
    (t / "html.html").write_text(HTML)
    (t / "samples" / "pro.json").write_text('{"name": "Ann", "plan": "pro"}\n')
    (root / ".pre-commit-config.yaml").write_text(
        f"repos:\n  - repo: {REPO}\n    rev: HEAD\n    hooks:\n      - id: sestemplates-check\n"
    )
    git(root, "init", "-q")
    git(root, "add", ".")
    return root


def try_repo(root: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pre_commit", "try-repo", str(REPO), "sestemplates-check",
         "--files", "templates/welcome/html.html", "templates/welcome/samples/pro.json",
         "--color", "never"],
        cwd=root, capture_output=True, text=True, timeout=900,
        env={**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com",
             "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.com"},
    )


def test_hook_passes_then_fails_on_a_missing_variable(template_repo: Path) -> None:
    ok = try_repo(template_repo)
    assert ok.returncode == 0, ok.stdout + ok.stderr
    assert "sestemplates check" in ok.stdout and "Passed" in ok.stdout

    (template_repo / "templates/welcome/samples/pro.json").write_text('{"name": "Ann"}\n')
    git(template_repo, "add", ".")
    failed = try_repo(template_repo)
    assert failed.returncode == 1, failed.stdout + failed.stderr
    assert "Failed" in failed.stdout
    assert "templates/welcome/html.html:3:" in failed.stdout
    assert "Attribute 'plan' is not present in the rendering data." in failed.stdout
