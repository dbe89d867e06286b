"""Conformance of sestemplates.handlebars against ../shared/handlebars-spec/cases.json.

    python -m tests.handlebars.conformance_report [path/to/cases.json] [-v]

Prints pass counts per case class (pasted into docs/handlebars-conformance.md). The same
`outcome` function drives tests/handlebars/test_conformance.py.
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path
from typing import Any

from sestemplates.handlebars import HandlebarsError, RenderError, render

DEFAULT = Path(__file__).resolve().parents[2].parent / "shared" / "handlebars-spec" / "cases.json"


def outcome(case: dict[str, Any]) -> tuple[str, str]:
    """("pass" | "null-difference" | "fail", detail) for one case."""
    expected = case["ses_semantics"]
    try:
        got = render(case["template"], case["data"])
    except RenderError as exc:
        if "error" in expected:
            return "pass", f"RenderError: {exc.message}"
        if case["data_has_null"] and exc.code == "null":
            return "null-difference", f"RenderError: {exc.message}"
        return "fail", f"unexpected RenderError: {exc}"
    except HandlebarsError as exc:
        return "fail", f"unexpected {type(exc).__name__}: {exc}"
    if "error" in expected:
        return "fail", f"rendered {got!r}, expected an error ({expected['error']})"
    if got != expected["output"]:
        return "fail", f"rendered {got!r}, expected {expected['output']!r}"
    if not case["data_has_null"] and got != case["handlebars_js_noescape"]:
        return "fail", f"differs from handlebars.js noEscape: {case['handlebars_js_noescape']!r}"
    return "pass", ""


def main(argv: list[str]) -> int:
    verbose = "-v" in argv
    args = [a for a in argv if a != "-v"]
    path = Path(args[0]) if args else DEFAULT
    cases = json.loads(path.read_text(encoding="utf-8"))
    totals: Counter[tuple[str, str]] = Counter()
    for case in cases:
        result, detail = outcome(case)
        totals[(case["class"], result)] += 1
        if verbose and result != "pass":
            print(f"{result}: {case['id']}: {detail}")
    classes = sorted({c["class"] for c in cases})
    print("| class | cases | pass | null difference (documented) | fail |")
    print("|---|---|---|---|---|")
    for cls in [*classes, "all"]:

        def n(result: str, cls: str = cls) -> int:
            return sum(v for (c, r), v in totals.items() if r == result and cls in (c, "all"))

        count = sum(v for (c, _), v in totals.items() if cls in (c, "all"))
        print(f"| {cls} | {count} | {n('pass')} | {n('null-difference')} | {n('fail')} |")
    return 1 if any(r == "fail" for (_, r) in totals) else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
