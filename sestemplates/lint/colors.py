"""CSS colours to sRGB and the WCAG 2 contrast ratio between two of them."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

RGB = tuple[int, int, int]

# The names authors actually write in mail; anything else is "unknown" (never guessed).
NAMED: dict[str, RGB] = {
    "black": (0, 0, 0), "white": (255, 255, 255), "red": (255, 0, 0), "green": (0, 128, 0),
    "blue": (0, 0, 255), "yellow": (255, 255, 0), "gray": (128, 128, 128),
    "grey": (128, 128, 128), "silver": (192, 192, 192), "lightgray": (211, 211, 211),
    "lightgrey": (211, 211, 211), "darkgray": (169, 169, 169), "darkgrey": (169, 169, 169),
    "orange": (255, 165, 0), "navy": (0, 0, 128), "maroon": (128, 0, 0),
    "purple": (128, 0, 128), "teal": (0, 128, 128), "olive": (128, 128, 0),
    "lime": (0, 255, 0), "aqua": (0, 255, 255), "fuchsia": (255, 0, 255),
    "whitesmoke": (245, 245, 245), "gainsboro": (220, 220, 220),
}
_HEX_RE = re.compile(r"#([0-9a-f]{3}|[0-9a-f]{6})")
_RGB_RE = re.compile(r"rgba?\(\s*(\d+)\s*,\s*(\d+)\s*,\s*(\d+)\s*(?:,\s*([\d.]+)\s*)?\)")
_JINJA_VAR_RE = re.compile(r"\[\[\s*([A-Za-z_][A-Za-z0-9_]*)\s*\]\]")


def parse_color(value: str | None, variables: Mapping[str, Any]) -> RGB | None:
    """A colour the lint can be sure of: hex, opaque rgb(), a known name, or `[[ var ]]` of
    the build's [vars]; None for anything else (a Handlebars tag, a transparent colour…)."""
    if not value:
        return None
    text = value.strip().lower()
    m = _JINJA_VAR_RE.fullmatch(value.strip())
    if m:
        resolved = variables.get(m[1])
        return parse_color(resolved, {}) if isinstance(resolved, str) else None
    m = _HEX_RE.fullmatch(text)
    if m:
        digits = m[1] if len(m[1]) == 6 else "".join(c * 2 for c in m[1])
        r, g, b = (int(digits[i : i + 2], 16) for i in (0, 2, 4))
        return (r, g, b)
    m = _RGB_RE.fullmatch(text)
    if m:
        if m[4] is not None and float(m[4]) < 1:
            return None
        r, g, b = (min(int(m[i]), 255) for i in (1, 2, 3))
        return (r, g, b)
    return NAMED.get(text)


def background_color(value: str | None, variables: Mapping[str, Any]) -> RGB | None:
    """The colour of a `background` shorthand when it is only a colour."""
    if not value:
        return None
    return parse_color(value.replace("!important", "").strip(), variables)


def _luminance(rgb: RGB) -> float:
    def channel(c: int) -> float:
        s = c / 255
        return s / 12.92 if s <= 0.03928 else ((s + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(c) for c in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: RGB, b: RGB) -> float:
    la, lb = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def hex_of(rgb: RGB) -> str:
    return "#{:02x}{:02x}{:02x}".format(*rgb)
