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

from lxml import etree

from sestemplates.errors import SesTemplatesError
from sestemplates.pipeline import htmltree
from sestemplates.pipeline.css import inlinable, statements

_DOCTYPE_RE = re.compile(r"^\s*<!doctype[^>]*>", re.IGNORECASE)
_STYLE_RE = re.compile(r"(<style\b[^>]*>)(.*?)(</style\s*>)", re.IGNORECASE | re.DOTALL)
_MARK = "sestemplates-css-held-"
# Put by the MJML stage at the start of each `<mj-style inline="inline">` body: the only CSS
# of an MJML template that gets inlined, as mjml does it.
INLINE_MARK = "/*sestemplates-inline*/"
# premailer keeps `@media` blocks in <style> and drops every other at-rule (`@font-face`,
# `@supports`, `@keyframes`…): those, and `@import` (which cssutils would fetch), are held back.
_PREMAILER_KEEPS = frozenset({"media"})
_IMPORTANT_RE = re.compile(r"!\s*important", re.IGNORECASE)
_START_TAG_RE = re.compile(
    r"<[A-Za-z][\w:.-]*(?:\s+[^\s=/>\"']+(?:\s*=\s*(?:\"[^\"]*\"|'[^']*'|[^\s\"'=<>`]+))?)*\s*/?>"
)
_STYLE_ATTR_RE = re.compile(r"""(\s)style\s*=\s*("[^"]*"|'[^']*')""", re.IGNORECASE)
_HELD_STYLE = "data-sestemplates-style"
_HELD_STYLE_RE = re.compile(rf'\s{_HELD_STYLE}="(\d+)"')
_INLINED_STYLE_RE = re.compile(r"""\sstyle=("[^"]*"|'[^']*')""")


