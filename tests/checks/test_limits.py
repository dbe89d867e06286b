"""SES size limits, Gmail clipping and TemplateNames under every env prefix."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from sestemplates.checks.limits import (
    GMAIL_CLIP_BYTES,
    SAMPLE_MAX_CHARS,
    TEMPLATE_MAX_BYTES,
    check_sizes,
)
from sestemplates.config import load_config
from sestemplates.pipeline import BuiltTemplate
from sestemplates.project import discover
from tests.checks.conftest import brief, run_check

FILES = {"t/subject.txt": "Hi {{name}}", "t/html.html": "<p>{{name}}</p>",
         "t/samples/s.json": '{"name": "A"}'}


def built_with(root: Path, subject: str, html: str, text: str) -> BuiltTemplate:
    config = load_config(root)
    source = discover(config).templates[0]
    return BuiltTemplate(source.name, source, subject, html, text,
                         config.build_dir / "t.json", ())


def test_limits_are_the_documented_numbers() -> None:
    assert (TEMPLATE_MAX_BYTES, SAMPLE_MAX_CHARS, GMAIL_CLIP_BYTES) == (512_000, 262_144, 104_448)


def test_html_over_102_kb_is_a_warning(repo: Callable[..., Path]) -> None:
    root = repo(FILES)
    config = load_config(root)
    assert check_sizes(config, built_with(root, "s", "x" * GMAIL_CLIP_BYTES, "")) == []
    [d] = check_sizes(config, built_with(root, "s", "x" * (GMAIL_CLIP_BYTES + 1), ""))
    assert brief(d) == ("t", "templates/t/html.html", None, "warning", "html-clipped")


def test_total_over_500_kb_is_an_error_counted_in_utf8_bytes(repo: Callable[..., Path]) -> None:
    root = repo(FILES)
    config = load_config(root)
    half = TEMPLATE_MAX_BYTES // 2
    assert check_sizes(config, built_with(root, "", "", "x" * TEMPLATE_MAX_BYTES)) == []
    # 'é' is two bytes: the same number of characters is over the limit.
    over = check_sizes(config, built_with(root, "s", "", "é" * half))
    assert [brief(d) for d in over] == [
        ("t", "templates/t/html.html", None, "error", "template-too-large")
    ]
    # Too large for SES is the one problem: Gmail clipping is not reported on top.
    over = check_sizes(config, built_with(root, "s", "x" * TEMPLATE_MAX_BYTES, ""))
    assert [d.code for d in over] == ["template-too-large"]


def test_sample_over_262144_characters_is_an_error(repo: Callable[..., Path]) -> None:
    filler = "x" * (SAMPLE_MAX_CHARS - len('{"name": ""}'))
    root = repo(FILES | {"t/samples/big.json": '{"name": "' + filler + '"}',
                         "t/samples/bigger.json": '{"name": "' + filler + 'y"}'})
    report = run_check(root)
    assert [brief(d) for d in report.diagnostics] == [
        ("t", "templates/t/samples/bigger.json", None, "error", "sample-too-large")
    ]


def test_selected_env_is_not_reported_twice(repo: Callable[..., Path]) -> None:
    root = repo(FILES, '[env.bad]\nprefix = "x/"\n')
    report = run_check(root)
    assert [d.code for d in report.diagnostics] == ["template-name"]
    config = load_config(root, "bad")
    from sestemplates.checks import check_project

    # Under --env bad, discovery itself rejects the name: still one diagnostic.
    assert [d.code for d in check_project(config).diagnostics] == ["template-name"]


def test_big_templates_through_the_real_build(repo: Callable[..., Path]) -> None:
    para = "<p>" + "lorem ipsum " * 80 + "{{name}}</p>\n"  # ~1 KB
    root = repo({
        "clipped/subject.txt": "Hi", "clipped/html.html": para * 110,
        "clipped/text.txt": "{{name}}", "clipped/samples/s.json": '{"name": "A"}',
        "huge/subject.txt": "Hi", "huge/html.html": para * 540,
        "huge/text.txt": "{{name}}", "huge/samples/s.json": '{"name": "A"}',
    })
    report = run_check(root)
    assert [brief(d) for d in report.diagnostics] == [
        ("clipped", "templates/clipped/html.html", None, "warning", "html-clipped"),
        ("huge", "templates/huge/html.html", None, "error", "template-too-large"),
    ]
