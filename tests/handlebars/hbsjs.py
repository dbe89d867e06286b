"""A client for tests/handlebars/hbs_server.js: handlebars.js 4.7.10 in one long-lived node process.

The tests that compare our engine with handlebars.js start one server per module (fixture
`handlebars_js` in the test files) and stop it when done.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

from sestemplates.handlebars import RenderError, TemplateSyntaxError, check_data, parse, render
from tests.needs import node_with

HERE = Path(__file__).resolve().parent
# Block parameter names the generated data never uses as keys: a path starting with one is a
# block parameter path.
BLOCK_PARAMS = ["it", "ix"]


def node_or_skip() -> str:
    """The node binary; skip without it, but fail in CI (CI must not pass by skipping)."""
    return node_with("handlebars")


class HandlebarsJs:
    """Render with handlebars.js (noEscape): `{"output": str}` or `{"error": str}`."""

    def __init__(self, node: str) -> None:
        self.proc = subprocess.Popen(
            [node, str(HERE / "hbs_server.js")],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            encoding="utf-8",
            bufsize=1,
        )

    def render(self, template: str, data: Any, *, strict: bool) -> dict[str, str]:
        assert self.proc.stdin is not None and self.proc.stdout is not None
        request = {"template": template, "data": data, "strict": strict}
        self.proc.stdin.write(json.dumps(request) + "\n")
        self.proc.stdin.flush()
        line = self.proc.stdout.readline()
        assert line, "the handlebars.js server stopped"
        reply: dict[str, str] = json.loads(line)
        return reply

    def close(self) -> None:
        if self.proc.stdin is not None:
            self.proc.stdin.close()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        if self.proc.stdout is not None:
            self.proc.stdout.close()


# --- the comparison rules ---------------------------------------------------------------


def _tag_at(source: str, line: int | None, column: int | None) -> str:
    if line is None or column is None:
        return ""
    # Lines end at "\n" only, as our positions count them (str.splitlines also splits at "\r").
    start = sum(len(x) + 1 for x in source.split("\n")[: line - 1]) + column - 1
    end = source.find("}}", start)
    return source[start : end + 2] if end >= 0 else source[start:]


def _has_null(value: Any) -> bool:
    if value is None:
        return True
    if isinstance(value, dict):
        return any(_has_null(v) for v in value.values())
    if isinstance(value, list):
        return any(_has_null(v) for v in value)
    return False


def _documented(template: str, data: Any, code: str, line: int | None, column: int | None) -> str:
    """Why our problem (a RenderError or a check_data problem) is a deliberate difference where
    handlebars.js strict rendered, or "" when it is not one (a bug). Names follow
    docs/handlebars-conformance.md."""
    tag = _tag_at(template, line, column)
    if code == "null" and _has_null(data):
        return "null is an error (1)"
    if code == "each-not-iterable":
        return EACH_SCALAR
    if "lookup" in tag:
        return "lookup result missing/null (5)"
    if any(tag.lstrip("{~&# ").startswith(p) for p in BLOCK_PARAMS):
        return "block parameter path (6)"
    return ""


EACH_SCALAR = "each over a scalar (4)"


def _explain(template: str, data: Any, error: RenderError, strict_output: str) -> str:
    """A documented difference only if *every* problem check_data finds is one, and (except for
    `#each` over a scalar, where handlebars.js renders the else block) handlebars.js' output is
    ours with each problem printed as "" — as it prints a missing lookup, param or null."""
    check = check_data(parse(template), data)
    whys = [_documented(template, data, p.code, p.line, p.column) for p in check.problems]
    first = _documented(template, data, error.code, error.line, error.column)
    if not first or not all(whys):
        return ""
    if EACH_SCALAR not in whys and check.output != strict_output:
        return ""
    return first


def compare(js: HandlebarsJs, template: str, data: Any) -> str:
    """The outcome's class: "same", "both-error", a documented difference, or "MISMATCH: …"."""
    strict = js.render(template, data, strict=True)
    loose = js.render(template, data, strict=False)
    try:
        ours = render(template, data)
    except TemplateSyntaxError as exc:
        if "error" in loose:
            return "both-error"
        return f"MISMATCH: we reject the template ({exc}), handlebars.js renders {loose}"
    except RenderError as exc:
        if "error" in strict:
            return "both-error"
        why = _explain(template, data, exc, strict["output"])
        if why:
            return why
        return f"MISMATCH: we raise {exc.code} {exc} ; handlebars.js strict renders {strict}"
    if "error" in strict:
        if "result.split is not a function" in strict["error"]:
            return "handlebars.js crash on a numeric standalone partial (8)"
        return f"MISMATCH: we render {ours!r}; handlebars.js strict fails: {strict['error']}"
    if ours != strict["output"]:
        return f"MISMATCH: we render {ours!r}; handlebars.js strict renders {strict['output']!r}"
    if ours != loose.get("output"):
        return f"MISMATCH: we render {ours!r}; handlebars.js renders {loose}"
    return "same"
