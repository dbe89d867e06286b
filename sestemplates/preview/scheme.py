"""Dark-mode views of a rendered email, made on the server (no script runs in the email frame).

- `dark`: the template's own `prefers-color-scheme: dark` rules applied, as in a client that
  honours them (Apple Mail, Outlook.com/macOS): the dark media feature is rewritten to one that
  always matches, the light one to one that never does, and `color-scheme: dark` is declared.
- `invert`: an APPROXIMATION of clients that force-invert colours (Gmail apps, Outlook on
  Windows/Android in dark mode): the page is inverted with a CSS filter that turns hues back
  and images are inverted again so photos stay as they are. Real clients use their own,
  partial inversion rules; this only shows where a design would be hit.
"""

from __future__ import annotations

import re

SCHEMES = ("dark", "invert")
_DARK_RE = re.compile(r"\(\s*prefers-color-scheme\s*:\s*dark\s*\)", re.IGNORECASE)
_LIGHT_RE = re.compile(r"\(\s*prefers-color-scheme\s*:\s*light\s*\)", re.IGNORECASE)
_STYLE_RE = re.compile(r"(<style\b[^>]*>)(.*?)(</style\s*>)", re.IGNORECASE | re.DOTALL)
_HEAD_END_RE = re.compile(r"</head\s*>", re.IGNORECASE)
DARK_STYLE = "<style>:root { color-scheme: dark; }</style>"
INVERT_STYLE = (
    "<style data-sestemplates=\"forced-inversion-approximation\">"
    "html { filter: invert(1) hue-rotate(180deg); background: #fff; }"
    " img, picture, video, [style*=\"background-image\"] { filter: invert(1) hue-rotate(180deg); }"
    "</style>"
)


def _dark_rules(match: re.Match[str]) -> str:
    css = _DARK_RE.sub("(min-width: 0px)", match.group(2))
    css = _LIGHT_RE.sub("(max-width: -1px)", css)
    return match.group(1) + css + match.group(3)


def _inject(html: str, style: str) -> str:
    m = _HEAD_END_RE.search(html)
    return html[: m.start()] + style + html[m.start() :] if m else style + html


def apply_scheme(html: str, scheme: str) -> str:
    if scheme == "dark":
        return _inject(_STYLE_RE.sub(_dark_rules, html), DARK_STYLE)
    if scheme == "invert":
        return _inject(html, INVERT_STYLE)
    return html
