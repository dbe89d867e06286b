"""One template repo per error class, checked through the CLI in all three formats: exactly one
diagnostic, at the right file, line and column, with the right code and exit code."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

HTML = '<html lang="en"><body>\n<p>Hello {{name}}</p>\n{body}\n</body></html>\n'
MJML = (
    '<mjml lang="en"><mj-body><mj-section><mj-column>\n<mj-text>Hello {{name}}</mj-text>\n{body}\n'
    "</mj-column></mj-section></mj-body></mjml>\n"
)
SAMPLE = '{"name": "Ann"}'


def template(
    body: str = "",
    sample: str | None = SAMPLE,
    *,
    mjml: bool = False,
    subject: str = "Hi {{name}}",
    text: str | None = None,
) -> dict[str, str]:
    files = {"t/subject.txt": subject}
    if mjml:
        files["t/html.mjml"] = MJML.replace("{body}", f"<mj-text>{body}</mj-text>" if body else "")
    else:
        files["t/html.html"] = HTML.replace("{body}", body)
    if text is not None:
        files["t/text.txt"] = text
    if sample is not None:
        files["t/samples/one.json"] = sample
    return files


def with_layout(layout_line: str) -> dict[str, str]:
    return {
        "_layouts/base.html": '<html lang="en"><body>\n{% block content %}{% endblock %}\n'
        + layout_line
        + "\n</body></html>\n",
        "t/subject.txt": "Hi {{name}}",
        "t/html.html": '{% extends "_layouts/base.html" %}\n'
        "{% block content %}<p>{{name}}</p>{% endblock %}\n",
        "t/samples/one.json": SAMPLE,
    }


def with_partial(partial: str) -> dict[str, str]:
    return {
        "_partials/foot.html": partial,
        "t/subject.txt": "Hi {{name}}",
        "t/html.html": '<html lang="en"><body>\n<p>{{name}}</p>\n'
        '{% include "_partials/foot.html" %}\n</body></html>\n',
        "t/samples/one.json": SAMPLE,
    }


H, M, TXT, SUBJ = (
    "templates/t/html.html",
    "templates/t/html.mjml",
    "templates/t/text.txt",
    ("templates/t/subject.txt"),
)
ONE = "templates/t/samples/one.json"
TEXT = "Hello {{name}}\n{body}\n"

# name: (files, (file, line, column, severity, code))
CASES: dict[str, tuple[dict[str, str], tuple[str, int | None, int | None, str, str]]] = {
    # Syntax, in every kind of source file.
    "unclosed-block-html": (template("<p>{{#if name}}x</p>"), (H, 3, 4, "error", "syntax")),
    "mismatched-close-html": (
        template("<p>{{#if name}}x{{/each}}</p>"),
        (H, 3, 17, "error", "syntax"),
    ),
    "stray-close-html": (template("<p>{{/if}}</p>"), (H, 3, 4, "error", "syntax")),
    "unclosed-tag-html": (template("<p>{{name</p>"), (H, 3, 4, "error", "syntax")),
    "unclosed-block-mjml": (template("{{#if name}}x", mjml=True), (M, 3, 10, "error", "syntax")),
    "mismatched-close-mjml": (
        template("{{#if name}}x{{/each}}", mjml=True),
        (M, 3, 23, "error", "syntax"),
    ),
    "stray-close-mjml": (template("{{/if}}", mjml=True), (M, 3, 10, "error", "syntax")),
    "unclosed-tag-mjml": (template("{{name", mjml=True), (M, 3, 10, "error", "syntax")),
    "unclosed-block-text": (
        template(text=TEXT.replace("{body}", "{{#if name}}x")),
        (TXT, 2, 1, "error", "syntax"),
    ),
    "mismatched-close-text": (
        template(text=TEXT.replace("{body}", "{{#if name}}x{{/with}}")),
        (TXT, 2, 14, "error", "syntax"),
    ),
    "stray-close-text": (
        template(text=TEXT.replace("{body}", "{{/if}}")),
        (TXT, 2, 1, "error", "syntax"),
    ),
    "unclosed-tag-text": (
        template(text=TEXT.replace("{body}", "{{name")),
        (TXT, 2, 1, "error", "syntax"),
    ),
    "unclosed-block-subject": (
        template(subject="Hi {{#if name}}x"),
        (SUBJ, 1, 4, "error", "syntax"),
    ),
    "mismatched-close-subject": (
        template(subject="Hi {{#if name}}x{{/unless}}"),
        (SUBJ, 1, 17, "error", "syntax"),
    ),
    "stray-close-subject": (template(subject="Hi {{/if}}"), (SUBJ, 1, 4, "error", "syntax")),
    "unclosed-tag-subject": (template(subject="Hi {{name"), (SUBJ, 1, 4, "error", "syntax")),
    "unclosed-block-layout": (
        with_layout("<p>{{#if name}}x</p>"),
        ("templates/_layouts/base.html", 3, 4, "error", "syntax"),
    ),
    "unclosed-tag-layout": (
        with_layout("<p>{{name</p>"),
        ("templates/_layouts/base.html", 3, 4, "error", "syntax"),
    ),
    "stray-close-partial": (
        with_partial("<p>\n{{/each}}</p>\n"),
        ("templates/_partials/foot.html", 2, 1, "error", "syntax"),
    ),
    "mismatched-close-partial": (
        with_partial("<p>\n{{#each name}}{{/if}}</p>\n"),
        ("templates/_partials/foot.html", 2, 15, "error", "syntax"),
    ),
    # Variables against the samples.
    "missing-variable": (template("<p>{{plan}}</p>"), (H, 3, 4, "error", "missing-variable")),
    "missing-variable-mjml": (
        template("{{plan}}", mjml=True),
        (M, 3, 10, "error", "missing-variable"),
    ),
    "null-variable": (
        template("<p>{{plan}}</p>", '{"name": "Ann", "plan": null}'),
        (H, 3, 4, "error", "null-variable"),
    ),
    "each-over-non-list": (
        template("{{#each plan}}<p>x</p>{{/each}}", '{"name": "Ann", "plan": "x"}'),
        (H, 3, 1, "error", "each-not-iterable"),
    ),
    "case-mismatch": (
        template("<p>{{Plan}}</p>", '{"name": "Ann", "plan": "pro"}'),
        (H, 3, 4, "error", "case-mismatch"),
    ),
    "unused-sample-key": (
        template("", '{"name": "Ann", "extra": 1}'),
        (ONE, 1, 17, "warning", "unused-sample-key"),
    ),
    # Samples.
    "no-samples": (template(sample=None), ("templates/t", None, None, "warning", "no-samples")),
    "invalid-sample-json": (
        template("", '{"name": "Ann",\n  "x": }'),
        (ONE, 2, 8, "error", "invalid-sample"),
    ),
    "non-object-sample": (template("", '["name"]'), (ONE, 1, None, "error", "invalid-sample")),
    # SES limits.
    "sample-too-large": (
        template("", json.dumps({"name": "A" * 262_200})),
        (ONE, None, None, "error", "sample-too-large"),
    ),
    "html-over-102-kb": (
        template("<p>" + "x" * 105_000 + "</p>"),
        (H, None, None, "warning", "html-clipped"),
    ),
    "template-too-large": (
        template("<p>" + "x" * 520_000 + "</p>"),
        (H, None, None, "error", "template-too-large"),
    ),
    # Features SES lacks.
    "block-helper-eq": (
        template("<p>{{#eq name 'a'}}y{{/eq}}</p>"),
        (H, 3, 4, "error", "unsupported"),
    ),
    "helper-formatDate": (
        template("<p>{{formatDate name}}</p>"),
        (H, 3, 4, "error", "unsupported"),
    ),
    "helper-formatDate-mjml": (
        template("{{formatDate name}}", mjml=True),
        (M, 3, 10, "error", "unsupported"),
    ),
    "external-partial": (template("<p>{{> footer}}</p>"), (H, 3, 4, "error", "unsupported")),
    "decorator": (template("<p>{{* deco}}</p>"), (H, 3, 4, "error", "unsupported")),
    "decorator-block": (
        template("<p>{{#* deco}}x{{/deco}}</p>"),
        (H, 3, 4, "error", "unsupported"),
    ),
}


@pytest.mark.parametrize("case", list(CASES))
def test_one_diagnostic_per_problem_in_every_format(
    case: str,
    repo: Callable[..., Path],
    cli,  # type: ignore[no-untyped-def]
) -> None:
    files, (file, line, column, severity, code) = CASES[case]
    root = repo(files)
    exit_code = 1 if severity == "error" else 0

    result = cli("--project", root, "check", "--format", "json")
    assert result.code == exit_code, result
    found = json.loads(result.out)["diagnostics"]
    assert [(d["file"], d["line"], d["column"], d["severity"], d["code"]) for d in found] == [
        (file, line, column, severity, code)
    ], found
    assert found[0]["template"] == "t"

    result = cli("--project", root, "check", "--format", "github")
    assert result.code == exit_code
    annotations = [x for x in result.out.splitlines() if x.startswith("::")]
    where = (
        f"file={file}" + (f",line={line}" if line else "") + (f",col={column}" if column else "")
    )
    assert len(annotations) == 1, result.out
    assert annotations[0].startswith(f"::{severity} {where},title={code}::t: "), annotations

    result = cli("--project", root, "check")
    assert result.code == exit_code
    position = "".join(f":{n}" for n in (line, column) if n is not None)
    assert f"{file}{position}: {severity}: " in result.out, result.out
    assert result.out.count(f"[{code}]") == 1
    errors = 1 if severity == "error" else 0
    summary = f"checked 1 template: {errors} error{'' if errors == 1 else 's'}, "
    assert summary + f"{1 - errors} warning{'' if errors == 0 else 's'}" in result.out

    # --strict: warnings fail too.
    assert cli("--project", root, "check", "--strict").code == 1


def test_clean_repo_gets_nothing_even_with_strict(repo: Callable[..., Path], cli) -> None:  # type: ignore[no-untyped-def]
    root = repo(template("<p>{{#if name}}{{name}}{{/if}}</p>", mjml=False))
    result = cli("--project", root, "check", "--strict", "--format", "json")
    assert result.code == 0
    assert json.loads(result.out)["diagnostics"] == []
    result = cli("--project", root, "check", "--format", "github")
    assert (result.code, result.out.strip()) == (0, "")


def test_bad_template_name_under_an_env_prefix(repo: Callable[..., Path], cli) -> None:  # type: ignore[no-untyped-def]
    config = '[env.staging]\nprefix = "stag ing."\n[env.prod]\nprefix = "prod-"\n'
    root = repo(template(), config)
    result = cli("--project", root, "check", "--format", "json")
    assert result.code == 1
    found = json.loads(result.out)["diagnostics"]
    assert [(d["file"], d["code"]) for d in found] == [("templates/t", "template-name")]
    assert "'stag ing.t'" in found[0]["message"] and "staging" in found[0]["message"]


def test_several_problems_are_each_reported_once(repo: Callable[..., Path], cli) -> None:  # type: ignore[no-untyped-def]
    files = template(
        "<p>{{plan}}</p><p>{{Name}}</p>{{#each tags}}{{this}}{{/each}}",
        '{"name": "Ann", "tags": 3, "unused": 1}',
        subject="Hi {{name}} {{nope}}",
    )
    root = repo(files)
    result = cli("--project", root, "check", "--format", "json")
    assert result.code == 1
    found = json.loads(result.out)["diagnostics"]
    assert sorted((d["file"], d["line"], d["column"], d["code"]) for d in found) == [
        (H, 3, 4, "missing-variable"),
        (H, 3, 19, "case-mismatch"),
        (H, 3, 1 + len("<p>{{plan}}</p><p>{{Name}}</p>"), "each-not-iterable"),
        (ONE, 1, 28, "unused-sample-key"),
        (SUBJ, 1, 13, "missing-variable"),
    ]


def test_check_paths_select_the_affected_templates(
    repo: Callable[..., Path],
    cli,  # type: ignore[no-untyped-def]
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    files = with_layout("<p>{{footer}}</p>")  # t uses the layout; its sample lacks `footer`
    files |= {"u/subject.txt": "Hi {{name}}", "u/html.html": "<p>{{nope}}</p>"}  # no sample
    root = repo(files)
    monkeypatch.chdir(root)  # pre-commit passes paths relative to the repository root

    def checked(*paths: str) -> tuple[int, list[tuple[str, str]]]:
        result = cli("check", "--format", "json", *paths)
        found = json.loads(result.out)["diagnostics"]
        return result.code, [(d["template"], d["code"]) for d in found]

    assert checked() == (1, [("t", "missing-variable"), ("u", "no-samples")])
    layout = "templates/_layouts/base.html"
    assert checked(layout) == (1, [("t", "missing-variable")])
    assert checked("templates/t/samples/one.json") == (1, [("t", "missing-variable")])
    assert checked("templates/u/html.html") == (0, [("u", "no-samples")])
    assert checked("templates/t/samples/deleted.json") == (1, [("t", "missing-variable")])
    assert checked("README.md", "../elsewhere.txt", "/etc/hostname") == (0, [])
    assert checked("templates/gone/html.html") == (0, [])
    # A deleted layout: the templates that used it no longer build.
    (root / layout).unlink()
    code, found = checked(layout)
    assert code == 1 and [t for t, _ in found] == ["t"]
