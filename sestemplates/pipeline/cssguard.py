"""Prove no CSS rule of the <style> blocks was silently dropped by the inlining stage.

Each top-level statement of the <style> blocks before the stage is either still in a <style>
block after it (at-rules always must be: `@media`, `@import`, `@font-face` cannot be inlined),
or a rule whose declarations reached the `style` attribute of every element its selector
matches (a selector matching nothing has nowhere to go: mjml's juice drops it too).
"""

from __future__ import annotations

import re
from collections import Counter

from lxml import etree

from sestemplates.pipeline.css import Statement, key, rule_properties, selectors, statements

_STYLE_RE = re.compile(r"<style\b[^>]*>(.*?)</style\s*>", re.IGNORECASE | re.DOTALL)
# Elements an inliner may move, drop or add (an HTML5 serialiser writes the implied tbody);
# left out of the element order used to pair elements.
_UNPAIRED = {"style", "link", "meta", "tbody"}


def _statements(blocks: list[str]) -> list[Statement]:
    return [s for css in blocks for s in statements(css) if s.kind != "other"]


def dropped_rules(before: str, after: str) -> list[str]:
    """The statements of `before`'s <style> blocks that `after` neither keeps nor inlined."""
    old_blocks = [m[1] for m in _STYLE_RE.finditer(before)]
    new_blocks = [m[1] for m in _STYLE_RE.finditer(after)]
    # A block found byte for byte on both sides (held, or left alone) is kept: only the
    # others are parsed, which for MJML is the mj-style inline CSS alone.
    same = Counter(old_blocks) & Counter(new_blocks)
    old = _statements(list((Counter(old_blocks) - same).elements()))
    if not old:
        return []
    new = _statements(list((Counter(new_blocks) - same).elements()))
    kept = Counter(s.key for s in new)
    missing: list[Statement] = []
    for s in old:
        if kept[s.key] > 0:
            kept[s.key] -= 1
        else:
            missing.append(s)
    if not missing:
        return []
    kept_keys = {s.key for s in _statements(new_blocks)}
    lost = [s for s in missing if s.kind != "rule"]
    rules = [s for s in missing if s.kind == "rule"]
    if rules:
        lost += _not_inlined(rules, before, after, kept_keys)
    return [re.sub(r"\s+", " ", s.text.strip())[:80] for s in lost]


def _pairable(html: str) -> tuple[etree._Element | None, list[etree._Element]]:
    root = etree.fromstring(html, etree.HTMLParser()) if html.strip() else None
    if root is None:
        return None, []
    return root, [el for el in root.iter() if isinstance(el.tag, str) and el.tag not in _UNPAIRED]


def _not_inlined(
    rules: list[Statement], before: str, after: str, kept_keys: set[str]
) -> list[Statement]:
    from cssselect import GenericTranslator, SelectorError

    root, old = _pairable(before)
    _, new = _pairable(after)
    if root is None or len(old) != len(new):
        return rules  # the elements changed: nothing can be vouched for
    index = {el: i for i, el in enumerate(old)}
    translator = GenericTranslator()
    lost: list[Statement] = []
    for rule in rules:
        properties = set(rule_properties(rule.text))
        for selector in selectors(rule.prelude):
            if key(selector) in kept_keys:
                continue  # premailer keeps this part (`a:hover`) in <style>
            try:
                matched = root.xpath(translator.css_to_xpath(selector))
            except (SelectorError, ValueError, etree.XPathError):
                lost.append(rule)
                break
            if isinstance(matched, list) and any(
                not properties <= _style_properties(new[index[el]])
                for el in matched
                if isinstance(el, etree._Element) and el in index
            ):
                lost.append(rule)
                break
    return lost


def _style_properties(el: etree._Element) -> set[str]:
    import tinycss2

    style = str(el.get("style") or "")
    return {
        str(d.lower_name)
        for d in tinycss2.parse_blocks_contents(style, skip_comments=True, skip_whitespace=True)
        if d.type == "declaration"
    }
