"""Stage 4: inline CSS with premailer, on the shielded HTML.

- strip_important=False: premailer's default strips `!important`, which breaks MJML's
  responsive `@media` column rules kept in <style>.
- allow_network=False: never fetch `<link>` stylesheets (MJML's Google Fonts links stay as
  they are for the mail client to load); `@import` rules are held back from cssutils, which
  would fetch them.
- disable_validation: keep vendor properties (mso-*, -webkit-*) cssutils does not know.
- cssutils' logging goes to a handler that drops it, so nothing reaches stderr.
- disable_link_rewrites and no base_url: URLs are left exactly as written.
"""

from __future__ import annotations

import logging
import re

from sestemplates.errors import SesTemplatesError

_DOCTYPE_RE = re.compile(r"^\s*<!doctype[^>]*>", re.IGNORECASE)
_STYLE_RE = re.compile(r"(<style\b[^>]*>)(.*?)(</style\s*>)", re.IGNORECASE | re.DOTALL)
_IMPORT_RE = re.compile(r"@import\s[^;]*;?", re.IGNORECASE)
_MARK = "sestemplates-css-import-"


def _hold_imports(html: str) -> tuple[str, list[str]]:
    """Take `@import` rules out of <style> blocks, leaving a comment in their place.

    cssutils (under premailer) fetches every `@import` URL while parsing — MJML's web fonts
    are `@import url(https://fonts.googleapis.com/…)` — and no option turns that off, so the
    inliner never sees them. They are put back verbatim, in their own <style>, afterwards.
    """
    held: list[str] = []

    def hold(m: re.Match[str]) -> str:
        imports = _IMPORT_RE.findall(m[2])
        if not imports:
            return m[0]
        held.append(f"{m[1]}{''.join(imports)}{m[3]}")
        rest = _IMPORT_RE.sub("", m[2])
        comment = f"<!--{_MARK}{len(held) - 1}-->"
        return comment + (f"{m[1]}{rest}{m[3]}" if rest.strip() else "")

    return _STYLE_RE.sub(hold, html), held


def _put_back(html: str, held: list[str]) -> str:
    for i, style in enumerate(held):
        html = html.replace(f"<!--{_MARK}{i}-->", style, 1)
    return html


def inline_css(html: str, *, file: str) -> str:
    import premailer

    quiet = logging.NullHandler()
    held_html, held = _hold_imports(html)
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
    result = _put_back(result, held)
    # premailer drops a lowercase `<!doctype html>` (it compares against lxml's uppercase one).
    doctype = _DOCTYPE_RE.match(html)
    if doctype and not _DOCTYPE_RE.match(result):
        result = doctype[0].strip() + "\n" + result
    return result