def _hold_rules(
    html: str,
    keep: re.Pattern[str] | None,
    blocks: re.Pattern[str] | None = None,
    *,
    only_marked: bool = False,
    hold_skipped: bool = False,
) -> tuple[str, list[str]]:
    """Take at-rules other than `@media`, rules no inliner can apply (`a:hover`), and rules
    holding a Handlebars tag (a shield token matching `keep`), out of <style> blocks, leaving
    a comment in their place. With
    `only_marked`, every <style> block not starting with INLINE_MARK is held whole; with
    `hold_skipped`, every block premailer skips (see `_skipped`) is.

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
        if (only_marked and not m[2].startswith(INLINE_MARK)) or (
            hold_skipped and _skipped(m[1])
        ):
            held.append(m[0])
            return f"<!--{_MARK}{len(held) - 1}-->"
        parsed = statements(m[2].removeprefix(INLINE_MARK))
        rules = [s.text for s in parsed]
        kept = {
            i
            for i, s in enumerate(parsed)
            if (s.kind == "at-rule" and s.keyword not in _PREMAILER_KEEPS)
            or (s.kind == "rule" and not inlinable(s))
            or (keep and keep.search(s.text))
        }
        in_blocks = [i for i, r in enumerate(rules) if blocks and blocks.search(r)]
        if in_blocks:
            kept.update(range(in_blocks[0], in_blocks[-1] + 1))
        # premailer lets an element's own style win even over `!important` (mjml's juice does
        # not): in MJML mode such rules are inlined and also kept in <style>, where they win
        # as they do in the compiler's own output.
        copied = {
            i
            for i, s in enumerate(parsed)
            if only_marked and i not in kept and inlinable(s) and _IMPORTANT_RE.search(s.text)
        }
        if not kept and not copied:
            return f"{m[1]}{''.join(rules)}{m[3]}"
        both = kept | copied
        held.append(f"{m[1]}{''.join(r for i, r in enumerate(rules) if i in both)}{m[3]}")
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


def _skipped(open_tag: str) -> bool:
    """premailer skips a <style> marked ignore or with a media attribute other than
    all/screen (MJML's Thunderbird column rules)."""
    media = _MEDIA_ATTR_RE.search(open_tag)
    return _IGNORED_STYLE in open_tag or bool(
        media and media[1].strip() not in ("", "all", "screen")
    )


def _has_rules_to_inline(html: str) -> bool:
    """Whether any <style> the inliner reads holds a rule it can apply; at-rules (`@media`,
    held `@import`) stay in <style> anyway."""
    for m in _STYLE_RE.finditer(html):
        if _skipped(m[1]):
            continue
        if any(inlinable(s) for s in statements(m[2])):
            return True
    return False


ENGINES = ("premailer", "css-inline")


def inline_css(
    html: str,
    *,
    file: str,
    keep: re.Pattern[str] | None = None,
    blocks: re.Pattern[str] | None = None,
    serialised: bool = False,
    engine: str = "premailer",
) -> str:
    """Inline the CSS with `engine` (premailer or css-inline); rules matching `keep` (the
    shield's token pattern), and all rules between two matching `blocks` (block-tag tokens),
    stay in <style>. `serialised`: the HTML comes from the MJML compiler, so, as mjml does,
    only the `<mj-style inline="inline">` blocks (marked with INLINE_MARK) are inlined, every
    other <style> stays as the compiler wrote it, and with nothing to inline the document is
    kept as is."""
    held_html, held = _hold_rules(
        html, keep, blocks, only_marked=serialised, hold_skipped=engine == "css-inline"
    )
    if serialised and not _has_rules_to_inline(held_html):
        # An inliner would only re-serialise a document mrml already wrote in the same form,
        # at about a third of the whole build's cost for such a template (MJML without
        # mj-style). Hand-written HTML always goes through it, to be normalised.
        return _put_back(held_html, held)
    styles: list[str] = []
    if keep is not None:
        held_html, styles = _hold_style_attributes(held_html, keep)
    if engine == "css-inline":
        result = _css_inline(held_html, keep, file)
    else:
        result = _premailer(held_html, file)
    result = _put_back_style_attributes(_put_back(result, held), styles)
    # premailer drops a lowercase `<!doctype html>` (it compares against lxml's uppercase one),
    # css-inline writes its own: the source's is kept.
    doctype = _DOCTYPE_RE.match(html)
    if doctype and not _DOCTYPE_RE.match(result):
        result = doctype[0].strip() + "\n" + result
    elif doctype and engine == "css-inline":
        result = _DOCTYPE_RE.sub(lambda _m: doctype[0].strip(), result, count=1)
    return result


# The attributes libxml2's HTML serialiser percent-encodes (spaces, non-ASCII, `|`, `^`…) and
# strips leading blanks from: their values are held out of premailer and put back as written.
_URI_ATTR_RE = re.compile(
    r"""(\s(?:href|src|action|name)\s*=\s*)("[^"]*"|'[^']*')""", re.IGNORECASE
)
_URI_MARK = "sestemplates-uri-"
_URI_MARK_RE = re.compile(rf'"{_URI_MARK}(\d+)"')


def _hold_uri_attributes(html: str) -> tuple[str, list[str]]:
    values: list[str] = []

    def attribute(m: re.Match[str]) -> str:
        values.append(m[2][1:-1].replace('"', "&quot;"))
        return f'{m[1]}"{_URI_MARK}{len(values) - 1}"'

    def tag(m: re.Match[str]) -> str:
        return _URI_ATTR_RE.sub(attribute, m[0])

    return _START_TAG_RE.sub(tag, html), values


def _premailer(html: str, file: str) -> str:
    html, uris = _hold_uri_attributes(html)
    result = _premailer_run(html, file)
    return _URI_MARK_RE.sub(lambda m: f'"{uris[int(m[1])]}"', result) if uris else result


def _premailer_run(html: str, file: str) -> str:
    import premailer

    quiet = logging.NullHandler()
    stripped = html.strip()
    root = htmltree.parse(stripped)  # refuses a document libxml2 would cut
    try:
        inlined = premailer.Premailer(
            root,
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
        # premailer hands back the tree it was given; written here the way premailer writes
        # a document it parsed itself (the doctype only when the source starts with it).
        top = inlined if stripped.startswith(str(inlined.docinfo.doctype)) else inlined.getroot()
        result: str = etree.tostring(top, method="html", encoding="unicode", pretty_print=True)
    except Exception as exc:  # premailer/cssutils/lxml errors on odd input
        raise SesTemplatesError(f"CSS inlining failed: {exc}", file=file) from None
    return result


# Text outside tags, comments and raw-text elements, where an HTML5 parser may move a token.
_NOT_TEXT_RE = re.compile(
    r"<!--.*?-->|<(script|style|title|textarea)\b.*?</\1\s*>|<[^>]*>", re.DOTALL | re.IGNORECASE
)
_KEPT = "sestemplates-kept:"


def _css_inline(html: str, keep: re.Pattern[str] | None, file: str) -> str:
    """css-inline (Rust, an HTML5 parser). An HTML5 parser moves text sitting between table
    rows out of the table ("foster parenting": `{{#each items}}` around `<tr>`s); a comment
    stays where it is, so every token in text goes into a comment and comes back after."""
    import css_inline

    if keep is not None:
        html = _in_comments(html, keep)
    try:
        inliner = css_inline.CSSInliner(
            keep_style_tags=False,
            keep_link_tags=True,
            keep_at_rules=True,
            load_remote_stylesheets=False,
        )
        result: str = inliner.inline(html)
    except Exception as exc:  # css_inline.InlineError on odd input
        raise SesTemplatesError(f"CSS inlining failed: {exc}", file=file) from None
    if keep is not None:
        result = re.sub(f"<!--{_KEPT}({keep.pattern})-->", lambda m: m[1], result)
    return result


def _in_comments(html: str, keep: re.Pattern[str]) -> str:
    out: list[str] = []
    pos = 0

    def wrap(text: str) -> str:
        return keep.sub(lambda t: f"<!--{_KEPT}{t[0]}-->", text)

    for m in _NOT_TEXT_RE.finditer(html):
        out.append(wrap(html[pos : m.start()]))
        out.append(m[0])
        pos = m.end()
    out.append(wrap(html[pos:]))
    return "".join(out)
