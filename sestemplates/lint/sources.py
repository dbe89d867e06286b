"""What the author wrote: a template source file (MJML or HTML, with Jinja) as a light tree.

The lint judges sources, not the build's output: MJML's generated tables and fallbacks are
written for the clients, the author's own elements, attributes and CSS are not. Jinja
statements and comments are blanked first (same length, same newlines), so every position is
the file's own; `[[ expr ]]` and `{{ tag }}` stay in the text as values the lint cannot know.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

_JINJA_BLANK_RE = re.compile(r"\[#.*?#\]|\{#.*?#\}|\{%.*?%\}", re.DOTALL)
VOID = frozenset(
    {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
     "track", "wbr"}
)
# MJML's own head elements hold defaults and CSS, not content: their children are not elements
# of the message.
MJ_DEFAULTS = frozenset({"mj-attributes", "mj-head"})
CSS_HOLDERS = frozenset({"style", "mj-style"})


def blank_jinja(text: str) -> str:
    return _JINJA_BLANK_RE.sub(lambda m: re.sub(r"[^\n]", " ", m.group(0)), text)


@dataclass
class Node:
    name: str
    attrs: dict[str, str | None]
    line: int
    attr_lines: dict[str, int]
    parent: Node | None
    in_head: bool  # inside <mj-head>/<mj-attributes>: defaults, not content
    text: list[str] = field(default_factory=list)  # every text below it, in order
    children: list[Node] = field(default_factory=list)

    @property
    def is_mjml(self) -> bool:
        return self.name.startswith("mj")

    def attr(self, name: str) -> str | None:
        return self.attrs.get(name)

    def attr_line(self, name: str) -> int:
        return self.attr_lines.get(name, self.line)

    def ancestors(self) -> list[Node]:
        out, node = [], self.parent
        while node is not None:
            out.append(node)
            node = node.parent
        return out


@dataclass(frozen=True)
class CssBlock:
    text: str
    line: int  # the file line of text's first line
    declarations_only: bool  # a style="" attribute, not a stylesheet


@dataclass
class SourceFile:
    path: Path
    display: str
    nodes: list[Node]  # every element, in document order
    css: list[CssBlock]


class _Scanner(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.nodes: list[Node] = []
        self.css: list[CssBlock] = []
        self.stack: list[Node] = []
        self._css_start: int | None = None
        self._css_parts: list[str] = []

    def _open(self, tag: str, attrs: list[tuple[str, str | None]], closed: bool) -> None:
        line = self.getpos()[0]
        raw = self.get_starttag_text() or ""
        attr_lines = {}
        for name, _ in attrs:
            m = re.search(rf"(?<![\w-]){re.escape(name)}\s*=", raw, re.IGNORECASE)
            attr_lines[name] = line + (raw.count("\n", 0, m.start()) if m else 0)
        parent = self.stack[-1] if self.stack else None
        in_head = bool(parent and (parent.in_head or parent.name in MJ_DEFAULTS))
        node = Node(tag, dict(attrs), line, attr_lines, parent, in_head)
        self.nodes.append(node)
        if parent is not None:
            parent.children.append(node)
        style = node.attrs.get("style")
        if style and not node.is_mjml:
            self.css.append(CssBlock(style, node.attr_line("style"), True))
        if not closed and tag not in VOID:
            self.stack.append(node)
            if tag in CSS_HOLDERS:
                self._css_start, self._css_parts = None, []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._open(tag, attrs, closed=False)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._open(tag, attrs, closed=True)

    def handle_endtag(self, tag: str) -> None:
        if tag in CSS_HOLDERS and self._css_start is not None:
            self.css.append(CssBlock("".join(self._css_parts), self._css_start, False))
            self._css_start = None
        for i in range(len(self.stack) - 1, -1, -1):
            if self.stack[i].name == tag:
                del self.stack[i:]
                return

    def handle_data(self, data: str) -> None:
        if self.stack and self.stack[-1].name in CSS_HOLDERS:
            if self._css_start is None:
                self._css_start = self.getpos()[0]
            self._css_parts.append(data)
            return
        for node in self.stack:
            node.text.append(data)


def scan_text(text: str, path: Path, display: str) -> SourceFile:
    scanner = _Scanner()
    scanner.feed(blank_jinja(text))
    scanner.close()
    return SourceFile(path, display, scanner.nodes, scanner.css)


def scan(path: Path, display: str) -> SourceFile:
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        text = ""
    return scan_text(text, path, display)


@dataclass
class MjDefaults:
    """`<mj-attributes>` of a template's sources: `mj-class`es, per-component defaults and
    `mj-all`, so an attribute an element inherits from them is known (colours, backgrounds)."""

    classes: dict[str, dict[str, str | None]] = field(default_factory=dict)
    components: dict[str, dict[str, str | None]] = field(default_factory=dict)
    every: dict[str, str | None] = field(default_factory=dict)

    def attr(self, node: Node, name: str) -> str | None:
        own = node.attr(name)
        if own is not None or not node.is_mjml:
            return own
        for cls in reversed((node.attr("mj-class") or "").split()):
            value = self.classes.get(cls, {}).get(name)
            if value is not None:
                return value
        value = self.components.get(node.name, {}).get(name)
        return value if value is not None else self.every.get(name)


def mjml_defaults(sources: list[SourceFile]) -> MjDefaults:
    """Collected in order (the template, then its layouts/partials); a later one wins."""
    defaults = MjDefaults()
    for source in sources:
        for node in source.nodes:
            if node.parent is None or node.parent.name != "mj-attributes":
                continue
            attrs = dict(node.attrs)
            if node.name == "mj-class":
                defaults.classes.setdefault(attrs.pop("name", None) or "", {}).update(attrs)
            elif node.name == "mj-all":
                defaults.every.update(attrs)
            else:
                defaults.components.setdefault(node.name, {}).update(attrs)
    return defaults
