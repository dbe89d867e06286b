"""Stage 5: derive the plain-text part from the (shielded, inlined) HTML.

A small lxml walker rather than a library: inscriptis moves text that sits between table rows
(which breaks `{{#each}}` loops around `<tr>`), html2text is GPL. Shield tokens are plain
letters and digits, so they stay exactly where they were in the document; a line made only
of block tags (`{{#each}}`, `{{/each}}`, `{{else}}`) is joined to the line after it, so a loop
around table rows renders one line per item.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from lxml import etree

from sestemplates.pipeline import htmltree
from sestemplates.pipeline.shield import Shield, is_block_tag

_SKIP = {"head", "style", "script", "title", "meta", "link", "noscript", "template", "img"}
_PARAGRAPH = {"p", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "ul", "ol", "pre", "hr"}
_BLOCK = {
    "div", "table", "thead", "tbody", "tfoot", "tr", "li", "section", "article", "header",
    "footer", "center", "dl", "dt", "dd", "form", "address", "figure", "main", "nav", "aside",
    "body", "html",
}  # fmt: skip
_TAG_SPACE_RE = re.compile(r"\{\{\s*([^{}]*?)\s*\}\}")
# How preheaders are hidden: display:none, visibility:hidden, or squeezed to nothing.
_HIDDEN_RE = re.compile(
    r"display\s*:\s*none|visibility\s*:\s*hidden|"
    r"max-height\s*:\s*0(?:px)?\s*(?:!important\s*)?(?:;|$)(?=.*overflow\s*:\s*hidden)",
    re.IGNORECASE | re.DOTALL,
)
_SPACE_RE = re.compile(r"[ \t\r\n\f\u00a0]+")
_NEWLINE_SPACE_RE = re.compile(r"[ \t\r\f]*\n\s*")


@dataclass
class _Out:
    """Text pieces and pending breaks: 1 = new line, 2 = blank line."""

    block_token: re.Pattern[str] | None = None  # tokens of block tags ({{#each}}, {{/if}}…)
    block_line: re.Pattern[str] | None = None  # a text made only of block tokens
    pieces: list[str] = field(default_factory=list)
    pending: int = 0

    def source_text(self, value: str) -> None:
        """Text from the document: a line break after a line of only block tags, or before
        a line starting with one, is kept, so `{{#if x}}` on its own source line stays on its
        own line; a break after `{{/if}}` that ends a sentence's line is a space."""
        if self.block_token is None or "\n" not in value:
            self.text(value)
            return
        pos = 0
        for m in _NEWLINE_SPACE_RE.finditer(value):
            before, after = value[pos : m.start()], value[m.end() :]
            alone = self.block_line is not None and self.block_line.match(before)
            if alone or self.block_token.match(after):
                self.text(before)
                self.brk(1)
            else:
                self.text(before + " ")
            pos = m.end()
        self.text(value[pos:])

    def text(self, value: str) -> None:
        value = _SPACE_RE.sub(" ", value)
        if not value or (value == " " and self.pending):
            return
        if self.pending and self.pieces:
            self.pieces.append("\n" * self.pending)
            value = value.lstrip(" ")
        self.pending = 0
        if value:
            self.pieces.append(value)

    def brk(self, n: int) -> None:
        self.pending = max(self.pending, n)

    def hard_newline(self) -> None:
        # <br>: a line break that is never merged away, even at the start of a block
        self.pieces.append("\n")

    def since(self, mark: int) -> str:
        return "".join(p for p in self.pieces[mark:] if not p.startswith("\n")).strip()


def _hidden(el: etree._Element) -> bool:
    return bool(_HIDDEN_RE.search(el.get("style", ""))) or el.get("hidden") is not None


