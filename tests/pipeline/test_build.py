"""The whole pipeline on real template repositories, through the API and the real CLI."""

from __future__ import annotations

import html as htmllib
import json
import re
import shutil
from collections import Counter
from pathlib import Path

import botocore.session
import pytest
from botocore.validate import ParamValidator
from lxml import etree

from sestemplates.config import load_config
from sestemplates.i18n.setup import install
from sestemplates.pipeline import build_project, load_built
from sestemplates.pipeline.jinja import context, make_environment, render_file
from sestemplates.pipeline.mjml import expand_includes
from sestemplates.pipeline.shield import find_tags
from sestemplates.project import discover

CREATE_KEYS = {"TemplateName", "TemplateContent"}
CREATE_INPUT = (
    botocore.session.get_session()
    .get_service_model("sesv2")
    .operation_model("CreateEmailTemplate")
    .input_shape
)
CONTENT_KEYS = {"Subject", "Html", "Text"}


def templates_json(build: Path) -> list[Path]:
    """build/<TemplateName>.json files; <TemplateName>.schema.json (the TemplateData contract)
    cannot be confused with them: a TemplateName has no dot."""
    return [p for p in build.glob("*.json") if not p.name.endswith(".schema.json")]


def check_outputs(root: Path) -> list[dict[str, object]]:
    """Every build/*.json is exactly CreateEmailTemplate input, matching .html/.txt beside it."""
    docs = []
    for path in sorted(templates_json(root / "build")):
        doc = json.loads(path.read_text(encoding="utf-8"))
        assert set(doc) == CREATE_KEYS and set(doc["TemplateContent"]) == CONTENT_KEYS
        assert doc["TemplateName"] == path.stem
        # What `aws sesv2 create-email-template --cli-input-json` validates against.
        report = ParamValidator().validate(doc, CREATE_INPUT)
        assert not report.has_errors(), report.generate_report()
        size = sum(len(v.encode("utf-8")) for v in doc["TemplateContent"].values())
        assert size <= 500 * 1024, (path.name, size)  # SES's limit for the whole template
        content = doc["TemplateContent"]
        assert path.with_suffix(".html").read_text(encoding="utf-8") == content["Html"]
        assert path.with_suffix(".txt").read_text(encoding="utf-8") == content["Text"]
        docs.append(doc)
    return docs


def assert_tags_intact(root: Path, env: str | None = None) -> None:
    """Every tag of each rendered source part is in the built part (mrml may copy the title)."""
    config = load_config(root, env)
    for source in discover(config).templates:
        built = load_built(config, source)
        assert built is not None, source.name
        jenv, _ = make_environment(config)
        variables = context(config, source)
        if source.locale is not None:  # the locale's catalog, as the build installs it
            variables |= install(jenv, config, source.locale)
        html_src = render_file(jenv, config, source.html, variables)
        if source.is_mjml:
            html_src = expand_includes(html_src, source.html, config.templates_dir, str, [])
        want = Counter(t.text for t in find_tags(html_src))
        got = Counter(t.text for t in find_tags(built.html))
        assert set(got) == set(want), source.name
        assert all(got[t] >= n for t, n in want.items()), source.name
        if source.text is not None:
            text_src = render_file(jenv, config, source.text, variables)
            assert built.text == text_src


