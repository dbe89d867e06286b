"""The CSS of a <style> block cut into its top-level statements by a real tokenizer (tinycss2).

A hand-written splitter cut `@import url(https://fonts.googleapis.com/css2?family=A:wght@400;500)`
at the `;` inside the unquoted URL, which is what `<mj-font>` writes: the rest of the block
then vanished. Every statement keeps its exact text, so joining them gives the CSS back.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_LINE_BREAK_RE = re.compile(r"\r\n|[\r\n\f]")


@dataclass(frozen=True)
class Statement:
    text: str  # exactly as written, with the whitespace or comment before the next one
    kind: str  # "rule" (qualified rule), "at-rule", or "other" (whitespace, comment, error)
    keyword: str  # the at-keyword, lowercase, for at-rules
    key: str  # what identifies the statement when re-serialised (see `key`)
    prelude: str = ""  # the selector of a rule, the prelude of an at-rule, as written


def _offsets(css: str) -> list[int]:
    """Start offset of each line as tinycss2 counts lines (it turns CRLF, CR, FF into LF)."""
    return [0] + [m.end() for m in _LINE_BREAK_RE.finditer(css)]


def statements(css: str) -> list[Statement]:
    """Top-level statements of `css`, in order; `"".join(s.text …) == css`."""
    import tinycss2

    nodes = tinycss2.parse_stylesheet(css, skip_comments=False, skip_whitespace=False)
    lines = _offsets(css)
    starts = [lines[n.source_line - 1] + n.source_column - 1 for n in nodes]
    if starts:
        starts[0] = 0
    out: list[Statement] = []
    for i, node in enumerate(nodes):
        end = starts[i + 1] if i + 1 < len(nodes) else len(css)
        text = css[starts[i] : end]
        if node.type == "qualified-rule":
            prelude = str(tinycss2.serialize(node.prelude))
            out.append(Statement(text, "rule", "", key(prelude), prelude))
        elif node.type == "at-rule":
            prelude = str(tinycss2.serialize(node.prelude))
            keyword = str(node.lower_at_keyword)
            out.append(Statement(text, "at-rule", keyword, f"@{keyword} {key(prelude)}", prelude))
        else:
            out.append(Statement(text, "other", "", ""))
    return out


def key(prelude: str) -> str:
    """A selector or at-rule prelude without the whitespace and quotes a CSS serialiser
    (cssutils, under premailer) adds, drops or changes."""
    return re.sub(r"[\s\"']+", "", prelude).lower()


def selectors(prelude: str) -> list[str]:
    """The selectors of a selector list (commas inside parentheses do not separate)."""
    return [s.strip() for s in re.split(r",(?![^()]*\))", prelude) if s.strip()]


def inlinable(statement: Statement) -> bool:
    """A rule an inliner can apply: every selector is one cssselect (under premailer) can
    match. Others (`a:hover`, `::before`, or not valid CSS at all, such as a rule starting
    with a stray `;`) can only stay in <style>, where a browser reads or ignores them."""
    if statement.kind != "rule":
        return False
    from cssselect import GenericTranslator, SelectorError

    translator = GenericTranslator()
    try:
        for selector in selectors(statement.prelude):
            translator.css_to_xpath(selector)
    except (SelectorError, ValueError):
        return False
    return bool(selectors(statement.prelude))


def rule_properties(rule_text: str) -> list[str]:
    """The property names a qualified rule declares (lowercase)."""
    import tinycss2

    nodes = tinycss2.parse_stylesheet(rule_text, skip_comments=True, skip_whitespace=True)
    names: list[str] = []
    for node in nodes:
        if node.type != "qualified-rule":
            continue
        for decl in tinycss2.parse_declaration_list(
            node.content, skip_comments=True, skip_whitespace=True
        ):
            if decl.type == "declaration":
                names.append(str(decl.lower_name))
    return names