def html_to_text(html: str, restore: Callable[[str], str], block_tokens: Sequence[str] = ()) -> str:
    """Readable text from shielded HTML, still shielded (the guard checks it next); `restore`
    turns tokens back into tags, used to compare a link's text with its URL. Finish with
    `tidy(result, key)`."""
    root = htmltree.parse(html) if html.strip() else None
    pattern = "|".join(re.escape(t) for t in block_tokens)
    out = _Out()
    if pattern:
        out.block_token = re.compile(f"^(?:{pattern})")
        out.block_line = re.compile(f"\\s*(?:(?:{pattern})\\s*)+$")
    if root is not None:
        _walk(root, out, restore)
    # Adjacent pieces (a cell separator after a trailing space) can leave double spaces.
    return re.sub(r" {2,}", " ", "".join(out.pieces))


def _walk(el: etree._Element, out: _Out, restore: Callable[[str], str]) -> None:
    tag = el.tag if isinstance(el.tag, str) else ""  # comments / processing instructions
    if not tag or tag in _SKIP or _hidden(el):
        parent = el.getparent()
        if tag == "img" and parent is not None and parent.tag == "a":
            out.text(el.get("alt", ""))
        return
    if tag == "br":
        out.hard_newline()
        return
    before = 2 if tag in _PARAGRAPH or (tag == "div" and _has_own_text(el)) else 0
    before = before or (1 if tag in _BLOCK else 0)
    out.brk(before)
    if tag == "li":
        parent = el.getparent()
        if parent is not None and parent.tag == "ol":
            out.text(f"{[c for c in parent if c.tag == 'li'].index(el) + 1}. ")
        else:
            out.text("- ")
    if tag in ("td", "th"):
        # Cells of a row are separated by a space, also when a tag (`{{#each cols}}`) stands
        # before the first; at the start of a line the space is dropped.
        out.text(" ")
    mark = len(out.pieces)
    if el.text:
        out.source_text(el.text)
    for child in el:
        _walk(child, out, restore)
        if child.tail:
            out.source_text(child.tail)
    if tag == "a":
        _link(el, out, mark, restore)
    out.brk(before)


def _has_own_text(el: etree._Element) -> bool:
    """A div holding text itself (an MJML mj-text) reads as a paragraph."""
    return bool((el.text or "").strip()) or any((c.tail or "").strip() for c in el)


def _same_tags(a: str) -> str:
    # `{{url}}` and `{{ url }}` are the same value
    return _TAG_SPACE_RE.sub(r"{{\1}}", a)


def _link(el: etree._Element, out: _Out, mark: int, restore: Callable[[str], str]) -> None:
    href = (el.get("href") or "").strip()
    if not href or href.startswith(("#", "javascript:")):
        return
    label = restore(out.since(mark))
    url = restore(href)
    if _same_tags(url) in {_same_tags(x) for x in (label, f"mailto:{label}", f"tel:{label}")}:
        return
    out.text(f" ({href})" if label else href)


def tidy(shielded: str, key: Shield) -> str:
    """Trim lines, allow one blank line in a row, join block-tag-only lines to the next, then
    restore the tags. Done on the shielded text so a tag written over two lines
    (`{{#each\n  items}}`) keeps its exact bytes."""
    lines = [line.strip(" ") for line in shielded.split("\n")]
    # At most one blank line in a row.
    kept: list[str] = []
    for line in lines:
        if line or (kept and kept[-1]):
            kept.append(line)
    # Join lines that hold only block tags onto the next line.
    joined: list[str] = []
    carry = ""
    for line in kept:
        if line and _only_block_tags(line, key):
            carry += line
            continue
        if carry and not line:
            continue  # a blank line between a block tag and its content would repeat
        joined.append(carry + line)
        carry = ""
    if carry:
        joined.append(carry)
    return key.restore("\n".join(joined).strip("\n") + "\n")


def _only_block_tags(line: str, key: Shield) -> bool:
    ids = key.ids(line)
    return (
        bool(ids)
        and not key.token_re.sub("", line).strip()
        and all(i < len(key.tags) and is_block_tag(key.tags[i].text) for i in ids)
    )
