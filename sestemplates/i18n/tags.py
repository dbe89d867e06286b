"""A translation keeps its msgid's Handlebars tags: the same tags, in the same blocks.

SES drops an email whose template names a variable the data lacks, so a translator who writes
`{{Vorname}}` for `{{first_name}}` loses every German email. Like the build's tag guard, this
compares tags, not text: the words around them, and the order of tags within one block, are
the translator's to change (German moves the verb, Arabic reads the other way).
"""

from __future__ import annotations

import re
from collections import Counter

from sestemplates.pipeline.shield import find_tags, tag_kind

_SPACE_RE = re.compile(r"\s+")
_INNER_RE = re.compile(r"^(\{\{\{?~?)\s*(.*?)\s*(~?\}?\}\})$", re.DOTALL)

Placed = tuple[str, tuple[str, ...]]  # a tag and the block tags it is inside, outermost first


def normalise(tag: str) -> str:
    """`{{ first_name }}` and `{{first_name}}` are the same tag to Handlebars."""
    m = _INNER_RE.match(tag)
    if m is None:
        return tag
    return f"{m[1]}{_SPACE_RE.sub(' ', m[2])}{m[3]}"


def _placed(text: str) -> list[Placed]:
    """Each tag with its enclosing blocks. Tolerant of a message that holds only part of a
    block (`{{#if vip}}Dear customer`): such a msgid is compared with its translation the
    same way, so only a difference between the two counts."""
    stack: list[str] = []
    placed: list[Placed] = []
    for tag in find_tags(text):
        norm = normalise(tag.text)
        kind = tag_kind(tag.text)
        placed.append((norm, tuple(stack)))  # a closing tag counts as inside its block
        if kind == "open":
            stack.append(norm)
        elif kind == "close" and stack:
            stack.pop()
    return placed


def _where(blocks: tuple[str, ...]) -> str:
    return "inside " + " > ".join(blocks) if blocks else "at the top level"


def compare(msgid: str, msgstr: str) -> list[str]:
    """What the translation changed about the tags, one sentence each naming the tag;
    empty when it kept them all."""
    source = Counter(normalise(t.text) for t in find_tags(msgid))
    target = Counter(normalise(t.text) for t in find_tags(msgstr))
    dropped = list((source - target).elements())
    added = list((target - source).elements())
    problems: list[str] = []
    while dropped and added:
        problems.append(f"renames {dropped.pop(0)} to {added.pop(0)}")
    problems += [f"drops {tag}" for tag in dropped]
    problems += [f"adds {tag} (not in the msgid)" for tag in added]
    if problems:
        return problems
    source_placed = Counter(_placed(msgid))
    for tag, blocks in _placed(msgstr):
        if source_placed[(tag, blocks)] > 0:
            source_placed[(tag, blocks)] -= 1
            continue
        expected = next(b for t, b in _placed(msgid) if t == tag)
        kind = "block tag" if tag_kind(tag) != "plain" else "tag"
        problems.append(
            f"moves the {kind} {tag}: {_where(blocks)} in the translation, "
            f"{_where(expected)} in the msgid"
        )
        break  # one misplaced tag usually displaces the rest; name the first
    return problems
