"""check validates every sample against the template's contract: one problem, one line."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from sestemplates.checks import CheckReport
from sestemplates.diagnostics import Diagnostic
from tests.checks.conftest import brief, run_check


def errors(report: CheckReport) -> list[Diagnostic]:
    """The errors only: check's lint adds warnings about the test HTML itself."""
    return [d for d in report.diagnostics if d.is_error]


HTML = "<html><body>\n<p>Hello {{name}}</p>\n{body}\n</body></html>\n"


def files(body: str, sample: str) -> dict[str, str]:
    return {
        "t/subject.txt": "Hi {{name}}",
        "t/html.html": HTML.replace("{body}", body),
        "t/samples/one.json": sample,
    }


def test_a_wrong_shape_in_an_untaken_branch_is_reported_at_the_sample_line(
    repo: Callable[..., Path],
) -> None:
    body = "{{#if show}}{{#each items}}<p>{{title}}</p>{{/each}}{{/if}}"
    sample = '{\n  "name": "Ann",\n  "show": false,\n  "items": "oops"\n}\n'
    report = run_check(repo(files(body, sample)))
    assert [brief(d) for d in errors(report)] == [
        ("t", "templates/t/samples/one.json", 4, "error", "contract")
    ]
    message = errors(report)[0].message
    assert message.startswith("items: must be ") and "not a string" in message
    assert "sestemplates schema t" in message


def test_a_missing_path_is_reported_once_by_the_handlebars_check(
    repo: Callable[..., Path],
) -> None:
    body = "{{#each items}}<p>{{title}}</p>{{/each}}"
    sample = '{"name": "Ann", "items": [{"title": "a"}, {}]}'
    report = run_check(repo(files(body, sample)))
    assert [d.code for d in errors(report)] == ["missing-variable"]
    # A value of the wrong type that makes a read fail: still one line.
    body = "{{#if user}}{{user.name}}{{/if}}"
    report = run_check(repo(files(body, '{"name": "A", "user": "bob"}')))
    assert [d.code for d in errors(report)] == ["missing-variable"]


def test_nested_violation_lines(repo: Callable[..., Path]) -> None:
    body = "{{#if flag}}{{#each order.lines}}{{sku}}{{/each}}{{/if}}"
    data = {"name": "A", "flag": False, "order": {"lines": [{"sku": 1}, 5]}}
    report = run_check(repo(files(body, json.dumps(data, indent=2))))
    assert [(d.line, d.column, d.code) for d in errors(report)] == [(9, 7, "contract")]
    assert errors(report)[0].message.startswith(
        "order.lines[1]: must be an object, not a number"
    )


def test_check_of_valid_samples_does_not_import_jsonschema(repo: Callable[..., Path]) -> None:
    # Valid samples go through the contract's own quick validator; jsonschema is imported
    # only to explain a violation.
    root = repo(files("{{#each xs}}{{x}}{{/each}}", '{"name": "A", "xs": [{"x": 1}]}'))
    code = (
        "import sys; from sestemplates.cli import run; run(['-C', sys.argv[1], 'check']); "
        "print('jsonschema' in sys.modules)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code, str(root)], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip().splitlines()[-1] == "False"
