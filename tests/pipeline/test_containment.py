"""Every include, extends, import and mj-include resolves inside templates/ (symlinks followed).

A link under templates/ (or `<mj-include path="../../../../etc/passwd">`) used to copy any file
of the machine into build/*.json, which sync uploads to SES, and into the preview. Now such a
reference fails the template with one line naming the including file (and line); links that
stay inside templates/ keep working, and the dependency scan and the cache key read nothing
outside either.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from sestemplates.config import load_config
from sestemplates.pipeline import dependents
from sestemplates.pipeline.cache import CACHE_FILE, input_key
from sestemplates.project import dependency_map, discover
from tests.conftest import CliResult

SECRET = "TOP-SECRET-CONTENT"
SAMPLE = '{"name": "Ann"}'


def _secret(tmp_path: Path, name: str = "secret.html") -> Path:
    outside = tmp_path / "outside"
    outside.mkdir(exist_ok=True)
    path = outside / name
    path.write_text(f"<p>{SECRET}</p>\n", encoding="utf-8")
    return path


def _template(root: Path, html: str, *, name: str = "t", html_file: str = "html.html") -> Path:
    directory = root / "templates" / name
    (directory / "samples").mkdir(parents=True, exist_ok=True)
    (directory / "subject.txt").write_text("Hi {{name}}", encoding="utf-8")
    (directory / html_file).write_text(html, encoding="utf-8")
    (directory / "samples" / "one.json").write_text(SAMPLE, encoding="utf-8")
    return directory


def _assert_refused(result: CliResult, where: str, root: Path, *, message: str) -> None:
    output = result.out + result.err
    assert result.code == 1, output
    assert "Traceback" not in output and "internal error" not in output
    hits = [line for line in output.splitlines() if where in line]
    assert hits, output
    assert message in hits[0] and "outside the templates directory" in hits[0], hits[0]
    assert SECRET not in output
    for built in (root / "build").glob("*") if (root / "build").exists() else []:
        assert SECRET not in built.read_text(encoding="utf-8", errors="replace"), built


# --- Jinja: include / extends / import / from through a link that leads out --------------

JINJA_USES = {
    "include": '{% include "_partials/leak.html" %}',
    "include-ignore-missing": '{% include "_partials/leak.html" ignore missing %}',
    "include-list": '{% include ["_partials/nope.html", "_partials/leak.html"] %}',
    "extends": '{% extends "_partials/leak.html" %}',
    "import": '{% import "_partials/leak.html" as m %}[[ m ]]',
    "from-import": '{% from "_partials/leak.html" import x %}[[ x ]]',
}


@pytest.mark.parametrize("command", ["build", "check"])
@pytest.mark.parametrize("use", sorted(JINJA_USES))
def test_jinja_reference_through_a_link_out_of_templates_is_refused(
    tmp_path: Path,
    cli,  # type: ignore[no-untyped-def]
    use: str,
    command: str,
) -> None:
    root = tmp_path / "repo"
    _template(root, "<html><body>\n<p>{{name}}</p>\n" + JINJA_USES[use] + "\n</body></html>\n")
    partials = root / "templates" / "_partials"
    partials.mkdir()
    (partials / "leak.html").symlink_to(_secret(tmp_path))
    result = cli("--project", root, command)
    _assert_refused(result, "templates/t/html.html:3:", root, message="'_partials/leak.html'")
    assert not (root / "build" / "t.json").exists()


def test_a_linked_directory_of_partials_outside_is_refused(tmp_path: Path, cli) -> None:  # type: ignore[no-untyped-def]
    root = tmp_path / "repo"
    _template(root, '<p>{{name}}</p>\n{% include "_shared/secret.html" %}\n')
    (root / "templates" / "_shared").symlink_to(_secret(tmp_path).parent, target_is_directory=True)
    result = cli("--project", root, "build")
    _assert_refused(result, "templates/t/html.html:2:", root, message="'_shared/secret.html'")


def test_a_template_part_that_links_out_is_refused(tmp_path: Path, cli) -> None:  # type: ignore[no-untyped-def]
    root = tmp_path / "repo"
    directory = _template(root, "<p>{{name}}</p>\n")
    (directory / "html.html").unlink()
    (directory / "html.html").symlink_to(_secret(tmp_path))
    result = cli("--project", root, "build")
    _assert_refused(result, "templates/t/html.html", root, message="'t/html.html'")


def test_a_nested_include_names_the_partial_and_its_line(tmp_path: Path, cli) -> None:  # type: ignore[no-untyped-def]
    root = tmp_path / "repo"
    _template(root, '<p>{{name}}</p>\n{% include "_partials/outer.html" %}\n')
    partials = root / "templates" / "_partials"
    partials.mkdir()
    (partials / "outer.html").write_text('a\nb\n{% include "_partials/leak.html" %}\n')
    (partials / "leak.html").symlink_to(_secret(tmp_path))
    result = cli("--project", root, "build")
    _assert_refused(
        result, "templates/_partials/outer.html:3:", root, message="'_partials/leak.html'"
    )


# --- mj-include ----------------------------------------------------------------------------

MJML = """<mjml>
  <mj-body>
    <mj-section><mj-column><mj-text>{{{{name}}}}</mj-text></mj-column></mj-section>
    {include}
  </mj-body>
