"""Reading a .po/.pot file with Babel: one place that turns Babel's errors into ours."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sestemplates.config import Config
from sestemplates.errors import SesTemplatesError


def read_catalog(config: Config, path: Path, locale: str | None = None) -> Any:
    """A .po/.pot file read by Babel; a malformed one is an error at its line."""
    from babel.messages.pofile import PoFileError, read_po

    shown = config.display(path)
    try:
        with open(path, "rb") as fh:
            return read_po(fh, locale=locale, abort_invalid=True)
    except PoFileError as exc:
        raise SesTemplatesError(
            f"invalid catalog: {str(exc).rsplit(' on ', 1)[0]}", file=shown,
            line=exc.lineno + 1,
        ) from None
    except UnicodeDecodeError:
        raise SesTemplatesError("not valid UTF-8", file=shown) from None
    except OSError as exc:
        raise SesTemplatesError(f"cannot read catalog: {exc.strerror}", file=shown) from None
