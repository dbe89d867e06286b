"""File helpers: atomic writes and strict UTF-8 reads with one-line errors."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from sestemplates.errors import SesTemplatesError


def read_text(path: Path, *, display: str | None = None, keep_bom: bool = False) -> str:
    """Read a UTF-8 file; a decode error names the file and the line it happened on.

    `keep_bom`: return every character, a leading U+FEFF too (for parts kept byte for byte)."""
    data = path.read_bytes()
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise SesTemplatesError(
            f"not valid UTF-8 (byte 0x{data[exc.start]:02x} at offset {exc.start})",
            file=display or str(path),
            line=line,
        ) from None
    # A BOM would end up inside the Subject or before <!doctype>.
    return text if keep_bom else text.removeprefix("\ufeff")


def write_atomic(path: Path, content: str | bytes) -> None:
    """Write via a temp file in the same directory and rename, so readers never see half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    data = content.encode("utf-8") if isinstance(content, str) else content
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def resolves_inside(path: Path, directory: Path) -> bool:
    """Whether `path`, with every symlink and `..` resolved, is `directory` or under it (also
    resolved). Template sources may only read files of the templates directory: a link in it
    that leads elsewhere would put any file of the machine into the build."""
    real = path.resolve()
    boundary = directory.resolve()
    return real == boundary or boundary in real.parents
