"""Both inliner engines (`[build] inliner = "premailer"` / `"css-inline"`) meet the same
invariants, and inline the same declarations up to documented, harmless differences."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from lxml import etree

from sestemplates.config import load_config
from sestemplates.pipeline import build_project
from sestemplates.pipeline.cache import InputHasher
from sestemplates.pipeline.guard import check_positions, check_tokens
from sestemplates.pipeline.inline import ENGINES, INLINE_MARK, inline_css
from sestemplates.pipeline.shield import shield
from sestemplates.project import discover

SOURCE = """<!doctype html><html><head>
<link href="https://fonts.googleapis.com/css?family=Ubuntu" rel="stylesheet" type="text/css">
<style type="text/css">@import url(https://fonts.googleapis.com/css2?family=A:wght@400;500&display=swap);</style>
<style>.amount { text-align: right; } .t { color: {{c}}; }
@media only screen and (max-width: 480px) { .stack td { display: block !important; } }</style>
</head><body>
<!--[if mso | IE]><table role="presentation"><tr><td><![endif]-->
<table class="stack">{{#each items}}<tr><td class="amount">{{price}}</td></tr>{{/each}}
<tr><td>{{total}}</td></tr></table>
<a href="{{url}}" class="t">link</a>
<!--[if mso | IE]></td></tr></table><![endif]-->
</body></html>"""


@pytest.fixture(params=ENGINES)
def engine(request: pytest.FixtureRequest) -> str:
    return str(request.param)


def test_every_engine_keeps_the_invariants(engine: str, network_attempts: list[object]) -> None:
    shielded, key = shield(SOURCE)
    blocks = re.compile("|".join(key.token(i) for i, t in enumerate(key.tags) if "each" in t.text))
    out = inline_css(shielded, file="t.html", keep=key.token_re, blocks=blocks, engine=engine)
    assert network_attempts == []
    # Tags keep their count, order and place in the tree (no foster parenting).
    assert check_tokens("html", key, shielded, out) == []
    assert check_positions(shielded, out, key) == []
    restored = key.restore(out)
    assert restored.startswith("<!doctype html>")
    assert "@import url(https://fonts.googleapis.com/css2?family=A:wght@400;500&display=swap);" in (
        restored
    )
    assert "!important" in restored and "@media only screen and (max-width: 480px)" in restored
    assert ".t { color: {{c}}; }" in restored  # a rule with a tag stays in <style>
    assert 'href="https://fonts.googleapis.com/css?family=Ubuntu"' in restored
    assert '<!--[if mso | IE]><table role="presentation"><tr><td><![endif]-->' in restored
    # premailer also writes the old `align` attribute for text-align; css-inline does not.
    assert re.search(r'<td class="amount" style="text-align: ?right;?"[^>]*>\{\{price', restored)


def test_every_engine_inlines_only_mj_style_inline_in_mjml(engine: str) -> None:
    html = (
        "<!doctype html><html><head><style>.c { color: red; }</style>"
        f"<style>{INLINE_MARK}.c {{ font-weight: bold; }}</style></head>"
        '<body><p class="c">x</p></body></html>'
    )
    out = inline_css(html, file="x", serialised=True, engine=engine)
    assert "<style>.c { color: red; }</style>" in out
    assert re.search(r'<p class="c" style="font-weight: ?bold;?">', out)


def test_the_cache_key_includes_the_engine(tmp_path: Path) -> None:
    folder = tmp_path / "templates" / "t"
    folder.mkdir(parents=True)
    (folder / "subject.txt").write_text("x\n")
    (folder / "html.html").write_text("<p>x</p>")
    keys = set()
    for engine in ENGINES:
        config = load_config(tmp_path)
        config = type(config)(**{**config.__dict__, "inliner": engine})
        keys.add(InputHasher(config).key(discover(config).templates[0], []))
    assert len(keys) == 2


def test_an_unknown_engine_is_a_config_error(tmp_path: Path) -> None:
    from sestemplates.errors import ConfigError

    (tmp_path / "sestemplates.toml").write_text('[build]\ninliner = "juice"\n')
    with pytest.raises(ConfigError, match=r'build\.inliner must be "premailer" or "css-inline"'):
        load_config(tmp_path)


def _declarations(html: str) -> list[dict[str, str]]:
    """Each element's inlined declarations, with what the two engines write differently and
    a browser reads the same normalised: spacing, `0px` vs `0`, `#888` vs `#888888`."""
    root = etree.fromstring(html, etree.HTMLParser())
    found = []
    for el in root.iter():
        if not isinstance(el.tag, str) or el.tag in ("tbody", "style", "link", "meta"):
            continue
        pairs = {}
        for decl in (el.get("style") or "").split(";"):
            if ":" in decl:
                name, value = decl.split(":", 1)
                value = re.sub(r"\s*!\s*important", " !important", value.strip())
                value = re.sub(r"\b0px\b", "0", re.sub(r"\s+", " ", value))
                value = re.sub(
                    r"#([0-9a-fA-F])([0-9a-fA-F])([0-9a-fA-F])\b", r"#\1\1\2\2\3\3", value
                ).lower()
                pairs[name.strip().lower()] = value
        found.append(pairs)
    return found


def _build(root: Path, engine: str) -> dict[str, str]:
    toml = root / "sestemplates.toml"
    kept = toml.read_text() if toml.exists() else ""
    kept = re.sub(r"(?m)^build = .*\n", "", kept.split("\n[build]")[0])
    toml.write_text(kept + f'\n[build]\ninliner = "{engine}"\n')
    report = build_project(load_config(root), [], force=True, jobs=1)
    assert [d.one_line() for d in report.failures] == []
    return {b.name: b.html for b in report.built}


def test_engines_inline_the_same_declarations(
    tmp_path: Path, example_project: Path, request: pytest.FixtureRequest
) -> None:
    """On the examples and (when present) the shared corpus, each element's inlined style is
    the same with both engines, except where premailer lets the element's own declaration
    beat an `!important` rule that css-inline (like mjml's juice) applies; the rule is also
    kept in <style>, so a browser shows the same."""
    projects = [example_project]
    shared = Path(__file__).resolve().parents[2].parent / "shared"
    import os

    shared = Path(os.environ.get("SESTEMPLATES_SHARED", shared))
    if (shared / "mjml-corpus").is_dir():
        from tests.pipeline.test_build import wrap_corpus

        corpus = tmp_path / "corpus"
        corpus.mkdir()
        wrap_corpus(shared, corpus)
        projects.append(corpus)
    compared = 0
    for root in projects:
        premailer, css_inline = _build(root, "premailer"), _build(root, "css-inline")
        shutil.rmtree(root / "build")
        for name, html in premailer.items():
            a, b = _declarations(html), _declarations(css_inline[name])
            assert len(a) == len(b), name
            for mine, theirs in zip(a, b, strict=True):
                for prop in set(mine) | set(theirs):
                    if mine.get(prop) != theirs.get(prop):
                        assert str(theirs.get(prop)).endswith("!important"), (
                            name, prop, mine.get(prop), theirs.get(prop)
                        )
                compared += 1
    assert compared > 1000


def test_url_attributes_come_out_as_written(engine: str) -> None:
    """libxml2's serialiser (under premailer) percent-encodes href/src/action values and strips
    their leading blanks; the values are held out of it, so both engines keep them."""
    body = (
        '<p><a href=" https://é.example/a b|c^d?x=1&amp;y={{y}}" name="x y">l</a>'
        "<img src='i \"q\".png'></p><form action=\"/s p\"></form>"
    )
    html = f"<!doctype html><html><head><style>p {{ color: red; }}</style></head><body>{body}"
    out = inline_css(html + "</body></html>", file="x", engine=engine)
    assert 'href=" https://é.example/a b|c^d?x=1&amp;y={{y}}" name="x y"' in out
    assert 'src="i &quot;q&quot;.png"' in out and 'action="/s p"' in out
