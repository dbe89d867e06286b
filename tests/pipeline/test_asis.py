"""The as-is build (template.toml `as_is = true`): parts go to build/ byte for byte; the
setting file's own mistakes are one line each; other templates keep the pipeline."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from sestemplates.config import load_config
from sestemplates.pipeline import build_project
from sestemplates.project import dependency_map, discover

# Every stage would change some byte of this: Jinja (`[[`, `{%`, `[#`, CRLF→LF), the HTML
# parser (the sloppy markup, entities, doctype case), the inliner (<style>), text derivation.
HTML = (
    "<!DOCTYPE html>\r\n<HTML><head><style>p{color:red}</style></head><body>\r\n"
    "<p>[[ brand ]] {% include \"_partials/gone.html\" %} [# note #]</p>\r\n"
    "<table>{{#each rows}}\r\n<tr><td bgcolor=#fff>{{cell}}&nbsp;&amp;</td></tr>{{/each}}"
    "</table><br><img src=x>\r\n<!--[if mso]><b>mso</b><![endif]-->\r\n</body></HTML>"
)


def template(root: Path, name: str, files: dict[str, str | bytes]) -> Path:
    directory = root / "templates" / name
    directory.mkdir(parents=True, exist_ok=True)
    for file, content in files.items():
        data = content.encode("utf-8") if isinstance(content, str) else content
        (directory / file).write_bytes(data)
    return directory


def built(root: Path, name: str) -> dict[str, str]:
    document = json.loads((root / "build" / f"{name}.json").read_text(encoding="utf-8"))
    parts: dict[str, str] = document["TemplateContent"]
    return parts


def test_as_is_parts_are_built_byte_for_byte_and_others_keep_the_pipeline(tmp_path: Path):
    template(tmp_path, "adopted", {
        "template.toml": "as_is = true\n",
        "subject.txt": "  [[ x ]] {% y %} {{name}}\r\n",
        "html.html": "\ufeff" + HTML,
        "text.txt": "[# not a comment #]\r\n{{name}}",
    })
    template(tmp_path, "native", {
        "template.toml": "as_is = false\n",
        "subject.txt": "[[ 1 + 1 ]] {{name}}\n",
        "html.html": "<p>[[ 'jinja' | upper ]] {{name}}</p>\r\n",
    })
    report = build_project(load_config(tmp_path), [])
    assert not report.failures, report.failures
    assert built(tmp_path, "adopted") == {
        "Subject": "  [[ x ]] {% y %} {{name}}\r\n",
        "Html": "\ufeff" + HTML,
        "Text": "[# not a comment #]\r\n{{name}}",
    }
    native = built(tmp_path, "native")
    assert native["Subject"] == "2 {{name}}"
    assert "<p>JINJA {{name}}</p>" in native["Html"] and native["Text"].strip() == "JINJA {{name}}"
    # Jinja-looking text in an as-is template is not a dependency on a partial.
    assert dependency_map(load_config(tmp_path))["adopted"] == set()


def test_as_is_text_only_and_html_only(tmp_path: Path) -> None:
    template(tmp_path, "text", {"template.toml": "as_is = true", "subject.txt": "s",
                                "text.txt": "only {{text}}"})
    template(tmp_path, "html", {"template.toml": "as_is = true", "subject.txt": "",
                                "html.html": "<p>{{x}}</p>"})
    report = build_project(load_config(tmp_path), [])
    assert not report.failures
    assert built(tmp_path, "text") == {"Subject": "s", "Html": "", "Text": "only {{text}}"}
    assert built(tmp_path, "html") == {"Subject": "", "Html": "<p>{{x}}</p>", "Text": ""}


def test_switching_as_is_off_rebuilds(tmp_path: Path) -> None:
    directory = template(tmp_path, "t", {"template.toml": "as_is = true\n", "subject.txt": "s",
                                         "html.html": "<p>[[ 'a' ]]</p>"})
    config = load_config(tmp_path)
    build_project(config, [])
    assert built(tmp_path, "t")["Html"] == "<p>[[ 'a' ]]</p>"
    (directory / "template.toml").write_text("as_is = false\n")
    report = build_project(config, [])
    assert report.written == 1
    assert "<p>a</p>" in built(tmp_path, "t")["Html"]


@pytest.mark.parametrize(
    ("files", "line"),
    [
        ({"template.toml": "as_is = true\nas_is = [\n", "html.html": "h"},
         "templates/t/template.toml:2:1: invalid TOML: "),
        ({"template.toml": "as-is = true\n", "html.html": "h"},
         "templates/t/template.toml: unknown key 'as-is' (allowed: as_is)"),
        ({"template.toml": 'as_is = "yes"\n', "html.html": "h"},
         "templates/t/template.toml: as_is must be true or false"),
        ({"template.toml": "as_is = true\n", "html.mjml": "<mjml></mjml>"},
         "templates/t: as_is needs html.html (final HTML), not html.mjml"),
        ({"template.toml": "as_is = true\n"}, "templates/t: missing html.html or text.txt"),
        ({"template.toml": "as_is = true\n", "html.html": "<p>\n{{#if x}}</p>"},
         "templates/t/html.html:2:1: Handlebars syntax error: "),
        ({"template.toml": "as_is = true\n", "html.html": b"<p>\xff</p>"},
         "templates/t/html.html:1: not valid UTF-8"),
    ],
    ids=["toml", "unknown-key", "not-bool", "mjml", "no-parts", "handlebars", "utf8"],
)
def test_setting_and_source_mistakes_are_one_line(  # type: ignore[no-untyped-def]
    cli, tmp_path: Path, files: dict[str, str | bytes], line: str
):
    template(tmp_path, "t", {"subject.txt": "s", **files})
    template(tmp_path, "ok", {"subject.txt": "s", "html.html": "<p>fine</p>"})
    result = cli("-C", tmp_path, "build")
    assert result.code == 1
    first = result.out.splitlines()[0]
    assert first.startswith(line), result.out
    assert result.out.splitlines()[1] == (
        "built 1 template(s) into build: 1 written, 0 unchanged; 1 failed"
    )


def test_discovery_marks_as_is(tmp_path: Path) -> None:
    template(tmp_path, "a", {"template.toml": "as_is = true", "subject.txt": "", "text.txt": "t"})
    template(tmp_path, "b", {"subject.txt": "", "html.html": "h"})
    found = {t.dir_name: t for t in discover(load_config(tmp_path)).templates}
    assert found["a"].as_is and not found["b"].as_is
    assert found["a"].html.name == "html.html" and not found["a"].html.exists()
