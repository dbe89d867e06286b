"""A repository with one planted problem per lint code: one warning each, at its file:line."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from sestemplates.checks import check_project, codes
from sestemplates.config import load_config
from tests.conftest import REPO

PLANTED = REPO / "tests" / "fixtures" / "lint-planted"
H = "templates/planted/html.html"
EXPECTED = {
    (codes.LINK_INVALID, H, 6),
    (codes.LINK_INSECURE, H, 7),
    (codes.LINK_JAVASCRIPT, H, 8),
    (codes.LINK_LOCALHOST, H, 9),
    (codes.LINK_FORBIDDEN_HOST, H, 10),
    (codes.IMG_ALT, H, 12),
    (codes.CLIENT_UNSUPPORTED, H, 13),
    (codes.LOW_CONTRAST, H, 14),
    # In a partial both templates include: reported once, for neither template.
    (codes.LINK_TEXT, "templates/_partials/help.html", 2),
    (codes.HTML_LANG, "templates/nolang/html.mjml", 1),
    (codes.CLIENT_PARTIAL, "templates/partial/html.html", 4),
}


@pytest.fixture
def planted(tmp_path: Path) -> Path:
    root = tmp_path / "planted"
    shutil.copytree(PLANTED, root)
    return root


def test_every_lint_code_is_planted_once() -> None:
    assert {code for code, _, _ in EXPECTED} == codes.LINT_CODES


def test_one_warning_per_planted_problem_and_none_elsewhere(planted: Path) -> None:
    report = check_project(load_config(planted))
    found = [(d.code, d.file, d.line) for d in report.diagnostics]
    assert sorted(found) == sorted(EXPECTED)
    assert all(d.severity == "warning" for d in report.diagnostics)
    assert report.exit_code == 0
    shared = [d for d in report.diagnostics if d.code == codes.LINK_TEXT]
    assert shared[0].template is None


def test_link_message_names_the_sample_and_the_tag(planted: Path) -> None:
    report = check_project(load_config(planted))
    (invalid,) = [d for d in report.diagnostics if d.code == codes.LINK_INVALID]
    assert "b.json" in invalid.message and "a.json" not in invalid.message
    assert "{{user.id}}" in invalid.message and "<a>" in invalid.message
    (unsupported,) = [d for d in report.diagnostics if d.code == codes.CLIENT_UNSUPPORTED]
    assert "text-shadow" in unsupported.message and "Outlook Windows" in unsupported.message


def test_fixing_a_problem_clears_its_warning(planted: Path) -> None:
    html = planted / H
    html.write_text(html.read_text().replace("<img src=", '<img alt="Logo" src='))
    (planted / "templates/planted/samples/b.json").write_text('{"name": "B", "user": {"id": "7"}}')
    codes_found = {d.code for d in check_project(load_config(planted)).diagnostics}
    assert codes.IMG_ALT not in codes_found and codes.LINK_INVALID not in codes_found


def test_ignore_and_per_template_overrides(planted: Path) -> None:
    config = planted / "sestemplates.toml"
    config.write_text(
        config.read_text().replace(
            "[lint]\n", '[lint]\nignore = ["link-text", "low-contrast"]\n'
        )
        + '\n[lint.templates.planted]\nclients = ["apple-mail"]\n'
    )
    found = {d.code for d in check_project(load_config(planted)).diagnostics}
    # text-shadow works in Apple Mail; the ignored codes are gone everywhere.
    assert found.isdisjoint({codes.LINK_TEXT, codes.LOW_CONTRAST, codes.CLIENT_UNSUPPORTED})
    assert codes.IMG_ALT in found


def test_forbidden_hosts_are_per_env(planted: Path) -> None:
    config = planted / "sestemplates.toml"
    config.write_text(
        config.read_text().replace('default = ["staging.example.com"]', 'production = ["x.y"]')
        + '\n[env.production]\nprefix = ""\n'
    )
    found = {d.code for d in check_project(load_config(planted)).diagnostics}
    assert codes.LINK_FORBIDDEN_HOST not in found


def test_strict_json_and_github(planted: Path, cli) -> None:  # type: ignore[no-untyped-def]
    result = cli("--project", planted, "check", "--format", "json")
    assert result.code == 0
    data = json.loads(result.out)
    assert data["summary"]["warnings"] == len(EXPECTED)
    result = cli("--project", planted, "check", "--format", "github", "--strict")
    assert result.code == 1
    assert "::warning file=templates/planted/html.html,line=13,title=client-unsupported::" in (
        result.out
    )


def test_bad_lint_config_is_one_line_naming_the_file(planted: Path, cli) -> None:  # type: ignore[no-untyped-def]
    config = planted / "sestemplates.toml"
    config.write_text(config.read_text().replace("[lint]\n", '[lint]\nclients = ["gmial"]\n'))
    result = cli("--project", planted, "check")
    assert result.code == 2
    assert "sestemplates.toml" in result.err and "unknown client 'gmial'" in result.err
    assert "Traceback" not in result.err


def test_examples_lint_clean(example_project: Path) -> None:
    report = check_project(load_config(example_project))
    assert [d for d in report.diagnostics if d.code in codes.LINT_CODES] == []


def test_a_new_repository_lints_clean(tmp_path: Path, cli) -> None:  # type: ignore[no-untyped-def]
    # The skeleton's footer grey was 4.39:1 on its background before the lint existed.
    assert cli("init", tmp_path / "new").code == 0
    report = check_project(load_config(tmp_path / "new"))
    assert [d for d in report.diagnostics if d.code in codes.LINT_CODES] == []


def test_a_background_image_hides_the_colour_under_the_text(tmp_path: Path) -> None:
    from sestemplates.lint.a11y import check_a11y
    from sestemplates.lint.settings import LintSettings
    from sestemplates.lint.sources import scan_text

    mjml = (
        '<mjml lang="en"><mj-body>\n<mj-section background-color="#000000" '
        'background-url="https://i.example/bg.jpg">\n<mj-column>\n'
        '<mj-text color="#333333">On a photo</mj-text>\n</mj-column></mj-section>\n'
        '<mj-section background-color="#000000"><mj-column>\n'
        '<mj-text color="#333333">On black</mj-text>\n</mj-column></mj-section>\n'
        "</mj-body></mjml>\n"
    )
    source = scan_text(mjml, tmp_path / "x.mjml", "x.mjml")
    found = check_a11y(source, LintSettings(), "t", {})
    assert [(d.code, d.line) for d in found] == [(codes.LOW_CONTRAST, 7)]


def test_colours_from_mj_class_and_mj_attributes_are_known(tmp_path: Path) -> None:
    from sestemplates.lint.a11y import check_a11y
    from sestemplates.lint.settings import LintSettings
    from sestemplates.lint.sources import mjml_defaults, scan_text

    layout = scan_text(
        "<mjml lang=\"en\"><mj-head><mj-attributes>\n"
        '<mj-class name="faint" color="#bbbbbb" />\n'
        '<mj-section background-color="#ffffff" />\n'
        "</mj-attributes></mj-head></mjml>\n",
        tmp_path / "base.mjml", "base.mjml",
    )
    child = scan_text(
        "<mj-section><mj-column>\n"
        '<mj-text mj-class="faint">Hard to read</mj-text>\n'
        '<mj-text color="#333333">Fine</mj-text>\n'
        "</mj-column></mj-section>\n",
        tmp_path / "html.mjml", "html.mjml",
    )
    defaults = mjml_defaults([layout, child])
    found = check_a11y(child, LintSettings(), "t", {}, defaults)
    assert [(d.code, d.line) for d in found] == [(codes.LOW_CONTRAST, 2)]
    # Nothing inside <mj-attributes> is judged as content.
    assert check_a11y(layout, LintSettings(), "t", {}, defaults) == []