def test_fixture_repo_builds_with_every_tag_byte_for_byte(build_repo: Path) -> None:
    config = load_config(build_repo)
    report = build_project(config, [])
    assert report.failures == []
    docs = {d["TemplateName"]: d["TemplateContent"] for d in check_outputs(build_repo)}
    assert set(docs) == {"incl", "plain", "receipt"}
    assert_tags_intact(build_repo)

    receipt = docs["receipt"]
    assert isinstance(receipt, dict)
    html, text = receipt["Html"], receipt["Text"]
    assert receipt["Subject"] == "Your Fixture Co order {{order.number}}"
    assert '<a href="{{ order.url }}"' in html
    assert 'src="https://img.example.com/{{ image }}.png"' in html
    assert "{{> footer}}" in html and "{{> footer}}" in text
    assert "{{!-- a Handlebars comment with }} inside --}}" in html
    # The loop still wraps exactly the item row.
    assert re.search(
        r"</tr>\s*\{\{#each items\}\}\s*<tr>.*?\{\{name\}\}.*?</tr>\s*\{\{/each\}\}", html, re.S
    )
    root = etree.fromstring(html, etree.HTMLParser())
    p = root.xpath("//p[@data-path]")[0]
    assert p.get("title") == 'say "hi" \\o/'
    assert p.get("data-path") == "C:\\orders\\{{order.number}}"
    assert root.xpath("//img")[0].get("alt") == 'A 😀 "quoted" \\ image'
    # mj-style inline="inline" ended up inlined; @media kept with !important.
    assert re.search(r'class="amount"[^>]*style="[^"]*text-align:right', html)
    assert "display: block !important" in html or "display:block !important" in html
    # Derived text: hidden preheader left out, loop gives one line per item.
    assert "Hidden preheader" not in text
    assert "{{#each items}}{{name}} {{price}}\n{{/each}}" in text
    assert "view order ({{ order.url }})" in text
    assert "https://shop.example.com/o/{{ order.number }}?a=1&b=2\n" in text  # url == text

    plain = docs["plain"]
    assert isinstance(plain, dict)
    assert "<!--[if mso]><p>Outlook {{name}}</p><![endif]-->" in plain["Html"]
    assert '<a href="{{ link }}">' in plain["Html"]
    assert "{{#each rows}}\n<tr>" in plain["Html"]


def break_repo(repo: Path) -> None:
    t = repo / "templates"
    shutil.copytree(t / "incl", t / "bad_mjml")
    (t / "bad_mjml" / "parts" / "section.mjml").unlink()
    (t / "bad_mjml" / "html.mjml").write_text(
        "<mjml>\n  <mj-body>\n    <mj-section>\n      <mj-column>\n        <mj-text>open\n"
        "  </mj-body>\n</mjml>\n"
    )
    shutil.copytree(t / "plain", t / "jinja_syntax")
    (t / "jinja_syntax" / "html.html").write_text("<p>a</p>\n{% if x %}\n<p>b</p>\n")
    shutil.copytree(t / "plain", t / "undefined_var")
    (t / "undefined_var" / "html.html").write_text("<p>a</p>\n\n<p>[[ no_such_var ]]</p>\n")
    shutil.copytree(t / "plain", t / "bad name!")
    shutil.copytree(t / "plain", t / "not_utf8")
    (t / "not_utf8" / "subject.txt").write_bytes(b"Caf\xe9 {{name}}\n")


def test_broken_repo_names_each_problem_once_and_builds_the_rest(build_repo: Path, cli) -> None:  # type: ignore[no-untyped-def]
    break_repo(build_repo)
    result = cli("-C", build_repo, "build")
    assert result.code == 1
    lines = result.out.strip().splitlines()
    expected = {
        "bad_mjml": r"^templates/bad_mjml/html\.mjml:\d+: MJML: ",
        "jinja_syntax": r"^templates/jinja_syntax/html\.html:2: Jinja syntax error: ",
        "undefined_var": r"^templates/undefined_var/html\.html:3: Jinja: 'no_such_var' is undef",
        "bad name!": r"^templates/bad name!: invalid TemplateName 'bad name!'",
        "not_utf8": r"^templates/not_utf8/subject\.txt:1: not valid UTF-8",
    }
    for name, pattern in expected.items():
        hits = [line for line in lines if name in line]
        assert len(hits) == 1, (name, lines)
        assert re.match(pattern, hits[0]), hits[0]
    assert "Traceback" not in result.out + result.err
    assert lines[-1].endswith("5 failed")
    built = sorted(p.name for p in templates_json(build_repo / "build"))
    assert built == ["incl.json", "plain.json", "receipt.json"]
    # Fixing a template builds it; its failure had left no output of its own.
    (build_repo / "templates" / "undefined_var" / "html.html").write_text("<p>fixed</p>\n")
    assert (build_repo / "build" / "undefined_var.json").exists() is False
    assert cli("-C", build_repo, "build", "undefined_var").code == 0
    assert (build_repo / "build" / "undefined_var.json").is_file()


