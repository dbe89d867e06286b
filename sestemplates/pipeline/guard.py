"""Stage 6: prove every Handlebars tag survived the HTML stages, unchanged and in place.

Three checks, each naming the tag and the line it was on:
- tokens: after the MJML compiler every tag is present, first copies in source order; through
  the HTML stages every token keeps its number of copies (nothing lost or duplicated) and its
  order, so the tags are the same, in the same order and the same nesting;
- position: each token's place in the document tree (its enclosing element path and the
  element it follows, or the attribute / comment holding it) is the same before the HTML
  stages and after — an HTML5 parser foster-parenting `{{#each}}` out of the `<tr>` rows it
  wrapped changes that place even though the order of the text stays the same;
- derived text: its tags are an in-order subset of the HTML's, with balanced blocks.
"""

from __future__ import annotations

import itertools
import re
from collections import Counter
from dataclasses import dataclass

from lxml import etree

from sestemplates.pipeline import htmltree
from sestemplates.pipeline.shield import Shield, Tag, tag_kind

# Elements the inliner may add or drop; leaving them out of sibling counts keeps the positions
# of everything else comparable.
_UNSTABLE = {"style", "link", "meta"}
_MARKUP_RE = re.compile(r"<[^<>]*>")
_MJ_HEAD_RE = re.compile(r"<mj-head\b[^>]*>(?P<inner>.*?)</mj-head\s*>", re.DOTALL)
_MJ_HEAD_CHILD_RE = re.compile(r"<(?P<name>mj-[\w-]+)\b[^>]*?(?:/>|>.*?</(?P=name)\s*>)", re.DOTALL)


@dataclass(frozen=True)
class GuardProblem:
    tag: Tag
    message: str


def _keyed(shield: Shield, html: str) -> list[tuple[int, int]]:
    """(group, token number) in document order, where a token inside a start tag belongs to
    that tag's group and any other token is its own group."""
    spans = [(m.start(), m.end()) for m in _MARKUP_RE.finditer(html)]
    keyed: list[tuple[int, int]] = []
    span_index = 0
    for m in shield.token_re.finditer(html):
        while span_index < len(spans) and spans[span_index][1] <= m.start():
            span_index += 1
        inside = span_index < len(spans) and spans[span_index][0] <= m.start()
        keyed.append((spans[span_index][0] if inside else m.start(), int(m[1])))
    return keyed


def ordered_ids(shield: Shield, html: str) -> list[int]:
    """Token numbers in document order, except that the tokens inside one start tag count in
    source order: compilers and serialisers may reorder a tag's attributes, which moves no tag
    relative to the document."""
    return [i for _, i in sorted(_keyed(shield, html))]


def _head_elements(shield: Shield, source: str) -> dict[int, int]:
    """Token number → the `mj-head` child element (by start offset) that holds it.

    mrml relocates head elements: `mj-title` goes to <title>, `mj-style` to <style>,
    `mj-preview` to the top of the body. Their order among each other is not the source's,
    only the order inside each one is."""
    head = _MJ_HEAD_RE.search(source)
    if head is None:
        return {}
    start, end = head.span("inner")
    children = [(m.start(), m.end()) for m in _MJ_HEAD_CHILD_RE.finditer(source, start, end)]
    found: dict[int, int] = {}
    for m in shield.token_re.finditer(source, start, end):
        owner = next((a for a, b in children if a <= m.start() < b), start)
        found[int(m[1])] = owner
    return found


def check_compiled(shield: Shield, source: str, compiled: str) -> list[GuardProblem]:
    """After the MJML compiler: every tag present, first copies in source order. Copies are
    allowed here: mrml repeats `mj-title` as the body's aria-label by design. The tags of one
    MJML element may come out in any order among themselves (`mj-image href` puts an <a>
    around the <img>); the elements of `mj-head` each keep their own order only."""
    group = {i: g for g, i in _keyed(shield, source)}
    ids = ordered_ids(shield, compiled)
    present = set(ids)
    problems = [
        GuardProblem(tag, f"html: tag {tag.text} was lost by the MJML compiler")
        for i, tag in enumerate(shield.tags)
        if i not in present
    ]
    if problems:
        return problems
    head = _head_elements(shield, source)
    seen: set[int] = set()
    last_group: dict[int, int] = {}  # per order scope: the body (-1) or one head element
    for i in ids:
        if i in seen:
            continue
        seen.add(i)
        scope = head.get(i, -1)
        if group.get(i, -1) < last_group.get(scope, -1):
            tag = shield.tags[i]
            return [GuardProblem(tag, f"html: tag {tag.text} was moved out of order")]
        last_group[scope] = group.get(i, -1)
    return []


def check_tokens(part: str, shield: Shield, before: str, after: str) -> list[GuardProblem]:
    """Through the HTML stages: the same tokens, as many times each, in the same order."""
    old, new = ordered_ids(shield, before), ordered_ids(shield, after)
    old_counts, new_counts = Counter(old), Counter(new)
    problems: list[GuardProblem] = []
    for i, tag in enumerate(shield.tags):
        if new_counts[i] < old_counts[i]:
            problems.append(GuardProblem(tag, f"{part}: tag {tag.text} was lost by the pipeline"))
        elif new_counts[i] > old_counts[i]:
            problems.append(
                GuardProblem(tag, f"{part}: tag {tag.text} was duplicated by the pipeline")
            )
    if problems or old == new:
        return problems
    for a, b in zip(old, new, strict=True):
        if a != b:
            tag = shield.tags[b]
            return [GuardProblem(tag, f"{part}: tag {tag.text} was moved out of order")]
    return []


