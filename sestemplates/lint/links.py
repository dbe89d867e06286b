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
    quote: str  # '"', "'" or "" (unquoted)

    @property
    def tags(self) -> list[str]:
        return _TAG_RE.findall(self.raw)


# Regular expressions rather than an HTML parser: the built Html of a large template is parsed
# twice per template on every commit, and html.parser made the lint the slowest part of check.
_LINK_TAG_RE = re.compile(r"<(a|area|img)\b([^>]*)>", re.IGNORECASE)
_ATTR_RES = {
    name: re.compile(rf"(?:^|\s){name}\s*=\s*(\"[^\"]*\"|'[^']*'|[^\s>\"']+)", re.IGNORECASE)
    for name in set(LINK_ATTRS.values())
}


def link_attrs(html: str) -> list[LinkAttr]:
    found = []
    for tag in _LINK_TAG_RE.finditer(html):
        element = tag.group(1).lower()
        wanted = LINK_ATTRS[element]
        m = _ATTR_RES[wanted].search(tag.group(2))
        if m is None:
            continue
        value = m.group(1)
        quote = value[0] if value[0] in "\"'" else ""
        start = tag.start(2) + m.start(1) + len(quote)
        raw = value[len(quote) : len(value) - len(quote)] if quote else value
        found.append(LinkAttr(element, wanted, raw, start, quote))
    return found


def marked(html: str, links: list[LinkAttr]) -> str:
    out, last = [], 0
    for i, link in enumerate(links):
        out += [html[last : link.offset], f"{_MARK}{i}{_MARK}"]
        last = link.offset
    return "".join([*out, html[last:]])


def rendered_values(html: str, links: list[LinkAttr]) -> list[tuple[int, str]]:
    """(link index, rendered value, entities decoded) for every marker in the output."""
    from html import unescape

    values = []
    for m in _MARK_RE.finditer(html):
        index = int(m[1])
        quote = links[index].quote
        rest = html[m.end() :]
        end = rest.find(quote) if quote else (re.search(r"[\s>]", rest) or _End(rest)).start()
        values.append((index, unescape(rest[: end if end >= 0 else len(rest)])))
    return values


@dataclass(frozen=True)
class _End:
    text: str

    def start(self) -> int:
        return len(self.text)


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
        rendered = rendered_values(output, links)
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
    from html import unescape

    for path in locator.candidates("html"):
        text = _read(path)
        hit = _find_value(text, link, unescape(link.raw))
        if hit >= 0:
            line, col = line_col(text, hit)
            return locator.config.display(path), line, col
    line, col = line_col(html, link.offset)
    found = locator.built_location("html", line, col)
    return found.file, found.line, found.column


def _find_value(text: str, link: LinkAttr, decoded: str) -> int:
    """Where the value is written in a source (the build may have re-quoted or escaped it)."""
    if not link.raw:
        # An empty value: only when the source holds exactly one empty one.
        empty = re.compile(rf"(?<![\w-]){link.attr}\s*=\s*(\"\"|'')", re.IGNORECASE)
        hits = [m.start() for m in empty.finditer(text)]
        return hits[0] if len(hits) == 1 else -1
    for value in dict.fromkeys((link.raw, decoded)):
        for quote in ('"', "'"):
            hit = text.find(f"{quote}{value}{quote}")
            if hit >= 0:
                return hit + 1
    return -1


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ""