def test_bad_toml_is_a_usage_error(build_repo: Path, cli) -> None:  # type: ignore[no-untyped-def]
    (build_repo / "sestemplates.toml").write_text("[vars\nbrand = 1\n")
    result = cli("-C", build_repo, "build")
    assert result.code == 2
    assert re.match(r"error: sestemplates\.toml:1:\d+: invalid TOML", result.err)


EXAMPLES = {
    "account-alert",
    "order-receipt",
    "password-reset",
    "shipping-update",
    "weekly-digest",
    "welcome",
}


# password-reset and shipping-update are localised (sestemplates.toml): one output per locale.
LOCALISED = {"password-reset", "shipping-update"}
EXAMPLE_NAMES = (EXAMPLES - LOCALISED) | {
    f"{n}-{locale}" for n in LOCALISED for locale in ("en", "de", "ar")
}


def test_example_templates_build(example_project: Path, cli) -> None:  # type: ignore[no-untyped-def]
    result = cli("-C", example_project, "build")
    assert result.code == 0, result.out + result.err
    docs = check_outputs(example_project)
    assert len(docs) >= 5
    assert_tags_intact(example_project)
    result = cli("-C", example_project, "check")  # the samples cover every variable
    assert result.code == 0 and "0 errors, 0 warnings" in result.out, result.out + result.err
    for env, prefix in (("staging", "staging-"), ("production", "prod-")):
        result = cli("-C", example_project, "--env", env, "build")
        assert result.code == 0, result.out + result.err
        assert_tags_intact(example_project, env)
        names = {d["TemplateName"] for d in check_outputs(example_project)}
        assert {n for n in names if n.startswith(prefix)} == {prefix + n for n in EXAMPLE_NAMES}
        result = cli("-C", example_project, "--env", env, "check")
        assert result.code == 0 and "0 errors, 0 warnings" in result.out, result.out


# A few Handlebars tags put into every corpus file: in text, in an href, a partial call; and
# attribute values that mrml's escaping damages (newline, double quote, backslash).
INSERT = (
    '<mj-section><mj-column><mj-text>Hi {{first_name}}, <a href="{{ link_url }}?x={{id}}">'
    "open {{> footer}}</a> {{#if vip}}VIP{{/if}}</mj-text></mj-column></mj-section>"
    "<mj-section><mj-column><mj-text><p class=\"torture\" title='say \"hi\" \\o/' "
    'data-x="C:\\dir\\{{id}}" data-nl="a\nb">t</p></mj-text>'
    "<mj-image src=\"https://img.example.com/{{ img }}.png\" alt='a \"b\" \\ 😀 {{alt}}' />"
    "</mj-column></mj-section>"
)
TORTURE = {"title": 'say "hi" \\o/', "data-x": "C:\\dir\\{{id}}", "data-nl": "a\nb"}
RAW_ATTR_RE = re.compile(r"<(?!mj-|/)([a-z][a-z0-9]*)\b([^<>]*?)/?>")
VALUE_RE = re.compile(r"([\w:-]+)\s*=\s*(?:\"([^\"]*)\"|'([^']*)')")


def assert_attributes_kept(source: str, html: str, name: str) -> None:
    """Every raw-HTML attribute of the source has exactly its value in the built HTML (style
    attributes excepted: the inliner adds to them)."""
    root = etree.fromstring(html, etree.HTMLParser())
    built: dict[tuple[str, str], set[str]] = {}
    for el in root.iter():
        if isinstance(el.tag, str):
            for attr, value in el.attrib.items():
                built.setdefault((el.tag, str(attr)), set()).add(str(value))
    for m in RAW_ATTR_RE.finditer(source):
        for a in VALUE_RE.finditer(m[2]):
            attr = a[1].lower()
            value = htmllib.unescape(a[2] if a[2] is not None else a[3])
            got = built.get((m[1], attr))
            if attr != "style" and got is not None:  # mrml moves some into mso comments
                assert value in got, (name, m[1], attr, value)
    torture = root.xpath('//p[@class="torture"]')[0]
    assert {k: torture.get(k) for k in TORTURE} == TORTURE, name
    alts = {img.get("alt") for img in root.iter("img")}
    assert 'a "b" \\ 😀 {{alt}}' in alts, name


