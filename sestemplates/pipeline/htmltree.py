"""The one way the HTML stages parse a document: lxml's HTML parser, refusing what it cuts.

libxml2 stops at 256 levels of nesting ("Excessive depth in document") and silently drops
everything below, so the inliner's output, the derived text and the guard's view of the
document would all lose the rest of the email. That is reported as what it is, for the
template being built, instead of as the tags the cut made disappear.
"""

from __future__ import annotations

from lxml import etree

from sestemplates.errors import SesTemplatesError


def parse(html: str) -> etree._Element | None:
    """The document's root element (None for a document without one)."""
    parser = etree.HTMLParser()
    root = etree.fromstring(html, parser)
    for error in parser.error_log:
        if "Excessive depth" in error.message:
            raise SesTemplatesError(
                "the HTML is nested deeper than the HTML parser allows (255 elements); "
                "everything below that depth would be lost: flatten the nesting"
            )
    return root
