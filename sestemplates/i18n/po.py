"""Reading a .po/.pot file with Babel: one place that turns Babel's errors into ours."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sestemplates.config import Config
from sestemplates.errors import SesTemplatesError
from sestemplates.fsutil import resolves_inside


def read_catalog(config: Config, path: Path, locale: str | None = None) -> Any:
    """A .po/.pot file read by Babel; a malformed one is an error at its line."""
    from babel.messages.pofile import PoFileError, read_po

    shown = f"{config.display(path.parent)}/{path.name}"  # display() would follow a link
    if not resolves_inside(path, config.root):
        # Like templates, catalogs are read only inside the project.
        raise SesTemplatesError(
            f"resolves to {path.resolve()}, outside the project: refused", file=shown
        )
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