def wrap_corpus(shared: Path, root: Path) -> list[str]:
    corpus = shared / "mjml-corpus"
    templates = root / "templates"
    names = []
    for path in sorted(corpus.glob("*/*.mjml")):
        if path.parent.name == "include":
            continue
        name = f"{path.parent.name}-{path.stem}"
        source = path.read_text(encoding="utf-8")
        source = re.sub(r"(<mj-body\b[^>]*>)", lambda m: m[1] + INSERT, source, count=1)
        d = templates / name
        d.mkdir(parents=True)
        (d / "subject.txt").write_text(f"{path.stem} for {{{{first_name}}}}\n")
        # Some corpus files use `[[VAR]]` placeholders of their own: keep Jinja off them.
        (d / "html.mjml").write_text("{% raw %}" + source + "{% endraw %}", encoding="utf-8")
        names.append(name)
    # include/: mj-include of a file:/// path (templates root) and of a fragment file.
    inc = corpus / "include"
    (templates / "hello-world.mjml").write_text((inc / "partials" / "hello-world.mjml").read_text())
    d = templates / "include-local"
    d.mkdir()
    (d / "subject.txt").write_text("include {{x}}\n")
    (d / "html.mjml").write_text(
        (inc / "with-local-include.mjml").read_text().replace("<mj-body>", "<mj-body>" + INSERT, 1)
    )
    d = templates / "include-fragment"
    d.mkdir()
    (d / "subject.txt").write_text("fragment {{x}}\n")
    (d / "fragment.mjml").write_text((inc / "mjml-incl.mjml").read_text())
    (d / "html.mjml").write_text(
        f'<mjml><mj-body>{INSERT}<mj-section><mj-include path="fragment.mjml" />'
        "</mj-section></mj-body></mjml>"
    )
    return [*names, "include-local", "include-fragment"]


def test_whole_corpus_builds_with_tags_intact_and_no_attribute_damage(
    shared_dir: Path, tmp_path: Path
) -> None:
    names = wrap_corpus(shared_dir, tmp_path)
    config = load_config(tmp_path)
    report = build_project(config, [], jobs=2)
    assert [d.one_line() for d in report.failures] == []
    assert sorted(b.name for b in report.built) == sorted(names)
    check_outputs(tmp_path)
    assert_tags_intact(tmp_path)
    for built in report.built:
        assert '<a href="{{ link_url }}?x={{id}}"' in built.html, built.name
        assert "open {{> footer}}</a> {{#if vip}}VIP{{/if}}" in built.html, built.name
        assert "Hi {{first_name}}, open {{> footer}} ({{ link_url }}?x={{id}})" in built.text
        assert not re.search(r'="[^"]*\\[n"\\]', built.html), built.name
        source = (tmp_path / "templates" / built.source.dir_name / "html.mjml").read_text()
        assert_attributes_kept(source, built.html, built.name)
    assert "Hello World" in next(b for b in report.built if b.name == "include-local").html
    assert "COIN2" in next(b for b in report.built if b.name == "include-fragment").html
    # A no-op rebuild of the whole corpus rewrites nothing.
    again = build_project(config, [], jobs=2)
    assert again.written == 0 and again.unchanged == len(names)


@pytest.mark.parametrize("jobs", [1, 2])
def test_parallel_and_serial_builds_agree(build_repo: Path, jobs: int) -> None:
    t = build_repo / "templates"
    for i in range(8):
        shutil.copytree(t / "receipt", t / f"copy{i}")
    report = build_project(load_config(build_repo), [], jobs=jobs, force=True)
    assert report.failures == [] and len(report.built) == 11
    assert [b.name for b in report.built] == sorted(b.name for b in report.built)
    assert len({b.html.replace(b.name, "") for b in report.built if b.name.startswith("copy")}) == 1


