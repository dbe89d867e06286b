"""`sestemplates render`, and the examples: check-clean, and rendered as handlebars.js renders."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from sestemplates.checks.render import render_template
from sestemplates.config import load_config
from tests.checks.conftest import run_check
from tests.conftest import REPO
from tests.needs import node_with

NODE_MODULES = REPO / "tests" / "node" / "node_modules"
HANDLEBARS = NODE_MODULES / "handlebars"

FILES = {
    "t/subject.txt": "Order {{order.id}} for {{name}}",
    "t/html.html": "<p>Hi {{name}}</p>\n{{#each items}}<p>{{title}} = {{price}}</p>{{/each}}\n",
    "t/text.txt": "Hi {{name}},\n{{#each items}}- {{title}}\n{{/each}}",
    "t/samples/a.json": '{"name": "<Ann>", "order": {"id": 7}, '
    '"items": [{"title": "Tea", "price": "1 €"}, {"title": "Jam", "price": 2}]}',
    "t/samples/b.json": '{"name": "Bob", "order": {"id": 8}, "items": []}',
    "t/samples/broken.json": '{"name": "Cy", "order": {}, "items": [{"title": "x"}]}',
}


def test_render_one_part_with_the_first_sample_by_default(
    repo: Callable[..., Path], cli  # type: ignore[no-untyped-def]
) -> None:
    root = repo(FILES)
    result = cli("--project", root, "render", "t", "--part", "subject")
    assert (result.code, result.out) == (0, "Order 7 for <Ann>")  # no newline added
    result = cli("--project", root, "render", "t", "--sample", "b", "--part", "text")
    assert (result.code, result.out) == (0, "Hi Bob,\n")


def test_render_all_parts_without_escaping(repo: Callable[..., Path]) -> None:
    out = render_template(load_config(repo(FILES)), "t", "a.json", "all")
    assert out.startswith("===== Subject =====\nOrder 7 for <Ann>\n\n===== Html =====\n")
    assert "<p>Tea = 1 €</p><p>Jam = 2</p>" in out  # SES never HTML-escapes
    assert out.endswith("===== Text =====\nHi <Ann>,\n- Tea\n- Jam\n")


def test_missing_attribute_exits_1_with_ses_wording_at_the_source_tag(
    repo: Callable[..., Path], cli  # type: ignore[no-untyped-def]
) -> None:
    root = repo(FILES)
    result = cli("--project", root, "render", "t", "--sample", "broken", "--part", "subject")
    assert result.code == 1
    assert result.err.startswith(
        "error: templates/t/subject.txt:1:7: Attribute 'order.id' is not present in the "
        "rendering data."
    ), result.err
    assert "broken.json" in result.err
    result = cli("--project", root, "render", "t", "--sample", "broken", "--part", "html")
    assert result.code == 1
    assert "templates/t/html.html:2:" in result.err and "price' is not present" in result.err


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["nope"], "no template named 'nope'"),
        (["t", "--sample", "zzz"], "has no sample 'zzz'"),
        (["t", "--part", "body"], "unknown part 'body'"),
    ],
)
def test_unknown_template_sample_or_part_exits_2(
    repo: Callable[..., Path], cli, args: list[str], message: str  # type: ignore[no-untyped-def]
) -> None:
    result = cli("--project", repo(FILES), "render", *args)
    assert result.code == 2
    assert message in result.err


# --- the examples in templates/ ------------------------------------------------------------


def _need_examples() -> None:
    if not any((REPO / "templates").glob("*/subject.txt")):
        pytest.skip("no example templates in templates/")


def test_examples_check_clean(example_project: Path) -> None:
    _need_examples()
    report = run_check(example_project)
    assert report.diagnostics == []
    assert len(report.templates) >= 5


def _handlebars_js(jobs: list[tuple[str, dict[str, object]]], tmp: Path) -> list[str]:
    """Render each (source, data) with handlebars.js 4.7 (noEscape), one node process."""
    node = node_with("handlebars")
    script = (
        "const H = require(process.argv[1]);"
        "const jobs = JSON.parse(require('fs').readFileSync(0, 'utf8'));"
        "process.stdout.write(JSON.stringify(jobs.map(([s, d]) =>"
        " H.compile(s, {noEscape: true})(d))));"
    )
    proc = subprocess.run(
        [node, "-e", script, str(HANDLEBARS)], input=json.dumps(jobs), capture_output=True,
        text=True, check=True, cwd=tmp, timeout=120,
    )
    result = json.loads(proc.stdout)
    assert isinstance(result, list)
    return [str(r) for r in result]


def test_examples_render_as_handlebars_js_does(example_project: Path, tmp_path: Path) -> None:
    _need_examples()
    from sestemplates.checks.samples import load_sample
    from sestemplates.pipeline import build_project

    config = load_config(example_project)
    report = build_project(config, [])
    assert report.failures == []
    cases: list[tuple[str, str, str]] = []
    jobs: list[tuple[str, dict[str, object]]] = []
    for built in report.built:
        for sample in built.source.samples:
            for part in ("subject", "html", "text"):
                cases.append((built.name, sample.name, part))
                jobs.append((getattr(built, part), load_sample(sample)))
    assert len(cases) >= 30
    expected = _handlebars_js(jobs, tmp_path)
    for (name, sample, part), want in zip(cases, expected, strict=True):
        got = render_template(config, name, sample, part)
        assert got == want, f"{name} × {sample} ({part})"


def test_lone_surrogate_in_a_sample_prints_as_replacement_character(
    repo: Callable[..., Path], cli  # type: ignore[no-untyped-def]
) -> None:
    root = repo(
        {
            "t/subject.txt": "Hi {{name}}",
            "t/html.html": "<p>{{name}}</p>",
            "t/samples/a.json": '{"name": "x\\ud800y"}',
        }
    )
    result = cli("--project", root, "render", "t", "--part", "subject")
    assert (result.code, result.out) == (0, "Hi x\ufffdy")