def _order(part: str, shield: Shield, ids: list[int]) -> list[GuardProblem]:
    for prev, cur in itertools.pairwise(ids):
        if cur < prev:
            tag = shield.tags[cur]
            return [GuardProblem(tag, f"{part}: tag {tag.text} was moved out of order")]
    return []


def positions(html: str, shield: Shield) -> dict[int, list[str]]:
    """Where each copy of each token sits in the parsed document.

    lxml selects the few nodes holding a token (text, tails, attributes, comments); only those
    get a path, so the cost does not grow with the number of elements walked in Python. An
    HTML5 serialiser adds the `<tbody>` a table implies: paths leave `tbody` out."""
    if not html.strip():
        return {}
    root = htmltree.parse(html)
    found: dict[int, list[str]] = {}
    if root is None:
        return found
    token_re = shield.token_re
    prefix = shield.prefix
    hits = root.xpath(
        f"//text()[contains(., '{prefix}')] | //@*[contains(., '{prefix}')]"
        f" | //comment()[contains(., '{prefix}')]"
    )
    assert isinstance(hits, list)
    paths: dict[etree._Element, str] = {}
    for hit in hits:
        if isinstance(hit, etree._Element):  # a comment: its own text
            where, text = _path(hit, paths), hit.text or ""
        else:
            text = str(hit)
            owner = getattr(hit, "getparent", lambda: None)()  # lxml's "smart" strings
            if owner is None:
                continue
            if getattr(hit, "is_attribute", False):
                where = f"{_path(owner, paths)} attribute {getattr(hit, 'attrname', '')!s}"
            elif getattr(hit, "is_tail", False):
                parent = _visible_parent(owner)
                last = _path(owner, paths).rsplit("/", 1)[-1]
                where = f"{_path(parent, paths)}, after {last}" if parent is not None else last
            else:
                where = f"{_path(owner, paths)}, at the start"
        for m in token_re.finditer(text):
            found.setdefault(int(m[1]), []).append(where)
    return found


def _visible_parent(el: etree._Element) -> etree._Element | None:
    parent = el.getparent()
    while parent is not None and parent.tag == "tbody":
        parent = parent.getparent()
    return parent


def _path(el: etree._Element, cache: dict[etree._Element, str]) -> str:
    """`html/body[1]/table[1]/tr[2]`: each step counts the earlier siblings of the same name
    (style, link and meta, which the inliner may add or drop, are not counted or numbered)."""
    if el in cache:
        return cache[el]
    name = _node_name(el)
    parent = _visible_parent(el)
    if parent is None:
        path = name
    elif name in _UNSTABLE:
        path = f"{_path(parent, cache)}/{name}"
    else:
        earlier = sum(1 for _ in el.itersiblings(el.tag, preceding=True))
        path = f"{_path(parent, cache)}/{name}[{earlier + 1}]"
    cache[el] = path
    return path


def _node_name(el: etree._Element) -> str:
    if isinstance(el.tag, str):
        return el.tag
    return "#comment" if el.tag is etree.Comment else "#node"


def check_positions(before: str, after: str, shield: Shield) -> list[GuardProblem]:
    """Tokens whose place in the tree changed between `before` and `after`."""
    old, new = positions(before, shield), positions(after, shield)
    problems: list[GuardProblem] = []
    for i, places in sorted(old.items()):
        moved = [(a, b) for a, b in zip(places, new.get(i, []), strict=False) if a != b]
        if moved and i < len(shield.tags):
            tag = shield.tags[i]
            was, now = moved[0]
            message = f"html: tag {tag.text} was displaced from {was} to {now}"
            problems.append(GuardProblem(tag, message))
    return problems


def check_derived_text(shield: Shield, text_shielded: str, html: str = "") -> list[GuardProblem]:
    """The derived text keeps an in-order subset of the HTML's tags with balanced blocks: no
    tag more often than in `html` (a social icon and its label link to the same `{{url}}`,
    which the text repeats; a block tag is never repeated)."""
    ids = shield.ids(text_shielded)
    counts, in_html = Counter(ids), Counter(shield.ids(html))
    for i, n in counts.items():
        if i >= len(shield.tags) or n == 1:
            continue
        tag = shield.tags[i]
        if n > in_html[i] or tag_kind(tag.text) != "plain":
            return [GuardProblem(tag, f"text: tag {tag.text} was duplicated ({n} copies)")]
    # Plain tags may move (a link's URL follows its text); block tags may not.
    blocks = [i for i in ids if tag_kind(shield.tags[i].text) != "plain"]
    moved = _order("text", shield, blocks)
    if moved:
        return moved
    stack: list[Tag] = []
    for i in ids:
        tag = shield.tags[i]
        kind = tag_kind(tag.text)
        if kind == "open":
            stack.append(tag)
        elif kind == "close":
            if not stack:
                return [GuardProblem(tag, f"text: block tag {tag.text} lost its opening tag")]
            stack.pop()
        elif kind == "else" and not stack:
            return [GuardProblem(tag, f"text: {tag.text} is outside any block")]
    if stack:
        tag = stack[-1]
        return [GuardProblem(tag, f"text: block tag {tag.text} lost its closing tag")]
    return []
