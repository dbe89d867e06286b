"""Swap every Handlebars tag for an opaque token before any HTML tool sees the document.

HTML tools mangle `{{…}}` (premailer URL-encodes them inside `href`, escapes `{{> x}}` in text).
A token made only of lowercase letters and digits survives URL encoding, HTML escaping, CSS
serialisation and re-parsing unchanged, so restoring it afterwards gives back the exact bytes.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

# Comments `{{!-- … --}}` may contain `}}`, so they are matched first; then triple-stash,
# then every other tag (`{{name}}`, `{{> partial}}`, `{{#each}}`, `{{/each}}`, `{{else}}`…).
TAG_RE = re.compile(r"\{\{~?!--.*?--~?\}\}|\{\{\{.*?\}\}\}|\{\{.*?\}\}", re.DOTALL)
# The kind of a tag for nesting checks: block open, inverse open, close, else.
_OPEN_RE = re.compile(r"^\{\{~?\s*[#^]")
_CLOSE_RE = re.compile(r"^\{\{~?\s*/")
_ELSE_RE = re.compile(r"^\{\{~?\s*(else\b|\^\s*~?\}\})")


@dataclass(frozen=True)
class Tag:
    text: str  # the tag exactly as written
    line: int  # 1-based line in the document it was found in


@dataclass(frozen=True)
class Shield:
    """The tokens of one template: token i stands for tags[i]."""

    prefix: str
    tags: tuple[Tag, ...]

    def token(self, index: int) -> str:
        return f"{self.prefix}{index}z"

    @property
    def token_re(self) -> re.Pattern[str]:
        return re.compile(re.escape(self.prefix) + r"(\d+)z")

    def ids(self, shielded: str) -> list[int]:
        """Token numbers in document order (unknown numbers included, for the guard)."""
        return [int(m[1]) for m in self.token_re.finditer(shielded)]

    def restore(self, shielded: str) -> str:
        """Put the original tags back; numbers that are not ours are left as they are."""

        def back(m: re.Match[str]) -> str:
            i = int(m[1])
            return self.tags[i].text if i < len(self.tags) else m[0]

        return self.token_re.sub(back, shielded)


def find_tags(text: str) -> list[Tag]:
    return [Tag(m[0], text.count("\n", 0, m.start()) + 1) for m in TAG_RE.finditer(text)]


def choose_prefix(documents: Sequence[str]) -> str:
    """A deterministic prefix that occurs in none of the documents (so no false tokens)."""
    prefix = "hbsq"
    while any(prefix in doc for doc in documents):
        prefix += "q"
    return prefix


def shield(document: str, all_documents: Sequence[str] = ()) -> tuple[str, Shield]:
    """The document with every Handlebars tag replaced by a token, and the key to undo it."""
    prefix = choose_prefix([document, *all_documents])
    tags: list[Tag] = []

    def swap(m: re.Match[str]) -> str:
        tags.append(Tag(m[0], document.count("\n", 0, m.start()) + 1))
        return f"{prefix}{len(tags) - 1}z"

    shielded = TAG_RE.sub(swap, document)
    return shielded, Shield(prefix, tuple(tags))


def tag_kind(tag: str) -> str:
    """'open', 'close', 'else' or 'plain' — what matters for block nesting."""
    if tag.startswith("{{{") or "{{!" in tag[:4]:
        return "plain"
    if _ELSE_RE.match(tag):
        return "else"
    if _OPEN_RE.match(tag):
        return "open"
    if _CLOSE_RE.match(tag):
        return "close"
    return "plain"


def is_block_tag(tag: str) -> bool:
    """A tag that produces no output itself: block open/close/else and comments."""
    return tag_kind(tag) != "plain" or tag.lstrip("{~").startswith("!")
