"""Client support: each HTML element/attribute and CSS property/value/at-rule an author wrote,
looked up in the caniemail snapshot shipped in lint/data/ (see scripts/refresh_caniemail.py).

Only the newest tested version of each client counts, as on caniemail.com. "Not supported"
warns (`client-unsupported`); "partially supported" only with `[lint] partial = true`
(`client-partial`): caniemail marks nearly every common property partial in some client.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sestemplates.checks import codes
from sestemplates.diagnostics import Diagnostic

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator

    from sestemplates.lint.settings import LintSettings
    from sestemplates.lint.sources import SourceFile


DATA = Path(__file__).resolve().parent / "data" / "caniemail.json"


@dataclass(frozen=True)
class Feature:
    slug: str
    title: str
    url: str
    support: dict[str, str]  # client → "n" or "a" (full support is left out of the snapshot)


@dataclass(frozen=True)
class Snapshot:
    version: str
    clients: dict[str, str]  # family.platform → display name
    index: dict[tuple[str, str], list[Feature]]  # (kind, name) → features


@cache
def snapshot() -> Snapshot:
    """The shipped data, read once per process (package data: no network)."""
    # A path beside this module rather than importlib.resources: its import alone cost more
    # than reading the file, on every commit.
    raw: dict[str, Any] = json.loads(DATA.read_text(encoding="utf-8"))
    index: dict[tuple[str, str], list[Feature]] = defaultdict(list)
    for item in raw["features"]:
        feature = Feature(item["slug"], item["title"], item["url"], item["support"])
        for name in item["names"]:
            key = f"{name}:{item['value']}" if "value" in item else name
            index[(item["kind"], key)].append(feature)
    return Snapshot(raw["version"], raw["clients"], dict(index))


def known_clients() -> set[str]:
    clients = snapshot().clients
    return set(clients) | {c.split(".")[0] for c in clients}


def expand_clients(names: Iterable[str]) -> list[str]:
    """caniemail family names ("gmail") stand for all their platforms."""
    clients = snapshot().clients
    out: list[str] = []
    for name in names:
        out += [c for c in clients if c == name or c.startswith(f"{name}.")]
    return sorted(set(out))


@dataclass(frozen=True)
class Use:
    """One thing the author wrote, as caniemail names it."""

    kind: str
    name: str
    label: str  # as shown to the user
    line: int


def html_uses(source: SourceFile) -> Iterator[Use]:
    for node in source.nodes:
        if node.is_mjml:
            continue  # MJML components and their attributes: MJML writes the fallbacks
        yield Use("element", node.name, f"<{node.name}>", node.line)
        kind = (node.attr("type") or "").lower()
        if kind:
            yield Use("element-type", f"{node.name}:{kind}", f'<{node.name} type="{kind}">',
                      node.line)
        for attr in node.attrs:
            yield Use("attribute", attr, f"the {attr} attribute", node.attr_line(attr))


def css_uses(source: SourceFile) -> Iterator[Use]:
    import tinycss2

    for block in source.css:
        if block.declarations_only:
            nodes = tinycss2.parse_declaration_list(block.text, True, True)
            yield from _declarations(nodes, block.line)
        else:
            rules = tinycss2.parse_stylesheet(block.text, True, True)
            yield from _rules(rules, block.line)


def _line(base: int, node: Any) -> int:
    return base + max(int(getattr(node, "source_line", 1)), 1) - 1


def _rules(rules: list[Any], base: int) -> Iterator[Use]:
    import tinycss2

    for rule in rules:
        if rule.type == "at-rule":
            name = rule.lower_at_keyword
            yield Use("at-rule", name, f"@{name}", _line(base, rule))
            for token in _flatten(rule.prelude):
                if token.type == "ident" and ("media-feature", token.lower_value) in (
                    snapshot().index
                ):
                    yield Use("media-feature", token.lower_value,
                              f"@media ({token.lower_value})", _line(base, token))
            if rule.content is not None:
                if name in ("media", "supports", "document"):
                    inner = tinycss2.parse_rule_list(rule.content, True, True)
                    yield from _rules(inner, base)
                elif name in ("font-face", "page"):
                    decls = tinycss2.parse_declaration_list(rule.content, True, True)
                    yield from _declarations(decls, base)
        elif rule.type == "qualified-rule":
            prelude = rule.prelude
            for i, token in enumerate(prelude):
                if token.type == "literal" and token.value == ":" and i + 1 < len(prelude):
                    nxt = prelude[i + 1]
                    if nxt.type in ("ident", "function"):
                        name = nxt.lower_value if nxt.type == "ident" else nxt.lower_name
                        yield Use("pseudo", name, f":{name}", _line(base, nxt))
            decls = tinycss2.parse_declaration_list(rule.content, True, True)
            yield from _declarations(decls, base)


def _declarations(decls: list[Any], base: int) -> Iterator[Use]:
    for decl in decls:
        if decl.type != "declaration":
            continue
        line = _line(base, decl)
        prop = decl.lower_name
        if prop.startswith("--"):
            continue  # a custom property is matched where var() reads it
        yield Use("property", prop, prop, line)
        if decl.important:
            yield Use("important", "!important", "!important", line)
        for token in _flatten(decl.value):
            where = _line(base, token)
            if token.type == "ident":
                value = token.lower_value
                yield Use("value", f"{prop}:{value}", f"{prop}: {value}", where)
                yield Use("keyword", value, value, where)
            elif token.type == "function":
                yield Use("function", token.lower_name, f"{token.lower_name}()", where)
            elif token.type == "dimension":
                yield Use("unit", token.lower_unit, f"the {token.lower_unit} unit", where)
            elif token.type == "percentage":
                yield Use("unit", "%", "the % unit", where)


def _flatten(tokens: list[Any]) -> Iterator[Any]:
    for token in tokens:
        yield token
        inner = getattr(token, "arguments", None)
        if inner is None and token.type in ("() block", "[] block", "{} block"):
            inner = token.content
        if inner:
            yield from _flatten(inner)


def check_support(
    source: SourceFile, settings: LintSettings, template: str | None
) -> list[Diagnostic]:
    data = snapshot()
    clients = expand_clients(settings.clients)
    found: dict[tuple[int, str], Diagnostic] = {}
    for use in (*html_uses(source), *css_uses(source)):
        for feature in data.index.get((use.kind, use.name), []):
            if feature.slug in settings.allow or (use.line, feature.slug) in found:
                continue
            diagnostic = _diagnose(feature, use, clients, settings, template, source.display)
            if diagnostic is not None:
                found[(use.line, feature.slug)] = diagnostic
    return list(found.values())


def _diagnose(
    feature: Feature, use: Use, clients: list[str], settings: LintSettings,
    template: str | None, display: str,
) -> Diagnostic | None:
    names = snapshot().clients
    lacking = [names[c] for c in clients if feature.support.get(c, "").startswith("n")]
    partly = [names[c] for c in clients if feature.support.get(c, "").startswith("a")]
    label, title = use.label.replace(" ", ""), feature.title.replace(" ", "")
    same = title in label or label in title  # "max-height" / "max-height property"
    what = use.label if same else f"{use.label} ({feature.title})"
    if lacking and settings.enabled(codes.CLIENT_UNSUPPORTED):
        message = f"{what} is not supported by {', '.join(lacking)}"
        if partly and settings.partial:
            message += f"; only partly by {', '.join(partly)}"
        code = codes.CLIENT_UNSUPPORTED
    elif partly and settings.partial and settings.enabled(codes.CLIENT_PARTIAL):
        message = f"{what} is only partly supported by {', '.join(partly)}"
        code = codes.CLIENT_PARTIAL
    else:
        return None
    return Diagnostic(
        template, display, use.line, None, "warning", code,
        f"{message} (caniemail {feature.slug}: {feature.url})",
    )
