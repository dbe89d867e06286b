"""Stage 4: inline CSS with premailer, on the shielded HTML.

- strip_important=False: premailer's default strips `!important`, which breaks MJML's
  responsive `@media` column rules kept in <style>.
- allow_network=False: never fetch `<link>` stylesheets (MJML's Google Fonts links stay as
  they are for the mail client to load); `@import` rules are held back from cssutils, which
  would fetch them.
- CSS rules holding a Handlebars tag are held back too and stay in <style> as written.
- A `style` attribute holding a tag is held back from cssutils (which would parse
  `{{#if b}}font-weight:bold{{/if}}` as broken declarations and drop the tags) and put back
  verbatim after the declarations premailer inlined there, so it still wins over them.
- disable_validation: keep vendor properties (mso-*, -webkit-*) cssutils does not know.
- cssutils' logging goes to a handler that drops it, so nothing reaches stderr.
- disable_link_rewrites and no base_url: URLs are left exactly as written.
"""

from __future__ import annotations

import logging
import re
from html import escape, unescape

from sestemplates.errors import SesTemplatesError

_DOCTYPE_RE = re.compile(r"^\s*<!doctype[^>]*>", re.IGNORECASE)
_STYLE_RE = re.compile(r"(<style\b[^>]*>)(.*?)(</style\s*>)", re.IGNORECASE | re.DOTALL)
_IMPORT_RE = re.compile(r"@import\s[^;]*;?", re.IGNORECASE)
_COMMENT_RE = re.compile(r"/\*.*?\*/", re.DOTALL)
_MARK = "sestemplates-css-import-"
_START_TAG_RE = re.compile(
    r"<[A-Za-z][\w:.-]*(?:\s+[^\s=/>\"']+(?:\s*=\s*(?:\"[^\"]*\"|'[^']*'|[^\s\"'=<>`]+))?)*\s*/?>"
)
_STYLE_ATTR_RE = re.compile(r"""(\s)style\s*=\s*("[^"]*"|'[^']*')""", re.IGNORECASE)
_HELD_STYLE = "data-sestemplates-style"
_HELD_STYLE_RE = re.compile(rf'\s{_HELD_STYLE}="(\d+)"')
_INLINED_STYLE_RE = re.compile(r"""\sstyle=("[^"]*"|'[^']*')""")


def _top_level_rules(css: str) -> list[str]:
    """The CSS cut into its top-level statements (rules, `@media` blocks, `@import …;`),
    whitespace and comments kept, so joining them gives the CSS back exactly."""
    pieces: list[str] = []
    depth, start, i, quote = 0, 0, 0, ""
    while i < len(css):
        c = css[i]
        if quote:
            if c == "\\":
                i += 1
            elif c == quote:
                quote = ""
        elif css.startswith("/*", i):
            end = css.find("*/", i + 2)
            i = len(css) if end < 0 else end + 1
        elif c in "\"'":
            quote = c
        elif c == "{":
            depth += 1
        elif c == "}" or (c == ";" and depth == 0):
            depth = max(0, depth - 1) if c == "}" else 0
            if depth == 0:
                pieces.append(css[start : i + 1])
                start = i + 1
        i += 1
    pieces.append(css[start:])
    return pieces


def _hold_rules(
    html: str, keep: re.Pattern[str] | None, blocks: re.Pattern[str] | None = None
) -> tuple[str, list[str]]:
    """Take `@import` rules, and rules holding a Handlebars tag (a shield token matching
    `keep`), out of <style> blocks, leaving a comment in their place.

    cssutils (under premailer) fetches every `@import` URL while parsing — MJML's web fonts
    are `@import url(https://fonts.googleapis.com/…)` — and no option turns that off. A rule
    with a tag (`.hero {background:url({{bg}})}`) would be copied into every matching element,
    or dropped with its tag when none matches: it stays in <style>, exactly where and as it
    was written. Rules between block tags (`blocks`: `{{#if dark}}.a{…} .b{…}{{/if}}`) are
    held with them, or they would be inlined unconditionally. Held rules are put back
    verbatim, in their own <style>, afterwards.
    """
    held: list[str] = []

    def hold(m: re.Match[str]) -> str:
        rules = _top_level_rules(m[2])
        kept = {
            i
            for i, r in enumerate(rules)
            if _IMPORT_RE.match(r.strip()) or (keep and keep.search(r))
        }
        in_blocks = [i for i, r in enumerate(rules) if blocks and blocks.search(r)]
        if in_blocks:
            kept.update(range(in_blocks[0], in_blocks[-1] + 1))
        if not kept:
            return m[0]
        held.append(f"{m[1]}{''.join(r for i, r in enumerate(rules) if i in kept)}{m[3]}")
        rest = "".join(r for i, r in enumerate(rules) if i not in kept)
        comment = f"<!--{_MARK}{len(held) - 1}-->"
        return comment + (f"{m[1]}{rest}{m[3]}" if rest.strip() else "")

    return _STYLE_RE.sub(hold, html), held


