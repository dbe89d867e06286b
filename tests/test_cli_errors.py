"""Bad inputs through the real console script: one line, the right exit code, no traceback.

Each case once crashed with "internal error" or a misleading message (issue 8).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.needs import without_permission_override


def sestemplates(root: Path, *args: str, unprivileged: bool = False) -> tuple[int, str, str]:
    command = [sys.executable, "-m", "sestemplates", "--project", str(root), *args]
    if unprivileged:
        command = without_permission_override(command)
    result = subprocess.run(command, capture_output=True, text=True, timeout=120)
    return result.returncode, result.stdout, result.stderr


def one_error(stderr: str) -> str:
    """The single error line (no traceback, no second line)."""
    assert "Traceback" not in stderr and "internal error" not in stderr, stderr
    lines = stderr.strip().splitlines()
    assert len(lines) == 1, stderr
    return lines[0]


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = tmp_path / "p"
    for name in ("a", "b"):
        directory = root / "templates" / name
        (directory / "samples").mkdir(parents=True)
        (directory / "subject.txt").write_text("Hi {{name}}")
        (directory / "html.html").write_text("<p>Hi {{name}}</p>")
        (directory / "samples" / "s.json").write_text('{"name": "Ada"}')
    return root


@pytest.fixture
def unlock(project: Path):  # type: ignore[no-untyped-def]
    """chmod'ed paths get their permissions back, so tmp_path can be cleaned up."""
    locked: list[Path] = []
    yield locked.append
    for path in locked:
        os.chmod(path, 0o755)


def test_build_path_is_a_file(project: Path) -> None:
    (project / "build").write_text("not a directory")
    code, _, err = sestemplates(project, "build")
    assert code == 2
    assert one_error(err) == (
        "error: the build directory build is a file, not a directory "
        "(move it, or set `build` in the config)"
    )
    code, _, err = sestemplates(project, "check")
    assert code == 2 and "build directory build is a file" in one_error(err)


def test_unwritable_build_directory(project: Path, unlock) -> None:  # type: ignore[no-untyped-def]
    assert sestemplates(project, "build")[0] == 0
    (project / "templates" / "a" / "subject.txt").write_text("Changed {{name}}")
    os.chmod(project / "build", 0o555)
    unlock(project / "build")
    code, _, err = sestemplates(project, "build", unprivileged=True)
    assert code == 1
    line = one_error(err)
    assert line.startswith("error: cannot write ") and line.endswith(": Permission denied")
    assert "build/a.json" in line or "build/a.html" in line


def test_unreadable_template_directory_is_not_a_missing_file(  # type: ignore[no-untyped-def]
    project: Path, unlock
) -> None:
    os.chmod(project / "templates" / "b", 0)
    unlock(project / "templates" / "b")
    code, out, err = sestemplates(project, "check", unprivileged=True)
    assert code == 1, err
    assert "templates/b: error: cannot read the template directory: Permission denied" in out
    assert "missing subject.txt" not in out
    code, _, err = sestemplates(project, "render", "b", unprivileged=True)
    assert code == 1
    assert one_error(err) == "error: templates/b: cannot read the template directory: " \
        "Permission denied"


def test_unreadable_samples(project: Path, unlock) -> None:  # type: ignore[no-untyped-def]
    sample = project / "templates" / "a" / "samples" / "s.json"
    os.chmod(sample, 0)
    unlock(sample)
    os.chmod(project / "templates" / "b" / "samples", 0)
    unlock(project / "templates" / "b" / "samples")
    code, out, err = sestemplates(project, "check", unprivileged=True)
    assert code == 1, err
    assert "templates/a/samples/s.json: error: cannot read: Permission denied" in out
    assert (
        "templates/b/samples: error: cannot read the samples directory: Permission denied" in out
    )
    code, _, err = sestemplates(project, "render", "a", unprivileged=True)
    assert code == 1
    assert one_error(err) == "error: templates/a/samples/s.json: cannot read: Permission denied"


def test_a_sample_with_a_5000_digit_integer(project: Path) -> None:
    sample = project / "templates" / "a" / "samples" / "s.json"
    sample.write_text('{"name": ' + "7" * 5000 + "}")
    code, out, err = sestemplates(project, "check")
    assert code == 1, err
    assert "templates/a/samples/s.json:1:10: error: invalid sample: an integer of 5000 digits" \
        in out
    code, _, err = sestemplates(project, "render", "a")
    assert code == 1
    assert one_error(err).startswith(
        "error: templates/a/samples/s.json:1:10: invalid sample: an integer of 5000 digits is "
        "too long to read"
    )


@pytest.mark.parametrize(("text", "kind"), [('"not a JSON str"', "a string"), ("[]", "an array"),
                                            ("42", "a number"), ("null", "null")])
def test_a_sample_that_is_not_an_object(project: Path, text: str, kind: str) -> None:
    (project / "templates" / "a" / "samples" / "s.json").write_text(text)
    code, _, err = sestemplates(project, "render", "a")
    assert code == 1
    assert one_error(err) == (
        f"error: templates/a/samples/s.json:1: a JSON object is required (TemplateData), "
        f"got {kind}"
    )


@pytest.mark.parametrize(
    ("setting", "message"),
    [
        ("pace_seconds = inf", "ses.pace_seconds must be a number from 0 to 60, not inf"),
        ("pace_seconds = 1e9", "ses.pace_seconds must be a number from 0 to 60, not 1000000000.0"),
        ("max_attempts = nan", "ses.max_attempts must be a whole number from 1 to 100, not nan"),
        ("max_attempts = inf", "ses.max_attempts must be a whole number from 1 to 100, not inf"),
        ("max_attempts = 1e30", "ses.max_attempts must be a whole number from 1 to 100, not 1e+30"),
    ],
)
def test_unbounded_ses_settings(project: Path, setting: str, message: str) -> None:
    (project / "sestemplates.toml").write_text(f"[ses]\n{setting}\n")
    code, _, err = sestemplates(project, "build")
    assert code == 2
    assert one_error(err) == f"error: sestemplates.toml: {message}"


def test_a_bom_in_the_config(project: Path) -> None:
    (project / "sestemplates.toml").write_bytes(b'\xef\xbb\xbfprefix = "x-"\n')
    code, _, err = sestemplates(project, "build")
    assert code == 0, err
    assert json.loads((project / "build" / "x-a.json").read_text())["TemplateName"] == "x-a"


def test_render_of_a_broken_template_says_error_once(project: Path) -> None:
    (project / "templates" / "b" / "html.html").unlink()
    code, _, err = sestemplates(project, "render", "b")
    assert code == 1
    assert one_error(err) == "error: templates/b: missing html.mjml or html.html"
