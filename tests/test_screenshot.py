"""`sestemplates screenshot` with the system's headless Chromium: real PNG files."""

from __future__ import annotations

import json
import shutil
import struct
from pathlib import Path

import pytest

from tests.needs import chromium

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def _require_chromium() -> None:
    chromium()


def png_size(path: Path) -> tuple[int, int]:
    """Width and height from the IHDR chunk, after checking the signature."""
    head = path.read_bytes()[:24]
    assert head[:8] == PNG_SIGNATURE, f"{path} is not a PNG"
    assert head[12:16] == b"IHDR"
    width, height = struct.unpack(">II", head[16:24])
    return int(width), int(height)


@pytest.mark.browser
def test_screenshots_of_an_example_at_two_widths(example_project: Path, cli) -> None:  # type: ignore[no-untyped-def]
    _require_chromium()
    out = example_project / "shots"
    result = cli("--project", example_project, "screenshot", "welcome", "--out", out)
    assert result.code == 0, result.out + result.err
    samples = sorted(p.stem for p in (example_project / "templates/welcome/samples").glob("*.json"))
    for sample in samples:
        for width in (600, 375):
            path = out / "welcome" / f"{sample}-{width}px.png"
            w, h = png_size(path)
            assert w == width
            assert h > 300  # the whole email, not a sliver
    assert f"{len(samples) * 2} screenshots, 0 failed" in result.out


@pytest.mark.browser
def test_one_sample_one_width(example_project: Path, cli) -> None:  # type: ignore[no-untyped-def]
    _require_chromium()
    out = example_project / "shots"
    result = cli(
        "--project", example_project, "screenshot", "welcome",
        "--sample", "trial", "--width", "480", "--out", out,
    )
    assert result.code == 0, result.out + result.err
    assert [p.name for p in (out / "welcome").iterdir()] == ["trial-480px.png"]
    assert png_size(out / "welcome" / "trial-480px.png")[0] == 480


@pytest.mark.browser
def test_a_render_error_fails_with_the_ses_message(example_project: Path, cli) -> None:  # type: ignore[no-untyped-def]
    _require_chromium()
    sample = example_project / "templates/welcome/samples/trial.json"
    data = json.loads(sample.read_text())
    del data["name"]
    sample.write_text(json.dumps(data))
    result = cli("--project", example_project, "screenshot", "welcome", "--sample", "trial")
    assert result.code == 1
    assert "Attribute 'name' is not present in the rendering data." in result.out
    # Where the tag is in the sources, and which sample lacks it.
    failure = next(line for line in result.out.splitlines() if "Attribute 'name'" in line)
    assert failure.startswith("templates/welcome/")
    assert "(sample trial.json)" in failure


def test_missing_chromium_names_the_package(
    example_project: Path, cli, monkeypatch: pytest.MonkeyPatch  # type: ignore[no-untyped-def]
) -> None:
    # An empty PATH is a machine without Chromium; nothing is faked inside sestemplates.
    monkeypatch.setenv("PATH", str(example_project))
    monkeypatch.delenv("SESTEMPLATES_CHROMIUM", raising=False)
    result = cli("--project", example_project, "screenshot")
    assert result.code == 2
    assert "apt-get install chromium" in result.err
    assert len(result.err.strip().splitlines()) == 1


def test_out_blocked_by_a_file_is_one_line_before_any_work(
    example_project: Path, cli  # type: ignore[no-untyped-def]
) -> None:
    _require_chromium()
    blocker = example_project / "shots"
    blocker.write_text("not a directory\n")
    result = cli("--project", example_project, "screenshot", "--out", blocker / "sub")
    assert result.code == 2
    expected = f"error: --out {blocker / 'sub'}: cannot create the directory (a file is in the way)"
    assert result.err.strip() == expected
    assert blocker.read_text() == "not a directory\n"


def test_a_failing_browser_names_the_template_and_sample(
    example_project: Path, cli, monkeypatch: pytest.MonkeyPatch  # type: ignore[no-untyped-def]
) -> None:
    # `false` is a real executable that fails like a crashing Chromium would.
    false = shutil.which("false")
    assert false is not None
    monkeypatch.setenv("SESTEMPLATES_CHROMIUM", false)
    result = cli(
        "--project", example_project, "screenshot", "welcome", "--sample", "trial",
        "--width", "600", "--out", example_project / "shots",
    )
    assert result.code == 1
    assert "templates/welcome/samples/trial.json: error: trial at 600px: Chromium failed" in (
        result.out
    )
    assert "0 screenshots, 1 failed" in result.out
