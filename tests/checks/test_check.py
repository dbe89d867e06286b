"""check_project and `sestemplates check`: one diagnostic per problem, at the source tag."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.checks.conftest import brief, run_check

HTML = "<html lang=\"en\"><body>\n<p>Hello {{name}}</p>\n{body}\n</body></html>\n"


def template(body: str = "", sample: str | None = '{"name": "Ann"}') -> dict[str, str]:
    files = {"subject.txt": "Hi {{name}}", "html.html": HTML.replace("{body}", body)}
    if sample is not None:
        files["samples/one.json"] = sample
    return files


def files_of(name: str, parts: dict[str, str]) -> dict[str, str]:
    return {f"{name}/{rel}": content for rel, content in parts.items()}


def test_clean_repo_has_no_diagnostics(repo: Callable[..., Path], cli) -> None:  # type: ignore[no-untyped-def]
    body = "<p>{{#each items}}{{name}}: {{../name}} {{@index}}{{/each}}</p>"
    root = repo(files_of("welcome", template(body, '{"name": "Ann", "items": [{"name": "a"}]}')))
    report = run_check(root)
    assert report.diagnostics == []
    assert report.templates == ["welcome"]
    result = cli("--project", root, "check")
    assert result.code == 0
    assert result.out.strip() == "checked 1 template: 0 errors, 0 warnings"


ERROR_CASES = {
    # name: (body line 3 of html.html, sample, code)
    "missing": ("<p>{{plan}}</p>", '{"name": "Ann"}', "missing-variable"),
    "null": ("<p>{{plan}}</p>", '{"name": "Ann", "plan": null}', "null-variable"),
    "nested-missing": ("<p>{{user.email}}</p>", '{"name": "Ann", "user": {}}', "missing-variable"),
    "case": ("<p>{{Plan}}</p>", '{"name": "Ann", "plan": "pro"}', "case-mismatch"),
    "each": ("{{#each plan}}<p>x</p>{{/each}}", '{"name": "Ann", "plan": 3}', "each-not-iterable"),
    "each-item": (
        "{{#each items}}<p>{{price}}</p>{{/each}}",
        '{"name": "Ann", "items": [{"price": 1}, {}, {}]}',
        "missing-variable",
    ),
    "lookup": (
        '<p>{{lookup prices "gold"}}</p>', '{"name": "Ann", "prices": {}}', "missing-variable"
    ),
    "recursion": (
        '{{#*inline "a"}}x{{> a}}{{/inline}}<p>{{> a}}</p>', '{"name": "Ann"}', "partial-recursion"
    ),
    "stray-close": ("<p>{{/if}}</p>", '{"name": "Ann"}', "syntax"),
    "unsupported-helper": ("<p>{{#eq name 'x'}}y{{/eq}}</p>", '{"name": "Ann"}', "unsupported"),
    "external-partial": ("<p>{{> footer}}</p>", '{"name": "Ann"}', "unsupported"),
}


@pytest.mark.parametrize("case", sorted(ERROR_CASES))
def test_each_error_class_gets_exactly_one_diagnostic_at_the_tag(
    case: str, repo: Callable[..., Path], cli  # type: ignore[no-untyped-def]
) -> None:
    body, sample, code = ERROR_CASES[case]
    root = repo(files_of("t", template(body, sample)))
    report = run_check(root)
    assert [brief(d) for d in report.diagnostics] == [
        ("t", "templates/t/html.html", 3, "error", code)
    ], report.diagnostics
    assert report.exit_code == 1
    assert cli("--project", root, "check").code == 1


def test_unclosed_block_is_reported_at_its_opening_tag(repo: Callable[..., Path]) -> None:
    root = repo(files_of("t", template("<p>{{#if name}}open</p>")))
    report = run_check(root)
    assert [brief(d) for d in report.diagnostics] == [
        ("t", "templates/t/html.html", 3, "error", "syntax")
    ]


def test_missing_variable_in_several_parts_and_samples_is_one_problem_per_tag(
    repo: Callable[..., Path],
) -> None:
    parts = template("<p>{{plan}}</p>", '{"name": "Ann"}')
    parts["samples/two.json"] = '{"name": "Bob"}'
    root = repo(files_of("t", parts))  # the derived Text part repeats the Html's {{plan}}
    report = run_check(root)
    assert [brief(d) for d in report.diagnostics] == [
        ("t", "templates/t/html.html", 3, "error", "missing-variable")
    ]
    message = report.diagnostics[0].message
    assert "Attribute 'plan' is not present in the rendering data." in message
    assert "one.json" in message and "two.json" in message


def test_same_variable_in_subject_and_text_file_is_reported_at_each_tag(
    repo: Callable[..., Path],
) -> None:
    parts = template("", '{"name": "Ann"}')
    parts["subject.txt"] = "Your {{plan}} plan"
    parts["text.txt"] = "Hello {{name}}\nplan: {{plan}}\n"
    root = repo(files_of("t", parts))
    assert sorted(brief(d) for d in run_check(root).diagnostics) == [
        ("t", "templates/t/subject.txt", 1, "error", "missing-variable"),
        ("t", "templates/t/text.txt", 2, "error", "missing-variable"),
    ]


def test_tag_in_a_layout_is_located_in_the_layout(repo: Callable[..., Path]) -> None:
    root = repo(
        {
            "_layouts/base.html": "<html lang=\"en\"><body>\n{% block content %}{% endblock %}\n"
            "<p>{{footer_note}}</p>\n</body></html>\n",
            "t/subject.txt": "Hi {{name}}",
            "t/html.html": '{% extends "_layouts/base.html" %}\n'
            "{% block content %}<p>{{name}}</p>{% endblock %}\n",
            "t/samples/one.json": '{"name": "Ann"}',
        }
    )
    assert [brief(d) for d in run_check(root).diagnostics] == [
        ("t", "templates/_layouts/base.html", 3, "error", "missing-variable")
    ]


def test_sample_problems(repo: Callable[..., Path]) -> None:
    parts = template("", '{"name": "Ann",\n  "unused": 1}')
    parts["samples/bad.json"] = '{"name": "Ann",\n  "x": }'
    parts["samples/list.json"] = '["name"]'
    root = repo(files_of("t", parts) | files_of("empty", template(sample=None)))
    report = run_check(root)
    assert [brief(d) for d in report.diagnostics] == [
        ("empty", "templates/empty", None, "warning", "no-samples"),
        ("t", "templates/t/samples/bad.json", 2, "error", "invalid-sample"),
        ("t", "templates/t/samples/list.json", 1, "error", "invalid-sample"),
        ("t", "templates/t/samples/one.json", 2, "warning", "unused-sample-key"),
    ]
    assert report.diagnostics[1].column == 8
    assert "'unused'" in report.diagnostics[3].message


def test_warnings_fail_only_with_strict(repo: Callable[..., Path], cli) -> None:  # type: ignore[no-untyped-def]
    root = repo(files_of("t", template(sample=None)))
    assert cli("--project", root, "check").code == 0
    assert cli("--project", root, "check", "--strict").code == 1


def test_case_variant_key_is_not_also_reported_unused(repo: Callable[..., Path]) -> None:
    root = repo(files_of("t", template("<p>{{Plan}}</p>", '{"name": "Ann", "plan": "pro"}')))
    assert [d.code for d in run_check(root).diagnostics] == ["case-mismatch"]


def test_template_name_checked_under_every_env(repo: Callable[..., Path]) -> None:
    root = repo(
        files_of("welcome", template()),
        '[env.ok]\nprefix = "prod-"\n[env.bad]\nprefix = "bad prefix/"\n',
    )
    report = run_check(root)
    assert [brief(d) for d in report.diagnostics] == [
        ("welcome", "templates/welcome", None, "error", "template-name")
    ]
    assert "'bad prefix/welcome'" in report.diagnostics[0].message


def test_discovery_and_build_problems_pass_through(repo: Callable[..., Path]) -> None:
    root = repo(
        files_of("good", template())
        | {"nosubject/html.html": "<p>x</p>", "jinja/subject.txt": "x",
           "jinja/html.html": "[[ nope ]]"}
    )
    report = run_check(root)
    codes = {(d.template, d.severity) for d in report.diagnostics}
    assert ("nosubject", "error") in codes and ("jinja", "error") in codes
    assert not any(d.template == "good" for d in report.diagnostics)
    assert report.exit_code == 1


def test_json_and_github_formats(repo: Callable[..., Path], cli) -> None:  # type: ignore[no-untyped-def]
    root = repo(files_of("t", template("<p>{{plan}}</p>")))
    result = cli("--project", root, "check", "--format", "json")
    assert result.code == 1
    data = json.loads(result.out)
    assert data["summary"]["errors"] == 1
    [d] = data["diagnostics"]
    assert (d["template"], d["file"], d["line"], d["severity"], d["code"]) == (
        "t", "templates/t/html.html", 3, "error", "missing-variable"
    )
    result = cli("--project", root, "check", "--format", "github")
    assert result.code == 1
    assert result.out.startswith("::error file=templates/t/html.html,line=3,col=4,")
    assert "Attribute 'plan' is not present" in result.out
    assert cli("--project", root, "check", "--format", "xml").code == 2


def test_text_format_groups_by_template(repo: Callable[..., Path], cli) -> None:  # type: ignore[no-untyped-def]
    root = repo(files_of("a", template("<p>{{x}}</p>")) | files_of("b", template("<p>{{y}}</p>")))
    out = cli("--project", root, "check").out.splitlines()
    assert out[0] == "a"
    assert out[1].startswith("  templates/a/html.html:3:4: error: Attribute 'x'")
    assert out[2] == "b"
    assert out[-1] == "checked 2 templates: 2 errors, 0 warnings"
    assert "\x1b[" not in "".join(out)  # no colours when stdout is not a TTY


@pytest.mark.parametrize(
    ("body", "unused"),
    [
        ("{{#each items}}<p>{{this}}</p>{{/each}}", ["other"]),
        ("{{#each items}}<p>{{../other}}</p>{{/each}}", []),
        ("{{#each this}}<p>{{@key}}</p>{{/each}}", []),  # reads every key: nothing unused
        ("<p>{{lookup this key}}</p>", ["items"]),  # the computed key reads 'other' only
    ],
)
def test_unused_sample_keys(body: str, unused: list[str], repo: Callable[..., Path]) -> None:
    sample = '{"name": "Ann", "items": ["a"], "key": "other", "other": "o"}'
    if "key" not in body:
        sample = '{"name": "Ann", "items": ["a"], "other": "o"}'
    root = repo(files_of("t", template(body, sample)))
    report = run_check(root)
    assert [d.code for d in report.diagnostics] == ["unused-sample-key"] * len(unused)
    for d, key in zip(report.diagnostics, unused, strict=True):
        assert f"sample key {key!r} is not used" in d.message
        assert (d.file, d.line) == ("templates/t/samples/one.json", 1)


def test_syntax_errors_in_subject_text_and_layout_files(repo: Callable[..., Path]) -> None:
    sample = {"samples/s.json": '{"name": "A"}'}
    root = repo(
        files_of("a", {"subject.txt": "Hi {{#if name}}x\n", "html.html": "<p>{{name}}</p>"})
        | files_of("b", {"subject.txt": "Hi", "html.html": "<p>{{name}}</p>",
                         "text.txt": "line1\n{{name}} {{/each}}\n"})
        | files_of("c", {"subject.txt": "Hi", "html.html": '{% extends "_layouts/base.html" %}'
                         "{% block content %}<p>{{name}}</p>{% endblock %}\n"})
        | {f"{t}/{rel}": text for t in "abc" for rel, text in sample.items()}
        | {"_layouts/base.html": "<html lang=\"en\"><body>\n{% block content %}{% endblock %}\n"
           "<p>{{#with foo}}</p>\n</body></html>\n"}
    )
    report = run_check(root)
    assert [(d.template, d.file, d.line, d.column, d.code) for d in report.diagnostics] == [
        ("a", "templates/a/subject.txt", 1, 4, "syntax"),
        ("b", "templates/b/text.txt", 2, 10, "syntax"),
        ("c", "templates/_layouts/base.html", 3, 4, "syntax"),
    ]
    assert "'{{#with foo}}' is never closed" in report.diagnostics[2].message


def test_pre_commit_path_imports_no_boto3_and_no_html_tools_when_cached(
    repo: Callable[..., Path],
) -> None:
    import subprocess
    import sys

    root = repo(files_of("t", template()))
    run_check(root)  # builds once
    script = (
        "import sys; from sestemplates.cli import run;"
        "code = run(['check', 'templates/t/html.html']);"
        "heavy = sorted(m for m in ('boto3', 'botocore', 'mjml', 'premailer', 'lxml', 'jinja2')"
        " if m in sys.modules); print(code, heavy)"
    )
    proc = subprocess.run([sys.executable, "-c", script], cwd=root, capture_output=True,
                          text=True, check=True)
    assert proc.stdout.splitlines()[-1] == "0 []"
