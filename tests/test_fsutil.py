from __future__ import annotations

from pathlib import Path

import pytest

from sestemplates.errors import SesTemplatesError
from sestemplates.fsutil import read_text, write_atomic


def test_read_text_reports_line_of_bad_byte(tmp_path: Path) -> None:
    path = tmp_path / "subject.txt"
    path.write_bytes(b"ok\nstill ok\nbad \xff here\n")
    with pytest.raises(SesTemplatesError) as info:
        read_text(path, display="templates/x/subject.txt")
    assert str(info.value).startswith("templates/x/subject.txt:3: not valid UTF-8 (byte 0xff")


def test_read_text_drops_bom(tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_bytes(b"\xef\xbb\xbfHello")
    assert read_text(path) == "Hello"


def test_write_atomic_replaces_and_leaves_no_temp_files(tmp_path: Path) -> None:
    target = tmp_path / "out" / "a.json"
    write_atomic(target, "one")
    write_atomic(target, "two ✓")
    assert target.read_text(encoding="utf-8") == "two ✓"
    assert [p.name for p in target.parent.iterdir()] == ["a.json"]


def test_write_atomic_keeps_old_content_when_writing_fails(tmp_path: Path) -> None:
    target = tmp_path / "a.txt"
    write_atomic(target, "old")
    with pytest.raises(TypeError):
        write_atomic(target, 42)  # type: ignore[arg-type]
    assert target.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["a.txt"]
