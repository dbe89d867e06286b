"""templates/<name>/template.toml: per-template settings (today one: `as_is`).

`as_is = true` says the template's parts are final: subject.txt, html.html and text.txt go to
the build output byte for byte (no Jinja, no HTML library, no derived text). It is what `pull`
and `import` write, so a template adopted from SES builds back to exactly what SES holds.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sestemplates.errors import ConfigError, SesTemplatesError

SETTINGS_FILE = "template.toml"
AS_IS_TEXT = (
    "# Written by sestemplates pull/import: the parts below are final, built byte for byte\n"
    "# (no Jinja, no inlining, no derived text). Remove this file to use the build pipeline.\n"
    "as_is = true\n"
)
_KEYS = ("as_is",)


@dataclass(frozen=True)
class TemplateSettings:
    as_is: bool = False


def read_settings(path: Path, display: str) -> TemplateSettings:
    """The settings in `path`; a bad file is one error naming it (and the line, for TOML)."""
    from sestemplates.config import _parse_toml

    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise SesTemplatesError(f"cannot read: {exc.strerror}", file=display) from None
    try:
        table = _parse_toml(path, raw)
    except ConfigError as exc:  # it names the bare file name; this one is one of many
        raise SesTemplatesError(
            exc.message, file=display, line=exc.line, column=exc.column
        ) from None
    unknown = sorted(set(table) - set(_KEYS))
    if unknown:
        raise SesTemplatesError(
            f"unknown key {unknown[0]!r} (allowed: {', '.join(_KEYS)})", file=display
        )
    as_is = table.get("as_is", False)
    if not isinstance(as_is, bool):
        raise SesTemplatesError("as_is must be true or false", file=display)
    return TemplateSettings(as_is=as_is)