def test_samples_never_break_the_build(build_repo: Path) -> None:
    samples = build_repo / "templates" / "receipt" / "samples"
    (samples / "broken.json").write_bytes(b"{not json \xff")
    config = load_config(build_repo)
    report = build_project(config, [])
    assert report.failures == [] and len(report.built) == 3
    (samples / "broken.json").write_text("{}")
    assert build_project(config, []).written == 0  # samples are not build inputs


def test_report_format_lists_failures_and_counts(build_repo: Path) -> None:
    (build_repo / "templates" / "plain" / "html.html").write_text("<p>[[ nope ]]</p>\n")
    config = load_config(build_repo)
    text = build_project(config, []).format(config)
    assert text.splitlines() == [
        "templates/plain/html.html:1: Jinja: 'nope' is undefined",
        "built 2 template(s) into build: 2 written, 0 unchanged; 1 failed",
    ]


def test_derived_text_renders_one_line_per_item(build_repo: Path) -> None:
    handlebars = pytest.importorskip("sestemplates.handlebars")
    config = load_config(build_repo)
    report = build_project(config, ["receipt"])
    built = report.built[0]
    sample = json.loads((build_repo / "templates/receipt/samples/three.json").read_text())
    text = built.text.replace("{{> footer}}", "")  # partials are SES's business, not ours
    lines = handlebars.render(text, sample).splitlines()
    assert [line for line in lines if line.endswith((".00", "00"))] == [
        "Pen 1.00",
        "Ink 2.00",
        "Pad 3.00",
        "Total 6.00",
    ]


def test_css_rule_with_a_tag_stays_in_style_and_the_guard_catches_copies(
    build_repo: Path,
) -> None:
    """Inlining a rule that holds a tag would copy the tag into every matching element (or
    drop it): such rules stay in <style>, as written; the guard fails a copy."""
    from sestemplates.pipeline.guard import check_tokens
    from sestemplates.pipeline.inline import inline_css
    from sestemplates.pipeline.shield import shield

    plain = build_repo / "templates" / "plain"
    source = (
        "<html><head>\n<style>\n.x { color: {{color}}; }\n.y { color: red; }\n</style></head>\n"
        '<body><p class="x y">a</p><p class="x">b {{name}}</p></body></html>\n'
    )
    (plain / "html.html").write_text(source)
    config = load_config(build_repo)
    report = build_project(config, [])
    assert report.failures == []
    html = next(b.html for b in report.built if b.name == "plain")
    assert html.count("{{color}}") == 1 and ".x { color: {{color}}; }" in html
    assert 'class="x y" style="color:red"' in html  # the rest is still inlined

    shielded, key = shield(source.replace('class="x y"', 'class="x"'))
    copied = inline_css(shielded, file="t.html")  # without keep=: premailer copies the tag
    problems = check_tokens("html", key, shielded, copied)
    assert [p.tag.text for p in problems] == ["{{color}}"]
    assert "duplicated" in problems[0].message


BROKEN = {
    # name: (files to write relative to the template dir, expected line pattern)
    "no_subject": r"^templates/no_subject/subject\.txt: missing subject\.txt$|"
    r"^templates/no_subject: missing subject\.txt$",
    "missing_include": r"^templates/missing_include/html\.mjml:3: mj-include: file not found: "
    r"\./parts/gone\.mjml",
    "missing_layout": r"^templates/missing_layout/html\.mjml:1: Jinja: template file not found: "
    r"_layouts/gone\.mjml$",
    "layout_undefined": r"^templates/_layouts/undef\.mjml:3: Jinja: 'layout_only' is undefined "
    r"\(building layout_undefined\)$",
    "layout_syntax": r"^templates/_layouts/badsyntax\.mjml:2: Jinja syntax error: .*"
    r"\(building layout_syntax\)$",
    "stray_close": r"^templates/stray_close/html\.html:3:4: Handlebars syntax error: "
    r"'\{\{/if\}\}' closes a block that was never opened$",
    "unclosed_each": r"^templates/unclosed_each/html\.mjml:4:3: Handlebars syntax error: "
    r"'\{\{#each items\}\}' is never closed",
    "unclosed_in_layout": r"^templates/_layouts/unclosed\.mjml:3:5: Handlebars syntax error: "
    r"'\{\{#if x\}\}' is never closed .*\(building unclosed_in_layout\)$",
}


