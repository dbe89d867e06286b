from __future__ import annotations

from pathlib import Path

import pytest

from sestemplates.config import load_config
from sestemplates.errors import SesTemplatesError
from sestemplates.pipeline.jinja import context, make_environment, render_file, render_subject
from sestemplates.project import discover


def test_delimiters_leave_handlebars_alone_and_record_dependencies(build_repo: Path) -> None:
    config = load_config(build_repo)
    source = next(t for t in discover(config).templates if t.dir_name == "receipt")
    env, loader = make_environment(config)
    html = render_file(env, config, source.html, context(config, source))
    assert "{{#each items}}" in html and "{{> footer}}" in html and "{{!-- a Handlebars" in html
    assert "color: #336699" in html  # [[ color ]] from [vars]
    names = {p.relative_to(config.templates_dir).as_posix() for p in loader.loaded}
    assert names == {"receipt/html.mjml", "_layouts/base.mjml", "_partials/footer.mjml"}


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("content", "message", "line"),
    [
        ("a\n{% if x %}\nb\n", "Jinja syntax error", 2),
        ("a\n\n[[ missing_var ]]\n", "'missing_var' is undefined", 3),
        ('{% include "_partials/nope.mjml" %}\n', "not found: _partials/nope.mjml", 1),
    ],
)
def test_errors_name_file_and_line(build_repo: Path, content: str, message: str, line: int) -> None:
    config = load_config(build_repo)
    path = write(build_repo / "templates" / "x" / "html.html", content)
    env, _ = make_environment(config)
    with pytest.raises(SesTemplatesError) as err:
        render_file(env, config, path, {})
    assert message in err.value.message
    assert err.value.file == "templates/x/html.html"
    assert err.value.line == line


def test_undefined_in_a_layout_names_the_layout(build_repo: Path) -> None:
    config = load_config(build_repo)
    write(build_repo / "templates" / "_layouts" / "bad.html", "ok\n[[ nope ]]\n")
    path = write(build_repo / "templates" / "x" / "html.html", '{% extends "_layouts/bad.html" %}')
    env, _ = make_environment(config)
    with pytest.raises(SesTemplatesError) as err:
        render_file(env, config, path, {})
    assert (err.value.file, err.value.line) == ("templates/_layouts/bad.html", 2)


def test_subject_must_be_one_line() -> None:
    assert render_subject("  Hi {{name}}\n", "s.txt") == "Hi {{name}}"
    with pytest.raises(SesTemplatesError, match="more than one line"):
        render_subject("a\nb", "s.txt")
