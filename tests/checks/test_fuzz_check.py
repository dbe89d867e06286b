"""Fuzzing the check layer: a template repo whose sources and samples are random or mutated
must give diagnostics (or a one-line SesTemplatesError), never an exception or an internal
error, and every diagnostic must point at a real file."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sestemplates.checks import check_project
from sestemplates.config import load_config
from sestemplates.errors import SesTemplatesError
from tests.checks.conftest import write_repo

FUZZ = settings(
    max_examples=int(os.environ.get("SESTEMPLATES_FUZZ_EXAMPLES", "100")),
    deadline=None,
    suppress_health_check=list(HealthCheck),
)

PIECES = [
    *"{}#/^!~&*>@.[]()|='\"\\- \n\tab<>%",
    "{{", "}}", "{{{", "}}}", "{{#if a}}", "{{/if}}", "{{else}}", "{{#each items}}",
    "{{/each}}", "{{> p}}", '{{#*inline "p"}}', "{{/inline}}", "{{!--", "--}}", "{{a}}",
    "{{items.b}}", "{{eq a b}}", "{%", "%}", "[[", "]]", "{% if x %}", "{% endif %}",
    "<p>", "</p>", "<style>", "</style>", "<!--", "-->", "\r\n", "\x00", "é", "😀",
]  # fmt: skip
SEEDS = [
    '<html lang="en"><body>\n<p>Hi {{a}}</p>\n{{#each items}}<li>{{b}}</li>{{/each}}\n'
    "</body></html>\n",
    '{{#*inline "p"}}<b>{{a}}</b>{{/inline}}<div>\n  {{> p}}\n</div>\n',
    "<p>{{#if a}}x{{else}}y{{/if}} {{{a}}} {{&a}} {{!-- c --}}</p>",
]
SAMPLES = [
    '{"a": "A", "items": [{"b": 1}, {}]}',
    '{"a": null}',
    "[1, 2]",
    '{"a": "A",',
    "",
    '{"items": "x", "A": 1}',
]


@st.composite
def mutated(draw: st.DrawFn, seeds: list[str]) -> str:
    text = draw(st.sampled_from(seeds))
    for _ in range(draw(st.integers(0, 5))):
        pos = draw(st.integers(0, len(text)))
        if draw(st.booleans()):
            text = text[:pos] + draw(st.sampled_from(PIECES)) + text[pos:]
        else:
            text = text[:pos] + text[pos + draw(st.integers(1, 6)) :]
    return text


RANDOM = st.lists(st.sampled_from(PIECES), max_size=30).map("".join)


@FUZZ
@given(
    html=mutated(SEEDS) | RANDOM,
    subject=mutated(["Hi {{a}}", "{{#if a}}A{{/if}}"]) | RANDOM,
    text=st.none() | mutated(["Hi {{a}}\n{{#each items}}- {{b}}\n{{/each}}"]),
    sample=st.none() | mutated(SAMPLES) | st.text(max_size=20),
)
def test_check_project_never_crashes(
    html: str, subject: str, text: str | None, sample: str | None
) -> None:
    files = {"t/subject.txt": subject, "t/html.html": html}
    if text is not None:
        files["t/text.txt"] = text
    if sample is not None:
        files["t/samples/one.json"] = sample
    with tempfile.TemporaryDirectory() as tmp:
        root = write_repo(Path(tmp), files)
        try:
            report = check_project(load_config(root))
        except SesTemplatesError as exc:
            assert str(exc) and "\n" not in str(exc)
            return
        for d in report.diagnostics:
            assert "internal error" not in d.message, d
            assert d.file is not None and (root / d.file).exists(), d
            assert d.severity in ("error", "warning")
        assert report.exit_code in (0, 1)
