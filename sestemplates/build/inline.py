"""Stage 4: inline CSS with premailer, on the shielded HTML.

- strip_important=False: premailer's default strips `!important`, which breaks MJML's
  responsive `@media` column rules kept in <style>.
- allow_network=False: never fetch `<link>` stylesheets (MJML's Google Fonts links stay as
  they are for the mail client to load).
- disable_validation: keep vendor properties (mso-*, -webkit-*) cssutils does not know.
- cssutils' logging goes to a handler that drops it, so nothing reaches stderr.
- disable_link_rewrites and no base_url: URLs are left exactly as written.
"""

from __future__ import annotations

import logging
import re

from sestemplates.errors import SesTemplatesError

_DOCTYPE_RE = re.compile(r"^\s*<!doctype[^>]*>", re.IGNORECASE)


def inline_css(html: str, *, file: str) -> str:
    import premailer

    quiet = logging.NullHandler()
    try:
        result: str = premailer.Premailer(
            html,
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
    # premailer drops a lowercase `<!doctype html>` (it compares against lxml's uppercase one).
    doctype = _DOCTYPE_RE.match(html)
    if doctype and not _DOCTYPE_RE.match(result):
        result = doctype[0].strip() + "\n" + result
    return result