def _hold_style_attributes(html: str, keep: re.Pattern[str]) -> tuple[str, list[str]]:
    """Swap each `style` attribute holding a token for a numbered marker attribute; the
    values come back double-quote-safe."""
    values: list[str] = []

    def attribute(m: re.Match[str]) -> str:
        if not keep.search(m[2]):
            return m[0]
        values.append(m[2][1:-1].replace('"', "&quot;"))
        return f'{m[1]}{_HELD_STYLE}="{len(values) - 1}"'

    def tag(m: re.Match[str]) -> str:
        return _STYLE_ATTR_RE.sub(attribute, m[0]) if "style" in m[0] else m[0]

    return _START_TAG_RE.sub(tag, html), values


def _put_back_style_attributes(html: str, values: list[str]) -> str:
    """Each held `style` value after what premailer inlined in that element (later wins)."""
    if not values:
        return html

    def tag(m: re.Match[str]) -> str:
        marker = _HELD_STYLE_RE.search(m[0])
        if marker is None:
            return m[0]
        own = values[int(marker[1])]
        start_tag = m[0][: marker.start()] + m[0][marker.end() :]
        inlined = _INLINED_STYLE_RE.search(start_tag)
        if inlined is None:
            at = marker.start()
            return f'{start_tag[:at]} style="{own}"{start_tag[at:]}'
        before = escape(unescape(inlined[1][1:-1]).rstrip().rstrip(";"))  # no tokens in it
        merged = f' style="{before}; {own}"' if before else f' style="{own}"'
        return start_tag[: inlined.start()] + merged + start_tag[inlined.end() :]

    return _START_TAG_RE.sub(tag, html)


def _put_back(html: str, held: list[str]) -> str:
    for i, style in enumerate(held):
        html = html.replace(f"<!--{_MARK}{i}-->", style, 1)
    return html


_IGNORED_STYLE = 'data-premailer="ignore"'
_MEDIA_ATTR_RE = re.compile(r"""\smedia\s*=\s*["']?([^"'>]*)""", re.IGNORECASE)


def _has_rules_to_inline(html: str) -> bool:
    """Whether any <style> premailer reads holds a plain rule. premailer skips a <style>
    marked ignore or with a media attribute other than all/screen (MJML's Thunderbird column
    rules), and at-rules (`@media`, `@font-face`, held `@import`) stay in <style> anyway."""
    for m in _STYLE_RE.finditer(html):
        media = _MEDIA_ATTR_RE.search(m[1])
        if _IGNORED_STYLE in m[1] or (media and media[1].strip() not in ("", "all", "screen")):
            continue
        for rule in _top_level_rules(m[2]):
            text = _COMMENT_RE.sub("", rule).strip()
            if text and not text.startswith("@"):
                return True
    return False


def inline_css(
    html: str,
    *,
    file: str,
    keep: re.Pattern[str] | None = None,
    blocks: re.Pattern[str] | None = None,
    serialised: bool = False,
) -> str:
    """Inline the CSS; rules matching `keep` (the shield's token pattern), and all rules
    between two matching `blocks` (block-tag tokens), stay in <style>. `serialised`: the
    HTML already comes from a serialiser (MJML), so with nothing to inline it is kept as is."""
    held_html, held = _hold_rules(html, keep, blocks)
    if serialised and not _has_rules_to_inline(held_html):
        # premailer would only re-serialise a document mrml already wrote in the same form,
        # at about a third of the whole build's cost for such a template (MJML without
        # mj-style). Hand-written HTML always goes through it, to be normalised.
        return html
    import premailer

    quiet = logging.NullHandler()
    styles: list[str] = []
    if keep is not None:
        held_html, styles = _hold_style_attributes(held_html, keep)
    try:
        result: str = premailer.Premailer(
            held_html,
            base_url=None,
            allow_network=False,
            allow_loading_external_files=False,
            strip_important=False,
            keep_style_tags=False,
            disable_validation=True,
            disable_link_rewrites=True,
            remove_classes=False,
            cssutils_logging_handler=quiet,
            cssutils_logging_level=logging.CRITICAL,
        ).transform()
    except Exception as exc:  # premailer/cssutils/lxml errors on odd input
        raise SesTemplatesError(f"CSS inlining failed: {exc}", file=file) from None
    result = _put_back_style_attributes(_put_back(result, held), styles)
    # premailer drops a lowercase `<!doctype html>` (it compares against lxml's uppercase one).
    doctype = _DOCTYPE_RE.match(html)
    if doctype and not _DOCTYPE_RE.match(result):
        result = doctype[0].strip() + "\n" + result
    return result
