"""Links, checked on the Html rendered with every sample: that is where they break.

Each link attribute of the built Html (`href` of <a>/<area>, `src` of <img>) gets a marker at
the start of its value before rendering; the marker survives Handlebars (it is literal text,
repeated inside `{{#each}}`), so every rendered value is tied back to the attribute it came
from, its Handlebars tags and its source line.
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from sestemplates.checks import codes
from sestemplates.diagnostics import Diagnostic

if TYPE_CHECKING:
    from sestemplates.checks.locate import Locator
    from sestemplates.checks.samples import Sample
    from sestemplates.lint.settings import LintSettings

LINK_ATTRS = {"a": "href", "area": "href", "img": "src"}
_MARK = "\ue000"  # private use: never in a template
_MARK_RE = re.compile(_MARK + r"(\d+)" + _MARK)
_TAG_RE = re.compile(r"\{\{\{?.*?\}\}\}?", re.DOTALL)
# Characters a URL may not hold unencoded (RFC 3986), whitespace and controls first.
_BAD_CHARS_RE = re.compile(r'[\s<>"{}|\\^`\x00-\x1f\x7f]|%(?![0-9A-Fa-f]{2})')


@dataclass(frozen=True)
class LinkAttr:
    element: str
    attr: str
    raw: str  # the built value, Handlebars tags and all
    offset: int  # of the value in the built Html

    @property
    def tags(self) -> list[str]:
        return _TAG_RE.findall(self.raw)


class _Finder(HTMLParser):
    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=True)
        self.text = text
        self.starts = [0] + [i + 1 for i, c in enumerate(text) if c == "\n"]
        self.found: list[LinkAttr] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        wanted = LINK_ATTRS.get(tag)
        if wanted is None or not any(n == wanted for n, _ in attrs):
            return
        line, col = self.getpos()
        start = self.starts[line - 1] + col
        raw = self.get_starttag_text() or ""
        m = re.search(rf"(?<![\w-]){wanted}\s*=\s*([\"']?)", raw, re.IGNORECASE)
        if m is None:
            return
        quote = m.group(1)
        value_start = start + m.end()
        end = (self.text.find(quote, value_start) if quote
               else re.search(r"[\s>]|$", self.text[value_start:]).start() + value_start)  # type: ignore[union-attr]
        self.found.append(LinkAttr(tag, wanted, self.text[value_start:end], value_start))

    handle_startendtag = handle_starttag


def link_attrs(html: str) -> list[LinkAttr]:
    finder = _Finder(html)
    finder.feed(html)
    finder.close()
    return finder.found


def marked(html: str, links: list[LinkAttr]) -> str:
    out, last = [], 0
    for i, link in enumerate(links):
        out += [html[last : link.offset], f"{_MARK}{i}{_MARK}"]
        last = link.offset
    return "".join([*out, html[last:]])


class _Rendered(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.values: list[tuple[int, str]] = []  # (link index, rendered value)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for _, value in attrs:
            if value and _MARK in value:
                m = _MARK_RE.match(value)
                if m:
                    self.values.append((int(m[1]), value[m.end():]))

    handle_startendtag = handle_starttag


def rendered_values(html: str) -> list[tuple[int, str]]:
    parser = _Rendered()
    parser.feed(html)
    parser.close()
    return parser.values


def problem(url: str, all_https: bool, forbidden: tuple[str, ...]) -> tuple[str, str] | None:
    """(code, reason) for one rendered value, or None when it is fine."""
    value = url.strip()
    if not value:
        return codes.LINK_INVALID, "is empty"
    lowered = value.lower()
    if lowered.startswith("javascript:"):
        return codes.LINK_JAVASCRIPT, "is a javascript: URL (clients strip or block it)"
    if lowered.startswith(("mailto:", "tel:", "sms:")):
        rest = value.split(":", 1)[1]
        if not rest.strip() or _BAD_CHARS_RE.search(rest):
            return codes.LINK_INVALID, "is not a valid address"
        return None
    if lowered.startswith("#"):
        return None
    bad = _BAD_CHARS_RE.search(url)
    if bad:
        what = "a space" if bad.group(0).isspace() else f"{bad.group(0)!r}"
        return codes.LINK_INVALID, f"contains {what}, which needs encoding"
    try:
        parts = urlsplit(value)
        host = (parts.hostname or "").lower()
        parts.port  # noqa: B018 - raises on a bad port
    except ValueError:
        return codes.LINK_INVALID, "is not a valid URL"
    if parts.scheme not in ("http", "https") or not host:
        return codes.LINK_INVALID, "is not an absolute http(s) URL (mail has no base URL)"
    if _is_loopback(host):
        return codes.LINK_LOCALHOST, f"points at {host}, which only the sender's machine knows"
    for banned in forbidden:
        if host == banned or host.endswith(f".{banned}"):
            return codes.LINK_FORBIDDEN_HOST, f"points at {host}, forbidden in this env"
    if parts.scheme == "http" and all_https:
        return codes.LINK_INSECURE, "uses http:// while the message's other links use https://"
    return None


def _is_loopback(host: str) -> bool:
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        address = ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return False
    return address.is_loopback or address.is_unspecified


def check_links(
    locator: Locator, samples: list[Sample], settings: LintSettings
) -> list[Diagnostic]:
    from sestemplates.handlebars import HandlebarsError, render

    html = locator.built.html
    links = link_attrs(html)
    if not links:
        return []
    template = marked(html, links)
    # (link index, code, reason) → samples it happens with
    seen: dict[tuple[int, str, str], list[str]] = {}
    values: dict[tuple[int, str, str], str] = {}
    for sample in samples:
        try:
            output = render(template, sample.data)
        except HandlebarsError:
            continue  # check reports the sample's own problem
        rendered = rendered_values(output)
        https = [v for _, v in rendered if v.strip().lower().startswith("https://")]
        http = [v for _, v in rendered if v.strip().lower().startswith("http://")]
        all_https = bool(https) and len(https) >= len(http)
        for index, value in rendered:
            found = problem(value, all_https, settings.forbidden_hosts)
            if found and settings.enabled(found[0]):
                key = (index, *found)
                seen.setdefault(key, []).append(sample.name)
                values.setdefault(key, value)
    diagnostics = []
    for (index, code, reason), names in seen.items():
        link = links[index]
        where = _locate(locator, link)
        origin = f"from {', '.join(link.tags)}" if link.tags else "written in the template"
        plural = "s" if len(names) > 1 else ""
        diagnostics.append(
            Diagnostic(
                locator.built.name, where[0], where[1], where[2], "warning", code,
                f"{link.attr} of <{link.element}> {values[(index, code, reason)]!r} ({origin}) "
                f"{reason}, with sample{plural} {', '.join(names)}",
            )
        )
    return diagnostics


def _locate(locator: Locator, link: LinkAttr) -> tuple[str, int | None, int | None]:
    from sestemplates.checks.locate import line_col

    html = locator.built.html
    if link.tags:
        offset = html.index(link.tags[0], link.offset)
        line, col = line_col(html, offset)
        found = locator.locate("html", line, col, link.tags[0])
        return found.file, found.line, found.column
    for path in locator.candidates("html"):
        text = _read(path)
        hit = text.find(f'"{link.raw}"') if link.raw else -1
        if hit >= 0:
            line, col = line_col(text, hit + 1)
            return locator.config.display(path), line, col
    line, col = line_col(html, link.offset)
    found = locator.built_location("html", line, col)
    return found.file, found.line, found.column


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ""