def break_more(t: Path) -> None:
    """More broken templates, each a copy of a good one with one fault."""
    for name in BROKEN:
        shutil.copytree(t / ("plain" if name == "stray_close" else "incl"), t / name)
    (t / "no_subject" / "subject.txt").unlink()
    (t / "missing_include" / "html.mjml").write_text(
        '<mjml>\n  <mj-body>\n    <mj-include path="./parts/gone.mjml" />\n  </mj-body>\n</mjml>\n'
    )
    body = "{% block content %}<mj-section><mj-column><mj-text>x</mj-text></mj-column>"
    body += "</mj-section>{% endblock %}\n"
    (t / "missing_layout" / "html.mjml").write_text('{% extends "_layouts/gone.mjml" %}\n' + body)
    (t / "_layouts" / "undef.mjml").write_text(
        "<mjml>\n  <mj-body>\n    [[ layout_only ]]\n{% block content %}{% endblock %}\n"
        "  </mj-body>\n</mjml>\n"
    )
    undef = '{% extends "_layouts/undef.mjml" %}\n'
    (t / "layout_undefined" / "html.mjml").write_text(undef + body)
    (t / "_layouts" / "badsyntax.mjml").write_text("<mjml><mj-body>\n{% if %}\n</mj-body></mjml>\n")
    (t / "layout_syntax" / "html.mjml").write_text('{% extends "_layouts/badsyntax.mjml" %}\n')
    (t / "stray_close" / "html.html").write_text("<p>a</p>\n<p>{{name}}</p>\n   {{/if}}\n")
    (t / "unclosed_each" / "html.mjml").write_text(
        "<mjml>\n<mj-body>\n<mj-section><mj-column><mj-table>\n  {{#each items}}<tr><td>"
        "{{name}}</td></tr>\n</mj-table></mj-column></mj-section>\n</mj-body>\n</mjml>\n"
    )
    (t / "_layouts" / "unclosed.mjml").write_text(
        "<mjml>\n  <mj-body>\n    {{#if x}}\n{% block content %}{% endblock %}\n"
        "  </mj-body>\n</mjml>\n"
    )
    (t / "unclosed_in_layout" / "html.mjml").write_text(
        '{% extends "_layouts/unclosed.mjml" %}\n' + body
    )


def test_every_kind_of_fault_is_one_line_and_leaves_no_output(build_repo: Path, cli) -> None:  # type: ignore[no-untyped-def]
    t = build_repo / "templates"
    for name in BROKEN:  # first they all build, so each has outputs a failure must remove
        shutil.copytree(t / "incl", t / name)
    assert cli("-C", build_repo, "build").code == 0
    for name in BROKEN:
        shutil.rmtree(t / name)
    break_more(t)
    result = cli("-C", build_repo, "build")
    assert result.code == 1
    assert "Traceback" not in result.out + result.err
    lines = result.out.strip().splitlines()
    for name, pattern in BROKEN.items():
        hits = [line for line in lines if re.match(pattern, line)]
        assert len(hits) == 1, (name, lines)
        for suffix in (".json", ".html", ".txt", ".schema.json"):
            assert not (build_repo / "build" / f"{name}{suffix}").exists(), name
    assert len(lines) == len(BROKEN) + 1, lines  # one line each, then the summary
    assert lines[-1].endswith(f"{len(BROKEN)} failed")
    built = sorted(p.name for p in templates_json(build_repo / "build"))
    assert built == ["incl.json", "plain.json", "receipt.json"]


def test_empty_html_part_is_one_clean_error(build_repo: Path) -> None:
    (build_repo / "templates" / "plain" / "html.html").write_text("{% if false %}x{% endif %}\n")
    report = build_project(load_config(build_repo), [])
    assert [d.one_line() for d in report.failures] == [
        "templates/plain/html.html: error: the HTML part is empty after rendering [empty]"
    ]
