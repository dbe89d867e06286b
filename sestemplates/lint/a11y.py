"""Accessibility of what the author wrote: alt text, lang, link text, colour contrast."""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import cache
from typing import TYPE_CHECKING, Any

from sestemplates.checks import codes
from sestemplates.diagnostics import Diagnostic
from sestemplates.lint.colors import RGB, background_color, contrast, hex_of, parse_color
from sestemplates.lint.sources import MjDefaults

if TYPE_CHECKING:
    from sestemplates.lint.settings import LintSettings
    from sestemplates.lint.sources import Node, SourceFile

# Link text that says nothing out of context (screen readers list links by their text).
VAGUE = frozenset(
    {"here", "click here", "click", "tap here", "this", "this link", "link", "more",
     "read more", "click this link", "go", "clicking here", "here.", "learn more"}
)
MIN_CONTRAST = 4.5  # WCAG 2.x AA, normal text
_TEMPLATED = ("{{", "[[")


def check_a11y(
    source: SourceFile, settings: LintSettings, template: str | None,
    variables: Mapping[str, Any], defaults: MjDefaults | None = None,
) -> list[Diagnostic]:
    def warn(code: str, line: int, message: str) -> None:
        if settings.enabled(code):
            found.append(
                Diagnostic(template, source.display, line, None, "warning", code, message)
            )

    found: list[Diagnostic] = []
    known = defaults or MjDefaults()
    for node in source.nodes:
        if node.in_head:
            continue
        if node.name in ("img", "mj-image") and node.attr("alt") is None:
            warn(codes.IMG_ALT, node.line,
                 f"<{node.name}> has no alt attribute (use alt=\"\" for a decorative image)")
        if node.name in ("html", "mjml") and not (node.attr("lang") or "").strip():
            warn(codes.HTML_LANG, node.line,
                 f"<{node.name}> has no lang: screen readers guess the language")
        if (node.name == "a" or node.name == "mj-button") and node.attr("href") is not None:
            reason = _vague(node)
            if reason:
                warn(codes.LINK_TEXT, node.line, reason)
        checked = _contrast(node, variables, known)
        if checked:
            line, fg, bg, ratio = checked
            warn(codes.LOW_CONTRAST, line,
                 f"text colour {hex_of(fg)} on background {hex_of(bg)} has a contrast ratio "
                 f"of {ratio:.2f}:1; WCAG asks for at least {MIN_CONTRAST}:1")
    for line, fg, bg, ratio in _css_contrast(source, variables):
        warn(codes.LOW_CONTRAST, line,
             f"text colour {hex_of(fg)} on background {hex_of(bg)} has a contrast ratio "
             f"of {ratio:.2f}:1; WCAG asks for at least {MIN_CONTRAST}:1")
    return found


def _vague(node: Node) -> str | None:
    text = " ".join("".join(node.text).split())
    if any(t in text for t in _TEMPLATED):
        return None  # decided by data or the build: unknown here
    if not text:
        if any(c.name == "img" and (c.attr("alt") or "").strip() for c in _descendants(node)):
            return None
        return f"<{node.name}> link has no text (nor an image with alt text)"
    if text.lower().strip(" .!:…»›→") in VAGUE:
        return f"link text {text!r} says nothing about where it leads"
    return None


def _descendants(node: Node) -> list[Node]:
    out = []
    for child in node.children:
        out += [child, *_descendants(child)]
    return out


def style_declarations(style: str | None) -> dict[str, tuple[str, int]]:
    """name → (value, line offset) of a style attribute or rule body."""
    if not style:
        return {}
    return _parsed_style(style)


@cache  # one element's style is read for its colour and again for each descendant's background
def _parsed_style(style: str) -> dict[str, tuple[str, int]]:
    import tinycss2

    out = {}
    for decl in tinycss2.parse_declaration_list(style, True, True):
        if decl.type == "declaration":
            value = tinycss2.serialize(decl.value).strip()
            out[decl.lower_name] = (value, decl.source_line - 1)
    return out


def _own_background(
    node: Node, variables: Mapping[str, Any], known: MjDefaults
) -> RGB | None:
    styles = style_declarations(node.attr("style")) if not node.is_mjml else {}
    if _has_image(node, styles, known):
        return None  # the colour is only the fallback of a background image
    for name in ("background-color", "background"):
        if name in styles:
            return background_color(styles[name][0], variables)
    if node.name == "mj-button":
        return parse_color(known.attr(node, "background-color"), variables)
    for attr in ("container-background-color", "background-color", "bgcolor"):
        if known.attr(node, attr):
            return parse_color(known.attr(node, attr), variables)
    return None


def _contrast(
    node: Node, variables: Mapping[str, Any], known: MjDefaults
) -> tuple[int, RGB, RGB, float] | None:
    if node.is_mjml:
        value, line = known.attr(node, "color"), node.attr_line("color")
    else:
        styles = style_declarations(node.attr("style"))
        if "color" in styles:
            value, line = styles["color"][0], node.attr_line("style") + styles["color"][1]
        else:
            value, line = node.attr("color") if node.name == "font" else None, node.line
    fg = parse_color(value, variables)
    if fg is None:
        return None
    bg = None
    for holder in (node, *node.ancestors()):
        if _declares_bg(holder, known):
            # The nearest declared background is the one under the text, known or not.
            bg = _own_background(holder, variables, known)
            break
    if bg is None:
        return None
    ratio = contrast(fg, bg)
    return (line, fg, bg, ratio) if ratio < MIN_CONTRAST else None


def _has_image(node: Node, styles: Mapping[str, tuple[str, int]], known: MjDefaults) -> bool:
    if known.attr(node, "background-url") or node.attr("background"):
        return True
    return "background-image" in styles or "url(" in styles.get("background", ("", 0))[0]


def _declares_bg(node: Node, known: MjDefaults) -> bool:
    """Whether a background is declared at all (an unknown one hides the ancestors')."""
    styles = style_declarations(node.attr("style")) if not node.is_mjml else {}
    declared = any(n in styles for n in ("background-color", "background")) or any(
        known.attr(node, a) for a in ("background-color", "container-background-color", "bgcolor")
    )
    return declared or _has_image(node, styles, known)


def _css_contrast(
    source: SourceFile, variables: Mapping[str, Any]
) -> list[tuple[int, RGB, RGB, float]]:
    """Rules of a stylesheet that set both a text colour and a background."""
    import tinycss2

    out = []
    for block in source.css:
        if block.declarations_only:
            continue
        pending = list(tinycss2.parse_stylesheet(block.text, True, True))
        while pending:
            rule = pending.pop(0)
            if rule.type == "at-rule" and rule.content is not None and (
                rule.lower_at_keyword == "media"
            ):
                pending += tinycss2.parse_rule_list(rule.content, True, True)
                continue
            if rule.type != "qualified-rule":
                continue
            decls = style_declarations(tinycss2.serialize(rule.content))
            if "color" not in decls:
                continue
            fg = parse_color(re.sub(r"\s*!important$", "", decls["color"][0]), variables)
            bg_decl = decls.get("background-color") or decls.get("background")
            bg = background_color(bg_decl[0], variables) if bg_decl else None
            if fg and bg and contrast(fg, bg) < MIN_CONTRAST:
                line = block.line + rule.content[0].source_line - 1 + decls["color"][1]
                out.append((line, fg, bg, contrast(fg, bg)))
    return out
