"""`sestemplates screenshot` with the system's headless Chromium: real PNG files."""

from __future__ import annotations

import json
import os
import shutil
import struct
from pathlib import Path

import pytest

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def _require_chromium() -> None:
    if shutil.which("chromium") is None:
        reason = "chromium not installed (apt-get install chromium)"
        if os.environ.get("CI"):
            pytest.fail(reason)
        pytest.skip(reason)


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
