"""Template sources are data, not code: classic Jinja sandbox escapes through the real CLI.

Each payload, if it worked, would run `touch MARKER` (or leak Python internals into the
build). `check` runs as the pre-commit hook and in CI next to SES credentials, so every one must
be refused with exit 1, one line naming the file and line, no marker, and nothing written.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import CliResult

SAMPLE = '{"name": "Ann", "url": "https://example.com"}'
TOUCH = "popen('touch {marker}').read()"

# name: (a Jinja expression or statement; `{touch}` is the command that creates the marker)
PAYLOADS = {
    "cycler-globals": "[[ cycler.__init__.__globals__.os.{touch} ]]",
    "joiner-globals": "[[ joiner.__init__.__globals__.os.{touch} ]]",
    "namespace-globals": "[[ namespace.__init__.__globals__.os.{touch} ]]",
    "lipsum-globals": "[[ lipsum.__globals__.os.{touch} ]]",
    "range-init": "[[ range.__init__.__globals__.os.{touch} ]]",
    "range-globals": "[[ range.__globals__.os.{touch} ]]",
    "str-mro-subclasses": (
        "{{% for c in ''.__class__.__mro__[1].__subclasses__() %}}"
        "{{% if c.__name__ == '_wrap_close' %}}[[ c.__init__.__globals__.{touch} ]]"
        "{{% endif %}}{{% endfor %}}"
    ),
    "tuple-base-subclasses": "[[ ().__class__.__base__.__subclasses__() ]]",
    "attr-filter-subclasses": (
        "[[ ((''|attr('__class__')|attr('__mro__'))[1]|attr('__subclasses__'))() ]]"
    ),
    "template-reference-context": (
        "[[ self._TemplateReference__context.cycler.__init__.__globals__.os.{touch} ]]"
    ),
    "self-init-globals": "[[ self.__init__.__globals__ ]]",
    "vars-dict-class": "[[ template.__class__.__mro__ ]]",
    "format-string": "[[ '{{0.__class__.__mro__}}'.format(1) ]]",
    "format-globals": "[[ '{{0.__init__.__globals__}}'.format(cycler) ]]",
    "format-map": "[[ '{{x.__class__}}'.format_map({{'x': 1}}) ]]",
    "format-filter": "[[ '%s'|format(cycler.__init__.__globals__) ]]",
    "bound-format": "{{% set f = '{{0.__class__}}'.format %}}[[ f(1) ]]",
    "map-attribute": "[[ [cycler]|map(attribute='__init__.__globals__.os')|list ]]",
    "sort-attribute": "[[ [cycler]|sort(attribute='__init__.__globals__')|list ]]",
    "macro-globals": (
        "{{% macro m() %}}x{{% endmacro %}}[[ m.__init__.__globals__.os.{touch} ]]"
    ),
}


def _project(root: Path, html: str, *, subject: str = "Hi {{name}}") -> Path:
    template = root / "templates" / "evil"
    (template / "samples").mkdir(parents=True)
    (template / "subject.txt").write_text(subject, encoding="utf-8")
    (template / "html.html").write_text(html, encoding="utf-8")
    (template / "samples" / "one.json").write_text(SAMPLE, encoding="utf-8")
    return root


def _refused(result: CliResult, file: str, line: int) -> None:
    assert result.code == 1, result
    output = result.out + result.err
    assert "Traceback" not in output and "internal error" not in output
    lines = [x for x in output.splitlines() if f"{file}:{line}:" in x]
    assert lines, output
    assert "Jinja" in lines[0]


@pytest.mark.parametrize("command", ["check", "build"])
@pytest.mark.parametrize("name", sorted(PAYLOADS))
def test_sandbox_escape_is_refused(
    tmp_path: Path,
    cli,  # type: ignore[no-untyped-def]
    name: str,
    command: str,
) -> None:
    marker = tmp_path / "pwned"
    payload = PAYLOADS[name].format(touch=TOUCH.format(marker=marker))
    html = "<html><body>\n<p>{{name}}</p>\n" + payload + "\n</body></html>\n"
    root = _project(tmp_path / "repo", html)
    result = cli("--project", root, command)
    _refused(result, "templates/evil/html.html", 3)
    assert not marker.exists()
    assert not (root / "build" / "evil.json").exists()


def test_sandbox_error_names_the_unsafe_access(tmp_path: Path, cli) -> None:  # type: ignore[no-untyped-def]
    marker = tmp_path / "pwned"
    payload = PAYLOADS["cycler-globals"].format(touch=TOUCH.format(marker=marker))
    root = _project(tmp_path / "repo", "<p>ok</p>\n", subject=f"Hi\n\n{payload}")
    result = cli("--project", root, "build")
    assert result.code == 1
    assert (
        "templates/evil/subject.txt:3: Jinja sandbox: access to attribute '__init__' of 'type' "
        "object is unsafe"
    ) in result.out + result.err
    assert not marker.exists()


def test_escape_in_a_layout_is_refused_at_the_layout_line(tmp_path: Path, cli) -> None:  # type: ignore[no-untyped-def]
    marker = tmp_path / "pwned"
    payload = PAYLOADS["template-reference-context"].format(touch=TOUCH.format(marker=marker))
    root = _project(
        tmp_path / "repo",
        '{% extends "_layouts/base.html" %}{% block body %}<p>{{name}}</p>{% endblock %}\n',
    )
    layout = root / "templates" / "_layouts" / "base.html"
    layout.parent.mkdir()
    layout.write_text(
        "<html><body>\n{% block body %}{% endblock %}\n" + payload + "\n</body></html>\n",
        encoding="utf-8",
    )
    result = cli("--project", root, "check")
    _refused(result, "templates/_layouts/base.html", 3)
    assert not marker.exists()


def test_documented_jinja_features_still_work_sandboxed(tmp_path: Path, cli) -> None:  # type: ignore[no-untyped-def]
    """Macros, imports, includes, extends, filters, tests, loops, namespace, [vars], comments,
    raw, and Python string methods that are safe (upper, format with plain values)."""
    root = _project(
        tmp_path / "repo",
        '{% extends "_layouts/base.html" %}\n'
        "{% block body %}"
        '{% from "_partials/macros.html" import button %}'
        '{% import "_partials/macros.html" as m %}'
        "[# a build-time note #]"
        "{% set ns = namespace(total=0) %}"
        "{% for n in [1, 2, 3] %}{% set ns.total = ns.total + n %}{% endfor %}"
        "<p>[[ brand|upper ]] [[ ns.total ]] [[ '{}-{}'.format(template.name, 7) ]]"
        " [[ '%05.1f'|format(3.14159) ]] [[ colors|join(',') ]] [[ template.env ]]</p>"
        "[[ button('Go', '{{url}}') ]][[ m.button('Again', '#') ]]"
        '{% include "_partials/footer.html" %}'
        "{% raw %}[[ not jinja ]]{% endraw %}"
        "{% if colors is sequence and 'red' in colors %}<i>red</i>{% endif %}"
        "{% endblock %}\n",
        subject="[[ brand ]]: {{name}}",
    )
    templates = root / "templates"
    (templates / "_layouts").mkdir()
    (templates / "_partials").mkdir()
    (templates / "_layouts" / "base.html").write_text(
        "<html><body>{% block body %}{% endblock %}</body></html>\n", encoding="utf-8"
    )
    (templates / "_partials" / "macros.html").write_text(
        '{% macro button(label, href) %}<a href="[[ href ]]">[[ label ]]</a>{% endmacro %}',
        encoding="utf-8",
    )
    (templates / "_partials" / "footer.html").write_text(
        "<footer>[[ brand ]] {{#if name}}for {{name}}{{/if}}</footer>", encoding="utf-8"
    )
    (root / "sestemplates.toml").write_text(
        '[vars]\nbrand = "Acme"\ncolors = ["red", "blue"]\n', encoding="utf-8"
    )
    result = cli("--project", root, "build")
    assert result.code == 0, result
    content = json.loads((root / "build" / "evil.json").read_text(encoding="utf-8"))
    html = content["TemplateContent"]["Html"]
    assert "<p>ACME 6 evil-7 003.1 red,blue" in html
    assert '<a href="{{url}}">Go</a><a href="#">Again</a>' in html
    assert "<footer>Acme {{#if name}}for {{name}}{{/if}}</footer>" in html
    assert "[[ not jinja ]]" in html and "<i>red</i>" in html
    assert content["TemplateContent"]["Subject"] == "Acme: {{name}}"
    assert cli("--project", root, "check").code == 0


@pytest.mark.parametrize("command", ["check", "build"])
def test_sandbox_in_a_real_process(tmp_path: Path, command: str) -> None:
    """The console entry point in its own process, as the pre-commit hook and CI run it."""
    marker = tmp_path / "pwned"
    payload = PAYLOADS["cycler-globals"].format(touch=TOUCH.format(marker=marker))
    root = _project(tmp_path / "repo", "<p>{{name}}</p>\n" + payload + "\n")
    result = subprocess.run(
        [sys.executable, "-m", "sestemplates", "--project", str(root), command],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 1, result
    assert "templates/evil/html.html:2" in result.stdout + result.stderr
    assert "Jinja sandbox" in result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    assert not marker.exists()