</mjml>
"""


@pytest.mark.parametrize(
    "include",
    [
        '<mj-include path="../../../outside/secret.mjml" />',
        '<mj-include path="../../../outside/secret" />',
        '<mj-include path="../../../outside/secret.html" type="html" />',
        '<mj-include path="../../../outside/secret.css" type="css" />',
        '<mj-include path="/../../outside/secret.mjml" />',
        '<mj-include path="file:///../../outside/secret.mjml" />',
        '<mj-include path="parts/leak.mjml" />',  # a link in the template directory
        '<mj-include path="../_partials/leak.mjml" />',  # a link in a shared directory
    ],
)
def test_mj_include_outside_templates_is_refused(
    tmp_path: Path,
    cli,  # type: ignore[no-untyped-def]
    include: str,
) -> None:
    root = tmp_path / "repo"
    directory = _template(root, MJML.format(include=include), html_file="html.mjml")
    secret = _secret(tmp_path, "secret.mjml")
    secret.write_text(f"<mj-section><mj-column><mj-text>{SECRET}</mj-text></mj-column></mj-section>")
    _secret(tmp_path, "secret.html")
    (secret.parent / "secret.css").write_text(f".x {{ content: '{SECRET}' }}")
    (directory / "parts").mkdir()
    (directory / "parts" / "leak.mjml").symlink_to(secret)
    (root / "templates" / "_partials").mkdir()
    (root / "templates" / "_partials" / "leak.mjml").symlink_to(secret)
    result = cli("--project", root, "build")
    _assert_refused(result, "templates/t/html.mjml:4:", root, message="mj-include:")
    assert not (root / "build" / "t.json").exists()


def test_mj_include_of_etc_passwd_is_refused(tmp_path: Path, cli) -> None:  # type: ignore[no-untyped-def]
    if not Path("/etc/passwd").is_file():
        pytest.skip("no /etc/passwd on this system")
    root = tmp_path / "repo"
    include = '<mj-include path="../../../../../../../../../../etc/passwd" type="html" />'
    _template(root, MJML.format(include=include), html_file="html.mjml")
    result = cli("--project", root, "check")
    assert result.code == 1
    assert "templates/t/html.mjml:4: error: mj-include: ../../../../../../../../../../etc/passwd " \
        "resolves to /etc/passwd, outside the templates directory templates/: refused" in result.out
    assert "root:" not in result.out
    built = cli("--project", root, "build")
    assert "templates/t/html.mjml:4: mj-include: " in built.out and "root:" not in built.out


def test_links_that_stay_inside_templates_keep_working(tmp_path: Path, cli) -> None:  # type: ignore[no-untyped-def]
    root = tmp_path / "repo"
    templates = root / "templates"
    (templates / "_partials").mkdir(parents=True)
    (templates / "_partials" / "footer.html").write_text("<footer>FOOT {{name}}</footer>")
    (templates / "_partials" / "part.mjml").write_text(
        "<mj-section><mj-column><mj-text>PART</mj-text></mj-column></mj-section>"
    )
    (templates / "_alias").symlink_to(templates / "_partials", target_is_directory=True)
    (templates / "_partials" / "link.html").symlink_to(templates / "_partials" / "footer.html")
    html = _template(
        root,
        '<p>{{name}}</p>\n{% include "_alias/footer.html" %}{% include "_partials/link.html" %}\n',
    )
    (html / "own.html").symlink_to(templates / "_partials" / "footer.html")
    mjml_dir = _template(
        root,
        MJML.format(
            include='<mj-include path="parts/p.mjml" /><mj-include path="../_alias/part" />'
        ),
        name="m",
        html_file="html.mjml",
    )
    (mjml_dir / "parts").mkdir()
    (mjml_dir / "parts" / "p.mjml").symlink_to(templates / "_partials" / "part.mjml")
    result = cli("--project", root, "build")
    assert result.code == 0, result
    assert (root / "build" / "t.html").read_text().count("<footer>FOOT {{name}}</footer>") == 2
    assert (root / "build" / "m.html").read_text().count("PART") == 2
    assert cli("--project", root, "check").code == 0


# --- the dependency scan and the cache key --------------------------------------------------


def test_dependency_scan_reads_nothing_outside_templates(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    _template(
        root,
        '{% include "_partials/leak.html" %}{% include "../outside/direct.html" %}\n'
        '<mj-include path="../../../outside/secret.mjml" />\n',
    )
    templates = root / "templates"
    (templates / "_partials").mkdir()
    (templates / "_partials" / "only-named-outside.html").write_text("x")
    outside = _secret(tmp_path)
    # If the scan read the outside file, it would follow this reference back in.
    outside.write_text('{% include "_partials/only-named-outside.html" %}')
    (outside.parent / "direct.html").write_text('{% include "_partials/only-named-outside.html" %}')
    (outside.parent / "secret.mjml").write_text('{% include "_partials/only-named-outside.html" %}')
    (templates / "_partials" / "leak.html").symlink_to(outside)
    config = load_config(root)
    assert dependency_map(config) == {"t": set()}
    assert dependents(config, outside) == set()


def test_cache_key_does_not_read_a_link_out_of_templates(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    directory = _template(root, "<p>{{name}}</p>\n")
    outside = _secret(tmp_path)
    (directory / "notes.txt").symlink_to(outside)
    config = load_config(root)
    source = discover(config).templates[0]
    before = input_key(config, source, [])
    outside.write_text("changed")
    assert input_key(config, source, []) == before
    (directory / "subject.txt").write_text("Hello {{name}}")
    assert input_key(config, source, []) != before


def test_an_as_is_template_part_that_links_out_is_refused(tmp_path: Path, cli) -> None:  # type: ignore[no-untyped-def]
    root = tmp_path / "repo"
    directory = _template(root, "<p>{{name}}</p>\n")
    (directory / "template.toml").write_text("as_is = true\n", encoding="utf-8")
    assert cli("--project", root, "build").code == 0
    (directory / "html.html").unlink()
    (directory / "html.html").symlink_to(_secret(tmp_path))
    result = cli("--project", root, "build")
    _assert_refused(result, "templates/t/html.html", root, message="resolves to")
    assert not (root / "build" / "t.json").exists()


def test_a_build_from_before_the_check_is_not_kept_as_up_to_date(tmp_path: Path, cli) -> None:  # type: ignore[no-untyped-def]
    """Earlier versions recorded a linked partial by its real path, outside templates/. Such a
    cache entry is not trusted: the template is rebuilt, refused, and its output removed."""
    root = tmp_path / "repo"
    _template(root, '<p>{{name}}</p>\n{% include "_partials/p.html" %}\n')
    partial = root / "templates" / "_partials" / "p.html"
    partial.parent.mkdir()
    secret = _secret(tmp_path)
    partial.write_text(secret.read_text())
    assert cli("--project", root, "build").code == 0
    assert SECRET in (root / "build" / "t.json").read_text()  # what an old build left
    partial.unlink()
    partial.symlink_to(secret)
    # The cache as the old build wrote it: the dependency by its real path, keyed with it.
    cache_file = root / "build" / CACHE_FILE
    cache = json.loads(cache_file.read_text())
    config = load_config(root)
    source = discover(config).templates[0]
    cache["templates"]["t"]["dependencies"] = [str(secret)]
    cache["templates"]["t"]["key"] = input_key(config, source, [secret])
    cache_file.write_text(json.dumps(cache))
    result = cli("--project", root, "build")
    _assert_refused(result, "templates/t/html.html:2:", root, message="'_partials/p.html'")
    assert not (root / "build" / "t.json").exists()
